/*
 * home.c — the residents' landing page: what this service is (我为群众办实事
 * · 群众诉求办理台账), three big ways in (我要反映, 进度查询, 公开栏), a
 * few live counts from the ledger and how a matter is handled. Counts are
 * aggregates only; the page never shows a single matter.
 */
#include "web/pages.h"

#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "web/html.h"

/* The counts shown on the home page. */
typedef struct home_counts {
	int64_t received, accepted, resolved;
} home_counts;

/* Sum the office's counts (the total row when there is one) into *c:
 * received = every matter but merged duplicates, accepted = everything
 * taken on (not waiting, refused or merged), resolved = resolved or closed.
 * Returns false when the ledger could not be read. */
static bool load_counts(request *rq, home_counts *c)
{
	char today[11];
	status_count *v = NULL;
	size_t n = 0;
	web_today(rq, today);
	if (matter_counts(rq->db, today, &v, &n) != LEDGER_OK) {
		if (v)
			status_counts_free(v, n);
		return false;
	}
	bool has_total = false;
	for (size_t i = 0; i < n; i++)
		has_total |= v[i].department_id == 0;
	for (size_t i = 0; i < n; i++) {
		if (has_total && v[i].department_id != 0)
			continue;
		for (int s = 0; s < ST_COUNT; s++) {
			int64_t k = v[i].by_status[s];
			if (s == ST_MERGED)
				continue;
			c->received += k;
			if (s == ST_SUBMITTED || s == ST_REJECTED)
				continue;
			c->accepted += k;
			if (s == ST_RESOLVED || s == ST_CLOSED)
				c->resolved += k;
		}
	}
	status_counts_free(v, n);
	return true;
}

/* The live counts, with the resolution rate. */
static void write_counts(request *rq, buf *b)
{
	home_counts c = {0};
	char today[11];
	if (!load_counts(rq, &c))
		return; /* the page still works without them */
	web_today(rq, today);
	buf_printf(b,
		   "<section aria-labelledby=\"h-stats\"><h2 id=\"h-stats\">办理情况</h2>"
		   "<ul class=\"stats\"><li><b>%lld</b><span>收到诉求（件）</span></li>"
		   "<li><b>%lld</b><span>已受理（件）</span></li>"
		   "<li><b>%lld</b><span>已办结（件）</span></li>",
		   (long long)c.received, (long long)c.accepted, (long long)c.resolved);
	if (c.accepted > 0)
		buf_printf(b, "<li><b>%.1f%%</b><span>办结率</span></li>",
			   100.0 * (double)c.resolved / (double)c.accepted);
	else
		buf_puts(b, "<li><b>—</b><span>办结率</span></li>");
	buf_printf(b, "</ul><p class=\"muted\">数据截至 %h，实时更新。</p></section>", today);
}

/* GET /: the landing page. */
void page_home(request *rq, response *rs)
{
	buf *b = &rs->body;
	page_begin(rq, rs, PAGE_PUBLIC, "首页", "home");
	buf_puts(b,
		 "<section class=\"hero\"><h1>我为群众办实事</h1>"
		 "<p>群众诉求办理台账：您反映的每一件事都登记在册，有编号、有责任单位、"
		 "有办理时限，进展随时可查；办结后请您评价，公开销号。</p>"
		 "<div class=\"actions\">"
		 "<a class=\"action\" href=\"/submit\">我要反映<small>诉求、求助、投诉、建议、微心愿</small></a>"
		 "<a class=\"action secondary\" href=\"/t\">进度查询<small>凭事项编号和查询码</small></a>"
		 "<a class=\"action secondary\" href=\"/board\">公开栏<small>挂牌督办，办结销号</small></a>"
		   "</div></section>");
	write_counts(rq, b);
	buf_puts(b, "<section class=\"card\" aria-labelledby=\"h-how\"><h2 id=\"h-how\">怎么办理</h2>"
		    "<ol class=\"steps\">"
		    "<li><strong>提交</strong>：在线填写，或到村（社区）、意见箱、热线反映，"
		    "获得事项编号和查询码。</li>"
		    "<li><strong>受理派单</strong>：工作人员受理后交给责任单位，明确责任人和办理时限。</li>"
		    "<li><strong>办理反馈</strong>：责任单位联系您、办理，进展随时可查。</li>"
		    "<li><strong>评价销号</strong>：办结后请您评价，核实后在公开栏销号。</li>"
		    "</ol><p class=\"muted\">您留下的姓名和电话仅供工作人员联系您，不会公开。"
		    "紧急情况请直接拨打 110、119、120。</p></section>");
	page_end(rq, rs);
}
