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
 *                          satisfied) / due (accepted for handling and
 *                          either past its deadline or already resolved)
 *   satisfaction (满意率)  satisfied + basically satisfied / rated
 *   on_time (按时办结率)   resolved on or before the deadline / resolved
 *
 * A rate with denominator 0 has no value (the API writes null).
 */
#ifndef TZ_LEDGER_RATES_H
#define TZ_LEDGER_RATES_H

#include <stdint.h>

#include "store/db.h"

typedef struct rate {
	int64_t num, den;
} rate;

typedef struct rates {
	rate response, resolution, satisfaction, on_time;
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

/* num / den as a percentage, or -1 when den is 0. */
double rate_percent(rate r);

#endif
