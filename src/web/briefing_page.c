/*
 * briefing_page.c — the briefing (简报) for staff: GET /staff/briefing (a
 * printable page with the filter form, a print button and the downloads),
 * /staff/briefing.pdf and /staff/briefing.txt, for the same period,
 * department and area (report_query.h; default the last 30 days).
 *
 * Every staff role may read it, handlers included: it is made of the
 * figures the wall chart shows every role, and of public matters only for
 * the typical cases; no resident's name or phone is read. The print
 * button is enabled by /static/print.js (the page works without it: the
 * browser's own print prints the same, without the navigation).
 */
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "ledger/ledger.h"
#include "report/briefing.h"
#include "web/app.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/report_query.h"

/* Read the query and gather the briefing; false when it answered (400 for
 * bad filters, 500 when the ledger cannot be read). */
static bool load(request *rq, response *rs, report_query *q, briefing *bf)
{
	char today[11];
	const char *msg;
	const app *a = rq->app;
	memset(bf, 0, sizeof *bf);
	web_today(rq, today);
	if ((msg = report_query_read(rq, today, q))) {
		resp_error(rq, rs, 400, msg);
		return false;
	}
	briefing_opts o = {q->from, q->to, q->department_id, q->area_id,
			   a && !str_empty(a->office_name) ? a->office_name : NULL, NULL, 0, false};
	int r = briefing_load(rq->db, &o, today, bf, &msg);
	if (r != LEDGER_OK)
		resp_error(rq, rs, r == LEDGER_INVALID ? 400 : 500,
			   r == LEDGER_INVALID ? msg : "简报数据暂时无法读取，请稍后再试");
	return r == LEDGER_OK;
}

/* Content-Disposition for a download named briefing-FROM-TO.EXT. */
static void download_name(response *rs, const briefing *bf, const char *ext)
{
	char v[96];
	snprintf(v, sizeof v, "attachment; filename=\"briefing-%s-%s.%s\"", bf->from, bf->to, ext);
	resp_header(rs, "Content-Disposition", v);
}

/* GET /staff/briefing: the page. */
void page_briefing(request *rq, response *rs)
{
	report_query q;
	briefing bf;
	buf p = BUF_INIT, *b = &rs->body;
	if (!load(rq, rs, &q, &bf))
		goto done;
	report_query_params(&p, &q);
	page_begin(rq, rs, PAGE_STAFF, "简报", "briefing");
	buf_puts(b, "<div class=\"briefing-tools\">\n");
	report_query_form(rq, b, "/staff/briefing", &q);
	buf_printf(b, "<p class=\"links\"><button type=\"button\" class=\"print\" hidden>打印</button>"
		      " <a class=\"button\" href=\"/staff/briefing.pdf?%s\">下载 PDF</a>"
		      " <a href=\"/staff/briefing.txt?%s\">纯文本</a>"
		      " · <a href=\"/staff?%s\">挂图作战</a></p>\n</div>\n",
		   buf_str(&p), buf_str(&p), buf_str(&p));
	briefing_html(b, &bf, false);
	buf_puts(b, "<script src=\"/static/print.js\" defer></script>\n");
	page_end(rq, rs);
done:
	buf_free(&p);
	briefing_free(&bf);
}

/* GET /staff/briefing.pdf: the same briefing as an A4 PDF download. */
void page_briefing_pdf(request *rq, response *rs)
{
	report_query q;
	briefing bf;
	const char *err = NULL;
	if (!load(rq, rs, &q, &bf))
		goto done;
	if (briefing_pdf(&rs->body, &bf, &err) < 0) {
		log_error("briefing pdf: %s", err);
		buf_reset(&rs->body);
		resp_error(rq, rs, 500, "PDF 暂时无法生成，请稍后再试");
		goto done;
	}
	rs->content_type = "application/pdf";
	download_name(rs, &bf, "pdf");
done:
	briefing_free(&bf);
}

/* GET /staff/briefing.txt: the same briefing as plain UTF-8 text. */
void page_briefing_txt(request *rq, response *rs)
{
	report_query q;
	briefing bf;
	if (load(rq, rs, &q, &bf)) {
		rs->content_type = "text/plain; charset=utf-8";
		download_name(rs, &bf, "txt");
		briefing_text(&rs->body, &bf);
	}
	briefing_free(&bf);
}
