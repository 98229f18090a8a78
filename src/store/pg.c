/*
 * pg.c — the PostgreSQL backend of db.h, over libpq.
 *
 * Statements: each SQL text is prepared once per connection under a name
 * of its own (the cache maps the text to the name), with `?` turned into
 * $n. Parameters go as text (blobs as binary) and PostgreSQL infers their
 * types from the statement; where it cannot (`? IS NULL`), the statement
 * is prepared again with the types of the first call's arguments. Results
 * come back whole, as text, and are read row by row: a caller may run
 * other statements on the connection while it walks a result, as it may
 * on SQLite.
 *
 * Transactions: SERIALIZABLE, so that a transaction function sees the
 * ledger as if it ran alone, as it does on SQLite, however many servers
 * write; a serialization failure or deadlock is DB_BUSY and the whole
 * transaction runs again. A statement that fails inside a transaction
 * aborts it up to the nearest savepoint (a nested db_transact).
 *
 * Failures of the server: a lost connection, a server shutting down, a
 * read-only server (a standby, or the old primary after a failover), a
 * full disk: the request gets DB_UNAVAILABLE (503 with Retry-After), and
 * the connection is made again from the URL before the next statement,
 * so a libpq multi-host URL with target_session_attrs=read-write finds the
 * new primary. A transaction that failed that way before its COMMIT was
 * sent is run again on the new connection for a few seconds; one whose
 * COMMIT was sent and not answered is not, because it may have committed:
 * the caller was not told it succeeded, and the ledger has it or not.
 */
#include "store/backend.h"
#include "store/pg_int.h"
#include "store/schema.h"
#include "base/buf.h"
#include "base/util.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Type oids of the built-in types we read (pg_type.h). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

/* Why a cap: each prepared statement holds memory in its server process;
 * filters assembled from fragments make many texts. Past the cap a
 * statement is prepared unnamed for each use. */
#define PREPARED_MAX 512
/* How long a transaction keeps retrying serialization failures, and a lost
 * connection, in milliseconds. */
#define RETRY_MS 5000
#define RECONNECT_MS 3000

typedef struct prepared {
	char *sql;  /* the caller's text, the key */
	char *name; /* "" for an unnamed one, prepared at each use */
	char *pgsql;
	int nparams;
} prepared;

typedef struct pg_db {
	db base;
	char *url;
	PGconn *conn;
	bool broken;       /* the connection must be made again */
	prepared **cache;
	int ncache;
	int next_name;
	int tx_depth;
	bool tx_failed_busy;   /* a statement inside the transaction hit 40001/40P01 */
	bool tx_lost;          /* the connection failed inside the transaction */
	int64_t changes;
} pg_db;

typedef struct pg_stmt {
	db_stmt base;
	prepared *prep;
	const char *file;
	int line;
	int nparams;
	char **values;
	int *lengths;
	int *formats;
	Oid *types;
	PGresult *res;
	int row, nrows;
	unsigned char *blob; /* the current bytea value, unescaped */
} pg_stmt;

#define PG(d) ((pg_db *)(d))
#define ST(q) ((pg_stmt *)(q))

static const db_ops pg_ops;

/* --- connections -------------------------------------------------------- */

/* The server's notices ("relation ... already exists, skipping") are not
 * the user's business. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* A libpq connection to url. connect_timeout comes before the URL, so
 * the URL's own setting wins. */
static PGconn *connect_url(const char *url, char **err)
{
	const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
	const char *const values[] = {"5", "taizhang", url, NULL};
	PGconn *c = PQconnectdbParams(keys, values, 1);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		if (err) {
			const char *m = c ? PQerrorMessage(c) : "out of memory";
			size_t n = strlen(m);
			while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
				n--;
			*err = str_printf("cannot connect to PostgreSQL: %.*s", (int)n, m);
		}
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, ignore_notice, NULL);
	/* Why: the ledger's times are unix seconds and its dates text, but
	 * a session's own settings must not change what a statement means. */
	PGresult *r = PQexec(c, "SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'");
	PQclear(r);
	return c;
}

static void prepared_free(prepared *p)
{
	free(p->sql);
	free(p->name);
	free(p->pgsql);
	free(p);
}

static void forget_prepared(pg_db *d)
{
	for (int i = 0; i < d->ncache; i++)
		prepared_free(d->cache[i]);
	d->ncache = 0;
}

/* Make the connection again if it failed. Returns false when the server
 * cannot be reached (logged, and marked as a storage failure). */
static bool ensure_connected(pg_db *d)
{
	if (!d->broken && PQstatus(d->conn) == CONNECTION_OK)
		return true;
	char *err = NULL;
	PGconn *c = connect_url(d->url, &err);
	if (!c) {
		log_error("storage unavailable: %s", err);
		free(err);
		d->broken = true;
		db_note_storage_failure(&d->base);
		return false;
	}
	PQfinish(d->conn);
	d->conn = c;
	d->broken = false;
	forget_prepared(d); /* they lived in the old server process */
	log_info("connected to PostgreSQL again");
	return true;
}

db *pg_open(const char *url, char **err)
{
	PGconn *c = connect_url(url, err);
	if (!c)
		return NULL;
	pg_db *d = xcalloc(1, sizeof *d);
	d->base.ops = &pg_ops;
	d->url = xstrdup(url);
	d->conn = c;
	return &d->base;
}

bool pg_exists(const char *url)
{
	PGconn *c = connect_url(url, NULL);
	if (!c)
		return false;
	PGresult *r = PQexec(c, "SELECT to_regclass('schema_version') IS NOT NULL");
	bool yes = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
		   strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	PQfinish(c);
	return yes;
}

static void pg_close(db *dd)
{
	pg_db *d = PG(dd);
	forget_prepared(d);
	free(d->cache);
	PQfinish(d->conn);
	free(d->url);
	free(d);
}

/* --- errors ------------------------------------------------------------- */

/* Is this SQLSTATE a refusal by the server or its storage rather than by
 * the SQL: connection exceptions (08), insufficient resources (53), the
 * server shutting down or starting (57P01-57P03), a read-only server
 * (25006: a standby), system or I/O errors (58)? */
static bool is_storage_state(const char *st)
{
	return strncmp(st, "08", 2) == 0 || strncmp(st, "53", 2) == 0 ||
	       strncmp(st, "58", 2) == 0 || strncmp(st, "57P0", 4) == 0 ||
	       strcmp(st, "25006") == 0;
}

/* The db_result for a failed result r (or none, when libpq gave none), and
 * what it means for the connection; logs what a human must see. */
static int map_error(pg_db *d, PGresult *r, const char *file, int line, const char *sql)
{
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (!st)
		st = "08006"; /* no answer: the connection failed */
	if (PQstatus(d->conn) != CONNECTION_OK || is_storage_state(st)) {
		d->broken = true;
		if (d->tx_depth)
			d->tx_lost = true;
		db_note_storage_failure(&d->base);
		log_error("storage unavailable: %s (%s)", st, PQerrorMessage(d->conn));
		return DB_ERROR;
	}
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0) {
		if (d->tx_depth)
			d->tx_failed_busy = true;
		return DB_BUSY;
	}
	if (strncmp(st, "23", 2) == 0)
		return DB_CONSTRAINT;
	if (strcmp(st, "25P02") == 0) /* an earlier statement failed: said already */
		return DB_ERROR;
	/* The statement's start is enough to find it; a many-row INSERT
	 * would otherwise fill the log. */
	log_msg("error", file ? file : __FILE__, file ? line : __LINE__, "%s: %s in: %.300s%s", st,
		r ? PQresultErrorMessage(r) : PQerrorMessage(d->conn), sql ? sql : "?",
		sql && strlen(sql) > 300 ? "…" : "");
	return DB_ERROR;
}

/* Run a statement without parameters or rows (BEGIN, COMMIT, DDL).
 * Returns DB_DONE or a negative db_result. */
static int raw_exec(pg_db *d, const char *sql)
{
	PGresult *r = PQexec(d->conn, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY ? DB_DONE
							       : map_error(d, r, NULL, 0, sql);
	PQclear(r);
	return rc;
}

/* --- statements --------------------------------------------------------- */

static Oid type_of(char letter)
{
	switch (letter) {
	case 'i':
	case 'z': return OID_INT8;
	case 'd': return OID_FLOAT8;
	case 't': return OID_TEXT;
	case 'b': return OID_BYTEA;
	default: return OID_TEXT; /* NULL: any type will do, text is one */
	}
}

/* Did the server fail to infer a parameter's type (indeterminate or
 * ambiguous type, no such function for an unknown one)? */
static bool type_unknown(const char *state)
{
	return strcmp(state, "42P18") == 0 || strcmp(state, "42725") == 0 ||
	       strcmp(state, "42883") == 0;
}

/* Prepare sql on the server, letting it infer the parameters' types, or
 * with the given ones. Returns 0, or a negative db_result with the
 * SQLSTATE in state (for the retry with types). */
static int prepare_on_server(pg_db *d, prepared *p, const Oid *types, char state[6],
			     const char *file, int line)
{
	PGresult *r = PQprepare(d->conn, p->name, p->pgsql, p->nparams, types);
	int rc = 0;
	state[0] = '\0';
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		snprintf(state, 6, "%s", st ? st : "");
		/* The first try is allowed to fail on types: not logged. */
		bool quiet = !types && type_unknown(state);
		rc = quiet ? DB_ERROR : map_error(d, r, file, line, p->pgsql);
	}
	PQclear(r);
	return rc;
}

/* The prepared statement for sql, made now if need be. */
static prepared *prepare(pg_db *d, const char *sql, const db_arg *args, int nargs,
			 const char *file, int line)
{
	for (int i = 0; i < d->ncache; i++)
		if (strcmp(d->cache[i]->sql, sql) == 0)
			return d->cache[i];
	prepared *p = xcalloc(1, sizeof *p);
	p->sql = xstrdup(sql);
	p->pgsql = pg_placeholders(sql, &p->nparams);
	if (p->nparams != nargs) {
		log_msg("error", file, line, "bind count %d, statement wants %d", nargs, p->nparams);
		goto fail;
	}
	p->name = d->ncache < PREPARED_MAX ? str_printf("tz%d", ++d->next_name) : xstrdup("");
	char state[6];
	if (prepare_on_server(d, p, NULL, state, file, line) < 0) {
		if (!type_unknown(state))
			goto fail;
		/* Types PostgreSQL could not infer: those of the arguments. */
		Oid *types = xcalloc((size_t)nargs + 1, sizeof *types);
		for (int i = 0; i < nargs; i++)
			types[i] = type_of(db_arg_kind(&args[i]));
		int rc = prepare_on_server(d, p, types, state, file, line);
		free(types);
		if (rc < 0)
			goto fail;
	}
	if (!p->name[0])
		return p; /* the caller frees it after use */
	if (d->ncache % 64 == 0)
		d->cache = xrealloc(d->cache, (size_t)(d->ncache + 64) * sizeof *d->cache);
	d->cache[d->ncache++] = p;
	return p;
fail:
	prepared_free(p);
	return NULL;
}

static db_stmt *pg_query(db *dd, const char *file, int line, const char *sql, const db_arg *args,
			 int nargs)
{
	pg_db *d = PG(dd);
	/* Outside a transaction a lost connection is made again here; inside
	 * one, the transaction is lost anyway and db_transact runs it again. */
	if (!d->tx_depth && !ensure_connected(d))
		return NULL;
	prepared *p = prepare(d, sql, args, nargs, file, line);
	if (!p)
		return NULL;
	pg_stmt *q = xcalloc(1, sizeof *q);
	q->base.owner = dd;
	q->prep = p;
	q->file = file;
	q->line = line;
	q->nparams = nargs;
	q->row = -1;
	if (nargs) {
		q->values = xcalloc((size_t)nargs, sizeof *q->values);
		q->lengths = xcalloc((size_t)nargs, sizeof *q->lengths);
		q->formats = xcalloc((size_t)nargs, sizeof *q->formats);
	}
	for (int i = 0; i < nargs; i++) {
		const db_arg *a = &args[i];
		switch (db_arg_kind(a)) {
		case 'i':
		case 'z': q->values[i] = str_printf("%lld", (long long)a->i); break;
		case 'd': q->values[i] = str_printf("%.17g", a->d); break;
		case 't': q->values[i] = xstrdup(a->t); break;
		case 'b':
			q->values[i] = xmalloc(a->len ? a->len : 1);
			if (a->len)
				memcpy(q->values[i], a->t, a->len);
			q->lengths[i] = (int)a->len;
			q->formats[i] = 1;
			break;
		default: q->values[i] = NULL; break;
		}
	}
	return &q->base;
}

static void clear_row(pg_stmt *q)
{
	if (q->blob) {
		PQfreemem(q->blob);
		q->blob = NULL;
	}
}

static int pg_step(db_stmt *qq)
{
	pg_stmt *q = ST(qq);
	pg_db *d = PG(qq->owner);
	clear_row(q);
	if (!q->res) {
		prepared *p = q->prep;
		PGresult *r = p->name[0]
				      ? PQexecPrepared(d->conn, p->name, q->nparams,
						       (const char *const *)q->values, q->lengths,
						       q->formats, 0)
				      : PQexecParams(d->conn, p->pgsql, q->nparams, NULL,
						     (const char *const *)q->values, q->lengths,
						     q->formats, 0);
		ExecStatusType s = PQresultStatus(r);
		if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
			int rc = map_error(d, r, q->file, q->line, p->pgsql);
			PQclear(r);
			return rc;
		}
		q->res = r;
		q->nrows = s == PGRES_TUPLES_OK ? PQntuples(r) : 0;
		/* As SQLite's changes(): rows written by the last INSERT,
		 * UPDATE or DELETE; a SELECT leaves it alone. */
		const char *cmd = PQcmdStatus(r);
		if (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
		    strncmp(cmd, "DELETE", 6) == 0)
			d->changes = strtoll(PQcmdTuples(r), NULL, 10);
	}
	if (q->row + 1 < q->nrows) {
		q->row++;
		return DB_ROW;
	}
	q->row = q->nrows;
	return DB_DONE;
}

static void pg_done(db_stmt *qq)
{
	pg_stmt *q = ST(qq);
	clear_row(q);
	PQclear(q->res);
	for (int i = 0; i < q->nparams; i++)
		free(q->values[i]);
	free(q->values);
	free(q->lengths);
	free(q->formats);
	if (!q->prep->name[0])
		prepared_free(q->prep); /* unnamed: made for this use only */
	free(q);
}

static bool in_row(pg_stmt *q, int col)
{
	return q->res && q->row >= 0 && q->row < q->nrows && col >= 0 && col < PQnfields(q->res);
}

static bool pg_null(db_stmt *qq, int col)
{
	pg_stmt *q = ST(qq);
	return !in_row(q, col) || PQgetisnull(q->res, q->row, col);
}

static const char *pg_text(db_stmt *qq, int col)
{
	pg_stmt *q = ST(qq);
	if (pg_null(qq, col))
		return NULL;
	const char *v = PQgetvalue(q->res, q->row, col);
	if (PQftype(q->res, col) == OID_BOOL)
		return v[0] == 't' ? "1" : "0"; /* as SQLite says a truth */
	return v;
}

static int64_t pg_int(db_stmt *qq, int col)
{
	const char *v = pg_text(qq, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

static double pg_double(db_stmt *qq, int col)
{
	const char *v = pg_text(qq, col);
	return v ? strtod(v, NULL) : 0.0;
}

static const void *pg_blob(db_stmt *qq, int col, size_t *len)
{
	pg_stmt *q = ST(qq);
	*len = 0;
	if (pg_null(qq, col))
		return NULL;
	const char *v = PQgetvalue(q->res, q->row, col);
	if (PQftype(q->res, col) != OID_BYTEA) {
		*len = (size_t)PQgetlength(q->res, q->row, col);
		return v;
	}
	clear_row(q);
	q->blob = PQunescapeBytea((const unsigned char *)v, len);
	return q->blob;
}

static enum db_type pg_type(db_stmt *qq, int col)
{
	pg_stmt *q = ST(qq);
	if (pg_null(qq, col))
		return DB_NULL;
	switch (PQftype(q->res, col)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID: return DB_INTEGER;
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC: return DB_FLOAT;
	case OID_BYTEA: return DB_BLOB;
	default: return DB_TEXT;
	}
}

static int64_t pg_changes(db *d)
{
	return PG(d)->changes;
}

/* --- transactions ------------------------------------------------------- */

static bool pg_in_transaction(db *d)
{
	return PQtransactionStatus(PG(d)->conn) != PQTRANS_IDLE && PG(d)->tx_depth > 0;
}

static int nested(pg_db *d, db_tx_fn fn, void *ctx, unsigned seen)
{
	if (raw_exec(d, "SAVEPOINT nested") != DB_DONE)
		return db_storage_result(&d->base, DB_ERROR, seen);
	d->tx_depth++;
	int r = fn(&d->base, ctx);
	d->tx_depth--;
	if (r < 0 && !d->tx_lost)
		raw_exec(d, "ROLLBACK TO nested");
	if (!d->tx_lost)
		raw_exec(d, "RELEASE nested");
	return db_storage_result(&d->base, r, seen);
}

/* One attempt: BEGIN, fn, COMMIT. *commit_sent says whether COMMIT went
 * out (after which a lost connection leaves the outcome unknown). */
static int attempt(pg_db *d, db_tx_fn fn, void *ctx, bool *commit_sent)
{
	*commit_sent = false;
	d->tx_failed_busy = d->tx_lost = false;
	int r = raw_exec(d, "BEGIN ISOLATION LEVEL SERIALIZABLE");
	if (r != DB_DONE)
		return r;
	d->tx_depth = 1;
	r = fn(&d->base, ctx);
	bool busy = d->tx_failed_busy;
	d->tx_depth = 0;
	if (r >= 0 && !busy && !d->tx_lost) {
		*commit_sent = true;
		int c = raw_exec(d, "COMMIT");
		if (c == DB_DONE)
			return r;
		r = c;
	}
	if (!d->tx_lost && PQtransactionStatus(d->conn) != PQTRANS_IDLE)
		raw_exec(d, "ROLLBACK");
	return busy ? DB_BUSY : r;
}

static int pg_transact(db *dd, db_tx_fn fn, void *ctx)
{
	pg_db *d = PG(dd);
	unsigned seen = d->base.storage_failures;
	if (d->tx_depth)
		return nested(d, fn, ctx, seen);
	int64_t t0 = db_now_ms();
	for (int n = 0;; n++) {
		int r;
		bool commit_sent = false;
		if (!ensure_connected(d))
			r = DB_ERROR;
		else
			r = attempt(d, fn, ctx, &commit_sent);
		bool lost = d->broken;
		if (r >= 0)
			return r;
		int64_t spent = db_now_ms() - t0;
		if (lost && commit_sent) {
			log_error("the connection failed while a commit was on its way: its outcome"
				  " is unknown, and the request is answered as failed");
			return DB_UNAVAILABLE;
		}
		if (lost) {
			/* Nothing of it was committed: try again on a new connection
			 * (a failover takes a few seconds), then give up. */
			if (spent >= RECONNECT_MS)
				return DB_UNAVAILABLE;
			db_sleep_ms(100 + 50 * n);
			continue;
		}
		if (r != DB_BUSY)
			return db_storage_result(&d->base, r, seen);
		if (n >= 30 || spent >= RETRY_MS) {
			db_note_storage_failure(dd);
			log_error("storage unavailable: transactions kept conflicting for %lld ms",
				  (long long)spent);
			return DB_UNAVAILABLE;
		}
		db_sleep_ms(1 + n * 3);
	}
}

static int pg_read_begin(db *dd)
{
	pg_db *d = PG(dd);
	if (!ensure_connected(d))
		return DB_UNAVAILABLE;
	int r = raw_exec(d, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (r == DB_DONE)
		d->tx_depth = 1;
	return r;
}

static void pg_read_end(db *dd)
{
	pg_db *d = PG(dd);
	if (!d->broken && PQtransactionStatus(d->conn) != PQTRANS_IDLE)
		raw_exec(d, "ROLLBACK");
	d->tx_depth = 0;
	d->tx_lost = false;
}

static void pg_rollback_open(db *dd)
{
	pg_db *d = PG(dd);
	if (PQtransactionStatus(d->conn) != PQTRANS_IDLE)
		raw_exec(d, "ROLLBACK");
	d->tx_depth = 0;
}

/* A 64-bit FNV-1a of name: the key of its advisory lock. */
static int64_t lock_key(const char *name)
{
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return (int64_t)h;
}

/* Taken by the transaction's first statement or later: when it had to
 * wait, the transaction's snapshot (SERIALIZABLE: that of its first
 * statement) may predate the holder's commit, and its writes then fail
 * as a serialization conflict and run again, seeing the holder's work. */
static int pg_lock(db *d, const char *name)
{
	return db_exec(d, "SELECT pg_advisory_xact_lock(?)", "i", lock_key(name));
}

/* --- schema ------------------------------------------------------------- */

static int pg_schema_version(db *d)
{
	if (db_scalar(d, 0, "SELECT CASE WHEN to_regclass('schema_version') IS NULL THEN 0 ELSE 1 END",
		      "") == 0)
		return 0;
	return (int)db_scalar(d, 0, "SELECT max(version) FROM schema_version", "");
}

/* Why a lock held by the session, around the whole run: several servers
 * may start at once on one database, and each would migrate. The later
 * ones wait here and then find the work done. (A lock taken inside each
 * transaction would come too late: a SERIALIZABLE transaction reads the
 * snapshot of its first statement, taken before the wait.) */
static int pg_migrate_begin(db *d)
{
	if (db_exec(d, "SELECT pg_advisory_lock(?)", "i", lock_key("taizhang migrations")) != DB_DONE)
		return DB_ERROR;
	int r = raw_exec(PG(d), "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY"
				" KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
	if (r != DB_DONE)
		db_exec(d, "SELECT pg_advisory_unlock(?)", "i", lock_key("taizhang migrations"));
	return r;
}

/* The portable part in PostgreSQL's words (pg_ddl.c), then its own. */
static int pg_migrate_run(db *d, const migration *m)
{
	char *sql = pg_ddl(m->sql);
	int r = raw_exec(PG(d), sql);
	free(sql);
	if (r == DB_DONE && m->pg)
		r = raw_exec(PG(d), m->pg);
	return r;
}

static void pg_migrate_end(db *d)
{
	db_exec(d, "SELECT pg_advisory_unlock(?)", "i", lock_key("taizhang migrations"));
}

/* PostgreSQL checks its own pages (and data checksums, where the cluster
 * has them); what remains is that the connection works. */
static int pg_check_integrity(db *d, char **err)
{
	if (db_scalar(d, 0, "SELECT 1", "") != 1) {
		*err = xstrdup("the PostgreSQL server does not answer");
		return -1;
	}
	return 0;
}

static int pg_backup(db *d, const char *dest_path, char **err)
{
	*err = xstrdup("back up a PostgreSQL ledger with pg_dump or a base backup"
		       " (docs/deploy.md); `taizhang backup` copies SQLite ledgers");
	return -1;
}

static const db_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.query = pg_query,
	.step = pg_step,
	.done = pg_done,
	.col_int = pg_int,
	.col_double = pg_double,
	.col_text = pg_text,
	.col_blob = pg_blob,
	.col_null = pg_null,
	.col_type = pg_type,
	.changes = pg_changes,
	.transact = pg_transact,
	.read_begin = pg_read_begin,
	.read_end = pg_read_end,
	.in_transaction = pg_in_transaction,
	.rollback_open = pg_rollback_open,
	.schema_version = pg_schema_version,
	.migrate_begin = pg_migrate_begin,
	.migrate_run = pg_migrate_run,
	.migrate_end = pg_migrate_end,
	.lock = pg_lock,
	.check_integrity = pg_check_integrity,
	.backup = pg_backup,
};
