/*
 * test_lifecycle.c — the lifecycle table, every status × action × role,
 * against an independent statement of the rules written out here.
 */
#include "unit.h"

#include "ledger/lifecycle.h"

#define DEPT 7
#define OTHER 8

/* The rules as the product describes them (DESIGN §2), written
 * independently of lifecycle.c: may `role` (of department DEPT for
 * handlers) take `act` in status `st`? */
static bool expected(int act, int st, unsigned role)
{
	bool intake = role & (ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK);
	bool handling = role & (ROLE_ADMIN | ROLE_LEADER | ROLE_HANDLER);
	bool verify = role & (ROLE_ADMIN | ROLE_LEADER);
	bool working = st == ST_ASSIGNED || st == ST_IN_PROGRESS || st == ST_REOPENED;
	bool open = st == ST_SUBMITTED || st == ST_ACCEPTED || st == ST_RETURNED || working;
	switch (act) {
	case ACT_ACCEPT: return intake && (st == ST_SUBMITTED || st == ST_RETURNED);
	case ACT_REJECT: return intake && (st == ST_SUBMITTED || st == ST_RETURNED || st == ST_ACCEPTED);
	case ACT_ASSIGN: return intake && open;
	case ACT_PROGRESS: return handling && working;
	case ACT_REQUEST_EXTENSION: return role == ROLE_HANDLER && working;
	case ACT_EXTEND: return verify && working;
	case ACT_RETURN: return (role & (ROLE_ADMIN | ROLE_HANDLER)) && (st == ST_ASSIGNED || st == ST_IN_PROGRESS);
	case ACT_RESOLVE: return handling && working;
	case ACT_RATE: return (intake || role == ROLE_NONE) && st == ST_RESOLVED;
	case ACT_CLOSE: return verify && st == ST_RESOLVED;
	case ACT_REOPEN: return verify && (st == ST_RESOLVED || st == ST_CLOSED);
	case ACT_MERGE: return intake && open;
	}
	return false;
}

static void test_every_status_action_role(void **state)
{
	(void)state;
	const unsigned roles[] = {ROLE_NONE, ROLE_ADMIN, ROLE_LEADER, ROLE_CLERK,
				  ROLE_HANDLER, ROLE_OBSERVER, ROLE_APP};
	int checked = 0;
	for (int act = 0; act < ACT_COUNT; act++) {
		for (int st = 0; st < ST_COUNT; st++) {
			for (size_t r = 0; r < ARRAY_LEN(roles); r++) {
				actor who = {0};
				who.role = roles[r];
				who.department_id = roles[r] == ROLE_HANDLER ? DEPT : 0;
				bool want = expected(act, st, roles[r]);
				bool got = lifecycle_allowed(act, st, &who, DEPT);
				if (want != got)
					fail_msg("%s in %s by %s: expected %d, got %d", action_name(act),
						 status_name(st), role_name(roles[r]), want, got);
				checked++;
			}
		}
	}
	assert_int_equal(checked, ACT_COUNT * ST_COUNT * 7);
}

static void test_handler_only_own_department(void **state)
{
	(void)state;
	actor h = {0};
	h.role = ROLE_HANDLER;
	h.department_id = DEPT;
	assert_true(lifecycle_allowed(ACT_RESOLVE, ST_IN_PROGRESS, &h, DEPT));
	assert_false(lifecycle_allowed(ACT_RESOLVE, ST_IN_PROGRESS, &h, OTHER));
	assert_false(lifecycle_allowed(ACT_PROGRESS, ST_ASSIGNED, &h, 0));
	h.department_id = 0; /* a handler without a department may do nothing */
	assert_false(lifecycle_allowed(ACT_PROGRESS, ST_ASSIGNED, &h, 0));
}

static void test_observer_and_app_read_only(void **state)
{
	(void)state;
	actor o = {0};
	for (unsigned role = ROLE_OBSERVER; role <= ROLE_APP; role <<= 1) {
		o.role = role;
		for (int act = 0; act < ACT_COUNT; act++)
			for (int st = 0; st < ST_COUNT; st++)
				assert_false(lifecycle_allowed(act, st, &o, DEPT));
	}
}

static void test_next_status(void **state)
{
	(void)state;
	assert_int_equal(lifecycle_next(ACT_ACCEPT, ST_SUBMITTED, NULL), ST_ACCEPTED);
	assert_int_equal(lifecycle_next(ACT_ASSIGN, ST_ACCEPTED, NULL), ST_ASSIGNED);
	assert_int_equal(lifecycle_next(ACT_PROGRESS, ST_ASSIGNED, NULL), ST_IN_PROGRESS);
	assert_int_equal(lifecycle_next(ACT_EXTEND, ST_IN_PROGRESS, NULL), ST_IN_PROGRESS);
	assert_int_equal(lifecycle_next(ACT_RETURN, ST_ASSIGNED, NULL), ST_RETURNED);
	assert_int_equal(lifecycle_next(ACT_RESOLVE, ST_REOPENED, NULL), ST_RESOLVED);
	assert_int_equal(lifecycle_next(ACT_RATE, ST_RESOLVED, "satisfied"), ST_RESOLVED);
	assert_int_equal(lifecycle_next(ACT_RATE, ST_RESOLVED, "dissatisfied"), ST_REOPENED);
	assert_int_equal(lifecycle_next(ACT_CLOSE, ST_RESOLVED, NULL), ST_CLOSED);
	assert_int_equal(lifecycle_next(ACT_REOPEN, ST_CLOSED, NULL), ST_REOPENED);
	assert_int_equal(lifecycle_next(ACT_MERGE, ST_SUBMITTED, NULL), ST_MERGED);
	assert_int_equal(lifecycle_next(ACT_REJECT, ST_SUBMITTED, NULL), ST_REJECTED);
}

static void test_names_round_trip(void **state)
{
	(void)state;
	for (int a = 0; a < ACT_COUNT; a++)
		assert_int_equal(action_from_name(action_name(a)), a);
	for (int s = 0; s < ST_COUNT; s++)
		assert_int_equal(status_from_name(status_name(s)), s);
	assert_int_equal(action_from_name("delete"), -1);
	assert_int_equal(status_from_name("done"), -1);
	assert_string_equal(status_label(ST_CLOSED), "已销号");
	assert_string_equal(action_label(ACT_CLOSE), "销号");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_status_action_role),
		cmocka_unit_test(test_handler_only_own_department),
		cmocka_unit_test(test_observer_and_app_read_only),
		cmocka_unit_test(test_next_status),
		cmocka_unit_test(test_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
