/*
 * db.c — the public half of db.h, shared by the backends (sqlite.c, pg.c):
 * the choice of backend by URL, the bind formats turned into arguments,
 * group commit for outermost transactions, and the storage-failure marks.
 */
#include "store/backend.h"
#include "store/group.h"
#include "base/util.h"

#include <string.h>
#include <time.h>

/* Why a cap: the bind formats of db_query are written out in the code, and
 * none is this long; db_query_args takes arrays of any length. */
#define MAX_ARGS 64

bool db_url_is_postgres(const char *url)
{
	return url && (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0);
}

db *db_open(const char *url, char **err)
{
	*err = NULL;
	return db_url_is_postgres(url) ? pg_open(url, err) : sqlite_open(url, err);
}

void db_close(db *d)
{
	if (d)
		d->ops->close(d);
}

const char *db_backend(db *d) { return d->ops->name; }
bool db_is_postgres(db *d) { return d && strcmp(d->ops->name, "postgresql") == 0; }

bool db_exists(const char *url)
{
	return db_url_is_postgres(url) ? pg_exists(url) : sqlite_exists(url);
}

void db_remove(const char *url)
{
	if (!db_url_is_postgres(url))
		sqlite_remove(url);
}

int db_restore(const char *url, const char *from_path, bool force, char **err)
{
	*err = NULL;
	if (db_url_is_postgres(url)) {
		*err = xstrdup("restore into PostgreSQL with pg_restore, or copy a SQLite ledger over"
			       " with `taizhang copy` (docs/deploy.md)");
		return -1;
	}
	return sqlite_restore(url, from_path, force, err);
}

/* The format letters and their va_list turned into arguments. */
static int args_from(db_arg *args, const char *file, int line, const char *fmt, va_list ap)
{
	int n = 0;
	for (const char *f = fmt ? fmt : ""; *f; f++) {
		if (n == MAX_ARGS) {
			log_msg("error", file, line, "more than %d arguments", MAX_ARGS);
			return -1;
		}
		db_arg *a = &args[n++];
		memset(a, 0, sizeof *a);
		a->type = *f;
		switch (*f) {
		case 'i': a->i = va_arg(ap, int64_t); break;
		case 'z': a->i = va_arg(ap, int64_t); break;
		case 't': a->t = va_arg(ap, const char *); break;
		case 'd': a->d = va_arg(ap, double); break;
		case 'n': break;
		case 'b':
			a->t = va_arg(ap, const void *);
			a->len = va_arg(ap, size_t);
			break;
		default:
			log_msg("error", file, line, "bad bind format '%c'", *f);
			return -1;
		}
	}
	return n;
}

static db_stmt *vquery(db *d, const char *file, int line, const char *sql, const char *fmt,
		       va_list ap)
{
	db_arg args[MAX_ARGS];
	int n = args_from(args, file, line, fmt, ap);
	return n < 0 ? NULL : d->ops->query(d, file, line, sql, args, n);
}

db_stmt *db_query_at(db *d, const char *file, int line, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	db_stmt *q = vquery(d, file, line, sql, fmt, ap);
	va_end(ap);
	return q;
}

db_stmt *db_query_args_at(db *d, const char *file, int line, const char *sql,
			  const db_arg *args, int nargs)
{
	return d->ops->query(d, file, line, sql, args, nargs);
}

char db_arg_kind(const db_arg *a)
{
	if ((a->type == 'z' && !a->i) || (a->type == 't' && !a->t))
		return 'n';
	return a->type;
}

int db_step(db_stmt *q) { return q ? q->owner->ops->step(q) : DB_ERROR; }

void db_done(db_stmt *q)
{
	if (q)
		q->owner->ops->done(q);
}

int64_t db_int(db_stmt *q, int col) { return q->owner->ops->col_int(q, col); }
double db_double(db_stmt *q, int col) { return q->owner->ops->col_double(q, col); }
const char *db_text(db_stmt *q, int col) { return q->owner->ops->col_text(q, col); }
bool db_is_null(db_stmt *q, int col) { return q->owner->ops->col_null(q, col); }
enum db_type db_column_type(db_stmt *q, int col) { return q->owner->ops->col_type(q, col); }

const void *db_blob(db_stmt *q, int col, size_t *len)
{
	return q->owner->ops->col_blob(q, col, len);
}

char *db_text_dup(db_stmt *q, int col)
{
	return xstrdup(db_text(q, col));
}

int db_exec_at(db *d, const char *file, int line, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	db_stmt *q = vquery(d, file, line, sql, fmt, ap);
	va_end(ap);
	if (!q)
		return DB_ERROR;
	int r;
	while ((r = db_step(q)) == DB_ROW)
		;
	db_done(q);
	return r;
}

int64_t db_changes(db *d) { return d->ops->changes(d); }

int64_t db_int_at(db *d, const char *file, int line, int64_t dflt, const char *sql,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	db_stmt *q = vquery(d, file, line, sql, fmt, ap);
	va_end(ap);
	int64_t v = dflt;
	if (q && db_step(q) == DB_ROW && !db_is_null(q, 0))
		v = db_int(q, 0);
	db_done(q);
	return v;
}

int db_storage_result(db *d, int r, unsigned seen)
{
	return r < 0 && d->storage_failures != seen ? DB_UNAVAILABLE : r;
}

int64_t db_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void db_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

void db_note_storage_failure(db *d)
{
	d->storage_failures++;
	d->storage_flag = true;
}

int db_transact(db *d, db_tx_fn fn, void *ctx)
{
	if (d->group && !d->ops->in_transaction(d)) {
		int r = db_group_run(d->group, fn, ctx);
		/* The writer's connection saw (and logged) the failure; this
		 * connection's caller is the one that answers for it. */
		if (r == DB_UNAVAILABLE)
			db_note_storage_failure(d);
		return r;
	}
	return d->ops->transact(d, fn, ctx);
}

int db_read_begin(db *d)
{
	if (d->ops->in_transaction(d)) {
		log_error("db_read_begin inside a transaction");
		return DB_ERROR;
	}
	return d->ops->read_begin(d);
}

void db_read_end(db *d) { d->ops->read_end(d); }

bool db_in_transaction(db *d) { return d && d->ops->in_transaction(d); }
void db_rollback_open(db *d) { d->ops->rollback_open(d); }
int db_schema_version(db *d) { return d->ops->schema_version(d); }
static int apply_migration(db *d, void *vctx)
{
	const migration *m = vctx;
	int r = d->ops->migrate_run(d, m);
	if (r != DB_DONE)
		return r < 0 ? r : DB_ERROR;
	return db_exec(d, "INSERT INTO schema_version(version, name, applied_at) VALUES (?, ?, ?)",
		       "iti", (int64_t)m->version, m->name, (int64_t)time(NULL));
}

int db_migrate(db *d)
{
	if (d->ops->migrate_begin(d) != DB_DONE)
		return -1;
	int rc = 0, have = db_schema_version(d);
	for (int i = 0; i < schema_nmigrations && rc == 0; i++) {
		const migration *m = &schema_migrations[i];
		if (m->version <= have)
			continue;
		if (db_transact(d, apply_migration, (void *)m) < 0) {
			log_error("migration %d (%s) failed", m->version, m->name);
			rc = -1;
		}
	}
	d->ops->migrate_end(d);
	return rc;
}
int db_check_integrity(db *d, char **err) { return d->ops->check_integrity(d, err); }

int db_lock(db *d, const char *name)
{
	if (!d->ops->in_transaction(d)) {
		log_error("db_lock(%s) outside a transaction", name);
		return DB_ERROR;
	}
	return d->ops->lock(d, name);
}

int db_backup(db *src, const char *dest_path, char **err)
{
	*err = NULL;
	return src->ops->backup(src, dest_path, err);
}

void db_use_group(db *d, db_group *g) { d->group = g; }

bool db_group_stats(db *d, uint64_t *groups, uint64_t *jobs)
{
	if (!d || !d->group)
		return false;
	group_stats(d->group, groups, jobs);
	return true;
}

bool db_storage_unavailable(db *d)
{
	if (!d || !d->storage_flag)
		return false;
	d->storage_flag = false;
	return true;
}
