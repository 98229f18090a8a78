/*
 * sqlite_tokenizer.c — taizhang's own tokenizer (text/tokenize.h) inside
 * SQLite's FTS5, registered as "taizhang" on every connection, so that the
 * full-text index, its queries and its snippets all read Chinese the same
 * way: folded bigrams, with byte offsets into the text as written.
 */
#include "store/sqlite_int.h"
#include "text/tokenize.h"

#include <string.h>

typedef struct fts5_call {
	void *ctx;
	int (*token)(void *ctx, int flags, const char *tok, int len, int start, int end);
} fts5_call;

static int pass_token(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
	fts5_call *c = ctx;
	return c->token(c->ctx, 0, tok, (int)len, (int)start, (int)end);
}

/* The tokenizers have no options and no state: one static object each,
 * whose address says which it is. */
static Fts5Tokenizer *const words_tokenizer = (Fts5Tokenizer *)&words_tokenizer;
static Fts5Tokenizer *const chars_tokenizer = (Fts5Tokenizer *)&chars_tokenizer;

static int tok_create(void *ctx, const char **args, int nargs, Fts5Tokenizer **out)
{
	if (nargs > 0)
		return SQLITE_ERROR;
	*out = ctx ? chars_tokenizer : words_tokenizer;
	return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
			int (*token)(void *, int, const char *, int, int, int))
{
	fts5_call c = {ctx, token};
	enum token_mode mode = t == chars_tokenizer		  ? TOKENS_CHARS
			       : (flags & FTS5_TOKENIZE_QUERY) ? TOKENS_QUERY
							       : TOKENS_DOCUMENT;
	return tokenize(text ? text : "", n > 0 ? (size_t)n : 0, mode, pass_token, &c);
}

int sqlite_register_tokenizer(sqlite3 *c)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(c, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api || api->iVersion < 2)
		return SQLITE_ERROR;
	static fts5_tokenizer methods = {tok_create, tok_delete, tok_tokenize};
	static int chars = 1;
	if (api->xCreateTokenizer(api, "taizhang", NULL, &methods, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, "taizhang_chars", &chars, &methods, NULL);
}
