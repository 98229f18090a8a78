/*
 * test_demo.c — the demo ledger: it loads into a fresh database; the same
 * seed gives the same matters in the same order (and another seed another
 * ledger); it reaches every status of the lifecycle, has overdue and rated
 * matters, the seed reports' matters by their own words, accounts for every
 * role, and histories whose events run forward in time; a non-empty
 * database is refused.
 */
#include "unit.h"

#include "demo/demo.h"
#include "ledger/calendar.h"
#include "ledger/matter.h"
#include "ledger/user.h"
#include "store/db.h"

#include <sodium.h>
#include <stdlib.h>

/* 2026-05-20 10:30 Beijing time: a Wednesday, outside the heating season. */
#define NOW ((int64_t)1779244200)
/* 2026-01-14 15:00 Beijing time: in the heating season. */
#define WINTER ((int64_t)1768374000)
/* 2026-09-10 11:00 Beijing time: the 90 days before are all outside it. */
#define SUMMER ((int64_t)1789009200)
#define GENERATED 200

static db *fresh(void)
{
	char *err = NULL;
	db *d = db_open(":memory:", &err);
	if (!d)
		fail_msg("db_open: %s", err ? err : "?");
	assert_int_equal(db_migrate(d), 0);
	return d;
}

/* A database loaded with the demo, shared by the read-only tests. */
static int setup(void **state)
{
	user_set_hash_cost(crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
	log_set_quiet(true);
	db *d = fresh();
	buf accounts = BUF_INIT;
	int rc = demo_load(d, 7, GENERATED, NOW, &accounts);
	buf_free(&accounts);
	if (rc != 0) {
		db_close(d);
		return -1;
	}
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	db_close(*state);
	return 0;
}

/* All titles and statuses in number order, one line each. */
static char *ledger_dump(db *d)
{
	buf b = BUF_INIT;
	db_stmt *q = db_query(d, "SELECT number, title, status, COALESCE(deadline, ''),"
				 " COALESCE(rating, ''), created_at FROM matters ORDER BY id", "");
	while (db_step(q) == DB_ROW)
		buf_printf(&b, "%s|%s|%s|%s|%s|%lld\n", db_text(q, 0), db_text(q, 1), db_text(q, 2),
			   db_text(q, 3), db_text(q, 4), (long long)db_int(q, 5));
	db_done(q);
	return buf_steal(&b);
}

static int64_t count(db *d, const char *sql, const char *arg)
{
	return db_scalar(d, -1, sql, "t", arg);
}

static void test_loads_with_accounts(void **state)
{
	db *d = *state;
	int64_t total = db_scalar(d, 0, "SELECT count(*) FROM matters", "");
	/* the seed matters plus the generated ones */
	assert_true(total >= GENERATED + 20);
	assert_true(total <= GENERATED + 60);
	assert_true(db_scalar(d, 0, "SELECT count(*) FROM departments", "") >= 12);
	assert_true(db_scalar(d, 0, "SELECT count(*) FROM areas WHERE kind = 'village'", "") == 7);
	/* every category has its usual department */
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM categories WHERE department_id IS NULL",
				   ""), 0);
	static const char *roles[] = {"admin", "leader", "clerk", "handler", "observer"};
	for (size_t i = 0; i < ARRAY_LEN(roles); i++)
		if (count(d, "SELECT count(*) FROM users WHERE role = ?", roles[i]) < 1)
			fail_msg("no %s account", roles[i]);
	assert_true(count(d, "SELECT count(*) FROM users WHERE role = ?", "clerk") >= 2);
	assert_true(count(d, "SELECT count(*) FROM users WHERE role = ?", "handler") >= 5);
}

static void test_printed_passwords_work(void **state)
{
	(void)state;
	db *d = fresh();
	buf accounts = BUF_INIT;
	buf_puts(&accounts, "stale text that must be replaced\n");
	assert_int_equal(demo_load(d, 1, 0, NOW, &accounts), 0);
	const char *text = buf_str(&accounts);
	assert_null(strstr(text, "stale"));
	/* each account line: login password ...; sign in with each */
	int checked = 0;
	char *copy = xstrdup(text), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char login[64], password[64];
		if (sscanf(line, "%63s %63s", login, password) != 2 || strcmp(login, "登录名") == 0)
			continue;
		actor who;
		if (user_authenticate(d, login, password, "127.0.0.1", NOW, &who) != 0)
			fail_msg("cannot sign in as %s with the printed password", login);
		assert_true(strlen(password) >= 8);
		checked++;
	}
	free(copy);
	assert_true(checked >= 10);
	/* no generated matters, but the seed matters are there */
	assert_true(db_scalar(d, 0, "SELECT count(*) FROM matters", "") >= 20);
	buf_free(&accounts);
	db_close(d);
}

static void test_same_seed_same_ledger(void **state)
{
	db *a = *state, *b = fresh(), *other = fresh();
	buf accounts = BUF_INIT;
	assert_int_equal(demo_load(b, 7, GENERATED, NOW, &accounts), 0);
	assert_int_equal(demo_load(other, 8, GENERATED, NOW, &accounts), 0);
	char *da = ledger_dump(a), *db_ = ledger_dump(b), *dother = ledger_dump(other);
	assert_true(strlen(da) > 1000);
	assert_string_equal(da, db_);
	assert_string_not_equal(da, dother);
	free(da);
	free(db_);
	free(dother);
	buf_free(&accounts);
	db_close(b);
	db_close(other);
}

static void test_every_status(void **state)
{
	db *d = *state;
	for (int st = 0; st < ST_COUNT; st++)
		if (count(d, "SELECT count(*) FROM matters WHERE status = ?", status_name(st)) < 1)
			fail_msg("no matter is %s (%s)", status_name(st), status_label(st));
	/* most old matters are closed, and some recent ones still wait */
	int64_t closed = count(d, "SELECT count(*) FROM matters WHERE status = ?", "closed");
	assert_true(closed >= GENERATED / 3);
	assert_true(count(d, "SELECT count(*) FROM matters WHERE status = ?", "submitted") >= 2);
}

static void test_overdue_and_rated(void **state)
{
	db *d = *state;
	char today[11];
	ledger_today(NOW, today);
	int64_t overdue = db_scalar(d, -1, "SELECT count(*) FROM matters WHERE deadline < ? AND status"
					   " NOT IN ('resolved', 'closed', 'rejected', 'merged')",
				    "t", today);
	assert_true(overdue >= 1);
	/* the filter the overdue list uses agrees */
	actor admin = {.role = ROLE_ADMIN};
	matter_filter f = matter_filter_any();
	f.overdue_only = true;
	matter_list l;
	assert_int_equal(matter_find(d, &admin, &f, today, &l), 0);
	assert_int_equal(l.total, overdue);
	for (size_t i = 0; i < l.n; i++)
		assert_true(l.items[i].overdue);
	matter_list_free(&l);
	int64_t satisfied = count(d, "SELECT count(*) FROM matters WHERE rating = ?", "satisfied");
	int64_t basic = count(d, "SELECT count(*) FROM matters WHERE rating = ?", "basic");
	assert_true(satisfied >= 20);
	assert_true(basic >= 2);
	assert_true(satisfied > basic);
	/* dissatisfied ratings are kept in the events (the matter is reopened) */
	assert_true(count(d, "SELECT count(*) FROM events WHERE action = 'rate' AND data LIKE ?",
			  "%dissatisfied%") >= 1);
	/* ... and handled again: resolved after the dissatisfied rating */
	assert_true(count(d, "SELECT count(*) FROM events a JOIN events b ON b.matter_id = a.matter_id"
			     " AND b.id > a.id WHERE a.action = 'rate' AND a.data LIKE ?"
			     " AND b.action = 'resolve'", "%dissatisfied%") >= 1);
	assert_true(count(d, "SELECT count(*) FROM events WHERE action = ?", "extend") >= 1);
	assert_true(count(d, "SELECT count(*) FROM events WHERE action = ?", "return") >= 1);
	assert_true(count(d, "SELECT count(*) FROM events WHERE action = ?", "progress") >= 50);
}

static void test_seed_matters(void **state)
{
	db *d = *state;
	static const char *words[] = {"口袋公园", "41个变电箱", "中心幼儿园", "公共厕所100余座",
				      "智慧平安社区", "一中前小区11号楼旁井盖松动",
				      "一中前小区下水管道堵塞", "憩园小区改造工程", "荷花道片区",
				      "北辛溜醫院", "微心愿"};
	for (size_t i = 0; i < ARRAY_LEN(words); i++) {
		char *like = str_printf("%%%s%%", words[i]);
		if (count(d, "SELECT count(*) FROM matters WHERE title LIKE ?", like) < 1)
			fail_msg("no matter titled with \"%s\"", words[i]);
		free(like);
	}
	/* the pocket park went all the way and kept the report's numbers */
	assert_int_equal(count(d, "SELECT count(*) FROM matters WHERE title LIKE ? AND status = 'closed'"
				  " AND result LIKE '%140株%2000余平方米%'", "%口袋公园%"), 1);
	/* the duplicate sewer report was merged into the first */
	assert_int_equal(count(d, "SELECT count(*) FROM matters m JOIN matters t ON t.id = m.merged_into"
				  " WHERE m.status = 'merged' AND t.title LIKE ?", "%一中前小区下水管道%"), 1);
	/* the misrouted manhole cover went back and on to the community */
	assert_int_equal(count(d, "SELECT count(*) FROM events e JOIN matters m ON m.id = e.matter_id"
				  " WHERE e.action = 'return' AND m.title LIKE ?", "%井盖松动，存在%"), 1);
}

static void test_generated_texts(void **state)
{
	db *d = *state;
	/* templates filled: no token left, places named, private data present
	 * only in the private columns */
	assert_int_equal(count(d, "SELECT count(*) FROM matters WHERE title LIKE ? OR description"
				  " LIKE '%{%' OR result LIKE '%{%'", "%{%"), 0);
	assert_true(count(d, "SELECT count(*) FROM matters WHERE kind = ?", "wish") >= 5);
	assert_true(count(d, "SELECT count(*) FROM matters WHERE kind = ?", "inspection") >= 5);
	assert_true(count(d, "SELECT count(*) FROM matters WHERE submitter_phone LIKE ?", "1__0000____")
		    >= GENERATED / 2);
	static const char *channels[] = {"web", "hotline", "box", "visit", "app"};
	for (size_t i = 0; i < ARRAY_LEN(channels); i++)
		if (count(d, "SELECT count(*) FROM matters WHERE channel = ?", channels[i]) < 3)
			fail_msg("few matters through %s", channels[i]);
	/* no matter or event lies in the future or before the 90 days */
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM events WHERE at > ? OR at < ?", "ii",
				   NOW, NOW - 92 * 86400), 0);
}

static void test_events_in_time_order(void **state)
{
	db *d = *state;
	/* per matter, events run forward in time in the order they were written */
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM events a JOIN events b ON"
					  " b.matter_id = a.matter_id AND b.id > a.id WHERE b.at < a.at", ""),
			 0);
	/* every matter begins with its submission */
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM matters m WHERE (SELECT action FROM"
					  " events WHERE matter_id = m.id ORDER BY id LIMIT 1) <> 'submit'", ""),
			 0);
	/* numbers run with time */
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM matters a JOIN matters b ON b.id = a.id + 1"
					  " WHERE b.created_at < a.created_at", ""),
			 0);
}

static void test_heating_in_season(void **state)
{
	(void)state;
	buf accounts = BUF_INIT;
	db *d = fresh();
	assert_int_equal(demo_load(d, 3, GENERATED, WINTER, &accounts), 0);
	assert_true(count(d, "SELECT count(*) FROM matters WHERE title LIKE ?", "%暖气不热%") >= 1);
	db_close(d);
	/* none in summer */
	d = fresh();
	assert_int_equal(demo_load(d, 3, GENERATED, SUMMER, &accounts), 0);
	assert_int_equal(count(d, "SELECT count(*) FROM matters WHERE title LIKE ?", "%暖气不热%"), 0);
	db_close(d);
	/* and in spring only those handed in by March */
	d = fresh();
	assert_int_equal(demo_load(d, 3, GENERATED, NOW, &accounts), 0);
	assert_int_equal(count(d, "SELECT count(*) FROM matters WHERE title LIKE ? AND"
				  " strftime('%m', created_at + 8 * 3600, 'unixepoch') BETWEEN '04' AND '10'",
			       "%暖气不热%"), 0);
	buf_free(&accounts);
	db_close(d);
}

static void test_refuses_non_empty(void **state)
{
	db *d = *state;
	buf accounts = BUF_INIT;
	int64_t before = db_scalar(d, 0, "SELECT count(*) FROM matters", "");
	assert_int_equal(demo_load(d, 7, 10, NOW, &accounts), -1);
	assert_int_equal(db_scalar(d, 0, "SELECT count(*) FROM matters", ""), before);
	buf_free(&accounts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads_with_accounts),
		cmocka_unit_test(test_printed_passwords_work),
		cmocka_unit_test(test_same_seed_same_ledger),
		cmocka_unit_test(test_every_status),
		cmocka_unit_test(test_overdue_and_rated),
		cmocka_unit_test(test_seed_matters),
		cmocka_unit_test(test_generated_texts),
		cmocka_unit_test(test_events_in_time_order),
		cmocka_unit_test(test_heating_in_season),
		cmocka_unit_test(test_refuses_non_empty),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
