/*
 * test_isotime.c — ISO 8601 date-times (base/isotime.c): the forms Open311
 * clients send, zones, bare dates, and what must be refused.
 */
#include "unit.h"

#include "base/isotime.h"

/* 2026-11-23T00:00:00+08:00 */
#define DAY 1795363200

static void test_parse_forms(void **state)
{
	static const struct {
		const char *text;
		int64_t want;
		bool zoned;
	} ok[] = {
		{"2026-11-23", DAY, false},
		{"2026-11-23T00:00:00+08:00", DAY, true},
		{"2026-11-22T16:00:00Z", DAY, true},
		{"2026-11-22T11:00:00-05:00", DAY, true},
		{"2026-11-23T09:30+08:00", DAY + 9 * 3600 + 30 * 60, true},
		{"2026-11-23T09:30:15.250Z", DAY + 17 * 3600 + 30 * 60 + 15, true},
		{"2026-11-23T09:30:00", DAY + 9 * 3600 + 30 * 60, false},
		{"1970-01-01T00:00:00Z", 0, true},
		{"2028-02-29T12:00:00+08:00", 1835409600, true},
	};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		int64_t t = -1;
		bool zoned = !ok[i].zoned;
		assert_true(isotime_parse(ok[i].text, false, &t, &zoned));
		assert_int_equal(t, ok[i].want);
		assert_int_equal(zoned, ok[i].zoned);
	}
	int64_t t;
	assert_true(isotime_parse("2026-11-23", true, &t, NULL));
	assert_int_equal(t, DAY + 86399);
}

static void test_parse_refuses(void **state)
{
	static const char *const bad[] = {
		NULL, "", "2026-11", "2026-02-30", "2027-02-29", "2026-13-01", "26-11-23",
		"2026-11-23 09:30:00", "2026-11-23T24:00:00Z", "2026-11-23T09:60:00Z",
		"2026-11-23T09:30:61Z", "2026-11-23T9:30Z", "2026-11-23T09:30:00+8:00",
		"2026-11-23T09:30:00+15:00", "2026-11-23T09:30:00ZZ", "2026-11-23T09:30:00.Z",
		"2026-11-23Tx", "+2026-11-23", "2026-11-23T09:30:00+08:00 ", "２０２６-11-23",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		int64_t t = 42;
		assert_false(isotime_parse(bad[i], false, &t, NULL));
		assert_int_equal(t, 42);
	}
}

static void test_format(void **state)
{
	char out[ISOTIME_SIZE];
	isotime_format(DAY, out);
	assert_string_equal(out, "2026-11-23T00:00:00+08:00");
	isotime_format(DAY - 1, out);
	assert_string_equal(out, "2026-11-22T23:59:59+08:00");
	isotime_format(0, out);
	assert_string_equal(out, "1970-01-01T08:00:00+08:00");
	isotime_format(-8 * 3600 - 1, out);
	assert_string_equal(out, "1969-12-31T23:59:59+08:00");
	/* what is written reads back as the same instant */
	for (int64_t t = DAY - 400000; t < DAY + 400000; t += 7777) {
		int64_t back;
		isotime_format(t, out);
		assert_true(isotime_parse(out, false, &back, NULL));
		assert_int_equal(back, t);
	}
	isotime_end_of_date("2026-12-31", out);
	assert_string_equal(out, "2026-12-31T23:59:59+08:00");
	isotime_end_of_date("2026-02-30", out);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
