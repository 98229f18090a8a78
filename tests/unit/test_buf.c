/*
 * test_buf.c — the growable buffer and the printf dialect's escaping.
 */
#include "unit.h"

#include <stdlib.h>

static void test_append_and_grow(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	assert_string_equal(buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "ab");
	assert_int_equal(b.len, 2000);
	assert_int_equal(b.data[2000], '\0');
	assert_true(b.cap >= 2001);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
	assert_null(b.data);
}

static void test_html_escape(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	buf_printf(&b, "<p>%h</p>", "<script>alert('x')</script> & \"q\"");
	assert_string_equal(buf_str(&b),
			    "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
	buf_reset(&b);
	buf_printf(&b, "%h|%h", "井盖松动", (const char *)NULL);
	assert_string_equal(buf_str(&b), "井盖松动|");
	buf_free(&b);
}

static void test_url_encode(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	buf_printf(&b, "/t?q=%u", "下水道 a&b=c/~");
	assert_string_equal(buf_str(&b), "/t?q=%E4%B8%8B%E6%B0%B4%E9%81%93%20a%26b%3Dc%2F~");
	buf_free(&b);
}

static void test_numbers(void **state)
{
	(void)state;
	char *s = str_printf("%d %ld %lld %zu %5.1f%% %x %s %c", -3, 40L, (long long)9000000000LL,
			     (size_t)7, 96.25, 255, "ok", 'z');
	assert_string_equal(s, "-3 40 9000000000 7  96.2% ff ok z");
	free(s);
	s = str_printf("%03d|%-4d|", 7, 12);
	assert_string_equal(s, "007|12  |");
	free(s);
}

static void test_steal(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	char *empty = buf_steal(&b);
	assert_string_equal(empty, "");
	free(empty);
	buf_printf(&b, "台账%d", 1);
	char *s = buf_steal(&b);
	assert_string_equal(s, "台账1");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);
}

static void test_str_to_i64(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_true(str_to_i64("123", &v));
	assert_int_equal(v, 123);
	assert_true(str_to_i64("-9", &v));
	assert_int_equal(v, -9);
	assert_false(str_to_i64("12a", &v));
	assert_false(str_to_i64("", &v));
	assert_false(str_to_i64(" 1", &v));
	assert_false(str_to_i64("99999999999999999999", &v));
	assert_false(str_to_i64(NULL, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_grow), cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_url_encode),      cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_steal),           cmocka_unit_test(test_str_to_i64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
