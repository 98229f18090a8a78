/*
 * duty_rule.c — the recurrence of a duty (duty.h), pure date arithmetic
 * without a database: which rules are valid, the first due date of a rule
 * on or after a date, and the rule in words.
 *
 * Due dates are civil dates (base/workday.h). A rule names a month within
 * its period (the year, each half, each quarter) and a day; a day past the
 * month's end is the month's last day, so "monthly by the 31st" is due on
 * 04-30 and 02-28 (02-29 in a leap year), and "yearly by 02-29" on 02-28
 * in the other years. Weekly rules name an ISO weekday.
 */
#include "ledger/duty.h"
#include "ledger/calendar.h"
#include "base/workday.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name, *label;
	int months; /* months between two due dates; 0: weekly */
} recurrences[DUTY_NRECURRENCES] = {
	[DUTY_YEARLY] = {"yearly", "每年", 12},
	[DUTY_HALF_YEARLY] = {"half_yearly", "每半年", 6},
	[DUTY_QUARTERLY] = {"quarterly", "每季度", 3},
	[DUTY_MONTHLY] = {"monthly", "每月", 1},
	[DUTY_WEEKLY] = {"weekly", "每周", 0},
};

const char *duty_recurrence_name(int r)
{
	return r >= 0 && r < DUTY_NRECURRENCES ? recurrences[r].name : "unknown";
}

const char *duty_recurrence_label(int r)
{
	return r >= 0 && r < DUTY_NRECURRENCES ? recurrences[r].label : "未知";
}

int duty_recurrence_from_name(const char *name)
{
	for (int i = 0; name && i < DUTY_NRECURRENCES; i++)
		if (strcmp(recurrences[i].name, name) == 0)
			return i;
	return -1;
}

/* Days in month m of year y (the proleptic Gregorian calendar). */
static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

bool duty_rule_valid(int r, int month, int day)
{
	switch (r) {
	case DUTY_YEARLY:
		/* 2000 is a leap year: 02-29 is a rule, 02-30 and 04-31 are not */
		return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(2000, month);
	case DUTY_HALF_YEARLY:
	case DUTY_QUARTERLY:
		return month >= 1 && month <= recurrences[r].months && day >= 1 && day <= 31;
	case DUTY_MONTHLY: return month == 0 && day >= 1 && day <= 31;
	case DUTY_WEEKLY: return month == 0 && day >= 1 && day <= 7;
	}
	return false;
}

/* The rule's due date in month m of year y: its day, or the month's last. */
static tz_date due_in(int y, int m, int day)
{
	int last = days_in_month(y, m);
	return (tz_date){y, m, day < last ? day : last};
}

bool duty_due_on_or_after(int r, int month, int day, const char *from, char out[11])
{
	tz_date f;
	if (!duty_rule_valid(r, month, day) || !workday_date_parse(from, &f))
		return false;
	if (r == DUTY_WEEKLY) {
		tz_date t = workday_date_add_days(f, (day - workday_date_weekday(f) + 7) % 7);
		return workday_date_format(t, out);
	}
	/* The rule's months in a year: month, month + step, ... up to 12
	 * (monthly rules name no month: every one from January). */
	int first = r == DUTY_MONTHLY ? 1 : month;
	for (int y = f.y; y <= f.y + 1 && y <= 9999; y++)
		for (int m = first; m <= 12; m += recurrences[r].months) {
			tz_date t = due_in(y, m, day);
			if (workday_date_cmp(t, f) >= 0)
				return workday_date_format(t, out);
		}
	return false;
}

/* The day of a rule in words: 25日, or 月底 for one at or past any
 * month's end. */
static void day_words(int day, char *out, size_t n)
{
	if (day >= 31)
		snprintf(out, n, "月底");
	else
		snprintf(out, n, "%d日", day);
}

void duty_rule_text(int r, int month, int day, char *out, size_t n)
{
	char d[16];
	if (!duty_rule_valid(r, month, day)) {
		snprintf(out, n, "（规则有误）");
		return;
	}
	day_words(day, d, sizeof d);
	switch (r) {
	case DUTY_YEARLY: snprintf(out, n, "每年%d月%d日前", month, day); break;
	case DUTY_HALF_YEARLY:
		snprintf(out, n, "每半年（%d月、%d月）%s前", month, month + 6, d);
		break;
	case DUTY_QUARTERLY:
		snprintf(out, n, "每季度（%d月、%d月、%d月、%d月）%s前", month, month + 3, month + 6,
			 month + 9, d);
		break;
	case DUTY_MONTHLY: snprintf(out, n, "每月%s前", d); break;
	case DUTY_WEEKLY: snprintf(out, n, "每周%s前", calendar_weekday_cn(day)); break;
	}
}
