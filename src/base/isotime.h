/*
 * isotime.h — ISO 8601 date-times as Open311 and the JSON API write them
 * (the W3C profile): YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]] with Z or
 * ±HH:MM. Times without a zone are read as Beijing time (UTC+08:00), the
 * office's civil time; output is always in +08:00.
 */
#ifndef TZ_BASE_ISOTIME_H
#define TZ_BASE_ISOTIME_H

#include <stdbool.h>
#include <stdint.h>

#define ISOTIME_SIZE 26 /* "2026-11-23T09:30:00+08:00" and the NUL */
#define ISOTIME_OFFSET (8 * 3600) /* the office's civil time, seconds east of UTC */

/* Parse s into unix seconds. A bare date is its midnight (or, when
 * end_of_day, 23:59:59). *has_zone (may be NULL) tells whether s named its
 * zone. Returns false for anything else, including impossible dates. */
bool isotime_parse(const char *s, bool end_of_day, int64_t *out, bool *has_zone);

/* Write t as "YYYY-MM-DDTHH:MM:SS+08:00". */
void isotime_format(int64_t t, char out[ISOTIME_SIZE]);

/* Write the civil date "YYYY-MM-DD" at its end of day (23:59:59+08:00), the
 * form a deadline takes as a date-time. */
void isotime_end_of_date(const char *date, char out[ISOTIME_SIZE]);

#endif
