/*
 * unit.c — helpers shared by the unit tests (declared in unit.h): the
 * golden-file check of test_digest.c and test_briefing.c, and the pieces of
 * the in-memory ledger the ledger tests set up: actors, the database,
 * departments, channels. Linked into every tests/unit/test_*.c binary.
 */
#include "unit.h"

#include <errno.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ledger/catalog.h"
#include "ledger/channel.h"
#include "ledger/ledger.h"
#include "ledger/user.h"

char *unit_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return buf_steal(&b);
}

/* Write text to path; false when the file cannot be opened. */
static bool write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	fputs(text, f);
	fclose(f);
	return true;
}

void unit_golden(const char *path, const char *text, const char *tmp)
{
	if (getenv("TZ_GOLDEN_UPDATE")) {
		assert_true(write_text(path, text));
		return;
	}
	char *want = unit_read_file(path);
	bool same = want && strcmp(want, text) == 0;
	free(want);
	if (same)
		return;
	if (write_text(tmp, text)) {
		buf cmd = BUF_INIT;
		buf_printf(&cmd, "diff -u %s %s", path, tmp);
		if (system(buf_str(&cmd)) < 0)
			fprintf(stderr, "(diff did not run)\n");
		buf_free(&cmd);
	}
	fail_msg("%s differs from the text made here (diff above; new text in %s)", path, tmp);
}

actor unit_actor(unsigned role, int64_t user_id, int64_t dept, const char *name)
{
	actor a;
	memset(&a, 0, sizeof a);
	a.role = role;
	a.user_id = user_id;
	a.department_id = dept;
	snprintf(a.name, sizeof a.name, "%s", name);
	return a;
}

db *unit_ledger_open(void)
{
	char *err = NULL;
	user_set_hash_cost(crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
	db *d = db_open(":memory:", &err);
	if (!d)
		fail_msg("db_open: %s", err ? err : "?");
	assert_int_equal(db_migrate(d), 0);
	return d;
}

int64_t unit_department(db *d, const char *code, const char *name)
{
	department x = {0, (char *)code, (char *)name, (char *)"", true};
	char *msg = NULL;
	int rc = department_save(d, &x, &msg);
	if (rc != LEDGER_OK)
		fail_msg("department_save %s: %d %s", code, rc, msg ? msg : "");
	return x.id;
}

int64_t unit_channel(db *d, const char *name, int64_t dept, unsigned topics, int64_t now)
{
	channel c;
	char *msg = NULL;
	int64_t id = 0;
	memset(&c, 0, sizeof c);
	c.name = (char *)name;
	c.kind = (char *)"webhook";
	c.department_id = dept;
	c.target = (char *)"https://hooks.example.org/taizhang";
	c.topics = topics;
	c.active = true;
	int rc = channel_save(d, &c, now, &id, &msg);
	if (rc != LEDGER_OK)
		fail_msg("channel_save: %d %s", rc, msg ? msg : "");
	return id;
}

/* ---- a PostgreSQL database of one's own ---- */

/* TAIZHANG_TEST_PG with a slash at its end, or NULL. Caller frees. */
static char *pg_base(void)
{
	const char *b = getenv("TAIZHANG_TEST_PG");
	if (!b || !*b)
		return NULL;
	return str_printf("%s%s", b, b[strlen(b) - 1] == '/' ? "" : "/");
}

char *unit_pg_url(const char *name)
{
	char *base = pg_base();
	char *url = base ? str_printf("%s%s_%ld", base, name, (long)getpid()) : NULL;
	free(base);
	return url;
}

int unit_pg_admin(const char *sql)
{
	char *base = pg_base();
	if (!base)
		return -1;
	char *admin = str_printf("%spostgres", base);
	PGconn *c = PQconnectdb(admin);
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	free(admin);
	free(base);
	return ok ? 0 : -1;
}

char *unit_pg_create(const char *name)
{
	char *url = unit_pg_url(name);
	if (!url)
		return NULL;
	char *sql = str_printf("CREATE DATABASE %s_%ld TEMPLATE template0 ENCODING 'UTF8'"
			       " LC_COLLATE 'C' LC_CTYPE 'C'", name, (long)getpid());
	int rc = unit_pg_admin(sql);
	free(sql);
	if (rc < 0) {
		free(url);
		return NULL;
	}
	return url;
}

void unit_pg_drop(const char *name)
{
	char *sql = str_printf("DROP DATABASE IF EXISTS %s_%ld WITH (FORCE)", name, (long)getpid());
	if (getenv("TAIZHANG_TEST_PG"))
		unit_pg_admin(sql);
	free(sql);
}

char *unit_pg_db;

int unit_pg_setup(void **state)
{
	unit_pg_db = unit_pg_create(program_invocation_short_name);
	return getenv("TAIZHANG_TEST_PG") && !unit_pg_db ? -1 : 0;
}

int unit_pg_teardown(void **state)
{
	if (unit_pg_db)
		unit_pg_drop(program_invocation_short_name);
	free(unit_pg_db);
	unit_pg_db = NULL;
	return 0;
}
