/*
 * test_rates.c — the three rates and the on-time rate (ledger/rates.c) on a
 * hand-built ledger whose every count was worked out by hand from the
 * formulas in rates.h; then a second ledger whose per-department and
 * per-period sums are worked out in a table (docs/rates.md explains them).
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

/* ---- hand-computed fixtures: per department and per period ----
 *
 * A second ledger, today 2026-11-23, departments c (城管) and w (水务),
 * two weeks of matters. "rate events" are 评价 events in the log: the
 * latest one is the matter's rating (a dissatisfied rating is kept only
 * there; the matters.rating column holds satisfied/basic). Dates are
 * 2026-MM-DD; responses and resolutions at 23:00 Beijing time.
 *
 *  #  created dept status      respond_by responded deadline resolved rating col  rate events   public
 *  1  11-02   c    closed      11-03      11-02     11-10    11-09    satisfied   satisfied
 *  2  11-03   c    resolved    11-04      11-05     11-12    11-13    basic       basic
 *  3  11-04   c    reopened    11-05      11-04     11-20    11-10    -           dissatisfied
 *  4  11-05   w    in_progress 11-06      11-06     11-30    -        -           -
 *  5  11-06   w    assigned    11-09      -         11-16    -        -           -
 *  6  11-07   -    rejected    11-09      11-09     -        -        -           -
 *  7  11-08   c    merged      11-09      11-08     11-18    -        -           -
 *  8  11-09   w    closed      11-10      11-10     11-20    11-18    -           -
 *  9  11-10   w    resolved    11-11      11-10     11-25    11-20    satisfied   dissatisfied, satisfied
 * 10  11-12   -    submitted   11-13      -         -        -        -           -
 * 11  11-14   c    returned    11-17      11-14     11-21    -        -           -
 * 12  11-15   c    closed      11-16      11-16     11-28    11-20    satisfied   satisfied     private
 *
 * Each matter's part (7 is merged: in nothing):
 *  #  response       resolution (due? confirmed?)     rated/pleased  on time   completion  overdue
 *  1  yes            due, yes (closed)                 yes/yes        yes       yes         -
 *  2  no (a day late) due, yes (resolved + basic)      yes/yes        no        yes         -
 *  3  yes            due (past 11-20), no              yes/no         -         no          yes
 *  4  yes            not due (deadline 11-30)          -              -         no          -
 *  5  no (never)     due (past 11-16), no              -              -         no          yes
 *  6  yes (rejected) - (rejected)                      -              -         - (rejected) -
 *  8  yes            due, yes (closed)                 -              yes       yes         -
 *  9  yes            due, yes (resolved + satisfied)   yes/yes        yes       yes         -
 * 10  no (never)     - (not taken in)                  -              -         no          -
 * 11  yes            due (past 11-21), no              -              -         no          yes
 * 12  yes            due, yes (closed)                 yes/yes        yes       yes         -
 *
 * Sums (num/den):
 *                       response resolution satisfaction on_time completion overdue
 *  all, 11-01..11-30    8/11     5/8        4/5          4/5     5/10       3
 *   c (1 2 3 11 12)     4/5      3/5        3/4          2/3     3/5        2
 *   w (4 5 8 9)         3/4      2/3        1/1          2/2     2/4        1
 *   none (6 10)         1/2      0/0        0/0          0/0     0/1        0
 *  week 11-02..11-08    4/6      2/4        2/3          1/2     2/5        2
 *   c (1 2 3)           2/3      2/3        2/3          1/2     2/3        1
 *   w (4 5)             1/2      0/1        0/0          0/0     0/2        1
 *   none (6)            1/1      0/0        0/0          0/0     0/0        0
 *  week 11-09..11-15    4/5      3/4        2/2          3/3     3/5        1
 *   c (11 12)           2/2      1/2        1/1          1/1     1/2        1
 *   w (8 9)             2/2      2/2        1/1          2/2     2/2        0
 *   none (10)           0/1      0/0        0/0          0/0     0/1        0
 *
 * Reading the rating column alone would give satisfaction 4/4 for the
 * month: matter 3's dissatisfied resident would be left out.
 */
typedef struct fx {
	const char *created, *dept, *status, *respond_by, *responded, *deadline, *resolved,
		*rating, *events;
	int is_public;
} fx;

static const fx fixtures[] = {
	{"2026-11-02", "c", "closed", "2026-11-03", "2026-11-02", "2026-11-10", "2026-11-09", "satisfied", "satisfied", 1},
	{"2026-11-03", "c", "resolved", "2026-11-04", "2026-11-05", "2026-11-12", "2026-11-13", "basic", "basic", 1},
	{"2026-11-04", "c", "reopened", "2026-11-05", "2026-11-04", "2026-11-20", "2026-11-10", NULL, "dissatisfied", 1},
	{"2026-11-05", "w", "in_progress", "2026-11-06", "2026-11-06", "2026-11-30", NULL, NULL, NULL, 1},
	{"2026-11-06", "w", "assigned", "2026-11-09", NULL, "2026-11-16", NULL, NULL, NULL, 1},
	{"2026-11-07", NULL, "rejected", "2026-11-09", "2026-11-09", NULL, NULL, NULL, NULL, 1},
	{"2026-11-08", "c", "merged", "2026-11-09", "2026-11-08", "2026-11-18", NULL, NULL, NULL, 1},
	{"2026-11-09", "w", "closed", "2026-11-10", "2026-11-10", "2026-11-20", "2026-11-18", NULL, NULL, 1},
	{"2026-11-10", "w", "resolved", "2026-11-11", "2026-11-10", "2026-11-25", "2026-11-20", "satisfied", "dissatisfied satisfied", 1},
	{"2026-11-12", NULL, "submitted", "2026-11-13", NULL, NULL, NULL, NULL, NULL, 1},
	{"2026-11-14", "c", "returned", "2026-11-17", "2026-11-14", "2026-11-21", NULL, NULL, NULL, 1},
	{"2026-11-15", "c", "closed", "2026-11-16", "2026-11-16", "2026-11-28", "2026-11-20", "satisfied", "satisfied", 0},
};

/* The instant of 23:00 on date, or 0 for NULL. */
static int64_t late_on(const char *date)
{
	return date ? calendar_day_start(date) + 23 * 3600 : 0;
}

/* Write fixture x as matter number n, with its rate events. */
static void fx_add(db *f, const fx *x, int n)
{
	char number[32];
	snprintf(number, sizeof number, "TZ-2026-%06d", n);
	int64_t at = calendar_day_start(x->created) + 9 * 3600;
	int64_t dept = x->dept ? db_scalar(f, 0, "SELECT id FROM departments WHERE code = ?", "t",
					   x->dept)
			       : 0;
	assert_int_equal(
		db_exec(f, "INSERT INTO matters(number, secret, kind, title, channel, status, public,"
			   " department_id, respond_by, deadline, rating, responded_at, resolved_at,"
			   " created_at, updated_at) VALUES (?, 'x', 'request', '路灯不亮', 'web', ?, ?,"
			   " ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?)",
			"tti" "zttt" "iiii", number, x->status, (int64_t)x->is_public, dept,
			x->respond_by, x->deadline, x->rating, late_on(x->responded),
			late_on(x->resolved), at, at),
		DB_DONE);
	int64_t id = db_scalar(f, 0, "SELECT id FROM matters WHERE number = ?", "t", number);
	char events[64];
	snprintf(events, sizeof events, "%s", x->events ? x->events : "");
	int k = 0;
	for (char *save, *r = strtok_r(events, " ", &save); r; r = strtok_r(NULL, " ", &save)) {
		char *data = str_printf("{\"rating\":\"%s\",\"comment\":\"\"}", r);
		assert_int_equal(db_exec(f, "INSERT INTO events(matter_id, at, actor_label, action,"
					    " from_status, to_status, note, data) VALUES (?, ?, '群众',"
					    " 'rate', 'resolved', 'resolved', '', ?)",
					 "iit", id, late_on(x->resolved) + ++k, data),
				 DB_DONE);
		free(data);
	}
}

/* A fresh ledger with the fixtures above. */
static db *fx_ledger(void)
{
	char *err = NULL;
	db *f = db_open(":memory:", &err);
	assert_non_null(f);
	assert_int_equal(db_migrate(f), 0);
	assert_int_equal(db_exec(f, "INSERT INTO departments(code, name) VALUES ('c', '城管'),"
				    " ('w', '水务')", ""),
			 DB_DONE);
	for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
		fx_add(f, &fixtures[i], (int)i + 1);
	return f;
}

/* The expected sums of one row of the table above. */
typedef struct fx_sum {
	int64_t rn, rd, sn, sd, an, ad, on, od, cn, cd, overdue;
} fx_sum;

static void expect_sum(const rates *r, const fx_sum *e)
{
	expect(r->response, e->rn, e->rd);
	expect(r->resolution, e->sn, e->sd);
	expect(r->satisfaction, e->an, e->ad);
	expect(r->on_time, e->on, e->od);
	expect(r->completion, e->cn, e->cd);
	assert_int_equal(r->overdue, e->overdue);
}

/* One period: the total, then departments none, c and w, each both from
 * rates_compute and from rates_by_department. */
static void check_period(db *f, const char *from, const char *to, const fx_sum e[4])
{
	int64_t c = db_scalar(f, 0, "SELECT id FROM departments WHERE code = 'c'", "");
	int64_t w = db_scalar(f, 0, "SELECT id FROM departments WHERE code = 'w'", "");
	rates r;
	rates_filter all = {from, to, 0, 0, 0}, fc = {from, to, c, 0, 0}, fw = {from, to, w, 0, 0};
	assert_int_equal(rates_compute(f, &all, TODAY, &r), LEDGER_OK);
	expect_sum(&r, &e[0]);
	assert_int_equal(rates_compute(f, &fc, TODAY, &r), LEDGER_OK);
	expect_sum(&r, &e[2]);
	assert_int_equal(rates_compute(f, &fw, TODAY, &r), LEDGER_OK);
	expect_sum(&r, &e[3]);

	rates_group *g = NULL;
	size_t n = 0;
	assert_int_equal(rates_by_department(f, &all, TODAY, &g, &n), LEDGER_OK);
	assert_int_equal(n, 3);
	assert_int_equal(g[0].department_id, 0);
	assert_int_equal(g[1].department_id, c);
	assert_int_equal(g[2].department_id, w);
	for (size_t i = 0; i < n; i++)
		expect_sum(&g[i].r, &e[i + 1]);
	free(g);
}

static void test_fixture_month(void **state)
{
	db *f = fx_ledger();
	static const fx_sum e[4] = {
		{8, 11, 5, 8, 4, 5, 4, 5, 5, 10, 3}, /* all */
		{1, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0},   /* none */
		{4, 5, 3, 5, 3, 4, 2, 3, 3, 5, 2},   /* c */
		{3, 4, 2, 3, 1, 1, 2, 2, 2, 4, 1},   /* w */
	};
	check_period(f, "2026-11-01", "2026-11-30", e);

	/* the current status of c's matters: 1, 12 closed, 2 resolved, 3
	 * reopened, 11 returned (7, merged, is not counted) */
	rates_group *g = NULL;
	size_t n = 0;
	rates_filter all = {"2026-11-01", "2026-11-30", 0, 0, 0};
	assert_int_equal(rates_by_department(f, &all, TODAY, &g, &n), LEDGER_OK);
	assert_int_equal(g[1].by_status[ST_CLOSED], 2);
	assert_int_equal(g[1].by_status[ST_RESOLVED], 1);
	assert_int_equal(g[1].by_status[ST_REOPENED], 1);
	assert_int_equal(g[1].by_status[ST_RETURNED], 1);
	assert_int_equal(g[1].by_status[ST_MERGED], 0);
	assert_int_equal(g[0].by_status[ST_REJECTED] + g[0].by_status[ST_SUBMITTED], 2);
	free(g);
	db_close(f);
}

static void test_fixture_weeks(void **state)
{
	db *f = fx_ledger();
	static const fx_sum w1[4] = {
		{4, 6, 2, 4, 2, 3, 1, 2, 2, 5, 2}, /* all */
		{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, /* none */
		{2, 3, 2, 3, 2, 3, 1, 2, 2, 3, 1}, /* c */
		{1, 2, 0, 1, 0, 0, 0, 0, 0, 2, 1}, /* w */
	};
	static const fx_sum w2[4] = {
		{4, 5, 3, 4, 2, 2, 3, 3, 3, 5, 1}, /* all */
		{0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0}, /* none */
		{2, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1}, /* c */
		{2, 2, 2, 2, 1, 1, 2, 2, 2, 2, 0}, /* w */
	};
	check_period(f, "2026-11-02", "2026-11-08", w1);
	check_period(f, "2026-11-09", "2026-11-15", w2);
	db_close(f);
}

/* A leader's 重办 after a rating withdraws it; a dissatisfied rating that
 * reopened the matter stays. Two matters, both reopened now: 1 rated
 * satisfied, then sent back by a leader (unrated: the rating went with
 * the resolution); 2 rated dissatisfied (rated, not pleased). */
static void test_reopen_withdraws_rating(void **state)
{
	static const fx two[] = {
		{"2026-11-02", "c", "reopened", "2026-11-03", "2026-11-02", "2026-11-30", "2026-11-05", NULL, "satisfied", 1},
		{"2026-11-03", "c", "reopened", "2026-11-04", "2026-11-03", "2026-11-30", "2026-11-06", NULL, "dissatisfied", 1},
	};
	char *err = NULL;
	db *f = db_open(":memory:", &err);
	assert_non_null(f);
	assert_int_equal(db_migrate(f), 0);
	assert_int_equal(db_exec(f, "INSERT INTO departments(code, name) VALUES ('c', '城管')", ""), DB_DONE);
	fx_add(f, &two[0], 1);
	fx_add(f, &two[1], 2);
	assert_int_equal(db_exec(f, "INSERT INTO events(matter_id, at, actor_label, action, from_status,"
				    " to_status, note) SELECT id, ?, '领导', 'reopen', 'resolved',"
				    " 'reopened', '核验未通过' FROM matters WHERE number = 'TZ-2026-000001'",
				 "i", calendar_day_start("2026-11-07")),
			 DB_DONE);
	rates r;
	rates_filter all = {"2026-11-01", "2026-11-30", 0, 0, 0};
	assert_int_equal(rates_compute(f, &all, TODAY, &r), LEDGER_OK);
	expect(r.satisfaction, 0, 1);
	db_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_fixture_month),
		cmocka_unit_test(test_fixture_weeks),
		cmocka_unit_test(test_reopen_withdraws_rating),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
