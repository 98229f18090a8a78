/*
 * db.h — the one small database API. Only store/ talks to a database client
 * library; everything above uses these calls.
 *
 * SQL is written once, in portable form, with `?` placeholders and bound
 * parameters only: never build SQL from data. The backend adapts
 * placeholders and the few dialect differences (PostgreSQL drops SQLite's
 * planner hint INDEXED BY). Write what both understand: CAST(? AS DOUBLE
 * PRECISION) where a parameter's type is not clear from its place, IS
 * DISTINCT FROM rather than IS NOT, every GROUP BY column named, subqueries
 * in FROM with an alias, a CROSS JOIN's condition in WHERE. Use `INSERT ... RETURNING id`
 * to learn a new row's id.
 *
 * Statements are cached per connection by their SQL text, so a hot query is
 * prepared once. The usual shape is:
 *
 *     db_stmt *q = db_query(d, "SELECT name FROM departments WHERE id = ?", "i", id);
 *     while (db_step(q) == DB_ROW)
 *         use(db_text(q, 0));
 *     db_done(q);
 *
 * Binding formats (one letter per `?`): 'i' int64_t, 't' const char * (NULL
 * binds NULL), 'd' double, 'n' nothing bound (NULL), 'b' const void * then
 * size_t (a blob), 'z' int64_t where 0 binds NULL (optional ids).
 * Integers are read as int64_t: cast every int argument, e.g. (int64_t)n.
 *
 * Connections are not shared between threads: each thread opens its own.
 */
#ifndef TZ_STORE_DB_H
#define TZ_STORE_DB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct db db;
typedef struct db_stmt db_stmt;

enum db_result {
	DB_ROW = 1,         /* a row is ready */
	DB_DONE = 0,        /* finished without (more) rows */
	/* Negative and apart from the ledger's result codes, so a transaction
	 * function can return either and the caller can tell them apart. */
	DB_ERROR = -101,      /* a bug or a failed database: logged already */
	DB_BUSY = -102,       /* lock conflict or serialization failure: retry */
	DB_CONSTRAINT = -103, /* a UNIQUE/CHECK/FOREIGN KEY/trigger refused it */
	/* The storage refused: disk full, read-only, I/O error, or locked by
	 * another process past the busy timeout. Logged already; nothing of
	 * the transaction stands; the same request may work later. */
	DB_UNAVAILABLE = -104,
};

/* Open the database named by url: a SQLite path (default ./taizhang.db),
 * "sqlite:PATH", or "postgresql://..." / "postgres://..." (a libpq URL,
 * multi-host URLs included). On failure returns NULL and
 * sets *err to a message the caller frees. */
db *db_open(const char *url, char **err);
void db_close(db *d);

/* Bring the schema up to date (numbered migrations). Returns 0 or -1. */
int db_migrate(db *d);
/* The schema version in force (0 for an empty database). */
int db_schema_version(db *d);

/* Prepare (or fetch from the cache) and bind. Returns NULL only on a bug
 * (bad SQL, wrong bind count), logged with the caller's file and line. */
db_stmt *db_query_at(db *d, const char *file, int line, const char *sql,
		     const char *fmt, ...);
#define db_query(d, sql, ...) db_query_at((d), __FILE__, __LINE__, (sql), __VA_ARGS__)

/* The same with an array of arguments, for queries whose conditions are
 * assembled from literal fragments (filters) or rows of any width (copy).
 * type is one of the letters above; for 'b', t points at len bytes. */
typedef struct db_arg {
	char type;
	int64_t i;
	double d;
	const char *t;
	size_t len; /* 'b': t points at len bytes */
} db_arg;
db_stmt *db_query_args_at(db *d, const char *file, int line, const char *sql,
			  const db_arg *args, int nargs);
#define db_query_args(d, sql, args, n) db_query_args_at((d), __FILE__, __LINE__, (sql), (args), (n))

/* Advance; returns an enum db_result. Safe on NULL (DB_ERROR). */
int db_step(db_stmt *q);
/* Finish with a statement: reset it and return it to the cache. NULL-safe. */
void db_done(db_stmt *q);

/* Columns of the current row (0-based). Text stays valid until the next
 * db_step or db_done; NULL columns give NULL / 0. */
int64_t db_int(db_stmt *q, int col);
double db_double(db_stmt *q, int col);
const char *db_text(db_stmt *q, int col);
const void *db_blob(db_stmt *q, int col, size_t *len);
bool db_is_null(db_stmt *q, int col);
/* Copy of a text column (NULL stays NULL); caller frees. */
char *db_text_dup(db_stmt *q, int col);

/* The type of the current row's value in a column, for code that copies
 * whole tables (store/copy.c). */
enum db_type { DB_NULL, DB_INTEGER, DB_FLOAT, DB_TEXT, DB_BLOB };
enum db_type db_column_type(db_stmt *q, int col);

/* Run a statement that returns no rows. Returns DB_DONE (0) or a negative
 * db_result. */
int db_exec_at(db *d, const char *file, int line, const char *sql, const char *fmt, ...);
#define db_exec(d, sql, ...) db_exec_at((d), __FILE__, __LINE__, (sql), __VA_ARGS__)
/* Rows changed by the last statement on this connection. */
int64_t db_changes(db *d);
/* First column of the first row as an integer, or `dflt` when no row. */
int64_t db_int_at(db *d, const char *file, int line, int64_t dflt, const char *sql,
		  const char *fmt, ...);
#define db_scalar(d, dflt, sql, ...) db_int_at((d), __FILE__, __LINE__, (dflt), (sql), __VA_ARGS__)

/*
 * Transactions. db_transact() runs fn inside one write transaction and
 * commits when fn returns >= 0; when fn returns < 0 it rolls back and returns
 * that value. When the database reports DB_BUSY (from fn's statements or the
 * commit), the whole transaction is rolled back and fn runs again, a bounded
 * number of times, so fn must not keep side effects outside the database
 * between tries. Every write goes through here.
 */
typedef int (*db_tx_fn)(db *d, void *ctx);
int db_transact(db *d, db_tx_fn fn, void *ctx);
/* A read-only snapshot, for a long reader of a live ledger (store/copy.c):
 * between db_read_begin and db_read_end every read on d sees the ledger of
 * one moment, while other connections go on writing (SQLite: a deferred
 * transaction in WAL mode; PostgreSQL: REPEATABLE READ READ ONLY). Not
 * through the group writer, never retried, nothing may be written in it.
 * db_read_begin returns DB_DONE or a negative db_result. */
int db_read_begin(db *d);
void db_read_end(db *d);

/* True while a transaction is open (after each request the server asserts
 * that none is). */
bool db_in_transaction(db *d);
/* Roll back a transaction left open by a bug (the server calls this after a
 * request that forgot to finish one, and logs it). */
void db_rollback_open(db *d);

/*
 * Group commit (group.c). A server opens one group: a writer thread with its
 * own connection. A connection that uses it (db_use_group) sends each
 * outermost db_transact to the writer, which commits the transactions that
 * arrive together in one database transaction, each in its own savepoint,
 * and returns each caller its own result only after the commit: one disk
 * flush for many requests, and nothing acknowledged before it is durable.
 * Transaction functions run on the writer's connection (the d they are
 * given), so they must not use another connection captured in ctx.
 */
typedef struct db_group db_group;
/* Open the writer's connection to url and start its thread; NULL with *err
 * (caller frees) on failure. */
db_group *db_group_open(const char *url, char **err);
/* Commit what is queued, stop the thread, close the connection. Callers of
 * db_transact must be gone. NULL-safe. */
void db_group_close(db_group *g);
/* From now on, d's outermost transactions run in g (NULL: on d itself). */
void db_use_group(db *d, db_group *g);
/* Groups committed and transactions run in them so far by the group d
 * uses (for /metrics); false when d uses none. */
bool db_group_stats(db *d, uint64_t *groups, uint64_t *jobs);

/* Inside a transaction: take the lock named name, held until the
 * transaction ends, so that of several server processes on one database
 * only one at a time does a piece of scheduled work (the tick, a digest).
 * Waits for a holder to finish. SQLite: nothing to do, its write
 * transactions already run one at a time. Returns DB_DONE or a negative
 * db_result. */
int db_lock(db *d, const char *name);

/* Did the storage refuse something on d (disk full, read-only, I/O error,
 * locked past the busy timeout, or DB_UNAVAILABLE from db_transact) since
 * the last call? Clears the mark. The server answers such a failure with
 * 503 and Retry-After instead of 500. NULL-safe. */
bool db_storage_unavailable(db *d);

/*
 * Backup and restore, with SQLite's online backup API: a consistent copy
 * taken in one read transaction, safe while the server runs and writes.
 */
/* Does the database named by url exist (for SQLite: the file)? */
bool db_exists(const char *url);
/* Is url a PostgreSQL URL (postgresql:// or postgres://)? */
bool db_url_is_postgres(const char *url);
/* Remove the SQLite ledger at url with its WAL and shared-memory files: a
 * half-made one this process created (a failed demo or copy). Nothing for
 * PostgreSQL, whose databases are the administrator's to drop. */
void db_remove(const char *url);
/* PRAGMA integrity_check (and foreign_key_check) on d: 0 when both are
 * clean, else -1 and *err (caller frees) says the first problem. */
int db_check_integrity(db *d, char **err);
/* Copy src into a new file dest_path, which must not exist: written under
 * a temporary name beside it, checked with db_check_integrity, synced and
 * only then given its name, so dest_path is never half-written. Returns 0,
 * or -1 with *err (caller frees). */
int db_backup(db *src, const char *dest_path, char **err);
/* Replace the ledger at url with the copy in from_path, after checking that
 * it is a taizhang ledger (schema_version within the migrations known to
 * this build) and passes db_check_integrity. Refuses an existing target
 * unless force; a new target appears whole or not at all, an existing one
 * is replaced in one transaction. Returns 0, or -1 with *err. */
int db_restore(const char *url, const char *from_path, bool force, char **err);

/* Name of the backend: "sqlite" or "postgresql". */
const char *db_backend(db *d);
/* True for the PostgreSQL backend: for the few places above store/ whose
 * SQL differs (the full-text search). */
bool db_is_postgres(db *d);

#endif
