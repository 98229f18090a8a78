/*
 * rates.c — the three rates and the on-time rate (formulas in rates.h).
 *
 * One pass over the matters handed in within the period: the rules need
 * civil dates of instants (was the first response on or before its
 * respond_by day in Beijing time?), which are worked out here rather than
 * in SQL so the same code serves every database backend.
 */
#include "ledger/rates.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "base/util.h"

#include <string.h>

double rate_percent(rate r)
{
	return r.den ? 100.0 * (double)r.num / (double)r.den : -1;
}

/* The civil date of instant t, or "" for none (0). */
static void date_of(int64_t t, char out[11])
{
	if (t)
		ledger_today(t, out);
	else
		out[0] = '\0';
}

/* Count one matter's row into out (columns as selected in rates_compute). */
static void count_row(db_stmt *q, const char *today, rates *out)
{
	int st = status_from_name(db_text(q, 0));
	const char *respond_by = db_text(q, 1), *deadline = db_text(q, 2), *rating = db_text(q, 3);
	char responded[11], resolved[11];
	date_of(db_int(q, 4), responded);
	date_of(db_int(q, 5), resolved);
	bool is_resolved = (st == ST_RESOLVED || st == ST_CLOSED) && resolved[0];
	bool pleased = rating && (strcmp(rating, "satisfied") == 0 || strcmp(rating, "basic") == 0);

	out->response.den++;
	if (responded[0] && (!respond_by || strcmp(responded, respond_by) <= 0))
		out->response.num++;

	bool handled = st != ST_SUBMITTED && st != ST_REJECTED;
	if (handled && (is_resolved || (deadline && strcmp(deadline, today) < 0))) {
		out->resolution.den++;
		if (st == ST_CLOSED || (st == ST_RESOLVED && pleased))
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
}

int rates_compute(db *d, const rates_filter *f, const char *today, rates *out)
{
	memset(out, 0, sizeof *out);
	if ((f->from && !calendar_date_valid(f->from)) || (f->to && !calendar_date_valid(f->to)))
		return LEDGER_INVALID;
	int64_t from = f->from ? calendar_day_start(f->from) : 0;
	int64_t to = f->to ? calendar_day_start(f->to) + 86400 : INT64_MAX;
	db_stmt *q = db_query(d,
			      "SELECT status, respond_by, deadline, rating, responded_at, resolved_at"
			      " FROM matters WHERE status <> 'merged' AND created_at >= ?"
			      " AND created_at < ? AND (? = 0 OR department_id = ?)"
			      " AND (? = 0 OR category_id = ?) AND (? = 0 OR area_id = ?)",
			      "iiiiiiii", from, to, f->department_id, f->department_id,
			      f->category_id, f->category_id, f->area_id, f->area_id);
	int r;
	while ((r = db_step(q)) == DB_ROW)
		count_row(q, today, out);
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}
