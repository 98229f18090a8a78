/*
 * briefing_chart.c — the briefing's and the wall chart's charts: the
 * gathered figures (briefing.h) turned into svg.c's inputs.
 */
#include "report/briefing.h"
#include "report/svg.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>

#define NSTACK 5

/* One department's counts in the stacked chart's series order:
 * 待受理, 在办, 已办结, 已销号, 不予受理. */
static void stack_values(const briefing_dept *x, int64_t *v)
{
	const int64_t *s = x->by_status;
	v[0] = s[ST_SUBMITTED] + s[ST_RETURNED];
	v[1] = s[ST_ACCEPTED] + s[ST_ASSIGNED] + s[ST_IN_PROGRESS] + s[ST_REOPENED];
	v[2] = s[ST_RESOLVED];
	v[3] = s[ST_CLOSED];
	v[4] = s[ST_REJECTED];
}

void briefing_chart_departments(buf *out, const briefing *b, const char *idp)
{
	static const char *const series[NSTACK] = {"待受理", "在办", "已办结", "已销号", "不予受理"};
	const char **rows = xcalloc(b->ndepts + 1, sizeof *rows);
	int64_t *v = xcalloc((b->ndepts + 1) * NSTACK, sizeof *v);
	char *id = str_printf("%s-dept", idp);
	for (size_t i = 0; i < b->ndepts; i++) {
		rows[i] = b->depts[i].name;
		stack_values(&b->depts[i], v + i * NSTACK);
	}
	svg_stacked(out, id, "各责任单位事项状态",
		    "本期受理事项按责任单位和当前状态统计，每段标有件数，条末为合计。", rows,
		    b->ndepts, series, NSTACK, v);
	free(id);
	free(rows);
	free(v);
}

void briefing_chart_trend(buf *out, const briefing *b, const char *idp)
{
	static const char *const series[] = {"受理", "办结"};
	char (*labels)[32] = xcalloc(b->ntrend + 1, sizeof *labels);
	const char **x = xcalloc(b->ntrend + 1, sizeof *x);
	int64_t *v = xcalloc(2 * (b->ntrend + 1), sizeof *v);
	char *id = str_printf("%s-trend", idp);
	for (size_t i = 0; i < b->ntrend; i++) {
		briefing_date(b->trend[i].start, b->to, labels[i]);
		x[i] = labels[i];
		v[i] = b->trend[i].handed_in;
		v[b->ntrend + i] = b->trend[i].resolved;
	}
	svg_lines(out, id, "受理与办结趋势",
		  b->ntrend && b->trend[0].days == 7
			  ? "本期每周受理和办结的件数，横轴为每周的第一天，每个点标有件数。"
			  : "本期各时段受理和办结的件数，横轴为时段的第一天，每个点标有件数。",
		  x, b->ntrend, series, 2, v);
	free(id);
	free(labels);
	free(x);
	free(v);
}

/* Bars of a top list. */
static void top_bars(buf *out, const stats_top *t, size_t n, const char *id, const char *title,
		     const char *desc)
{
	svg_item *v = xcalloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		v[i].label = t[i].name;
		v[i].value = t[i].count;
	}
	svg_bars(out, id, title, desc, v, n, true);
	free(v);
}

void briefing_chart_categories(buf *out, const briefing *b, const char *idp)
{
	char *id = str_printf("%s-cat", idp);
	top_bars(out, b->categories, b->ncategories, id, "受理量居前的问题类别",
		 "本期受理量最多的五个问题类别及件数。");
	free(id);
}

void briefing_chart_areas(buf *out, const briefing *b, const char *idp)
{
	char *id = str_printf("%s-area", idp);
	top_bars(out, b->areas, b->nareas, id, "诉求较多的片区", "本期诉求最多的五个片区及件数。");
	free(id);
}

void briefing_chart_flow(buf *out, const briefing *b, const char *idp)
{
	const stats_flow *f = &b->flow;
	svg_item stages[] = {{"待受理", f->handed_in}, {"已受理", f->accepted},
			     {"已派单", f->assigned},  {"办理中", f->working},
			     {"已办结", f->resolved},  {"已销号", f->closed}};
	svg_item side[] = {{"退单", f->returned},
			   {"延期", f->extended},
			   {"重办", f->reopened},
			   {"不予受理", f->rejected}};
	char *id = str_printf("%s-flow", idp);
	svg_flow(out, id, "办理流程",
		 "本期受理事项经过各环节的件数（一件事项计入它经过的每个环节）及占提交总数的比例；"
		 "下方为退单、延期、重办和不予受理的件数。",
		 stages, sizeof stages / sizeof stages[0], side, sizeof side / sizeof side[0]);
	free(id);
}
