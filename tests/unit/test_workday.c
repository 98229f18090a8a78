/*
 * test_workday.c — unit tests for base/workday: strict date parsing and
 * formatting, leap years, weekdays, calendar-day arithmetic, Beijing "today"
 * from a time_t, the built-in 2026 schedule (春节 and 国庆 with their 调休
 * Saturdays and Sundays), working-day addition across holidays and a year
 * boundary, agreement of workday_add() and workday_between() with a naive
 * day-by-day count, and editing a calendar.
 */
#include "unit.h"

#include "base/workday.h"

#include <stdlib.h>
#include <time.h>

/* A date from a literal that must parse. */
static tz_date D(const char *s)
{
	tz_date d = {0, 0, 0};
	assert_true(workday_date_parse(s, &d));
	return d;
}

static void assert_date(tz_date got, const char *want)
{
	char buf[WORKDAY_DATE_SIZE];
	assert_true(workday_date_format(got, buf));
	assert_string_equal(buf, want);
}

/* workday_add() that must succeed. */
static tz_date add(const workday_cal *cal, const char *start, int n)
{
	tz_date out = {0, 0, 0};
	assert_true(workday_add(cal, D(start), n, &out));
	return out;
}

/* The oracle: walk day by day. */
static tz_date naive_add(const workday_cal *cal, tz_date start, int n)
{
	if (n == 0 && workday_is_working(cal, start))
		return start;
	int want = n > 0 ? n : 1, seen = 0;
	tz_date d = start;
	while (seen < want) {
		d = workday_date_add_days(d, 1);
		if (workday_is_working(cal, d))
			seen++;
	}
	return d;
}

static int naive_between(const workday_cal *cal, tz_date a, tz_date b)
{
	int count = 0;
	for (tz_date d = workday_date_add_days(a, 1); workday_date_cmp(d, b) <= 0;
		d = workday_date_add_days(d, 1))
		count += workday_is_working(cal, d);
	return count;
}

static void test_parse_good(void **state)
{
	(void)state;
	tz_date d;
	assert_true(workday_date_parse("2026-02-14", &d));
	assert_int_equal(d.y, 2026);
	assert_int_equal(d.m, 2);
	assert_int_equal(d.d, 14);
	assert_true(workday_date_parse("0001-01-01", &d));
	assert_int_equal(d.y, 1);
	assert_true(workday_date_parse("9999-12-31", &d));
	assert_int_equal(d.y, 9999);
	assert_int_equal(d.m, 12);
	assert_int_equal(d.d, 31);
	assert_true(workday_date_parse("2026-04-30", &d));
	assert_int_equal(d.d, 30);
}

static void test_parse_bad(void **state)
{
	(void)state;
	static const char *bad[] = {
		"", "2026-02-30", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32",
		"2026-04-31", "2026-06-31", "2026-09-31", "2026-11-31", "0000-01-01",
		"2026-01-01 ", " 2026-01-01", "2026-01-01x", "2026-01-01T00:00", "2026-1-01",
		"2026-01-1", "26-01-01", "2026/01/01", "2026.01.01", "+026-01-01",
		"-026-01-01", "2026-+1-01", "2026-01-+1", "2026-0a-01", "20260101",
		"2026-01--1", "12026-01-01", "２０２６-01-01",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		tz_date d = {7, 7, 7};
		if (workday_date_parse(bad[i], &d))
			fail_msg("accepted \"%s\"", bad[i]);
		/* *out untouched on failure */
		assert_int_equal(d.y, 7);
		assert_int_equal(d.m, 7);
		assert_int_equal(d.d, 7);
	}
	tz_date d = {7, 7, 7};
	assert_false(workday_date_parse(NULL, &d));
	assert_int_equal(d.y, 7);
	/* An embedded NUL ends the string: "2026-01-0" is too short. */
	assert_false(workday_date_parse("2026-01-0\0" "1", &d));
}

static void test_leap_years(void **state)
{
	(void)state;
	tz_date d;
	assert_true(workday_date_parse("2028-02-29", &d));
	assert_int_equal(d.d, 29);
	assert_false(workday_date_parse("2027-02-29", &d));
	assert_false(workday_date_parse("2026-02-29", &d));
	assert_false(workday_date_parse("2100-02-29", &d)); /* century, not /400 */
	assert_true(workday_date_parse("2000-02-29", &d));  /* /400 */
	assert_false(workday_date_parse("2028-02-30", &d));
	assert_true(workday_date_valid((tz_date){2028, 2, 29}));
	assert_false(workday_date_valid((tz_date){2027, 2, 29}));
	assert_date(workday_date_add_days(D("2028-02-28"), 1), "2028-02-29");
	assert_date(workday_date_add_days(D("2027-02-28"), 1), "2027-03-01");
	assert_int_equal(workday_date_diff(D("2028-01-01"), D("2029-01-01")), 366);
	assert_int_equal(workday_date_diff(D("2027-01-01"), D("2028-01-01")), 365);
	assert_int_equal(workday_date_diff(D("2100-01-01"), D("2101-01-01")), 365);
}

static void test_format(void **state)
{
	(void)state;
	char buf[WORKDAY_DATE_SIZE];
	assert_true(workday_date_format((tz_date){2026, 2, 3}, buf));
	assert_string_equal(buf, "2026-02-03");
	assert_true(workday_date_format((tz_date){7, 12, 31}, buf));
	assert_string_equal(buf, "0007-12-31");
	memcpy(buf, "xxxxxxxxxx", WORKDAY_DATE_SIZE);
	assert_false(workday_date_format((tz_date){2026, 2, 30}, buf));
	assert_string_equal(buf, "");
	assert_false(workday_date_format((tz_date){10000, 1, 1}, buf));
	assert_false(workday_date_format((tz_date){0, 1, 1}, buf));
	/* Round trip over every day of 2026-2028. */
	tz_date d = D("2026-01-01");
	for (int i = 0; i < 3 * 366; i++, d = workday_date_add_days(d, 1)) {
		tz_date back;
		assert_true(workday_date_format(d, buf));
		assert_true(workday_date_parse(buf, &back));
		assert_int_equal(workday_date_cmp(d, back), 0);
	}
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(workday_date_weekday(D("1970-01-01")), 4); /* Thursday */
	assert_int_equal(workday_date_weekday(D("2000-01-01")), 6); /* Saturday */
	assert_int_equal(workday_date_weekday(D("2026-01-01")), 4);
	assert_int_equal(workday_date_weekday(D("2026-01-04")), 7); /* Sunday */
	assert_int_equal(workday_date_weekday(D("2026-02-14")), 6);
	assert_int_equal(workday_date_weekday(D("2026-02-16")), 1); /* Monday */
	assert_int_equal(workday_date_weekday(D("2026-10-01")), 4);
	assert_int_equal(workday_date_weekday(D("2027-02-06")), 6);
	assert_int_equal(workday_date_weekday(D("0001-01-01")), 1);
	assert_int_equal(workday_date_weekday(D("9999-12-31")), 5);
	assert_int_equal(workday_date_weekday((tz_date){2026, 2, 30}), 0);
	/* Seven consecutive days give 1..7 in turn. */
	tz_date d = D("2026-02-16");
	for (int i = 0; i < 21; i++, d = workday_date_add_days(d, 1))
		assert_int_equal(workday_date_weekday(d), i % 7 + 1);
}

static void test_add_days_and_diff(void **state)
{
	(void)state;
	assert_date(workday_date_add_days(D("2026-12-31"), 1), "2027-01-01");
	assert_date(workday_date_add_days(D("2026-03-01"), -1), "2026-02-28");
	assert_date(workday_date_add_days(D("2026-01-31"), 1), "2026-02-01");
	assert_date(workday_date_add_days(D("2026-02-15"), 0), "2026-02-15");
	assert_date(workday_date_add_days(D("2026-01-01"), 365), "2027-01-01");
	assert_date(workday_date_add_days(D("1970-01-01"), -1), "1969-12-31");
	/* Held to the representable range. */
	assert_date(workday_date_add_days(D("9999-12-31"), 1), "9999-12-31");
	assert_date(workday_date_add_days(D("0001-01-01"), -1), "0001-01-01");
	assert_date(workday_date_add_days(D("2026-01-01"), 2147483647), "9999-12-31");
	assert_int_equal(workday_date_diff(D("2026-01-01"), D("2026-12-31")), 364);
	assert_int_equal(workday_date_diff(D("2026-12-31"), D("2026-01-01")), -364);
	assert_int_equal(workday_date_diff(D("2026-05-05"), D("2026-05-05")), 0);
	assert_int_equal(workday_date_diff(D("0001-01-01"), D("9999-12-31")), 3652058);
	assert_int_equal(workday_date_diff(D("1970-01-01"), D("2026-01-01")), 20454);
	/* add_days and diff agree over a wide range (and stay valid). */
	tz_date base = D("1970-01-01");
	for (int n = -719162; n <= 2932896; n += 9973) {
		tz_date d = workday_date_add_days(base, n);
		assert_true(workday_date_valid(d));
		assert_int_equal(workday_date_diff(base, d), n);
	}
	assert_true(workday_date_cmp(D("2026-02-14"), D("2026-02-15")) < 0);
	assert_true(workday_date_cmp(D("2027-01-01"), D("2026-12-31")) > 0);
	assert_true(workday_date_cmp(D("2026-03-01"), D("2026-02-28")) > 0);
	assert_int_equal(workday_date_cmp(D("2026-03-01"), D("2026-03-01")), 0);
}

static void test_today_shanghai(void **state)
{
	(void)state;
	/* 2025-12-31 15:59:59 UTC is 23:59:59 in Beijing: still the 31st. */
	assert_date(workday_today_shanghai((time_t)1767196799), "2025-12-31");
	/* One second later it is midnight in Beijing: the new year. */
	assert_date(workday_today_shanghai((time_t)1767196800), "2026-01-01");
	/* 2026-02-16 16:00 UTC: Beijing has reached the 17th (正月初一). */
	assert_date(workday_today_shanghai((time_t)1771257600), "2026-02-17");
	assert_date(workday_today_shanghai((time_t)1771257599), "2026-02-16");
	/* Around the epoch and before it (floor, not truncation). */
	assert_date(workday_today_shanghai((time_t)0), "1970-01-01");
	assert_date(workday_today_shanghai((time_t)-8 * 3600), "1970-01-01");
	assert_date(workday_today_shanghai((time_t)-8 * 3600 - 1), "1969-12-31");
}

static void test_overdue(void **state)
{
	(void)state;
	tz_date deadline = D("2026-02-24");
	assert_false(workday_is_overdue(deadline, D("2026-02-24")));
	assert_true(workday_is_overdue(deadline, D("2026-02-25")));
	assert_false(workday_is_overdue(deadline, D("2026-02-23")));
	assert_true(workday_is_overdue(D("2026-12-31"), D("2027-01-01")));
	assert_false(workday_is_overdue(D("2027-01-01"), D("2026-12-31")));
	/* Midnight in Beijing, not in UTC, makes a deadline overdue. */
	assert_false(workday_is_overdue(D("2025-12-31"), workday_today_shanghai(1767196799)));
	assert_true(workday_is_overdue(D("2025-12-31"), workday_today_shanghai(1767196800)));
}

static void test_builtin_2026(void **state)
{
	(void)state;
	workday_cal *cal = workday_cal_new_builtin();
	const char *name = NULL;
	/* 元旦: 1-3 off, Sunday the 4th is a working day. */
	assert_false(workday_is_working(cal, D("2026-01-01")));
	assert_false(workday_is_working(cal, D("2026-01-02")));
	assert_true(workday_is_working(cal, D("2026-01-04")));
	assert_int_equal(workday_cal_get(cal, D("2026-01-04"), &name), WORKDAY_MAKEUP);
	assert_string_equal(name, "元旦");
	/* 春节: 2-15 .. 2-23 off, Saturdays 2-14 and 2-28 working. */
	assert_true(workday_is_working(cal, D("2026-02-13")));
	assert_true(workday_is_working(cal, D("2026-02-14")));
	for (tz_date d = D("2026-02-15"); workday_date_cmp(d, D("2026-02-23")) <= 0;
		d = workday_date_add_days(d, 1)) {
		assert_false(workday_is_working(cal, d));
		assert_int_equal(workday_cal_get(cal, d, &name), WORKDAY_HOLIDAY);
		assert_string_equal(name, "春节");
	}
	assert_true(workday_is_working(cal, D("2026-02-24")));
	assert_true(workday_is_working(cal, D("2026-02-28")));
	assert_false(workday_is_working(cal, D("2026-03-01"))); /* plain Sunday */
	assert_false(workday_is_working(cal, D("2026-03-07"))); /* plain Saturday */
	assert_int_equal(workday_cal_get(cal, D("2026-03-03"), &name), WORKDAY_NORMAL);
	assert_null(name);
	/* 清明, 劳动节, 端午, 中秋. */
	assert_false(workday_is_working(cal, D("2026-04-06")));
	assert_true(workday_is_working(cal, D("2026-04-07")));
	assert_false(workday_is_working(cal, D("2026-05-05")));
	assert_true(workday_is_working(cal, D("2026-05-09")));
	assert_false(workday_is_working(cal, D("2026-06-19")));
	assert_false(workday_is_working(cal, D("2026-09-25")));
	assert_int_equal(workday_cal_get(cal, D("2026-09-25"), &name), WORKDAY_HOLIDAY);
	assert_string_equal(name, "中秋节");
	/* 国庆: 10-1 .. 10-7 off, Sunday 9-20 and Saturday 10-10 working. */
	assert_true(workday_is_working(cal, D("2026-09-20")));
	assert_false(workday_is_working(cal, D("2026-10-07")));
	assert_true(workday_is_working(cal, D("2026-10-08")));
	assert_true(workday_is_working(cal, D("2026-10-10")));
	assert_false(workday_is_working(cal, D("2026-10-11")));
	/* 261 weekdays - 19 holidays on weekdays + 6 make-up weekend days. */
	assert_int_equal(workday_between(cal, D("2025-12-31"), D("2026-12-31")), 248);
	/* 33 days off and 6 make-up days in 2026, 13 derived days in 2027. */
	assert_int_equal(workday_cal_count(cal), 52);
	/* 2027 (derived): 春节 from 除夕 2-5 to 初三 2-8. */
	assert_false(workday_is_working(cal, D("2027-02-05")));
	assert_false(workday_is_working(cal, D("2027-02-08")));
	assert_true(workday_is_working(cal, D("2027-02-09")));
	assert_int_equal(workday_cal_get(cal, D("2027-06-09"), &name), WORKDAY_HOLIDAY);
	assert_string_equal(name, "端午节");
	workday_cal_free(cal);
}

static void test_add_spring_festival(void **state)
{
	(void)state;
	workday_cal *cal = workday_cal_new_builtin();
	assert_date(add(cal, "2026-02-13", 1), "2026-02-14"); /* the make-up Saturday */
	assert_date(add(cal, "2026-02-13", 2), "2026-02-24"); /* over the nine days off */
	assert_date(add(cal, "2026-02-12", 3), "2026-02-24");
	assert_date(add(cal, "2026-02-14", 1), "2026-02-24");
	assert_date(add(cal, "2026-02-14", 5), "2026-02-28"); /* the second make-up Saturday */
	assert_date(add(cal, "2026-02-14", 6), "2026-03-02");
	assert_date(add(cal, "2026-02-18", 1), "2026-02-24"); /* from inside the holiday */
	assert_date(add(cal, "2026-02-09", 15), "2026-03-06");
	assert_int_equal(workday_between(cal, D("2026-02-13"), D("2026-02-28")), 6);
	assert_int_equal(workday_between(cal, D("2026-02-14"), D("2026-02-23")), 0);
	workday_cal_free(cal);
}

static void test_add_national_day(void **state)
{
	(void)state;
	workday_cal *cal = workday_cal_new_builtin();
	assert_date(add(cal, "2026-09-18", 1), "2026-09-20"); /* make-up Sunday */
	assert_date(add(cal, "2026-09-24", 1), "2026-09-28"); /* 中秋 Friday off */
	assert_date(add(cal, "2026-09-30", 1), "2026-10-08");
	assert_date(add(cal, "2026-09-30", 2), "2026-10-09");
	assert_date(add(cal, "2026-09-30", 3), "2026-10-10"); /* make-up Saturday */
	assert_date(add(cal, "2026-09-30", 4), "2026-10-12");
	assert_int_equal(workday_between(cal, D("2026-09-30"), D("2026-10-10")), 3);
	assert_int_equal(workday_between(cal, D("2026-09-18"), D("2026-09-30")), 8);
	workday_cal_free(cal);
}

static void test_add_year_boundary(void **state)
{
	(void)state;
	workday_cal *cal = workday_cal_new_builtin();
	/* 2026 元旦 1-3 off, then Sunday the 4th is a working day. */
	assert_date(add(cal, "2025-12-31", 1), "2026-01-04");
	assert_date(add(cal, "2025-12-31", 2), "2026-01-05");
	/* 2027-01-01 (Friday) is 元旦. */
	assert_date(add(cal, "2026-12-30", 1), "2026-12-31");
	assert_date(add(cal, "2026-12-30", 2), "2027-01-04");
	assert_int_equal(workday_between(cal, D("2026-12-25"), D("2027-01-08")), 9);
	workday_cal_free(cal);

	/* Without overrides the Friday counts. */
	cal = workday_cal_new();
	assert_date(add(cal, "2026-12-30", 2), "2027-01-01");
	assert_date(add(cal, "2026-12-31", 1), "2027-01-01");
	assert_date(add(cal, "2026-12-31", 2), "2027-01-04");
	workday_cal_free(cal);
}

static void test_add_zero_and_limits(void **state)
{
	(void)state;
	workday_cal *cal = workday_cal_new_builtin();
	assert_date(add(cal, "2026-02-13", 0), "2026-02-13"); /* working: itself */
	assert_date(add(cal, "2026-02-14", 0), "2026-02-14"); /* make-up Saturday */
	assert_date(add(cal, "2026-02-15", 0), "2026-02-24"); /* holiday: next working */
	assert_date(add(cal, "2026-03-07", 0), "2026-03-09"); /* Saturday */
	assert_date(add(cal, "2026-01-01", 0), "2026-01-04");
	/* Friday to Monday is one working day. */
	assert_date(add(cal, "2026-03-06", 1), "2026-03-09");
	assert_int_equal(workday_between(cal, D("2026-03-06"), D("2026-03-09")), 1);
	assert_int_equal(workday_between(cal, D("2026-03-06"), D("2026-03-08")), 0);
	assert_int_equal(workday_between(cal, D("2026-03-09"), D("2026-03-09")), 0);
	assert_int_equal(workday_between(cal, D("2026-03-10"), D("2026-03-09")), 0);
	assert_int_equal(workday_between(cal, (tz_date){2026, 2, 30}, D("2026-03-09")), 0);

	tz_date out = {1, 2, 3};
	assert_false(workday_add(cal, D("2026-03-06"), -1, &out));
	assert_false(workday_add(cal, (tz_date){2027, 2, 29}, 1, &out));
	assert_date(add(cal, "9999-12-30", 1), "9999-12-31");
	assert_false(workday_add(cal, D("9999-12-30"), 2, &out));
	assert_false(workday_add(cal, D("2026-01-01"), 2147483647, &out));
	assert_int_equal(out.y, 1); /* untouched on failure */
	assert_int_equal(out.m, 2);
	assert_int_equal(out.d, 3);
	/* A long run of working days. */
	assert_date(add(cal, "2026-01-01", 2500), "2035-08-29");
	workday_cal_free(cal);
}

/* For many starts and n: add() lands on a working day, between() counts
 * back exactly n, the day before has n - 1, and both match a naive walk. */
static void test_add_between_consistent(void **state)
{
	(void)state;
	static const int ns[] = {0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 60};
	workday_cal *cal = workday_cal_new_builtin();
	/* An edit of our own, so more than the built-in table is exercised. */
	assert_true(workday_cal_set(cal, D("2026-07-15"), WORKDAY_HOLIDAY, "测试"));
	int checked = 0;
	for (tz_date s = D("2025-11-01"); workday_date_cmp(s, D("2028-02-29")) <= 0;
		s = workday_date_add_days(s, 1)) {
		for (size_t i = 0; i < ARRAY_LEN(ns); i++) {
			int n = ns[i];
			tz_date d;
			assert_true(workday_add(cal, s, n, &d));
			tz_date want = naive_add(cal, s, n);
			assert_int_equal(workday_date_cmp(d, want), 0);
			assert_true(workday_is_working(cal, d));
			if (n == 0 && workday_is_working(cal, s)) {
				assert_int_equal(workday_date_cmp(d, s), 0);
				continue;
			}
			int k = n > 0 ? n : 1;
			assert_int_equal(workday_between(cal, s, d), k);
			assert_int_equal(workday_between(cal, s, workday_date_add_days(d, -1)), k - 1);
			checked++;
		}
		tz_date b = workday_date_add_days(s, 40);
		assert_int_equal(workday_between(cal, s, b), naive_between(cal, s, b));
	}
	assert_true(checked > 8000);
	workday_cal_free(cal);
}

static void test_edit(void **state)
{
	(void)state;
	workday_cal *cal = workday_cal_new();
	const char *name = "x";
	assert_int_equal(workday_cal_count(cal), 0);
	assert_true(workday_is_working(cal, D("2026-03-02")));
	assert_date(add(cal, "2026-02-27", 1), "2026-03-02");

	char label[] = "测试假日";
	assert_true(workday_cal_set(cal, D("2026-03-02"), WORKDAY_HOLIDAY, label));
	label[0] = 'X'; /* the calendar keeps its own copy */
	assert_false(workday_is_working(cal, D("2026-03-02")));
	assert_int_equal(workday_cal_get(cal, D("2026-03-02"), &name), WORKDAY_HOLIDAY);
	assert_string_equal(name, "测试假日");
	assert_date(add(cal, "2026-02-27", 1), "2026-03-03");

	assert_true(workday_cal_set(cal, D("2026-02-28"), WORKDAY_MAKEUP, NULL));
	assert_true(workday_is_working(cal, D("2026-02-28")));
	assert_int_equal(workday_cal_get(cal, D("2026-02-28"), &name), WORKDAY_MAKEUP);
	assert_string_equal(name, "");
	assert_date(add(cal, "2026-02-27", 1), "2026-02-28");
	assert_int_equal(workday_cal_count(cal), 2);

	/* Replacing keeps one entry per date. */
	assert_true(workday_cal_set(cal, D("2026-03-02"), WORKDAY_MAKEUP, "改为上班"));
	assert_int_equal(workday_cal_count(cal), 2);
	assert_true(workday_is_working(cal, D("2026-03-02")));
	assert_int_equal(workday_between(cal, D("2026-02-27"), D("2026-03-02")), 2);

	/* Listing in date order. */
	tz_date d;
	workday_kind k;
	assert_true(workday_cal_entry(cal, 0, &d, &k, &name));
	assert_date(d, "2026-02-28");
	assert_int_equal(k, WORKDAY_MAKEUP);
	assert_true(workday_cal_entry(cal, 1, &d, &k, &name));
	assert_date(d, "2026-03-02");
	assert_string_equal(name, "改为上班");
	assert_false(workday_cal_entry(cal, 2, &d, &k, &name));

	/* Clearing. */
	assert_true(workday_cal_clear(cal, D("2026-02-28")));
	assert_false(workday_cal_clear(cal, D("2026-02-28")));
	assert_false(workday_is_working(cal, D("2026-02-28")));
	assert_int_equal(workday_cal_count(cal), 1);
	assert_date(add(cal, "2026-02-27", 1), "2026-03-02");

	/* Bad edits change nothing. */
	assert_false(workday_cal_set(cal, (tz_date){2026, 2, 30}, WORKDAY_HOLIDAY, "x"));
	assert_false(workday_cal_set(cal, D("2026-03-03"), WORKDAY_NORMAL, "x"));
	assert_false(workday_cal_set(cal, D("2026-03-03"), (workday_kind)7, "x"));
	assert_false(workday_cal_clear(cal, (tz_date){2026, 13, 1}));
	assert_int_equal(workday_cal_count(cal), 1);
	assert_true(workday_is_working(cal, D("2026-03-03")));

	/* Many edits in random order stay sorted and consistent. */
	srand(20260214);
	for (int i = 0; i < 2000; i++) {
		tz_date day = workday_date_add_days(D("2026-01-01"), rand() % 730);
		if (rand() % 4 == 0)
			workday_cal_clear(cal, day);
		else
			workday_cal_set(cal, day, rand() % 2 ? WORKDAY_HOLIDAY : WORKDAY_MAKEUP, "随机");
	}
	tz_date prev = {0, 0, 0};
	for (size_t i = 0; i < workday_cal_count(cal); i++) {
		assert_true(workday_cal_entry(cal, i, &d, NULL, NULL));
		if (i > 0)
			assert_true(workday_date_cmp(prev, d) < 0);
		prev = d;
	}
	for (tz_date s = D("2025-12-20"); workday_date_cmp(s, D("2028-01-10")) <= 0;
		s = workday_date_add_days(s, 3)) {
		tz_date got;
		assert_true(workday_add(cal, s, 9, &got));
		assert_int_equal(workday_date_cmp(got, naive_add(cal, s, 9)), 0);
	}
	workday_cal_free(cal);

	/* An administrator edits the built-in schedule: no make-up Saturday. */
	cal = workday_cal_new_builtin();
	assert_true(workday_cal_clear(cal, D("2026-02-14")));
	assert_date(add(cal, "2026-02-13", 1), "2026-02-24");
	workday_cal_free(cal);
	workday_cal_free(NULL);
}

static void test_kind_names(void **state)
{
	(void)state;
	workday_kind k = WORKDAY_NORMAL;
	assert_string_equal(workday_kind_name(WORKDAY_HOLIDAY), "holiday");
	assert_string_equal(workday_kind_name(WORKDAY_MAKEUP), "workday");
	assert_null(workday_kind_name(WORKDAY_NORMAL));
	assert_true(workday_kind_parse("holiday", &k));
	assert_int_equal(k, WORKDAY_HOLIDAY);
	assert_true(workday_kind_parse("workday", &k));
	assert_int_equal(k, WORKDAY_MAKEUP);
	assert_false(workday_kind_parse("Holiday", &k));
	assert_false(workday_kind_parse("", &k));
	assert_false(workday_kind_parse(NULL, &k));
	assert_int_equal(k, WORKDAY_MAKEUP);
}

/* A million deadline computations must be cheap: well under a second
 * normally; the bound is loose enough for valgrind. */
static void test_many_deadlines(void **state)
{
	(void)state;
	workday_cal *cal = workday_cal_new_builtin();
	tz_date start = D("2026-01-01");
	long sum = 0;
	clock_t t0 = clock();
	for (int i = 0; i < 1000000; i++) {
		tz_date s = workday_date_add_days(start, i % 700), d;
		int n = 1 + i % 60;
		assert_true(workday_add(cal, s, n, &d));
		sum += workday_date_diff(s, d);
	}
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	/* n working days never take fewer than n calendar days. */
	assert_true(sum >= 1000000L * 30);
	assert_true(secs < 60.0);
	workday_cal_free(cal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_add_days_and_diff),
		cmocka_unit_test(test_today_shanghai),
		cmocka_unit_test(test_overdue),
		cmocka_unit_test(test_builtin_2026),
		cmocka_unit_test(test_add_spring_festival),
		cmocka_unit_test(test_add_national_day),
		cmocka_unit_test(test_add_year_boundary),
		cmocka_unit_test(test_add_zero_and_limits),
		cmocka_unit_test(test_add_between_consistent),
		cmocka_unit_test(test_edit),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_many_deadlines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
