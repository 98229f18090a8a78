/*
 * test_search_queue.c — the search indexes catch up with the ledger
 * (ledger/search.h): a submission and an event queue their matter, the
 * index does not hold it until search_catch_up, every search catches up
 * first, and a rebuild empties the queue.
 */
#include "unit.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/search.h"
#include "store/db.h"

#include <stdlib.h>

#define NOW 1795000000 /* 2026-11-18, a working day */

static db *fresh(void)
{
	char *err = NULL;
	db *d = db_open(":memory:", &err);
	assert_non_null(d);
	assert_int_equal(db_migrate(d), 0);
	assert_int_equal(catalog_install_defaults(d), LEDGER_OK);
	return d;
}

static void submit(db *d, const char *title, char number[32])
{
	actor resident;
	memset(&resident, 0, sizeof resident);
	submission s;
	memset(&s, 0, sizeof s);
	s.kind = "request";
	s.channel = "web";
	s.title = title;
	s.description = "详细情况见标题。";
	s.is_public = true;
	char secret[16], *msg = NULL;
	assert_int_equal(matter_submit(d, &resident, &s, NOW, number, secret, &msg), LEDGER_OK);
	free(msg);
}

static int64_t queued(db *d)
{
	return db_scalar(d, -1, "SELECT count(*) FROM search_queue", "");
}

/* Rows of the pair index and of the character index that match q. */
static int64_t indexed(db *d, const char *table, const char *q)
{
	char *sql = str_printf("SELECT count(*) FROM %s WHERE %s MATCH ?", table, table);
	int64_t n = db_scalar(d, -1, sql, "t", q);
	free(sql);
	return n;
}

static int64_t found(db *d, const char *q)
{
	actor clerk;
	memset(&clerk, 0, sizeof clerk);
	clerk.role = ROLE_CLERK;
	matter_filter f = matter_filter_any();
	f.q = q;
	matter_list l;
	assert_int_equal(matter_find(d, &clerk, &f, "2026-11-18", &l), LEDGER_OK);
	int64_t n = l.total;
	matter_list_free(&l);
	return n;
}

/* A submission is queued, not yet indexed; a catch-up indexes it in every
 * index and empties the queue; a second catch-up has nothing to do. */
static void test_queue_then_catch_up(void **state)
{
	db *d = fresh();
	char a[32], b[32];
	submit(d, "金岛小区井盖松动", a);
	submit(d, "路灯不亮", b);
	assert_int_equal(queued(d), 2);
	assert_int_equal(indexed(d, "matter_search", "\"井盖\""), 0);
	assert_int_equal(search_catch_up(d), LEDGER_OK);
	assert_int_equal(queued(d), 0);
	assert_int_equal(indexed(d, "matter_search", "\"井盖\""), 1);
	assert_int_equal(indexed(d, "matter_chars", "\"灯\""), 1);
	assert_int_equal(indexed(d, "matter_chars_public", "\"井\""), 1);
	assert_int_equal(search_catch_up(d), LEDGER_OK);
	assert_int_equal(indexed(d, "matter_search", "\"井盖\""), 1);
	db_close(d);
}

/* A search sees what was just handed in, without anyone catching up. */
static void test_search_catches_up(void **state)
{
	db *d = fresh();
	char a[32];
	submit(d, "下水道堵塞，污水外溢", a);
	assert_int_equal(found(d, "下水道"), 1);
	assert_int_equal(found(d, "污"), 1);
	assert_int_equal(queued(d), 0);
	db_close(d);
}

/* A changed text is indexed again: the old words leave both indexes. */
static void test_reindex_forgets_old_text(void **state)
{
	db *d = fresh();
	char a[32];
	submit(d, "井盖松动", a);
	assert_int_equal(search_catch_up(d), LEDGER_OK);
	int64_t id = db_scalar(d, 0, "SELECT id FROM matters WHERE number = ?", "t", a);
	assert_int_equal(db_exec(d, "UPDATE matters SET title = '路灯不亮' WHERE id = ?", "i", id),
			 DB_DONE);
	assert_int_equal(search_enqueue(d, id), LEDGER_OK);
	assert_int_equal(search_catch_up(d), LEDGER_OK);
	assert_int_equal(indexed(d, "matter_search", "\"井盖\""), 0);
	assert_int_equal(indexed(d, "matter_chars", "\"井\""), 0);
	assert_int_equal(indexed(d, "matter_chars", "\"灯\""), 1);
	assert_int_equal(indexed(d, "matter_search", "\"路灯\""), 1);
	db_close(d);
}

/* A rebuild indexes everything and leaves nothing queued. */
static void test_rebuild_empties_queue(void **state)
{
	db *d = fresh();
	char a[32];
	submit(d, "广场舞噪音扰民", a);
	assert_int_equal(search_rebuild(d), LEDGER_OK);
	assert_int_equal(queued(d), 0);
	assert_int_equal(indexed(d, "matter_search", "\"噪音\""), 1);
	db_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_then_catch_up),
		cmocka_unit_test(test_search_catches_up),
		cmocka_unit_test(test_reindex_forgets_old_text),
		cmocka_unit_test(test_rebuild_empties_queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
