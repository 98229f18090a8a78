/*
 * workday.c — civil dates and the working-day calendar (see workday.h).
 *
 * Inside, a date is a day number: days since 1970-01-01 (a Thursday), so
 * that adding days, differences and weekdays are integer arithmetic. The
 * conversions are Howard Hinnant's days_from_civil / civil_from_days.
 *
 * A calendar keeps its overrides in an array sorted by day number, and next
 * to it a prefix sum of how much each override changes the default week's
 * count of working days (-1 for a holiday on Monday-Friday, +1 for a make-up
 * day on Saturday/Sunday, 0 otherwise). The number of working days up to a
 * date is then "weekdays up to it" (closed form) plus one prefix-sum lookup
 * (binary search), so workday_between() costs O(log n) and workday_add(),
 * which searches for the first date with the wanted count, O(log^2 n).
 * Edits rebuild the prefix sum, which is fine for a table of a few hundred
 * rows that changes a few times a year.
 */
#include "base/workday.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* --- Day numbers --------------------------------------------------------- */

/* Day number of a civil date (proleptic Gregorian). */
static int days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;                                   /* [0, 399] */
	int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

/* Civil date of a day number. */
static tz_date civil_from_days(int z)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int d = doy - (153 * mp + 2) / 5 + 1;
	int m = mp < 10 ? mp + 3 : mp - 9;
	int y = yoe + era * 400 + (m <= 2);
	return (tz_date){y, m, d};
}

#define MIN_DAY (-719162) /* 0001-01-01 */
#define MAX_DAY 2932896   /* 9999-12-31 */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ISO weekday of a day number: 1 = Monday ... 7 = Sunday. */
static int weekday_of(int day)
{
	/* Day 0 is a Thursday; day + 3 counts from Monday 1969-12-29. */
	return (int)((int64_t)day + 3 - 7 * floor_div((int64_t)day + 3, 7)) + 1;
}

/* Mondays-to-Fridays from Monday 1969-12-29 up to and including day
 * (negative before it); only differences matter. */
static int64_t weekdays_through(int day)
{
	int64_t t = (int64_t)day + 3;
	int64_t q = floor_div(t, 7);
	int64_t r = t - 7 * q;
	return 5 * q + (r + 1 < 5 ? r + 1 : 5);
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_len(int y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* --- Dates --------------------------------------------------------------- */

bool workday_date_valid(tz_date d)
{
	return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
	       d.d <= month_len(d.y, d.m);
}

/* The day number of a valid date. */
static int day_of(tz_date d)
{
	return days_from_civil(d.y, d.m, d.d);
}

/* Parse n ASCII digits at s; -1 when any is not a digit. */
static int parse_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool workday_date_parse(const char *s, tz_date *out)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	tz_date d = {parse_digits(s, 4), parse_digits(s + 5, 2), parse_digits(s + 8, 2)};
	if (!workday_date_valid(d))
		return false;
	*out = d;
	return true;
}

/* Write v as exactly n digits (v has at most n digits). */
static void put_digits(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

bool workday_date_format(tz_date d, char out[WORKDAY_DATE_SIZE])
{
	if (!workday_date_valid(d)) {
		out[0] = '\0';
		return false;
	}
	put_digits(out, d.y, 4);
	out[4] = '-';
	put_digits(out + 5, d.m, 2);
	out[7] = '-';
	put_digits(out + 8, d.d, 2);
	out[10] = '\0';
	return true;
}

int workday_date_weekday(tz_date d)
{
	return workday_date_valid(d) ? weekday_of(day_of(d)) : 0;
}

tz_date workday_date_add_days(tz_date d, int n)
{
	if (!workday_date_valid(d))
		return d;
	int64_t day = (int64_t)day_of(d) + n;
	if (day < MIN_DAY)
		day = MIN_DAY;
	if (day > MAX_DAY)
		day = MAX_DAY;
	return civil_from_days((int)day);
}

int workday_date_diff(tz_date a, tz_date b)
{
	if (!workday_date_valid(a) || !workday_date_valid(b))
		return 0;
	return day_of(b) - day_of(a);
}

int workday_date_cmp(tz_date a, tz_date b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	if (a.d != b.d)
		return a.d < b.d ? -1 : 1;
	return 0;
}

tz_date workday_today_shanghai(time_t now)
{
	/* China has kept UTC+8 all year since 1991: no zone database needed. */
	int64_t day = floor_div((int64_t)now + 8 * 3600, 86400);
	if (day < MIN_DAY)
		day = MIN_DAY;
	if (day > MAX_DAY)
		day = MAX_DAY;
	return civil_from_days((int)day);
}

bool workday_is_overdue(tz_date deadline, tz_date today)
{
	return workday_date_cmp(today, deadline) > 0;
}

/* --- Calendars ----------------------------------------------------------- */

typedef struct {
	int day;
	workday_kind kind;
	char *name; /* owned */
} override;

struct workday_cal {
	override *ov; /* sorted by day, no duplicates */
	size_t n, cap;
	int *sum; /* n + 1 entries: sum[i] = change in working days from ov[0..i-1] */
};

/* How an override changes the default week's count of working days. */
static int override_delta(const override *o)
{
	bool weekend = weekday_of(o->day) >= 6;
	if (o->kind == WORKDAY_HOLIDAY && !weekend)
		return -1;
	if (o->kind == WORKDAY_MAKEUP && weekend)
		return 1;
	return 0;
}

static void rebuild_sum(workday_cal *cal)
{
	cal->sum[0] = 0;
	for (size_t i = 0; i < cal->n; i++)
		cal->sum[i + 1] = cal->sum[i] + override_delta(&cal->ov[i]);
}

/* Number of overrides on or before day. */
static size_t count_through(const workday_cal *cal, int day)
{
	size_t lo = 0, hi = cal->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->ov[mid].day <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The override on day, or NULL. */
static const override *find(const workday_cal *cal, int day)
{
	size_t i = count_through(cal, day);
	return i > 0 && cal->ov[i - 1].day == day ? &cal->ov[i - 1] : NULL;
}

workday_cal *workday_cal_new(void)
{
	workday_cal *cal = xcalloc(1, sizeof *cal);
	cal->sum = xcalloc(1, sizeof *cal->sum);
	return cal;
}

void workday_cal_free(workday_cal *cal)
{
	if (!cal)
		return;
	for (size_t i = 0; i < cal->n; i++)
		free(cal->ov[i].name);
	free(cal->ov);
	free(cal->sum);
	free(cal);
}

bool workday_cal_set(workday_cal *cal, tz_date date, workday_kind kind, const char *name)
{
	if (!workday_date_valid(date) || (kind != WORKDAY_HOLIDAY && kind != WORKDAY_MAKEUP))
		return false;
	int day = day_of(date);
	size_t i = count_through(cal, day);
	char *copy = xstrdup(name ? name : "");
	if (i > 0 && cal->ov[i - 1].day == day) {
		free(cal->ov[i - 1].name);
		cal->ov[i - 1].kind = kind;
		cal->ov[i - 1].name = copy;
	} else {
		if (cal->n == cal->cap) {
			cal->cap = cal->cap ? cal->cap * 2 : 64;
			cal->ov = xrealloc(cal->ov, cal->cap * sizeof *cal->ov);
			cal->sum = xrealloc(cal->sum, (cal->cap + 1) * sizeof *cal->sum);
		}
		memmove(&cal->ov[i + 1], &cal->ov[i], (cal->n - i) * sizeof *cal->ov);
		cal->ov[i] = (override){day, kind, copy};
		cal->n++;
	}
	rebuild_sum(cal);
	return true;
}

bool workday_cal_clear(workday_cal *cal, tz_date date)
{
	if (!workday_date_valid(date))
		return false;
	int day = day_of(date);
	size_t i = count_through(cal, day);
	if (i == 0 || cal->ov[i - 1].day != day)
		return false;
	free(cal->ov[i - 1].name);
	memmove(&cal->ov[i - 1], &cal->ov[i], (cal->n - i) * sizeof *cal->ov);
	cal->n--;
	rebuild_sum(cal);
	return true;
}

workday_kind workday_cal_get(const workday_cal *cal, tz_date date, const char **name)
{
	const override *o = workday_date_valid(date) ? find(cal, day_of(date)) : NULL;
	if (name)
		*name = o ? o->name : NULL;
	return o ? o->kind : WORKDAY_NORMAL;
}

size_t workday_cal_count(const workday_cal *cal)
{
	return cal->n;
}

bool workday_cal_entry(const workday_cal *cal, size_t i, tz_date *date, workday_kind *kind,
	const char **name)
{
	if (i >= cal->n)
		return false;
	if (date)
		*date = civil_from_days(cal->ov[i].day);
	if (kind)
		*kind = cal->ov[i].kind;
	if (name)
		*name = cal->ov[i].name;
	return true;
}

const char *workday_kind_name(workday_kind kind)
{
	switch (kind) {
	case WORKDAY_HOLIDAY:
		return "holiday";
	case WORKDAY_MAKEUP:
		return "workday";
	default:
		return NULL;
	}
}

bool workday_kind_parse(const char *s, workday_kind *out)
{
	if (str_cmp0(s, "holiday") == 0)
		*out = WORKDAY_HOLIDAY;
	else if (str_cmp0(s, "workday") == 0)
		*out = WORKDAY_MAKEUP;
	else
		return false;
	return true;
}

/* --- The built-in schedules ---------------------------------------------- */

/* A run of days from..to (inclusive) of one kind and name. */
typedef struct {
	int y, m1, d1, m2, d2;
	workday_kind kind;
	const char *name;
} builtin_run;

#define H WORKDAY_HOLIDAY
#define W WORKDAY_MAKEUP

static const builtin_run builtin[] = {
	/*
	 * 2026 — official: 国务院办公厅关于2026年部分节假日安排的通知, dated
	 * 2025-11-04 (www.gov.cn/zhengce/content/202511/content_7047090.htm;
	 * full text carried by Xinhua the same day). 33 days off, 6 make-up
	 * working days (调休上班).
	 */
	{2026, 1, 1, 1, 3, H, "元旦"},    /* 1月1日(周四)至3日(周六) */
	{2026, 1, 4, 1, 4, W, "元旦"},    /* 1月4日(周日)上班 */
	{2026, 2, 14, 2, 14, W, "春节"},  /* 2月14日(周六)上班 */
	{2026, 2, 15, 2, 23, H, "春节"},  /* 2月15日(腊月二十八)至23日(正月初七) */
	{2026, 2, 28, 2, 28, W, "春节"},  /* 2月28日(周六)上班 */
	{2026, 4, 4, 4, 6, H, "清明节"},  /* 4月4日(周六)至6日(周一) */
	{2026, 5, 1, 5, 5, H, "劳动节"},  /* 5月1日(周五)至5日(周二) */
	{2026, 5, 9, 5, 9, W, "劳动节"},  /* 5月9日(周六)上班 */
	{2026, 6, 19, 6, 21, H, "端午节"}, /* 6月19日(周五)至21日(周日) */
	{2026, 9, 20, 9, 20, W, "国庆节"}, /* 9月20日(周日)上班 */
	{2026, 9, 25, 9, 27, H, "中秋节"}, /* 9月25日(周五)至27日(周日) */
	{2026, 10, 1, 10, 7, H, "国庆节"}, /* 10月1日(周四)至7日(周三) */
	{2026, 10, 10, 10, 10, W, "国庆节"}, /* 10月10日(周六)上班 */

	/*
	 * 2027 — DERIVED, NOT YET OFFICIAL; EDITABLE. The State Council's notice
	 * for 2027 could not be found when this table was written, so these are
	 * only the statutory days of 《全国年节及纪念日放假办法》 as amended by
	 * the State Council's decision of 2024-11-12 (in force 2025-01-01):
	 * 元旦1天, 春节4天 (农历除夕至正月初三), 清明1天, 劳动节2天 (5月1日、
	 * 2日), 端午1天, 中秋1天, 国庆3天 (10月1日至3日),
	 * on the 2027 lunar and solar-term dates (2027-02-05 is 除夕, 腊月廿九;
	 * 02-06 正月初一; 清明 04-05; 端午 06-09; 中秋 09-15). No 调休 and no
	 * 补假 are listed: the notice will add weekday days off for the statutory
	 * days that fall on Saturday/Sunday (春节 02-06/07, 劳动节 05-01/02,
	 * 国庆 10-02/03) and make-up Saturdays/Sundays, whose dates the law does
	 * not fix. Until then a 2027 deadline near these festivals may be off
	 * by a few days (early for a missing 补假, late for a missing make-up
	 * day). Replace this block with the notice once it is published.
	 */
	{2027, 1, 1, 1, 1, H, "元旦"},
	{2027, 2, 5, 2, 8, H, "春节"},
	{2027, 4, 5, 4, 5, H, "清明节"},
	{2027, 5, 1, 5, 2, H, "劳动节"},
	{2027, 6, 9, 6, 9, H, "端午节"},
	{2027, 9, 15, 9, 15, H, "中秋节"},
	{2027, 10, 1, 10, 3, H, "国庆节"},
};

#undef H
#undef W

workday_cal *workday_cal_new_builtin(void)
{
	workday_cal *cal = workday_cal_new();
	for (size_t i = 0; i < ARRAY_LEN(builtin); i++) {
		const builtin_run *r = &builtin[i];
		int from = days_from_civil(r->y, r->m1, r->d1);
		int to = days_from_civil(r->y, r->m2, r->d2);
		for (int day = from; day <= to; day++)
			workday_cal_set(cal, civil_from_days(day), r->kind, r->name);
	}
	return cal;
}

/* --- Working days -------------------------------------------------------- */

/* Working days from a fixed origin up to and including day; only
 * differences matter. */
static int64_t working_through(const workday_cal *cal, int day)
{
	return weekdays_through(day) + cal->sum[count_through(cal, day)];
}

static bool is_working_day(const workday_cal *cal, int day)
{
	const override *o = find(cal, day);
	if (o)
		return o->kind == WORKDAY_MAKEUP;
	return weekday_of(day) <= 5;
}

bool workday_is_working(const workday_cal *cal, tz_date date)
{
	return workday_date_valid(date) && is_working_day(cal, day_of(date));
}

int workday_between(const workday_cal *cal, tz_date a, tz_date b)
{
	if (!workday_date_valid(a) || !workday_date_valid(b))
		return 0;
	int da = day_of(a), db = day_of(b);
	if (db <= da)
		return 0;
	return (int)(working_through(cal, db) - working_through(cal, da));
}

bool workday_add(const workday_cal *cal, tz_date start, int n, tz_date *out)
{
	if (!workday_date_valid(start) || n < 0)
		return false;
	int s = day_of(start);
	if (n == 0 && is_working_day(cal, s)) {
		*out = start;
		return true;
	}
	int64_t want = n > 0 ? n : 1;
	int64_t base = working_through(cal, s);
	/* Find hi with at least `want` working days in (s, hi]: a week holds five
	 * unless overrides say otherwise, so start a little past 7/5 * want and
	 * double. Then bisect for the first such day, which is a working day
	 * because the count only rises on working days. */
	int64_t lo = s, step = want + want / 2 + 16, hi;
	for (;;) {
		hi = s + step;
		if (hi > MAX_DAY)
			hi = MAX_DAY;
		if (working_through(cal, (int)hi) - base >= want)
			break;
		if (hi == MAX_DAY)
			return false;
		lo = hi;
		step *= 2;
	}
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (working_through(cal, (int)mid) - base >= want)
			hi = mid;
		else
			lo = mid;
	}
	*out = civil_from_days((int)hi);
	return true;
}
