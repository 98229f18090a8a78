/*
 * briefing_html.c — the briefing as HTML: an <article> for the staff page
 * (/staff/briefing, styled by the house stylesheet) or a whole printable
 * A4 document with its own styles (taizhang report --format html).
 *
 * The sentences are briefing_int.h's, escaped with %h like every other
 * text; the tables carry each rate with its numerator and denominator in
 * a title; the charts are svg.c's, inline. Sections that begin a printed
 * page carry the class "page-break".
 */
#include "report/briefing_int.h"
#include "base/util.h"

#include <stdlib.h>

/* The styles of the standalone document (the staff page uses the house
 * stylesheet instead, where the same rules are under @media print). */
static const char standalone_css[] =
	"@page { size: A4; margin: 18mm 16mm 20mm; }\n"
	"body { font-family: 'Noto Sans CJK SC', 'Noto Sans CJK', 'Source Han Sans SC', sans-serif;"
	" color: #000; max-width: 50em; margin: 2em auto; line-height: 1.7; padding: 0 1em; }\n"
	"h1 { text-align: center; font-size: 1.6em; margin: 0; }\n"
	".period { text-align: center; margin: .2em 0 1.5em; }\n"
	"h2 { font-size: 1.2em; margin: 1.4em 0 .6em; }\n"
	"table { border-collapse: collapse; width: 100%; font-size: .92em; }\n"
	"th, td { border: 1px solid #555; padding: 4px 6px; }\n"
	"th { background: #eee; } td.num, th.num { text-align: right; }\n"
	"tfoot td, tfoot th { font-weight: bold; } .muted { color: #555; }\n"
	".overdue { color: #b3141b; font-weight: bold; }\n"
	"figure { margin: 1em 0; break-inside: avoid; } svg.chart { width: 100%; height: auto; }\n"
	"figcaption { font-size: .9em; color: #333; }\n"
	"@media print { body { margin: 0; max-width: none; } .page-break { break-before: page; }"
	" thead { display: table-header-group; } tr { break-inside: avoid; } }\n";

/* A rate cell: "96.2%" with "num/den" as its title, or the empty words. */
static void rate_cell(buf *out, rate r, const char *empty)
{
	buf t = BUF_INIT;
	briefing_rate(&t, r, empty);
	if (r.den)
		buf_printf(out, "<td class=\"num\" title=\"%lld/%lld\">%h</td>", (long long)r.num,
			   (long long)r.den, buf_str(&t));
	else
		buf_printf(out, "<td class=\"num muted\">%h</td>", buf_str(&t));
	buf_free(&t);
}

/* A paragraph of plain text made by fn. */
static void para(buf *out, const briefing *b, void (*fn)(buf *, const briefing *))
{
	buf t = BUF_INIT;
	fn(&t, b);
	buf_printf(out, "<p>%h</p>\n", buf_str(&t));
	buf_free(&t);
}

static void html_overdue(buf *out, const briefing *b)
{
	size_t *idx, n = briefing_overdue_order(b, &idx);
	buf_puts(out, "<section><h2>一、超期未办结情况</h2>\n");
	if (!n) {
		buf_puts(out, "<p>本期没有超期未办结的诉求。</p>\n");
	} else {
		buf_puts(out, "<table class=\"briefing-table\"><thead><tr><th scope=\"col\">单位</th>"
			      "<th scope=\"col\" class=\"num\">超期件数</th><th scope=\"col\" class=\"num\">受理</th>"
			      "<th scope=\"col\" class=\"num\">办结</th><th scope=\"col\" class=\"num\">办结率</th>"
			      "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			const briefing_dept *x = &b->depts[idx[i]];
			buf_printf(out, "<tr><th scope=\"row\">%h</th><td class=\"num overdue\">%lld</td>"
					"<td class=\"num\">%lld</td><td class=\"num\">%lld</td>",
				   x->name, (long long)x->r.overdue, (long long)x->r.completion.den,
				   (long long)x->r.completion.num);
			rate_cell(out, x->r.completion, briefing_empty_completion);
			buf_puts(out, "</tr>\n");
		}
		buf_printf(out, "</tbody><tfoot><tr><th scope=\"row\">合计</th><td class=\"num\">%lld</td>"
				"<td colspan=\"3\"></td></tr></tfoot></table>\n",
			   (long long)b->total.overdue);
	}
	buf_puts(out, "</section>\n");
	free(idx);
}

/* One row of the department table (x NULL: the total row of r). */
static void dept_row(buf *out, const char *name, const rates *r, bool total)
{
	buf_printf(out, "<tr><th scope=\"row\">%h</th><td class=\"num\">%lld</td>"
			"<td class=\"num\">%lld</td>",
		   name, (long long)r->completion.den, (long long)r->completion.num);
	rate_cell(out, r->completion, briefing_empty_completion);
	rate_cell(out, r->on_time, briefing_empty_on_time);
	rate_cell(out, r->response, briefing_empty_response);
	rate_cell(out, r->resolution, briefing_empty_resolution);
	rate_cell(out, r->satisfaction, briefing_empty_satisfaction);
	buf_printf(out, "<td class=\"num%s\">%lld</td></tr>\n",
		   r->overdue && !total ? " overdue" : "", (long long)r->overdue);
}

static void html_departments(buf *out, const briefing *b)
{
	buf_puts(out, "<section class=\"page-break\"><h2>二、各责任单位办理情况</h2>\n"
		      "<table class=\"briefing-table\"><thead><tr><th scope=\"col\">单位</th>"
		      "<th scope=\"col\" class=\"num\">受理</th><th scope=\"col\" class=\"num\">办结</th>"
		      "<th scope=\"col\" class=\"num\">办结率</th><th scope=\"col\" class=\"num\">按时办结率</th>"
		      "<th scope=\"col\" class=\"num\">响应率</th><th scope=\"col\" class=\"num\">解决率</th>"
		      "<th scope=\"col\" class=\"num\">满意率</th><th scope=\"col\" class=\"num\">超期</th>"
		      "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < b->ndepts; i++)
		dept_row(out, b->depts[i].name, &b->depts[i].r, false);
	buf_puts(out, "</tbody><tfoot>");
	dept_row(out, "合计", &b->total, true);
	buf_puts(out, "</tfoot></table></section>\n");
}

static void html_cases(buf *out, const briefing *b)
{
	buf_puts(out, "<section><h2>三、典型案例</h2>\n");
	if (!b->ncases)
		buf_puts(out, "<p>本期暂无已办结并获群众好评的公开事项。</p>\n");
	else
		buf_puts(out, "<ol class=\"cases\">\n");
	for (size_t i = 0; i < b->ncases; i++) {
		buf h = BUF_INIT, r = BUF_INIT;
		briefing_case_head(&h, &b->cases[i]);
		briefing_case_result(&r, &b->cases[i]);
		buf_printf(out, "<li><p><strong>%h</strong></p><p>办理结果：%h</p><p>群众评价：%h</p></li>\n",
			   buf_str(&h), buf_str(&r), rating_label(b->cases[i].rating));
		buf_free(&h);
		buf_free(&r);
	}
	if (b->ncases)
		buf_puts(out, "</ol>\n");
	buf_puts(out, "</section>\n");
}

/* One <figure> with a chart and its caption. */
static void figure(buf *out, const briefing *b, const char *caption,
		   void (*chart)(buf *, const briefing *, const char *), const char *idp)
{
	buf_puts(out, "<figure class=\"chart\">");
	chart(out, b, idp);
	buf_printf(out, "<figcaption>%h</figcaption></figure>\n", caption);
}

static void html_distribution(buf *out, const briefing *b)
{
	buf_puts(out, "<section class=\"page-break\"><h2>四、问题分布与办理流程</h2>\n");
	para(out, b, briefing_distribution);
	para(out, b, briefing_workflow);
	figure(out, b, "图1 办理流程", briefing_chart_flow, "bf");
	figure(out, b, "图2 受理与办结趋势", briefing_chart_trend, "bf");
	figure(out, b, "图3 各责任单位事项状态", briefing_chart_departments, "bf");
	figure(out, b, "图4 受理量居前的问题类别", briefing_chart_categories, "bf");
	buf_puts(out, "</section>\n");
}

/* The <article>: everything between the document's frame. */
static void article(buf *out, const briefing *b)
{
	buf t = BUF_INIT, p = BUF_INIT;
	char today[32];
	briefing_title(&t, b);
	briefing_period(&p, b->from, b->to);
	briefing_date(b->today, b->to, today);
	buf_printf(out, "<article class=\"briefing\"><h1>%h</h1>\n<p class=\"period\">（%h）</p>\n",
		   buf_str(&t), buf_str(&p));
	para(out, b, briefing_lead);
	html_overdue(out, b);
	html_departments(out, b);
	html_cases(out, b);
	html_distribution(out, b);
	buf_printf(out, "<p class=\"muted\"><small>注：统计对象为本期提交的诉求（合并的重复件除外），"
			"状态截至%h；各项比率的口径见 docs/rates.md。</small></p>\n</article>\n",
		   today);
	buf_free(&t);
	buf_free(&p);
}

void briefing_html(buf *out, const briefing *b, bool standalone)
{
	if (!standalone) {
		article(out, b);
		return;
	}
	buf t = BUF_INIT;
	briefing_title(&t, b);
	buf_printf(out, "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
			"<title>%h</title>\n<style>\n%s</style></head>\n<body>\n",
		   buf_str(&t), standalone_css);
	article(out, b);
	buf_puts(out, "</body></html>\n");
	buf_free(&t);
}
