/*
 * rates.h — the three rates (三率) and the on-time rate, each with its
 * numerator and denominator, over the matters handed in within a period.
 *
 * Merged matters (duplicates of another) are left out of every count.
 *
 *   response (响应率)      responded (accepted, rejected or assigned) by the
 *                          response limit (respond_by, in working days)
 *                          / handed in
 *   resolution (解决率)    resolved and confirmed (closed after verification,
 *                          or resolved and rated satisfied / basically
 *                          satisfied; closed by the system for want of a
 *                          rating is not confirmed) / due (accepted for
 *                          handling and either past its deadline or
 *                          already resolved)
 *   satisfaction (满意率)  satisfied + basically satisfied / rated (by the
 *                          resident or on a 回访; unrated matters, closed by
 *                          the system or not, are not in it)
 *   on_time (按时办结率)   resolved on or before the deadline / resolved
 *   completion (办结率)    resolved or closed / received (受理: handed in and
 *                          not rejected)
 *
 * A rate with denominator 0 has no value (the API writes null). Worked
 * example, and why each matter is left in or out: docs/rates.md.
 */
#ifndef TZ_LEDGER_RATES_H
#define TZ_LEDGER_RATES_H

#include <stdint.h>

#include "ledger/matter.h"
#include "store/db.h"

typedef struct rate {
	int64_t num, den;
} rate;

typedef struct rates {
	rate response, resolution, satisfaction, on_time, completion;
	int64_t overdue; /* open and past the deadline, as of today */
} rates;

typedef struct rates_filter {
	const char *from, *to;  /* handed in between these dates, inclusive; NULL: open */
	int64_t department_id;  /* lead department; 0: all */
	int64_t category_id;    /* 0: all */
	int64_t area_id;        /* 0: all */
} rates_filter;

/* Compute the rates for f as of today (YYYY-MM-DD). LEDGER_OK,
 * LEDGER_INVALID for a date that is not YYYY-MM-DD, or LEDGER_ERROR. */
int rates_compute(db *d, const rates_filter *f, const char *today, rates *out);

/* The rates of each lead department in one pass (rather than one
 * rates_compute per department), with the matters counted by current
 * status. */
typedef struct rates_group {
	int64_t department_id; /* 0: no lead department yet */
	rates r;
	int64_t by_status[ST_COUNT];
} rates_group;

/* Compute the rates of f grouped by lead department, ordered by department
 * id (0 first); *out is malloc'ed (caller frees it, even when *n is 0).
 * Departments without matters in the period have no row. Results as
 * rates_compute. */
int rates_by_department(db *d, const rates_filter *f, const char *today, rates_group **out,
			size_t *n);

/* Add r's numerators, denominators and counts to *into (the total of
 * rates_by_department's groups is rates_compute's answer). */
void rates_add(rates *into, const rates *r);

/* num / den as a percentage, or -1 when den is 0. */
double rate_percent(rate r);

/* The percentage with one decimal as the briefing and the charts print it
 * ("96.2"; rounded on the tenths as the staff API rounds), or "" when den
 * is 0 (no value: the caller says 暂无评价 or the like). */
void rate_format(rate r, char out[16]);

#endif
