/*
 * dashboard.c — the staff home page (工作台 / 挂图作战, first version).
 *
 * Shows the visitor's own work first (a handler: their department's open
 * and overdue matters; a clerk: the inbox; leaders: overdue and awaiting
 * 销号), then the ledger's totals by status, the per-department table
 * (待受理 已受理 已派单 办理中 重办 已办结 已销号 超期) with every number
 * linking into the lists, and the most overdue matters. The numbers come
 * from matter_counts(); this file only arranges them.
 */
#include <string.h>

#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "web/html.h"
#include "web/pages.h"
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

/* All matters of a count row. */
static int64_t all_count(const status_count *c)
{
	int64_t n = 0;
	for (int s = 0; s < ST_COUNT; s++)
		n += c->by_status[s];
	return n;
}

/* One figure of a .stats list: a big number and its label, linking to
 * the list behind it; `kind` "alert" marks a number that needs action. */
static void card(buf *b, const char *label, int64_t n, const char *href, const char *kind)
{
	buf_printf(b, "<li class=\"%s\"><a href=\"%h\"><b>%lld</b><span>%h</span></a></li>\n",
		   kind, href, (long long)n, label);
}

/* The visitor's own work: what they should do next. */
static void my_work(request *rq, buf *b, const status_count *total, const status_count *mine)
{
	unsigned r = rq->who.role;
	buf_puts(b, "<section class=\"card\"><h2>我的工作</h2>\n<ul class=\"stats\">\n");
	if (r == ROLE_HANDLER) {
		if (mine) {
			card(b, "本单位在办", open_count(mine), "/staff/queue", "");
			card(b, "本单位超期", mine->overdue, "/staff/overdue",
			     mine->overdue ? "alert" : "");
			card(b, "待重办", mine->by_status[ST_REOPENED], "/staff/queue", "");
		} else {
			buf_puts(b, "<li><b>0</b><span>本单位目前没有事项</span></li>");
		}
	} else if (r == ROLE_CLERK) {
		card(b, "待受理", total->by_status[ST_SUBMITTED], "/staff/inbox", "");
		card(b, "退单待重新派单", total->by_status[ST_RETURNED], "/staff/inbox", "");
		card(b, "已办结待回访", total->by_status[ST_RESOLVED],
		     "/staff/matters?status=resolved", "");
	} else {
		card(b, "超期未办结", total->overdue, "/staff/overdue", total->overdue ? "alert" : "");
		card(b, "已办结待销号", total->by_status[ST_RESOLVED],
		     "/staff/matters?status=resolved", "");
		card(b, "待受理", total->by_status[ST_SUBMITTED] + total->by_status[ST_RETURNED],
		     "/staff/inbox", "");
	}
	buf_puts(b, "</ul></section>\n");
}

/* The ledger's totals by status. */
static void totals(buf *b, const status_count *t)
{
	buf_puts(b, "<section><h2>全部事项</h2>\n<ul class=\"stats\">\n");
	card(b, "事项总数", all_count(t), "/staff/matters", "");
	card(b, "待受理", t->by_status[ST_SUBMITTED] + t->by_status[ST_RETURNED], "/staff/inbox",
	     "");
	card(b, "在办", open_count(t) - t->by_status[ST_SUBMITTED] - t->by_status[ST_RETURNED],
	     "/staff/queue", "");
	card(b, "已办结", t->by_status[ST_RESOLVED], "/staff/matters?status=resolved", "");
	card(b, "已销号", t->by_status[ST_CLOSED], "/staff/matters?status=closed", "");
	card(b, "超期", t->overdue, "/staff/overdue", t->overdue ? "alert" : "");
	buf_puts(b, "</ul></section>\n");
}

/* A number cell linking to the list of matters of one department (0: all)
 * in one status; zero, and the numbers of the not-yet-assigned row
 * (department < 0, which no filter selects), are shown without a link. */
static void count_cell(buf *b, int64_t n, int64_t dep, const char *status)
{
	if (n == 0 || dep < 0) {
		buf_printf(b, "<td class=\"num%s\">%lld</td>", n ? "" : " muted", (long long)n);
		return;
	}
	buf_puts(b, "<td class=\"num\"><a href=\"/staff/matters?");
	if (dep)
		buf_printf(b, "department=%lld&amp;", (long long)dep);
	buf_printf(b, "status=%u\">%lld</a></td>", status, (long long)n);
}

/* The 待受理 cell: new submissions and returned matters together. */
static void waiting_cell(buf *b, const status_count *c)
{
	int64_t sub = c->by_status[ST_SUBMITTED], ret = c->by_status[ST_RETURNED];
	if (ret == 0 || sub == 0) {
		count_cell(b, sub + ret, c->department_id, ret ? "returned" : "submitted");
		return;
	}
	buf_printf(b, "<td class=\"num\" title=\"新提交 %lld 件，退单 %lld 件\">%lld</td>",
		   (long long)sub, (long long)ret, (long long)(sub + ret));
}

/* One row of the department table: a department, the row of matters not
 * yet assigned (department < 0) or the total row (department 0). */
static void dept_row(buf *b, const status_count *c)
{
	static const int cols[] = {ST_ACCEPTED, ST_ASSIGNED, ST_IN_PROGRESS,
				   ST_REOPENED, ST_RESOLVED, ST_CLOSED};
	if (c->department_id > 0)
		buf_printf(b, "<tr><th scope=\"row\"><a href=\"/staff/matters?department=%lld\">%h"
			      "</a></th>",
			   (long long)c->department_id,
			   str_empty(c->department_name) ? "（未命名）" : c->department_name);
	else if (c->department_id < 0)
		buf_puts(b, "<tr><th scope=\"row\">尚未派单</th>");
	else
		buf_puts(b, "<tr class=\"total\"><th scope=\"row\">合计</th>");
	buf_printf(b, "<td class=\"num\">%lld</td>", (long long)all_count(c));
	waiting_cell(b, c);
	for (size_t i = 0; i < ARRAY_LEN(cols); i++)
		count_cell(b, c->by_status[cols[i]], c->department_id, status_name(cols[i]));
	if (c->overdue == 0 || c->department_id < 0)
		buf_printf(b, "<td class=\"num%s\">%lld</td>", c->overdue ? " overdue" : " muted",
			   (long long)c->overdue);
	else if (c->department_id)
		buf_printf(b, "<td class=\"num overdue\"><a href=\"/staff/overdue?department=%lld\">"
			      "%lld</a></td>",
			   (long long)c->department_id, (long long)c->overdue);
	else
		buf_printf(b, "<td class=\"num overdue\"><a href=\"/staff/overdue\">%lld</a></td>",
			   (long long)c->overdue);
	buf_puts(b, "</tr>\n");
}

/* The per-department table, the total row last. */
static void dept_table(buf *b, const status_count *v, size_t n, const status_count *total)
{
	buf_puts(b, "<section><h2>各责任单位办理情况</h2>\n"
		    "<div class=\"table-wrap\"><table class=\"counts\">\n<thead><tr>"
		    "<th scope=\"col\">责任单位</th><th scope=\"col\" class=\"num\">合计</th>"
		    "<th scope=\"col\" class=\"num\">待受理</th><th scope=\"col\" class=\"num\">已受理</th>"
		    "<th scope=\"col\" class=\"num\">已派单</th><th scope=\"col\" class=\"num\">办理中</th>"
		    "<th scope=\"col\" class=\"num\">重办</th><th scope=\"col\" class=\"num\">已办结</th>"
		    "<th scope=\"col\" class=\"num\">已销号</th><th scope=\"col\" class=\"num\">超期</th>"
		    "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++)
		if (v[i].department_id > 0)
			dept_row(b, &v[i]);
	for (size_t i = 0; i < n; i++)
		if (v[i].department_id < 0)
			dept_row(b, &v[i]);
	buf_puts(b, "</tbody>\n<tfoot>");
	dept_row(b, total);
	buf_puts(b, "</tfoot></table></div>\n<p class=\"muted\">“尚未派单”为待受理、已受理和退单"
		    "后尚未派给责任单位的事项。点击数字可查看对应事项。</p></section>\n");
}

/* The most overdue open matters (the visitor's department for handlers). */
static void overdue_block(request *rq, buf *b, const char *today)
{
	matter_filter f = matter_filter_any();
	matter_list l = {0};

	f.open_only = true;
	f.overdue_only = true;
	f.limit = OVERDUE_SHOWN;
	if (rq->who.role == ROLE_HANDLER)
		f.department_id = rq->who.department_id;
	if (matter_find(rq->db, &rq->who, &f, today, &l) != LEDGER_OK)
		return;
	buf_puts(b, "<section><h2>超期事项（按期限从早到晚）</h2>\n");
	staff_matter_table(rq, b, &l, "没有超期事项。");
	if (l.total > (int64_t)l.n)
		buf_printf(b, "<p><a href=\"/staff/overdue\">查看全部 %lld%s 件超期事项</a></p>\n",
			   (long long)l.total, html_more(&l));
	buf_puts(b, "</section>\n");
	matter_list_free(&l);
}

/* GET /staff: the dashboard. */
void page_dashboard(request *rq, response *rs)
{
	char today[11];
	status_count *v = NULL, zero, *total = &zero, *mine = NULL;
	size_t n = 0;
	buf *b = &rs->body;

	web_today(rq, today);
	if (matter_counts(rq->db, today, &v, &n) != LEDGER_OK) {
		resp_error(rq, rs, 500, "统计数据暂时无法读取，请稍后再试");
		return;
	}
	memset(&zero, 0, sizeof zero);
	for (size_t i = 0; i < n; i++) {
		if (v[i].department_id == 0)
			total = &v[i];
		else if (v[i].department_id == rq->who.department_id)
			mine = &v[i];
	}
	page_begin(rq, rs, PAGE_STAFF, "工作台", "staff");
	buf_printf(b, "<h1>工作台</h1>\n<p class=\"muted\">%h（%h），今天是 %h。</p>\n",
		   str_empty(rq->who.name) ? rq->who.login : rq->who.name,
		   role_label(rq->who.role), today);
	my_work(rq, b, total, mine);
	totals(b, total);
	dept_table(b, v, n, total);
	overdue_block(rq, b, today);
	page_end(rq, rs);
	status_counts_free(v, n);
}
