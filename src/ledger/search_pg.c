/*
 * search_pg.c — the full-text index on PostgreSQL (search_int.h).
 *
 * PostgreSQL's own parsers do not read Chinese, and our tokenizer exists
 * only in C, so PostgreSQL never tokenizes anything: the tokens are made
 * here with text/tokenize.h and handed over as tsvector and tsquery
 * literals, stored in matter_search (schema v5 and v10, PostgreSQL parts)
 * and looked up through its GIN indexes. A matter's row keeps its seven
 * texts as written and four vectors: the pairs and words of the public
 * columns and of all of them (with positions, each column a position apart
 * from the next, so a phrase matches within one column as in FTS5), and
 * the Chinese characters of each (no positions: one-character searches).
 *
 * Ranking: the matches are the same as SQLite's; the newest
 * SEARCH_CANDIDATES + 1 are ranked here in C with FTS5's bm25 over the
 * same tokens (hits counted per column, weighted, the row's and the
 * index's lengths from matter_search.tokens and matter_search_totals), so
 * a page comes out in the same order as on SQLite. One difference: for a
 * query of one word the IDF, a constant factor then, is left out (it needs
 * a count of every matching row), so only scores equal to the last bits
 * of a double could break a tie differently. Snippets are made in C by
 * text/snippet.h as FTS5's snippet() makes them.
 */
#include "ledger/search_int.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "base/buf.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- literals ---- */

/* Append tok as a quoted lexeme of a tsvector or tsquery literal. */
static void put_lexeme(buf *b, const char *tok, size_t len)
{
	buf_putc(b, '\'');
	for (size_t i = 0; i < len; i++) {
		if (tok[i] == '\'' || tok[i] == '\\')
			buf_putc(b, tok[i]);
		buf_putc(b, tok[i]);
	}
	buf_putc(b, '\'');
}

/* One phrase: its tokens joined by <-> (each right after the last), the
 * last a prefix (:*) when it stands alone. */
static void put_phrase_query(buf *b, const snippet_phrase *p)
{
	buf_putc(b, '(');
	for (size_t k = 0; k < p->n; k++) {
		buf_puts(b, k ? " <-> " : "");
		put_lexeme(b, p->tok[k], strlen(p->tok[k]));
	}
	if (p->prefix)
		buf_puts(b, ":*");
	buf_putc(b, ')');
}

char *search_pg_tsquery(const search_query *q)
{
	buf b = BUF_INIT;
	for (size_t i = 0; i < q->n; i++) {
		buf_puts(&b, i ? " & " : "");
		put_phrase_query(&b, &q->ph[i]);
	}
	return buf_steal(&b);
}

char *search_pg_match(const char *q)
{
	search_query sq;
	if (!search_query_parse(q, &sq))
		return NULL;
	char *m = search_pg_tsquery(&sq);
	search_query_free(&sq);
	return m;
}

/* PostgreSQL keeps positions up to 16383 (a later one becomes 16383). */
#define POSITION_MAX 16383

typedef struct vector_walk {
	buf *b;
	bool positions;
	int64_t base, count; /* the column's first position less one; tokens so far */
} vector_walk;

static int put_vector_token(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
	vector_walk *v = ctx;
	if (v->b->len)
		buf_putc(v->b, ' ');
	put_lexeme(v->b, tok, len);
	v->count++;
	if (v->positions) {
		int64_t pos = v->base + v->count;
		buf_printf(v->b, ":%lld", (long long)(pos < POSITION_MAX ? pos : POSITION_MAX));
	}
	return 0;
}

/* search_pg_vector, and in *head the length of what the first nhead texts
 * make: the literal of those texts alone, since the texts are written in
 * order and a token's position counts only the tokens before it. */
static char *vector_and_head(const char *const *texts, size_t n, size_t nhead,
			     enum token_mode mode, int64_t *tokens, size_t *head)
{
	buf b = BUF_INIT;
	vector_walk v = {&b, mode != TOKENS_CHARS, 0, 0};
	int64_t total = 0;
	*head = 0;
	for (size_t i = 0; i < n; i++) {
		const char *t = texts[i] ? texts[i] : "";
		v.count = 0;
		tokenize(t, strlen(t), mode, put_vector_token, &v);
		total += v.count;
		v.base += v.count + 1; /* a gap: no phrase runs from one text into the next */
		if (i + 1 == nhead)
			*head = b.len;
	}
	if (tokens)
		*tokens = total;
	return buf_steal(&b); /* "" for no token: the empty vector */
}

char *search_pg_vector(const char *const *texts, size_t n, enum token_mode mode,
		       int64_t *tokens)
{
	size_t head;
	return vector_and_head(texts, n, n, mode, tokens, &head);
}

/* ---- keeping the index ---- */

/* A queued matter's notes, in the order they were written. */
#define NOTES(pub) SEARCH_NOTES("string_agg(e.note, ' ' ORDER BY e.id)", pub)

/* Matters indexed per transaction: a bound on what a retry redoes. */
#define BATCH 200

/* The queued matters, oldest first, with their texts and the tokens their
 * row of the index counts now (NULL: none yet), their queue rows locked
 * until the transaction ends: skipping those another server is indexing,
 * or (waiting) waiting for it. */
#define QUEUED_SQL(lock)                                                                 \
	"SELECT q.matter_id, m.number, m.title, m.result, " NOTES("1") ","              \
	" m.description, m.address, " NOTES("0") ", s.tokens"                             \
	" FROM search_queue q JOIN matters m ON m.id = q.matter_id"                      \
	" LEFT JOIN matter_search s ON s.matter_id = q.matter_id"                        \
	" ORDER BY q.matter_id LIMIT " SEARCH_TEXT(BATCH) " FOR UPDATE OF q" lock

typedef struct queued {
	int64_t id;
	char *text[SEARCH_COLUMNS];
	int64_t old; /* tokens of its row in the index, -1 when it has none */
} queued;

typedef struct drain {
	bool wait; /* wait for rows another transaction holds, not skip them */
	int done;  /* matters indexed */
} drain;

static const char upsert_sql[] =
	"INSERT INTO matter_search(matter_id, number, title, result, public_notes, description,"
	" address, internal_notes, tokens, public_words, words, public_chars, chars)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS tsvector), CAST(? AS tsvector),"
	" CAST(? AS tsvector), CAST(? AS tsvector))"
	" ON CONFLICT (matter_id) DO UPDATE SET number = excluded.number,"
	" title = excluded.title, result = excluded.result, public_notes = excluded.public_notes,"
	" description = excluded.description, address = excluded.address,"
	" internal_notes = excluded.internal_notes, tokens = excluded.tokens,"
	" public_words = excluded.public_words, words = excluded.words,"
	" public_chars = excluded.public_chars, chars = excluded.chars";

/* Write one matter's row; *rows and *tokens get what it adds to the
 * index's totals. */
static int index_one(db *d, const queued *m, int64_t *rows, int64_t *tokens)
{
	const char *const *t = (const char *const *)m->text;
	int64_t count = 0, old = m->old;
	size_t head;
	/* The public columns come first: their vectors are the heads of the
	 * whole ones' literals, each text tokenized once. */
	char *w = vector_and_head(t, SEARCH_COLUMNS, SEARCH_PUBLIC_COLUMNS, TOKENS_DOCUMENT,
				  &count, &head);
	char *pw = xstrndup(w, head);
	char *c = vector_and_head(t, SEARCH_COLUMNS, SEARCH_PUBLIC_COLUMNS, TOKENS_CHARS, NULL,
				  &head);
	char *pc = xstrndup(c, head);
	int r = db_exec(d, upsert_sql, "itttttttitttt", m->id, t[0], t[1], t[2], t[3], t[4], t[5],
			t[6], count, pw, w, pc, c);
	if (r == DB_DONE)
		r = db_exec(d, "DELETE FROM search_queue WHERE matter_id = ?", "i", m->id);
	free(pw);
	free(w);
	free(pc);
	free(c);
	*rows += old < 0;
	*tokens += count - (old < 0 ? 0 : old);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* Index one batch of the queue (read whole first: no statement runs while
 * another's rows are being read) and add it to the totals. Returns the
 * number indexed (x->done too), or LEDGER_ERROR. */
static int drain_tx(db *d, void *ctx)
{
	drain *x = ctx;
	queued v[BATCH];
	int n = 0, rc = LEDGER_OK;
	x->done = 0;
	db_stmt *q = db_query(d, x->wait ? QUEUED_SQL("") : QUEUED_SQL(" SKIP LOCKED"), "");
	int r = DB_DONE;
	while (n < BATCH && (r = db_step(q)) == DB_ROW) {
		v[n].id = db_int(q, 0);
		for (int c = 0; c < SEARCH_COLUMNS; c++)
			v[n].text[c] = xstrdup(db_text(q, c + 1) ? db_text(q, c + 1) : "");
		v[n].old = db_is_null(q, SEARCH_COLUMNS + 1) ? -1 : db_int(q, SEARCH_COLUMNS + 1);
		n++;
	}
	db_done(q);
	if (n < BATCH && r != DB_DONE)
		rc = r == DB_BUSY ? DB_BUSY : LEDGER_ERROR;
	int64_t rows = 0, tokens = 0;
	for (int i = 0; i < n && rc == LEDGER_OK; i++)
		rc = index_one(d, &v[i], &rows, &tokens);
	if (rc == LEDGER_OK && n > 0 &&
	    db_exec(d, "UPDATE matter_search_totals SET indexed = indexed + ?,"
		       " tokens = tokens + ?", "ii", rows, tokens) != DB_DONE)
		rc = LEDGER_ERROR;
	for (int i = 0; i < n; i++)
		for (int c = 0; c < SEARCH_COLUMNS; c++)
			free(v[i].text[c]);
	if (rc != LEDGER_OK)
		return rc;
	x->done = n;
	return n;
}

/* Rounds of a catch-up: a bound, should matters be queued faster than they
 * are indexed. */
#define ROUNDS 1000

int search_pg_catch_up(db *d)
{
	/* search_catch_up has found the queue not empty: look again only
	 * after a round. */
	for (int round = 0; round < ROUNDS; round++) {
		if (round > 0 && !db_scalar(d, 0, "SELECT 1 FROM search_queue LIMIT 1", ""))
			return LEDGER_OK;
		drain x = {false, 0};
		if (db_transact(d, drain_tx, &x) < 0)
			return LEDGER_ERROR;
		if (x.done > 0)
			continue;
		/* Everything queued is being indexed (or queued again) by another
		 * transaction: wait for it, so that what a search reads after this
		 * holds every change acknowledged before it began. */
		x.wait = true;
		if (db_transact(d, drain_tx, &x) < 0)
			return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

static int rebuild_tx(db *d, void *unused)
{
	if (db_exec(d, "DELETE FROM matter_search", "") != DB_DONE ||
	    db_exec(d, "UPDATE matter_search_totals SET indexed = 0, tokens = 0", "") != DB_DONE ||
	    db_exec(d, "INSERT INTO search_queue(matter_id) SELECT id FROM matters"
		       " ON CONFLICT (matter_id) DO NOTHING", "") != DB_DONE)
		return LEDGER_ERROR;
	drain x = {true, 0};
	int n;
	while ((n = drain_tx(d, &x)) > 0)
		;
	return n < 0 ? n : LEDGER_OK;
}

int search_pg_rebuild(db *d)
{
	return db_transact(d, rebuild_tx, NULL) == LEDGER_OK ? LEDGER_OK : LEDGER_ERROR;
}

/* ---- ranking ---- */

double search_bm25(const double *freq, const double *idf, size_t nphrases, double dl,
		   double avgdl)
{
	const double k1 = 1.2, b = 0.75; /* FTS5's */
	double score = 0.0;
	for (size_t i = 0; i < nphrases; i++)
		score += idf[i] * ((freq[i] * (k1 + 1.0)) / (freq[i] + k1 * (1 - b + b * dl / avgdl)));
	return -1.0 * score;
}

double search_idf(int64_t rows, int64_t hits)
{
	double idf = log(((double)rows - (double)hits + 0.5) / ((double)hits + 0.5));
	return idf <= 0.0 ? 1e-6 : idf;
}

double search_rank(double score, int64_t now, int64_t created_at)
{
	int64_t age = now - created_at > 0 ? now - created_at : 0;
	return score * (1.0 + 2592000.0 / (2592000.0 + (double)age));
}

typedef struct ranked {
	int64_t id;
	double rank;
} ranked;

static int by_rank(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

/* The rows of the index that hold one phrase (bound as a tsquery). */
#define PHRASE_ROWS(vector) \
	", (SELECT count(*) FROM matter_search WHERE " vector " @@ CAST(? AS tsquery))"

/* What bm25 needs besides the row: the index's mean length and each
 * phrase's IDF (1 for a lone phrase: a constant factor, not worth a count
 * of its rows). One statement: the totals, and each phrase's count of
 * rows as a scalar subquery. */
static int bm25_setup(db *d, const search_query *sq, bool public_only, double *avgdl, double *idf)
{
	size_t counted = sq->n > 1 ? sq->n : 0;
	char **lit = xcalloc(counted + 1, sizeof *lit);
	db_arg *args = xcalloc(counted + 1, sizeof *args);
	buf sql = BUF_INIT;
	buf_puts(&sql, "SELECT indexed, tokens");
	for (size_t i = 0; i < counted; i++) {
		search_query one = {&sq->ph[i], 1};
		lit[i] = search_pg_tsquery(&one);
		args[i] = (db_arg){.type = 't', .t = lit[i]};
		buf_puts(&sql, public_only ? PHRASE_ROWS("public_words") : PHRASE_ROWS("words"));
	}
	buf_puts(&sql, " FROM matter_search_totals");
	db_stmt *q = db_query_args(d, buf_str(&sql), args, (int)counted);
	int r = db_step(q);
	if (r == DB_ROW) {
		int64_t rows = db_int(q, 0), tokens = db_int(q, 1);
		*avgdl = rows > 0 && tokens > 0 ? (double)tokens / (double)rows : 1.0;
		for (size_t i = 0; i < sq->n; i++)
			idf[i] = counted ? search_idf(rows, db_int(q, 2 + (int)i)) : 1.0;
	}
	db_done(q);
	for (size_t i = 0; i < counted; i++)
		free(lit[i]);
	free(lit);
	free(args);
	buf_free(&sql);
	return r == DB_ROW ? LEDGER_OK : LEDGER_ERROR;
}

/* The bm25 score of the candidate row q (its tokens in column 2, its texts
 * from column 3 on, ncols of them), as FTS5 computes it. */
static double row_bm25(db_stmt *q, int ncols, const search_query *sq, const double *idf,
		       double avgdl, snippet_text *t, snippet_hits *h, double *freq)
{
	memset(freq, 0, sq->n * sizeof *freq);
	for (int c = 0; c < ncols; c++) {
		const char *s = db_text(q, 3 + c);
		snippet_text_read(t, s, s ? strlen(s) : 0);
		snippet_find(t, sq->ph, sq->n, h);
		for (size_t i = 0; i < h->n; i++)
			freq[h->v[i].phrase] += search_weights[c];
	}
	return search_bm25(freq, idf, sq->n, (double)db_int(q, 2), avgdl);
}

int search_pg_page(db *d, const char *from_where, const db_arg *args, int nargs,
		   const search_query *sq, bool public_only, int64_t now, int limit, int offset,
		   int64_t **ids, size_t *n, int64_t *candidates)
{
	*ids = NULL;
	*n = 0;
	*candidates = 0;
	bool one_char = sq == NULL;
	size_t nph = sq ? sq->n : 0;
	double avgdl = 1.0, *idf = xcalloc(nph + 1, sizeof *idf), *freq = xcalloc(nph + 1,
										  sizeof *freq);
	int ncols = public_only ? SEARCH_PUBLIC_COLUMNS : SEARCH_COLUMNS;
	char *sql = one_char ? str_printf("SELECT m.id, m.created_at%s"
					  " ORDER BY s.matter_id DESC LIMIT %d",
					  from_where, SEARCH_CANDIDATES + 1)
			     : str_printf("SELECT m.id, m.created_at, s.tokens, s.number, s.title,"
					  " s.result, s.public_notes%s%s ORDER BY s.matter_id DESC"
					  " LIMIT %d",
					  public_only ? "" : ", s.description, s.address,"
							     " s.internal_notes",
					  from_where, SEARCH_CANDIDATES + 1);
	ranked *v = xmalloc((SEARCH_CANDIDATES + 1) * sizeof *v);
	size_t nv = 0;
	snippet_text t = SNIPPET_TEXT_INIT;
	snippet_hits h = SNIPPET_HITS_INIT;
	int rc = one_char ? LEDGER_OK : bm25_setup(d, sq, public_only, &avgdl, idf);
	db_stmt *st = rc == LEDGER_OK ? db_query_args(d, sql, args, nargs) : NULL;
	int r = st ? DB_DONE : DB_ERROR;
	while (st && nv <= SEARCH_CANDIDATES && (r = db_step(st)) == DB_ROW) {
		double score = one_char ? -1.0 : row_bm25(st, ncols, sq, idf, avgdl, &t, &h, freq);
		v[nv].id = db_int(st, 0);
		v[nv++].rank = search_rank(score, now, db_int(st, 1));
	}
	db_done(st);
	if (rc == LEDGER_OK && r != DB_DONE && r != DB_ROW)
		rc = LEDGER_ERROR;
	if (rc == LEDGER_OK) {
		qsort(v, nv, sizeof *v, by_rank);
		*candidates = (int64_t)nv;
		size_t from = offset > 0 ? (size_t)offset : 0;
		size_t count = from < nv ? nv - from : 0;
		if (limit >= 0 && count > (size_t)limit)
			count = (size_t)limit;
		*ids = xmalloc((count + 1) * sizeof **ids);
		for (size_t i = 0; i < count; i++)
			(*ids)[i] = v[from + i].id;
		*n = count;
	}
	snippet_text_free(&t);
	snippet_hits_free(&h);
	free(v);
	free(sql);
	free(idf);
	free(freq);
	return rc;
}

/* ---- snippets ---- */

char *search_pg_id_array(const int64_t *ids, size_t n)
{
	buf b = BUF_INIT;
	buf_putc(&b, '{');
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%lld", i ? "," : "", (long long)ids[i]);
	buf_putc(&b, '}');
	return buf_steal(&b);
}

/* The texts of a page's matters, in one statement whatever the page's
 * length (their ids bound as one array, search_pg_id_array): each row the
 * matter's place in the page (from 1), then its texts in the index's
 * order, only the public columns (the first ones) for the public. */
#define PAGE_TEXTS_SQL(more)                                                            \
	"SELECT p.place, s.number, s.title, s.result, s.public_notes" more                 \
	" FROM unnest(CAST(? AS bigint[])) WITH ORDINALITY AS p(id, place)"                \
	" JOIN matter_search s ON s.matter_id = p.id"

/* The snippet of the matter whose texts q holds (from column 1): for
 * staff the best passage of any column (the first of equals), for the
 * public the first of the preferred public columns that holds a hit
 * (search_snippets). */
static char *texts_snippet(db_stmt *q, const search_query *sq, bool public_only,
			   snippet_best *b)
{
	size_t ncols = public_only ? ARRAY_LEN(search_public_snippet_columns) : SEARCH_COLUMNS;
	for (size_t k = 0; k < ncols; k++) {
		int c = public_only ? search_public_snippet_columns[k] : (int)k;
		const char *s = db_text(q, 1 + c);
		if (snippet_best_offer(b, s, s ? strlen(s) : 0, sq->ph, sq->n) > 0 && public_only)
			break;
	}
	return snippet_best_take(b, sq->ph, SEARCH_MARK_OPEN, SEARCH_MARK_CLOSE);
}

int search_pg_snippets(db *d, const char *q, bool public_only, matter *items, size_t n)
{
	search_query sq;
	if (n == 0 || !search_query_parse(q, &sq))
		return LEDGER_OK;
	int64_t *ids = xmalloc(n * sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = items[i].id;
	char *list = search_pg_id_array(ids, n);
	snippet_best b = SNIPPET_BEST_INIT;
	db_stmt *st = db_query(d, public_only ? PAGE_TEXTS_SQL("")
					      : PAGE_TEXTS_SQL(", s.description, s.address,"
							       " s.internal_notes"),
			       "t", list);
	int r;
	while ((r = db_step(st)) == DB_ROW) {
		int64_t place = db_int(st, 0);
		if (place < 1 || place > (int64_t)n)
			continue;
		matter *m = &items[place - 1];
		free(m->snippet);
		m->snippet = texts_snippet(st, &sq, public_only, &b);
	}
	db_done(st);
	snippet_best_free(&b);
	free(list);
	free(ids);
	search_query_free(&sq);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}
