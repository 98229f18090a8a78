/*
 * test_copy.c — copying a whole ledger (store/copy.h), SQLite to SQLite:
 * the demo ledger plus a fixture row in every table the demo leaves empty
 * (blobs with NUL bytes and an empty one, floats that need all 17 digits,
 * NULLs, an area and a matter that point forward to a row with a larger
 * id) copies with equal counts and checksums, and SQLite itself finds the
 * two alike (EXCEPT both ways on the attached source); a target tampered
 * with in any one way (a text, a byte of a blob, the last digit of a
 * float, NULL made '', a row gone) is found out, and only that table;
 * a non-empty target, a table the copy does not know (on either side),
 * other schema versions and a database without a ledger are refused with
 * nothing written. Every table of a ledger with every migration is named
 * in the copy's lists, so a table a new migration adds fails here first.
 */
#include "unit.h"

#include "demo/demo.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/user.h"
#include "store/copy.h"
#include "store/db.h"

#include <dirent.h>
#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

/* 2026-05-20 10:30 Beijing time, as test_demo.c. */
#define NOW ((int64_t)1779244200)

static char dir[] = "/tmp/tz-test-copy-XXXXXX";
static char src_path[64];
static db *src;
static int ntargets;

/* A fresh SQLite database file in the test's directory; *path gets its
 * name (caller frees). */
static db *new_db(char **path)
{
	char *err = NULL;
	*path = str_printf("%s/t%d.db", dir, ++ntargets);
	db *d = db_open(*path, &err);
	if (!d)
		fail_msg("db_open %s: %s", *path, err ? err : "?");
	return d;
}

static void exec_ok(db *d, const char *sql)
{
	int r = db_exec(d, sql, "");
	if (r != DB_DONE)
		fail_msg("%s: %d", sql, r);
}

static const unsigned char weights[] = {0x00, 0x01, 0xff, 0x00, 'T', 'Z', 0x80, 0x00};

/* A row in every table the demo leaves empty, and values that test the
 * canonical form: blobs with NUL bytes and an empty one, full-precision
 * floats, references forward to larger ids. */
static int fill_rest(db *d)
{
	static const char *const rows[] = {
		"INSERT INTO api_keys(name, key_hash, role, created_at) VALUES ('市民热线', 'k1', 'app', 1)",
		"INSERT INTO sessions(id, user_id, csrf, created_at, expires_at)"
		" SELECT 's1', min(id), 'c1', 1, 2 FROM users",
		"INSERT INTO login_failures(login, remote, at) VALUES ('admin', '203.0.113.5', 3)",
		"INSERT INTO login_failures(login, remote, at) VALUES ('admin', '203.0.113.6', 4)",
		"INSERT INTO calendar_days(day, kind, name) VALUES ('2026-10-10', 'workday', '调休')",
		"INSERT INTO rate_limits(key, window_start, hits) VALUES ('submit:203.0.113.5', 60, 2)",
		"INSERT INTO request_tokens(token, matter_id, created_at) SELECT 'tok1', max(id), 5 FROM matters",
		"INSERT INTO attachments(matter_id, filename, content_type, size, data, created_at)"
		" SELECT min(id), '空.bin', 'application/octet-stream', 0, X'', 6 FROM matters",
		"INSERT INTO import_uploads(token_hash, user_id, filename, data, created_at)"
		" SELECT 'h1', min(id), '台账.csv', X'EFBBBF000A', 7 FROM users",
		"INSERT INTO channels(name, kind, target, secret, created_at)"
		" VALUES ('值班群', 'webhook', 'https://example.org/hook', 's', 8)",
		"INSERT INTO outbox(channel_id, topic, idem_key, title, body, next_at, created_at)"
		" SELECT max(id), 'daily', 'daily/2026-05-20', '日调度', '内容', 9, 9 FROM channels",
		/* Floats that need all 17 digits, and a whole one in a REAL column. */
		"UPDATE matters SET lat = 34.123456789012345, lon = 113.0 WHERE id = (SELECT min(id) FROM matters)",
		"UPDATE matters SET lat = 0.1, lon = -0.30000000000000004 WHERE id = (SELECT max(id) FROM matters)",
		/* Self-references to rows with a larger id. */
		"UPDATE areas SET parent_id = (SELECT max(id) FROM areas) WHERE id = (SELECT min(id) FROM areas)",
		"UPDATE matters SET merged_into = (SELECT max(id) FROM matters)"
		" WHERE id = (SELECT min(id) FROM matters)",
		NULL,
	};
	for (int i = 0; rows[i]; i++)
		if (db_exec(d, rows[i], "") != DB_DONE)
			return -1;
	if (db_exec(d, "INSERT INTO attachments(matter_id, filename, content_type, size, data, created_at)"
		       " SELECT max(id), 'w.bin', 'application/octet-stream', ?, ?, 10 FROM matters",
		       "ib", (int64_t)sizeof weights, weights, sizeof weights) != DB_DONE)
		return -1;
	return db_exec(d, "INSERT INTO routing_models(target, trained_at, examples, holdout, accuracy,"
			  " weights) VALUES ('department', 11, 100, 20, ?, ?)",
		       "db", 0.1 + 0.2, weights, sizeof weights);
}

static int load(db *d, void *ctx)
{
	buf accounts = BUF_INIT;
	int rc = demo_load(d, 7, 60, NOW, &accounts);
	buf_free(&accounts);
	return rc == 0 ? fill_rest(d) : -1;
}

static int setup(void **state)
{
	char *err = NULL;
	user_set_hash_cost(crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
	log_set_quiet(true);
	if (!mkdtemp(dir))
		return -1;
	snprintf(src_path, sizeof src_path, "%s/source.db", dir);
	if (!(src = db_open(src_path, &err)) || db_migrate(src) != 0)
		return -1;
	return db_transact(src, load, NULL) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	db_close(src);
	DIR *dd = opendir(dir);
	struct dirent *e;
	while (dd && (e = readdir(dd)))
		if (e->d_name[0] != '.') {
			char *p = str_printf("%s/%s", dir, e->d_name);
			unlink(p);
			free(p);
		}
	if (dd)
		closedir(dd);
	rmdir(dir);
	return 0;
}

static int64_t rows_of(db *d, const char *table)
{
	char *sql = str_printf("SELECT count(*) FROM %s", table);
	int64_t n = db_scalar(d, -1, sql, "");
	free(sql);
	return n;
}

/* Copy the source into a new database; returns it, *path its file. */
static db *copied(char **path, copy_report *rep)
{
	char *err = NULL;
	db *t = new_db(path);
	int r = copy_ledger(src, t, NULL, NULL, rep, &err);
	if (r != COPY_OK)
		fail_msg("copy_ledger: %d %s", r, err ? err : "");
	free(err);
	return t;
}

/* Every table of a ledger with every migration is copied or named as
 * derived: a new table must be placed in store/copy.c's lists. */
static void test_every_table_named(void **state)
{
	db_stmt *q = db_query(src, "SELECT name FROM sqlite_master WHERE type = 'table'"
				   " AND name NOT LIKE 'sqlite!_%' ESCAPE '!'", "");
	int n = 0;
	while (db_step(q) == DB_ROW) {
		const char *name = db_text(q, 0);
		bool known = strcmp(name, "schema_version") == 0;
		for (int i = 0; copy_copied_tables[i]; i++)
			known |= strcmp(copy_copied_tables[i], name) == 0;
		for (int i = 0; copy_derived_tables[i]; i++)
			known |= strcmp(copy_derived_tables[i], name) == 0;
		if (!known)
			fail_msg("table %s is in no list of store/copy.c", name);
		n++;
	}
	db_done(q);
	assert_true(n > 20);
}

/* The fixture exercises every copied table. */
static void test_every_table_filled(void **state)
{
	for (int i = 0; copy_copied_tables[i]; i++)
		if (rows_of(src, copy_copied_tables[i]) < 1)
			fail_msg("the fixture leaves %s empty: give it a row in fill_rest()",
				 copy_copied_tables[i]);
}

/* Rows of table in one database and not in the other (SQLite compares). */
static int64_t except(db *t, const char *table, bool src_first)
{
	char *sql = src_first ? str_printf("SELECT count(*) FROM (SELECT * FROM src.%s EXCEPT"
					   " SELECT * FROM main.%s)", table, table)
			      : str_printf("SELECT count(*) FROM (SELECT * FROM main.%s EXCEPT"
					   " SELECT * FROM src.%s)", table, table);
	int64_t n = db_scalar(t, -1, sql, "");
	free(sql);
	return n;
}

static void test_copy_equal(void **state)
{
	copy_report rep;
	char *path = NULL, *err = NULL;
	db *t = copied(&path, &rep);
	int ncopied = 0;
	while (copy_copied_tables[ncopied])
		ncopied++;
	assert_int_equal(rep.ntables, ncopied);
	int64_t total = 0;
	for (int i = 0; i < rep.ntables; i++) {
		const copy_table_check *c = &rep.tables[i];
		assert_true(c->same);
		assert_true(c->rows[0] > 0);
		assert_int_equal(c->rows[0], c->rows[1]);
		assert_int_equal(c->rows[0], rows_of(src, c->table));
		assert_memory_equal(c->sum[0], c->sum[1], COPY_SUM_BYTES);
		total += c->rows[0];
	}
	assert_int_equal(rep.rows, total);
	assert_int_equal(rep.schema_version, db_schema_version(src));
	copy_report_free(&rep);

	/* SQLite's own comparison, value by value, both ways. */
	assert_int_equal(db_exec(t, "ATTACH DATABASE ? AS src", "t", src_path), DB_DONE);
	for (int i = 0; copy_copied_tables[i]; i++) {
		assert_int_equal(except(t, copy_copied_tables[i], true), 0);
		assert_int_equal(except(t, copy_copied_tables[i], false), 0);
	}
	assert_int_equal(db_scalar(t, -1, "SELECT count(*) FROM attachments a JOIN src.attachments b"
					  " ON a.id = b.id AND typeof(a.data) = 'blob'"
					  " AND a.data = b.data", ""), 2);
	assert_int_equal(db_exec(t, "DETACH DATABASE src", ""), DB_DONE);
	/* The forward references arrived. */
	assert_int_equal(db_scalar(t, 0, "SELECT merged_into FROM matters ORDER BY id LIMIT 1", ""),
			 db_scalar(t, -1, "SELECT max(id) FROM matters", ""));
	assert_int_equal(db_scalar(t, 0, "SELECT parent_id FROM areas ORDER BY id LIMIT 1", ""),
			 db_scalar(t, -1, "SELECT max(id) FROM areas", ""));
	/* Nothing derived was copied: the caller rebuilds the index. */
	assert_int_equal(rows_of(t, "search_queue"), 0);
	assert_int_equal(copy_compare(src, t, NULL, NULL, &rep, &err), COPY_OK);
	assert_null(err);
	copy_report_free(&rep);
	db_close(t);
	free(path);
}

/* Each way of tampering with a copy is found, in its table only. */
static void test_tampered_found(void **state)
{
	static const struct {
		const char *sql, *table;
	} tampers[] = {
		{"UPDATE users SET name = name || '.' WHERE id = (SELECT max(id) FROM users)", "users"},
		{"UPDATE attachments SET data = X'0001FF00545A8001' WHERE filename = 'w.bin'",
		 "attachments"},
		{"UPDATE matters SET lat = 34.12345678901234 WHERE lat IS NOT NULL AND lat > 1", "matters"},
		{"UPDATE matters SET deadline = '' WHERE id = (SELECT min(id) FROM matters WHERE"
		 " deadline IS NULL)", "matters"},
		{"DELETE FROM login_failures WHERE remote = '203.0.113.6'", "login_failures"},
		{"UPDATE routing_models SET accuracy = 0.3", "routing_models"},
	};
	for (size_t k = 0; k < ARRAY_LEN(tampers); k++) {
		copy_report rep;
		char *path = NULL, *err = NULL;
		db *t = copied(&path, &rep);
		copy_report_free(&rep);
		exec_ok(t, tampers[k].sql);
		assert_int_equal(db_changes(t), 1);
		assert_int_equal(copy_compare(src, t, NULL, NULL, &rep, &err), COPY_DIFFERENT);
		assert_null(err);
		for (int i = 0; i < rep.ntables; i++)
			if (rep.tables[i].same != (strcmp(rep.tables[i].table, tampers[k].table) != 0))
				fail_msg("%s: table %s same=%d", tampers[k].sql, rep.tables[i].table,
					 rep.tables[i].same);
		copy_report_free(&rep);
		db_close(t);
		free(path);
	}
}

/* A refusal: COPY_REFUSED, a message that says what, nothing copied. */
static void expect_refused(db *from, db *to, const char *says)
{
	copy_report rep;
	char *err = NULL;
	assert_int_equal(copy_ledger(from, to, NULL, NULL, &rep, &err), COPY_REFUSED);
	assert_non_null(err);
	if (!strstr(err, says))
		fail_msg("'%s' does not say '%s'", err, says);
	free(err);
	copy_report_free(&rep);
	if (db_schema_version(to) > 0)
		assert_int_equal(rows_of(to, "matters"), 0);
}

static void test_refuses_non_empty_target(void **state)
{
	char *path = NULL;
	db *t = new_db(&path);
	assert_int_equal(db_migrate(t), 0);
	assert_true(unit_department(t, "zjb", "住建局") > 0);
	expect_refused(src, t, "departments");
	assert_int_equal(rows_of(t, "departments"), 1);
	db_close(t);
	free(path);
	/* A ledger made with `taizhang init` has the default categories. */
	t = new_db(&path);
	assert_int_equal(db_migrate(t), 0);
	assert_int_equal(catalog_install_defaults(t), LEDGER_OK);
	expect_refused(src, t, "not empty");
	db_close(t);
	free(path);
	/* A database with tables of its own and no ledger. */
	t = new_db(&path);
	exec_ok(t, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
	expect_refused(src, t, "no taizhang ledger");
	assert_int_equal(db_schema_version(t), 0);
	db_close(t);
	free(path);
}

/* A table the copy's lists do not name stops it, on either side. */
static void test_refuses_unknown_table(void **state)
{
	char *path = NULL;
	exec_ok(src, "CREATE TABLE stray (id INTEGER PRIMARY KEY, note TEXT)");
	exec_ok(src, "INSERT INTO stray(note) VALUES ('lost?')");
	db *t = new_db(&path);
	expect_refused(src, t, "'stray'");
	assert_int_equal(rows_of(t, "departments"), 0);
	exec_ok(src, "DROP TABLE stray");
	exec_ok(t, "CREATE TABLE stray2 (id INTEGER PRIMARY KEY)");
	expect_refused(src, t, "'stray2'");
	db_close(t);
	free(path);
}

static void test_refuses_other_versions(void **state)
{
	char *path = NULL;
	int v = db_schema_version(src);
	db *t = new_db(&path);
	exec_ok(src, "INSERT INTO schema_version(version, name, applied_at) VALUES (999, 'later', 1)");
	expect_refused(src, t, "newer than this taizhang");
	exec_ok(src, "DELETE FROM schema_version WHERE version = 999");
	char *del = str_printf("DELETE FROM schema_version WHERE version = %d", v);
	exec_ok(src, del);
	expect_refused(src, t, "bring it up to date");
	assert_int_equal(db_exec(src, "INSERT INTO schema_version(version, name, applied_at)"
				      " VALUES (?, 'back', 1)", "i", (int64_t)v), DB_DONE);
	assert_int_equal(db_schema_version(src), v);
	/* A target at an older version, even empty. */
	assert_int_equal(db_migrate(t), 0);
	exec_ok(t, del);
	expect_refused(src, t, "schema version");
	free(del);
	db_close(t);
	free(path);
	/* A source without a ledger. */
	db *empty = new_db(&path);
	free(path);
	t = new_db(&path);
	expect_refused(empty, t, "no taizhang ledger");
	db_close(empty);
	db_close(t);
	free(path);
}

static void test_url_problem(void **state)
{
	assert_null(copy_url_problem("taizhang.db"));
	assert_null(copy_url_problem("sqlite:/var/lib/taizhang/ledger.db"));
	assert_null(copy_url_problem("postgresql://tz@127.0.0.1:5432/taizhang"));
	assert_null(copy_url_problem("postgres://h1:5432,h2:5432/tz?target_session_attrs=read-write"));
	assert_non_null(copy_url_problem(""));
	assert_non_null(copy_url_problem(NULL));
	assert_non_null(copy_url_problem("sqlite:"));
	assert_non_null(copy_url_problem("postgresql://"));
	assert_non_null(copy_url_problem("mysql://root@localhost/tz"));
	assert_non_null(copy_url_problem("https://example.org/ledger.db"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_table_named),
		cmocka_unit_test(test_every_table_filled),
		cmocka_unit_test(test_copy_equal),
		cmocka_unit_test(test_tampered_found),
		cmocka_unit_test(test_refuses_non_empty_target),
		cmocka_unit_test(test_refuses_unknown_table),
		cmocka_unit_test(test_refuses_other_versions),
		cmocka_unit_test(test_url_problem),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
