/*
 * backend.h — what a database backend gives db.c, private to store/.
 *
 * db.c holds the public API of db.h: it turns the bind formats into an
 * array of arguments, sends outermost transactions to a group writer, keeps
 * the storage-failure marks, and calls the backend for everything else.
 * Each backend's connection starts with a `db` and each of its statements
 * with a `db_stmt`, so the two can be cast to the backend's own structs.
 */
#ifndef TZ_STORE_BACKEND_H
#define TZ_STORE_BACKEND_H

#include "store/db.h"
#include "store/schema.h"

typedef struct db_ops db_ops;

struct db {
	const db_ops *ops;
	db_group *group;           /* outermost transactions go to this writer, if set */
	unsigned storage_failures; /* storage refusals so far */
	bool storage_flag;         /* one since db_storage_unavailable() last looked */
};

struct db_stmt {
	db *owner;
};

struct db_ops {
	const char *name;
	void (*close)(db *d);
	/* Prepare (or take from the cache) and bind; NULL on a bug, logged
	 * with file and line. */
	db_stmt *(*query)(db *d, const char *file, int line, const char *sql, const db_arg *args,
			  int nargs);
	int (*step)(db_stmt *q);
	void (*done)(db_stmt *q);
	int64_t (*col_int)(db_stmt *q, int col);
	double (*col_double)(db_stmt *q, int col);
	const char *(*col_text)(db_stmt *q, int col);
	const void *(*col_blob)(db_stmt *q, int col, size_t *len);
	bool (*col_null)(db_stmt *q, int col);
	enum db_type (*col_type)(db_stmt *q, int col);
	int64_t (*changes)(db *d);
	/* db_transact on the connection itself (no group). */
	int (*transact)(db *d, db_tx_fn fn, void *ctx);
	int (*read_begin)(db *d);
	void (*read_end)(db *d);
	bool (*in_transaction)(db *d);
	void (*rollback_open)(db *d);
	int (*schema_version)(db *d);
	/* Migrations (db.c runs them): make the version table and take what
	 * keeps other processes out; run one migration's statements in the
	 * open transaction; let go. */
	int (*migrate_begin)(db *d);
	int (*migrate_run)(db *d, const migration *m);
	void (*migrate_end)(db *d);
	int (*lock)(db *d, const char *name);
	int (*check_integrity)(db *d, char **err);
	int (*backup)(db *d, const char *dest_path, char **err);
};

/* How an argument binds: its type letter, or 'n' (NULL) for a 'z' of 0
 * or a 't' without text. The backends bind by this. */
char db_arg_kind(const db_arg *a);

/* Mark a storage refusal on d (db_storage_unavailable reports it). */
void db_note_storage_failure(db *d);
/* A transaction function's result r, or DB_UNAVAILABLE when it failed and
 * the storage refused something on d since the transaction began (seen:
 * storage_failures then). */
int db_storage_result(db *d, int r, unsigned seen);
/* Milliseconds on the monotonic clock, and a pause of ms: the backends'
 * retry loops. */
int64_t db_now_ms(void);
void db_sleep_ms(long ms);

/* The backends' openers, by URL (db.c chooses). */
db *sqlite_open(const char *url, char **err);
bool sqlite_exists(const char *url);
void sqlite_remove(const char *url);
int sqlite_restore(const char *url, const char *from_path, bool force, char **err);
db *pg_open(const char *url, char **err);
bool pg_exists(const char *url);

#endif
