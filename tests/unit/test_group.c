/*
 * test_group.c — group commit (store/group.c): transactions sent from many
 * threads all land, each one's failure undoes only itself, a failed commit
 * is reported to its callers, and closing commits what was queued.
 */
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/db.h"

#define THREADS 6
#define PER_THREAD 40

typedef struct fixture {
	char path[64];
	db_group *g;
} fixture;

static int setup(void **state)
{
	fixture *f = xcalloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/tz-group-%d.db", (int)getpid());
	unlink(f->path);
	char *err = NULL;
	db *d = db_open(f->path, &err);
	assert_non_null(d);
	assert_int_equal(db_exec(d, "CREATE TABLE items(thread INTEGER, n INTEGER)", ""), DB_DONE);
	assert_int_equal(db_exec(d, "CREATE TABLE parent(id INTEGER PRIMARY KEY)", ""), DB_DONE);
	assert_int_equal(db_exec(d, "CREATE TABLE child(pid INTEGER REFERENCES parent(id)"
				    " DEFERRABLE INITIALLY DEFERRED)", ""), DB_DONE);
	db_close(d);
	f->g = db_group_open(f->path, &err);
	assert_non_null(f->g);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	db_group_close(f->g);
	char wal[80], shm[80];
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	snprintf(shm, sizeof shm, "%s-shm", f->path);
	unlink(f->path);
	unlink(wal);
	unlink(shm);
	free(f);
	return 0;
}

/* Open a connection that sends its transactions to the fixture's group. */
static db *grouped(fixture *f)
{
	char *err = NULL;
	db *d = db_open(f->path, &err);
	assert_non_null(d);
	db_use_group(d, f->g);
	return d;
}

typedef struct item {
	int64_t thread, n;
} item;

/* Insert the item, then refuse every seventh: its row must not stay. */
static int insert_item(db *d, void *vctx)
{
	item *it = vctx;
	if (db_exec(d, "INSERT INTO items(thread, n) VALUES (?, ?)", "ii", it->thread, it->n) !=
	    DB_DONE)
		return DB_ERROR;
	return it->n % 7 == 3 ? -1 : 0;
}

typedef struct worker {
	fixture *f;
	int index;
	int ok, refused;
} worker;

static void *work(void *arg)
{
	worker *w = arg;
	db *d = grouped(w->f);
	for (int n = 0; n < PER_THREAD; n++) {
		item it = {w->index, n};
		int rc = db_transact(d, insert_item, &it);
		if (rc == 0)
			w->ok++;
		else if (rc == -1)
			w->refused++;
	}
	db_close(d);
	return NULL;
}

static void test_many_threads_each_own_result(void **state)
{
	fixture *f = *state;
	pthread_t t[THREADS];
	worker w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (worker){f, i, 0, 0};
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	int ok = 0, refused = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		ok += w[i].ok;
		refused += w[i].refused;
	}
	int refused_each = 0;
	for (int n = 0; n < PER_THREAD; n++)
		refused_each += n % 7 == 3;
	assert_int_equal(refused, THREADS * refused_each);
	assert_int_equal(ok + refused, THREADS * PER_THREAD);
	db *d = grouped(f);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM items", ""), ok);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM items WHERE n % 7 = 3", ""), 0);
	assert_int_equal(db_scalar(d, -1, "SELECT count(DISTINCT thread * 1000 + n) FROM items", ""),
			 ok);
	uint64_t groups = 0, txs = 0;
	assert_true(db_group_stats(d, &groups, &txs));
	assert_int_equal(txs, (uint64_t)(THREADS * PER_THREAD));
	assert_true(groups >= 1 && groups <= txs);
	db_close(d);
}

static int insert_orphan(db *d, void *vctx)
{
	(void)vctx;
	return db_exec(d, "INSERT INTO child(pid) VALUES (999)", "") == DB_DONE ? 0 : DB_ERROR;
}

/* The savepoint of the transaction is released, but the commit refuses
 * the deferred foreign key: the caller must hear of the failure. */
static void test_failed_commit_is_reported(void **state)
{
	fixture *f = *state;
	db *d = grouped(f);
	assert_true(db_transact(d, insert_orphan, NULL) < 0);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM child", ""), 0);
	item it = {99, 1};
	assert_int_equal(db_transact(d, insert_item, &it), 0);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM items WHERE thread = 99", ""), 1);
	db_close(d);
}

static int nested_inner(db *d, void *vctx)
{
	(void)vctx;
	db_exec(d, "INSERT INTO items(thread, n) VALUES (77, 1)", "");
	return -5;
}

static int nested_outer(db *d, void *vctx)
{
	if (db_exec(d, "INSERT INTO items(thread, n) VALUES (77, 0)", "") != DB_DONE)
		return DB_ERROR;
	return db_transact(d, nested_inner, vctx) == -5 ? 0 : DB_ERROR;
}

/* Inside a grouped transaction, a nested one is a savepoint on the
 * writer's connection, undone alone. */
static void test_nested_transaction_in_group(void **state)
{
	fixture *f = *state;
	db *d = grouped(f);
	assert_int_equal(db_transact(d, nested_outer, NULL), 0);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM items WHERE thread = 77", ""), 1);
	assert_int_equal(db_scalar(d, -1, "SELECT n FROM items WHERE thread = 77", ""), 0);
	db_close(d);
}

static void test_connection_without_group(void **state)
{
	fixture *f = *state;
	char *err = NULL;
	db *d = db_open(f->path, &err);
	uint64_t groups, txs;
	assert_false(db_group_stats(d, &groups, &txs));
	item it = {55, 2};
	assert_int_equal(db_transact(d, insert_item, &it), 0);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM items WHERE thread = 55", ""), 1);
	db_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_many_threads_each_own_result, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_commit_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_transaction_in_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connection_without_group, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
