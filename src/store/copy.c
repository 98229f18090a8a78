/*
 * copy.c — a whole ledger from one database into another, checked by
 * counts and SHA-256 checksums (copy.h; `taizhang copy` is cli/copy.c).
 *
 * The copy goes through db.h, except where the two backends' SQL differs,
 * which stays here inside store/: reading the catalogue (SQLite's
 * sqlite_master and pragma functions, PostgreSQL's information_schema and
 * pg_index), the read transaction that holds the source to one snapshot,
 * and PostgreSQL's identity sequences, which must be moved past the ids the
 * copy wrote.
 *
 * Each table is read in primary-key order a batch at a time (keyset
 * pages: `WHERE (key) > (last key) ORDER BY key LIMIT n`, so memory stays
 * bounded also where a backend holds a whole result), hashed as read, and
 * written into the target in one transaction per batch. The transaction
 * function only writes what the batch holds, so db_transact may run it
 * again after a serialization failure.
 *
 * Why names appear in SQL here: a table's or column's name comes from the
 * list below and the databases' own catalogues, never from input, and each
 * is checked to be a plain lower-case identifier before it is quoted into
 * a statement; every value is bound.
 */
#include "store/copy.h"
#include "store/schema.h"
#include "base/buf.h"
#include "base/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every table of the ledger, parents before children: the plan checks the
 * order against the foreign keys the source declares. A table a migration
 * adds goes here (or among the derived ones below); until it does, every
 * copy refuses and test_copy fails. */
const char *const copy_copied_tables[] = {
	"departments", "areas", "categories", "users", "api_keys", "sessions",
	"login_failures", "calendar_days", "counters", "rate_limits", "matters",
	"matter_codepartments", "events", "attachments", "request_tokens", "routing_models",
	"matter_signatures", "matter_bands", "import_uploads", "channels", "outbox", "duties",
	"duty_records", NULL,
};

/* Derived from the copied tables and rebuilt on the target by the caller
 * (search_rebuild), so left out: the full-text index (SQLite: the FTS5
 * tables and their shadow tables; PostgreSQL: matter_search and its
 * totals for bm25, schema v5) and the queue of matters waiting for it. Duplicate signatures are derived
 * too but cheap to copy, so they are copied. schema_version is each
 * database's own and only compared. */
const char *const copy_derived_tables[] = {
	"search_queue",
	"matter_search", "matter_search_config", "matter_search_content", "matter_search_data",
	"matter_search_docsize", "matter_search_idx", "matter_search_totals",
	"matter_chars", "matter_chars_config", "matter_chars_data", "matter_chars_docsize",
	"matter_chars_idx",
	"matter_chars_public", "matter_chars_public_config", "matter_chars_public_data",
	"matter_chars_public_docsize", "matter_chars_public_idx",
	NULL,
};

/* Rows per batch at most, and the bytes a batch aims at: the next batch's
 * row count follows the average row size seen so far (attachments hold
 * photos; a first batch of a table with a blob column is small). */
#define BATCH_ROWS 500
#define BATCH_BLOB_ROWS 8
#define BATCH_BYTES (4u << 20)
/* Values bound in one INSERT of several rows at most. Why several rows a
 * statement: on PostgreSQL each statement is a round trip. */
#define INSERT_VALUES 1000
#define INSERT_ROWS 100

typedef struct column {
	char *name;
	bool blob;    /* declared BLOB / bytea */
	bool integer; /* declared an integer type */
} column;

/* A table as the plan found it on both databases. */
typedef struct ctable {
	const char *name; /* from copy_copied_tables */
	column *cols;     /* in the source's order */
	int ncols;
	int *pk; /* indexes into cols, in key order */
	int npk;
	int *self; /* columns referring to this table's own key */
	int nself;
	bool has_blob;
	int per_insert; /* rows one INSERT writes (sql_insert) */
	char *sql_first, *sql_next, *sql_insert, *sql_count;
} ctable;

typedef struct plan {
	ctable *t;
	int n;
} plan;

/* One value of a row, owned. */
typedef struct cvalue {
	enum db_type type;
	int64_t i;
	double d;
	char *p; /* text (NUL-terminated) or blob bytes; never NULL for either */
	size_t len;
} cvalue;

/* Rows read from one table, and where the next batch starts. */
typedef struct batch {
	cvalue *v; /* nrows × ncols */
	int nrows, cap, ncols;
	size_t bytes;
	cvalue *last; /* the last row's key (npk values), owned */
	bool started;
} batch;

typedef struct fixup {
	int64_t key;
	int col;
	int64_t value;
} fixup;

struct run {
	db *from, *to;
	copy_progress_fn progress;
	void *ctx;
	char **err;
};

/* --- small things ------------------------------------------------------ */

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

static int list_index(const char *const *list, const char *name)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], name) == 0)
			return i;
	return -1;
}

/* A plain lower-case SQL identifier, safe to quote into a statement. */
static bool ident_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 63 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

typedef struct strvec {
	char **v;
	int n;
} strvec;

static void strvec_push(strvec *s, const char *x)
{
	s->v = xrealloc(s->v, (size_t)(s->n + 1) * sizeof *s->v);
	s->v[s->n++] = xstrdup(x ? x : "");
}

static void strvec_free(strvec *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static bool strvec_has(const strvec *s, const char *x)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return true;
	return false;
}

static void set_err(struct run *r, char *msg)
{
	if (!*r->err)
		*r->err = msg;
	else
		free(msg);
}

/* --- the catalogue (the backends' own SQL) ------------------------------ */

/* Column 0 of every row of q, appended to out; DB_DONE or an error. */
static int collect(db_stmt *q, strvec *out)
{
	int rc;
	while ((rc = db_step(q)) == DB_ROW)
		strvec_push(out, db_text(q, 0));
	db_done(q);
	return rc;
}

static int list_tables(db *d, strvec *out)
{
	const char *sql =
		db_is_postgres(d)
			? "SELECT table_name FROM information_schema.tables"
			  " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
			  " ORDER BY table_name"
			: "SELECT name FROM sqlite_master WHERE type = 'table'"
			  " AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name";
	return collect(db_query(d, sql, ""), out);
}

static int list_pk(db *d, const char *table, strvec *out)
{
	const char *sql =
		db_is_postgres(d)
			? "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
			  " ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
			  " WHERE i.indrelid = to_regclass(?) AND i.indisprimary"
			  " ORDER BY array_position(i.indkey::int2[], a.attnum)"
			: "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk";
	return collect(db_query(d, sql, "t", table), out);
}

/* The columns of table with their declared types. */
static int list_columns(db *d, const char *table, column **out, int *n)
{
	const char *sql =
		db_is_postgres(d)
			? "SELECT column_name, upper(data_type) FROM information_schema.columns"
			  " WHERE table_schema = current_schema() AND table_name = ?"
			  " ORDER BY ordinal_position"
			: "SELECT name, upper(type) FROM pragma_table_info(?) ORDER BY cid";
	db_stmt *q = db_query(d, sql, "t", table);
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = db_step(q)) == DB_ROW) {
		const char *type = db_text(q, 1) ? db_text(q, 1) : "";
		*out = xrealloc(*out, (size_t)(*n + 1) * sizeof **out);
		column *c = &(*out)[(*n)++];
		c->name = xstrdup(db_text(q, 0) ? db_text(q, 0) : "");
		c->blob = strcmp(type, "BLOB") == 0 || strcmp(type, "BYTEA") == 0;
		c->integer = strstr(type, "INT") != NULL; /* SQLite's rule; BIGINT, INTEGER */
	}
	db_done(q);
	return rc;
}

static void columns_free(column *c, int n)
{
	for (int i = 0; i < n; i++)
		free(c[i].name);
	free(c);
}

/* A foreign key of a table: its column, the parent table and column ("":
 * the parent's primary key), and whether it is one column of several. */
typedef struct fkey {
	char *col, *parent, *parent_col;
	bool composite;
} fkey;

static int list_fkeys(db *d, const char *table, fkey **out, int *n)
{
	const char *sql =
		db_is_postgres(d)
			? "SELECT a.attname, p.relname, af.attname, array_length(c.conkey, 1)"
			  " FROM pg_constraint c JOIN pg_class p ON p.oid = c.confrelid"
			  " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
			  " JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]"
			  " WHERE c.contype = 'f' AND c.conrelid = to_regclass(?)"
			: "SELECT \"from\", \"table\", coalesce(\"to\", ''),"
			  " count(*) OVER (PARTITION BY id) FROM pragma_foreign_key_list(?)";
	db_stmt *q = db_query(d, sql, "t", table);
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = db_step(q)) == DB_ROW) {
		*out = xrealloc(*out, (size_t)(*n + 1) * sizeof **out);
		fkey *f = &(*out)[(*n)++];
		f->col = xstrdup(db_text(q, 0) ? db_text(q, 0) : "");
		f->parent = xstrdup(db_text(q, 1) ? db_text(q, 1) : "");
		f->parent_col = xstrdup(db_text(q, 2) ? db_text(q, 2) : "");
		f->composite = db_int(q, 3) > 1;
	}
	db_done(q);
	return rc;
}

static void fkeys_free(fkey *f, int n)
{
	for (int i = 0; i < n; i++) {
		free(f[i].col);
		free(f[i].parent);
		free(f[i].parent_col);
	}
	free(f);
}

/* --- the plan ------------------------------------------------------------ */

static void table_free(ctable *t)
{
	columns_free(t->cols, t->ncols);
	free(t->pk);
	free(t->self);
	free(t->sql_first);
	free(t->sql_next);
	free(t->sql_insert);
	free(t->sql_count);
}

static void plan_free(plan *p)
{
	for (int i = 0; i < p->n; i++)
		table_free(&p->t[i]);
	free(p->t);
	p->t = NULL;
	p->n = 0;
}

/* Every table of d must be one the list names (copied, derived or
 * schema_version), and every copied one must be there. */
static int check_tables(struct run *r, db *d, const char *which)
{
	strvec names = {0};
	int rc = list_tables(d, &names);
	if (rc != DB_DONE) {
		set_err(r, str_printf("reading the tables of the %s failed", which));
		rc = COPY_FAILED;
		goto done;
	}
	rc = COPY_OK;
	for (int i = 0; i < names.n && rc == COPY_OK; i++)
		if (!in_list(copy_copied_tables, names.v[i]) &&
		    !in_list(copy_derived_tables, names.v[i]) &&
		    strcmp(names.v[i], "schema_version") != 0) {
			set_err(r, str_printf("the %s holds a table this taizhang does not know, '%s':"
					      " copy it with the taizhang whose migrations made it"
					      " (a new table must be named in store/copy.c)",
					      which, names.v[i]));
			rc = COPY_REFUSED;
		}
	for (int i = 0; copy_copied_tables[i] && rc == COPY_OK; i++)
		if (!strvec_has(&names, copy_copied_tables[i])) {
			set_err(r, str_printf("the %s has no table '%s': it is not a whole taizhang"
					      " ledger", which, copy_copied_tables[i]));
			rc = COPY_REFUSED;
		}
done:
	strvec_free(&names);
	return rc;
}

static int column_index(const ctable *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return i;
	return -1;
}

/* The columns and primary key of t, the same on both databases. */
static int plan_shape(struct run *r, db *a, db *b, ctable *t)
{
	column *other = NULL;
	int nother = 0, rc = COPY_FAILED;
	strvec pk = {0}, pk_other = {0};
	if (list_columns(a, t->name, &t->cols, &t->ncols) != DB_DONE ||
	    list_columns(b, t->name, &other, &nother) != DB_DONE || list_pk(a, t->name, &pk) != DB_DONE ||
	    list_pk(b, t->name, &pk_other) != DB_DONE) {
		set_err(r, str_printf("reading the columns of %s failed", t->name));
		goto done;
	}
	rc = COPY_REFUSED;
	bool same = t->ncols == nother && pk.n == pk_other.n;
	for (int i = 0; same && i < t->ncols; i++) {
		bool found = false;
		for (int j = 0; j < nother; j++)
			found |= strcmp(t->cols[i].name, other[j].name) == 0;
		same = found && ident_ok(t->cols[i].name);
		t->has_blob |= t->cols[i].blob;
	}
	for (int i = 0; same && i < pk.n; i++)
		same = strcmp(pk.v[i], pk_other.v[i]) == 0;
	if (!same) {
		set_err(r, str_printf("the table %s has other columns or another key on the two sides:"
				      " the two ledgers are not of one schema", t->name));
		goto done;
	}
	if (pk.n == 0 || pk.n > 8) {
		set_err(r, str_printf("the table %s has %s primary key: copy reads rows in key order",
				      t->name, pk.n ? "too long a" : "no"));
		goto done;
	}
	t->pk = xcalloc((size_t)pk.n, sizeof *t->pk);
	for (int i = 0; i < pk.n; i++)
		t->pk[t->npk++] = column_index(t, pk.v[i]);
	rc = COPY_OK;
done:
	columns_free(other, nother);
	strvec_free(&pk);
	strvec_free(&pk_other);
	return rc;
}

/* Parents before children: every foreign key of t (at position pos of the
 * list) points at a table copied earlier, or at t itself through its one
 * integer key (such rows may point forward: copy_table defers them). */
static int plan_order(struct run *r, db *d, ctable *t, int pos)
{
	fkey *fk = NULL;
	int nfk = 0, rc = COPY_OK;
	if (list_fkeys(d, t->name, &fk, &nfk) != DB_DONE) {
		set_err(r, str_printf("reading the foreign keys of %s failed", t->name));
		rc = COPY_FAILED;
		goto done;
	}
	for (int i = 0; i < nfk && rc == COPY_OK; i++) {
		int at = list_index(copy_copied_tables, fk[i].parent);
		if (strcmp(fk[i].parent, t->name) == 0) {
			const column *key = &t->cols[t->pk[0]];
			int col = column_index(t, fk[i].col);
			if (t->npk != 1 || !key->integer || fk[i].composite || col < 0 ||
			    (fk[i].parent_col[0] && strcmp(fk[i].parent_col, key->name) != 0)) {
				set_err(r, str_printf("the table %s refers to itself other than by its"
						      " integer key: store/copy.c cannot order it",
						      t->name));
				rc = COPY_REFUSED;
				break;
			}
			t->self = xrealloc(t->self, (size_t)(t->nself + 1) * sizeof *t->self);
			t->self[t->nself++] = col;
		} else if (at < 0 || at >= pos) {
			set_err(r, str_printf("the table %s refers to %s, which store/copy.c does not copy"
					      " before it: fix the order of its tables", t->name,
					      fk[i].parent));
			rc = COPY_REFUSED;
		}
	}
done:
	fkeys_free(fk, nfk);
	return rc;
}

/* INSERT of rows rows into t: VALUES (?, ...), (?, ...), ... */
static char *insert_sql(const ctable *t, int rows)
{
	buf b = BUF_INIT;
	buf_printf(&b, "INSERT INTO \"%s\" (", t->name);
	for (int i = 0; i < t->ncols; i++)
		buf_printf(&b, "%s\"%s\"", i ? ", " : "", t->cols[i].name);
	buf_puts(&b, ") VALUES ");
	for (int r = 0; r < rows; r++) {
		buf_puts(&b, r ? ", (" : "(");
		for (int i = 0; i < t->ncols; i++)
			buf_puts(&b, i ? ", ?" : "?");
		buf_putc(&b, ')');
	}
	return buf_steal(&b);
}

/* The statements of t: count, first and next page in key order, insert. */
static void plan_sql(ctable *t)
{
	buf cols = BUF_INIT, key = BUF_INIT, marks = BUF_INIT;
	for (int i = 0; i < t->ncols; i++)
		buf_printf(&cols, "%s\"%s\"", i ? ", " : "", t->cols[i].name);
	for (int i = 0; i < t->npk; i++)
		buf_printf(&key, "%s\"%s\"", i ? ", " : "", t->cols[t->pk[i]].name);
	for (int i = 0; i < t->npk; i++)
		buf_printf(&marks, "%s?", i ? ", " : "");
	t->sql_count = str_printf("SELECT count(*) FROM \"%s\"", t->name);
	t->sql_first = str_printf("SELECT %s FROM \"%s\" ORDER BY %s LIMIT ?", buf_str(&cols), t->name,
				  buf_str(&key));
	if (t->npk == 1)
		t->sql_next = str_printf("SELECT %s FROM \"%s\" WHERE %s > ? ORDER BY %s LIMIT ?",
					 buf_str(&cols), t->name, buf_str(&key), buf_str(&key));
	else
		t->sql_next = str_printf("SELECT %s FROM \"%s\" WHERE (%s) > (%s) ORDER BY %s LIMIT ?",
					 buf_str(&cols), t->name, buf_str(&key), buf_str(&marks),
					 buf_str(&key));
	int per = INSERT_VALUES / t->ncols;
	t->per_insert = per < 1 ? 1 : per > INSERT_ROWS ? INSERT_ROWS : per;
	t->sql_insert = insert_sql(t, t->per_insert);
	buf_free(&cols);
	buf_free(&key);
	buf_free(&marks);
}

/* Check both databases' tables against the list and each other, and plan
 * every copied table. */
static int plan_make(struct run *r, db *a, db *b, plan *p)
{
	int rc = check_tables(r, a, "source");
	if (rc == COPY_OK)
		rc = check_tables(r, b, "target");
	int n = 0;
	while (copy_copied_tables[n])
		n++;
	p->t = xcalloc((size_t)n, sizeof *p->t);
	for (int i = 0; i < n && rc == COPY_OK; i++) {
		ctable *t = &p->t[i];
		t->name = copy_copied_tables[i];
		p->n = i + 1;
		if (!ident_ok(t->name)) {
			set_err(r, str_printf("table name '%s' is not a plain identifier", t->name));
			rc = COPY_REFUSED;
			break;
		}
		if ((rc = plan_shape(r, a, b, t)) == COPY_OK && (rc = plan_order(r, a, t, i)) == COPY_OK)
			plan_sql(t);
	}
	return rc;
}

/* --- rows ------------------------------------------------------------------ */

static void value_clear(cvalue *v)
{
	free(v->p);
	memset(v, 0, sizeof *v);
}

/* Column col of q's current row into v (owned copy). Returns its size. */
static size_t value_take(db_stmt *q, int col, cvalue *v)
{
	memset(v, 0, sizeof *v);
	v->type = db_column_type(q, col);
	switch (v->type) {
	case DB_INTEGER: v->i = db_int(q, col); return 8;
	case DB_FLOAT: v->d = db_double(q, col); return 8;
	case DB_TEXT: {
		const char *s = db_text(q, col);
		v->len = s ? strlen(s) : 0;
		v->p = xstrndup(s ? s : "", v->len);
		return v->len;
	}
	case DB_BLOB: {
		const void *p = db_blob(q, col, &v->len);
		v->p = xmalloc(v->len + 1);
		if (v->len)
			memcpy(v->p, p, v->len);
		v->p[v->len] = '\0';
		return v->len;
	}
	default: return 1;
	}
}

static void value_copy(cvalue *to, const cvalue *from)
{
	*to = *from;
	if (from->p) {
		to->p = xmalloc(from->len + 1);
		memcpy(to->p, from->p, from->len + 1);
	}
}

static void value_arg(const cvalue *v, db_arg *a)
{
	memset(a, 0, sizeof *a);
	switch (v->type) {
	case DB_INTEGER: a->type = 'i'; a->i = v->i; break;
	case DB_FLOAT: a->type = 'd'; a->d = v->d; break;
	case DB_TEXT: a->type = 't'; a->t = v->p; break;
	case DB_BLOB: a->type = 'b'; a->t = v->p; a->len = v->len; break;
	default: a->type = 'n'; break;
	}
}

static cvalue *row_at(const batch *b, int row)
{
	return &b->v[(size_t)row * (size_t)b->ncols];
}

static void batch_clear_rows(batch *b)
{
	for (int i = 0; i < b->nrows * b->ncols; i++)
		value_clear(&b->v[i]);
	b->nrows = 0;
	b->bytes = 0;
}

static void batch_free(batch *b, int npk)
{
	batch_clear_rows(b);
	free(b->v);
	if (b->last)
		for (int i = 0; i < npk; i++)
			value_clear(&b->last[i]);
	free(b->last);
	memset(b, 0, sizeof *b);
}

/* Read the next at most limit rows of t from d in key order into b.
 * Returns the number read (0: the table is done) or a negative db_result. */
static int read_batch(db *d, const ctable *t, batch *b, int limit)
{
	batch_clear_rows(b);
	b->ncols = t->ncols;
	db_arg args[16];
	int n = 0;
	if (b->started)
		for (int i = 0; i < t->npk && n < 15; i++)
			value_arg(&b->last[i], &args[n++]);
	args[n] = (db_arg){.type = 'i', .i = limit};
	db_stmt *q = db_query_args(d, b->started ? t->sql_next : t->sql_first, args, n + 1);
	if (!q)
		return DB_ERROR;
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		if (b->nrows == b->cap) {
			b->cap = b->cap ? 2 * b->cap : 64;
			b->v = xrealloc(b->v, (size_t)b->cap * (size_t)t->ncols * sizeof *b->v);
		}
		cvalue *row = row_at(b, b->nrows++);
		for (int c = 0; c < t->ncols; c++)
			b->bytes += value_take(q, c, &row[c]) + 16;
	}
	db_done(q);
	if (rc != DB_DONE)
		return rc < 0 ? rc : DB_ERROR;
	if (b->nrows) {
		if (!b->last)
			b->last = xcalloc((size_t)t->npk, sizeof *b->last);
		const cvalue *row = row_at(b, b->nrows - 1);
		for (int i = 0; i < t->npk; i++) {
			value_clear(&b->last[i]);
			value_copy(&b->last[i], &row[t->pk[i]]);
		}
		b->started = true;
	}
	return b->nrows;
}

/* The next batch's row count: about BATCH_BYTES at the rows' size so far,
 * in whole INSERTs of per rows. */
static int next_limit(const batch *b, int max, int per)
{
	if (!b->nrows)
		return max;
	size_t avg = b->bytes / (size_t)b->nrows + 1;
	size_t n = BATCH_BYTES / avg;
	n = n < 1 ? 1 : n > BATCH_ROWS ? BATCH_ROWS : n;
	return n > (size_t)per ? (int)(n - n % (size_t)per) : (int)n;
}

/* "id=7" or "band_key=3, created_at=..., matter_id=9": a row's key, for
 * messages. Why text keys are not shown: some are secrets' hashes
 * (sessions, uploads) or hold an address (rate limits). */
static char *key_text(const ctable *t, const cvalue *row)
{
	buf b = BUF_INIT;
	for (int i = 0; i < t->npk; i++) {
		const cvalue *v = &row[t->pk[i]];
		buf_printf(&b, "%s%s=", i ? ", " : "", t->cols[t->pk[i]].name);
		if (v->type == DB_INTEGER)
			buf_printf(&b, "%lld", (long long)v->i);
		else
			buf_puts(&b, "…");
	}
	return buf_steal(&b);
}

/* --- checksums ------------------------------------------------------------- */

/*
 * The canonical form of a table: a header with the column names, then each
 * row in key order, each value tagged with its type: N (NULL); I and the
 * integer in decimal, then ';'; F and the float printed with %.17g from its
 * parsed value (so 0.1 reads the same from SQLite's double and from
 * PostgreSQL's text), then ';'; T or B, the byte length in decimal, ':' and
 * the bytes of a text or a blob. Every value says where it ends, so no two
 * different tables serialize alike.
 */
static void hash_put(crypto_hash_sha256_state *h, const void *p, size_t n)
{
	crypto_hash_sha256_update(h, p, n);
}

static void hash_header(crypto_hash_sha256_state *h, const ctable *t)
{
	char num[32];
	crypto_hash_sha256_init(h);
	hash_put(h, "taizhang-copy-1\n", 16);
	for (int i = 0; i < t->ncols; i++) {
		size_t n = strlen(t->cols[i].name);
		int k = snprintf(num, sizeof num, "C%zu:", n);
		hash_put(h, num, (size_t)k);
		hash_put(h, t->cols[i].name, n);
	}
}

static void hash_row(crypto_hash_sha256_state *h, const cvalue *row, int ncols)
{
	char num[64];
	hash_put(h, "R", 1);
	for (int c = 0; c < ncols; c++) {
		const cvalue *v = &row[c];
		int k;
		switch (v->type) {
		case DB_INTEGER: k = snprintf(num, sizeof num, "I%lld;", (long long)v->i); break;
		case DB_FLOAT: k = snprintf(num, sizeof num, "F%.17g;", v->d); break;
		case DB_TEXT: k = snprintf(num, sizeof num, "T%zu:", v->len); break;
		case DB_BLOB: k = snprintf(num, sizeof num, "B%zu:", v->len); break;
		default: k = snprintf(num, sizeof num, "N"); break;
		}
		hash_put(h, num, (size_t)k);
		if (v->type == DB_TEXT || v->type == DB_BLOB)
			hash_put(h, v->p, v->len);
	}
}

/* Count and checksum t on d (in the caller's read transaction). */
static int sum_table(struct run *r, db *d, const ctable *t, int64_t *rows,
		     unsigned char sum[COPY_SUM_BYTES])
{
	crypto_hash_sha256_state h;
	batch b = {0};
	int limit = t->has_blob ? BATCH_BLOB_ROWS : BATCH_ROWS, n;
	hash_header(&h, t);
	*rows = 0;
	while ((n = read_batch(d, t, &b, limit)) > 0) {
		for (int i = 0; i < n; i++)
			hash_row(&h, row_at(&b, i), t->ncols);
		*rows += n;
		if (r->progress)
			r->progress(r->ctx, "verify", t->name, *rows, -1);
		limit = next_limit(&b, limit, 1);
	}
	batch_free(&b, t->npk);
	crypto_hash_sha256_final(&h, sum);
	if (n < 0) {
		set_err(r, str_printf("reading the table %s failed", t->name));
		return COPY_FAILED;
	}
	return COPY_OK;
}

/* --- writing ---------------------------------------------------------------- */

struct insert_ctx {
	const ctable *t;
	const batch *b;
	int failed_row; /* the first row of the INSERT the target refused, or -1 */
};

/* A batch's rows into the target: one transaction, per_insert rows a
 * statement (the last one fewer, its statement made for it). Writes
 * nothing but the batch, so a retry after a serialization failure is the
 * same work. */
static int insert_rows(db *d, void *vctx)
{
	struct insert_ctx *x = vctx;
	const ctable *t = x->t;
	db_arg *args = xcalloc((size_t)t->per_insert * (size_t)t->ncols, sizeof *args);
	int rc = DB_DONE;
	x->failed_row = -1;
	for (int i = 0; i < x->b->nrows && rc == DB_DONE; i += t->per_insert) {
		int k = x->b->nrows - i < t->per_insert ? x->b->nrows - i : t->per_insert;
		char *sql = k == t->per_insert ? NULL : insert_sql(t, k);
		for (int r = 0; r < k; r++)
			for (int c = 0; c < t->ncols; c++)
				value_arg(&row_at(x->b, i + r)[c], &args[r * t->ncols + c]);
		db_stmt *q = db_query_args(d, sql ? sql : t->sql_insert, args, k * t->ncols);
		rc = q ? db_step(q) : DB_ERROR;
		db_done(q);
		free(sql);
		if (rc != DB_DONE) {
			x->failed_row = i;
			rc = rc < 0 ? rc : DB_ERROR;
		}
	}
	free(args);
	return rc;
}

struct fixup_ctx {
	const ctable *t;
	const fixup *f;
	int n;
};

/* Put back the self-references that pointed forward when their row was
 * written (the row they name exists now). */
static int apply_fixups(db *d, void *vctx)
{
	struct fixup_ctx *x = vctx;
	int rc = DB_DONE;
	for (int i = 0; i < x->n && rc == DB_DONE; i++) {
		char *sql = str_printf("UPDATE \"%s\" SET \"%s\" = ? WHERE \"%s\" = ?", x->t->name,
				       x->t->cols[x->f[i].col].name, x->t->cols[x->t->pk[0]].name);
		rc = db_exec(d, sql, "ii", x->f[i].value, x->f[i].key);
		free(sql);
	}
	return rc;
}

/* PostgreSQL: move the identity sequence of t's key past the ids the copy
 * wrote, or the next INSERT without an id would take one of them. */
static int move_sequence(db *d, void *vctx)
{
	const ctable *t = vctx;
	const char *key = t->cols[t->pk[0]].name;
	char *sql = str_printf("SELECT setval(s::regclass, m) FROM (SELECT pg_get_serial_sequence(?, ?)"
			       " AS s, (SELECT max(\"%s\") FROM \"%s\") AS m) x"
			       " WHERE s IS NOT NULL AND m IS NOT NULL",
			       key, t->name);
	int rc = db_exec(d, sql, "tt", t->name, key);
	free(sql);
	return rc;
}

/* Self-references of the batch's rows to rows not yet written (a larger
 * key): written as NULL now, set by apply_fixups after the table. */
static void defer_forward(const ctable *t, batch *b, fixup **fx, int *nfx)
{
	for (int i = 0; i < b->nrows; i++) {
		cvalue *row = row_at(b, i);
		const cvalue *key = &row[t->pk[0]];
		for (int s = 0; s < t->nself; s++) {
			cvalue *v = &row[t->self[s]];
			if (v->type != DB_INTEGER || key->type != DB_INTEGER || v->i <= key->i)
				continue;
			*fx = xrealloc(*fx, (size_t)(*nfx + 1) * sizeof **fx);
			(*fx)[(*nfx)++] = (fixup){key->i, t->self[s], v->i};
			v->type = DB_NULL;
		}
	}
}

/* Write the deferred self-references, BATCH_ROWS per transaction. */
static int write_fixups(struct run *r, const ctable *t, const fixup *fx, int nfx)
{
	for (int i = 0; i < nfx; i += BATCH_ROWS) {
		struct fixup_ctx x = {t, fx + i, nfx - i < BATCH_ROWS ? nfx - i : BATCH_ROWS};
		if (db_transact(r->to, apply_fixups, &x) < 0) {
			set_err(r, str_printf("writing the references of %s to its own rows failed",
					      t->name));
			return COPY_FAILED;
		}
	}
	return COPY_OK;
}

/* Copy t from the source into the target, checksumming the source's rows
 * as they are read. */
static int copy_table(struct run *r, const ctable *t, copy_table_check *chk)
{
	crypto_hash_sha256_state h;
	batch b = {0};
	fixup *fx = NULL;
	int nfx = 0, limit = t->has_blob ? BATCH_BLOB_ROWS : BATCH_ROWS, n, rc = COPY_FAILED;
	int64_t total = db_scalar(r->from, -1, t->sql_count, "");
	hash_header(&h, t);
	while ((n = read_batch(r->from, t, &b, limit)) > 0) {
		for (int i = 0; i < n; i++)
			hash_row(&h, row_at(&b, i), t->ncols);
		defer_forward(t, &b, &fx, &nfx);
		struct insert_ctx x = {t, &b, -1};
		if (db_transact(r->to, insert_rows, &x) < 0) {
			char *key = x.failed_row >= 0 ? key_text(t, row_at(&b, x.failed_row)) : NULL;
			int64_t at = chk->rows[0] + x.failed_row + 1;
			int k = b.nrows - x.failed_row < t->per_insert ? b.nrows - x.failed_row
								       : t->per_insert;
			set_err(r, key ? str_printf("the target refused a row of %s: one of rows %lld to"
						    " %lld in key order, from %s on",
						    t->name, (long long)at, (long long)(at + k - 1), key)
				       : str_printf("writing into %s failed", t->name));
			free(key);
			goto done;
		}
		chk->rows[0] += n;
		if (r->progress)
			r->progress(r->ctx, "copy", t->name, chk->rows[0], total);
		limit = next_limit(&b, limit, t->per_insert);
	}
	if (n < 0) {
		set_err(r, str_printf("reading the table %s from the source failed", t->name));
		goto done;
	}
	if (write_fixups(r, t, fx, nfx) != COPY_OK)
		goto done;
	if (db_is_postgres(r->to) && t->npk == 1 && t->cols[t->pk[0]].integer &&
	    db_transact(r->to, move_sequence, (void *)t) < 0) {
		set_err(r, str_printf("moving the id sequence of %s failed", t->name));
		goto done;
	}
	rc = COPY_OK;
done:
	crypto_hash_sha256_final(&h, chk->sum[0]);
	batch_free(&b, t->npk);
	free(fx);
	return rc;
}

/* --- the whole ---------------------------------------------------------------- */

static int latest_version(void)
{
	return schema_migrations[schema_nmigrations - 1].version;
}

/* The source must be a ledger at this build's schema version. */
static int check_source(struct run *r)
{
	int v = db_schema_version(r->from), want = latest_version();
	if (v == 0)
		set_err(r, xstrdup("the source holds no taizhang ledger"));
	else if (v < want)
		set_err(r, str_printf("the source ledger is at schema version %d, this taizhang at %d:"
				      " bring it up to date first (start this version's `taizhang"
				      " serve` on it once; it migrates as it starts)", v, want));
	else if (v > want)
		set_err(r, str_printf("the source ledger is at schema version %d, newer than this"
				      " taizhang (%d): copy it with the taizhang that made it", v, want));
	return v == want ? COPY_OK : COPY_REFUSED;
}

/* The target gets the schema when it has none; one that has another
 * version, or tables but no ledger, is refused. */
static int prepare_target(struct run *r)
{
	int v = db_schema_version(r->to), want = latest_version();
	if (v == 0) {
		strvec names = {0};
		int rc = list_tables(r->to, &names);
		int n = names.n;
		strvec_free(&names);
		if (rc != DB_DONE) {
			set_err(r, xstrdup("reading the tables of the target failed"));
			return COPY_FAILED;
		}
		if (n > 0) {
			set_err(r, str_printf("the target holds other tables (%d) and no taizhang ledger:"
					      " copy into an empty database", n));
			return COPY_REFUSED;
		}
		if (db_migrate(r->to) != 0) {
			set_err(r, xstrdup("creating the ledger's tables in the target failed"));
			return COPY_FAILED;
		}
		return COPY_OK;
	}
	if (v != want) {
		set_err(r, str_printf("the target holds a ledger at schema version %d, this taizhang"
				      " writes %d: copy into an empty database", v, want));
		return COPY_REFUSED;
	}
	return COPY_OK;
}

/* No ledger data in the target: every copied table empty. */
static int check_empty(struct run *r, const plan *p)
{
	for (int i = 0; i < p->n; i++) {
		char *sql = str_printf("SELECT count(*) FROM (SELECT 1 FROM \"%s\" LIMIT 1) x",
				       p->t[i].name);
		int64_t rows = db_scalar(r->to, -1, sql, "");
		free(sql);
		if (rows < 0) {
			set_err(r, str_printf("reading %s in the target failed", p->t[i].name));
			return COPY_FAILED;
		}
		if (rows > 0) {
			set_err(r, str_printf("the target is not empty (its table %s has rows): copy only"
					      " into an empty database, a new SQLite file or a PostgreSQL"
					      " database just made with CREATE DATABASE (not `taizhang"
					      " init`, which installs the default categories)",
					      p->t[i].name));
			return COPY_REFUSED;
		}
	}
	return COPY_OK;
}

static void report_start(copy_report *out, const plan *p)
{
	out->tables = xcalloc((size_t)(p->n ? p->n : 1), sizeof *out->tables);
	out->ntables = p->n;
	out->schema_version = latest_version();
	for (int i = 0; i < p->n; i++)
		out->tables[i].table = p->t[i].name;
}

/* Compare what was summed; COPY_OK or COPY_DIFFERENT. */
static int report_finish(copy_report *out)
{
	int rc = COPY_OK;
	out->rows = 0;
	for (int i = 0; i < out->ntables; i++) {
		copy_table_check *c = &out->tables[i];
		c->same = c->rows[0] == c->rows[1] && memcmp(c->sum[0], c->sum[1], COPY_SUM_BYTES) == 0;
		out->rows += c->rows[0];
		if (!c->same)
			rc = COPY_DIFFERENT;
	}
	return rc;
}

/* Count and checksum every table of the plan on d, as side 0 (the source)
 * or 1 (the target) of the report. */
static int sum_side(struct run *r, db *d, const plan *p, copy_report *out, int side)
{
	int rc = COPY_OK;
	for (int i = 0; i < p->n && rc == COPY_OK; i++)
		rc = sum_table(r, d, &p->t[i], &out->tables[i].rows[side], out->tables[i].sum[side]);
	return rc;
}

int copy_ledger(db *from, db *to, copy_progress_fn progress, void *ctx, copy_report *out,
		char **err)
{
	struct run r = {from, to, progress, ctx, err};
	plan p = {0};
	bool reading = false;
	*err = NULL;
	memset(out, 0, sizeof *out);
	int rc = check_source(&r);
	if (rc == COPY_OK)
		rc = prepare_target(&r);
	if (rc != COPY_OK)
		goto done;
	if (db_read_begin(from) != DB_DONE) {
		set_err(&r, xstrdup("starting a read transaction on the source failed"));
		rc = COPY_FAILED;
		goto done;
	}
	reading = true;
	if ((rc = plan_make(&r, from, to, &p)) != COPY_OK || (rc = check_empty(&r, &p)) != COPY_OK)
		goto done;
	report_start(out, &p);
	for (int i = 0; i < p.n; i++)
		if ((rc = copy_table(&r, &p.t[i], &out->tables[i])) != COPY_OK)
			goto done;
	db_read_end(from);
	reading = false;
	/* The target as it now stands, read afresh: what a server would see. */
	if (db_read_begin(to) != DB_DONE) {
		set_err(&r, xstrdup("starting a read transaction on the target failed"));
		rc = COPY_FAILED;
		goto done;
	}
	rc = sum_side(&r, to, &p, out, 1);
	db_read_end(to);
	if (rc == COPY_OK)
		rc = report_finish(out);
	/* Why: a PostgreSQL database just filled has no statistics until
	 * autovacuum comes by, and its first plans are blind (the board ran at
	 * a fifth of its speed in bench/backends until it did). SQLite's
	 * ANALYZE is left alone: it would change plans the indexes were made
	 * for. A failure only costs speed until autovacuum, so it is logged. */
	if (rc == COPY_OK && db_is_postgres(to) && db_exec(to, "ANALYZE", "") != DB_DONE)
		log_error("ANALYZE of the target failed; autovacuum will gather the statistics");
done:
	if (reading)
		db_read_end(from);
	plan_free(&p);
	return rc;
}

int copy_compare(db *a, db *b, copy_progress_fn progress, void *ctx, copy_report *out,
		 char **err)
{
	struct run r = {a, b, progress, ctx, err};
	plan p = {0};
	int rc = COPY_OK;
	bool open_a = false, open_b = false;
	*err = NULL;
	memset(out, 0, sizeof *out);
	int va = db_schema_version(a), vb = db_schema_version(b);
	if (va == 0 || vb == 0 || va != vb) {
		set_err(&r, va && vb ? str_printf("the ledgers are at schema versions %d and %d", va, vb)
				     : xstrdup("one of the two holds no taizhang ledger"));
		return COPY_REFUSED;
	}
	open_a = db_read_begin(a) == DB_DONE;
	open_b = open_a && db_read_begin(b) == DB_DONE;
	if (!open_b) {
		set_err(&r, xstrdup("starting a read transaction failed"));
		rc = COPY_FAILED;
		goto done;
	}
	if ((rc = plan_make(&r, a, b, &p)) != COPY_OK)
		goto done;
	report_start(out, &p);
	out->schema_version = va;
	rc = sum_side(&r, a, &p, out, 0);
	if (rc == COPY_OK)
		rc = sum_side(&r, b, &p, out, 1);
	if (rc == COPY_OK)
		rc = report_finish(out);
done:
	if (open_a)
		db_read_end(a);
	if (open_b)
		db_read_end(b);
	plan_free(&p);
	return rc;
}

void copy_report_free(copy_report *r)
{
	if (!r)
		return;
	free(r->tables);
	memset(r, 0, sizeof *r);
}

const char *copy_url_problem(const char *url)
{
	if (str_empty(url))
		return "an empty URL";
	if (db_url_is_postgres(url))
		return url[strcspn(url, ":") + 3] ? NULL : "a PostgreSQL URL without a server or database";
	if (strstr(url, "://"))
		return "not a database URL: give a SQLite path, sqlite:PATH or postgresql://...";
	if (strncmp(url, "sqlite:", 7) == 0 && !url[7])
		return "sqlite: without a path";
	return NULL;
}
