/*
 * snippet.h — a short passage of a text around the places where one
 * character stands, with those places marked: the snippet of a
 * one-character search (ledger/search.c), made here because the character
 * index keeps no positions for the database to make one from.
 */
#ifndef TZ_TEXT_SNIPPET_H
#define TZ_TEXT_SNIPPET_H

#include <stddef.h>
#include <stdint.h>

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

#endif
