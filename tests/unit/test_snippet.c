/*
 * test_snippet.c — the passage around a character (text/snippet.h): where
 * it starts and ends, every hit marked, folded matches, no hit; and the
 * passage around the phrases of a search by words (snippet_of_tokens, for
 * PostgreSQL): the phrase marked whole, the window of 16 tokens centred on
 * the hits, a prefix, runs that touch marked as one, a sentence's start.
 * tests/unit/test_search_pg.c holds them to FTS5's snippet() at large.
 */
#include "unit.h"
#include "text/snippet.h"

#include <stdlib.h>
#include <string.h>

static char *snip(const char *s, uint32_t cp, int *hits)
{
	return snippet_of_char(s, strlen(s), cp, "[", "]", hits);
}

/* A short text: all of it, each hit marked, no ellipsis. */
static void test_short_text(void **state)
{
	int hits = 0;
	char *s = snip("井盖坏了，井口很深", 0x4E95 /* 井 */, &hits);
	assert_string_equal(s, "[井]盖坏了，[井]口很深");
	assert_int_equal(hits, 2);
	free(s);
}

/* A long text: SNIPPET_BEFORE characters before the first hit,
 * SNIPPET_CHARS in all, an ellipsis at each end; hits past the passage
 * still counted. */
static void test_long_text(void **state)
{
	int hits = 0;
	char *s = snip("一二三四五六七八九十甲乙丙丁水戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥水尾",
		       0x6C34 /* 水 */, &hits);
	assert_string_equal(s, "…九十甲乙丙丁[水]戊己庚辛壬癸子丑寅卯辰巳午未申酉戌…");
	assert_int_equal(hits, 2);
	free(s);
}

/* Traditional script and full-width forms fold: 廁 matches 厕, and the
 * passage keeps the text as written. */
static void test_folded(void **state)
{
	int hits = 0;
	char *s = snip("公共廁所沒有水", 0x5395 /* 厕 */, &hits);
	assert_string_equal(s, "公共[廁]所沒有水");
	assert_int_equal(hits, 1);
	free(s);
}

/* No hit, an empty text, a separator asked for: NULL and zero hits. */
static void test_no_hit(void **state)
{
	int hits = 7;
	assert_null(snip("路灯不亮", 0x4E95, &hits));
	assert_int_equal(hits, 0);
	assert_null(snip("", 0x4E95, NULL));
	assert_null(snip("a b", ' ', &hits));
}

/* ---- search by words ---- */

/* The passage of text for the n phrases (snippet_of_tokens, hits in
 * brackets) is want; NULL: there is none. */
static void expect_words(const char *text, const snippet_phrase *ph, size_t n, const char *want)
{
	char *s = snippet_of_tokens(text, strlen(text), ph, n, "[", "]");
	if (want)
		assert_string_equal(s, want);
	else
		assert_null(s);
	free(s);
}

/* A short text: all of it, the phrase marked from its first character to
 * its last, folded (路燈 is 路灯), every place it stands. */
static void test_words_short(void **state)
{
	char *t[] = {"路灯", "灯不", "不亮"};
	snippet_phrase p = {t, 3, false};
	expect_words("小区路燈不亮，路灯不亮", &p, 1, "小区[路燈不亮]，[路灯不亮]");
	expect_words("路灯坏了", &p, 1, NULL); /* not every token of the phrase */
}

/* A long text: 16 tokens centred on the hit, an ellipsis at each end; a
 * hit within the first 16 tokens shows the text from its start. */
static void test_words_window(void **state)
{
	char *t[] = {"水井"};
	snippet_phrase p = {t, 1, false};
	expect_words("一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯水井辰巳午未申酉戌亥天地玄黄"
		     "宇宙洪荒", &p, 1, "…辛壬癸子丑寅卯[水井]辰巳午未申酉戌亥…");
	expect_words("一二三四五六七八九十甲乙丙丁水井戊己庚辛壬癸子丑寅卯辰巳午未申酉", &p, 1,
		     "一二三四五六七八九十甲乙丙丁[水井]戊…");
}

/* A lone last character is a prefix: 井 finds 井盖 and the 井 that ends a
 * run; two phrases that share a token are one mark. */
static void test_words_prefix_and_runs(void **state)
{
	char *t1[] = {"井"};
	snippet_phrase p = {t1, 1, true};
	expect_words("井盖坏了，门口一口井", &p, 1, "[井盖]坏了，门口一口[井]");
	char *a[] = {"井盖"}, *b[] = {"盖坏"};
	snippet_phrase two[2] = {{a, 1, false}, {b, 1, false}};
	expect_words("井盖坏了", two, 2, "[井盖坏]了");
}

/* A passage may start at a sentence (after ". " or ": ") rather than be
 * centred, when that holds as much: FTS5's rule. */
static void test_words_sentence(void **state)
{
	char *t[] = {"water"};
	snippet_phrase p = {t, 1, false};
	expect_words("a b c d e f g h i j k l m n o p q r. the water is cold and "
		     "the pipe is old s t u v w x y z", &p, 1,
		     "…the [water] is cold and the pipe is old s t u v w x y…");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_text),
		cmocka_unit_test(test_long_text),
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_no_hit),
		cmocka_unit_test(test_words_short),
		cmocka_unit_test(test_words_window),
		cmocka_unit_test(test_words_prefix_and_runs),
		cmocka_unit_test(test_words_sentence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
