/*
 * workday.h — civil dates and the working-day calendar of mainland China,
 * for counting a matter's deadline in working days (工作日).
 *
 * Dates are plain civil dates in Beijing time (Asia/Shanghai, UTC+8 all year,
 * no daylight saving), held in a tz_date. A valid tz_date has a year from 1
 * to 9999 and a day that exists in that month; the parser produces only
 * valid dates, and date arithmetic keeps them valid as long as the result
 * stays in that range.
 *
 * A workday_cal is the default week (Monday to Friday work, Saturday and
 * Sunday rest) plus a sorted set of overrides, one per date:
 *   WORKDAY_HOLIDAY  a public holiday or rest day (法定节假日/休息日): no work,
 *                    even on a Monday to Friday;
 *   WORKDAY_MAKEUP   a make-up working day (调休上班): work, even on a
 *                    Saturday or Sunday.
 * Each override carries a name such as "春节" or "国庆节".
 * workday_cal_new_builtin() loads the State Council's schedules for 2026 and
 * 2027 (see the table in workday.c for which are official); administrators
 * edit a calendar through workday_cal_set()/workday_cal_clear(), and the
 * database layer loads its calendar_days rows the same way.
 *
 * Lookups never allocate and take O(log n) in the number of overrides:
 * workday_between() and workday_add() do not walk the days one by one.
 * A calendar may be read from several threads at once; an edit needs the
 * calendar to itself.
 */
#ifndef TZ_BASE_WORKDAY_H
#define TZ_BASE_WORKDAY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct {
	int y, m, d;
} tz_date;

/* Bytes needed by workday_date_format(): "YYYY-MM-DD" and the NUL. */
#define WORKDAY_DATE_SIZE 11

/* What a date is, beyond the default week. The values are stable. */
typedef enum {
	WORKDAY_NORMAL = 0,  /* no override: the default week decides */
	WORKDAY_HOLIDAY = 1, /* rest, whatever the weekday */
	WORKDAY_MAKEUP = 2,  /* work, whatever the weekday */
} workday_kind;

typedef struct workday_cal workday_cal;

/* --- Dates --------------------------------------------------------------- */

/* True when d is a real date with a year from 1 to 9999. */
bool workday_date_valid(tz_date d);

/* Parse exactly "YYYY-MM-DD": four-digit year 0001-9999, two-digit month and
 * day, a day that exists (no 2026-02-30), nothing before or after. Returns
 * false and leaves *out untouched on anything else, including NULL. */
bool workday_date_parse(const char *s, tz_date *out);

/* Write d as "YYYY-MM-DD" into out (WORKDAY_DATE_SIZE bytes). For an invalid
 * date writes "" and returns false. */
bool workday_date_format(tz_date d, char out[WORKDAY_DATE_SIZE]);

/* Day of the week, ISO style: 1 = Monday ... 7 = Sunday; 0 for an invalid
 * date. */
int workday_date_weekday(tz_date d);

/* The date n calendar days after d (n may be negative), held to
 * 0001-01-01 ... 9999-12-31. An invalid d comes back unchanged. */
tz_date workday_date_add_days(tz_date d, int n);

/* Calendar days from a to b: positive when b is later, 0 when equal (and
 * when either is invalid). */
int workday_date_diff(tz_date a, tz_date b);

/* <0, 0 or >0 as a is before, equal to or after b. */
int workday_date_cmp(tz_date a, tz_date b);

/* Today's date in Beijing (UTC+8, no DST) at the instant now. */
tz_date workday_today_shanghai(time_t now);

/* True when a deadline has passed: today is later than the deadline (the
 * deadline day itself is still in time). */
bool workday_is_overdue(tz_date deadline, tz_date today);

/* --- Calendars ----------------------------------------------------------- */

/* A calendar with no overrides: Monday to Friday work. Free with
 * workday_cal_free(). */
workday_cal *workday_cal_new(void);

/* A calendar holding the built-in schedules for 2026 and 2027. Free with
 * workday_cal_free(). */
workday_cal *workday_cal_new_builtin(void);

/* Release a calendar and its names. NULL is fine. */
void workday_cal_free(workday_cal *cal);

/* Make date a holiday or make-up working day named name (copied; NULL is
 * stored as ""), replacing any override it had. Returns false, changing
 * nothing, when date is invalid or kind is not WORKDAY_HOLIDAY or
 * WORKDAY_MAKEUP. */
bool workday_cal_set(workday_cal *cal, tz_date date, workday_kind kind, const char *name);

/* Remove date's override, so the default week decides again. Returns true
 * when there was one. */
bool workday_cal_clear(workday_cal *cal, tz_date date);

/* The override on date: its kind (WORKDAY_NORMAL when none) and, when name is
 * not NULL, its name (NULL when none). The name belongs to the calendar and
 * is valid until the calendar is next edited or freed. */
workday_kind workday_cal_get(const workday_cal *cal, tz_date date, const char **name);

/* Number of overrides, for listing them in date order with
 * workday_cal_entry(). */
size_t workday_cal_count(const workday_cal *cal);

/* The i-th override in date order (i < workday_cal_count()): writes its
 * date, kind and name (borrowed, as for workday_cal_get) through the
 * pointers that are not NULL. Returns false when i is out of range. */
bool workday_cal_entry(const workday_cal *cal, size_t i, tz_date *date, workday_kind *kind,
	const char **name);

/* The word the database stores for a kind: "holiday", "workday" (make-up
 * working day), or NULL for WORKDAY_NORMAL. */
const char *workday_kind_name(workday_kind kind);

/* The kind named by "holiday" or "workday"; false for anything else. */
bool workday_kind_parse(const char *s, workday_kind *out);

/* --- Working days -------------------------------------------------------- */

/* True when date is a working day: an override decides, else Monday to
 * Friday. */
bool workday_is_working(const workday_cal *cal, tz_date date);

/* The date n working days after start (n >= 0). The start day itself does
 * not count: 1 working day after a Friday is the next Monday unless that is
 * a holiday. n = 0 gives start if it is a working day, else the next working
 * day. Returns false, leaving *out untouched, when start is invalid, n < 0 or
 * the answer would lie past 9999-12-31. */
bool workday_add(const workday_cal *cal, tz_date start, int n, tz_date *out);

/* The number of working days after a, up to and including b; 0 when b is
 * not after a (or either is invalid). For n >= 1, and for n = 0 when s is a
 * working day, workday_between(cal, s, workday_add(cal, s, n)) == n. */
int workday_between(const workday_cal *cal, tz_date a, tz_date b);

#endif
