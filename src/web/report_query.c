/*
 * report_query.c — reading and writing the filters of the wall chart and
 * the briefing (report_query.h).
 *
 * Why every parameter is checked here, before anything is read: a bad
 * date or id is the visitor's mistake and gets a 400 in Chinese that
 * names what is wrong, never a 500 or an empty chart that looks true.
 */
#include "web/report_query.h"
#include "base/util.h"
#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "report/briefing.h"
#include "web/html.h"

#include <stdio.h>
#include <string.h>

/* date - days into out. */
static void days_before(const char *date, int days, char out[11])
{
	ledger_today(calendar_day_start(date) - (int64_t)days * 86400 + 43200, out);
}

const char *report_query_read(const request *rq, const char *today, report_query *q)
{
	const char *from = rq_param(rq, "from"), *to = rq_param(rq, "to");
	const char *screen = rq_param(rq, "screen");
	memset(q, 0, sizeof *q);
	if (!web_param_id(rq, "department", &q->department_id) ||
	    !web_param_id(rq, "area", &q->area_id))
		return "责任单位或片区参数不正确";
	if (!str_empty(screen) && strcmp(screen, "1") != 0 && strcmp(screen, "0") != 0)
		return "参数 screen 只能是 1 或 0";
	q->screen = !str_empty(screen) && strcmp(screen, "1") == 0;
	if ((!str_empty(to) && !calendar_date_valid(to)) ||
	    (!str_empty(from) && !calendar_date_valid(from)))
		return "日期格式应为 年-月-日，例如 2026-11-23";
	snprintf(q->to, sizeof q->to, "%s", str_empty(to) ? today : to);
	if (str_empty(from))
		days_before(q->to, REPORT_DEFAULT_DAYS - 1, q->from);
	else
		snprintf(q->from, sizeof q->from, "%s", from);
	return briefing_check_period(q->from, q->to);
}

void report_query_params(buf *b, const report_query *q)
{
	buf_printf(b, "from=%u&amp;to=%u", q->from, q->to);
	if (q->department_id)
		buf_printf(b, "&amp;department=%lld", (long long)q->department_id);
	if (q->area_id)
		buf_printf(b, "&amp;area=%lld", (long long)q->area_id);
}

void report_query_form(request *rq, buf *b, const char *action, const report_query *q)
{
	department *deps = NULL;
	area *areas = NULL;
	size_t nd = 0, na = 0;
	department_list(rq->db, false, &deps, &nd);
	area_list(rq->db, false, &areas, &na);
	buf_printf(b, "<form method=\"get\" action=\"%h\" class=\"filters\">"
		      "<div class=\"field\"><label for=\"f-from\">开始日期</label>"
		      "<input type=\"date\" id=\"f-from\" name=\"from\" value=\"%h\" required></div>"
		      "<div class=\"field\"><label for=\"f-to\">结束日期</label>"
		      "<input type=\"date\" id=\"f-to\" name=\"to\" value=\"%h\" required></div>"
		      "<div class=\"field\"><label for=\"f-dep\">责任单位</label>"
		      "<select id=\"f-dep\" name=\"department\">",
		   action, q->from, q->to);
	form_department_options(b, deps, nd, q->department_id, "全部单位");
	buf_puts(b, "</select></div><div class=\"field\"><label for=\"f-area\">片区</label>"
		    "<select id=\"f-area\" name=\"area\">");
	form_area_options(b, areas, na, q->area_id, "全部片区");
	buf_puts(b, "</select></div>");
	if (q->screen)
		buf_puts(b, "<input type=\"hidden\" name=\"screen\" value=\"1\">");
	buf_puts(b, "<div class=\"form-actions\"><button type=\"submit\">查看</button></div></form>\n");
	department_list_free(deps, nd);
	area_list_free(areas, na);
}
