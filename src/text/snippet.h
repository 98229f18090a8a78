/*
 * snippet.h — a short passage of a text around the places where a search
 * found it, with those places marked.
 *
 * Two kinds: the snippet of a one-character search (ledger/search.c), made
 * here because the character index keeps no positions for the database to
 * make one from; and the snippet of a search by words on PostgreSQL
 * (ledger/search_pg.c), which has no FTS5 snippet(): the text is read with
 * the index's own tokenizer (text/tokenize.h), the query's phrases are
 * found among its tokens, and the passage is chosen and marked as FTS5's
 * snippet() chooses and marks it, so both backends show the same passage.
 */
#ifndef TZ_TEXT_SNIPPET_H
#define TZ_TEXT_SNIPPET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/tokenize.h"

/* Characters of context kept before the first hit, and the most a
 * passage holds in all (about what a 16-token snippet of pairs shows). */
#define SNIPPET_BEFORE 6
#define SNIPPET_CHARS 24

/* The passage of s[0..n) around the first character whose folded form
 * (text/fold.h) is cp, every such character in it between open and close,
 * "…" where the text goes on; NULL when cp is not in s. *hits (may be NULL)
 * gets how many times cp stands in the whole text. Caller frees. */
char *snippet_of_char(const char *s, size_t n, uint32_t cp, const char *open, const char *close,
		      int *hits);

/* ---- snippets of a search by words ---- */

/* A phrase of a query (one word of what was typed, ledger/search.c): its
 * folded tokens (TOKENS_QUERY), which must stand in a row; with prefix the
 * last one need only begin a token (井 finds 井盖). */
typedef struct snippet_phrase {
	char **tok; /* n NUL-terminated tokens, owned by whoever made the phrase */
	size_t n;
	bool prefix;
} snippet_phrase;

/* A text read as the index reads it (TOKENS_DOCUMENT): every token folded,
 * with its byte offsets in s. */
typedef struct snippet_token {
	size_t start, end;
	size_t len;
	char tok[TOKEN_MAX];
} snippet_token;

typedef struct snippet_text {
	const char *s; /* the text as written, not owned */
	size_t n;
	snippet_token *tok;
	size_t ntok, cap;
} snippet_text;

#define SNIPPET_TEXT_INIT {NULL, 0, NULL, 0, 0}

/* Read s[0..n) into t, reusing t's memory; t keeps s, not a copy. */
void snippet_text_read(snippet_text *t, const char *s, size_t n);
void snippet_text_free(snippet_text *t);

/* One place where a phrase stands: the phrase's index in the query and
 * the position (token number) of its first token. */
typedef struct snippet_hit {
	int phrase, pos;
} snippet_hit;

typedef struct snippet_hits {
	snippet_hit *v;
	size_t n, cap;
} snippet_hits;

#define SNIPPET_HITS_INIT {NULL, 0, 0}

/* Every place in t where one of the nph phrases stands, into h (emptied
 * first), ordered by position and then by phrase, as FTS5 orders the
 * instances of a match. */
void snippet_find(const snippet_text *t, const snippet_phrase *ph, size_t nph, snippet_hits *h);
void snippet_hits_free(snippet_hits *h);

/* Tokens in the passage of a search by words (FTS5's snippet() is given
 * the same number on SQLite). */
#define SNIPPET_TOKENS 16

/* The best passage of SNIPPET_TOKENS tokens of t for the hits h: 1000 for
 * each phrase it holds, 1 for each repeat, centred on what it holds, or
 * starting at a sentence (after ". " or ": ") for a bonus of 100 (120 at
 * the start of the text), as FTS5's snippet() scores them. Returns the
 * score (0: no hit) and sets *start to its first token. */
int snippet_window(const snippet_text *t, const snippet_hits *h, const snippet_phrase *ph,
		   size_t nph, int *start);

/* The passage of SNIPPET_TOKENS tokens of t from token start, every run of
 * hits (overlapping or touching phrases as one) between open and close,
 * "…" where the text goes on. Caller frees. */
char *snippet_render(const snippet_text *t, const snippet_hits *h, const snippet_phrase *ph,
		     int start, const char *open, const char *close);

/* The best passage of several texts (a matter's columns), offered one by
 * one: each is read and scored once, and the best so far (the first of
 * equals) is kept with its tokens and hits, so it need not be read again
 * to be rendered. Two texts' worth of memory, reused from one matter to
 * the next. */
typedef struct snippet_best {
	snippet_text text[2]; /* the best so far and the one being read */
	snippet_hits hits[2];
	int kept;             /* which of the two holds the best */
	int score, start;     /* its snippet_window score (0: none yet) and start */
} snippet_best;

#define SNIPPET_BEST_INIT {{SNIPPET_TEXT_INIT, SNIPPET_TEXT_INIT}, \
			   {SNIPPET_HITS_INIT, SNIPPET_HITS_INIT}, 0, 0, 0}

/* Read s[0..n) (kept, not copied: it must stay valid until the passage is
 * taken) and score its best passage for the nph phrases; it becomes b's
 * best if it scores higher than the best so far. Returns its score (0:
 * none of the phrases stands in it). */
int snippet_best_offer(snippet_best *b, const char *s, size_t n, const snippet_phrase *ph,
		       size_t nph);

/* The best passage offered since the last take, marked (snippet_render),
 * or NULL when none held a phrase; b is then ready for the next texts.
 * Caller frees. */
char *snippet_best_take(snippet_best *b, const snippet_phrase *ph, const char *open,
			const char *close);
void snippet_best_free(snippet_best *b);

/* All of the above for one text: its best passage marked, or NULL when
 * none of the phrases stands in it. Caller frees. */
char *snippet_of_tokens(const char *s, size_t n, const snippet_phrase *ph, size_t nph,
			const char *open, const char *close);

#endif
