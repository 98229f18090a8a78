/*
 * search.h — full-text search of the ledger: keeping the index and turning
 * what a clerk or resident types into a query.
 *
 * The index (schema v5, matter_search) has one row per matter over its
 * number, title, result, public notes, description, address and internal
 * notes, read with taizhang's own tokenizer (text/tokenize.h), so 廁所
 * finds 厕所, 井盖 finds a two-character word and ＰＭ２．５ finds PM2.5.
 * matter_find() uses it for matter_filter.q: it ranks the matches (bm25,
 * weighted by column, times a recency factor) and gives each a snippet.
 * On SQLite the index is FTS5 with the tokenizer registered in the store;
 * on PostgreSQL tsvector columns with GIN indexes, filled with the same
 * tokens made here in C (search_pg.c), ranked by the same bm25 computed in
 * C; docs/search.md compares the two.
 */
#ifndef TZ_LEDGER_SEARCH_H
#define TZ_LEDGER_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "ledger/matter.h"
#include "store/db.h"

/* Markers around each hit in matter.snippet: the page escapes the text and
 * turns them into <mark> (they cannot come from stored text, which is
 * checked UTF-8 without control characters... and are dropped if they do). */
#define SEARCH_MARK_OPEN "\x01"
#define SEARCH_MARK_CLOSE "\x02"

/* A query is cut to this many characters and words. */
#define SEARCH_QUERY_MAX_CHARS 100
#define SEARCH_QUERY_MAX_TERMS 12

/* Search ranks at most this many matches, the newest first; a page says
 * when there were more ("refine the words or the filters"). Why: ranking
 * every match of a common word in a million matters costs far more than a
 * clerk gains from the ten-thousandth of them; bm25 is most of a search's
 * time, and at 1,000,000 matters 1000 rather than 2000 candidates brings a
 * four-character board search's p99 from 20 ms to 17 (docs/performance.md). */
#define SEARCH_CANDIDATES 1000

/* Mark matter_id for indexing, in the transaction that changed its texts:
 * the submission and every event (a matter's texts change only with one).
 * Why not index it there: FTS5 writes a segment for each statement that
 * touches an index, half a submission's time on the group-commit writer's
 * thread; the queue is indexed in batches by search_catch_up. */
int search_enqueue(db *d, int64_t matter_id);

/* Index every queued matter, in one transaction of its own (five
 * statements for all of them), unless none is queued (one cheap read).
 * Every search calls it first (matter_find, matter_each), so a search
 * always sees every acknowledged change; the server also calls it every
 * second. On PostgreSQL in transactions of 200 matters, taken with FOR
 * UPDATE SKIP LOCKED so that servers share the work (search_pg.c).
 * LEDGER_OK or LEDGER_ERROR (the queue is then kept). */
int search_catch_up(db *d);

/* Rebuild the whole index from the matters and their events (after a bulk
 * load that wrote rows directly, or a change of the tokenizer). Run it in
 * a transaction. */
int search_rebuild(db *d);

/* The index query for the words q: every word must match, the characters
 * of a word as a phrase, a lone last Chinese character as a prefix;
 * public_only limits it to the columns the public may search. FTS5's
 * syntax (PostgreSQL's tsquery: search_int.h). NULL when q holds no
 * searchable character. Caller frees. */
char *search_match(const char *q, bool public_only);

/* When q is one Chinese character and nothing else (spaces and
 * punctuation aside), that character folded; otherwise 0. Such a query
 * reads the character index (matter_chars, or matter_chars_public for the
 * board: schema v10), newest first, not the pairs: as a prefix of every
 * pair that starts with it, it would merge hundreds of lists. */
uint32_t search_one_char(const char *q);

/* The snippets of a one-character search for cp, made from the stored
 * texts (the character index keeps no positions), chosen as
 * search_snippets() chooses them. */
int search_char_snippets(db *d, uint32_t cp, bool public_only, matter *items, size_t n);

/* Give each of the n matters found with match (search_match's query for
 * what was typed, q) its snippet: the best passage of any column for
 * staff; for the public (public_only) only a passage of the public
 * columns, preferring the result and the progress notes, since the title
 * is shown anyway. SQLite asks FTS5's snippet() with match, PostgreSQL
 * makes the same passage in C from q (text/snippet.h). */
int search_snippets(db *d, const char *match, const char *q, bool public_only, matter *items,
		    size_t n);

#endif
