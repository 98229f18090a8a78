/*
 * fold.h — the search form of Chinese text.
 *
 * Folding maps each character to the form search, duplicate detection and
 * routing compare: traditional → simplified (OpenCC's tables, see
 * t2s_table.h), full-width → half-width, upper → lower case; punctuation,
 * symbols and white space become separators. So 廁所 folds to 厕所 and
 * ＰＭ２．５ to pm2.5. Text is stored as written; only its folded form is
 * compared (the simplified → traditional direction is ambiguous).
 *
 * Folding is one code point at a time, so every folded character still
 * knows where it came from in the original (the tokenizer's offsets).
 */
#ifndef TZ_TEXT_FOLD_H
#define TZ_TEXT_FOLD_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* What a folded character is to the tokenizer. */
enum fold_class {
	FOLD_SEP,  /* white space, punctuation, symbols, controls, bad bytes */
	FOLD_WORD, /* letters and digits of alphabetic scripts: words */
	FOLD_CJK,  /* ideographs, kana, hangul: read as overlapping bigrams */
};

/* The folded form of one code point (itself when nothing applies). */
uint32_t fold_cp(uint32_t c);

/* The class of a folded code point. */
enum fold_class fold_class(uint32_t folded);

/* One folded character of a text, with its place in the original. A '.'
 * between two digits (2.5) is given class FOLD_WORD. */
typedef struct fold_char {
	uint32_t cp;          /* folded */
	enum fold_class cls;
	size_t start, end;    /* byte offsets in the original */
} fold_char;

/* Walk the n bytes at s one folded character at a time: call with *pos = 0,
 * get 1 and *out until the end, then 0. Ill-formed bytes are separators. */
int fold_next(const char *s, size_t n, size_t *pos, fold_char *out);

/* Append the folded text to out: every separator run becomes one ASCII
 * space, with none at either end. */
void fold_append(buf *out, const char *s, size_t n);

/* The folded form of a NUL-terminated string (caller frees). */
char *fold_text(const char *s);

#endif
