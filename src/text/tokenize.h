/*
 * tokenize.h — the search tokens of Chinese text.
 *
 * Chinese has no spaces, and most words are two characters (井盖, 违建,
 * 厕所), so the text is read as overlapping character pairs: 井盖坏了 gives
 * 井盖 盖坏 坏了. A query of several characters is the phrase of its pairs;
 * a document also gives the last character of every run alone (了), so a
 * one-character query finds it, as a prefix of the pairs or on its own.
 * Letters and digits make words (pm2.5, 12345, wifi). Every token is
 * folded (fold.h), so 廁所 and 厕所 give the same tokens.
 *
 * The tokenizer is ours, not the database's, so that search means the same
 * on every backend.
 */
#ifndef TZ_TEXT_TOKENIZE_H
#define TZ_TEXT_TOKENIZE_H

#include <stddef.h>

enum token_mode {
	TOKENS_DOCUMENT, /* pairs, and the last character of each run alone */
	TOKENS_QUERY,    /* pairs only; a one-character run alone */
	TOKENS_CHARS,    /* each CJK character alone; no pairs, no words */
};

/* Called once per token, in order: tok[0..len) is the folded token (not
 * NUL-terminated), start/end its byte offsets in the original text. A
 * nonzero return stops the walk, and tokenize() returns it. */
typedef int (*token_fn)(void *ctx, const char *tok, size_t len, size_t start, size_t end);

/* Longest token in bytes: a longer word is cut (at a character boundary). */
#define TOKEN_MAX 64

int tokenize(const char *s, size_t n, enum token_mode mode, token_fn emit, void *ctx);

#endif
