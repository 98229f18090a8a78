/*
 * snippet.c — the passage of a text around a character, or around the
 * phrases of a search by words (snippet.h).
 */
#include "text/snippet.h"
#include "text/fold.h"
#include "base/buf.h"
#include "base/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

char *snippet_of_char(const char *s, size_t n, uint32_t cp, const char *open, const char *close,
		      int *hits)
{
	/* Byte offsets of the last SNIPPET_BEFORE characters seen, a ring. */
	size_t ring[SNIPPET_BEFORE + 1], pos = 0;
	int seen = 0, count = 0, kept = 0;
	fold_char c;
	buf b = BUF_INIT;
	size_t copied = 0; /* end of what the passage holds so far */
	while (fold_next(s, n, &pos, &c)) {
		ring[seen++ % (SNIPPET_BEFORE + 1)] = c.start;
		bool hit = c.cp == cp && c.cls != FOLD_SEP;
		count += hit;
		if (hit && count == 1) { /* the passage starts a few characters back */
			int back = seen - 1 < SNIPPET_BEFORE ? seen - 1 : SNIPPET_BEFORE;
			copied = ring[(seen - 1 - back) % (SNIPPET_BEFORE + 1)];
			if (copied > 0)
				buf_puts(&b, "…");
			kept = back;
		}
		if (count == 0 || kept >= SNIPPET_CHARS)
			continue;
		buf_append(&b, s + copied, c.start - copied);
		if (hit)
			buf_puts(&b, open);
		buf_append(&b, s + c.start, c.end - c.start);
		if (hit)
			buf_puts(&b, close);
		copied = c.end;
		if (++kept == SNIPPET_CHARS && c.end < n)
			buf_puts(&b, "…");
	}
	if (count > 0 && kept < SNIPPET_CHARS)
		buf_append(&b, s + copied, n - copied); /* what trails the last character */
	if (hits)
		*hits = count;
	if (count == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* ---- snippets of a search by words ---- */

static int keep_token(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
	snippet_text *t = ctx;
	if (t->ntok == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->tok = xrealloc(t->tok, t->cap * sizeof *t->tok);
	}
	snippet_token *k = &t->tok[t->ntok++];
	k->start = start;
	k->end = end;
	k->len = len < TOKEN_MAX ? len : TOKEN_MAX;
	memcpy(k->tok, tok, k->len);
	return 0;
}

void snippet_text_read(snippet_text *t, const char *s, size_t n)
{
	t->s = s ? s : "";
	t->n = s ? n : 0;
	t->ntok = 0;
	tokenize(t->s, t->n, TOKENS_DOCUMENT, keep_token, t);
}

void snippet_text_free(snippet_text *t)
{
	free(t->tok);
	memset(t, 0, sizeof *t);
}

/* Does token k hold the phrase's token i (the last one as a prefix)? */
static bool token_is(const snippet_token *k, const snippet_phrase *ph, size_t i)
{
	size_t len = strlen(ph->tok[i]);
	if (ph->prefix && i + 1 == ph->n)
		return len <= k->len && memcmp(k->tok, ph->tok[i], len) == 0;
	return len == k->len && memcmp(k->tok, ph->tok[i], len) == 0;
}

static bool phrase_at(const snippet_text *t, size_t pos, const snippet_phrase *ph)
{
	if (ph->n == 0 || pos + ph->n > t->ntok)
		return false;
	for (size_t i = 0; i < ph->n; i++)
		if (!token_is(&t->tok[pos + i], ph, i))
			return false;
	return true;
}

void snippet_find(const snippet_text *t, const snippet_phrase *ph, size_t nph, snippet_hits *h)
{
	h->n = 0;
	for (size_t pos = 0; pos < t->ntok; pos++)
		for (size_t p = 0; p < nph; p++) {
			if (!phrase_at(t, pos, &ph[p]))
				continue;
			if (h->n == h->cap) {
				h->cap = h->cap ? h->cap * 2 : 16;
				h->v = xrealloc(h->v, h->cap * sizeof *h->v);
			}
			h->v[h->n++] = (snippet_hit){(int)p, (int)pos};
		}
}

void snippet_hits_free(snippet_hits *h)
{
	free(h->v);
	memset(h, 0, sizeof *h);
}

/* The score of the passage of SNIPPET_TOKENS tokens from token from: 1000
 * for each phrase seen first, 1 for each one seen again; with adj, where a
 * passage centred on what it holds would start (kept inside the text). */
static int window_score(const snippet_text *t, const snippet_hits *h, const snippet_phrase *ph,
			bool *seen, size_t nph, int64_t from, int *adj)
{
	int score = 0;
	int64_t first = -1, last = 0;
	memset(seen, 0, nph * sizeof *seen);
	for (size_t i = 0; i < h->n; i++) {
		const snippet_hit *x = &h->v[i];
		if (x->pos < from || x->pos >= from + SNIPPET_TOKENS)
			continue;
		score += seen[x->phrase] ? 1 : 1000;
		seen[x->phrase] = true;
		if (first < 0)
			first = x->pos;
		last = x->pos + (int64_t)ph[x->phrase].n;
	}
	if (adj) {
		int64_t a = first - (SNIPPET_TOKENS - (last - first)) / 2;
		if (a + SNIPPET_TOKENS > (int64_t)t->ntok)
			a = (int64_t)t->ntok - SNIPPET_TOKENS;
		*adj = a < 0 ? 0 : (int)a;
	}
	return score;
}

/* Does token k begin a sentence: the first token, or one after white space
 * that follows a '.' or ':'? (FTS5's rule: ASCII only.) */
static bool starts_sentence(const snippet_text *t, size_t k)
{
	if (k == 0)
		return true;
	size_t i = t->tok[k].start;
	bool space = false;
	while (i > 0 && strchr(" \t\n\r", t->s[i - 1]) && t->s[i - 1] != '\0') {
		space = true;
		i--;
	}
	return space && i > 0 && (t->s[i - 1] == '.' || t->s[i - 1] == ':');
}

int snippet_window(const snippet_text *t, const snippet_hits *h, const snippet_phrase *ph,
		   size_t nph, int *start)
{
	bool *seen = xcalloc(nph ? nph : 1, sizeof *seen);
	int best = 0;
	*start = 0;
	for (size_t i = 0; i < h->n; i++) {
		int pos = h->v[i].pos, adj = 0;
		int score = window_score(t, h, ph, seen, nph, pos, &adj);
		if (score > best) {
			best = score;
			*start = adj;
		}
		if (t->ntok <= SNIPPET_TOKENS)
			continue;
		/* the passage from the start of the hit's sentence */
		int sentence = pos;
		while (sentence > 0 && !starts_sentence(t, (size_t)sentence))
			sentence--;
		if (sentence >= pos)
			continue;
		score = window_score(t, h, ph, seen, nph, sentence, NULL) + (sentence == 0 ? 120 : 100);
		if (score > best) {
			best = score;
			*start = sentence;
		}
	}
	free(seen);
	return best;
}

/* The runs of hits in a text, in order: overlapping or touching phrases
 * (sharing a token) make one run, first to last token. */
typedef struct run_iter {
	const snippet_hits *h;
	const snippet_phrase *ph;
	size_t next;
	int64_t first, last; /* -1 past the last run */
} run_iter;

static void run_next(run_iter *r)
{
	r->first = r->last = -1;
	for (; r->next < r->h->n; r->next++) {
		const snippet_hit *x = &r->h->v[r->next];
		int64_t end = x->pos + (int64_t)r->ph[x->phrase].n - 1;
		if (r->first < 0) {
			r->first = x->pos;
			r->last = end;
		} else if (x->pos <= r->last) {
			if (end > r->last)
				r->last = end;
		} else {
			break;
		}
	}
}

/* Append s[*copied..to) and move *copied there (nothing when to is not
 * past it: overlapping tokens). */
static void copy_to(buf *b, const snippet_text *t, size_t *copied, size_t to)
{
	if (to > *copied) {
		buf_append(b, t->s + *copied, to - *copied);
		*copied = to;
	}
}

char *snippet_render(const snippet_text *t, const snippet_hits *h, const snippet_phrase *ph,
		     int start, const char *open, const char *close)
{
	buf b = BUF_INIT;
	int64_t end = (int64_t)start + SNIPPET_TOKENS - 1; /* the passage's last token */
	size_t copied = 0;                                 /* bytes of s written so far */
	size_t closed = 0; /* b.len just after the last close mark */
	run_iter run = {h, ph, 0, -1, -1};
	run_next(&run);
	while (run.first >= 0 && run.first < start)
		run_next(&run);
	if (start > 0)
		buf_puts(&b, "…");
	for (int64_t pos = start; pos <= end && pos < (int64_t)t->ntok; pos++) {
		const snippet_token *k = &t->tok[pos];
		if (pos == start && start > 0)
			copied = k->start;
		if (pos == run.first && k->start < copied && closed == b.len && closed > 0) {
			/* A run that starts inside the last one's last token (路燈
			 * then 燈下): one mark over both. (FTS5 3.40 copies the rest
			 * of the text again here.) */
			b.len -= strlen(close);
			b.data[b.len] = '\0';
		} else if (pos == run.first) {
			copy_to(&b, t, &copied, k->start);
			buf_puts(&b, open);
		}
		if (pos == run.last) {
			copy_to(&b, t, &copied, k->end);
			buf_puts(&b, close);
			closed = b.len;
			run_next(&run);
		}
		if (pos == end) {
			copy_to(&b, t, &copied, k->end);
			if (run.first >= 0 && pos >= run.first && pos < run.last)
				buf_puts(&b, close); /* a run cut by the passage's end */
		}
	}
	if (end >= (int64_t)t->ntok - 1)
		copy_to(&b, t, &copied, t->n);
	else
		buf_puts(&b, "…");
	return buf_steal(&b);
}

int snippet_best_offer(snippet_best *b, const char *s, size_t n, const snippet_phrase *ph,
		       size_t nph)
{
	int next = 1 - b->kept, start = 0;
	snippet_text_read(&b->text[next], s, n);
	snippet_find(&b->text[next], ph, nph, &b->hits[next]);
	int score = snippet_window(&b->text[next], &b->hits[next], ph, nph, &start);
	if (score > b->score) {
		b->kept = next;
		b->score = score;
		b->start = start;
	}
	return score;
}

char *snippet_best_take(snippet_best *b, const snippet_phrase *ph, const char *open,
			const char *close)
{
	char *out = b->score > 0 ? snippet_render(&b->text[b->kept], &b->hits[b->kept], ph,
						  b->start, open, close)
				 : NULL;
	b->score = b->start = 0;
	return out;
}

void snippet_best_free(snippet_best *b)
{
	for (int i = 0; i < 2; i++) {
		snippet_text_free(&b->text[i]);
		snippet_hits_free(&b->hits[i]);
	}
	memset(b, 0, sizeof *b);
}

char *snippet_of_tokens(const char *s, size_t n, const snippet_phrase *ph, size_t nph,
			const char *open, const char *close)
{
	snippet_best b = SNIPPET_BEST_INIT;
	snippet_best_offer(&b, s, n, ph, nph);
	char *out = snippet_best_take(&b, ph, open, close);
	snippet_best_free(&b);
	return out;
}
