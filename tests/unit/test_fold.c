/*
 * test_fold.c — the search form of text (text/fold.c): the folding table
 * by examples residents actually type, the generated traditional →
 * simplified table against OpenCC itself, and utf8_decode/encode.
 */
#include "unit.h"

#include <opencc.h>
#include <stdlib.h>

#include "base/utf8.h"
#include "text/fold.h"
#include "text/t2s_ranges.h"
#include "text/t2s_rule.h"
#include "text/t2s_table.h"

static void expect_fold(const char *in, const char *want)
{
	char *got = fold_text(in);
	if (strcmp(got, want) != 0)
		fail_msg("fold(\"%s\") = \"%s\", want \"%s\"", in, got, want);
	free(got);
}

static void test_fold_examples(void **state)
{
	/* traditional → simplified, the issue's own example first */
	expect_fold("廁所", "厕所");
	expect_fold("垃圾清運不及時", "垃圾清运不及时");
	expect_fold("違章建築", "违章建筑");
	expect_fold("社區衛生服務中心", "社区卫生服务中心");
	expect_fold("裡面", "里面");       /* Taiwan variant form */
	expect_fold("路燈不亮", "路灯不亮");
	/* full-width → half-width, case */
	expect_fold("ＰＭ２．５超标", "pm2.5超标");
	expect_fold("Ｗｉ－Ｆｉ信号差", "wi fi信号差");
	expect_fold("12345热线", "12345热线");
	expect_fold("ÀÉÎ Ωμέγα ДОМ", "àéî ωμέγα дом");
	/* punctuation and spacing normalised to single spaces, trimmed */
	expect_fold("  井盖，坏了！！　请尽快……处理。 ", "井盖 坏了 请尽快 处理");
	expect_fold("“小区”（东门）【急】", "小区 东门 急");
	expect_fold("3.5米 / 2.0.1版", "3.5米 2.0.1版");
	expect_fold("末尾.", "末尾");
	expect_fold("", "");
	expect_fold("，。！", "");
	/* ill-formed bytes are separators, never copied */
	expect_fold("路\xff灯", "路 灯");
	expect_fold("\xe4\xba", "");
}

static void test_classes(void **state)
{
	assert_int_equal(fold_class('a'), FOLD_WORD);
	assert_int_equal(fold_class('7'), FOLD_WORD);
	assert_int_equal(fold_class('-'), FOLD_SEP);
	assert_int_equal(fold_class(0x4E95), FOLD_CJK);  /* 井 */
	assert_int_equal(fold_class(0x3007), FOLD_CJK);  /* 〇 */
	assert_int_equal(fold_class(0x20BB7), FOLD_CJK); /* 𠮷, extension B */
	assert_int_equal(fold_class(0x3002), FOLD_SEP);  /* 。 */
	assert_int_equal(fold_class(0x1F600), FOLD_SEP); /* an emoji */
	assert_int_equal(fold_class(0xE9), FOLD_WORD);   /* é */
	assert_int_equal(fold_cp(0xFF21), 'a');           /* Ａ */
	assert_int_equal(fold_cp(0x3000), ' ');
}

/* Every code point of the ranges, converted alone by OpenCC, against the
 * table, by the rule of t2s_rule.h: a stale table or an OpenCC upgrade
 * that changes a mapping fails here. (One conversion call per config: the whole range as lines.) */
static void test_table_matches_opencc(void **state)
{
	static const char *const configs[] = {"t2s.json", "tw2s.json", "hk2s.json"};
	size_t n = 0;
	for (size_t r = 0; r < T2S_NRANGES; r++)
		n += t2s_ranges[r][1] - t2s_ranges[r][0] + 1;
	uint32_t *cps = malloc(n * sizeof *cps), *res[3];
	size_t k = 0;
	for (size_t r = 0; r < T2S_NRANGES; r++)
		for (uint32_t c = t2s_ranges[r][0]; c <= t2s_ranges[r][1]; c++)
			cps[k++] = c;
	buf in = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char u[4];
		buf_append(&in, u, utf8_encode(cps[i], u));
		buf_putc(&in, '\n');
	}
	for (size_t c = 0; c < 3; c++) {
		res[c] = calloc(n, sizeof *res[c]);
		opencc_t od = opencc_open(configs[c]);
		assert_true(od != (opencc_t)-1);
		char *out = opencc_convert_utf8(od, in.data, in.len);
		assert_non_null(out);
		const char *p = out;
		for (size_t i = 0; i < n; i++) {
			const char *nl = strchr(p, '\n');
			assert_non_null(nl);
			uint32_t cp;
			size_t len = utf8_decode(p, (size_t)(nl - p), &cp);
			res[c][i] = len == (size_t)(nl - p) && cp != UTF8_BAD ? cp : 0;
			p = nl + 1;
		}
		opencc_convert_utf8_free(out);
		opencc_close(od);
	}
	uint32_t *want = t2s_fold_map(cps, n, res);
	size_t pairs = 0;
	for (size_t i = 0; i < n; i++) {
		if (fold_cp(cps[i]) != want[i])
			fail_msg("U+%04X folds to U+%04X, OpenCC says U+%04X", (unsigned)cps[i],
				 (unsigned)fold_cp(cps[i]), (unsigned)want[i]);
		if (fold_cp(fold_cp(cps[i])) != fold_cp(cps[i]))
			fail_msg("U+%04X: folding twice differs from once", (unsigned)cps[i]);
		pairs += want[i] != cps[i];
	}
	assert_int_equal(pairs, sizeof t2s_table / sizeof t2s_table[0]);
	for (int c = 0; c < 3; c++)
		free(res[c]);
	buf_free(&in);
	free(cps);
	free(want);
}

static void test_utf8_codec(void **state)
{
	uint32_t cps[] = {0x41, 0x7F, 0x80, 0x7FF, 0x800, 0x4E95, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF};
	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		char u[4];
		uint32_t back;
		size_t len = utf8_encode(cps[i], u);
		assert_true(utf8_valid(u, len));
		assert_int_equal(utf8_decode(u, len, &back), len);
		assert_int_equal(back, cps[i]);
	}
	uint32_t cp;
	assert_int_equal(utf8_decode("\xc0\xaf", 2, &cp), 1); /* overlong '/' */
	assert_int_equal(cp, UTF8_BAD);
	assert_int_equal(utf8_decode("\xe4\xba", 2, &cp), 1); /* truncated */
	assert_int_equal(cp, UTF8_BAD);
	assert_int_equal(utf8_decode("\xed\xa0\x80", 3, &cp), 1); /* surrogate */
	assert_int_equal(utf8_decode("", 0, &cp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_examples),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_table_matches_opencc),
		cmocka_unit_test(test_utf8_codec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
