/*
 * test_ledger.c — the domain on a real (in-memory) SQLite database:
 * submission, the lifecycle with its events, optimistic concurrency,
 * append-only events, personal data and bad input that changes nothing.
 */
#include "unit.h"

#include <stdlib.h>

#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "ledger/user.h"

#define NOW 1795400000 /* 2026-11-23 (a Monday) around 09:33 Beijing */

typedef struct fixture {
	db *d;
	int64_t dept, other, cat;
	actor clerk, handler, leader, observer, resident;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char *msg = NULL;
	f->d = unit_ledger_open();
	assert_int_equal(catalog_install_defaults(f->d), LEDGER_OK);
	f->dept = unit_department(f->d, "zjj", "住房和城乡建设局");
	f->other = unit_department(f->d, "cgj", "城市管理局");
	f->cat = db_scalar(f->d, 0, "SELECT id FROM categories WHERE code = 'water'", "");
	assert_true(f->cat > 0);
	int64_t uid = 0;
	assert_int_equal(user_add(f->d, "wangfang", "王芳", "clerk", NULL, "password1", NOW, &uid, &msg), LEDGER_OK);
	f->clerk = unit_actor(ROLE_CLERK, uid, 0, "王芳");
	assert_int_equal(user_add(f->d, "lihua", "李华", "handler", "zjj", "password1", NOW, &uid, &msg), LEDGER_OK);
	f->handler = unit_actor(ROLE_HANDLER, uid, f->dept, "李华");
	f->leader = unit_actor(ROLE_LEADER, 0, 0, "赵书记");
	f->observer = unit_actor(ROLE_OBSERVER, 0, 0, "监委会");
	f->resident = unit_actor(ROLE_NONE, 0, 0, "");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	db_close(f->d);
	free(f);
	return 0;
}

static void submit(fixture *f, char number[32], char secret[16])
{
	submission s;
	memset(&s, 0, sizeof s);
	s.kind = "request";
	s.subkind = "求助";
	s.category_id = f->cat;
	s.title = "幸福小区3号楼下水道堵塞";
	s.description = "污水外溢已经两天，气味很大。";
	s.channel = "web";
	s.submitter_name = "李秀英";
	s.submitter_phone = "13912345678";
	s.is_public = true;
	char *msg = NULL;
	assert_int_equal(matter_submit(f->d, &f->resident, &s, NOW, number, secret, &msg), LEDGER_OK);
	assert_null(msg);
}

static int act(fixture *f, const actor *who, const char *number, action_input in, char **msg)
{
	int64_t v = 0;
	return matter_act(f->d, who, number, &in, NOW, &v, msg);
}

static int64_t count_events(fixture *f, const char *number)
{
	return db_scalar(f->d, -1, "SELECT count(*) FROM events e JOIN matters m ON m.id = e.matter_id"
				   " WHERE m.number = ?", "t", number);
}

static void test_full_life(void **state)
{
	fixture *f = *state;
	char number[32], secret[16];
	char *msg = NULL;
	submit(f, number, secret);
	assert_int_equal(strncmp(number, "TZ-2026-", 8), 0);
	assert_true(matter_secret_ok(f->d, number, secret));
	assert_false(matter_secret_ok(f->d, number, "WRONG123"));
	assert_int_equal(act(f, &f->clerk, number, (action_input){.act = ACT_ACCEPT}, &msg), LEDGER_OK);
	assert_int_equal(act(f, &f->clerk, number, (action_input){.act = ACT_ASSIGN, .department_id = f->dept}, &msg), LEDGER_OK);
	matter m;
	assert_int_equal(matter_load(f->d, &f->clerk, number, 0, false, "2026-11-23", &m), LEDGER_OK);
	assert_int_equal(m.status, ST_ASSIGNED);
	/* water: 5 working days from Monday 2026-11-23 */
	assert_string_equal(m.deadline, "2026-11-30");
	assert_string_equal(m.submitter_phone, "13912345678");
	assert_int_equal(m.version, 3);
	matter_clear(&m);
	assert_int_equal(act(f, &f->handler, number, (action_input){.act = ACT_PROGRESS, .note = "已联系住户，安排疏通", .note_public = true}, &msg), LEDGER_OK);
	assert_int_equal(act(f, &f->handler, number, (action_input){.act = ACT_RESOLVE, .note = "已疏通并清理"}, &msg), LEDGER_OK);
	assert_int_equal(act(f, &f->resident, number, (action_input){.act = ACT_RATE, .rating = "satisfied"}, &msg), LEDGER_OK);
	/* a rating is taken once */
	assert_int_equal(act(f, &f->resident, number, (action_input){.act = ACT_RATE, .rating = "satisfied"}, &msg), LEDGER_BAD_STATE);
	free(msg);
	msg = NULL;
	assert_int_equal(act(f, &f->leader, number, (action_input){.act = ACT_CLOSE}, &msg), LEDGER_OK);
	assert_int_equal(count_events(f, number), 7);
	event *ev;
	size_t n;
	assert_int_equal(event_list(f->d, db_scalar(f->d, 0, "SELECT id FROM matters WHERE number = ?", "t", number), true, &ev, &n), LEDGER_OK);
	const char *want[] = {"submit", "accept", "assign", "progress", "resolve", "rate", "close"};
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(ev[i].action, want[i]);
	assert_string_equal(ev[6].to_status, "closed");
	event_list_free(ev, n);
}

static void test_observer_sees_no_personal_data(void **state)
{
	fixture *f = *state;
	char number[32], secret[16];
	submit(f, number, secret);
	matter m;
	assert_int_equal(matter_load(f->d, &f->observer, number, 0, false, "2026-11-23", &m), LEDGER_OK);
	assert_string_equal(m.submitter_name, "");
	assert_string_equal(m.submitter_phone, "");
	assert_string_equal(m.title, "幸福小区3号楼下水道堵塞");
	matter_clear(&m);
	assert_int_equal(matter_load(f->d, &f->resident, number, 0, true, "2026-11-23", &m), LEDGER_OK);
	assert_string_equal(m.submitter_phone, "");
	matter_clear(&m);
}

/* The private fields added for Open311 and the staff API stay private;
 * a batch token leads to its matter. */
static void test_private_fields_and_tokens(void **state)
{
	fixture *f = *state;
	submission s;
	memset(&s, 0, sizeof s);
	s.kind = "request";
	s.category_id = f->cat;
	s.title = "停水三天";
	s.description = "幸福小区停水三天无人通知。";
	s.channel = "app";
	s.submitter_id_number = "110101199001011234";
	s.submitter_contact = "邮箱 li@example.cn; 设备 D-42";
	s.attributes = "{\"floor\":\"3\"}";
	s.media_url = "https://img.example.cn/a.jpg";
	char token[SUBMIT_TOKEN_SIZE] = "", number[32], secret[16], found[32];
	s.token_out = token;
	char *msg = NULL;
	assert_int_equal(matter_submit(f->d, &f->clerk, &s, NOW, number, secret, &msg), LEDGER_OK);
	assert_int_equal(strlen(token), 43);
	assert_int_equal(matter_token_lookup(f->d, token, found), LEDGER_OK);
	assert_string_equal(found, number);
	assert_int_equal(matter_token_lookup(f->d, "nope", found), LEDGER_NOT_FOUND);
	matter m;
	assert_int_equal(matter_load(f->d, &f->clerk, number, 0, false, "2026-11-23", &m), LEDGER_OK);
	assert_string_equal(m.submitter_id_number, "110101199001011234");
	assert_string_equal(m.submitter_contact, "邮箱 li@example.cn; 设备 D-42");
	assert_string_equal(m.attributes, "{\"floor\":\"3\"}");
	assert_string_equal(m.media_url, "https://img.example.cn/a.jpg");
	matter_clear(&m);
	assert_int_equal(matter_load(f->d, &f->observer, number, 0, false, "2026-11-23", &m), LEDGER_OK);
	assert_string_equal(m.submitter_id_number, "");
	assert_string_equal(m.submitter_contact, "");
	matter_clear(&m);
	/* a media_url that is not http(s) changes nothing */
	int64_t before = db_scalar(f->d, -1, "SELECT count(*) FROM matters", "");
	s.token_out = NULL;
	s.media_url = "javascript:alert(1)";
	assert_int_equal(matter_submit(f->d, &f->clerk, &s, NOW, number, secret, &msg), LEDGER_INVALID);
	free(msg);
	assert_int_equal(db_scalar(f->d, -1, "SELECT count(*) FROM matters", ""), before);
}

/* The filters used by Open311: number lists, category lists, closed only,
 * instants, and the cap. */
static void test_find_lists(void **state)
{
	fixture *f = *state;
	char a[32], b[32], c[32], secret[16];
	char *msg = NULL;
	submit(f, a, secret);
	submit(f, b, secret);
	submit(f, c, secret);
	assert_int_equal(act(f, &f->clerk, b, (action_input){.act = ACT_REJECT, .note = "不属于受理范围"}, &msg), LEDGER_OK);
	matter_filter mf = matter_filter_any();
	const char *const numbers[] = {a, b, "TZ-2026-999999"};
	mf.numbers = numbers;
	mf.nnumbers = 3;
	matter_list l;
	assert_int_equal(matter_find(f->d, &f->observer, &mf, "2026-11-23", &l), LEDGER_OK);
	assert_int_equal(l.total, 2);
	matter_list_free(&l);
	mf.closed_only = true;
	assert_int_equal(matter_find(f->d, &f->observer, &mf, "2026-11-23", &l), LEDGER_OK);
	assert_int_equal(l.total, 1);
	assert_string_equal(l.items[0].number, b);
	matter_list_free(&l);
	matter_filter cats = matter_filter_any();
	int64_t other = db_scalar(f->d, 0, "SELECT id FROM categories WHERE code = 'city'", "");
	const int64_t ids[] = {other, f->cat};
	cats.category_ids = ids;
	cats.ncategory_ids = 2;
	cats.created_since = NOW;
	cats.created_until = NOW;
	assert_int_equal(matter_find(f->d, &f->observer, &cats, "2026-11-23", &l), LEDGER_OK);
	assert_int_equal(l.total, 3);
	matter_list_free(&l);
	cats.ncategory_ids = 1;
	assert_int_equal(matter_find(f->d, &f->observer, &cats, "2026-11-23", &l), LEDGER_OK);
	assert_int_equal(l.total, 0);
	matter_list_free(&l);
	cats.ncategory_ids = 2;
	cats.created_since = NOW + 1;
	assert_int_equal(matter_find(f->d, &f->observer, &cats, "2026-11-23", &l), LEDGER_OK);
	assert_int_equal(l.total, 0);
	matter_list_free(&l);
}

static void test_stale_version_conflicts(void **state)
{
	fixture *f = *state;
	char number[32], secret[16];
	char *msg = NULL;
	submit(f, number, secret);
	/* Both saw version 1; the first wins, the second gets a conflict. */
	assert_int_equal(act(f, &f->clerk, number, (action_input){.act = ACT_ACCEPT, .version = 1}, &msg), LEDGER_OK);
	assert_int_equal(act(f, &f->clerk, number, (action_input){.act = ACT_REJECT, .version = 1, .note = "重复"}, &msg), LEDGER_CONFLICT);
	assert_non_null(msg);
	free(msg);
	assert_int_equal(count_events(f, number), 2);
}

static void test_forbidden_and_bad_state_change_nothing(void **state)
{
	fixture *f = *state;
	char number[32], secret[16];
	char *msg = NULL;
	submit(f, number, secret);
	assert_int_equal(act(f, &f->handler, number, (action_input){.act = ACT_ACCEPT}, &msg), LEDGER_FORBIDDEN);
	free(msg), msg = NULL;
	assert_int_equal(act(f, &f->leader, number, (action_input){.act = ACT_CLOSE}, &msg), LEDGER_BAD_STATE);
	free(msg), msg = NULL;
	assert_int_equal(act(f, &f->clerk, number, (action_input){.act = ACT_ASSIGN, .department_id = f->dept, .deadline = "2020-01-01"}, &msg), LEDGER_INVALID);
	free(msg), msg = NULL;
	assert_int_equal(act(f, &f->clerk, number, (action_input){.act = ACT_ASSIGN, .department_id = 999}, &msg), LEDGER_INVALID);
	free(msg), msg = NULL;
	assert_int_equal(act(f, &f->clerk, "TZ-2026-999999", (action_input){.act = ACT_ACCEPT}, &msg), LEDGER_NOT_FOUND);
	free(msg), msg = NULL;
	/* a handler of another department may not touch it */
	assert_int_equal(act(f, &f->clerk, number, (action_input){.act = ACT_ASSIGN, .department_id = f->other}, &msg), LEDGER_OK);
	assert_int_equal(act(f, &f->handler, number, (action_input){.act = ACT_PROGRESS, .note = "x"}, &msg), LEDGER_FORBIDDEN);
	free(msg), msg = NULL;
	assert_int_equal(count_events(f, number), 2);
	assert_int_equal(db_scalar(f->d, 0, "SELECT version FROM matters WHERE number = ?", "t", number), 2);
}

static void test_dissatisfied_reopens(void **state)
{
	fixture *f = *state;
	char number[32], secret[16];
	char *msg = NULL;
	submit(f, number, secret);
	assert_int_equal(act(f, &f->clerk, number, (action_input){.act = ACT_ASSIGN, .department_id = f->dept}, &msg), LEDGER_OK);
	assert_int_equal(act(f, &f->handler, number, (action_input){.act = ACT_RESOLVE, .note = "已处理"}, &msg), LEDGER_OK);
	/* rated a week later (Monday 2026-11-30): the 重办 gets 5 fresh working days */
	action_input rate = {.act = ACT_RATE, .rating = "dissatisfied", .note = "还是堵"};
	assert_int_equal(matter_act(f->d, &f->resident, number, &rate, NOW + 7 * 86400, NULL, &msg), LEDGER_OK);
	matter m;
	assert_int_equal(matter_load(f->d, &f->clerk, number, 0, false, "2026-11-30", &m), LEDGER_OK);
	assert_int_equal(m.status, ST_REOPENED);
	assert_null(m.rating);
	assert_string_equal(m.deadline, "2026-12-07");
	assert_false(m.overdue);
	matter_clear(&m);
	assert_int_equal(act(f, &f->handler, number, (action_input){.act = ACT_RESOLVE, .note = "更换管道"}, &msg), LEDGER_OK);
	assert_int_equal(act(f, &f->resident, number, (action_input){.act = ACT_RATE, .rating = "basic"}, &msg), LEDGER_OK);
}

static void test_return_goes_back_to_intake(void **state)
{
	fixture *f = *state;
	char number[32], secret[16];
	char *msg = NULL;
	submit(f, number, secret);
	assert_int_equal(act(f, &f->clerk, number, (action_input){.act = ACT_ASSIGN, .department_id = f->dept}, &msg), LEDGER_OK);
	assert_int_equal(act(f, &f->handler, number, (action_input){.act = ACT_RETURN, .note = "不属于本单位职责"}, &msg), LEDGER_OK);
	matter m;
	assert_int_equal(matter_load(f->d, &f->clerk, number, 0, false, "2027-06-01", &m), LEDGER_OK);
	assert_int_equal(m.status, ST_RETURNED);
	assert_int_equal(m.department_id, 0);
	assert_null(m.deadline);
	assert_false(m.overdue);
	matter_clear(&m);
	/* the handler no longer holds it */
	assert_int_equal(act(f, &f->handler, number, (action_input){.act = ACT_PROGRESS, .note = "x"}, &msg), LEDGER_FORBIDDEN);
	free(msg);
}

static void test_events_append_only(void **state)
{
	fixture *f = *state;
	char number[32], secret[16];
	submit(f, number, secret);
	log_set_quiet(true);
	assert_int_equal(db_exec(f->d, "UPDATE events SET note = 'forged'", ""), DB_CONSTRAINT);
	assert_int_equal(db_exec(f->d, "DELETE FROM events", ""), DB_CONSTRAINT);
	log_set_quiet(false);
	assert_int_equal(count_events(f, number), 1);
}

static void test_invalid_submission(void **state)
{
	fixture *f = *state;
	submission s;
	memset(&s, 0, sizeof s);
	s.kind = "request";
	s.channel = "web";
	s.title = "";
	s.description = "x";
	char number[32], secret[16], *msg = NULL;
	int64_t before = db_scalar(f->d, 0, "SELECT count(*) FROM matters", "");
	assert_int_equal(matter_submit(f->d, &f->resident, &s, NOW, number, secret, &msg), LEDGER_INVALID);
	free(msg), msg = NULL;
	s.title = "标题\xff\xfe";
	assert_int_equal(matter_submit(f->d, &f->resident, &s, NOW, number, secret, &msg), LEDGER_INVALID);
	free(msg), msg = NULL;
	s.title = "好标题";
	s.submitter_phone = "call me maybe";
	assert_int_equal(matter_submit(f->d, &f->resident, &s, NOW, number, secret, &msg), LEDGER_INVALID);
	free(msg), msg = NULL;
	s.submitter_phone = NULL;
	s.photo = "GIF8";
	s.photo_len = 4;
	assert_int_equal(matter_submit(f->d, &f->resident, &s, NOW, number, secret, &msg), LEDGER_INVALID);
	free(msg), msg = NULL;
	assert_int_equal(db_scalar(f->d, 0, "SELECT count(*) FROM matters", ""), before);
}

static void test_authenticate_and_throttle(void **state)
{
	fixture *f = *state;
	actor who;
	assert_int_equal(user_authenticate(f->d, "wangfang", "password1", "10.0.0.1", NOW, &who), LEDGER_OK);
	assert_int_equal(who.role, ROLE_CLERK);
	for (int i = 0; i < 5; i++)
		assert_int_equal(user_authenticate(f->d, "wangfang", "wrong-pass", "10.0.0.1", NOW, &who), LEDGER_INVALID);
	assert_int_equal(user_authenticate(f->d, "wangfang", "password1", "10.0.0.1", NOW, &who), LEDGER_THROTTLED);
	/* the window passes */
	assert_int_equal(user_authenticate(f->d, "wangfang", "password1", "10.0.0.1", NOW + 16 * 60, &who), LEDGER_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_life, setup, teardown),
		cmocka_unit_test_setup_teardown(test_observer_sees_no_personal_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_version_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_private_fields_and_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forbidden_and_bad_state_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dissatisfied_reopens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_return_goes_back_to_intake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_append_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_submission, setup, teardown),
		cmocka_unit_test_setup_teardown(test_authenticate_and_throttle, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
