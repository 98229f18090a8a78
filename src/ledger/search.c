/*
 * search.c — the full-text index of matters and the queries into it
 * (search.h). The SQL that reads the index with ranking and snippets is in
 * matter_find.c, beside the other filters. Both backends share what is
 * here above the index: the queue, the parsing of a query, the snippets of
 * a one-character search; what differs is SQLite's FTS5 (here) and
 * PostgreSQL's tsvector columns (search_pg.c), chosen by db_is_postgres.
 */
#include "ledger/search_int.h"
#include "ledger/ledger.h"
#include "text/fold.h"
#include "text/snippet.h"
#include "text/tokenize.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

const double search_weights[SEARCH_COLUMNS] = {SEARCH_WEIGHTS};
const int search_public_snippet_columns[3] = {2, 3, 1};

/* A matter's row of the index: its columns in the index's order. */
#define SEARCH_ROW                                                                    \
	"INSERT OR REPLACE INTO matter_search(rowid, number, title, result, public_notes," \
	" description, address, internal_notes)"                                         \
	" SELECT m.id, m.number, m.title, m.result, "                                    \
	SEARCH_NOTES("group_concat(note, ' ')", "1") ","                                  \
	" m.description, m.address, " SEARCH_NOTES("group_concat(note, ' ')", "0")        \
	" FROM matters m"

/* The character indexes (schema v10) read their texts from matter_search's
 * content table; an FTS5 index over another table's content forgets a row
 * only when told its old values ('delete'), and learns the new ones when
 * told again. So the queued matters are indexed in five steps, in this
 * order: both character indexes forget their old texts, the rows are
 * written, both learn the new texts. */
#define CHARS_ALL "c0, c1, c2, c3, c4, c5, c6"
#define CHARS_PUBLIC "c0, c1, c2, c3"
#define QUEUED " IN (SELECT matter_id FROM search_queue)"
static const char *const index_queued[5] = {
	"INSERT INTO matter_chars(matter_chars, rowid, " CHARS_ALL ")"
	" SELECT 'delete', id, " CHARS_ALL " FROM matter_search_content WHERE id" QUEUED,
	"INSERT INTO matter_chars_public(matter_chars_public, rowid, " CHARS_PUBLIC ")"
	" SELECT 'delete', id, " CHARS_PUBLIC " FROM matter_search_content WHERE id" QUEUED,
	SEARCH_ROW " WHERE m.id" QUEUED,
	"INSERT INTO matter_chars(rowid, " CHARS_ALL ")"
	" SELECT id, " CHARS_ALL " FROM matter_search_content WHERE id" QUEUED,
	"INSERT INTO matter_chars_public(rowid, " CHARS_PUBLIC ")"
	" SELECT id, " CHARS_PUBLIC " FROM matter_search_content WHERE id" QUEUED};

int search_enqueue(db *d, int64_t matter_id)
{
	/* Why an update on PostgreSQL, where SQLite does nothing: a catch-up
	 * that has read the matter's texts holds the queue row locked until it
	 * deletes it; an update waits for that (and is retried once the row is
	 * gone), so a change made meanwhile is queued again, never lost. Doing
	 * nothing would take no lock. SQLite runs one write at a time. */
	const char *sql = db_is_postgres(d) ? "INSERT INTO search_queue(matter_id) VALUES (?)"
					      " ON CONFLICT (matter_id)"
					      " DO UPDATE SET matter_id = excluded.matter_id"
					    : "INSERT INTO search_queue(matter_id) VALUES (?)"
					      " ON CONFLICT (matter_id) DO NOTHING";
	return db_exec(d, sql, "i", matter_id) == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* Index every queued matter, five statements for all of them, and empty
 * the queue. */
static int drain_tx(db *d, void *unused)
{
	for (int i = 0; i < 5; i++)
		if (db_exec(d, index_queued[i], "") != DB_DONE)
			return LEDGER_ERROR;
	return db_exec(d, "DELETE FROM search_queue", "") == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

int search_catch_up(db *d)
{
	if (!db_scalar(d, 0, "SELECT 1 FROM search_queue LIMIT 1", ""))
		return LEDGER_OK;
	if (db_is_postgres(d))
		return search_pg_catch_up(d);
	return db_transact(d, drain_tx, NULL) == LEDGER_OK ? LEDGER_OK : LEDGER_ERROR;
}

int search_rebuild(db *d)
{
	if (db_is_postgres(d))
		return search_pg_rebuild(d);
	int r = db_exec(d, "DELETE FROM matter_search", "");
	if (r == DB_DONE)
		r = db_exec(d, SEARCH_ROW, "");
	if (r == DB_DONE)
		r = db_exec(d, "INSERT INTO matter_chars(matter_chars) VALUES ('rebuild')", "");
	if (r == DB_DONE)
		r = db_exec(d, "INSERT INTO matter_chars_public(matter_chars_public)"
			       " VALUES ('rebuild')", "");
	if (r == DB_DONE)
		r = db_exec(d, "DELETE FROM search_queue", "");
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

uint32_t search_one_char(const char *q)
{
	size_t pos = 0, n = q ? strlen(q) : 0;
	fold_char c;
	uint32_t cp = 0;
	while (fold_next(q, n, &pos, &c)) {
		if (c.cls == FOLD_SEP)
			continue;
		if (c.cls != FOLD_CJK || cp)
			return 0;
		cp = c.cp;
	}
	return cp;
}

static int count_token(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
	(*(int *)ctx)++;
	return 0;
}

/* Does the word end in a Chinese character that stands alone (after a
 * non-Chinese one or at the start)? Then it is searched as a prefix: 井
 * finds 井盖 as well as a 井 at the end of a sentence. */
static bool ends_in_lone_cjk(const char *w, size_t n)
{
	size_t pos = 0;
	fold_char c;
	enum fold_class before = FOLD_SEP, last = FOLD_SEP;
	while (fold_next(w, n, &pos, &c)) {
		before = last;
		last = c.cls;
	}
	return last == FOLD_CJK && before != FOLD_CJK;
}

static bool is_space_at(const char *s, size_t n, size_t i, size_t *len)
{
	uint32_t c;
	*len = utf8_decode(s + i, n - i, &c);
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000;
}

/* Call fn for each word of q (split at white space) that holds a token,
 * within SEARCH_QUERY_MAX_CHARS characters and SEARCH_QUERY_MAX_TERMS
 * words: the one reading of a query both backends search by. Returns how
 * many. */
static int each_word(const char *q, void (*fn)(void *ctx, const char *w, size_t n), void *ctx)
{
	if (str_empty(q))
		return 0;
	size_t n = utf8_truncate(q, strlen(q), SEARCH_QUERY_MAX_CHARS);
	int terms = 0;
	size_t i = 0;
	while (i < n && terms < SEARCH_QUERY_MAX_TERMS) {
		size_t len;
		while (i < n && is_space_at(q, n, i, &len))
			i += len;
		size_t start = i;
		while (i < n && !is_space_at(q, n, i, &len))
			i += len;
		int tokens = 0;
		tokenize(q + start, i - start, TOKENS_QUERY, count_token, &tokens);
		if (tokens == 0)
			continue;
		fn(ctx, q + start, i - start);
		terms++;
	}
	return terms;
}

/* Append word as an FTS5 string: in double quotes, quotes doubled; AND
 * between words. */
static void put_phrase(void *ctx, const char *w, size_t n)
{
	buf *b = ctx;
	buf_puts(b, b->len ? " AND " : "");
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (w[i] == '"')
			buf_putc(b, '"');
		buf_putc(b, w[i]);
	}
	buf_putc(b, '"');
	if (ends_in_lone_cjk(w, n))
		buf_putc(b, '*');
}

char *search_match(const char *q, bool public_only)
{
	buf b = BUF_INIT;
	if (each_word(q, put_phrase, &b) == 0) {
		buf_free(&b);
		return NULL;
	}
	if (!public_only)
		return buf_steal(&b);
	char *m = str_printf("{number title result public_notes} : (%s)", buf_str(&b));
	buf_free(&b);
	return m;
}

static int keep_query_token(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
	snippet_phrase *p = ctx;
	p->tok = xrealloc(p->tok, (p->n + 1) * sizeof *p->tok);
	p->tok[p->n++] = xstrndup(tok, len);
	return 0;
}

/* Add word as the next phrase: its tokens as FTS5 reads a quoted string. */
static void add_phrase(void *ctx, const char *w, size_t n)
{
	search_query *q = ctx;
	q->ph = xrealloc(q->ph, (q->n + 1) * sizeof *q->ph);
	snippet_phrase *p = &q->ph[q->n++];
	memset(p, 0, sizeof *p);
	tokenize(w, n, TOKENS_QUERY, keep_query_token, p);
	p->prefix = ends_in_lone_cjk(w, n);
}

bool search_query_parse(const char *q, search_query *out)
{
	memset(out, 0, sizeof *out);
	if (each_word(q, add_phrase, out) > 0)
		return true;
	search_query_free(out);
	return false;
}

void search_query_free(search_query *q)
{
	for (size_t i = 0; i < q->n; i++) {
		for (size_t k = 0; k < q->ph[i].n; k++)
			free(q->ph[i].tok[k]);
		free(q->ph[i].tok);
	}
	free(q->ph);
	memset(q, 0, sizeof *q);
}

/* Snippet arguments: markers, ellipsis, at most SNIPPET_TOKENS (16) tokens. */
#define SNIPPET(col) \
	"snippet(matter_search, " col ", X'01', X'02', '…', " SEARCH_TEXT(SNIPPET_TOKENS) ")"

static bool has_mark(const char *s)
{
	return s && strchr(s, SEARCH_MARK_OPEN[0]);
}

int search_snippets(db *d, const char *match, const char *q, bool public_only, matter *items,
		    size_t n)
{
	if (db_is_postgres(d))
		return search_pg_snippets(d, q, public_only, items, n);
	/* One statement per matter, the same text every time: it stays in the
	 * statement cache, where an IN list of every length would not. */
	const char *sql = public_only ? "SELECT " SNIPPET("2") ", " SNIPPET("3") ", " SNIPPET("1")
					" FROM matter_search WHERE matter_search MATCH ? AND rowid = ?"
				      : "SELECT " SNIPPET("-1")
					" FROM matter_search WHERE matter_search MATCH ? AND rowid = ?";
	for (size_t i = 0; i < n; i++) {
		db_stmt *q = db_query(d, sql, "ti", match, items[i].id);
		int r = db_step(q);
		if (r == DB_ROW) {
			const char *best = db_text(q, 0);
			for (int c = 1; public_only && !has_mark(best) && c <= 2; c++)
				best = db_text(q, c);
			free(items[i].snippet);
			items[i].snippet = has_mark(best) ? xstrdup(best) : NULL;
		}
		db_done(q);
		if (r != DB_ROW && r != DB_DONE)
			return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

const char *search_texts_sql(db *d)
{
	return db_is_postgres(d) ? "SELECT number, title, result, public_notes, description,"
				   " address, internal_notes FROM matter_search WHERE matter_id = ?"
				 : "SELECT c0, c1, c2, c3, c4, c5, c6"
				   " FROM matter_search_content WHERE id = ?";
}

/* Columns a one-character snippet is taken from, in the order they are
 * preferred: the public's as for any search (search_int.h); staff's the
 * column where the character stands most often, ties in this order. */
static const int staff_columns[] = {1, 4, 2, 3, 6, 5, 0};

int search_char_snippets(db *d, uint32_t cp, bool public_only, matter *items, size_t n)
{
	const int *cols = public_only ? search_public_snippet_columns : staff_columns;
	size_t ncols = public_only ? ARRAY_LEN(search_public_snippet_columns)
				   : ARRAY_LEN(staff_columns);
	for (size_t i = 0; i < n; i++) {
		db_stmt *q = db_query(d, search_texts_sql(d), "i", items[i].id);
		int r = db_step(q), best_hits = 0;
		char *best = NULL;
		for (size_t k = 0; r == DB_ROW && k < ncols; k++) {
			const char *t = db_text(q, cols[k]);
			int hits = 0;
			char *s = t ? snippet_of_char(t, strlen(t), cp, SEARCH_MARK_OPEN,
						      SEARCH_MARK_CLOSE, &hits) : NULL;
			if (hits > best_hits) {
				free(best);
				best = s;
				best_hits = hits;
			} else {
				free(s);
			}
			if (public_only && best)
				break; /* the first column that has it */
		}
		db_done(q);
		free(items[i].snippet);
		items[i].snippet = best;
		if (r != DB_ROW && r != DB_DONE)
			return LEDGER_ERROR;
	}
	return LEDGER_OK;
}
