/*
 * fuzz_search.c — fuzz target "search": folding (text/fold.c), the
 * tokenizer (text/tokenize.c) and the query a search box turns into
 * (ledger/search.c), run against the in-memory ledger's full-text index.
 *
 * Checks: folding gives valid UTF-8 with single inner spaces and none at
 * the ends, and folding twice gives what folding once gave; every token is
 * non-empty valid UTF-8 within TOKEN_MAX, with offsets inside the text and
 * in order; the folded text has the same tokens as the text; a snippet
 * around any character is valid UTF-8 with its marks in pairs; and
 * whatever a visitor types, the search runs (no query syntax error reaches
 * the database), for staff and on the public board.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/search.h"
#include "text/fold.h"
#include "text/snippet.h"
#include "text/tokenize.h"

typedef struct tokens {
	buf joined;
	size_t n, last_start;
} tokens;

static int collect(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
	tokens *t = ctx;
	FUZZ_CHECK(len > 0 && len <= TOKEN_MAX);
	FUZZ_CHECK(utf8_valid(tok, len));
	FUZZ_CHECK(start < end && end <= t->n && start >= t->last_start);
	t->last_start = start;
	buf_append(&t->joined, tok, len);
	buf_putc(&t->joined, '|');
	return 0;
}

static char *token_list(const char *s, size_t n, enum token_mode mode)
{
	tokens t = {BUF_INIT, n, 0};
	tokenize(s, n, mode, collect, &t);
	return buf_steal(&t.joined);
}

static void check_fold(const char *s)
{
	char *f = fold_text(s);
	size_t n = strlen(f);
	FUZZ_CHECK(utf8_valid(f, n));
	FUZZ_CHECK(n == 0 || (f[0] != ' ' && f[n - 1] != ' '));
	FUZZ_CHECK(!strstr(f, "  "));
	char *twice = fold_text(f);
	FUZZ_CHECK(strcmp(f, twice) == 0);
	for (int mode = TOKENS_DOCUMENT; mode <= TOKENS_QUERY; mode++) {
		char *a = token_list(s, strlen(s), mode), *b = token_list(f, n, mode);
		FUZZ_CHECK(strcmp(a, b) == 0);
		free(a);
		free(b);
	}
	free(twice);
	free(f);
}

/* The snippet around the text's first character (and around 井): valid
 * UTF-8, a mark opened for every one closed, and a hit count that says
 * whether there was a passage. */
static void check_snippet(const char *s)
{
	size_t pos = 0, n = strlen(s);
	fold_char c;
	uint32_t cps[2] = {0x4E95, fold_next(s, n, &pos, &c) ? c.cp : 0x4E95};
	for (int i = 0; i < 2; i++) {
		int hits = -1;
		char *p = snippet_of_char(s, n, cps[i], "<", ">", &hits);
		FUZZ_CHECK(hits >= 0 && (hits > 0) == (p != NULL));
		if (p) {
			FUZZ_CHECK(utf8_valid(p, strlen(p)));
			int depth = 0;
			for (const char *r = p; *r; r++)
				if (*r == '<' || *r == '>')
					depth += *r == '<' ? 1 : -1;
			FUZZ_CHECK(depth == 0 || strchr(s, '<') || strchr(s, '>'));
		}
		free(p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Any bytes for the tokenizer: it must cope with what the index may
	 * hold; folding and searching take checked UTF-8, as the server does. */
	char *raw = token_list((const char *)data, size, TOKENS_DOCUMENT);
	free(raw);
	char *q = fuzz_cstr(data, size);
	if (!utf8_valid(q, strlen(q))) {
		free(q);
		return 0;
	}
	check_fold(q);
	check_snippet(q);
	db *d = fuzz_ledger();
	actor staff = {.role = ROLE_CLERK, .login = "clerk"}, anon = {.role = ROLE_NONE};
	for (int pub = 0; pub <= 1; pub++) {
		matter_filter f = matter_filter_any();
		f.q = q;
		f.public_only = pub;
		f.limit = 20;
		matter_list l;
		int rc = matter_find(d, pub ? &anon : &staff, &f, "2026-11-23", &l);
		FUZZ_CHECK(rc == LEDGER_OK);
		for (size_t i = 0; i < l.n; i++)
			FUZZ_CHECK(!pub || l.items[i].is_public);
		matter_list_free(&l);
	}
	free(q);
	return 0;
}
