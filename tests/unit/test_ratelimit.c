/*
 * test_ratelimit.c — fixed-window limits (ledger/ratelimit.c): counting up
 * to the limit, a new window starting again, keys apart, no limit at 0,
 * and the sweep of old windows.
 */
#include "unit.h"

#include <stdlib.h>

#include "ledger/ledger.h"
#include "ledger/ratelimit.h"
#include "store/db.h"

static int setup(void **state)
{
	char *err = NULL;
	db *d = db_open(":memory:", &err);
	assert_non_null(d);
	assert_int_equal(db_migrate(d), 0);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	db_close(*state);
	return 0;
}

/* 2026-11-23 10:00:00 +08:00, the start of an hour. */
#define HOUR_START 1795399200LL

static void test_counts_up_to_the_limit(void **state)
{
	db *d = *state;
	rate_limit lim = {"submit:192.0.2.7", 3, 3600};
	for (int i = 0; i < 3; i++)
		assert_int_equal(ratelimit_hit(d, &lim, HOUR_START + 10 + i), LEDGER_OK);
	assert_int_equal(ratelimit_hit(d, &lim, HOUR_START + 20), LEDGER_THROTTLED);
	assert_int_equal(ratelimit_retry_after(&lim, HOUR_START + 20), 3580);
	rate_limit other = {"submit:192.0.2.8", 3, 3600};
	assert_int_equal(ratelimit_hit(d, &other, HOUR_START + 21), LEDGER_OK);
	/* the next window counts again */
	assert_int_equal(ratelimit_hit(d, &lim, HOUR_START + 3600), LEDGER_OK);
	assert_int_equal(db_scalar(d, -1, "SELECT hits FROM rate_limits WHERE key = ?", "t", lim.key),
			 1);
}

static void test_zero_means_no_limit(void **state)
{
	db *d = *state;
	rate_limit lim = {"app:1", 0, 3600};
	for (int i = 0; i < 50; i++)
		assert_int_equal(ratelimit_hit(d, &lim, HOUR_START + i), LEDGER_OK);
	assert_int_equal(ratelimit_hit(d, NULL, HOUR_START), LEDGER_OK);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM rate_limits", ""), 0);
}

static void test_old_windows_are_swept(void **state)
{
	db *d = *state;
	rate_limit a = {"submit:a", 5, 3600}, b = {"submit:b", 5, 3600};
	assert_int_equal(ratelimit_hit(d, &a, HOUR_START), LEDGER_OK);
	assert_int_equal(ratelimit_hit(d, &b, HOUR_START + 2 * 86400), LEDGER_OK);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM rate_limits WHERE key = 'submit:a'", ""),
			 0);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM rate_limits", ""), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_up_to_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_means_no_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_windows_are_swept, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
