/*
 * search.c — the full-text index of matters and the queries into it
 * (search.h). The SQL that reads the index with ranking and snippets is in
 * matter_find.c, beside the other filters.
 */
#include "ledger/search.h"
#include "ledger/ledger.h"
#include "text/fold.h"
#include "text/snippet.h"
#include "text/tokenize.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* A matter's row of the index: its columns in the index's order. The
 * boilerplate note of the submission event ("经网站渠道提交") is left out,
 * or every matter would match 渠道. */
#define SEARCH_ROW                                                                    \
	"INSERT OR REPLACE INTO matter_search(rowid, number, title, result, public_notes," \
	" description, address, internal_notes)"                                         \
	" SELECT m.id, m.number, m.title, m.result,"                                     \
	"  (SELECT coalesce(group_concat(note, ' '), '') FROM events e"                  \
	"   WHERE e.matter_id = m.id AND e.public = 1 AND e.note <> ''"                  \
	"   AND e.action <> 'submit'),"                                                  \
	"  m.description, m.address,"                                                    \
	"  (SELECT coalesce(group_concat(note, ' '), '') FROM events e"                  \
	"   WHERE e.matter_id = m.id AND e.public = 0 AND e.note <> ''"                  \
	"   AND e.action <> 'submit')"                                                   \
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
	return db_exec(d, "INSERT OR IGNORE INTO search_queue(matter_id) VALUES (?)", "i",
		       matter_id) == DB_DONE
		       ? LEDGER_OK
		       : LEDGER_ERROR;
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
	if (!db_scalar(d, 0, "SELECT EXISTS (SELECT 1 FROM search_queue)", ""))
		return LEDGER_OK;
	return db_transact(d, drain_tx, NULL) == LEDGER_OK ? LEDGER_OK : LEDGER_ERROR;
}

int search_rebuild(db *d)
{
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

/* Append word as an FTS5 string: in double quotes, quotes doubled. */
static void put_phrase(buf *b, const char *w, size_t n)
{
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

static bool is_space_at(const char *s, size_t n, size_t i, size_t *len)
{
	uint32_t c;
	*len = utf8_decode(s + i, n - i, &c);
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000;
}

char *search_match(const char *q, bool public_only)
{
	if (str_empty(q))
		return NULL;
	size_t n = utf8_truncate(q, strlen(q), SEARCH_QUERY_MAX_CHARS);
	buf b = BUF_INIT;
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
		buf_puts(&b, terms++ ? " AND " : "");
		put_phrase(&b, q + start, i - start);
	}
	if (terms == 0) {
		buf_free(&b);
		return NULL;
	}
	if (!public_only)
		return buf_steal(&b);
	char *m = str_printf("{number title result public_notes} : (%s)", buf_str(&b));
	buf_free(&b);
	return m;
}

/* Snippet arguments: markers, ellipsis, at most 16 tokens. */
#define SNIPPET(col) "snippet(matter_search, " col ", X'01', X'02', '…', 16)"

static bool has_mark(const char *s)
{
	return s && strchr(s, SEARCH_MARK_OPEN[0]);
}

int search_snippets(db *d, const char *match, bool public_only, matter *items, size_t n)
{
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

/* Columns of matter_search_content a one-character snippet is taken from,
 * in the order they are preferred. The public's: the result and the
 * progress notes, then the title (shown anyway); staff's: the column
 * where the character stands most often, ties in this order. */
static const int public_columns[] = {2, 3, 1};
static const int staff_columns[] = {1, 4, 2, 3, 6, 5, 0};

int search_char_snippets(db *d, uint32_t cp, bool public_only, matter *items, size_t n)
{
	const int *cols = public_only ? public_columns : staff_columns;
	size_t ncols = public_only ? ARRAY_LEN(public_columns) : ARRAY_LEN(staff_columns);
	for (size_t i = 0; i < n; i++) {
		db_stmt *q = db_query(d, "SELECT c0, c1, c2, c3, c4, c5, c6"
					 " FROM matter_search_content WHERE id = ?", "i", items[i].id);
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
