/*
 * matter_find.c — finding matters with filters, and the counts behind the
 * dashboard and the board.
 *
 * The WHERE clause is assembled only from the literal fragments below, each
 * with its bound value: no data ever becomes SQL text.
 */
#include "ledger/matter.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "ledger/matter_row.h"
#include "ledger/search_int.h"
#include "base/utf8.h"
#include "base/buf.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>


matter_filter matter_filter_any(void)
{
	matter_filter f;
	memset(&f, 0, sizeof f);
	f.status = -1;
	f.count_cap = MATTER_COUNT_CAP;
	return f;
}

typedef struct where {
	buf sql;
	db_arg *args;
	int n, cap;
} where;

static void cond(where *w, const char *fragment)
{
	buf_puts(&w->sql, w->sql.len ? " AND " : " WHERE ");
	buf_puts(&w->sql, fragment);
}

static db_arg *arg_new(where *w)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->args = xrealloc(w->args, (size_t)w->cap * sizeof *w->args);
	}
	return &w->args[w->n++];
}

static void arg_i(where *w, int64_t v)
{
	*arg_new(w) = (db_arg){.type = 'i', .i = v};
}

static void arg_t(where *w, const char *t)
{
	*arg_new(w) = (db_arg){.type = 't', .t = t};
}

/* "column IN (?, ?, ...)" with n placeholders: only literal text. */
static void cond_in(where *w, const char *column, size_t n)
{
	cond(w, column);
	buf_puts(&w->sql, " IN (");
	for (size_t i = 0; i < n; i++)
		buf_puts(&w->sql, i ? ", ?" : "?");
	buf_puts(&w->sql, ")");
}

static const char open_statuses[] =
	"m.status NOT IN ('resolved', 'closed', 'rejected', 'merged')";
static const char closed_statuses[] =
	"m.status IN ('resolved', 'closed', 'rejected', 'merged')";

/* "m.status IN (?, ...)" with every status still open (status_is_open),
 * for the overdue lists. Why named one by one: with IN, SQLite reads the
 * (status, deadline) or (public, status) index for each open status and
 * the range of deadlines, where NOT IN leaves it to walk a whole index. On
 * bench/gen's 1,000,000 matters: /board?overdue=1 1.4–4.5 s → 0.14–0.19 s;
 * in sqlite3, a department's overdue page 1.8 s → 0.05 s and the overdue
 * page by 督办 tier 2.1 s → 0.2 s (first runs). */
static void cond_open_listed(where *w)
{
	size_t n = 0;
	for (int st = 0; st < ST_COUNT; st++)
		n += status_is_open(st);
	cond_in(w, "m.status", n);
	for (int st = 0; st < ST_COUNT; st++)
		if (status_is_open(st))
			arg_t(w, status_name(st));
}

static void build_where(const matter_filter *f, const char *today, where *w)
{
	if (f->public_only)
		cond(w, "m.public = 1 AND m.status <> 'merged'");
	if (!str_empty(f->kind))
		cond(w, "m.kind = ?"), arg_t(w, f->kind);
	if (!str_empty(f->subkind))
		cond(w, "m.subkind = ?"), arg_t(w, f->subkind);
	if (f->status >= 0 && f->status < ST_COUNT)
		cond(w, "m.status = ?"), arg_t(w, status_name(f->status));
	if (f->overdue_only)
		cond_open_listed(w);
	else if (f->open_only)
		cond(w, open_statuses);
	if (f->closed_only)
		cond(w, closed_statuses);
	if (f->categorized)
		cond(w, "m.category_id IS NOT NULL");
	if (f->nnumbers) {
		cond_in(w, "m.number", f->nnumbers);
		for (size_t i = 0; i < f->nnumbers; i++)
			arg_t(w, f->numbers[i]);
	}
	if (f->ncategory_ids) {
		cond_in(w, "m.category_id", f->ncategory_ids);
		for (size_t i = 0; i < f->ncategory_ids; i++)
			arg_i(w, f->category_ids[i]);
	}
	if (f->created_since)
		cond(w, "m.created_at >= ?"), arg_i(w, f->created_since);
	if (f->created_until)
		cond(w, "m.created_at <= ?"), arg_i(w, f->created_until);
	/* read from the (status, closed_at) index matters_closed (schema v11) */
	if (f->closed_since)
		cond(w, "m.closed_at >= ?"), arg_i(w, f->closed_since);
	if (f->overdue_only)
		cond(w, "m.deadline < ?"), arg_t(w, today);
	/* "> 0" as written in the partial index matters_urged (schema v11),
	 * so that SQLite may read only the matters under 督办. */
	if (f->urge_min > 0)
		cond(w, "m.urge_level > 0 AND m.urge_level >= ?"), arg_i(w, f->urge_min);
	if (f->category_id)
		cond(w, "m.category_id = ?"), arg_i(w, f->category_id);
	if (f->area_id)
		cond(w, "m.area_id = ?"), arg_i(w, f->area_id);
	if (f->department_id)
		cond(w, "m.department_id = ?"), arg_i(w, f->department_id);
	if (f->assignee_id)
		cond(w, "m.assignee_id = ?"), arg_i(w, f->assignee_id);
	if (!str_empty(f->from))
		cond(w, "m.created_at >= ?"), arg_i(w, calendar_day_start(f->from));
	if (!str_empty(f->to))
		cond(w, "m.created_at < ?"), arg_i(w, calendar_day_start(f->to) + 86400);
}

/* Where a search reads: an index table, how the matters join it (`from`),
 * the match condition as a page reads it (`page`) and as an export walks
 * it (`walk`, a subquery), and, on SQLite, the score of a hit (lower is
 * better). The character indexes have no positions, so no bm25: their
 * hits rank by recency alone. On PostgreSQL the indexes are tsvector
 * columns of matter_search (search_pg.c ranks the hits in C). */
typedef struct search_index {
	const char *table, *from, *page, *walk, *score;
} search_index;

static const search_index pairs_index = {
	"matter_search", " FROM matter_search CROSS JOIN matters m ON m.id = matter_search.rowid",
	"matter_search MATCH ?",
	"m.id IN (SELECT rowid FROM matter_search WHERE matter_search MATCH ?)",
	"bm25(matter_search, " SEARCH_TEXT(SEARCH_WEIGHTS) ")"};
static const search_index chars_index = {
	"matter_chars", " FROM matter_chars CROSS JOIN matters m ON m.id = matter_chars.rowid",
	"matter_chars MATCH ?",
	"m.id IN (SELECT rowid FROM matter_chars WHERE matter_chars MATCH ?)", "-1.0"};
static const search_index public_chars_index = {
	"matter_chars_public",
	" FROM matter_chars_public CROSS JOIN matters m ON m.id = matter_chars_public.rowid",
	"matter_chars_public MATCH ?",
	"m.id IN (SELECT rowid FROM matter_chars_public WHERE matter_chars_public MATCH ?)",
	"-1.0"};

#define PG_INDEX(vector)                                                                  \
	{"matter_search", " FROM matter_search s JOIN matters m ON m.id = s.matter_id",    \
	 "s." vector " @@ CAST(? AS tsquery)",                                              \
	 "m.id IN (SELECT matter_id FROM matter_search WHERE " vector                        \
	 " @@ CAST(? AS tsquery))",                                                          \
	 NULL}
static const search_index pg_indexes[4] = {PG_INDEX("words"), PG_INDEX("public_words"),
					   PG_INDEX("chars"), PG_INDEX("public_chars")};

/* The index f's words are looked up in; *one_char gets the character of a
 * one-character query (search.h), else 0. */
static const search_index *index_of(db *d, const matter_filter *f, uint32_t *one_char)
{
	*one_char = str_empty(f->q) ? 0 : search_one_char(f->q);
	if (db_is_postgres(d))
		return &pg_indexes[(*one_char ? 2 : 0) + f->public_only];
	if (!*one_char)
		return &pairs_index;
	return f->public_only ? &public_chars_index : &chars_index;
}

/* The index query for f's words (caller frees): the character itself for a
 * one-character query, else search_match's (on PostgreSQL, tsquery
 * literals, the words as parsed for them kept in *sq, when not NULL, for
 * the ranking: the caller frees it); NULL when they hold nothing
 * searchable. */
static char *index_query(db *d, const matter_filter *f, uint32_t one_char, search_query *sq)
{
	bool pg = db_is_postgres(d);
	if (!one_char) {
		if (!pg)
			return search_match(f->q, f->public_only);
		search_query words;
		if (!search_query_parse(f->q, &words))
			return NULL;
		char *m = search_pg_tsquery(&words);
		if (sq)
			*sq = words;
		else
			search_query_free(&words);
		return m;
	}
	char c[5] = "";
	c[utf8_encode(one_char, c)] = '\0';
	if (!pg)
		return str_printf("\"%s\"", c);
	char *tok = c;
	search_query one = {&(snippet_phrase){&tok, 1, false}, 1};
	return search_pg_tsquery(&one);
}

/* The conditions of f into *w (which the caller frees), the search words
 * first as match_cond with the index query bound; *match gets that query
 * (caller frees; NULL without q), *sq (when not NULL) its parsed words on
 * PostgreSQL (index_query). LEDGER_OK, LEDGER_INVALID for a date that is
 * not YYYY-MM-DD, or LEDGER_NOT_FOUND when q holds nothing searchable (so
 * nothing matches); on either, nothing is allocated. */
static int filter_where(db *d, const matter_filter *f, const char *today, uint32_t one_char,
			const char *match_cond, where *w, char **match, search_query *sq)
{
	if ((!str_empty(f->from) && !calendar_date_valid(f->from)) ||
	    (!str_empty(f->to) && !calendar_date_valid(f->to)))
		return LEDGER_INVALID;
	*match = str_empty(f->q) ? NULL : index_query(d, f, one_char, sq);
	if (!str_empty(f->q) && !*match)
		return LEDGER_NOT_FOUND;
	*w = (where){BUF_INIT, NULL, 0, 0};
	if (*match)
		cond(w, match_cond), arg_t(w, *match);
	build_where(f, today, w);
	return LEDGER_OK;
}

/* The newest SEARCH_CANDIDATES matches of the index that pass the filters
 * (and one more, to tell that there are more), each with its bm25 score
 * (columns weighted: the title counts most), then ordered by that score
 * times a recency factor that halves the weight of a match a month old.
 * Why the page is cut in `top` before the matters are read: the full row,
 * with its six joined names, is then read for the page's rows only. The
 * last column counts the candidates, so a page needs one pass over the
 * index, not a second for its count. */
static char *search_sql(const search_index *ix, const char *from_where, int limit, int offset)
{
	return str_printf(
		"WITH hits(id, score, created) AS (SELECT %s.rowid, %s, m.created_at%s"
		" ORDER BY %s.rowid DESC LIMIT %d),"
		" top(id, rank) AS (SELECT id,"
		" score * (1.0 + 2592000.0 / (2592000.0 + max(0, ? - created))) FROM hits"
		" ORDER BY 2, id DESC LIMIT %d OFFSET %d)"
		" SELECT %s, (SELECT count(*) FROM hits)%s JOIN top t ON t.id = m.id"
		" ORDER BY t.rank, m.id DESC",
		ix->table, ix->score, from_where, ix->table, SEARCH_CANDIDATES + 1, limit, offset,
		matter_columns_sql, matter_from_sql);
}

/* How many rows from_where finds (with its first nargs arguments), up to
 * cap + 1 (cap 0: all of them); -1 on a failure. */
static int64_t count_rows(db *d, const char *from_where, const where *w, size_t nargs,
			  int64_t cap)
{
	char *sql = cap > 0 ? str_printf("SELECT count(*) FROM (SELECT 1%s LIMIT %lld) AS capped",
					 from_where, (long long)cap + 1)
			    : str_printf("SELECT count(*)%s", from_where);
	db_stmt *q = db_query_args(d, sql, w->args, nargs);
	int64_t n = q && db_step(q) == DB_ROW ? db_int(q, 0) : -1;
	db_done(q);
	free(sql);
	return n;
}

/* Read the page's rows into out; with counted, *candidates gets the
 * search's count of candidates (the column after the matter's), when
 * there is a row. */
static int read_page(db_stmt *q, const actor *who, const char *today, bool counted,
		     matter_list *out, int64_t *candidates)
{
	size_t n = 0;
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		if (out->n == n) {
			n = n ? n * 2 : 16;
			out->items = xrealloc(out->items, n * sizeof *out->items);
		}
		int col = matter_row_read(q, who, today, &out->items[out->n++]);
		if (counted)
			*candidates = db_int(q, col);
	}
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* Read the matters ids[0..n) into out, in that order (PostgreSQL: the ids
 * bound as one array, search_pg_id_array, and the rows ordered by their
 * place in it). */
static int read_ids(db *d, const actor *who, const char *today, const int64_t *ids, size_t n,
		    matter_list *out)
{
	char *list = search_pg_id_array(ids, n);
	char *sql = str_printf("SELECT %s%s JOIN unnest(CAST(? AS bigint[])) WITH ORDINALITY"
			       " AS p(id, place) ON p.id = m.id ORDER BY p.place",
			       matter_columns_sql, matter_from_sql);
	db_stmt *q = db_query(d, sql, "t", list);
	int rc = q ? read_page(q, who, today, false, out, NULL) : LEDGER_ERROR;
	db_done(q);
	free(sql);
	free(list);
	return rc;
}

/* A search's page on PostgreSQL: search_pg_page ranks the candidates in C
 * as SQLite's statement (search_sql) ranks them (sq: the words, NULL for
 * one character), then the page's matters are read whole; with counted,
 * the total is the number of candidates. */
static int pg_search_page(db *d, const actor *who, const matter_filter *f, const char *today,
			  const search_query *sq, const char *from_where, const where *w,
			  int limit, int offset, bool counted, matter_list *out)
{
	int64_t *ids = NULL, candidates = 0;
	size_t n = 0;
	int rc = search_pg_page(d, from_where, w->args, w->n, sq, f->public_only,
				(int64_t)time(NULL), limit, offset, &ids, &n, &candidates);
	if (rc == LEDGER_OK && counted)
		out->total = candidates;
	if (rc == LEDGER_OK && n > 0)
		rc = read_ids(d, who, today, ids, n, out);
	free(ids);
	return rc;
}

/* The page of a list, or of a search on SQLite (one statement that ranks
 * and counts, search_sql); w's arguments then get the recency's "now". */
static int sql_page(db *d, const actor *who, const matter_filter *f, const char *today,
		    const search_index *ix, bool match, const char *from_where, where *w,
		    int64_t cap, int limit, int offset, matter_list *out)
{
	bool counted_with_page = match && cap > 0;
	size_t nargs = w->n;
	const char *order = f->overdue_only && f->order_urge
				    ? " ORDER BY m.urge_level DESC, m.deadline, m.id"
			    : f->overdue_only ? " ORDER BY m.deadline, m.id"
			    : f->order_closed ? " ORDER BY m.closed_at DESC, m.id DESC"
					      : " ORDER BY m.created_at DESC, m.id DESC";
	if (match)
		arg_i(w, (int64_t)time(NULL)); /* the recency factor's "now" */
	char *sql = match ? search_sql(ix, from_where, limit, offset)
			  : str_printf("%s%s%s LIMIT %d OFFSET %d", matter_select_sql,
				       buf_str(&w->sql), order, limit, offset);
	db_stmt *q = db_query_args(d, sql, w->args, w->n);
	int rc = q ? read_page(q, who, today, counted_with_page, out, &out->total) : LEDGER_ERROR;
	db_done(q);
	if (rc == LEDGER_OK && counted_with_page && out->n == 0 && offset > 0)
		out->total = count_rows(d, from_where, w, nargs, cap); /* a page past the end */
	free(sql);
	return rc;
}

int matter_find(db *d, const actor *who, const matter_filter *f, const char *today,
		matter_list *out)
{
	memset(out, 0, sizeof *out);
	if (!str_empty(f->q))
		search_catch_up(d); /* failing (a read-only ledger), it searches what is indexed */
	char *match = NULL;
	search_query sq = {NULL, 0}; /* PostgreSQL's words, parsed once for the page */
	where w;
	uint32_t one_char;
	const search_index *ix = index_of(d, f, &one_char);
	int prep = filter_where(d, f, today, one_char, ix->page, &w, &match, &sq);
	if (prep != LEDGER_OK)
		return prep == LEDGER_NOT_FOUND ? LEDGER_OK : prep;
	/* Why CROSS JOIN: it makes the index drive, each hit then checked
	 * against the filters. Left to itself the planner may walk a filter's
	 * index (public = 1: half the ledger) and run the full-text query
	 * once per row, which at a million matters takes minutes. (SQLite's
	 * words: PostgreSQL joins the matches as its statistics suggest.) */
	char *from_where = match ? str_printf("%s%s", ix->from, buf_str(&w.sql))
				 : str_printf(" FROM matters m%s", buf_str(&w.sql));
	/* A search ranks only its candidates, so a page may say "more" there;
	 * it counts them in the page's own statement (search_sql), unless the
	 * caller wants every match counted (cap 0). */
	int64_t cap = f->count_cap;
	if (match && cap > SEARCH_CANDIDATES)
		cap = SEARCH_CANDIDATES;
	bool counted_with_page = match && cap > 0;
	size_t nargs = w.n;
	if (!counted_with_page)
		out->total = count_rows(d, from_where, &w, nargs, cap);
	int limit = f->limit <= 0 ? 50 : f->limit > MATTER_FIND_MAX ? MATTER_FIND_MAX : f->limit;
	int offset = f->offset < 0 ? 0 : f->offset;
	int rc = match && db_is_postgres(d)
			 ? pg_search_page(d, who, f, today, one_char ? NULL : &sq, from_where, &w,
					  limit, offset, counted_with_page, out)
			 : sql_page(d, who, f, today, ix, match != NULL, from_where, &w, cap, limit,
				    offset, out);
	if (out->total < 0)
		rc = LEDGER_ERROR;
	if (cap > 0 && out->total > cap) {
		out->total = cap;
		out->more = true;
	}
	if (rc == LEDGER_OK && match)
		rc = one_char ? search_char_snippets(d, one_char, f->public_only, out->items, out->n)
			      : search_snippets(d, match, f->q, f->public_only, out->items, out->n);
	free(from_where);
	free(match);
	search_query_free(&sq);
	free(w.args);
	buf_free(&w.sql);
	if (rc != LEDGER_OK)
		matter_list_free(out);
	return rc;
}

/* Why matter_each reads in pages: PostgreSQL's results come whole into
 * memory (store/pg.c), and an export of a city's ledger would hold all of
 * it at once. Each page starts after the last row of the one before, in
 * the order (created_at, id), so no row is read twice or skipped. */
#define EACH_PAGE 1000

int matter_each(db *d, const actor *who, const matter_filter *f, const char *today,
		int (*fn)(void *ctx, const matter *m), void *ctx)
{
	if (!str_empty(f->q))
		search_catch_up(d);
	char *match = NULL;
	where w;
	uint32_t one_char;
	const search_index *ix = index_of(d, f, &one_char);
	int prep = filter_where(d, f, today, one_char, ix->walk, &w, &match, NULL);
	if (prep != LEDGER_OK)
		return prep == LEDGER_NOT_FOUND ? LEDGER_OK : prep;
	cond(&w, "(m.created_at, m.id) > (?, ?)");
	int after = w.n;
	arg_i(&w, INT64_MIN);
	arg_i(&w, 0);
	char *sql = str_printf("%s%s ORDER BY m.created_at, m.id LIMIT %d", matter_select_sql,
			       buf_str(&w.sql), EACH_PAGE);
	int rc = LEDGER_OK, rows = EACH_PAGE;
	while (rc == LEDGER_OK && rows == EACH_PAGE) {
		db_stmt *q = db_query_args(d, sql, w.args, w.n);
		int r = DB_DONE;
		rows = 0;
		rc = q ? LEDGER_OK : LEDGER_ERROR;
		while (rc == LEDGER_OK && (r = db_step(q)) == DB_ROW) {
			matter m;
			matter_row_read(q, who, today, &m);
			w.args[after].i = m.created_at;
			w.args[after + 1].i = m.id;
			rows++;
			rc = fn(ctx, &m);
			matter_clear(&m);
		}
		if (rc == LEDGER_OK && r != DB_DONE)
			rc = LEDGER_ERROR;
		db_done(q);
	}
	free(sql);
	free(match);
	free(w.args);
	buf_free(&w.sql);
	return rc;
}

void matter_list_free(matter_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		matter_clear(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

static status_count *count_row(status_count **v, size_t *n, int64_t dept, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].department_id == dept)
			return &(*v)[i];
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	status_count *c = &(*v)[(*n)++];
	memset(c, 0, sizeof *c);
	c->department_id = dept;
	c->department_name = xstrdup(name ? name : "未派单");
	return c;
}

/* The total row: every matter by status, from the (status, created_at)
 * index alone. */
static int count_totals(db *d, status_count *total)
{
	db_stmt *q = db_query(d, "SELECT status, count(*) FROM matters GROUP BY status", "");
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		int st = status_from_name(db_text(q, 0));
		if (st >= 0)
			total->by_status[st] += db_int(q, 1);
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* The department rows: the matters still being worked on (open or
 * resolved), by department and status, with the open ones past their
 * deadline, which also make the total's overdue count. */
static int count_departments(db *d, const char *today, status_count **out, size_t *n)
{
	db_stmt *q = db_query(
		d,
		"SELECT COALESCE(m.department_id, -1), dp.name, m.status, count(*),"
		" sum(CASE WHEN m.deadline < ? AND m.status <> 'resolved' THEN 1 ELSE 0 END)"
		" FROM matters m LEFT JOIN departments dp ON dp.id = m.department_id"
		" WHERE m.status IN ('submitted', 'accepted', 'assigned', 'in_progress', 'returned',"
		" 'reopened', 'resolved')"
		" GROUP BY COALESCE(m.department_id, -1), dp.name, m.status ORDER BY 1",
		"t", today);
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		int st = status_from_name(db_text(q, 2));
		if (st < 0)
			continue;
		status_count *c = count_row(out, n, db_int(q, 0), db_text(q, 1));
		c->by_status[st] += db_int(q, 3);
		c->overdue += db_int(q, 4);
		(*out)[0].overdue += db_int(q, 4); /* count_row may have moved the array */
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

int matter_counts(db *d, const char *today, status_count **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	count_row(out, n, 0, "合计");
	if (count_totals(d, &(*out)[0]) != LEDGER_OK ||
	    count_departments(d, today, out, n) != LEDGER_OK) {
		status_counts_free(*out, *n);
		*out = NULL;
		*n = 0;
		return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

void status_counts_free(status_count *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].department_name);
	free(v);
}
