/*
 * sqlite.c — the SQLite backend of db.h.
 *
 * Settings: WAL journal, synchronous=FULL (an acknowledged write survives a
 * power cut), foreign keys on, a busy timeout. Statements are cached per
 * connection keyed by their SQL text and prepared once (SQLITE_PREPARE_PERSISTENT).
 * Writes run in BEGIN IMMEDIATE transactions, so a conflict shows up at BEGIN
 * (busy, retried) rather than as a deadlock in the middle.
 */
#include "store/backend.h"
#include "store/schema.h"
#include "store/sqlite_int.h"
#include "base/buf.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CACHE_SLOTS 256

typedef struct sq_stmt {
	db_stmt base;
	sqlite3_stmt *st;
	char *sql;       /* a copy of the SQL text, the cache key */
	bool busy;       /* handed out and not yet db_done()'d */
	bool cached;
} sq_stmt;

typedef struct sq_db {
	db base;
	sqlite3 *conn;
	int tx_depth;
	bool tx_failed_busy; /* a statement inside the transaction hit BUSY */
	sq_stmt *cache[CACHE_SLOTS];
	int ncache;
} sq_db;

/* The backend's own structs behind db.h's handles. */
#define SQ(d) ((sq_db *)(d))
#define ST(q) ((sq_stmt *)(q))

static const db_ops sqlite_ops;

/* How long a connection waits for the write lock, and how long a
 * transaction keeps retrying a busy database, in milliseconds. */
#define BUSY_TIMEOUT_MS 5000

static const char *sqlite_path(const char *url)
{
	if (str_empty(url))
		return "taizhang.db";
	if (strncmp(url, "sqlite:", 7) == 0)
		return url + 7;
	if (strncmp(url, "file:", 5) == 0)
		return url;
	return url;
}

db *sqlite_open(const char *url, char **err)
{
	sqlite3 *c = NULL;
	int rc = sqlite3_open_v2(sqlite_path(url), &c,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI |
					 SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		*err = str_printf("cannot open database %s: %s", sqlite_path(url),
				  c ? sqlite3_errmsg(c) : sqlite3_errstr(rc));
		sqlite3_close(c);
		return NULL;
	}
	sqlite3_busy_timeout(c, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c, 1);
	const char *pragmas = "PRAGMA journal_mode=WAL;"
			      "PRAGMA synchronous=FULL;"
			      "PRAGMA foreign_keys=ON;"
			      "PRAGMA temp_store=MEMORY;";
	char *msg = NULL;
	if (sqlite3_exec(c, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		*err = str_printf("cannot configure database: %s", msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(c);
		return NULL;
	}
	if (sqlite_register_tokenizer(c) != SQLITE_OK) {
		*err = xstrdup("cannot register the full-text tokenizer (SQLite without FTS5?)");
		sqlite3_close(c);
		return NULL;
	}
	sq_db *d = xcalloc(1, sizeof *d);
	d->base.ops = &sqlite_ops;
	d->conn = c;
	return &d->base;
}

static void sq_close(db *dd)
{
	sq_db *d = SQ(dd);
	for (int i = 0; i < d->ncache; i++) {
		sqlite3_finalize(d->cache[i]->st);
		free(d->cache[i]->sql);
		free(d->cache[i]);
	}
	sqlite3_close(d->conn);
	free(d);
}

/* Is rc a refusal by the storage itself rather than by the SQL: disk full,
 * read-only file or file system, I/O error, a file that cannot be opened?
 * Busy is counted separately, only once the retries are given up. */
static bool is_storage_failure(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
		return true;
	default:
		return false;
	}
}

/* Record a storage refusal on d and say in the log what happened. */
static void note_storage_failure(sq_db *d, int rc)
{
	db_note_storage_failure(&d->base);
	log_error("storage unavailable: %s (%s)", sqlite3_errstr(rc), sqlite3_errmsg(d->conn));
}

static int map_rc(sq_db *d, int rc)
{
	if (is_storage_failure(rc))
		note_storage_failure(d, rc);
	switch (rc & 0xff) {
	case SQLITE_ROW: return DB_ROW;
	case SQLITE_OK:
	case SQLITE_DONE: return DB_DONE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		if (d->tx_depth)
			d->tx_failed_busy = true;
		return DB_BUSY;
	case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
	default: return DB_ERROR;
	}
}

static sq_stmt *stmt_get(sq_db *d, const char *file, int line, const char *sql)
{
	for (int i = 0; i < d->ncache; i++) {
		sq_stmt *q = d->cache[i];
		if (!q->busy && strcmp(q->sql, sql) == 0) {
			q->busy = true;
			return q;
		}
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(d->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		log_msg("error", file, line, "prepare failed: %s", sqlite3_errmsg(d->conn));
		return NULL;
	}
	sq_stmt *q = xcalloc(1, sizeof *q);
	q->base.owner = &d->base;
	q->st = st;
	q->sql = xstrdup(sql);
	q->busy = true;
	if (d->ncache < CACHE_SLOTS) {
		q->cached = true;
		d->cache[d->ncache++] = q;
	}
	return q;
}

static int bind_one(sqlite3_stmt *st, int i, const db_arg *a)
{
	switch (db_arg_kind(a)) {
	case 'i':
	case 'z': return sqlite3_bind_int64(st, i, a->i);
	case 'd': return sqlite3_bind_double(st, i, a->d);
	case 't': return sqlite3_bind_text(st, i, a->t, -1, SQLITE_TRANSIENT);
	case 'b': return sqlite3_bind_blob64(st, i, a->t ? a->t : "", a->len, SQLITE_TRANSIENT);
	default: return sqlite3_bind_null(st, i);
	}
}

static void sq_done(db_stmt *qq);

static db_stmt *sq_query(db *dd, const char *file, int line, const char *sql, const db_arg *args,
			 int nargs)
{
	sq_db *d = SQ(dd);
	sq_stmt *q = stmt_get(d, file, line, sql);
	if (!q)
		return NULL;
	int want = sqlite3_bind_parameter_count(q->st);
	if (nargs != want) {
		log_msg("error", file, line, "bind count %d, statement wants %d", nargs, want);
		sq_done(&q->base);
		return NULL;
	}
	for (int i = 0; i < nargs; i++) {
		if (bind_one(q->st, i + 1, &args[i]) != SQLITE_OK) {
			log_msg("error", file, line, "bind %d failed: %s", i + 1,
				sqlite3_errmsg(d->conn));
			sq_done(&q->base);
			return NULL;
		}
	}
	return &q->base;
}

static int sq_step(db_stmt *qq)
{
	sq_stmt *q = ST(qq);
	sq_db *d = SQ(qq->owner);
	int rc = sqlite3_step(q->st);
	int r = map_rc(d, rc);
	if (r == DB_ERROR)
		log_error("step failed: %s", sqlite3_errmsg(d->conn));
	return r;
}

static void sq_done(db_stmt *qq)
{
	sq_stmt *q = ST(qq);
	sqlite3_reset(q->st);
	sqlite3_clear_bindings(q->st);
	q->busy = false;
	if (!q->cached) {
		sqlite3_finalize(q->st);
		free(q->sql);
		free(q);
	}
}

static int64_t sq_int(db_stmt *q, int col) { return sqlite3_column_int64(ST(q)->st, col); }
static double sq_double(db_stmt *q, int col) { return sqlite3_column_double(ST(q)->st, col); }
static bool sq_null(db_stmt *q, int col) { return sqlite3_column_type(ST(q)->st, col) == SQLITE_NULL; }

static const char *sq_text(db_stmt *q, int col)
{
	return (const char *)sqlite3_column_text(ST(q)->st, col);
}

static enum db_type sq_type(db_stmt *q, int col)
{
	switch (sqlite3_column_type(ST(q)->st, col)) {
	case SQLITE_INTEGER: return DB_INTEGER;
	case SQLITE_FLOAT: return DB_FLOAT;
	case SQLITE_TEXT: return DB_TEXT;
	case SQLITE_BLOB: return DB_BLOB;
	default: return DB_NULL;
	}
}

static const void *sq_blob(db_stmt *q, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(ST(q)->st, col);
	*len = (size_t)sqlite3_column_bytes(ST(q)->st, col);
	return p;
}

static int64_t sq_changes(db *d)
{
	return sqlite3_changes64(SQ(d)->conn);
}

static int raw_exec(sq_db *d, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(d->conn, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
		log_error("exec failed: %s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return map_rc(d, rc);
}

static bool sq_in_transaction(db *d)
{
	return !sqlite3_get_autocommit(SQ(d)->conn);
}

static int sq_transact(db *dd, db_tx_fn fn, void *ctx)
{
	sq_db *d = SQ(dd);
	unsigned seen = d->base.storage_failures;
	if (d->tx_depth) {
		/* Nested: a savepoint, so a failing inner step undoes only itself. */
		if (raw_exec(d, "SAVEPOINT nested") != DB_DONE)
			return db_storage_result(&d->base, DB_ERROR, seen);
		d->tx_depth++;
		int r = fn(dd, ctx);
		d->tx_depth--;
		if (r < 0)
			raw_exec(d, "ROLLBACK TO nested");
		raw_exec(d, "RELEASE nested");
		return db_storage_result(&d->base, r, seen);
	}
	int64_t t0 = db_now_ms();
	for (int attempt = 0;; attempt++) {
		int r = raw_exec(d, "BEGIN IMMEDIATE");
		if (r == DB_DONE) {
			d->tx_depth = 1;
			d->tx_failed_busy = false;
			r = fn(dd, ctx);
			bool busy = d->tx_failed_busy;
			d->tx_depth = 0;
			if (r >= 0 && !busy) {
				int c = raw_exec(d, "COMMIT");
				if (c == DB_DONE)
					return r;
				r = c;
			}
			if (sq_in_transaction(dd))
				raw_exec(d, "ROLLBACK");
			if (busy)
				r = DB_BUSY;
		}
		if (r != DB_BUSY)
			return db_storage_result(&d->base, r, seen);
		/* Why a limit in time as well as in tries: BEGIN IMMEDIATE has
		 * already waited up to the busy timeout for the lock, so another
		 * process holding it longer (a stuck sqlite3 shell, a backup
		 * tool) must give the user a clear "try later", not a hang. */
		if (attempt >= 20 || db_now_ms() - t0 >= BUSY_TIMEOUT_MS) {
			db_note_storage_failure(dd);
			log_error("storage unavailable: the database stayed locked for %lld ms",
				  (long long)(db_now_ms() - t0));
			return DB_UNAVAILABLE;
		}
		/* Back off a little, more each time, before trying again. */
		db_sleep_ms(1 + attempt * 5);
	}
}

static int sq_read_begin(db *d)
{
	int r = raw_exec(SQ(d), "BEGIN");
	if (r == DB_DONE)
		SQ(d)->tx_depth = 1;
	return r;
}

/* Ends a read snapshot too: nothing was written in it. */
static void sq_rollback_open(db *d)
{
	if (sq_in_transaction(d))
		raw_exec(SQ(d), "ROLLBACK");
	SQ(d)->tx_depth = 0;
}

/* SQLite's write transactions already run one at a time (BEGIN IMMEDIATE). */
static int sq_lock(db *d, const char *name)
{
	(void)d;
	(void)name;
	return DB_DONE;
}

static int sq_schema_version(db *d)
{
	if (db_scalar(d, 0, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'", "") == 0)
		return 0;
	return (int)db_scalar(d, 0, "SELECT max(version) FROM schema_version", "");
}

static int sq_migrate_begin(db *d)
{
	return raw_exec(SQ(d), "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY"
			       " KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
}

/* The portable part as written, then SQLite's own. */
static int sq_migrate_run(db *d, const migration *m)
{
	int r = raw_exec(SQ(d), m->sql);
	if (r == DB_DONE && m->sqlite)
		r = raw_exec(SQ(d), m->sqlite);
	return r;
}

/* Its write transactions already keep other processes out. */
static void sq_migrate_end(db *d)
{
	(void)d;
}

/* --- backup and restore ----------------------------------------------- */

void sqlite_remove(const char *url)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < ARRAY_LEN(suffix); i++) {
		char *p = str_printf("%s%s", sqlite_path(url), suffix[i]);
		unlink(p);
		free(p);
	}
}

bool sqlite_exists(const char *url)
{
	return access(sqlite_path(url), F_OK) == 0;
}

/* PRAGMA integrity_check must say "ok" and foreign_key_check find no row. */
static int check_conn(sqlite3 *c, char **err)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(c, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		*err = str_printf("integrity check failed: %s", sqlite3_errmsg(c));
		goto done;
	}
	const char *res = (const char *)sqlite3_column_text(st, 0);
	if (!res || strcmp(res, "ok") != 0) {
		*err = str_printf("integrity check failed: %s", res ? res : "no answer");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(c, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK) {
		*err = str_printf("foreign key check failed: %s", sqlite3_errmsg(c));
		goto done;
	}
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);
		*err = str_printf("foreign key check failed: a row of %s points nowhere",
				  table ? table : "?");
		goto done;
	}
	if (s != SQLITE_DONE) {
		*err = str_printf("foreign key check failed: %s", sqlite3_errmsg(c));
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	return rc;
}

static int sq_check_integrity(db *d, char **err)
{
	return check_conn(SQ(d)->conn, err);
}

/* Is c a taizhang ledger this build knows: a schema_version within our
 * migrations and the matters and events tables? */
static int check_ledger(sqlite3 *c, const char *path, char **err)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;
	int latest = schema_migrations[schema_nmigrations - 1].version;
	if (sqlite3_prepare_v2(c,
			       "SELECT (SELECT max(version) FROM schema_version),"
			       " (SELECT count(*) FROM sqlite_master WHERE type = 'table'"
			       "  AND name IN ('matters', 'events'))",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		if ((sqlite3_errcode(c) & 0xff) == SQLITE_CORRUPT)
			*err = str_printf("%s is damaged: %s", path, sqlite3_errmsg(c));
		else
			*err = str_printf("%s is not a taizhang ledger (%s)", path,
					  sqlite3_errmsg(c));
		goto done;
	}
	int64_t version = sqlite3_column_int64(st, 0);
	if (version < 1 || sqlite3_column_int64(st, 1) != 2) {
		*err = str_printf("%s is not a taizhang ledger (no ledger tables)", path);
		goto done;
	}
	if (version > latest) {
		*err = str_printf("%s has schema version %lld, newer than this program's %d",
				  path, (long long)version, latest);
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	return rc;
}

/* Refuse a path that exists, or whose journal or WAL does: a stale WAL
 * beside a new file would be replayed into it. */
static int path_free(const char *path, char **err)
{
	static const char *const suffix[] = {"", "-wal", "-journal"};
	for (size_t i = 0; i < ARRAY_LEN(suffix); i++) {
		char *p = str_printf("%s%s", path, suffix[i]);
		bool taken = access(p, F_OK) == 0;
		if (taken)
			*err = str_printf("%s already exists; not overwritten", p);
		free(p);
		if (taken)
			return -1;
	}
	return 0;
}

/* Remove a temporary copy and whatever SQLite left beside it. */
static void remove_copy(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < ARRAY_LEN(suffix); i++) {
		char *p = str_printf("%s%s", path, suffix[i]);
		unlink(p);
		free(p);
	}
}

/* Copy all of src into dst with the online backup API, in one step so the
 * copy is one consistent snapshot of src; retries a busy destination for
 * up to the busy timeout. */
static int copy_db(sqlite3 *dst, sqlite3 *src, char **err)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		*err = str_printf("backup cannot start: %s", sqlite3_errmsg(dst));
		return -1;
	}
	int64_t t0 = db_now_ms();
	int rc;
	while (((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
	       db_now_ms() - t0 < BUSY_TIMEOUT_MS)
		db_sleep_ms(20);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		*err = str_printf("backup failed: %s", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

/* Flush a file or directory to disk. */
static void sync_path(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* The directory part of path ("." when none); caller frees. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

/* Write a checked copy of src to tmp, a single self-contained file
 * (rollback journal, no WAL beside it). */
static int write_copy(sqlite3 *src, const char *tmp, char **err)
{
	sqlite3 *c = NULL;
	int rc = -1;
	remove_copy(tmp);
	if (sqlite3_open_v2(tmp, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		*err = str_printf("cannot create %s: %s", tmp, c ? sqlite3_errmsg(c) : "?");
		goto done;
	}
	sqlite3_busy_timeout(c, BUSY_TIMEOUT_MS);
	sqlite_register_tokenizer(c);
	if (copy_db(c, src, err) < 0)
		goto done;
	if (sqlite3_exec(c, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		*err = str_printf("cannot finish %s: %s", tmp, sqlite3_errmsg(c));
		goto done;
	}
	if (check_conn(c, err) < 0)
		goto done;
	rc = 0;
done:
	if (sqlite3_close(c) != SQLITE_OK && rc == 0) {
		*err = str_printf("cannot close %s", tmp);
		rc = -1;
	}
	if (rc == 0)
		sync_path(tmp);
	return rc;
}

/* Give the finished copy tmp its name; link() never replaces a file, so a
 * target that appeared meanwhile is refused, not overwritten. */
static int publish_copy(const char *tmp, const char *path, char **err)
{
	if (link(tmp, path) != 0) {
		*err = str_printf("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	unlink(tmp);
	char *dir = dir_of(path);
	sync_path(dir);
	free(dir);
	return 0;
}

static int sq_backup(db *src, const char *dest_path, char **err)
{
	if (path_free(dest_path, err) < 0)
		return -1;
	char *tmp = str_printf("%s.partial-%ld", dest_path, (long)getpid());
	int rc = -1;
	if (write_copy(SQ(src)->conn, tmp, err) < 0 || publish_copy(tmp, dest_path, err) < 0)
		goto done;
	rc = 0;
done:
	remove_copy(tmp);
	free(tmp);
	return rc;
}

/* Replace the existing ledger at path with the checked copy in from, in
 * one write transaction of the backup API (a running server's connections
 * see the old ledger or the new one, never a mix). */
static int replace_ledger(const char *path, sqlite3 *from, char **err)
{
	sqlite3 *c = NULL;
	int rc = -1;
	if (sqlite3_open_v2(path, &c, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		*err = str_printf("cannot open %s: %s", path, c ? sqlite3_errmsg(c) : "?");
		goto done;
	}
	sqlite3_busy_timeout(c, BUSY_TIMEOUT_MS);
	sqlite_register_tokenizer(c);
	if (copy_db(c, from, err) < 0 || check_conn(c, err) < 0)
		goto done;
	rc = 0;
done:
	sqlite3_close(c);
	return rc;
}

int sqlite_restore(const char *url, const char *from_path, bool force, char **err)
{
	const char *path = sqlite_path(url);
	char *tmp = str_printf("%s.restore-%ld", path, (long)getpid());
	sqlite3 *from = NULL;
	int rc = -1;
	bool exists = access(path, F_OK) == 0;
	if (exists && !force) {
		*err = str_printf("%s already exists; add --force to replace it", path);
		goto done;
	}
	if (!exists && path_free(path, err) < 0)
		goto done;
	if (sqlite3_open_v2(from_path, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		*err = str_printf("cannot open %s: %s", from_path,
				  from ? sqlite3_errmsg(from) : "?");
		goto done;
	}
	sqlite3_busy_timeout(from, BUSY_TIMEOUT_MS);
	sqlite_register_tokenizer(from);
	if (check_ledger(from, from_path, err) < 0)
		goto done;
	char *why = NULL;
	if (check_conn(from, &why) < 0) {
		*err = str_printf("%s is damaged: %s", from_path, why);
		free(why);
		goto done;
	}
	if (exists)
		rc = replace_ledger(path, from, err);
	else
		rc = write_copy(from, tmp, err) < 0 || publish_copy(tmp, path, err) < 0 ? -1 : 0;
done:
	sqlite3_close(from);
	remove_copy(tmp);
	free(tmp);
	return rc;
}

static const db_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.query = sq_query,
	.step = sq_step,
	.done = sq_done,
	.col_int = sq_int,
	.col_double = sq_double,
	.col_text = sq_text,
	.col_blob = sq_blob,
	.col_null = sq_null,
	.col_type = sq_type,
	.changes = sq_changes,
	.transact = sq_transact,
	.read_begin = sq_read_begin,
	.read_end = sq_rollback_open,
	.in_transaction = sq_in_transaction,
	.rollback_open = sq_rollback_open,
	.schema_version = sq_schema_version,
	.migrate_begin = sq_migrate_begin,
	.migrate_run = sq_migrate_run,
	.migrate_end = sq_migrate_end,
	.lock = sq_lock,
	.check_integrity = sq_check_integrity,
	.backup = sq_backup,
};
