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
	case ACT_CALLBACK: return intake && st == ST_RESOLVED; /* 回访: staff only, never residents */
	case ACT_URGE: return verify && open; /* 督办: leaders and admins, status kept */
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
	assert_int_equal(lifecycle_next(ACT_URGE, ST_IN_PROGRESS, NULL), ST_IN_PROGRESS);
	assert_int_equal(lifecycle_next(ACT_URGE, ST_ACCEPTED, NULL), ST_ACCEPTED);
}

/* A callback: not reached keeps the status; reached reopens it (重办)
 * when dissatisfied or not solved, whatever else was said. */
static void test_callback_next_status(void **state)
{
	(void)state;
	static const struct {
		const char *outcome, *solved, *rating;
		int next;
	} cases[] = {
		{"no_answer", NULL, NULL, ST_RESOLVED},
		{"busy", NULL, NULL, ST_RESOLVED},
		{"wrong_number", "no", "dissatisfied", ST_RESOLVED}, /* not reached: refused later */
		{"reached", "yes", "satisfied", ST_RESOLVED},
		{"reached", "yes", "basic", ST_RESOLVED},
		{"reached", "yes", "dissatisfied", ST_REOPENED},
		{"reached", "no", "satisfied", ST_REOPENED},
		{"reached", "no", "dissatisfied", ST_REOPENED},
		{"reached", NULL, NULL, ST_RESOLVED}, /* incomplete: refused by the ledger */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		action_input in = {.act = ACT_CALLBACK, .outcome = cases[i].outcome,
				   .solved = cases[i].solved, .rating = cases[i].rating};
		assert_int_equal(lifecycle_next_of(&in, ST_RESOLVED), cases[i].next);
	}
	/* other actions: as lifecycle_next */
	action_input rate = {.act = ACT_RATE, .rating = "dissatisfied"};
	assert_int_equal(lifecycle_next_of(&rate, ST_RESOLVED), ST_REOPENED);
	action_input close = {.act = ACT_CLOSE};
	assert_int_equal(lifecycle_next_of(&close, ST_RESOLVED), ST_CLOSED);
	assert_string_equal(action_name(ACT_CALLBACK), "callback");
	assert_string_equal(action_label(ACT_CALLBACK), "回访");
}

/* Once rated, neither the rating nor a callback is offered again. */
static void test_callback_not_after_rating(void **state)
{
	(void)state;
	actor clerk = {0};
	clerk.role = ROLE_CLERK;
	matter m = {0};
	m.status = ST_RESOLVED;
	m.department_id = DEPT;
	unsigned bits = lifecycle_available(&clerk, &m);
	assert_true(bits & (1u << ACT_CALLBACK));
	assert_true(bits & (1u << ACT_RATE));
	m.rating = "satisfied";
	bits = lifecycle_available(&clerk, &m);
	assert_false(bits & (1u << ACT_CALLBACK));
	assert_false(bits & (1u << ACT_RATE));
	actor resident = {0};
	m.rating = NULL;
	assert_false(lifecycle_available(&resident, &m) & (1u << ACT_CALLBACK));
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
	assert_string_equal(action_name(ACT_URGE), "urge");
	assert_string_equal(action_label(ACT_URGE), "督办");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_status_action_role),
		cmocka_unit_test(test_handler_only_own_department),
		cmocka_unit_test(test_observer_and_app_read_only),
		cmocka_unit_test(test_next_status),
		cmocka_unit_test(test_callback_next_status),
		cmocka_unit_test(test_callback_not_after_rating),
		cmocka_unit_test(test_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
