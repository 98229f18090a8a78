/*
 * test_snippet.c — the passage around a character (text/snippet.h): where
 * it starts and ends, every hit marked, folded matches, no hit.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_text),
		cmocka_unit_test(test_long_text),
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_no_hit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
