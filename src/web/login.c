/*
 * login.c — staff sign-in and sign-out.
 *
 * GET /login shows the form; POST /login checks the password through the
 * ledger (user_authenticate, which throttles repeated failures), opens a
 * session (http/session.c) and sets the `tz_session` cookie; POST /logout
 * ends the session. The page a visitor was sent away from is carried in a
 * hidden `next` field and honoured only when it is a path on this site
 * (web_local_path: why, /login must not be an open redirect).
 */
#include <string.h>

#include "base/util.h"
#include "http/session.h"
#include "ledger/ledger.h"
#include "ledger/user.h"
#include "web/app.h"
#include "web/html.h"
#include "web/pages.h"

/* The sign-in page with an optional error, the login typed so far kept,
 * and the status given (200, 400, 401, 429). */
static void render_form(request *rq, response *rs, int status, const char *error,
			const char *login, const char *next)
{
	buf *b = &rs->body;
	rs->status = status;
	/* The public frame: the visitor is not signed in yet. */
	page_begin(rq, rs, PAGE_PUBLIC, "工作人员登录", "login");
	buf_puts(b, "<section class=\"card login\">\n<h1>工作人员登录</h1>\n");
	buf_puts(b, "<p class=\"muted\">受理员、承办人、领导、监督员和管理员请使用本单位分配的账号登录。"
		    "</p>\n");
	if (error)
		html_notice(b, "error", error);
	buf_puts(b, "<form method=\"post\" action=\"/login\" class=\"stack\">\n");
	form_csrf(rq, b);
	if (web_local_path(next))
		buf_printf(b, "<input type=\"hidden\" name=\"next\" value=\"%h\">\n", next);
	buf_printf(b,
		   "<div class=\"field\"><label for=\"login\">用户名</label>"
		   "<input type=\"text\" id=\"login\" name=\"login\" value=\"%h\" autocomplete=\"username\" "
		   "autocapitalize=\"none\" spellcheck=\"false\" required%s></div>\n",
		   login ? login : "", str_empty(login) ? " autofocus" : "");
	buf_printf(b,
		   "<div class=\"field\"><label for=\"password\">密码</label>"
		   "<input id=\"password\" name=\"password\" type=\"password\" "
		   "autocomplete=\"current-password\" required%s></div>\n",
		   str_empty(login) ? "" : " autofocus");
	buf_puts(b, "<div class=\"form-actions\"><button type=\"submit\">登录</button></div>\n"
		    "</form>\n");
	buf_puts(b, "<p class=\"hint\">忘记密码请联系本单位系统管理员重置。群众反映问题无需登录，"
		    "请<a href=\"/submit\">点此提交</a>。</p>\n</section>\n");
	page_end(rq, rs);
}

/* GET /login: the sign-in form; a visitor already signed in goes on to
 * the staff pages. */
void page_login_form(request *rq, response *rs)
{
	const char *next = rq_param(rq, "next");
	if (rq->who.role != ROLE_NONE && rq->who.user_id != 0) {
		resp_redirect(rs, web_local_path(next) ? next : "/staff");
		return;
	}
	render_form(rq, rs, 200, NULL, NULL, next);
}

/* Open a session for the authenticated user, set its cookie and send the
 * visitor on. Any session the visitor already had is ended first (why: a
 * fresh token on every sign-in, so a token planted before sign-in never
 * becomes a signed-in session). */
static void start_session(request *rq, response *rs, const actor *who, const char *next)
{
	const app *a = rq->app;
	int ttl = a && a->session_ttl > 0 ? a->session_ttl : 8 * 3600;
	char token[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE];

	if (rq->session_id[0])
		session_destroy(rq->db, rq->session_id);
	if (session_create(rq->db, who->user_id, rq->now, ttl, token, csrf) != 0) {
		resp_error(rq, rs, 500, "登录暂时无法完成，请稍后再试");
		return;
	}
	resp_set_cookie(rs, SESSION_COOKIE, token, ttl);
	resp_redirect(rs, web_local_path(next) ? next : "/staff");
}

/* POST /login: check login and password. A wrong password and an unknown
 * login get the same answer (why: not to reveal which logins exist). */
void page_login_post(request *rq, response *rs)
{
	const char *login = rq_param(rq, "login");
	const char *password = rq_param(rq, "password");
	const char *next = rq_param(rq, "next");
	actor who;

	if (str_empty(login) || str_empty(password)) {
		render_form(rq, rs, 400, "请输入用户名和密码", login, next);
		return;
	}
	memset(&who, 0, sizeof who);
	int rc = user_authenticate(rq->db, login, password, rq->remote_addr, rq->now, &who);
	switch (rc) {
	case LEDGER_OK:
		start_session(rq, rs, &who, next);
		break;
	case LEDGER_INVALID:
	case LEDGER_NOT_FOUND:
	case LEDGER_FORBIDDEN:
		render_form(rq, rs, 401, "用户名或密码错误", login, next);
		break;
	case LEDGER_THROTTLED:
		render_form(rq, rs, 429, "尝试次数过多，请15分钟后再试", login, next);
		break;
	default:
		resp_error(rq, rs, 500, "登录暂时无法完成，请稍后再试");
		break;
	}
}

/* POST /logout: end the session, clear the cookie, back to the home page. */
void page_logout(request *rq, response *rs)
{
	if (rq->session_id[0])
		session_destroy(rq->db, rq->session_id);
	resp_set_cookie(rs, SESSION_COOKIE, "", 0);
	resp_redirect(rs, "/");
}
