/*
 * test_rates.c — the three rates and the on-time rate (ledger/rates.c) on a
 * hand-built ledger whose every count was worked out by hand from the
 * formulas in rates.h.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "ledger/rates.h"

#define TODAY "2026-11-23"

static db *d;
static int64_t dept_a, dept_b;

/* A matter handed in on `created` (a date), with the given state; dates
 * may be NULL. */
static void add(const char *created, const char *status, int64_t dept, const char *respond_by,
		const char *responded, const char *deadline, const char *resolved,
		const char *rating)
{
	static int n;
	char number[32];
	snprintf(number, sizeof number, "TZ-2026-%06d", ++n);
	int64_t at = calendar_day_start(created) + 9 * 3600;
	/* a response or resolution late in the day still counts for that day */
	int64_t responded_at = responded ? calendar_day_start(responded) + 23 * 3600 : 0;
	int64_t resolved_at = resolved ? calendar_day_start(resolved) + 23 * 3600 : 0;
	assert_int_equal(
		db_exec(d, "INSERT INTO matters(number, secret, kind, title, channel, status,"
			   " department_id, respond_by, deadline, rating, responded_at, resolved_at,"
			   " created_at, updated_at) VALUES (?, 'x', 'request', '路灯不亮', 'web', ?,"
			   " ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?)",
			"ttzttt" "iiii", number, status, dept, respond_by, deadline, rating, responded_at,
			resolved_at, at, at),
		DB_DONE);
}

static int setup(void **state)
{
	char *err = NULL;
	d = db_open(":memory:", &err);
	assert_non_null(d);
	assert_int_equal(db_migrate(d), 0);
	assert_int_equal(db_exec(d, "INSERT INTO departments(code, name) VALUES ('a', '甲局'), ('b', '乙局')", ""),
			 DB_DONE);
	dept_a = db_scalar(d, 0, "SELECT id FROM departments WHERE code = 'a'", "");
	dept_b = db_scalar(d, 0, "SELECT id FROM departments WHERE code = 'b'", "");
	/*     created       status        dept    respond_by    responded     deadline      resolved      rating */
	add("2026-11-10", "submitted", 0, "2026-11-11", NULL, NULL, NULL, NULL);                      /* 1 */
	add("2026-11-10", "accepted", 0, "2026-11-11", "2026-11-11", "2026-11-30", NULL, NULL);       /* 2 */
	add("2026-11-10", "assigned", dept_a, "2026-11-11", "2026-11-12", "2026-11-20", NULL, NULL);  /* 3 */
	add("2026-11-10", "resolved", dept_a, "2026-11-11", "2026-11-10", "2026-11-20", "2026-11-18", "satisfied"); /* 4 */
	add("2026-11-10", "reopened", dept_a, "2026-11-11", "2026-11-10", "2026-11-28", "2026-11-17", "dissatisfied"); /* 5 */
	add("2026-11-10", "closed", dept_a, "2026-11-11", "2026-11-10", "2026-11-20", "2026-11-21", "basic"); /* 6 */
	add("2026-11-10", "rejected", 0, "2026-11-11", "2026-11-10", NULL, NULL, NULL);               /* 7 */
	add("2026-11-10", "merged", dept_a, "2026-11-11", "2026-11-10", "2026-11-20", NULL, NULL);    /* 8 */
	add("2026-10-01", "submitted", 0, "2026-10-09", NULL, NULL, NULL, NULL);                      /* 9 */
	add("2026-11-30", "resolved", dept_b, "2026-12-01", "2026-11-30", "2026-12-10", "2026-12-02", NULL); /* 10 */
	return 0;
}

static int teardown(void **state)
{
	db_close(d);
	return 0;
}

static void expect(rate r, int64_t num, int64_t den)
{
	assert_int_equal(r.num, num);
	assert_int_equal(r.den, den);
}

static void test_period(void **state)
{
	rates r;
	rates_filter f = {"2026-11-01", "2026-11-30", 0, 0, 0};
	assert_int_equal(rates_compute(d, &f, TODAY, &r), LEDGER_OK);
	/* handed in: 1-7 and 10 (8 merged, 9 before the period); 1 never
	 * responded, 3 responded a day late */
	expect(r.response, 6, 8);
	/* due: 3 (past its deadline), 4, 6, 10 (resolved); confirmed: 4
	 * (satisfied), 6 (closed); 10 is resolved but not yet confirmed */
	expect(r.resolution, 2, 4);
	/* rated: 4, 5, 6; pleased: 4 and 6 */
	expect(r.satisfaction, 2, 3);
	/* resolved with a deadline: 4 (in time), 6 (a day late), 10 (in time) */
	expect(r.on_time, 2, 3);
	assert_true(rate_percent(r.satisfaction) > 66.6 && rate_percent(r.satisfaction) < 66.7);
}

static void test_filters(void **state)
{
	rates r;
	rates_filter all = {NULL, NULL, 0, 0, 0};
	assert_int_equal(rates_compute(d, &all, TODAY, &r), LEDGER_OK);
	expect(r.response, 6, 9);
	rates_filter b = {NULL, NULL, dept_b, 0, 0};
	assert_int_equal(rates_compute(d, &b, TODAY, &r), LEDGER_OK);
	expect(r.response, 1, 1);
	expect(r.resolution, 0, 1);
	expect(r.satisfaction, 0, 0);
	expect(r.on_time, 1, 1);
	assert_true(rate_percent(r.satisfaction) < 0);
	rates_filter none = {"2027-01-01", "2027-01-31", 0, 0, 0};
	assert_int_equal(rates_compute(d, &none, TODAY, &r), LEDGER_OK);
	expect(r.response, 0, 0);
	expect(r.on_time, 0, 0);
	rates_filter bad = {"2026-11-31", NULL, 0, 0, 0};
	assert_int_equal(rates_compute(d, &bad, TODAY, &r), LEDGER_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_filters),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
