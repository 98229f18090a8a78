/*
 * insert_ref.c — the reference for the Open311 submission benchmark: the
 * single-row insert transactions a ledger must make, done directly on
 * SQLite with the durability taizhang promises (WAL, synchronous=FULL) and
 * nothing else: no HTTP, no parsing, no validation.
 *
 *     insert_ref --db PATH --threads T --seconds S
 *
 * T threads, each with its own connection, each committing one transaction
 * per "submission" in a loop for S seconds: BEGIN IMMEDIATE, bump a per-year
 * counter, insert a row of a matter's size (about 700 bytes of Chinese text
 * in a table with the matters' indexes) and its event, COMMIT. Prints
 * "commits=N seconds=S per_second=R" on standard output.
 *
 * This program is the yardstick, not part of taizhang, so it talks to
 * SQLite directly.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS matters (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL, description TEXT NOT NULL, status TEXT NOT NULL,"
	"  deadline TEXT, department_id INTEGER, public INTEGER NOT NULL, created_at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS matters_status ON matters(status, deadline);"
	"CREATE INDEX IF NOT EXISTS matters_department ON matters(department_id, status);"
	"CREATE INDEX IF NOT EXISTS matters_created ON matters(created_at);"
	"CREATE INDEX IF NOT EXISTS matters_public ON matters(public, status, id);"
	"CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, matter_id INTEGER NOT NULL,"
	"  at INTEGER NOT NULL, action TEXT NOT NULL, note TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS events_matter ON events(matter_id, id);"
	"CREATE INDEX IF NOT EXISTS events_at ON events(at);";

static const char title[] = "金岛小区12号楼下水道堵塞，污水外溢";
static const char description[] =
	"金岛小区12号楼3单元门前的下水道堵了5天，污水从井口往外冒，味道很大，"
	"老人孩子出门都得绕着走，希望尽快派人疏通。金岛小区12号楼3单元门前的下水道"
	"堵了5天，污水从井口往外冒，味道很大，老人孩子出门都得绕着走，希望尽快派人疏通。";

typedef struct worker {
	const char *path;
	double seconds;
	long commits;
	bool failed;
} worker;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run one statement that returns no rows; false on failure. */
static bool step_done(sqlite3_stmt *st)
{
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE || r == SQLITE_ROW;
}

/* One submission: counter, matter, event, in one durable transaction. */
static bool submit_once(sqlite3 *db, sqlite3_stmt *const st[5])
{
	char number[32];
	if (!step_done(st[0]))
		return false;
	if (sqlite3_step(st[1]) != SQLITE_ROW) {
		sqlite3_reset(st[1]);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	long long value = sqlite3_column_int64(st[1], 0);
	sqlite3_reset(st[1]);
	snprintf(number, sizeof number, "TZ-2026-%06lld", value);
	sqlite3_bind_text(st[2], 1, number, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st[2], 2, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[2], 3, description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st[2], 4, (sqlite3_int64)time(NULL));
	bool ok = sqlite3_step(st[2]) == SQLITE_ROW;
	long long id = ok ? sqlite3_column_int64(st[2], 0) : 0;
	sqlite3_reset(st[2]);
	sqlite3_bind_int64(st[3], 1, id);
	sqlite3_bind_int64(st[3], 2, (sqlite3_int64)time(NULL));
	ok = ok && step_done(st[3]);
	if (!ok || !step_done(st[4])) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	return true;
}

static void *work(void *arg)
{
	worker *w = arg;
	sqlite3 *db = NULL;
	sqlite3_stmt *st[5] = {0};
	static const char *const sql[5] = {
		"BEGIN IMMEDIATE",
		"INSERT INTO counters(name, value) VALUES ('matter-2026', 1) ON CONFLICT(name)"
		" DO UPDATE SET value = counters.value + 1 RETURNING value",
		"INSERT INTO matters(number, title, description, status, public, created_at)"
		" VALUES (?, ?, ?, 'submitted', 1, ?) RETURNING id",
		"INSERT INTO events(matter_id, at, action, note) VALUES (?, ?, 'submit', '经网站渠道提交')",
		"COMMIT",
	};
	if (sqlite3_open(w->path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			     " PRAGMA foreign_keys=ON;", NULL, NULL, NULL) != SQLITE_OK) {
		w->failed = true;
		goto done;
	}
	sqlite3_busy_timeout(db, 5000);
	for (int i = 0; i < 5; i++)
		if (sqlite3_prepare_v2(db, sql[i], -1, &st[i], NULL) != SQLITE_OK) {
			fprintf(stderr, "insert_ref: %s\n", sqlite3_errmsg(db));
			w->failed = true;
			goto done;
		}
	double stop = now_s() + w->seconds;
	while (now_s() < stop) {
		if (submit_once(db, st))
			w->commits++;
	}
done:
	for (int i = 0; i < 5; i++)
		sqlite3_finalize(st[i]);
	sqlite3_close(db);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	int threads = 4;
	double seconds = 10;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--db"))
			path = argv[i + 1];
		else if (!strcmp(argv[i], "--threads"))
			threads = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
	}
	if (!path || threads < 1 || threads > 256 || seconds <= 0) {
		fprintf(stderr, "usage: insert_ref --db PATH [--threads T] [--seconds S]\n");
		return 2;
	}
	sqlite3 *db = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "insert_ref: %s\n", db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return 1;
	}
	sqlite3_close(db);
	worker *w = calloc((size_t)threads, sizeof *w);
	pthread_t *tid = calloc((size_t)threads, sizeof *tid);
	if (!w || !tid)
		return 1;
	double t0 = now_s();
	for (int i = 0; i < threads; i++) {
		w[i] = (worker){path, seconds, 0, false};
		pthread_create(&tid[i], NULL, work, &w[i]);
	}
	long total = 0;
	bool failed = false;
	for (int i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		total += w[i].commits;
		failed |= w[i].failed;
	}
	double took = now_s() - t0;
	printf("commits=%ld seconds=%.2f per_second=%.1f\n", total, took, total / took);
	free(w);
	free(tid);
	return failed ? 1 : 0;
}
