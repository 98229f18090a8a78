/*
 * unit.h — what every unit test includes: cmocka, the project's base, and
 * the helpers of unit.c that several tests share: the golden-file check and
 * the in-memory ledger most ledger tests start from.
 *
 * A unit test file is tests/unit/test_NAME.c with a main() that calls
 * cmocka_run_group_tests(); the Makefile builds each against unit.o and
 * libtaizhang.a, and tests/run counts its results.
 */
#ifndef TZ_TESTS_UNIT_H
#define TZ_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/util.h"
#include "ledger/actor.h"
#include "store/db.h"

/* ---- golden files ---- */

/* The whole file at path, NUL-terminated; the caller frees it. NULL when
 * it cannot be opened. */
char *unit_read_file(const char *path);

/* Check text against the golden file at path and fail the running test if
 * they differ, after writing text to tmp and printing `diff -u path tmp`.
 * With TZ_GOLDEN_UPDATE set in the environment, rewrite path with text
 * instead (after a deliberate change; read the diff first). */
void unit_golden(const char *path, const char *text, const char *tmp);

/* ---- an in-memory ledger ---- */

/* An actor of role, user_id (0: no user) and department dept (0: none),
 * named name. */
actor unit_actor(unsigned role, int64_t user_id, int64_t dept, const char *name);

/* A fresh in-memory ledger with every migration run and nothing else (no
 * categories: catalog_install_defaults adds them). Passwords are hashed at
 * the cheapest cost from here on: the tests' users guard nothing. Fails
 * the running test or setup when a step fails. The caller closes it. */
db *unit_ledger_open(void);

/* Save an active department code/name in d; returns its id. */
int64_t unit_department(db *d, const char *code, const char *name);

/* Save an active webhook channel named name, of department dept (0: the
 * office's), for topics (TOPIC_* of ledger/channel.h), created at now;
 * returns its id. */
int64_t unit_channel(db *d, const char *name, int64_t dept, unsigned topics, int64_t now);

/* ---- a PostgreSQL database of one's own ---- */

/* With TAIZHANG_TEST_PG naming a server (a base URL such as
 * postgresql://postgres@127.0.0.1:5433/, as `tests/run --pg` sets it),
 * make a fresh database NAME_PID on it (UTF8, C collation) and return its
 * URL (caller frees); NULL when no server is named, and the tests that
 * need one skip. unit_pg_drop(name) removes it again. */
char *unit_pg_create(const char *name);
void unit_pg_drop(const char *name);
/* The URL of database NAME_PID on that server (caller frees), made or not. */
char *unit_pg_url(const char *name);
/* Group setup and teardown of a test file that needs PostgreSQL: a fresh
 * database named after the test program (unit_pg_create), its URL in
 * unit_pg_db (NULL without a server); UNIT_NEED_PG() skips a test then. */
extern char *unit_pg_db;
int unit_pg_setup(void **state);
int unit_pg_teardown(void **state);
#define UNIT_NEED_PG()                                                          \
	do {                                                                    \
		if (!unit_pg_db) {                                              \
			print_message("skipped: TAIZHANG_TEST_PG names no server\n"); \
			skip();                                                 \
		}                                                               \
	} while (0)

/* Run sql on the server's "postgres" database: 0, or -1 with the error on
 * stderr. */
int unit_pg_admin(const char *sql);

#endif
