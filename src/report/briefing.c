/*
 * briefing.c — gathering a briefing's figures (briefing_load) and the
 * small date helpers every writer uses. The writers are in
 * briefing_text.c, briefing_html.c and briefing_pdf.c.
 *
 * The previous period is the one of the same number of days ending the
 * day before `from`. All figures are for the matters handed in within a
 * period, as the ledger stands on `today` (see docs/rates.md).
 */
#include "report/briefing.h"
#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* date + days (may be negative) into out. */
static void date_add(const char *date, int64_t days, char out[11])
{
	ledger_today(calendar_day_start(date) + days * 86400 + 43200, out);
}

/* Days from a to b (b - a). */
static int64_t days_between(const char *a, const char *b)
{
	return (calendar_day_start(b) - calendar_day_start(a)) / 86400;
}

const char *briefing_check_period(const char *from, const char *to)
{
	if (!from || !to || !calendar_date_valid(from) || !calendar_date_valid(to))
		return "日期格式应为 年-月-日，例如 2026-11-23";
	if (strcmp(from, to) > 0)
		return "开始日期不能晚于结束日期";
	if (days_between(from, to) + 1 > BRIEFING_MAX_DAYS)
		return "时间段太长，请选择十年以内的时间段";
	return NULL;
}

void briefing_date(const char *date, const char *year_of, char out[32])
{
	int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
	if (year_of && strncmp(date, year_of, 4) != 0)
		snprintf(out, 32, "%d年%d月%d日", y, m, d);
	else
		snprintf(out, 32, "%d月%d日", m, d);
}

/* The subject of the sentences: the department, the area, or the scope. */
static int scope_of(db *d, const briefing_opts *o, briefing *out, const char **msg)
{
	department dep;
	area ar;
	char *dname = NULL, *aname = NULL;
	int r = LEDGER_OK;
	if (o->department_id) {
		r = department_get(d, o->department_id, NULL, &dep);
		if (r == LEDGER_OK)
			dname = xstrdup(dep.name);
		department_clear(&dep);
	}
	if (r == LEDGER_OK && o->area_id) {
		r = area_get(d, o->area_id, NULL, &ar);
		if (r == LEDGER_OK)
			aname = xstrdup(ar.name);
		area_clear(&ar);
	}
	if (r == LEDGER_NOT_FOUND) {
		*msg = o->department_id && !dname ? "没有这个责任单位" : "没有这个片区";
		r = LEDGER_INVALID;
	} else if (r == LEDGER_OK) {
		out->scope = dname && aname ? str_printf("%s%s", aname, dname)
			   : dname	   ? xstrdup(dname)
			   : aname	   ? xstrdup(aname)
					   : xstrdup(o->scope ? o->scope : "全区");
	}
	free(dname);
	free(aname);
	return r;
}

/* The department rows in catalogue order, the unassigned row last, and
 * their sum as the total (one pass over the period, not two). */
static int load_departments(db *d, const rates_filter *f, const char *today, briefing *out)
{
	rates_group *g = NULL;
	department *deps = NULL;
	size_t ng = 0, nd = 0;
	int r = rates_by_department(d, f, today, &g, &ng);
	if (r == LEDGER_OK)
		r = department_list(d, false, &deps, &nd);
	if (r != LEDGER_OK)
		goto done;
	out->depts = xcalloc(ng + 1, sizeof *out->depts);
	for (size_t k = 0; k < ng; k++)
		rates_add(&out->total, &g[k].r);
	for (size_t i = 0; i <= nd; i++) {
		int64_t id = i < nd ? deps[i].id : 0;
		for (size_t k = 0; k < ng; k++) {
			if (g[k].department_id != id)
				continue;
			briefing_dept *x = &out->depts[out->ndepts++];
			x->department_id = id;
			x->name = xstrdup(i < nd ? deps[i].name : "尚未派单");
			x->r = g[k].r;
			memcpy(x->by_status, g[k].by_status, sizeof x->by_status);
		}
	}
done:
	free(g);
	department_list_free(deps, nd);
	return r;
}

/* The figures besides the rates: trend, tops, workflow, cases. */
static int load_stats(db *d, const rates_filter *f, int ncases, briefing *out)
{
	int r = stats_trend(d, f, &out->trend, &out->ntrend);
	if (r == LEDGER_OK)
		r = stats_top_list(d, f, false, 5, &out->categories, &out->ncategories);
	if (r == LEDGER_OK)
		r = stats_top_list(d, f, true, 5, &out->areas, &out->nareas);
	if (r == LEDGER_OK)
		r = stats_workflow(d, f, &out->flow);
	if (r == LEDGER_OK && ncases > 0)
		r = stats_cases(d, f, ncases, &out->cases, &out->ncases);
	return r;
}

int briefing_load(db *d, const briefing_opts *o, const char *today, briefing *out,
		  const char **msg)
{
	memset(out, 0, sizeof *out);
	*msg = briefing_check_period(o->from, o->to);
	if (*msg)
		return LEDGER_INVALID;
	snprintf(out->from, sizeof out->from, "%s", o->from);
	snprintf(out->to, sizeof out->to, "%s", o->to);
	snprintf(out->today, sizeof out->today, "%s", today);
	date_add(o->from, -1, out->prev_to);
	date_add(o->from, -(days_between(o->from, o->to) + 1), out->prev_from);
	out->office = xstrdup(o->office ? o->office : "");
	int r = scope_of(d, o, out, msg);
	if (r != LEDGER_OK)
		return r;
	rates_filter f = {out->from, out->to, o->department_id, 0, o->area_id};
	rates_filter p = {out->prev_from, out->prev_to, o->department_id, 0, o->area_id};
	if (!o->figures_only)
		r = rates_compute(d, &p, today, &out->prev);
	if (r == LEDGER_OK)
		r = load_departments(d, &f, today, out);
	if (r == LEDGER_OK)
		r = load_stats(d, &f, o->figures_only ? 0 : o->cases > 0 ? o->cases : 3, out);
	return r;
}

void briefing_free(briefing *b)
{
	free(b->office);
	free(b->scope);
	for (size_t i = 0; i < b->ndepts; i++)
		free(b->depts[i].name);
	free(b->depts);
	free(b->trend);
	stats_top_free(b->categories, b->ncategories);
	stats_top_free(b->areas, b->nareas);
	stats_cases_free(b->cases, b->ncases);
	memset(b, 0, sizeof *b);
}
