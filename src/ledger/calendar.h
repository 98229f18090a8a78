/*
 * calendar.h — the ledger's working-day calendar: the built-in holiday
 * schedules (base/workday) plus the office's own edits (table
 * calendar_days), used for deadlines and overdue flags.
 */
#ifndef TZ_LEDGER_CALENDAR_H
#define TZ_LEDGER_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#include "base/workday.h"
#include "store/db.h"

/* Today's date in Asia/Shanghai (UTC+8) for a unix time, as YYYY-MM-DD. */
void ledger_today(int64_t now, char out[11]);

/* The date `days` working days after `from` (YYYY-MM-DD) on this ledger's
 * calendar, written to out. Returns LEDGER_OK, or LEDGER_INVALID for a bad
 * date. */
int calendar_deadline(db *d, const char *from, int days, char out[11]);

/* The built-in calendar with this ledger's overrides (calendar_days)
 * applied, for a caller that counts many working days at once (the
 * scheduler, the digests). Caller frees with workday_cal_free. */
workday_cal *calendar_load(db *d);

/* Working days after `from` up to and including `to` on cal (0 when `to`
 * is not after `from`, or either is not a date): how many working days a
 * deadline is past (from = deadline, to = today) or still ahead (from =
 * today, to = deadline). */
int calendar_workdays_between(const workday_cal *cal, const char *from, const char *to);

/* The n-th working day (n >= 1) counting back from `from` on cal, `from`
 * itself counted when it works, and no more than max_days calendar days
 * before it: workday_add backwards (found with workday_between, so holidays
 * and 调休 count as they do for deadlines). False when there is none so
 * close, or n or from is bad. */
bool calendar_workday_back(const workday_cal *cal, tz_date from, int n, int max_days,
			   tz_date *out);

/* The weekday's name after 星期 or 每周: "一" for 1 (Monday) ... "日" for 7;
 * "" for anything else (workday_date_weekday's numbering). */
const char *calendar_weekday_cn(int weekday);

/* Is `date` a well-formed, real calendar date YYYY-MM-DD? */
bool calendar_date_valid(const char *date);

/* The unix time of 00:00 Asia/Shanghai on a valid date (0 if invalid). */
int64_t calendar_day_start(const char *date);

/* Record an office's override: kind "holiday" or "workday" (调休), or
 * "clear" to remove the override. */
int calendar_set_day(db *d, const char *date, const char *kind, const char *name, char **msg);

#endif
