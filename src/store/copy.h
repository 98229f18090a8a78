/*
 * copy.h — a whole ledger from one database into another (SQLite or
 * PostgreSQL, either way round), and the checksums that show the copy is
 * the ledger: `taizhang copy` (cli/copy.c).
 *
 * Every table of the ledger is copied, parents before children, rows in
 * primary-key order, values by their type, in batches of one transaction
 * each; the search index (FTS5 on SQLite, its own table on PostgreSQL)
 * and its queue are derived and left out: the caller rebuilds the target's
 * index afterwards (ledger/search.h: search_rebuild). The list of tables
 * is kept in copy.c; a table the databases hold and the list does not
 * name stops the copy before it writes a row, so a table added by a later
 * migration is never skipped in silence (test_copy.c runs the check on a
 * ledger with every migration).
 *
 * The source is read in one read transaction, so the copy and the source's
 * checksums are of one moment even while a server writes; the target is
 * read afresh for its checksums once the copy is committed.
 */
#ifndef TZ_STORE_COPY_H
#define TZ_STORE_COPY_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

#define COPY_SUM_BYTES 32 /* SHA-256 */

/* What copy_ledger and copy_compare return. */
enum copy_result {
	COPY_OK = 0,
	/* Refused before any row was written (an empty target may have got
	 * the schema): *err says why (a source that is no ledger or of another
	 * schema version, a target that is not empty, tables this build does
	 * not know). */
	COPY_REFUSED = -1,
	/* A database failed on the way (logged; *err says where). The target
	 * may hold part of the copy. */
	COPY_FAILED = -2,
	/* Copied (or compared), but the row counts or checksums of some table
	 * differ: see the report. */
	COPY_DIFFERENT = -3,
};

/* One table's counts and checksums, on the source [0] and the target [1]. */
typedef struct copy_table_check {
	const char *table; /* static */
	int64_t rows[2];
	unsigned char sum[2][COPY_SUM_BYTES];
	bool same; /* counts and checksums equal */
} copy_table_check;

typedef struct copy_report {
	copy_table_check *tables; /* in copy order; copy_report_free frees */
	int ntables;
	int schema_version;
	int64_t rows; /* rows copied (or compared, on the source) */
} copy_report;

/* Told after each batch: phase "copy" or "verify", the table, rows done
 * of total in it (total -1: not counted). */
typedef void (*copy_progress_fn)(void *ctx, const char *phase, const char *table, int64_t done,
				 int64_t total);

/* Copy the ledger in from into to. from must hold a ledger at this build's
 * schema version; to must be an empty database (it gets the schema when it
 * has none) or a ledger without rows in any table (schema_version aside).
 * Then counts and checksums every table on both (the source's as it was
 * read) into *out. Returns a copy_result; on COPY_REFUSED and COPY_FAILED
 * *err (caller frees) says why. *out is filled as far as the copy got;
 * free it with copy_report_free in every case. progress may be NULL. */
int copy_ledger(db *from, db *to, copy_progress_fn progress, void *ctx, copy_report *out,
		char **err);

/* Count and checksum every table of two ledgers of the same schema
 * version, each read in one read transaction, without changing either:
 * COPY_OK when all are equal, COPY_DIFFERENT, or COPY_REFUSED / COPY_FAILED
 * with *err. */
int copy_compare(db *a, db *b, copy_progress_fn progress, void *ctx, copy_report *out,
		 char **err);

void copy_report_free(copy_report *r);

/* Is url one that db_open understands (a SQLite path, sqlite:PATH,
 * postgresql://... or postgres://...)? NULL when it is, else what is
 * wrong with it (static text). */
const char *copy_url_problem(const char *url);

/* The tables a copy writes, in its order, and the derived ones it leaves
 * out (for the tests and the documentation). NULL-terminated, static. */
extern const char *const copy_copied_tables[];
extern const char *const copy_derived_tables[];

#endif
