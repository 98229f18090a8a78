/*
 * schema.h — the numbered migrations that build the schema (schema.c).
 */
#ifndef TZ_STORE_SCHEMA_H
#define TZ_STORE_SCHEMA_H

/*
 * A migration's statements, in three parts run in this order:
 *   sql     portable DDL for both backends, written in SQLite's words. The
 *           PostgreSQL backend translates it (store/pg_ddl.c): INTEGER to
 *           BIGINT, INTEGER PRIMARY KEY to an identity column, REAL to
 *           DOUBLE PRECISION, BLOB to BYTEA, TEXT to TEXT COLLATE "C" (so
 *           text sorts by code point as in SQLite), WITHOUT ROWID dropped.
 *   sqlite  SQLite only: FTS5 tables, triggers (NULL: none).
 *   pg      PostgreSQL only, run as written (NULL: none).
 * Whatever a backend-only part makes must serve the same queries above
 * store/ on both, or be read only by backend-aware code (the search).
 */
typedef struct migration {
	int version;
	const char *name;
	const char *sql;
	const char *sqlite;
	const char *pg;
} migration;

extern const migration schema_migrations[];
extern const int schema_nmigrations;

#endif
