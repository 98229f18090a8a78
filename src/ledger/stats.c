/*
 * stats.c — the wall chart's and the briefing's figures besides the rates
 * (stats.h): trend, top categories and areas, workflow, typical cases.
 *
 * Each query is one statement with the filter's values bound; the rows are
 * bucketed or copied here. The filter fragment FILTER is a literal shared
 * by the statements (never data), bound by FILTER_ARGS.
 */
#include "ledger/stats.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILTER                                                                                  \
	" AND m.status <> 'merged' AND (? = 0 OR m.department_id = ?)"                          \
	" AND (? = 0 OR m.category_id = ?) AND (? = 0 OR m.area_id = ?)"
#define FILTER_ARGS(f)                                                                          \
	(f)->department_id, (f)->department_id, (f)->category_id, (f)->category_id, (f)->area_id, \
		(f)->area_id

/* The instants bounding f's period: [*from, *to). false for bad dates. */
static bool period(const rates_filter *f, int64_t *from, int64_t *to)
{
	if ((f->from && !calendar_date_valid(f->from)) || (f->to && !calendar_date_valid(f->to)))
		return false;
	*from = f->from ? calendar_day_start(f->from) : 0;
	*to = f->to ? calendar_day_start(f->to) + 86400 : INT64_MAX;
	return true;
}

/* Add each instant of q's first column to its bucket's handed_in
 * (resolved when `resolved`). Returns the final db_step result. */
static int bucket_rows(db_stmt *q, int64_t start, int64_t span, stats_bucket *v, size_t n,
		       bool resolved)
{
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		int64_t i = (db_int(q, 0) - start) / span;
		if (i >= 0 && (size_t)i < n) {
			if (resolved)
				v[i].resolved++;
			else
				v[i].handed_in++;
		}
	}
	db_done(q);
	return r;
}

int stats_trend(db *d, const rates_filter *f, stats_bucket **out, size_t *n)
{
	int64_t from, to;
	*out = NULL;
	*n = 0;
	if (!f->from || !f->to || !period(f, &from, &to) || to <= from)
		return LEDGER_INVALID;
	int64_t days = (to - from) / 86400, per = 7;
	if ((days + per - 1) / per > STATS_MAX_BUCKETS)
		per = (days + STATS_MAX_BUCKETS - 1) / STATS_MAX_BUCKETS;
	size_t nb = (size_t)((days + per - 1) / per);
	stats_bucket *v = xcalloc(nb, sizeof *v);
	for (size_t i = 0; i < nb; i++) {
		ledger_today(from + (int64_t)i * per * 86400, v[i].start);
		v[i].days = (int)(i + 1 < nb ? per : days - (int64_t)i * per);
	}
	db_stmt *q = db_query(d, "SELECT m.created_at FROM matters m WHERE m.created_at >= ?"
				 " AND m.created_at < ?" FILTER,
			      "ii" "iiiiii", from, to, FILTER_ARGS(f));
	int r = bucket_rows(q, from, per * 86400, v, nb, false);
	if (r == DB_DONE) {
		q = db_query(d, "SELECT m.resolved_at FROM matters m WHERE m.created_at >= ?"
				" AND m.created_at < ? AND m.status IN ('resolved', 'closed')" FILTER,
			     "ii" "iiiiii", from, to, FILTER_ARGS(f));
		r = bucket_rows(q, from, per * 86400, v, nb, true);
	}
	if (r != DB_DONE) {
		free(v);
		return LEDGER_ERROR;
	}
	*out = v;
	*n = nb;
	return LEDGER_OK;
}

int stats_top_list(db *d, const rates_filter *f, bool by_area, int limit, stats_top **out,
		   size_t *n)
{
	int64_t from, to;
	*out = NULL;
	*n = 0;
	if (!period(f, &from, &to))
		return LEDGER_INVALID;
	/* Two literal statements rather than a column name from a variable. */
	db_stmt *q = by_area
		? db_query(d, "SELECT COALESCE(m.area_id, 0), a.name, count(*) FROM matters m"
			      " LEFT JOIN areas a ON a.id = m.area_id WHERE m.created_at >= ?"
			      " AND m.created_at < ?" FILTER
			      " GROUP BY COALESCE(m.area_id, 0), a.name ORDER BY 3 DESC, 1 LIMIT ?",
			   "ii" "iiiiii" "i", from, to, FILTER_ARGS(f), (int64_t)limit)
		: db_query(d, "SELECT COALESCE(m.category_id, 0), c.name, count(*) FROM matters m"
			      " LEFT JOIN categories c ON c.id = m.category_id WHERE m.created_at >= ?"
			      " AND m.created_at < ?" FILTER
			      " GROUP BY COALESCE(m.category_id, 0), c.name ORDER BY 3 DESC, 1 LIMIT ?",
			   "ii" "iiiiii" "i", from, to, FILTER_ARGS(f), (int64_t)limit);
	stats_top *v = xcalloc((size_t)(limit > 0 ? limit : 1), sizeof *v);
	size_t k = 0;
	int r;
	while ((r = db_step(q)) == DB_ROW && k < (size_t)limit) {
		v[k].id = db_int(q, 0);
		v[k].name = xstrdup(db_text(q, 1) ? db_text(q, 1) : (by_area ? "未填片区" : "未分类"));
		v[k++].count = db_int(q, 2);
	}
	db_done(q);
	if (r != DB_DONE && r != DB_ROW) {
		stats_top_free(v, k);
		return LEDGER_ERROR;
	}
	*out = v;
	*n = k;
	return LEDGER_OK;
}

void stats_top_free(stats_top *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

int stats_workflow(db *d, const rates_filter *f, stats_flow *out)
{
	int64_t from, to;
	memset(out, 0, sizeof *out);
	if (!period(f, &from, &to))
		return LEDGER_INVALID;
	/* One pass over the period's matters joined to their events of the
	 * actions that matter here (measured: a third of the time of one
	 * EXISTS probe per action and matter). */
	db_stmt *q = db_query(
		d,
		"SELECT m.status,"
		" max(CASE WHEN e.action = 'assign' THEN 1 ELSE 0 END),"
		" max(CASE WHEN e.action = 'progress' THEN 1 ELSE 0 END),"
		" max(CASE WHEN e.action = 'return' THEN 1 ELSE 0 END),"
		" max(CASE WHEN e.action = 'extend' THEN 1 ELSE 0 END),"
		" max(CASE WHEN e.action = 'reopen' OR (e.action IN ('rate', 'callback')"
		"  AND e.to_status = 'reopened') THEN 1 ELSE 0 END),"
		" m.department_id"
		" FROM matters m LEFT JOIN events e ON e.matter_id = m.id"
		" AND e.action IN ('assign', 'progress', 'return', 'extend', 'reopen', 'rate',"
		"  'callback')"
		" WHERE m.created_at >= ? AND m.created_at < ?" FILTER
		" GROUP BY m.id, m.status, m.department_id",
		"ii" "iiiiii", from, to, FILTER_ARGS(f));
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		int st = status_from_name(db_text(q, 0));
		bool done = (st == ST_RESOLVED || st == ST_CLOSED);
		bool assigned = db_int(q, 1) || (db_int(q, 6) && st != ST_SUBMITTED);
		out->handed_in++;
		out->accepted += st != ST_SUBMITTED && st != ST_REJECTED;
		out->assigned += assigned;
		out->working += db_int(q, 2) || done;
		out->resolved += done;
		out->closed += st == ST_CLOSED;
		out->rejected += st == ST_REJECTED;
		out->returned += db_int(q, 3) || st == ST_RETURNED;
		out->extended += db_int(q, 4) != 0;
		out->reopened += db_int(q, 5) || st == ST_REOPENED;
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

int stats_cases(db *d, const rates_filter *f, int limit, stats_case **out, size_t *n)
{
	int64_t from, to;
	*out = NULL;
	*n = 0;
	if (!period(f, &from, &to))
		return LEDGER_INVALID;
	/* Why only these columns: a case is printed for the public record;
	 * the submitter's name and phone are never selected. */
	db_stmt *q = db_query(
		d,
		"SELECT m.number, m.title, c.name, a.name, dp.name, m.result, m.rating, m.resolved_at"
		" FROM matters m LEFT JOIN categories c ON c.id = m.category_id"
		" LEFT JOIN areas a ON a.id = m.area_id LEFT JOIN departments dp ON dp.id = m.department_id"
		" WHERE m.public = 1 AND m.status IN ('resolved', 'closed')"
		" AND m.rating IN ('satisfied', 'basic') AND m.result <> ''"
		" AND m.created_at >= ? AND m.created_at < ?" FILTER
		" ORDER BY CASE WHEN m.rating = 'satisfied' THEN 0 ELSE 1 END, m.resolved_at DESC,"
		" m.id DESC LIMIT ?",
		"ii" "iiiiii" "i", from, to, FILTER_ARGS(f), (int64_t)limit);
	stats_case *v = xcalloc((size_t)(limit > 0 ? limit : 1), sizeof *v);
	size_t k = 0;
	int r;
	while ((r = db_step(q)) == DB_ROW && k < (size_t)limit) {
		stats_case *c = &v[k++];
		c->number = db_text_dup(q, 0);
		c->title = db_text_dup(q, 1);
		c->category = db_text_dup(q, 2);
		c->area = db_text_dup(q, 3);
		c->department = db_text_dup(q, 4);
		c->result = db_text_dup(q, 5);
		c->rating = db_text_dup(q, 6);
		c->resolved_at = db_int(q, 7);
	}
	db_done(q);
	if (r != DB_DONE && r != DB_ROW) {
		stats_cases_free(v, k);
		return LEDGER_ERROR;
	}
	*out = v;
	*n = k;
	return LEDGER_OK;
}

void stats_cases_free(stats_case *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].number);
		free(v[i].title);
		free(v[i].category);
		free(v[i].area);
		free(v[i].department);
		free(v[i].result);
		free(v[i].rating);
	}
	free(v);
}
