/*
 * test_tokenize.c — the tokens of text/tokenize.c against the golden file
 * tests/golden/tokenize.txt (inputs from residents' requests and the seed
 * reports), plus the properties every token keeps: folded, non-empty,
 * offsets inside the text and in order.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/utf8.h"
#include "text/tokenize.h"

#define GOLDEN "tests/golden/tokenize.txt"

static int put_token(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
	char offsets[48];
	buf_putc(ctx, ' ');
	buf_append(ctx, tok, len);
	snprintf(offsets, sizeof offsets, "[%zu,%zu)", start, end);
	buf_puts(ctx, offsets);
	return 0;
}

/* The three golden lines of one input. */
static void render(buf *out, const char *in)
{
	buf_puts(out, "doc:");
	tokenize(in, strlen(in), TOKENS_DOCUMENT, put_token, out);
	buf_puts(out, "\nquery:");
	tokenize(in, strlen(in), TOKENS_QUERY, put_token, out);
	buf_puts(out, "\nchars:");
	tokenize(in, strlen(in), TOKENS_CHARS, put_token, out);
	buf_putc(out, '\n');
}

/* Rebuild the file from its comment and ">>" lines: what it should say. */
static char *expected_file(const char *text)
{
	buf out = BUF_INIT;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len >= 2 && (p[0] == '#' || (p[0] == '>' && p[1] == '>'))) {
			buf_append(&out, p, len);
			buf_putc(&out, '\n');
			if (p[0] == '>') {
				char *in = xstrndup(p + 2 + (len > 2 && p[2] == ' '),
						    len - 2 - (len > 2 && p[2] == ' '));
				render(&out, in);
				free(in);
			}
		}
		p += len + (nl != NULL);
	}
	return buf_steal(&out);
}

static void test_golden(void **state)
{
	char *text = unit_read_file(GOLDEN);
	assert_non_null(text);
	char *want = expected_file(text);
	if (getenv("TZ_GOLDEN_UPDATE")) {
		FILE *f = fopen(GOLDEN, "wb");
		assert_non_null(f);
		fputs(want, f);
		fclose(f);
	} else if (strcmp(text, want) != 0) {
		/* Point at the first line that differs. */
		size_t i = 0, line = 1;
		while (text[i] && text[i] == want[i])
			line += text[i++] == '\n';
		fail_msg(GOLDEN ":%zu differs from the tokenizer's output", line);
	}
	free(want);
	free(text);
}

typedef struct check {
	size_t n, last_start, count;
} check;

static int check_token(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
	check *c = ctx;
	assert_true(len > 0 && len <= TOKEN_MAX);
	assert_true(utf8_valid(tok, len));
	assert_true(start < end && end <= c->n);
	assert_true(start >= c->last_start);
	for (size_t i = 0; i < len; i++)
		assert_false(tok[i] >= 'A' && tok[i] <= 'Z');
	c->last_start = start;
	c->count++;
	return 0;
}

static void test_properties(void **state)
{
	static const char *const texts[] = {
		"党史学习教育 ＡＢＣ １２３", "拓宽学习渠道。为加大党史学习教育宣传力度", "x",
		"\xe4\xb8\xad\xff\xe6\x96\x87", /* 中, a bad byte, 文 */
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		for (int mode = TOKENS_DOCUMENT; mode <= TOKENS_QUERY; mode++) {
			check c = {strlen(texts[i]), 0, 0};
			tokenize(texts[i], c.n, mode, check_token, &c);
			assert_true(c.count > 0);
		}
}

static int stop_at_second(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
	return ++*(int *)ctx == 2 ? 7 : 0;
}

static void test_stop(void **state)
{
	int seen = 0;
	assert_int_equal(tokenize("井盖坏了", strlen("井盖坏了"), TOKENS_DOCUMENT, stop_at_second, &seen), 7);
	assert_int_equal(seen, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
