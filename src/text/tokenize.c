/*
 * tokenize.c — bigrams of CJK runs and words of letters and digits, over
 * folded characters (tokenize.h).
 */
#include "text/tokenize.h"
#include "text/fold.h"
#include "base/utf8.h"

#include <string.h>

typedef struct walk {
	enum token_mode mode;
	token_fn emit;
	void *ctx;
	fold_char prev;  /* the previous CJK character of the current run */
	int run;         /* length of the current CJK run so far */
	char word[TOKEN_MAX];
	size_t wlen, wstart, wend;
	int rc;
} walk;

static int emit_chars(walk *w, const fold_char *a, const fold_char *b)
{
	char tok[8];
	size_t len = utf8_encode(a->cp, tok);
	size_t end = a->end;
	if (b) {
		len += utf8_encode(b->cp, tok + len);
		end = b->end;
	}
	return w->emit(w->ctx, tok, len, a->start, end);
}

/* The CJK run ends: its last character alone, in a document or when the
 * run was one character long. */
static int end_run(walk *w)
{
	int rc = 0;
	if (w->run > 0 && (w->mode == TOKENS_DOCUMENT || w->run == 1))
		rc = emit_chars(w, &w->prev, NULL);
	w->run = 0;
	return rc;
}

static int end_word(walk *w)
{
	int rc = 0;
	if (w->wlen)
		rc = w->emit(w->ctx, w->word, w->wlen, w->wstart, w->wend);
	w->wlen = 0;
	return rc;
}

static int step(walk *w, const fold_char *c)
{
	int rc;
	if (w->mode == TOKENS_CHARS)
		return c->cls == FOLD_CJK ? emit_chars(w, c, NULL) : 0;
	if (c->cls != FOLD_CJK && (rc = end_run(w)))
		return rc;
	if (c->cls != FOLD_WORD && (rc = end_word(w)))
		return rc;
	if (c->cls == FOLD_CJK) {
		if (w->run > 0 && (rc = emit_chars(w, &w->prev, c)))
			return rc;
		w->prev = *c;
		w->run++;
	} else if (c->cls == FOLD_WORD) {
		char u[4];
		size_t len = utf8_encode(c->cp, u);
		if (w->wlen == 0)
			w->wstart = c->start;
		if (w->wlen + len <= sizeof w->word) {
			memcpy(w->word + w->wlen, u, len);
			w->wlen += len;
			w->wend = c->end;
		}
	}
	return 0;
}

int tokenize(const char *s, size_t n, enum token_mode mode, token_fn emit, void *ctx)
{
	walk w;
	memset(&w, 0, sizeof w);
	w.mode = mode;
	w.emit = emit;
	w.ctx = ctx;
	size_t pos = 0;
	fold_char c;
	int rc;
	while (fold_next(s, n, &pos, &c))
		if ((rc = step(&w, &c)))
			return rc;
	if ((rc = end_run(&w)))
		return rc;
	return end_word(&w);
}
