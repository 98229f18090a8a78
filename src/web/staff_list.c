/*
 * staff_list.c — the staff lists of matters: the intake inbox (待受理),
 * a department's work queue (办理队列), the overdue list (超期事项) and the
 * whole ledger with filters (全部台账). They share one table renderer,
 * staff_matter_table(), which prints the submitter only to staff allowed
 * to see residents' personal data.
 *
 * Pages only parse the filter parameters and call matter_find(); which
 * matters a visitor may read is the ledger's business.
 */
#include <string.h>

#include "base/util.h"
#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/supervise.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/staff.h"

#define PAGE_SIZE 50
#define INBOX_LIMIT 200

static const char *const kinds[] = {"request", "wish", "petition", "inspection", "project"};

/* One row of the matter table. */
static void matter_row(buf *b, const matter *m, bool personal)
{
	buf_printf(b, "<tr><td class=\"mono\"><a href=\"/staff/m/%u\">%h</a></td>", m->number,
		   m->number);
	buf_printf(b, "<td class=\"title\"><a href=\"/staff/m/%u\">%h</a>%s", m->number,
		   m->title, m->is_public ? "" : " <small>（不公开）</small>");
	html_snippet(b, m->snippet);
	buf_puts(b, "</td>");
	buf_printf(b, "<td>%h", kind_label(m->kind));
	if (!str_empty(m->subkind))
		buf_printf(b, "·%h", m->subkind);
	buf_printf(b, "</td><td>%h</td><td>%h</td><td>%h", m->category_name, m->area_name,
		   m->department_name);
	/* Not yet routed: the routing suggestion, for the clerk triaging the
	 * inbox (accepted with one click on the matter's page). */
	if (!m->department_id && m->suggested_department_id && status_is_open(m->status))
		buf_printf(b, "<small class=\"suggested\">建议：%h</small>",
			   m->suggested_department_name);
	buf_printf(b, "</td><td>%h</td>", m->assignee_name);
	buf_puts(b, "<td>");
	html_deadline(b, m->deadline, m->overdue);
	buf_puts(b, "</td><td>");
	html_status(b, m->status);
	html_urge(b, m->urge_level, m->status, false);
	buf_puts(b, "</td>");
	if (personal) {
		buf_printf(b, "<td>%h", m->submitter_name);
		if (!str_empty(m->submitter_phone))
			buf_printf(b, "<br><small>%h</small>", m->submitter_phone);
		buf_puts(b, "</td>");
	}
	buf_puts(b, "<td>");
	html_time(b, m->created_at);
	buf_puts(b, "</td></tr>\n");
}

/* The matter table shared by every staff list (see staff.h). */
void staff_matter_table(request *rq, buf *b, const matter_list *l, const char *empty_text)
{
	/* Why: residents' name and phone are shown only to roles that must
	 * contact them; observers read the ledger without them. */
	bool personal = actor_sees_personal(&rq->who);

	if (l->n == 0) {
		buf_printf(b, "<div class=\"empty\"><p>%h</p></div>\n", empty_text);
		return;
	}
	buf_puts(b, "<div class=\"table-wrap\"><table class=\"matters\">\n<thead><tr>"
		    "<th>编号</th><th>标题</th><th>类型</th><th>类别</th><th>片区</th>"
		    "<th>责任单位</th><th>承办人</th><th>办理期限</th><th>状态</th>");
	if (personal)
		buf_puts(b, "<th>提交人</th>");
	buf_puts(b, "<th>提交时间</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < l->n; i++)
		matter_row(b, &l->items[i], personal);
	buf_puts(b, "</tbody></table></div>\n");
}

/* The page heading with a short explanation. */
static void list_heading(buf *b, const char *title, const char *intro)
{
	buf_printf(b, "<h1>%h</h1>\n<p class=\"muted\">%h</p>\n", title, intro);
}

/* The offset of the requested page (parameter `offset`, as html_pager
 * writes it); -1 when malformed. */
static int list_offset(const request *rq)
{
	const char *s = rq_param(rq, "offset");
	int64_t v = 0;
	if (str_empty(s))
		return 0;
	if (!str_to_i64(s, &v) || v < 0 || v > 10000000)
		return -1;
	return (int)v;
}

/* Run the query and render a paged list page: heading, the filter form
 * already rendered in `filters`, the table, the pager. */
static void list_page(request *rq, response *rs, const char *title, const char *active,
		      const char *intro, const char *filters, matter_filter *f, const char *empty)
{
	char today[11];
	matter_list l = {0};
	buf *b = &rs->body;

	web_today(rq, today);
	f->limit = PAGE_SIZE;
	if (matter_find(rq->db, &rq->who, f, today, &l) != LEDGER_OK) {
		resp_error(rq, rs, 500, "台账暂时无法读取，请稍后再试");
		return;
	}
	page_begin(rq, rs, PAGE_STAFF, title, active);
	list_heading(b, title, intro);
	buf_puts(b, filters);
	html_export_links(rq, b, "/staff/export", active); /* the list with its filters */
	/* The tests read this line (tests/e2e/harness.py staff_count). */
	if (l.total > 0)
		buf_printf(b, "<p>共 <strong>%lld%s</strong> 件</p>\n", (long long)l.total,
			   html_more(&l));
	staff_matter_table(rq, b, &l, empty);
	html_pager(rq, b, &l, f->offset, PAGE_SIZE);
	page_end(rq, rs);
	matter_list_free(&l);
}

/* A search box: <div class=field> with input name=q, the value kept. */
static void search_field(buf *b, const char *q, const char *placeholder)
{
	buf_printf(b, "<div class=\"field\"><label for=\"f-q\">关键词</label>"
		      "<input type=\"search\" id=\"f-q\" name=\"q\" value=\"%h\" maxlength=\"100\" "
		      "placeholder=\"%h\"></div>",
		   q, placeholder);
}

/* The overdue list's 督办 tier and order selects. */
static void urge_selects(buf *out, const matter_filter *f)
{
	buf_puts(out, "<div class=\"field\"><label for=\"f-urge\">督办等级</label>"
		      "<select id=\"f-urge\" name=\"urge\">");
	form_option(out, "", "全部", f->urge_min == 0);
	form_option(out, "1", "日常督办及以上", f->urge_min == URGE_DAILY);
	form_option(out, "2", "挂牌督办及以上", f->urge_min == URGE_LISTED);
	form_option(out, "3", "约谈督办", f->urge_min == URGE_INTERVIEW);
	buf_puts(out, "</select></div><div class=\"field\"><label for=\"f-order\">排序</label>"
		      "<select id=\"f-order\" name=\"order\">");
	form_option(out, "", "按办理期限（最早的在前）", !f->order_urge);
	form_option(out, "urge", "按督办等级（最高的在前）", f->order_urge);
	buf_puts(out, "</select></div>");
}

/* The GET filter form of the queue and overdue lists: words, and the
 * department select for those who may choose one. */
static void queue_filters(request *rq, buf *out, const char *action, const matter_filter *f)
{
	department *deps = NULL;
	size_t nd = 0;
	buf_printf(out, "<form method=\"get\" action=\"%h\" class=\"filters\">", action);
	search_field(out, f->q, "编号、标题、内容或进展");
	if (rq->who.role != ROLE_HANDLER && department_list(rq->db, false, &deps, &nd) == LEDGER_OK) {
		buf_puts(out, "<div class=\"field\"><label for=\"f-dep\">责任单位</label>"
			      "<select id=\"f-dep\" name=\"department\">");
		form_department_options(out, deps, nd, f->department_id, "全部单位");
		buf_puts(out, "</select></div>");
		department_list_free(deps, nd);
	}
	if (f->overdue_only)
		urge_selects(out, f);
	buf_puts(out, "<div class=\"form-actions\"><button type=\"submit\">筛选</button></div></form>\n");
}

/* One section of the inbox: matters in `status`, with a link to the
 * whole list when there are more than fit. Returns false on a database
 * failure. */
static bool inbox_section(request *rq, buf *b, int status, const char *q, const char *heading,
			  const char *empty)
{
	char today[11];
	matter_filter f = matter_filter_any();
	matter_list l = {0};

	web_today(rq, today);
	f.status = status;
	f.q = q;
	f.limit = INBOX_LIMIT;
	if (matter_find(rq->db, &rq->who, &f, today, &l) != LEDGER_OK)
		return false;
	buf_printf(b, "<section><h2>%h（%lld%s 件）</h2>\n", heading, (long long)l.total,
		   html_more(&l));
	staff_matter_table(rq, b, &l, empty);
	if (l.total > (int64_t)l.n)
		buf_printf(b, "<p><a href=\"/staff/matters?status=%u&amp;q=%u\">查看全部 %lld%s 件</a></p>\n",
			   status_name(status), q ? q : "", (long long)l.total, html_more(&l));
	buf_puts(b, "</section>\n");
	matter_list_free(&l);
	return true;
}

/* GET /staff/inbox: the intake inbox — new submissions waiting for
 * acceptance, and matters returned by departments (退单) to re-route. */
void page_inbox(request *rq, response *rs)
{
	buf *b = &rs->body;
	page_begin(rq, rs, PAGE_STAFF, "待受理", "inbox");
	list_heading(b, "待受理",
		     "群众新提交和各单位退回的事项。请核实内容后受理并派单，或说明理由不予受理。");
	/* Paper slips, calls and visits are entered here too (代录). */
	if (rq->who.role & (ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK))
		buf_puts(b, "<p><a class=\"button secondary\" href=\"/staff/new\">代录新事项</a></p>\n");
	const char *q = str_empty(rq_param(rq, "q")) ? NULL : rq_param(rq, "q");
	buf_puts(b, "<form method=\"get\" action=\"/staff/inbox\" class=\"filters\">");
	search_field(b, q, "编号、标题或内容");
	buf_puts(b, "<div class=\"form-actions\"><button type=\"submit\">搜索</button></div></form>\n");
	html_export_links(rq, b, "/staff/export", "inbox");
	if (!inbox_section(rq, b, ST_SUBMITTED, q, "新提交", "目前没有待受理的新事项。") ||
	    !inbox_section(rq, b, ST_RETURNED, q, "退单待重新派单", "目前没有退回的事项。")) {
		resp_error(rq, rs, 500, "台账暂时无法读取，请稍后再试");
		return;
	}
	page_end(rq, rs);
}

/* The department a queue or overdue list shows: a handler always sees
 * their own department; others choose (0: all). -1 on a bad parameter. */
static int64_t list_department(const request *rq)
{
	int64_t id;
	if (rq->who.role == ROLE_HANDLER && rq->who.department_id > 0)
		return rq->who.department_id;
	return web_param_id(rq, "department", &id) ? id : -1;
}

/* Shared body of the queue and overdue pages. */
static void open_list(request *rq, response *rs, bool overdue)
{
	matter_filter f = matter_filter_any();
	const char *url = overdue ? "/staff/overdue" : "/staff/queue";
	buf filters = BUF_INIT;

	const char *order = rq_param(rq, "order");
	f.department_id = list_department(rq);
	f.offset = list_offset(rq);
	if (f.department_id < 0 || f.offset < 0 || !web_param_urge(rq, false, &f.urge_min) ||
	    (!str_empty(order) && strcmp(order, "urge") != 0)) {
		resp_error(rq, rs, 400, "筛选条件不正确");
		return;
	}
	f.order_urge = !str_empty(order);
	f.open_only = true;
	f.overdue_only = overdue;
	f.q = str_empty(rq_param(rq, "q")) ? NULL : rq_param(rq, "q");
	queue_filters(rq, &filters, url, &f);
	if (overdue)
		list_page(rq, rs, "超期事项", "overdue",
			  "已超过办理期限仍未办结的事项，按期限从早到晚排列（也可按督办等级排列）。"
			  "超期后按工作日自动升级为日常督办、挂牌督办、约谈督办。",
			  buf_str(&filters), &f, "没有超期事项。");
	else
		list_page(rq, rs, "办理队列", "queue",
			  rq->who.role == ROLE_HANDLER
				  ? "本单位正在办理的事项：联系群众、记录进展、按期办结。"
				  : "所有尚未办结的事项，可按责任单位筛选。",
			  buf_str(&filters), &f, "目前没有正在办理的事项。");
	buf_free(&filters);
}

/* GET /staff/queue: open matters — a handler's own department, or all
 * (filterable by department) for the other roles. */
void page_queue(request *rq, response *rs)
{
	open_list(rq, rs, false);
}

/* GET /staff/overdue: open matters past their deadline, oldest first. */
void page_overdue(request *rq, response *rs)
{
	open_list(rq, rs, true);
}

/* Parse the filters of the whole-ledger page into f; returns a Chinese
 * message for the first bad parameter, or NULL. */
static const char *parse_filters(const request *rq, matter_filter *f)
{
	const char *kind = rq_param(rq, "kind"), *st = rq_param(rq, "status");

	if (!str_empty(kind) && !kind_valid(kind))
		return "事项类型不正确";
	f->kind = str_empty(kind) ? NULL : kind;
	if (!str_empty(st) && (f->status = status_from_name(st)) < 0)
		return "状态不正确";
	if (!web_param_id(rq, "category", &f->category_id) ||
	    !web_param_id(rq, "area", &f->area_id) ||
	    !web_param_id(rq, "department", &f->department_id))
		return "筛选条件不正确";
	f->from = rq_param(rq, "from");
	f->to = rq_param(rq, "to");
	if ((!str_empty(f->from) && !calendar_date_valid(f->from)) ||
	    (!str_empty(f->to) && !calendar_date_valid(f->to)))
		return "日期格式应为 年-月-日，例如 2026-11-23";
	if (str_empty(f->from))
		f->from = NULL;
	if (str_empty(f->to))
		f->to = NULL;
	f->q = str_empty(rq_param(rq, "q")) ? NULL : rq_param(rq, "q");
	if ((f->offset = list_offset(rq)) < 0)
		return "页码不正确";
	return NULL;
}

/* Open one labelled field of a filter form: <div class=field><label>. */
static void field(buf *b, const char *id, const char *label)
{
	buf_printf(b, "<div class=\"field\"><label for=\"f-%s\">%h</label>", id, label);
}

/* The <select>s for kinds and statuses of the filter form. */
static void vocab_selects(buf *b, const matter_filter *f)
{
	field(b, "kind", "类型");
	buf_puts(b, "<select id=\"f-kind\" name=\"kind\">");
	form_option(b, "", "全部", f->kind == NULL);
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		form_option(b, kinds[i], kind_label(kinds[i]), str_cmp0(f->kind, kinds[i]) == 0);
	buf_puts(b, "</select></div>\n");
	field(b, "status", "状态");
	buf_puts(b, "<select id=\"f-status\" name=\"status\">");
	form_option(b, "", "全部", f->status < 0);
	for (int st = 0; st < ST_COUNT; st++)
		form_option(b, status_name(st), status_label(st), f->status == st);
	buf_puts(b, "</select></div>\n");
}

/* The catalogue <select>s (category, area, department) of the filter form. */
static void catalog_selects(request *rq, buf *b, const matter_filter *f)
{
	department *deps = NULL;
	area *areas = NULL;
	category *cats = NULL;
	size_t nd = 0, na = 0, nc = 0;

	department_list(rq->db, false, &deps, &nd);
	area_list(rq->db, false, &areas, &na);
	category_list(rq->db, false, &cats, &nc);
	field(b, "category", "类别");
	buf_puts(b, "<select id=\"f-category\" name=\"category\">");
	form_category_options(b, cats, nc, f->category_id, "全部");
	buf_puts(b, "</select></div>\n");
	field(b, "area", "片区");
	buf_puts(b, "<select id=\"f-area\" name=\"area\">");
	form_area_options(b, areas, na, f->area_id, "全部");
	buf_puts(b, "</select></div>\n");
	field(b, "department", "责任单位");
	buf_puts(b, "<select id=\"f-department\" name=\"department\">");
	form_department_options(b, deps, nd, f->department_id, "全部");
	buf_puts(b, "</select></div>\n");
	department_list_free(deps, nd);
	area_list_free(areas, na);
	category_list_free(cats, nc);
}

/* The filter form of the whole-ledger page, values kept. */
static void ledger_filters(request *rq, buf *b, const matter_filter *f)
{
	buf_puts(b, "<form method=\"get\" action=\"/staff/matters\" class=\"filters\">\n");
	search_field(b, f->q, "编号、标题、内容、地址或进展");
	vocab_selects(b, f);
	catalog_selects(rq, b, f);
	field(b, "from", "提交日期自");
	buf_printf(b, "<input type=\"date\" id=\"f-from\" name=\"from\" value=\"%h\"></div>\n",
		   f->from);
	field(b, "to", "至");
	buf_printf(b, "<input type=\"date\" id=\"f-to\" name=\"to\" value=\"%h\"></div>\n",
		   f->to);
	buf_puts(b, "<div class=\"form-actions\"><button type=\"submit\">查询</button>"
		    "<a class=\"button secondary\" href=\"/staff/matters\">清除条件</a></div>\n"
		    "</form>\n");
}

/* GET /staff/matters: the whole ledger with filters (kind, category, area,
 * department, status, text, created dates), 50 per page. */
void page_matters(request *rq, response *rs)
{
	matter_filter f = matter_filter_any();
	buf filters = BUF_INIT;
	const char *err = parse_filters(rq, &f);

	if (err) {
		resp_error(rq, rs, 400, err);
		return;
	}
	ledger_filters(rq, &filters, &f);
	list_page(rq, rs, "全部台账", "matters", "台账中的全部事项，可组合条件查询。",
		  buf_str(&filters), &f, "没有符合条件的事项。请放宽查询条件。");
	buf_free(&filters);
}
