/*
 * rates.c — the three rates, the on-time rate and the completion rate
 * (formulas in rates.h, the reasoning and a worked example in docs/rates.md).
 *
 * One pass over the matters handed in within the period: the rules need
 * civil dates of instants (was the first response on or before its
 * respond_by day in Beijing time?), which are worked out here rather than
 * in SQL so the same code serves every database backend. rates_compute
 * adds every row into one total; rates_by_department adds each row into
 * its lead department's group in the same single pass.
 *
 * The rating of a matter is the one of its latest 评价 event (the
 * resident's own, or a 回访 that reached them: 'rate' or 'callback'; a
 * call that reached nobody is a 'callback_missed' event and rates
 * nothing), unless a leader's 重办 came after it (that withdraws the rating with the
 * resolution it rated, as it clears matters.rating): a dissatisfied rating
 * sends the matter back to work and is kept only in its event
 * (matters.rating holds satisfied or basic only), so reading the column
 * alone would leave every dissatisfied resident out of the satisfaction
 * rate. A matter without a rating event (loaded from elsewhere) falls back
 * to the column. The event is looked up only where
 * it can differ from the column: a rating in the column is always the
 * latest (only a rating sets it; a later dissatisfied rating or 重办
 * clears it), and a matter never resolved was never rated. Why: the
 * lookup is an index probe into the largest table, and skipping it where
 * it cannot matter makes a month of 30,000 matters several times faster.
 */
#include "ledger/rates.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "base/util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns count_row reads, then the lead department; the filter's
 * binds follow. */
static const char rates_sql[] =
	"SELECT m.status, m.respond_by, m.deadline, m.rating, m.responded_at, m.resolved_at,"
	" CASE WHEN m.rating IS NULL AND m.resolved_at IS NOT NULL THEN"
	"  (SELECT CASE WHEN e.action IN ('rate', 'callback') THEN e.data ELSE '{}' END"
	"  FROM events e WHERE e.matter_id = m.id AND e.action IN ('rate', 'callback', 'reopen')"
	"  ORDER BY e.id DESC LIMIT 1) END,"
	" COALESCE(m.department_id, 0), m.auto_closed"
	" FROM matters m WHERE m.status <> 'merged' AND m.created_at >= ?"
	" AND m.created_at < ? AND (? = 0 OR m.department_id = ?)"
	" AND (? = 0 OR m.category_id = ?) AND (? = 0 OR m.area_id = ?)";

double rate_percent(rate r)
{
	return r.den ? 100.0 * (double)r.num / (double)r.den : -1;
}

void rates_add(rates *into, const rates *r)
{
	rate *a[] = {&into->response, &into->resolution, &into->satisfaction, &into->on_time,
		     &into->completion};
	const rate *b[] = {&r->response, &r->resolution, &r->satisfaction, &r->on_time,
			   &r->completion};
	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
		a[i]->num += b[i]->num;
		a[i]->den += b[i]->den;
	}
	into->overdue += r->overdue;
}

void rate_format(rate r, char out[16])
{
	if (!r.den) {
		out[0] = '\0';
		return;
	}
	snprintf(out, 16, "%.1f", round(rate_percent(r) * 10.0) / 10.0);
}

/* The civil date of instant t, or "" for none (0). */
static void date_of(int64_t t, char out[11])
{
	if (t)
		ledger_today(t, out);
	else
		out[0] = '\0';
}

/* The matter's rating: "satisfied", "basic", "dissatisfied" or NULL.
 * From the latest rate event's data when there is one (and no 重办 after
 * it: then the data is "{}"), else the column.
 * Writes into out (at least 16 bytes). */
static const char *rating_of(const char *event_data, const char *column, char out[16])
{
	if (!event_data)
		return column;
	json_t *j = json_loads(event_data, 0, NULL);
	const char *r = j ? json_string_value(json_object_get(j, "rating")) : NULL;
	const char *res = NULL;
	if (r && rating_valid(r)) {
		snprintf(out, 16, "%s", r);
		res = out;
	}
	json_decref(j);
	return res ? res : column;
}

/* Count one matter's row into out (columns as in rates_sql). */
static void count_row(db_stmt *q, const char *today, rates *out)
{
	int st = status_from_name(db_text(q, 0));
	const char *respond_by = db_text(q, 1), *deadline = db_text(q, 2);
	char responded[11], resolved[11], rbuf[16];
	const char *rating = rating_of(db_text(q, 6), db_text(q, 3), rbuf);
	date_of(db_int(q, 4), responded);
	date_of(db_int(q, 5), resolved);
	bool is_resolved = (st == ST_RESOLVED || st == ST_CLOSED) && resolved[0];
	bool pleased = rating && (strcmp(rating, "satisfied") == 0 || strcmp(rating, "basic") == 0);

	out->response.den++;
	if (responded[0] && (!respond_by || strcmp(responded, respond_by) <= 0))
		out->response.num++;

	/* Solved: closed after a person verified it, or rated pleased. A
	 * matter the system closed because nobody rated it (auto_closed,
	 * callback.c) is resolved but not confirmed. */
	bool verified = st == ST_CLOSED && db_int(q, 8) == 0;
	bool handled = st != ST_SUBMITTED && st != ST_REJECTED;
	if (handled && (is_resolved || (deadline && strcmp(deadline, today) < 0))) {
		out->resolution.den++;
		if (verified || (is_resolved && pleased))
			out->resolution.num++;
	}

	if (rating) {
		out->satisfaction.den++;
		out->satisfaction.num += pleased;
	}

	if (is_resolved && deadline) {
		out->on_time.den++;
		out->on_time.num += strcmp(resolved, deadline) <= 0;
	}

	if (st != ST_REJECTED) {
		out->completion.den++;
		out->completion.num += st == ST_RESOLVED || st == ST_CLOSED;
	}
	if (st >= 0 && status_is_open(st) && deadline && strcmp(deadline, today) < 0)
		out->overdue++;
}

/* Run rates_sql for f; NULL (and *rc set) when f is invalid. */
static db_stmt *rates_query(db *d, const rates_filter *f, int *rc)
{
	*rc = LEDGER_OK;
	if ((f->from && !calendar_date_valid(f->from)) || (f->to && !calendar_date_valid(f->to))) {
		*rc = LEDGER_INVALID;
		return NULL;
	}
	int64_t from = f->from ? calendar_day_start(f->from) : 0;
	int64_t to = f->to ? calendar_day_start(f->to) + 86400 : INT64_MAX;
	return db_query(d, rates_sql, "iiiiiiii", from, to, f->department_id, f->department_id,
			f->category_id, f->category_id, f->area_id, f->area_id);
}

int rates_compute(db *d, const rates_filter *f, const char *today, rates *out)
{
	int r;
	memset(out, 0, sizeof *out);
	db_stmt *q = rates_query(d, f, &r);
	if (!q)
		return r == LEDGER_OK ? LEDGER_ERROR : r;
	while ((r = db_step(q)) == DB_ROW)
		count_row(q, today, out);
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* The group of department dep in *v (a linear search: an office has tens
 * of departments), added when new. */
static rates_group *group_of(rates_group **v, size_t *n, size_t *cap, int64_t dep)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].department_id == dep)
			return &(*v)[i];
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	memset(&(*v)[*n], 0, sizeof **v);
	(*v)[*n].department_id = dep;
	return &(*v)[(*n)++];
}

static int group_cmp(const void *a, const void *b)
{
	int64_t x = ((const rates_group *)a)->department_id, y = ((const rates_group *)b)->department_id;
	return (x > y) - (x < y);
}

int rates_by_department(db *d, const rates_filter *f, const char *today, rates_group **out,
			size_t *n)
{
	size_t cap = 0;
	int r;
	*out = NULL;
	*n = 0;
	db_stmt *q = rates_query(d, f, &r);
	if (!q)
		return r == LEDGER_OK ? LEDGER_ERROR : r;
	while ((r = db_step(q)) == DB_ROW) {
		rates_group *g = group_of(out, n, &cap, db_int(q, 7));
		count_row(q, today, &g->r);
		int st = status_from_name(db_text(q, 0));
		if (st >= 0)
			g->by_status[st]++;
	}
	db_done(q);
	if (*n > 1)
		qsort(*out, *n, sizeof **out, group_cmp);
	if (r != DB_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return LEDGER_ERROR;
	}
	return LEDGER_OK;
}
