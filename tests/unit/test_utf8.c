/*
 * test_utf8.c — strict UTF-8 validation, counting and cutting
 * (base/utf8.c), checked at the edges of every byte range.
 */
#include "unit.h"

#include "base/utf8.h"

/* Valid for a string literal (its length without the final NUL). */
#define VALID(s) utf8_valid((s), sizeof(s) - 1)

static void test_valid(void **state)
{
	assert_true(utf8_valid("", 0));
	assert_true(VALID("plain ASCII ~"));
	assert_true(VALID("群众诉求台账"));
	assert_true(VALID("\x7f"));                 /* U+007F */
	assert_true(VALID("\xc2\x80"));             /* U+0080 */
	assert_true(VALID("\xdf\xbf"));             /* U+07FF */
	assert_true(VALID("\xe0\xa0\x80"));         /* U+0800 */
	assert_true(VALID("\xed\x9f\xbf"));         /* U+D7FF */
	assert_true(VALID("\xee\x80\x80"));         /* U+E000 */
	assert_true(VALID("\xef\xbf\xbf"));         /* U+FFFF */
	assert_true(VALID("\xf0\x90\x80\x80"));     /* U+10000 */
	assert_true(VALID("\xf0\x9f\x98\x80"));     /* an emoji */
	assert_true(VALID("\xf4\x8f\xbf\xbf"));     /* U+10FFFF */
}

static void test_invalid(void **state)
{
	assert_false(VALID("\xc0\xaf"));            /* overlong '/' */
	assert_false(VALID("\xc1\xbf"));            /* overlong */
	assert_false(VALID("\xe0\x80\xaf"));        /* overlong, 3 bytes */
	assert_false(VALID("\xe0\x9f\xbf"));        /* overlong U+07FF */
	assert_false(VALID("\xf0\x80\x80\xaf"));    /* overlong, 4 bytes */
	assert_false(VALID("\xf0\x8f\xbf\xbf"));    /* overlong U+FFFF */
	assert_false(VALID("\xed\xa0\x80"));        /* U+D800 surrogate */
	assert_false(VALID("\xed\xbf\xbf"));        /* U+DFFF surrogate */
	assert_false(VALID("\xf4\x90\x80\x80"));    /* U+110000 */
	assert_false(VALID("\xf5\x80\x80\x80"));
	assert_false(VALID("\xff"));
	assert_false(VALID("\xfe"));
	assert_false(VALID("\x80"));                /* stray continuation */
	assert_false(VALID("abc\xe5\x8f"));         /* truncated at the end */
	assert_false(VALID("\xe5" "A" "\x80"));     /* lead byte then ASCII */
	assert_false(VALID("\xf0\x9f\x98"));        /* 3 of 4 bytes */
	assert_false(utf8_valid("a\0b", 3));        /* NUL inside */
	/* Only n bytes are read: a valid prefix of an invalid buffer. */
	assert_true(utf8_valid("ab\xff", 2));
}

static void test_count(void **state)
{
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("台账abc", strlen("台账abc")), 5);
	assert_int_equal(utf8_count("\xf0\x9f\x98\x80!", 5), 2);
}

static void test_truncate(void **state)
{
	const char *s = "台账abc"; /* 3 + 3 + 3 bytes */
	size_t n = strlen(s);
	assert_int_equal(utf8_truncate(s, n, 0), 0);
	assert_int_equal(utf8_truncate(s, n, 1), 3);
	assert_int_equal(utf8_truncate(s, n, 2), 6);
	assert_int_equal(utf8_truncate(s, n, 3), 7);
	assert_int_equal(utf8_truncate(s, n, 5), n);
	assert_int_equal(utf8_truncate(s, n, 100), n);
}

static void test_cut_bytes(void **state)
{
	const char *s = "a台账"; /* 1 + 3 + 3 bytes */
	size_t n = strlen(s);
	assert_int_equal(utf8_cut_bytes(s, n, 0), 0);
	assert_int_equal(utf8_cut_bytes(s, n, 1), 1);
	assert_int_equal(utf8_cut_bytes(s, n, 2), 1);
	assert_int_equal(utf8_cut_bytes(s, n, 3), 1);
	assert_int_equal(utf8_cut_bytes(s, n, 4), 4);
	assert_int_equal(utf8_cut_bytes(s, n, 6), 4);
	assert_int_equal(utf8_cut_bytes(s, n, 7), 7);
	assert_int_equal(utf8_cut_bytes(s, n, 50), 7);
	/* Whatever the cut, the prefix stays valid. */
	for (size_t k = 0; k <= n; k++)
		assert_true(utf8_valid(s, utf8_cut_bytes(s, n, k)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),    cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_count),    cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_cut_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
