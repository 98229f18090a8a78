/*
 * calendar.c — deadlines on this ledger's working-day calendar: the
 * built-in State Council schedules (base/workday.c) overlaid with the
 * office's own edits from the calendar_days table.
 */
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "base/util.h"
#include "base/workday.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void ledger_today(int64_t now, char out[11])
{
	tz_date t = workday_today_shanghai((time_t)now);
	workday_date_format(t, out);
}

bool calendar_date_valid(const char *date)
{
	tz_date t;
	return workday_date_parse(date, &t);
}

int64_t calendar_day_start(const char *date)
{
	tz_date t;
	if (!workday_date_parse(date, &t))
		return 0;
	/* Days since 1970-01-01, then back 8 hours to Shanghai midnight. */
	int days = workday_date_diff((tz_date){1970, 1, 1}, t);
	return (int64_t)days * 86400 - 8 * 3600;
}

bool calendar_workday_back(const workday_cal *cal, tz_date from, int n, int max_days,
			   tz_date *out)
{
	if (n < 1 || max_days < 0 || !workday_date_valid(from))
		return false;
	/* Bisect for the day before the answer: at least n working days
	 * after lo up to `from`, fewer after hi (none after `from` itself). */
	tz_date lo = workday_date_add_days(from, -max_days - 1), hi = from;
	if (workday_between(cal, lo, from) < n)
		return false;
	for (int span; (span = workday_date_diff(lo, hi)) > 1;) {
		tz_date mid = workday_date_add_days(lo, span / 2);
		if (workday_between(cal, mid, from) >= n)
			lo = mid;
		else
			hi = mid;
	}
	*out = hi;
	return true;
}

const char *calendar_weekday_cn(int weekday)
{
	static const char *const names[] = {"一", "二", "三", "四", "五", "六", "日"};
	return weekday >= 1 && weekday <= 7 ? names[weekday - 1] : "";
}

workday_cal *calendar_load(db *d)
{
	workday_cal *cal = workday_cal_new_builtin();
	db_stmt *q = db_query(d, "SELECT day, kind, name FROM calendar_days", "");
	while (db_step(q) == DB_ROW) {
		tz_date t;
		workday_kind k;
		if (workday_date_parse(db_text(q, 0), &t) && workday_kind_parse(db_text(q, 1), &k))
			workday_cal_set(cal, t, k, db_text(q, 2));
	}
	db_done(q);
	return cal;
}

int calendar_workdays_between(const workday_cal *cal, const char *from, const char *to)
{
	tz_date a, b;
	if (!workday_date_parse(from, &a) || !workday_date_parse(to, &b))
		return 0;
	return workday_between(cal, a, b);
}

int calendar_deadline(db *d, const char *from, int days, char out[11])
{
	tz_date start, due;
	if (!workday_date_parse(from, &start) || days < 0)
		return LEDGER_INVALID;
	workday_cal *cal = calendar_load(d);
	bool ok = workday_add(cal, start, days, &due);
	workday_cal_free(cal);
	if (!ok)
		return LEDGER_INVALID;
	workday_date_format(due, out);
	return LEDGER_OK;
}

int calendar_set_day(db *d, const char *date, const char *kind, const char *name, char **msg)
{
	workday_kind k;
	if (!calendar_date_valid(date)) {
		*msg = xstrdup("日期格式应为 YYYY-MM-DD");
		return LEDGER_INVALID;
	}
	if (kind && strcmp(kind, "clear") == 0)
		return db_exec(d, "DELETE FROM calendar_days WHERE day = ?", "t", date) == DB_DONE
			       ? LEDGER_OK
			       : LEDGER_ERROR;
	if (!workday_kind_parse(kind, &k)) {
		*msg = xstrdup("类型应为节假日或调休上班");
		return LEDGER_INVALID;
	}
	int r = db_exec(d,
			"INSERT INTO calendar_days(day, kind, name) VALUES (?, ?, ?)"
			" ON CONFLICT(day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
			"ttt", date, kind, name ? name : "");
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}
