/*
 * briefing_text.c — the briefing's sentences (briefing_int.h) and the
 * plain-text briefing built from them (briefing_text).
 *
 * Percentages carry one decimal (rate_format); a rate without a
 * denominator is never 0%, it says what is missing (暂无评价 ...). Dates
 * are written the Chinese way (12月1日), with the year only where the
 * period leaves it unclear.
 */
#include "report/briefing_int.h"
#include "base/utf8.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const briefing_empty_response = "暂无数据";
const char *const briefing_empty_resolution = "暂无到期事项";
const char *const briefing_empty_satisfaction = "暂无评价";
const char *const briefing_empty_on_time = "暂无办结事项";
const char *const briefing_empty_completion = "暂无数据";

void briefing_title(buf *out, const briefing *b)
{
	buf_printf(out, "%s“我为群众办实事”工作简报", b->office ? b->office : "");
}

void briefing_period(buf *out, const char *from, const char *to)
{
	char f[32], t[32];
	briefing_date(from, "", f);
	briefing_date(to, from, t);
	buf_printf(out, "%s至%s", f, t);
}

void briefing_rate(buf *out, rate r, const char *empty)
{
	char pct[16];
	rate_format(r, pct);
	if (pct[0])
		buf_printf(out, "%s%%", pct);
	else
		buf_puts(out, empty);
}

/* The rounded tenths of a rate (for differences that agree with the
 * printed numbers). */
static long tenths(rate r)
{
	return lround(rate_percent(r) * 10.0);
}

void briefing_change_pp(buf *out, const char *name, rate now, rate before)
{
	if (!now.den || !before.den)
		return;
	long d = tenths(now) - tenths(before);
	if (d == 0)
		buf_printf(out, "，%s持平", name);
	else
		buf_printf(out, "，%s%s%ld.%ld个百分点", name, d > 0 ? "提高" : "下降", labs(d) / 10,
			   labs(d) % 10);
}

/* "与上期（…）相比，受理量增加12.5%，办结率提高1.2个百分点。" */
static void comparison(buf *out, const briefing *b)
{
	int64_t now = b->total.completion.den, before = b->prev.completion.den;
	buf_puts(out, "与上期（");
	briefing_period(out, b->prev_from, b->prev_to);
	buf_puts(out, "）相比，");
	if (before == 0) {
		buf_puts(out, now ? "上期未受理群众诉求。" : "两期均未受理群众诉求。");
		return;
	}
	if (now == before) {
		buf_puts(out, "受理量持平");
	} else {
		rate ch = {now > before ? now - before : before - now, before};
		buf_printf(out, "受理量%s", now > before ? "增加" : "减少");
		briefing_rate(out, ch, "");
	}
	briefing_change_pp(out, "办结率", b->total.completion, b->prev.completion);
	briefing_change_pp(out, "满意率", b->total.satisfaction, b->prev.satisfaction);
	buf_puts(out, "。");
}

/* "目前仍有K件诉求超过办理期限未办结，涉及J个责任单位。" */
static void overdue_sentence(buf *out, const briefing *b)
{
	int64_t units = 0;
	for (size_t i = 0; i < b->ndepts; i++)
		units += b->depts[i].department_id > 0 && b->depts[i].r.overdue > 0;
	if (b->total.overdue == 0) {
		buf_puts(out, "本期受理的诉求中没有超过办理期限未办结的事项。");
		return;
	}
	buf_printf(out, "本期受理的诉求中，仍有%lld件超过办理期限未办结", (long long)b->total.overdue);
	if (units)
		buf_printf(out, "，涉及%lld个责任单位", (long long)units);
	buf_puts(out, "，须加快办理。");
}

/* "响应率R、解决率R、满意率R", each with its word for nothing to measure. */
static void three_rates(buf *out, const rates *r)
{
	buf_puts(out, "响应率");
	briefing_rate(out, r->response, briefing_empty_response);
	buf_puts(out, "、解决率");
	briefing_rate(out, r->resolution, briefing_empty_resolution);
	buf_puts(out, "、满意率");
	briefing_rate(out, r->satisfaction, briefing_empty_satisfaction);
}

void briefing_lead(buf *out, const briefing *b)
{
	char to[32];
	briefing_date(b->to, b->today, to);
	if (b->total.completion.den == 0 && b->total.response.den == 0) {
		buf_printf(out, "截至%s，%s本期未受理群众诉求。", to, b->scope);
	} else {
		buf_printf(out, "截至%s，%s共受理群众诉求%lld件，已办结%lld件，办结率", to, b->scope,
			   (long long)b->total.completion.den, (long long)b->total.completion.num);
		briefing_rate(out, b->total.completion, briefing_empty_completion);
		buf_puts(out, "；按时办结率");
		briefing_rate(out, b->total.on_time, briefing_empty_on_time);
		buf_puts(out, "；");
		three_rates(out, &b->total);
		buf_puts(out, "。");
	}
	comparison(out, b);
	overdue_sentence(out, b);
}

/* s on one line (line breaks and tabs become spaces), at most max
 * characters, "……" when cut. */
static void one_line(buf *out, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0, cut = utf8_truncate(s ? s : "", n, max);
	for (size_t i = 0; i < cut; i++)
		buf_putc(out, s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i]);
	if (cut < n)
		buf_puts(out, "……");
}

void briefing_case_head(buf *out, const stats_case *c)
{
	one_line(out, c->title, 60);
	buf_puts(out, "（");
	buf_puts(out, str_empty(c->department) ? "未派单" : c->department);
	if (!str_empty(c->category))
		buf_printf(out, "，%s", c->category);
	if (!str_empty(c->area))
		buf_printf(out, "，%s", c->area);
	buf_puts(out, "）");
}

void briefing_case_result(buf *out, const stats_case *c)
{
	one_line(out, c->result, 150);
}

/* "道路设施12件、供水8件" */
static void top_list(buf *out, const stats_top *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(out, "%s%s%lld件", i ? "、" : "", v[i].name, (long long)v[i].count);
}

void briefing_distribution(buf *out, const briefing *b)
{
	if (!b->ncategories) {
		buf_puts(out, "本期暂无诉求分类数据。");
		return;
	}
	buf_puts(out, "受理量居前的问题类别：");
	top_list(out, b->categories, b->ncategories);
	buf_puts(out, "。诉求较多的片区：");
	top_list(out, b->areas, b->nareas);
	buf_puts(out, "。");
}

void briefing_workflow(buf *out, const briefing *b)
{
	const stats_flow *f = &b->flow;
	buf_printf(out, "办理流程：提交%lld件，已受理%lld件，已派单%lld件，办理中%lld件，"
			"已办结%lld件，已销号%lld件；其中退单%lld件、延期%lld件、重办%lld件、"
			"不予受理%lld件。",
		   (long long)f->handed_in, (long long)f->accepted, (long long)f->assigned,
		   (long long)f->working, (long long)f->resolved, (long long)f->closed,
		   (long long)f->returned, (long long)f->extended, (long long)f->reopened,
		   (long long)f->rejected);
}

size_t briefing_overdue_order(const briefing *b, size_t **idx)
{
	size_t n = 0;
	*idx = xcalloc(b->ndepts ? b->ndepts : 1, sizeof **idx);
	for (size_t i = 0; i < b->ndepts; i++)
		if (b->depts[i].r.overdue > 0)
			(*idx)[n++] = i;
	/* insertion sort: stable, so equal counts keep catalogue order */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && b->depts[(*idx)[k - 1]].r.overdue <
						   b->depts[(*idx)[k]].r.overdue;
		     k--) {
			size_t t = (*idx)[k];
			(*idx)[k] = (*idx)[k - 1];
			(*idx)[k - 1] = t;
		}
	return n;
}

/* One department line: "城市管理局：受理12件，办结10件，办结率83.3%；……". */
static void dept_line(buf *out, const briefing_dept *x)
{
	buf_printf(out, "  %s：受理%lld件，办结%lld件，办结率", x->name,
		   (long long)x->r.completion.den, (long long)x->r.completion.num);
	briefing_rate(out, x->r.completion, briefing_empty_completion);
	buf_puts(out, "；");
	three_rates(out, &x->r);
	buf_printf(out, "；超期%lld件。\n", (long long)x->r.overdue);
}

static void text_overdue(buf *out, const briefing *b)
{
	size_t *idx, n = briefing_overdue_order(b, &idx);
	buf_puts(out, "一、超期未办结情况\n");
	if (!n)
		buf_puts(out, "  本期没有超期未办结的诉求。\n");
	for (size_t i = 0; i < n; i++) {
		const briefing_dept *x = &b->depts[idx[i]];
		buf_printf(out, "  %s：超期%lld件（受理%lld件，办结%lld件，办结率", x->name,
			   (long long)x->r.overdue, (long long)x->r.completion.den,
			   (long long)x->r.completion.num);
		briefing_rate(out, x->r.completion, briefing_empty_completion);
		buf_puts(out, "）\n");
	}
	free(idx);
}

static void text_cases(buf *out, const briefing *b)
{
	buf_puts(out, "\n三、典型案例\n");
	if (!b->ncases)
		buf_puts(out, "  本期暂无已办结并获群众好评的公开事项。\n");
	for (size_t i = 0; i < b->ncases; i++) {
		buf_printf(out, "  %zu. ", i + 1);
		briefing_case_head(out, &b->cases[i]);
		buf_puts(out, "\n     办理结果：");
		briefing_case_result(out, &b->cases[i]);
		buf_printf(out, "\n     群众评价：%s\n", rating_label(b->cases[i].rating));
	}
}

/* The trend as lines "  11月2日起：受理5件，办结3件". */
static void text_trend(buf *out, const briefing *b)
{
	buf_puts(out, "  每周受理与办结：\n");
	for (size_t i = 0; i < b->ntrend; i++) {
		char d[32];
		briefing_date(b->trend[i].start, b->to, d);
		buf_printf(out, "    %s起%d天：受理%lld件，办结%lld件\n", d, b->trend[i].days,
			   (long long)b->trend[i].handed_in, (long long)b->trend[i].resolved);
	}
}

void briefing_text(buf *out, const briefing *b)
{
	briefing_title(out, b);
	buf_puts(out, "\n（");
	briefing_period(out, b->from, b->to);
	buf_puts(out, "）\n\n");
	briefing_lead(out, b);
	buf_puts(out, "\n\n");
	text_overdue(out, b);
	buf_puts(out, "\n二、各责任单位办理情况\n");
	if (!b->ndepts)
		buf_puts(out, "  本期暂无数据。\n");
	for (size_t i = 0; i < b->ndepts; i++)
		dept_line(out, &b->depts[i]);
	text_cases(out, b);
	buf_puts(out, "\n四、问题分布与办理流程\n  ");
	briefing_distribution(out, b);
	buf_puts(out, "\n  ");
	briefing_workflow(out, b);
	buf_puts(out, "\n");
	text_trend(out, b);
	buf_puts(out, "\n注：响应率、解决率、满意率、按时办结率和办结率的口径见 docs/rates.md；"
		      "统计对象为本期提交的诉求（合并的重复件除外），状态截至");
	char t[32];
	briefing_date(b->today, b->to, t);
	buf_printf(out, "%s。\n", t);
}
