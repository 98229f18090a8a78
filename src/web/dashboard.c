/*
 * dashboard.c — the staff home page: the wall chart (挂图作战).
 *
 * First the visitor's own work as the ledger stands (a handler: their
 * department's open and overdue matters; a clerk: the inbox; leaders:
 * overdue and awaiting 销号). Then, for a period (default: the last 30
 * days) and optionally one department or area: the big numbers and the
 * rates, the counts by status, the responsibility table (department ×
 * status with overdue and the rates, the worst rows first and overdue
 * rows marked), the workflow, the weekly trend, status by department, the
 * top categories and areas, and the oldest overdue matters.
 *
 * The figures come from briefing_load (report/briefing.h), the same as the
 * briefing's, so the wall and the paper never disagree; this file only
 * arranges them. Every role of staff sees the whole ledger's figures, as
 * on the staff lists (a handler's queue is their own department, but the
 * whole ledger is open to them at /staff/matters): nothing here is
 * personal, no submitter's name or phone is read or shown. ?screen=1 lays
 * the page out for a wall screen; the print stylesheet keeps it on paper.
 * The progress of key-project lists (清单) is not shown: lists do not
 * exist in the schema yet.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/callback.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "report/briefing.h"
#include "report/svg.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/report_query.h"
#include "web/staff.h"

#define OVERDUE_SHOWN 10

/* Matters of a count row still to be handled. */
static int64_t open_count(const status_count *c)
{
	int64_t n = 0;
	for (int s = 0; s < ST_COUNT; s++)
		if (status_is_open(s))
			n += c->by_status[s];
	return n;
}

/* One figure of a .stats list: a big number and its label, linking to
 * the list behind it (NULL: no link); `kind` "alert" marks a number that
 * needs action. */
static void card(buf *b, const char *label, int64_t n, const char *href, const char *kind)
{
	if (href)
		buf_printf(b, "<li class=\"%s\"><a href=\"%s\"><b>%lld</b><span>%h</span></a></li>\n",
			   kind, href, (long long)n, label);
	else
		buf_printf(b, "<li class=\"%s\"><b>%lld</b><span>%h</span></li>\n", kind,
			   (long long)n, label);
}

/* The visitor's own work, as the ledger stands now: what to do next. */
static void my_work(request *rq, buf *b, const status_count *total, const status_count *mine)
{
	unsigned r = rq->who.role;
	buf_puts(b, "<section class=\"card\"><h2>我的工作</h2>\n<ul class=\"stats\">\n");
	if (r == ROLE_HANDLER) {
		/* No row: nothing of the department's is being worked on. */
		status_count none;
		memset(&none, 0, sizeof none);
		if (!mine)
			mine = &none;
		card(b, "本单位在办", open_count(mine), "/staff/queue", "");
		card(b, "本单位超期", mine->overdue, "/staff/overdue", mine->overdue ? "alert" : "");
		card(b, "待重办", mine->by_status[ST_REOPENED], "/staff/queue", "");
	} else if (r == ROLE_CLERK) {
		card(b, "待受理", total->by_status[ST_SUBMITTED], "/staff/inbox", "");
		card(b, "退单待重新派单", total->by_status[ST_RETURNED], "/staff/inbox", "");
		/* the callback desk's own count: resolved and not yet rated */
		callback_counts cb;
		if (callback_count(rq->db, rq->now, &cb) == LEDGER_OK)
			card(b, "已办结待回访", cb.waiting, "/staff/callbacks", "");
	} else {
		card(b, "超期未办结", total->overdue, "/staff/overdue", total->overdue ? "alert" : "");
		card(b, "已办结待销号", total->by_status[ST_RESOLVED],
		     "/staff/matters?status=resolved", "");
		card(b, "待受理", total->by_status[ST_SUBMITTED] + total->by_status[ST_RETURNED],
		     "/staff/inbox", "");
	}
	buf_puts(b, "</ul></section>\n");
}

/* The heading, the period, the filter form and the links to the wall
 * screen, the printable briefing and the lists. */
static void head(request *rq, buf *b, const report_query *q, const briefing *bf)
{
	buf p = BUF_INIT;
	char from[32], to[32], today[32];
	briefing_date(bf->from, "", from);
	briefing_date(bf->to, bf->from, to);
	briefing_date(bf->today, bf->to, today);
	report_query_params(&p, q);
	buf_printf(b, "<h1>挂图作战</h1>\n<p class=\"period\"><b>%h</b> · %h · 统计%h至%h提交的事项"
		      "（状态截至%h）</p>\n",
		   bf->scope, str_empty(rq->who.name) ? rq->who.login : rq->who.name, from, to,
		   today);
	report_query_form(rq, b, "/staff", q);
	buf_printf(b, "<p class=\"links\"><a href=\"/staff?%s&amp;screen=%s\">%s</a>"
		      " · <a href=\"/staff/briefing?%s\">生成简报</a>"
		      " · <a href=\"/staff/matters?%s\">查看这些事项</a></p>\n",
		   buf_str(&p), q->screen ? "0" : "1", q->screen ? "退出大屏" : "大屏模式", buf_str(&p),
		   buf_str(&p));
	buf_free(&p);
}

/* The big numbers and the four rates as meters. */
static void kpis(buf *b, const briefing *bf)
{
	const rates *r = &bf->total;
	char pct[16];
	rate_format(r->completion, pct);
	buf_puts(b, "<section><h2>总体情况</h2>\n<ul class=\"stats kpi\">\n");
	card(b, "受理", r->completion.den, NULL, "");
	card(b, "已办结", r->completion.num, NULL, "");
	buf_printf(b, "<li><b>%h%s</b><span>办结率</span></li>\n", pct[0] ? pct : "—",
		   pct[0] ? "%" : "");
	card(b, "超期未办结", r->overdue, NULL, r->overdue ? "alert" : "");
	buf_puts(b, "</ul>\n<div class=\"meters\">");
	svg_meter(b, "m-resp", "响应率", r->response.num, r->response.den, "暂无数据");
	svg_meter(b, "m-res", "解决率", r->resolution.num, r->resolution.den, "暂无到期事项");
	svg_meter(b, "m-sat", "满意率", r->satisfaction.num, r->satisfaction.den, "暂无评价");
	svg_meter(b, "m-ontime", "按时办结率", r->on_time.num, r->on_time.den, "暂无办结事项");
	buf_puts(b, "</div></section>\n");
}

/* The period's matters by status, each linking to the list. */
static void by_status(buf *b, const briefing *bf, const report_query *q)
{
	static const int shown[] = {ST_SUBMITTED, ST_ACCEPTED, ST_ASSIGNED, ST_IN_PROGRESS,
				    ST_REOPENED, ST_RETURNED, ST_RESOLVED, ST_CLOSED, ST_REJECTED};
	int64_t n[ST_COUNT] = {0};
	buf p = BUF_INIT;
	report_query_params(&p, q);
	for (size_t i = 0; i < bf->ndepts; i++)
		for (int s = 0; s < ST_COUNT; s++)
			n[s] += bf->depts[i].by_status[s];
	buf_puts(b, "<section><h2>按状态统计</h2>\n<ul class=\"stats status-counts\">\n");
	for (size_t i = 0; i < ARRAY_LEN(shown); i++) {
		int s = shown[i];
		char *href = str_printf("/staff/matters?status=%s&amp;%s", status_name(s), buf_str(&p));
		card(b, status_label(s), n[s], n[s] ? href : NULL, "");
		free(href);
	}
	buf_puts(b, "</ul></section>\n");
	buf_free(&p);
}

/* Worst first: most overdue, then the lowest completion rate (no value
 * last), then catalogue order. */
static int worst_first(const void *pa, const void *pb)
{
	const briefing_dept *a = *(const briefing_dept *const *)pa;
	const briefing_dept *b = *(const briefing_dept *const *)pb;
	if (a->r.overdue != b->r.overdue)
		return a->r.overdue > b->r.overdue ? -1 : 1;
	double x = rate_percent(a->r.completion), y = rate_percent(b->r.completion);
	x = x < 0 ? 1000 : x;
	y = y < 0 ? 1000 : y;
	if (x != y)
		return x < y ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* A rate cell with num/den in its title. */
static void rate_td(buf *b, rate r)
{
	char pct[16];
	rate_format(r, pct);
	if (pct[0])
		buf_printf(b, "<td class=\"num\" title=\"%lld/%lld\">%h%%</td>", (long long)r.num,
			   (long long)r.den, pct);
	else
		buf_puts(b, "<td class=\"num muted\">—</td>");
}

/* One row of the responsibility table. */
static void resp_row(buf *b, const briefing_dept *x, const char *params, bool total)
{
	const int64_t *s = x->by_status;
	const rates *r = &x->r;
	if (total)
		buf_puts(b, "<tr class=\"total\"><th scope=\"row\">合计</th>");
	else if (x->department_id > 0)
		buf_printf(b, "<tr%s><th scope=\"row\"><a href=\"/staff/matters?department=%lld&amp;%s\">"
			      "%h</a></th>",
			   r->overdue ? " class=\"warn\"" : "", (long long)x->department_id, params,
			   x->name);
	else
		buf_printf(b, "<tr%s><th scope=\"row\">%h</th>", r->overdue ? " class=\"warn\"" : "",
			   x->name);
	buf_printf(b, "<td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
		      "<td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
		      "<td class=\"num%s\">%lld</td>",
		   (long long)r->completion.den, (long long)(s[ST_SUBMITTED] + s[ST_RETURNED]),
		   (long long)(s[ST_ACCEPTED] + s[ST_ASSIGNED] + s[ST_IN_PROGRESS]),
		   (long long)s[ST_REOPENED], (long long)s[ST_RESOLVED], (long long)s[ST_CLOSED],
		   r->overdue ? " overdue" : " muted", (long long)r->overdue);
	rate_td(b, r->response);
	rate_td(b, r->resolution);
	rate_td(b, r->satisfaction);
	rate_td(b, r->on_time);
	buf_puts(b, "</tr>\n");
}

/* The responsibility table (责任单位 × 状态, 超期, 三率), worst first. */
static void responsibility(buf *b, const briefing *bf, const report_query *q)
{
	const briefing_dept **rows = xcalloc(bf->ndepts + 1, sizeof *rows);
	buf p = BUF_INIT;
	briefing_dept total = {0, NULL, bf->total, {0}};
	report_query_params(&p, q);
	for (size_t i = 0; i < bf->ndepts; i++) {
		rows[i] = &bf->depts[i];
		for (int s = 0; s < ST_COUNT; s++)
			total.by_status[s] += bf->depts[i].by_status[s];
	}
	qsort(rows, bf->ndepts, sizeof *rows, worst_first);
	buf_puts(b, "<section><h2>责任单位办理情况</h2>\n<div class=\"table-wrap\"><table class=\"counts "
		    "resp\">\n<thead><tr><th scope=\"col\">责任单位</th><th scope=\"col\" class=\"num\">受理</th>"
		    "<th scope=\"col\" class=\"num\">待受理</th><th scope=\"col\" class=\"num\">在办</th>"
		    "<th scope=\"col\" class=\"num\">重办</th><th scope=\"col\" class=\"num\">已办结</th>"
		    "<th scope=\"col\" class=\"num\">已销号</th><th scope=\"col\" class=\"num\">超期</th>"
		    "<th scope=\"col\" class=\"num\">响应率</th><th scope=\"col\" class=\"num\">解决率</th>"
		    "<th scope=\"col\" class=\"num\">满意率</th><th scope=\"col\" class=\"num\">按时办结率</th>"
		    "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < bf->ndepts; i++)
		resp_row(b, rows[i], buf_str(&p), false);
	if (!bf->ndepts)
		buf_puts(b, "<tr><td colspan=\"12\" class=\"muted\">本期没有事项。</td></tr>\n");
	buf_puts(b, "</tbody>\n<tfoot>");
	resp_row(b, &total, buf_str(&p), true);
	buf_puts(b, "</tfoot></table></div>\n<p class=\"muted\">超期的单位排在前面并标红；“受理”不含"
		    "不予受理和合并的重复件；鼠标停在比率上可见分子/分母，口径见 docs/rates.md。"
		    "</p></section>\n");
	buf_free(&p);
	free(rows);
}

/* The charts: workflow, trend, status by department, categories, areas. */
static void charts(buf *b, const briefing *bf)
{
	buf_puts(b, "<section><h2>办理流程</h2><figure class=\"chart wide\">");
	briefing_chart_flow(b, bf, "d");
	buf_puts(b, "</figure></section>\n<section class=\"chart-grid\"><figure class=\"chart\">"
		    "<figcaption>受理与办结趋势</figcaption>");
	briefing_chart_trend(b, bf, "d");
	buf_puts(b, "</figure><figure class=\"chart\"><figcaption>各责任单位事项状态</figcaption>");
	briefing_chart_departments(b, bf, "d");
	buf_puts(b, "</figure><figure class=\"chart\"><figcaption>问题类别前五</figcaption>");
	briefing_chart_categories(b, bf, "d");
	buf_puts(b, "</figure><figure class=\"chart\"><figcaption>片区前五</figcaption>");
	briefing_chart_areas(b, bf, "d");
	buf_puts(b, "</figure></section>\n");
}

/* The oldest overdue matters of the period: number, title, department,
 * deadline and status only (never the submitter). */
static void overdue_block(request *rq, buf *b, const char *today, const report_query *q)
{
	matter_filter f = matter_filter_any();
	matter_list l = {0};
	f.open_only = true;
	f.overdue_only = true;
	f.limit = OVERDUE_SHOWN;
	f.department_id = q->department_id;
	f.area_id = q->area_id;
	f.from = q->from;
	f.to = q->to;
	if (matter_find(rq->db, &rq->who, &f, today, &l) != LEDGER_OK)
		return;
	buf_puts(b, "<section><h2>超期事项（按期限从早到晚）</h2>\n");
	if (!l.n)
		buf_puts(b, "<p class=\"empty\">本期没有超期事项。</p>\n");
	else
		buf_puts(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">编号</th>"
			    "<th scope=\"col\">标题</th><th scope=\"col\">责任单位</th>"
			    "<th scope=\"col\">办理期限</th><th scope=\"col\">状态</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < l.n; i++) {
		const matter *m = &l.items[i];
		buf_printf(b, "<tr><td class=\"mono\"><a href=\"/staff/m/%u\">%h</a></td><td>%h</td>"
			      "<td>%h</td><td>",
			   m->number, m->number, m->title,
			   str_empty(m->department_name) ? "尚未派单" : m->department_name);
		html_deadline(b, m->deadline, m->overdue);
		buf_puts(b, "</td><td>");
		html_status(b, m->status);
		buf_puts(b, "</td></tr>\n");
	}
	if (l.n)
		buf_puts(b, "</tbody></table></div>\n");
	/* Why no count on the link: it is this period's, and the overdue list
	 * shows every overdue matter, whenever handed in. */
	if (l.total > (int64_t)l.n)
		buf_puts(b, "<p><a href=\"/staff/overdue\">查看所有超期事项</a></p>\n");
	buf_puts(b, "</section>\n");
	matter_list_free(&l);
}

/* The visitor's own row of the current counts (NULL: none) and the total. */
static const status_count *own_row(const request *rq, status_count *v, size_t n,
				   const status_count **total)
{
	const status_count *mine = NULL;
	for (size_t i = 0; i < n; i++) {
		if (v[i].department_id == 0)
			*total = &v[i];
		else if (v[i].department_id == rq->who.department_id)
			mine = &v[i];
	}
	return mine;
}

/* GET /staff: the wall chart. Bad filters: 400 naming the problem. */
void page_dashboard(request *rq, response *rs)
{
	char today[11];
	report_query q;
	briefing bf;
	status_count *v = NULL, zero;
	const status_count *total = &zero;
	size_t n = 0;
	const char *msg;
	buf *b = &rs->body;

	web_today(rq, today);
	memset(&zero, 0, sizeof zero);
	if ((msg = report_query_read(rq, today, &q))) {
		resp_error(rq, rs, 400, msg);
		return;
	}
	briefing_opts o = {q.from, q.to, q.department_id, q.area_id, NULL, NULL, 0, true};
	int r = briefing_load(rq->db, &o, today, &bf, &msg);
	if (r == LEDGER_OK)
		r = matter_counts(rq->db, today, &v, &n);
	if (r != LEDGER_OK) {
		resp_error(rq, rs, r == LEDGER_INVALID ? 400 : 500,
			   r == LEDGER_INVALID ? msg : "统计数据暂时无法读取，请稍后再试");
		goto done;
	}
	const status_count *mine = own_row(rq, v, n, &total);
	page_begin(rq, rs, PAGE_STAFF, "挂图作战", "staff");
	buf_printf(b, "<div class=\"wall%s\">\n", q.screen ? " screen" : "");
	head(rq, b, &q, &bf);
	my_work(rq, b, total, mine);
	html_my_duties(rq, b, today);
	kpis(b, &bf);
	by_status(b, &bf, &q);
	responsibility(b, &bf, &q);
	charts(b, &bf);
	overdue_block(rq, b, today, &q);
	buf_puts(b, "</div>\n");
	page_end(rq, rs);
done:
	status_counts_free(v, n);
	briefing_free(&bf);
}
