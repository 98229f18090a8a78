/*
 * layout.c — the frame every HTML page shares and the small pieces that
 * recur on pages (html.h): the head with the stylesheet, the header with
 * the office's name and the navigation for residents or staff, the footer,
 * CSRF fields, catalogue <option>s, status badges, times and dates in
 * Beijing time, notices and paging links. Everything is written with
 * buf_printf, data always through %h (HTML) or %u (URLs).
 */
#include "web/html.h"
#include "ledger/search.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "base/workday.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/supervise.h"
#include "web/app.h"

#define DEFAULT_OFFICE "taizhang 台账"
#define SHANGHAI_OFFSET (8 * 3600) /* UTC+8 all year, no daylight saving */

/* One navigation entry: its key for `active`, its label and target. */
typedef struct nav_item {
	const char *key, *label, *href;
} nav_item;

static const nav_item public_nav[] = {
	{"home", "首页", "/"},
	{"submit", "我要反映", "/submit"},
	{"track", "进度查询", "/t"},
	{"board", "公开栏", "/board"},
};

static const nav_item staff_nav[] = {
	{"staff", "工作台", "/staff"},
	{"inbox", "待受理", "/staff/inbox"},
	{"queue", "本单位", "/staff/queue"},
	{"overdue", "超期", "/staff/overdue"},
	{"matters", "台账", "/staff/matters"},
	{"dispatch", "调度", "/staff/dispatch"},
	{"briefing", "简报", "/staff/briefing"},
};

static const nav_item admin_nav[] = {
	{"departments", "单位", "/staff/admin/departments"},
	{"areas", "片区", "/staff/admin/areas"},
	{"categories", "类别", "/staff/admin/categories"},
	{"users", "账号", "/staff/admin/users"},
	{"channels", "通知", "/staff/admin/channels"},
};

/* The office's name for headings: app->office_name or the product name. */
const char *web_office_name(const request *rq)
{
	const app *a = rq->app;
	return a && !str_empty(a->office_name) ? a->office_name : DEFAULT_OFFICE;
}

/* One <li><a> of the navigation, marked aria-current when active. */
static void nav_link(buf *b, const nav_item *it, const char *active)
{
	bool on = active && strcmp(active, it->key) == 0;
	buf_printf(b, "<li><a href=\"%h\"%s>%h</a></li>", it->href,
		   on ? " aria-current=\"page\"" : "", it->label);
}

/* The residents' navigation; signed-in staff get a way back to work
 * instead of the sign-in link. */
static void nav_public(request *rq, buf *b, const char *active)
{
	html_care_switch(rq, b);
	buf_puts(b, "<nav class=\"nav\" aria-label=\"主导航\"><ul>");
	for (size_t i = 0; i < ARRAY_LEN(public_nav); i++)
		nav_link(b, &public_nav[i], active);
	if (rq->who.role & ROLE_STAFF) {
		static const nav_item desk = {"staff", "工作台", "/staff"};
		nav_link(b, &desk, active);
	} else {
		static const nav_item login = {"login", "工作人员登录", "/login"};
		nav_link(b, &login, active);
	}
	buf_puts(b, "</ul></nav>");
}

/* The staff navigation: work lists for everyone, 代录 for intake roles,
 * the administration pages for administrators, then who is signed in and
 * the sign-out button (a POST with the CSRF token: why, a GET sign-out
 * could be triggered by any page that embeds an image). */
static void nav_staff(request *rq, buf *b, const char *active)
{
	unsigned role = rq->who.role;
	buf_puts(b, "<nav class=\"nav\" aria-label=\"工作导航\"><ul>");
	for (size_t i = 0; i < ARRAY_LEN(staff_nav); i++)
		nav_link(b, &staff_nav[i], active);
	if (role & (ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK)) {
		static const nav_item intake = {"new", "代录", "/staff/new"};
		nav_link(b, &intake, active);
	}
	if (role & (ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK)) {
		static const nav_item callbacks = {"callbacks", "回访", "/staff/callbacks"};
		nav_link(b, &callbacks, active);
	}
	static const nav_item duties = {"duties", "定期工作", "/staff/duties"};
	nav_link(b, &duties, active);
	if (role & (ROLE_ADMIN | ROLE_CLERK)) {
		static const nav_item import = {"import", "导入台账", "/staff/import"};
		nav_link(b, &import, active);
	}
	if (role & ROLE_ADMIN) {
		buf_puts(b, "<li class=\"nav-group\"><span>管理</span><ul>");
		for (size_t i = 0; i < ARRAY_LEN(admin_nav); i++)
			nav_link(b, &admin_nav[i], active);
		buf_puts(b, "</ul></li>");
	}
	buf_puts(b, "</ul></nav>");
	buf_printf(b, "<div class=\"who\"><span class=\"who-name\">%h</span>"
		      "<span class=\"who-role\">%h</span>"
		      "<form method=\"post\" action=\"/logout\">",
		   str_empty(rq->who.name) ? rq->who.login : rq->who.name, role_label(role));
	form_csrf(rq, b);
	buf_puts(b, "<button type=\"submit\" class=\"btn-link\">退出</button></form></div>");
}

/* Start a page: head, header with the brand and the navigation, <main>. */
void page_begin(request *rq, response *rs, enum page_kind kind, const char *title,
		const char *active)
{
	buf *b = &rs->body;
	bool staff = kind == PAGE_STAFF;
	/* The elderly-friendly mode (care.c) is for the resident pages. */
	bool care = !staff && web_care(rq);
	buf_printf(b,
		   "<!doctype html>\n<html lang=\"zh-CN\"%s><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		   "<meta name=\"referrer\" content=\"same-origin\">"
		   "<title>%h · taizhang 台账</title>"
		   "<link rel=\"icon\" href=\"data:,\">"
		   "<link rel=\"stylesheet\" href=\"/static/style.css\">"
		   "<script src=\"/static/form.js\" defer></script></head>\n"
		   "<body class=\"%s\"><a class=\"skip\" href=\"#main\">跳到正文</a>"
		   "<header class=\"site\"><div class=\"wrap\">"
		   "<a class=\"brand\" href=\"%s\"><span class=\"brand-mark\" aria-hidden=\"true\">台</span>"
		   "<span class=\"brand-text\"><strong>%h</strong><small>%s</small></span></a>",
		   care ? " class=\"care\"" : "", title ? title : "", staff ? "staff" : "public",
		   staff ? "/staff" : "/",
		   web_office_name(rq), staff ? "群众诉求办理台账 · 工作端" : "我为群众办实事");
	if (staff)
		nav_staff(rq, b, active);
	else
		nav_public(rq, b, active);
	buf_puts(b, "</div></header>\n<main id=\"main\" class=\"wrap\">\n");
}

/* Close <main>, write the footer and close the document. */
void page_end(request *rq, response *rs)
{
	buf_printf(&rs->body,
		   "\n</main>\n<footer class=\"site\"><div class=\"wrap\">"
		   "<p>%h · 我为群众办实事 · 群众诉求办理台账</p>"
		   "<p>您留下的姓名和电话仅供工作人员联系您，不会公开。</p>"
		   "</div></footer>\n</body></html>\n",
		   web_office_name(rq));
}

/* The hidden CSRF field every POST form carries. */
void form_csrf(request *rq, buf *b)
{
	buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%h\">", rq->csrf);
}

/* One <option>, with its value and label escaped. */
void form_option(buf *b, const char *value, const char *label, bool selected)
{
	buf_printf(b, "<option value=\"%h\"%s>%h</option>", value, selected ? " selected" : "",
		   label);
}

/* One <option> for a catalogue row by id. */
static void id_option(buf *b, int64_t id, const char *name, int64_t selected)
{
	buf_printf(b, "<option value=\"%lld\"%s>%h</option>", (long long)id,
		   id == selected ? " selected" : "", name);
}

/* <option>s for departments. */
void form_department_options(buf *b, const department *v, size_t n, int64_t selected,
			     const char *empty_label)
{
	if (empty_label)
		form_option(b, "", empty_label, selected == 0);
	for (size_t i = 0; i < n; i++)
		id_option(b, v[i].id, v[i].name, selected);
}

/* <option>s for areas. */
void form_area_options(buf *b, const area *v, size_t n, int64_t selected, const char *empty_label)
{
	if (empty_label)
		form_option(b, "", empty_label, selected == 0);
	for (size_t i = 0; i < n; i++)
		id_option(b, v[i].id, v[i].name, selected);
}

/* Has a category of group g appeared before index i? */
static bool group_seen(const category *v, size_t i, const char *g)
{
	for (size_t j = 0; j < i; j++)
		if (str_cmp0(v[j].group_name, g) == 0)
			return true;
	return false;
}

/* <option>s for categories, in an <optgroup> per group name (groups in
 * the order they first appear; ungrouped categories first). */
void form_category_options(buf *b, const category *v, size_t n, int64_t selected,
			   const char *empty_label)
{
	if (empty_label)
		form_option(b, "", empty_label, selected == 0);
	for (size_t i = 0; i < n; i++)
		if (str_empty(v[i].group_name))
			id_option(b, v[i].id, v[i].name, selected);
	for (size_t i = 0; i < n; i++) {
		const char *g = v[i].group_name;
		if (str_empty(g) || group_seen(v, i, g))
			continue;
		buf_printf(b, "<optgroup label=\"%h\">", g);
		for (size_t j = i; j < n; j++)
			if (str_cmp0(v[j].group_name, g) == 0)
				id_option(b, v[j].id, v[j].name, selected);
		buf_puts(b, "</optgroup>");
	}
}

/* A status badge coloured by the stylesheet's .st-NAME. */
void html_status(buf *b, int status)
{
	buf_printf(b, "<span class=\"status st-%s\">%h</span>", status_name(status),
		   status_label(status));
}

void html_urge(buf *b, int level, int status, bool public_view)
{
	if (level <= URGE_NONE || level >= URGE_LEVELS)
		return;
	if (public_view && (level < URGE_LISTED || !status_is_open(status)))
		return;
	buf_printf(b, "<span class=\"urge urge-%d\">%h</span>", level, urge_label(level));
}

bool web_param_urge(const request *rq, bool public_view, int *out)
{
	int64_t n;
	bool ok = web_param_int(rq, "urge", public_view ? URGE_LISTED : URGE_DAILY, URGE_LEVELS - 1,
				0, &n);
	*out = (int)n;
	return ok;
}

/* An instant in Beijing time, "2026-11-23 14:05"; "—" for none (0). */
void html_time(buf *b, int64_t t)
{
	if (t <= 0) {
		buf_puts(b, "—");
		return;
	}
	time_t s = (time_t)(t + SHANGHAI_OFFSET);
	struct tm tm;
	if (!gmtime_r(&s, &tm)) {
		buf_puts(b, "—");
		return;
	}
	buf_printf(b, "<time datetime=\"%04d-%02d-%02dT%02d:%02d+08:00\">%04d-%02d-%02d %02d:%02d</time>",
		   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* A deadline date, flagged in red when overdue. */
void html_deadline(buf *b, const char *deadline, bool overdue)
{
	if (str_empty(deadline))
		buf_puts(b, "<span class=\"muted\">—</span>");
	else if (overdue)
		buf_printf(b, "<span class=\"overdue\">%h <strong>已超期</strong></span>", deadline);
	else
		buf_printf(b, "<span class=\"deadline\">%h</span>", deadline);
}

/* A notice box; errors are announced to screen readers at once. */
void html_notice(buf *b, const char *kind, const char *text)
{
	const char *k = kind && (!strcmp(kind, "ok") || !strcmp(kind, "error")) ? kind : "info";
	buf_printf(b, "<div class=\"notice notice-%s\" role=\"%s\">%h</div>", k,
		   strcmp(k, "error") == 0 ? "alert" : "status", text);
}

char web_self_url(const request *rq, const char *drop, buf *b)
{
	char sep = '?';
	buf_puts(b, rq->path ? rq->path : "/");
	for (size_t i = 0; i < rq->query.n; i++) {
		const kv *q = &rq->query.items[i];
		if ((drop && strcmp(q->name, drop) == 0) || str_empty(q->value))
			continue;
		buf_printf(b, "%c%u=%u", sep, q->name, q->value);
		sep = '&';
	}
	return sep;
}

/* Is p a path on this site? Why each rule: the path comes from a form or
 * the query and goes into a Location header: "//host" and "/\host" are
 * read by browsers as another site (an open redirect), a control
 * character could split the header, a space is no part of an address,
 * and browsers read a backslash anywhere as a slash. */
bool web_local_path(const char *p)
{
	size_t n = p ? strlen(p) : 0;
	if (n == 0 || n > WEB_PATH_MAX || p[0] != '/' || p[1] == '/' || p[1] == '\\')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x21 || p[i] == 0x7f || p[i] == '\\')
			return false;
	return true;
}

/* The current path with every query parameter but `offset`, plus
 * offset=OFF when OFF > 0, escaped for the href attribute. */
static void pager_href(request *rq, buf *b, int off)
{
	buf url = BUF_INIT;
	char sep = web_self_url(rq, "offset", &url);
	if (off > 0)
		buf_printf(&url, "%coffset=%d", sep, off);
	buf_printf(b, "%h", buf_str(&url));
	buf_free(&url);
}

/* "共 N 条 · 第 p / P 页" and the previous/next links. */
void html_snippet(buf *b, const char *snippet)
{
	if (!snippet)
		return;
	buf_puts(b, "<small class=\"snippet\">");
	bool open = false;
	const char *p = snippet;
	while (*p) {
		size_t run = strcspn(p, SEARCH_MARK_OPEN SEARCH_MARK_CLOSE);
		char *text = xstrndup(p, run);
		buf_html(b, text);
		free(text);
		p += run;
		if (!*p)
			break;
		/* Why the checks: markers come in pairs from the index, but a
		 * page must stay well-formed whatever the text holds. */
		if (*p == SEARCH_MARK_OPEN[0] && !open)
			buf_puts(b, "<mark>"), open = true;
		else if (*p == SEARCH_MARK_CLOSE[0] && open)
			buf_puts(b, "</mark>"), open = false;
		p++;
	}
	if (open)
		buf_puts(b, "</mark>");
	buf_puts(b, "</small>");
}

const char *html_more(const matter_list *l)
{
	return l->more ? "+" : "";
}

void html_pager(request *rq, buf *b, const matter_list *l, int offset, int limit)
{
	int64_t total = l->total;
	if (limit <= 0)
		limit = 20;
	if (offset < 0)
		offset = 0;
	int64_t pages = total > 0 ? (total + limit - 1) / limit : 1;
	int64_t page = offset / limit + 1;
	buf_printf(b, "<nav class=\"pager\" aria-label=\"分页\"><span>共 %lld%s 条 · 第 %lld / %lld%s 页</span>",
		   (long long)total, html_more(l), (long long)page, (long long)pages, html_more(l));
	if (offset > 0) {
		buf_puts(b, "<a rel=\"prev\" href=\"");
		pager_href(rq, b, offset > limit ? offset - limit : 0);
		buf_puts(b, "\">上一页</a>");
	}
	if ((int64_t)offset + limit < total) {
		buf_puts(b, "<a rel=\"next\" href=\"");
		pager_href(rq, b, offset + limit);
		buf_puts(b, "\">下一页</a>");
	}
	buf_puts(b, "</nav>");
}

/* Today's date in Beijing for the request's arrival time. */
void web_today(const request *rq, char out[11])
{
	tz_date d = workday_today_shanghai((time_t)rq->now);
	if (!workday_date_format(d, out))
		out[0] = '\0';
}

bool web_param_int(const request *rq, const char *name, int64_t lo, int64_t hi, int64_t dflt,
		   int64_t *out)
{
	const char *v = rq_param(rq, name);
	int64_t n;
	*out = dflt;
	if (str_empty(v))
		return true;
	if (!str_to_i64(v, &n) || n < lo || n > hi)
		return false;
	*out = n;
	return true;
}

/* Parse an optional positive id parameter. */
bool web_param_id(const request *rq, const char *name, int64_t *out)
{
	return web_param_int(rq, name, 1, INT64_MAX, 0, out);
}

bool form_catalog_fields(request *rq, buf *b, int64_t category_id, int64_t area_id,
			 const char *category_empty, const char *area_empty)
{
	category *cats = NULL;
	area *areas = NULL;
	size_t ncats = 0, nareas = 0;
	bool ok = category_list(rq->db, true, &cats, &ncats) == LEDGER_OK &&
		  area_list(rq->db, true, &areas, &nareas) == LEDGER_OK;
	if (ok) {
		buf_puts(b, "<div class=\"field\"><label for=\"category\">问题分类</label>"
			    "<select id=\"category\" name=\"category\">");
		form_category_options(b, cats, ncats, category_id, category_empty);
		buf_puts(b, "</select></div>\n<div class=\"field\"><label for=\"area\">所在片区</label>"
			    "<select id=\"area\" name=\"area\">");
		form_area_options(b, areas, nareas, area_id, area_empty);
		buf_puts(b, "</select></div>\n");
	}
	category_list_free(cats, ncats);
	area_list_free(areas, nareas);
	return ok;
}
