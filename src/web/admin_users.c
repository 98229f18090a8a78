/*
 * admin_users.c — staff accounts (GET and POST /staff/admin/users): the
 * list with activate/deactivate and password reset, and the form to
 * create an account with its role, the department (for handlers) and an
 * initial password. user_add(), user_set_active() and user_set_password()
 * validate; on an error the page comes back with the message (400) and
 * the create form keeps what was typed, never the password.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/user.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/staff.h"

#define URL "/staff/admin/users"

static const char *const roles[] = {"clerk", "handler", "leader", "observer", "admin"};

/* What the create form shows (borrowed strings). */
typedef struct user_form {
	const char *login, *name, *role;
	int64_t department_id;
} user_form;

/* The cell of actions for one account: activate or deactivate, and a
 * folded password reset form. */
static void user_actions(request *rq, buf *b, const user *u)
{
	buf_puts(b, "<td>");
	if (u->id != rq->who.user_id)
		admin_button(rq, b, URL, "active", u->id, "active", u->active ? "0" : "1",
			     u->active ? "停用" : "启用");
	buf_printf(b, "<details><summary>重置密码</summary><form method=\"post\" action=\"" URL "\" "
		      "class=\"inline\">");
	form_csrf(rq, b);
	buf_printf(b, "<input type=\"hidden\" name=\"op\" value=\"password\">"
		      "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
		      "<input type=\"password\" name=\"password\" minlength=\"8\" required "
		      "autocomplete=\"new-password\" aria-label=\"%h 的新密码\" placeholder=\"新密码，至少8位\"> "
		      "<button type=\"submit\" class=\"secondary\">重置</button></form></details></td>",
		   (long long)u->id, u->login);
}

/* The table of every account. */
static void user_table(request *rq, buf *b, const user *v, size_t n)
{
	if (n == 0) {
		buf_puts(b, "<div class=\"empty\"><p>还没有账号。请在下方新增。</p></div>\n");
		return;
	}
	buf_puts(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>登录名</th><th>姓名</th>"
		    "<th>角色</th><th>所属单位</th><th>状态</th><th>创建时间</th><th>操作</th></tr>"
		    "</thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const user *u = &v[i];
		buf_printf(b, "<tr><td class=\"mono\">%h</td><td>%h</td><td>%h</td><td>%h</td><td>%s</td>"
			      "<td>",
			   u->login, u->name, role_label(role_from_name(u->role)), u->department_name,
			   u->active ? "在岗" : "<span class=\"muted\">已停用</span>");
		html_time(b, u->created_at);
		buf_puts(b, "</td>");
		user_actions(rq, b, u);
		buf_puts(b, "</tr>\n");
	}
	buf_puts(b, "</tbody></table></div>\n");
}

/* The create form. */
static void user_create_form(request *rq, buf *b, const user_form *form)
{
	buf role_opts = BUF_INIT, dep_opts = BUF_INIT;
	department *deps = NULL;
	size_t nd = 0;
	for (size_t i = 0; i < ARRAY_LEN(roles); i++)
		form_option(&role_opts, roles[i], role_label(role_from_name(roles[i])),
			    str_cmp0(form->role, roles[i]) == 0);
	if (department_list(rq->db, true, &deps, &nd) == LEDGER_OK)
		form_department_options(&dep_opts, deps, nd, form->department_id, "无");
	const admin_field f[] = {
		{"login", "登录名", AF_TEXT, form->login, false, NULL, "字母、数字，登录时使用", true},
		{"name", "姓名", AF_TEXT, form->name, false, NULL, NULL, true},
		{"role", "角色", AF_SELECT, NULL, false, buf_str(&role_opts),
		 "受理员：受理派单；承办人：办理本单位事项；领导：督办、延期、销号；"
		 "监督员：只读，看不到群众个人信息",
		 true},
		{"department", "所属单位", AF_SELECT, NULL, false, buf_str(&dep_opts), "承办人必选",
		 false},
		{"password", "初始密码", AF_PASSWORD, NULL, false, NULL, "至少8位，请本人登录后尽快修改",
		 true},
	};
	admin_form(rq, b, URL, "新增账号", "create", 0, f, ARRAY_LEN(f), "新增");
	buf_free(&role_opts);
	buf_free(&dep_opts);
	department_list_free(deps, nd);
}

/* The whole page with an optional error. */
static void render(request *rq, response *rs, int status, const user_form *form,
		   const char *error)
{
	user *v = NULL;
	size_t n = 0;
	if (user_list(rq->db, &v, &n) != LEDGER_OK) {
		resp_error(rq, rs, 500, "账号列表暂时无法读取，请稍后再试");
		return;
	}
	rs->status = status;
	admin_begin(rq, rs, "账号", "users",
		    "工作人员的账号和角色。停用的账号不能登录，其办理记录保留。", error);
	user_table(rq, &rs->body, v, n);
	user_create_form(rq, &rs->body, form);
	page_end(rq, rs);
	user_list_free(v, n);
}

/* GET /staff/admin/users. */
void page_admin_users(request *rq, response *rs)
{
	user_form f = {.role = "clerk"};
	render(rq, rs, 200, &f, NULL);
}

/* op=create: a new account. */
static void create_user(request *rq, response *rs)
{
	user_form f = {rq_param(rq, "login"), rq_param(rq, "name"), rq_param(rq, "role"), 0};
	department dep;
	char *msg = NULL;
	int64_t id = 0;
	memset(&dep, 0, sizeof dep);
	if (!web_param_id(rq, "department", &f.department_id)) {
		resp_error(rq, rs, 400, "请从列表中选择所属单位");
		return;
	}
	if (f.department_id && department_get(rq->db, f.department_id, NULL, &dep) != LEDGER_OK) {
		render(rq, rs, 400, &f, "所属单位不存在");
		return;
	}
	int rc = user_add(rq->db, f.login, f.name, f.role, dep.code, rq_param(rq, "password"),
			  rq->now, &id, &msg);
	if (rc == LEDGER_OK)
		resp_redirect(rs, URL "?done=created");
	else if (rc == LEDGER_INVALID || rc == LEDGER_CONFLICT)
		render(rq, rs, 400, &f, msg ? msg : "填写的内容有误，请检查后重试");
	else
		resp_error(rq, rs, ledger_http_status(rc), "新增账号没有成功，请稍后再试");
	free(msg);
	department_clear(&dep);
}

/* op=active: activate (active=1) or deactivate (active=0) an account. */
static void set_active(request *rq, response *rs, int64_t id)
{
	const char *a = rq_param(rq, "active");
	user_form f = {.role = "clerk"};
	if (str_cmp0(a, "1") != 0 && str_cmp0(a, "0") != 0) {
		resp_error(rq, rs, 400, "请求有误，请刷新后重试");
		return;
	}
	/* Why: an administrator who deactivates their own account locks
	 * themselves out mid-session; another administrator must do it. */
	if (id == rq->who.user_id) {
		render(rq, rs, 400, &f, "不能停用自己的账号");
		return;
	}
	int rc = user_set_active(rq->db, id, a[0] == '1');
	if (rc == LEDGER_OK)
		resp_redirect(rs, a[0] == '1' ? URL "?done=activated" : URL "?done=deactivated");
	else
		resp_error(rq, rs, ledger_http_status(rc),
			   rc == LEDGER_NOT_FOUND ? "没有找到这个账号" : "操作没有成功，请稍后再试");
}

/* op=password: set a new password for an account. */
static void reset_password(request *rq, response *rs, int64_t id)
{
	user_form f = {.role = "clerk"};
	char *msg = NULL;
	int rc = user_set_password(rq->db, id, rq_param(rq, "password"), &msg);
	if (rc == LEDGER_OK)
		resp_redirect(rs, URL "?done=password");
	else if (rc == LEDGER_INVALID)
		render(rq, rs, 400, &f, msg ? msg : "密码至少8位");
	else
		resp_error(rq, rs, ledger_http_status(rc),
			   rc == LEDGER_NOT_FOUND ? "没有找到这个账号" : "操作没有成功，请稍后再试");
	free(msg);
}

/* POST /staff/admin/users: op=create, op=active or op=password. */
void page_admin_users_post(request *rq, response *rs)
{
	const char *op = rq_param(rq, "op");
	int64_t id = 0;
	if (str_cmp0(op, "create") == 0) {
		create_user(rq, rs);
		return;
	}
	if (!web_param_id(rq, "id", &id) || id == 0) {
		resp_error(rq, rs, 400, "请求有误，请刷新后重试");
		return;
	}
	if (str_cmp0(op, "active") == 0)
		set_active(rq, rs, id);
	else if (str_cmp0(op, "password") == 0)
		reset_password(rq, rs, id);
	else
		resp_error(rq, rs, 400, "请求有误，请刷新后重试");
}
