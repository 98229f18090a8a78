/*
 * dispatch_page.c — GET /staff/dispatch: today's daily dispatch (日调度)
 * and this week's weekly review (周督导), as of now, rendered by the same
 * code as the digests pushed to the office's channels (report/digest.h),
 * so the page and the group chat say the same thing.
 *
 * Who sees what: leaders, clerks, administrators and observers the whole
 * office's or, with ?department=ID, one department's; a handler always
 * their own department's, whatever the link says. Nothing personal is in
 * a digest, so observers read it as everyone else does.
 *
 * The digest is Markdown-like text of a known, small shape (digest.h:
 * "# " heading, "## " sections, "- " items, paragraphs); the page turns
 * exactly those into HTML, every text through %h, and offers the text
 * itself for copying into a chat by hand.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "report/digest.h"
#include "web/app.h"
#include "web/html.h"
#include "web/pages.h"

/* One line of the digest as HTML; *in_list tracks an open <ul>. */
static void md_line(buf *b, const char *line, size_t n, bool *in_list)
{
	bool item = n >= 2 && strncmp(line, "- ", 2) == 0;
	if (*in_list && !item) {
		buf_puts(b, "</ul>\n");
		*in_list = false;
	}
	if (n == 0)
		return;
	char *text = xstrndup(line, n);
	if (item) {
		if (!*in_list)
			buf_puts(b, "<ul>\n");
		*in_list = true;
		const char *t = text + 2;
		/* a matter's number opens the matter */
		if (strlen(t) > 15 && strncmp(t, "TZ-", 3) == 0 && t[14] == ' ') {
			char number[15];
			memcpy(number, t, 14);
			number[14] = '\0';
			buf_printf(b, "<li><a class=\"mono\" href=\"/staff/m/%u\">%h</a>%h</li>\n", number,
				   number, t + 14);
		} else {
			buf_printf(b, "<li>%h</li>\n", t);
		}
	} else if (strncmp(text, "## ", 3) == 0) {
		buf_printf(b, "<h3>%h</h3>\n", text + 3);
	} else if (strncmp(text, "# ", 2) == 0) {
		buf_printf(b, "<h2>%h</h2>\n", text + 2);
	} else {
		buf_printf(b, "<p>%h</p>\n", text);
	}
	free(text);
}

/* The digest's text as HTML, and the text itself to copy. */
static void digest_section(buf *b, const char *id, const char *text)
{
	bool in_list = false;
	buf_printf(b, "<section class=\"card digest\" id=\"%s\">\n", id);
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		md_line(b, p, n, &in_list);
		p += n + (nl ? 1 : 0);
	}
	if (in_list)
		buf_puts(b, "</ul>\n");
	buf_printf(b, "<details><summary>纯文本（可复制到工作群）</summary><pre class=\"digest-text\">%h"
		      "</pre></details>\n</section>\n",
		   text);
}

/* The department shown: a handler's own; for the others ?department
 * (0: the whole office). -1 for a malformed parameter. */
static int64_t dispatch_department(const request *rq)
{
	int64_t id = 0;
	if (rq->who.role == ROLE_HANDLER)
		return rq->who.department_id;
	return web_param_id(rq, "department", &id) ? id : -1;
}

/* The department select for those who may choose. */
static void scope_form(request *rq, buf *b, int64_t selected)
{
	department *deps = NULL;
	size_t n = 0;
	if (rq->who.role == ROLE_HANDLER || department_list(rq->db, false, &deps, &n) != LEDGER_OK)
		return;
	buf_puts(b, "<form method=\"get\" action=\"/staff/dispatch\" class=\"filters\">"
		    "<div class=\"field\"><label for=\"f-dep\">范围</label>"
		    "<select id=\"f-dep\" name=\"department\">");
	form_department_options(b, deps, n, selected, "全部单位");
	buf_puts(b, "</select></div><div class=\"form-actions\"><button type=\"submit\">查看</button>"
		    "</div></form>\n");
	department_list_free(deps, n);
}

/* GET /staff/dispatch */
void page_dispatch(request *rq, response *rs)
{
	const app *a = rq->app;
	int64_t dep = dispatch_department(rq);
	buf dt = BUF_INIT, daily = BUF_INIT, wt = BUF_INIT, weekly = BUF_INIT;
	if (dep < 0) {
		resp_error(rq, rs, 400, "筛选条件不正确");
		return;
	}
	/* daily-at as the pushed digest has it: 0 is 00:00, not "unset" (serve
	 * always sets it, from daily-at or its default). */
	digest_opts o = {DIGEST_DAILY, rq->now, dep, a ? a->office_name : NULL,
			 a ? a->daily_minutes : DIGEST_DAILY_DEFAULT, 0};
	int rc = digest_render(rq->db, &o, &dt, &daily);
	o.kind = DIGEST_WEEKLY;
	if (rc == LEDGER_OK)
		rc = digest_render(rq->db, &o, &wt, &weekly);
	if (rc != LEDGER_OK) {
		resp_error(rq, rs, rc == LEDGER_NOT_FOUND ? 400 : 500,
			   rc == LEDGER_NOT_FOUND ? "没有这个责任单位" : "调度数据暂时无法读取，请稍后再试");
		goto done;
	}
	buf *b = &rs->body;
	page_begin(rq, rs, PAGE_STAFF, "日调度与周督导", "dispatch");
	buf_puts(b, "<h1>日调度与周督导</h1>\n<p class=\"muted\">与推送到工作群的日调度（工作日早上）"
		    "和周督导（每周第一个工作日）内容相同，这里显示此刻的数据。不含群众个人信息。</p>\n");
	scope_form(rq, b, dep);
	buf_puts(b, "<div class=\"two-col\"><div>\n");
	digest_section(b, "daily", buf_str(&daily));
	buf_puts(b, "</div><div>\n");
	digest_section(b, "weekly", buf_str(&weekly));
	buf_puts(b, "</div></div>\n");
	page_end(rq, rs);
done:
	buf_free(&dt);
	buf_free(&daily);
	buf_free(&wt);
	buf_free(&weekly);
}
