/*
 * track.c — a matter seen from outside: the lookup form 进度查询 (/t), the
 * matter's page (/t/NUMBER), which is both its public page and the
 * resident's tracking page, the resident's rating (/t/NUMBER/rate) and the
 * QR code that leads back to the tracking page (/t/NUMBER/qr.svg).
 *
 * Who sees what: anyone sees a public matter's public facts and public
 * timeline. The resident who holds the 查询码 (?k=) also sees their own
 * private matter, its description and address, and may rate the result.
 * Without the right 查询码 a private matter does not exist (404). The
 * submitter's name and phone are never loaded here: every load runs as the
 * anonymous actor, so the ledger blanks them.
 */
#include "web/pages.h"

#include <ctype.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "ledger/matter.h"
#include "web/app.h"
#include "web/html.h"

#define NUMBER_MAX 31  /* TZ-2026-000123 fits with room to spare */
#define SECRET_MAX 64
#define RATING_NOTE_MAX 500
#define QR_QUIET 4     /* modules of white border the QR standard asks for */

/* The anonymous resident: why, pages reached by the public must never
 * load personal data, whoever happens to be signed in. */
static void resident(actor *a)
{
	memset(a, 0, sizeof *a);
	a->role = ROLE_NONE;
	snprintf(a->name, sizeof a->name, "%s", "群众");
}

/* A plausible matter number: 1-31 of [A-Za-z0-9-]. */
static bool number_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > NUMBER_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

/* Does k open the private view of matter `number`? */
static bool owner_ok(request *rq, const char *number, const char *k)
{
	return !str_empty(k) && strlen(k) <= SECRET_MAX && number_ok(number) &&
	       matter_secret_ok(rq->db, number, k);
}

/* Copy s into out (cap bytes) without surrounding ASCII spaces, upper-cased
 * when `upper`. Returns false when it does not fit. */
static bool trim_copy(const char *s, char *out, size_t cap, bool upper)
{
	while (s && (*s == ' ' || *s == '\t'))
		s++;
	size_t n = s ? strlen(s) : 0;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= cap)
		return false;
	for (size_t i = 0; i < n; i++)
		out[i] = upper ? (char)toupper((unsigned char)s[i]) : s[i];
	out[n] = '\0';
	return true;
}

/* ---- the lookup form ---------------------------------------------------- */

/* The lookup page, with an optional error and the values typed. */
static void render_lookup(request *rq, response *rs, const char *msg, int status,
			  const char *number)
{
	rs->status = status;
	page_begin(rq, rs, PAGE_PUBLIC, "进度查询", "track");
	buf *b = &rs->body;
	buf_puts(b, "<h1>进度查询</h1>");
	if (msg)
		html_notice(b, "error", msg);
	buf_printf(b,
		   "<form class=\"stack card\" method=\"get\" action=\"/t\">"
		   "<div class=\"field\"><label for=\"number\">事项编号</label>"
		   "<input type=\"text\" id=\"number\" name=\"number\" required maxlength=\"31\" "
		   "autocapitalize=\"characters\" placeholder=\"如 TZ-2026-000123\" value=\"%h\"></div>"
		   "<div class=\"field\"><label for=\"k\">查询码 <span class=\"hint\">提交时获得；"
		   "查看公开事项可不填</span></label>"
		   "<input type=\"text\" id=\"k\" name=\"k\" maxlength=\"64\" autocomplete=\"off\" "
		   "autocapitalize=\"none\" spellcheck=\"false\"></div>"
		   "<div class=\"form-actions\"><button type=\"submit\">查询</button></div></form>"
		   "<p>想看看大家反映的事办得怎么样？请到 <a href=\"/board\">公开栏</a>。</p>",
		   number ? number : "");
	page_end(rq, rs);
}

/* Is there a matter this visitor may open with this number and code: their
 * own with the right code, or a public one (the page then says when the
 * code was wrong)? */
static bool lookup_found(request *rq, const char *number, const char *k)
{
	if (owner_ok(rq, number, k))
		return true;
	actor anon;
	matter m = {0};
	char today[11];
	resident(&anon);
	web_today(rq, today);
	int rc = matter_load(rq->db, &anon, number, 0, true, today, &m);
	matter_clear(&m);
	return rc == LEDGER_OK;
}

/* GET /t: the lookup form; with ?number= (and ?k=) it sends the visitor
 * on to /t/NUMBER?k=K when there is such a matter. */
void page_track_lookup(request *rq, response *rs)
{
	const char *pn = rq_param(rq, "number"), *pk = rq_param(rq, "k");
	char number[NUMBER_MAX + 1], k[SECRET_MAX + 1];
	if (str_empty(pn) && str_empty(pk)) {
		render_lookup(rq, rs, NULL, 200, NULL);
		return;
	}
	if (!trim_copy(pn, number, sizeof number, true) || !number_ok(number) ||
	    !trim_copy(pk, k, sizeof k, false)) {
		render_lookup(rq, rs, "事项编号格式不对，应类似 TZ-2026-000123", 400, pn);
		return;
	}
	if (!lookup_found(rq, number, k)) {
		render_lookup(rq, rs,
			      str_empty(k) ? "没有找到这个公开事项。不公开的事项请同时填写查询码。"
					   : "没有找到这个事项，请核对事项编号和查询码。",
			      404, number);
		return;
	}
	char *loc = str_empty(k) ? str_printf("/t/%u", number) : str_printf("/t/%u?k=%u", number, k);
	resp_redirect(rs, loc);
	free(loc);
}

/* ---- the matter's page -------------------------------------------------- */

/* The box shown once after submission: number, 查询码 and QR code. */
static void new_box(buf *b, const matter *m, const char *k)
{
	buf_printf(b,
		   "<section class=\"success-box\" aria-labelledby=\"h-new\"><h2 id=\"h-new\">提交成功</h2>"
		   "<p><strong>请保存编号和查询码</strong>，凭它们查询进度、评价办理结果。"
		   "建议截图或抄下来。</p>"
		   "<dl class=\"codes\"><dt>事项编号</dt><dd>%h</dd><dt>查询码</dt><dd>%h</dd></dl>"
		   "<img class=\"qr\" src=\"/t/%u/qr.svg?k=%u\" width=\"180\" height=\"180\" "
		   "alt=\"本事项的查询二维码\">"
		   "<p class=\"hint\">用手机扫码即可回到本页查看进度。</p></section>",
		   m->number, k, m->number, k);
}

/* The key facts of a matter; the description and address only for the
 * resident who holds the 查询码 (why: they may hold personal details). */
static void facts(buf *b, const matter *m, bool owner)
{
	buf_printf(b, "<dl class=\"facts\"><dt>事项编号</dt><dd class=\"mono\">%h</dd><dt>类型</dt><dd>%h",
		   m->number, kind_label(m->kind));
	if (!str_empty(m->subkind))
		buf_printf(b, " · %h", m->subkind);
	buf_puts(b, "</dd><dt>状态</dt><dd>");
	html_status(b, m->status);
	html_urge(b, m->urge_level, m->status, true); /* 挂牌督办: public, as on the board */
	buf_printf(b, "</dd><dt>问题分类</dt><dd>%h</dd><dt>所在片区</dt><dd>%h</dd>"
		      "<dt>责任单位</dt><dd>%h</dd><dt>办理时限</dt><dd>",
		   str_empty(m->category_name) ? "—" : m->category_name,
		   str_empty(m->area_name) ? "—" : m->area_name,
		   str_empty(m->department_name) ? "待派单" : m->department_name);
	html_deadline(b, m->deadline, m->overdue);
	buf_puts(b, "</dd><dt>提交时间</dt><dd>");
	html_time(b, m->created_at);
	buf_puts(b, "</dd>");
	if (m->resolved_at > 0) {
		buf_puts(b, "<dt>办结时间</dt><dd>");
		html_time(b, m->resolved_at);
		buf_puts(b, "</dd>");
	}
	if (owner && !str_empty(m->address))
		buf_printf(b, "<dt>详细地址</dt><dd>%h</dd>", m->address);
	if (owner)
		buf_printf(b, "<dt>是否公开</dt><dd>%s</dd>", m->is_public ? "公开（不含个人信息）" : "不公开");
	buf_puts(b, "</dl>");
}

/* The heading line of one event. */
static const char *event_title(const event *e)
{
	int act = action_from_name(e->action);
	if (act >= 0)
		return action_label(act);
	if (str_cmp0(e->action, "submit") == 0)
		return "提交";
	if (str_cmp0(e->action, "import") == 0)
		return "台账导入";
	int st = status_from_name(e->to_status);
	return st >= 0 ? status_label(st) : "办理记录";
}

/* The public timeline, oldest first. Returns false on a database error. */
static bool timeline(request *rq, buf *b, const matter *m)
{
	event *ev = NULL;
	size_t n = 0;
	if (event_list(rq->db, m->id, true, &ev, &n) != LEDGER_OK)
		return false;
	buf_puts(b, "<section class=\"card\" aria-labelledby=\"h-tl\"><h2 id=\"h-tl\">办理进展</h2>");
	if (n == 0)
		buf_puts(b, "<p class=\"muted\">暂无公开的办理记录。</p>");
	else
		buf_puts(b, "<ol class=\"timeline\">");
	for (size_t i = 0; i < n; i++) {
		const event *e = &ev[i];
		int to = status_from_name(e->to_status);
		buf_puts(b, "<li><span class=\"when\">");
		html_time(b, e->at);
		buf_printf(b, "</span><span class=\"what\">%h</span> ", event_title(e));
		if (to >= 0 && str_cmp0(e->to_status, e->from_status) != 0)
			html_status(b, to);
		if (!str_empty(e->note))
			buf_printf(b, "<p class=\"note\">%h</p>", e->note);
		buf_puts(b, "</li>");
	}
	if (n > 0)
		buf_puts(b, "</ol>");
	buf_puts(b, "</section>");
	if (ev)
		event_list_free(ev, n);
	return true;
}

/* Public photos of a public matter (/files serves only those to the
 * public). */
static void photos(request *rq, buf *b, const matter *m)
{
	attachment *v = NULL;
	size_t n = 0;
	if (!m->is_public || attachment_list(rq->db, m->id, true, &v, &n) != LEDGER_OK)
		return;
	if (n > 0) {
		buf_puts(b, "<div class=\"photos\">");
		for (size_t i = 0; i < n; i++)
			buf_printf(b, "<a href=\"/files/%lld\"><img src=\"/files/%lld\" alt=\"现场照片 %zu\" loading=\"lazy\"></a>",
				   (long long)v[i].id, (long long)v[i].id, i + 1);
		buf_puts(b, "</div>");
	}
	if (v)
		attachment_list_free(v, n);
}

/* The outcome: result, refusal reason, merge target, rating. */
static void outcome(buf *b, const matter *m, bool owner)
{
	bool done = m->status == ST_RESOLVED || m->status == ST_CLOSED;
	if (done && !str_empty(m->result))
		buf_printf(b, "<section class=\"card\"><h2>办理结果</h2><p class=\"note\">%h</p></section>",
			   m->result);
	if (m->status == ST_REJECTED && !str_empty(m->reason))
		buf_printf(b, "<section class=\"card\"><h2>不予受理说明</h2><p class=\"note\">%h</p></section>",
			   m->reason);
	if (m->status == ST_MERGED && !str_empty(m->merged_into_number))
		buf_printf(b, "<p class=\"notice\">本事项与 <a href=\"/t/%u\">%h</a> 反映的是同一件事，已合并办理。</p>",
			   m->merged_into_number, m->merged_into_number);
	if (!str_empty(m->rating)) {
		buf_printf(b, "<section class=\"card\"><h2>群众评价</h2><p><strong>%h</strong></p>",
			   rating_label(m->rating));
		if (owner && !str_empty(m->rating_note))
			buf_printf(b, "<p class=\"note\">%h</p>", m->rating_note);
		buf_puts(b, "</section>");
	}
}

/* The rating form for the resident, once the matter is resolved. */
static void rating_form(request *rq, buf *b, const matter *m, const char *k)
{
	buf_printf(b, "<form class=\"stack card\" method=\"post\" action=\"/t/%u/rate\" "
		      "data-busy=\"正在提交…\">"
		      "<h2>请您评价办理结果</h2>",
		   m->number);
	form_csrf(rq, b);
	buf_printf(b,
		   "<input type=\"hidden\" name=\"k\" value=\"%h\">"
		   "<fieldset><legend>您对办理结果</legend><div class=\"choices\">"
		   "<label class=\"choice\"><input type=\"radio\" name=\"rating\" value=\"satisfied\" required> 满意</label>"
		   "<label class=\"choice\"><input type=\"radio\" name=\"rating\" value=\"basic\"> 基本满意</label>"
		   "<label class=\"choice\"><input type=\"radio\" name=\"rating\" value=\"dissatisfied\"> 不满意</label>"
		   "</div></fieldset>"
		   "<div class=\"field\"><label for=\"note\">意见和建议 <span class=\"hint\">选择“不满意”时请写明原因；"
		   "500字以内，不会公开</span></label>"
		   "<textarea id=\"note\" name=\"note\" rows=\"3\" maxlength=\"500\"></textarea></div>"
		   "<p class=\"hint\">选择“不满意”的，事项将按您说明的原因重新办理。</p>"
		   "<div class=\"form-actions\"><button type=\"submit\">提交评价</button></div></form>",
		   k);
}

/* The notices at the top of the page. */
static void top_notices(request *rq, buf *b, const matter *m, bool owner, const char *k)
{
	if (owner && !str_empty(rq_param(rq, "new")))
		new_box(b, m, k);
	if (owner && !str_empty(rq_param(rq, "rated")))
		html_notice(b, "ok", "感谢您的评价！");
	if (!owner && !str_empty(k))
		html_notice(b, "error", "查询码不正确，下面只显示公开信息。");
}

/* Write the matter's page into rs. Returns false on a database error. */
static bool render_matter(request *rq, response *rs, const matter *m, bool owner, const char *k)
{
	buf *b = &rs->body;
	buf body = BUF_INIT;
	if (!timeline(rq, &body, m)) {
		buf_free(&body);
		return false;
	}
	page_begin(rq, rs, PAGE_PUBLIC, m->title, "track");
	top_notices(rq, b, m, owner, k);
	buf_printf(b, "<h1>%h</h1><div class=\"two-col\"><div>", m->title);
	buf_puts(b, "<section class=\"card\">");
	facts(b, m, owner);
	if (owner)
		buf_printf(b, "<h3>具体内容</h3><p class=\"note\">%h</p>", m->description);
	photos(rq, b, m);
	buf_puts(b, "</section>");
	outcome(b, m, owner);
	if (owner && m->status == ST_RESOLVED && str_empty(m->rating))
		rating_form(rq, b, m, k);
	buf_puts(b, "</div><div>");
	buf_append(b, body.data, body.len);
	buf_puts(b, "</div></div><p><a href=\"/board\">返回公开栏</a> · <a href=\"/t\">查询其他事项</a></p>");
	page_end(rq, rs);
	buf_free(&body);
	return true;
}

/* GET /t/{number}: the matter's public page, or with the right ?k= the
 * resident's own view (private matters included). */
void page_track(request *rq, response *rs)
{
	const char *number = rq->args[0], *k = rq_param(rq, "k");
	bool owner = owner_ok(rq, number, k);
	actor anon;
	matter m = {0};
	char today[11];
	resident(&anon);
	web_today(rq, today);
	int rc = number_ok(number) ? matter_load(rq->db, &anon, number, 0, !owner, today, &m)
				   : LEDGER_NOT_FOUND;
	if (rc == LEDGER_NOT_FOUND) {
		resp_error(rq, rs, 404, "没有找到这个事项，请核对事项编号和查询码");
	} else if (rc != LEDGER_OK) {
		resp_error(rq, rs, 500, "暂时无法查询，请稍后再试");
	} else {
		/* Why no-store: the page and its URL carry the 查询码. */
		if (!str_empty(k))
			resp_header(rs, "Cache-Control", "no-store");
		if (!render_matter(rq, rs, &m, owner, k))
			resp_error(rq, rs, 500, "暂时无法查询，请稍后再试");
	}
	matter_clear(&m);
}

/* ---- rating ------------------------------------------------------------- */

/* The answer to a failed ACT_RATE. */
static void rate_failed(request *rq, response *rs, int rc, const char *msg)
{
	if (rc == LEDGER_INVALID)
		resp_error(rq, rs, 400, msg ? msg : "评价内容有误");
	else if (rc == LEDGER_BAD_STATE || rc == LEDGER_CONFLICT)
		resp_error(rq, rs, 409, "这个事项现在不能评价");
	else if (rc == LEDGER_FORBIDDEN)
		resp_error(rq, rs, 403, "不能评价这个事项");
	else if (rc == LEDGER_NOT_FOUND)
		resp_error(rq, rs, 404, "没有找到这个事项");
	else
		resp_error(rq, rs, ledger_http_status(rc), "评价没有提交成功，请稍后再试");
}

/* Is the matter waiting for the resident's rating? 0 when yes, else the
 * ledger's result or LEDGER_BAD_STATE. */
static int ratable(request *rq, const actor *anon, const char *number)
{
	matter m = {0};
	char today[11];
	web_today(rq, today);
	int rc = matter_load(rq->db, anon, number, 0, false, today, &m);
	if (rc == LEDGER_OK && (m.status != ST_RESOLVED || !str_empty(m.rating)))
		rc = LEDGER_BAD_STATE;
	matter_clear(&m);
	return rc;
}

/* POST /t/{number}/rate: the resident rates the result with their 查询码;
 * back to the tracking page with a thank-you. */
void page_track_rate(request *rq, response *rs)
{
	const char *number = rq->args[0], *k = rq_param(rq, "k");
	const char *rating = rq_param(rq, "rating"), *note = rq_param(rq, "note");
	if (!owner_ok(rq, number, k)) {
		resp_error(rq, rs, 403, "查询码不正确，不能评价");
		return;
	}
	if (!rating_valid(rating)) {
		resp_error(rq, rs, 400, "请选择评价：满意、基本满意或不满意");
		return;
	}
	if (note && (!utf8_valid(note, strlen(note)) || utf8_count(note, strlen(note)) > RATING_NOTE_MAX)) {
		resp_error(rq, rs, 400, "意见和建议不能超过500个字");
		return;
	}
	actor anon;
	resident(&anon);
	int rc = ratable(rq, &anon, number);
	char *msg = NULL;
	/* Why the reason: a dissatisfied rating sends the matter back to the
	 * department (重办), which needs to know what is still wrong. */
	if (rc == LEDGER_OK && strcmp(rating, "dissatisfied") == 0 && (str_empty(note) || utf8_blank(note))) {
		resp_error(rq, rs, 400, "选择“不满意”时，请写明不满意的原因，以便重新办理");
		return;
	}
	if (rc == LEDGER_OK) {
		/* The note stays off the public timeline: residents write
		 * freely and may name themselves. */
		action_input in = {.act = ACT_RATE, .version = 0, .rating = rating,
				   .note = str_empty(note) ? NULL : note, .note_public = false};
		int64_t version = 0;
		rc = matter_act(rq->db, &anon, number, &in, rq->now, &version, &msg);
	}
	if (rc != LEDGER_OK) {
		rate_failed(rq, rs, rc, msg);
	} else {
		char *loc = str_printf("/t/%u?k=%u&rated=1", number, k);
		resp_redirect(rs, loc);
		free(loc);
	}
	free(msg);
}

/* ---- QR code ------------------------------------------------------------ */

/* The absolute URL of the tracking page (caller frees). The configured
 * base URL, else the Host the visitor used. */
static char *tracking_url(request *rq, const char *number, const char *k)
{
	const app *a = rq->app;
	buf u = BUF_INIT;
	if (a && !str_empty(a->base_url)) {
		buf_puts(&u, a->base_url);
		while (u.len > 0 && u.data[u.len - 1] == '/')
			u.data[--u.len] = '\0';
	} else {
		const char *host = rq_header(rq, "host");
		buf_printf(&u, "http://%s", str_empty(host) ? "localhost" : host);
	}
	buf_printf(&u, "/t/%u?k=%u", number, k);
	return buf_steal(&u);
}

/* The dark modules as one SVG path, a horizontal run per rectangle. */
static void qr_svg(buf *b, const QRcode *qr)
{
	int w = qr->width, size = w + 2 * QR_QUIET;
	buf_printf(b,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		   "height=\"%d\" shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
		   "fill=\"#fff\"/><path fill=\"#000\" d=\"",
		   size, size, size * 6, size * 6, size, size);
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			if (!(qr->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (qr->data[y * w + x + run] & 1))
				run++;
			buf_printf(b, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
			x += run;
		}
	}
	buf_puts(b, "\"/></svg>\n");
}

/* GET /t/{number}/qr.svg?k=K: the QR code of the tracking page. 404 for an
 * unknown number or a wrong code (why: the code encodes the 查询码). */
void page_track_qr(request *rq, response *rs)
{
	const char *number = rq->args[0], *k = rq_param(rq, "k");
	if (!owner_ok(rq, number, k)) {
		resp_error(rq, rs, 404, "没有找到这个事项");
		return;
	}
	char *url = tracking_url(rq, number, k);
	QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	free(url);
	if (!qr) {
		log_error("QR encoding failed");
		resp_error(rq, rs, 500, "二维码生成失败");
		return;
	}
	rs->content_type = "image/svg+xml";
	resp_header(rs, "Cache-Control", "no-store");
	qr_svg(&rs->body, qr);
	QRcode_free(qr);
}
