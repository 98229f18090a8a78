/*
 * search_int.h — private to ledger/: what search.c (both backends, and
 * SQLite's FTS5 side), search_pg.c (PostgreSQL's side) and matter_find.c
 * share about the full-text index: its columns and their weights, a
 * visitor's query parsed once into phrases, and PostgreSQL's entry points.
 */
#ifndef TZ_LEDGER_SEARCH_INT_H
#define TZ_LEDGER_SEARCH_INT_H

#include "ledger/search.h"
#include "text/snippet.h"

/* The index's columns, in its order (schema v5): the public board may
 * search the first SEARCH_PUBLIC_COLUMNS (number, title, result, public
 * notes); description, address and internal notes are staff-only. */
#define SEARCH_COLUMNS 7
#define SEARCH_PUBLIC_COLUMNS 4

/* A matter's (m) notes of one kind (pub "1": public, "0": internal) as one
 * text, its public_notes or internal_notes: joined by agg, the aggregate of
 * the backend (SQLite's group_concat, PostgreSQL's string_agg). The
 * boilerplate note of the submission event ("经网站渠道提交") is left out,
 * or every matter would match 渠道. */
#define SEARCH_NOTES(agg, pub)                                                            \
	"(SELECT coalesce(" agg ", '') FROM events e"                                     \
	" WHERE e.matter_id = m.id AND e.public = " pub " AND e.note <> ''"              \
	" AND e.action <> 'submit')"

/* bm25's weight of a hit in each column, in the same order: the title
 * counts most. Written once, for SQLite's bm25() call (as text, through
 * SEARCH_TEXT) and for PostgreSQL's bm25 in C (search_weights). */
#define SEARCH_WEIGHTS 5.0, 10.0, 3.0, 2.0, 4.0, 3.0, 1.0
#define SEARCH_TEXT_(...) #__VA_ARGS__
#define SEARCH_TEXT(...) SEARCH_TEXT_(__VA_ARGS__)
extern const double search_weights[SEARCH_COLUMNS];

/* The columns a public snippet is taken from, in the order preferred: the
 * result and the progress notes, then the title (shown anyway). */
extern const int search_public_snippet_columns[3];

/* What a visitor typed, as the index reads it: one phrase per word (at
 * most SEARCH_QUERY_MAX_TERMS), its tokens in a row, a lone last Chinese
 * character a prefix; the same words search_match() quotes for FTS5. */
typedef struct search_query {
	snippet_phrase *ph;
	size_t n;
} search_query;

/* Parse q into *out; false (and nothing to free) when q holds nothing
 * searchable. */
bool search_query_parse(const char *q, search_query *out);
void search_query_free(search_query *q);

/* The SELECT of a matter's seven indexed texts, in the index's order,
 * with one parameter, the matter's id: from FTS5's content table on
 * SQLite, from matter_search on PostgreSQL. */
const char *search_texts_sql(db *d);

/* ---- PostgreSQL (search_pg.c) ---- */

/* The tsquery literal for q: each phrase its tokens joined by <-> (FTS5's
 * phrase), a prefix as :*, the phrases joined by & (every word must
 * match). Caller frees. */
char *search_pg_tsquery(const search_query *q);
/* The same for what was typed; NULL when q holds nothing searchable. */
char *search_pg_match(const char *q);

/* The tsvector literal of texts read in mode (TOKENS_DOCUMENT: with
 * positions, each text's after the last one's and a position apart, so a
 * phrase never spans two columns; TOKENS_CHARS: lexemes only). *tokens
 * (may be NULL) gets the number of tokens. Caller frees. */
char *search_pg_vector(const char *const *texts, size_t n, enum token_mode mode,
		       int64_t *tokens);

/* search_catch_up (once it has found the queue not empty), search_rebuild
 * and search_snippets on PostgreSQL. */
int search_pg_catch_up(db *d);
int search_pg_rebuild(db *d);
int search_pg_snippets(db *d, const char *q, bool public_only, matter *items, size_t n);

/* The page of a search on PostgreSQL. from_where (" FROM matter_search s
 * JOIN matters m ... WHERE ...", its nargs arguments in args) finds the
 * matches of sq (the query as parsed for its tsquery); the newest
 * SEARCH_CANDIDATES + 1 of them (*candidates gets how many) are ranked in
 * C as SQLite ranks them (search_pg.c), or by recency alone for a
 * one-character query (sq NULL), and *ids gets the ids of the ranks
 * offset .. offset + limit - 1 in order (*n of them; caller frees). */
int search_pg_page(db *d, const char *from_where, const db_arg *args, int nargs,
		   const search_query *sq, bool public_only, int64_t now, int limit, int offset,
		   int64_t **ids, size_t *n, int64_t *candidates);

/* ids as a PostgreSQL array literal ("{3,1,2}"), to bind a list of any
 * length as one parameter: one statement text, prepared once, for every
 * page (an IN list would make one per length). Caller frees. */
char *search_pg_id_array(const int64_t *ids, size_t n);

/* bm25 as FTS5 computes it for one row: freq[i] is phrase i's hits
 * weighted by column, dl the row's tokens, avgdl the index's mean, idf[i]
 * phrase i's inverse document frequency. Lower is better (negative). */
double search_bm25(const double *freq, const double *idf, size_t nphrases, double dl,
		   double avgdl);

/* The IDF FTS5 gives a phrase found in hits of rows rows. */
double search_idf(int64_t rows, int64_t hits);

/* The score that orders a page of hits: bm25 times a recency factor that
 * halves the weight of a match a month old (ties: the newer id first).
 * matter_find.c's SQL computes the same on SQLite. */
double search_rank(double score, int64_t now, int64_t created_at);

#endif
