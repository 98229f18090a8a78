/*
 * snippet.c — the passage of a text around a character (snippet.h).
 */
#include "text/snippet.h"
#include "text/fold.h"
#include "base/buf.h"

#include <stdbool.h>
#include <stdlib.h>

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
