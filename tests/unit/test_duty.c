/*
 * test_duty.c — recurring duties (ledger/duty.c, duty_rule.c): the
 * recurrence arithmetic at month ends and in leap years as a table of
 * worked dates, the rules in words, then on a real (in-memory) SQLite
 * ledger: saving with its checks, who may do what, marking done and where
 * next_due goes, the due list on the working-day calendar, and duty_tick
 * queueing each reminder once per duty, due date and channel.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/duty.h"
#include "ledger/ledger.h"
#include "ledger/user.h"

/* ---- the arithmetic ---- */

static void test_due_dates(void **state)
{
	(void)state;
	static const struct {
		int r, month, day;
		const char *from, *due;
	} cases[] = {
		/* yearly */
		{DUTY_YEARLY, 12, 31, "2026-12-02", "2026-12-31"},
		{DUTY_YEARLY, 12, 31, "2026-12-31", "2026-12-31"}, /* on the day: still due that day */
		{DUTY_YEARLY, 12, 31, "2027-01-01", "2027-12-31"},
		{DUTY_YEARLY, 2, 29, "2026-01-10", "2026-02-28"},  /* not a leap year */
		{DUTY_YEARLY, 2, 29, "2027-03-01", "2028-02-29"},  /* 2028 is */
		{DUTY_YEARLY, 2, 29, "2099-03-01", "2100-02-28"},  /* 2100 is not */
		{DUTY_YEARLY, 2, 29, "2399-03-01", "2400-02-29"},  /* 2400 is */
		{DUTY_YEARLY, 6, 30, "2026-07-01", "2027-06-30"},
		/* half-yearly: month 6 of each half is June and December */
		{DUTY_HALF_YEARLY, 6, 31, "2026-01-01", "2026-06-30"},
		{DUTY_HALF_YEARLY, 6, 31, "2026-07-01", "2026-12-31"},
		{DUTY_HALF_YEARLY, 1, 15, "2026-12-02", "2027-01-15"},
		{DUTY_HALF_YEARLY, 2, 30, "2028-07-01", "2028-08-30"},
		{DUTY_HALF_YEARLY, 2, 30, "2028-01-01", "2028-02-29"},
		/* quarterly: month 3 of each quarter, by its last day */
		{DUTY_QUARTERLY, 3, 31, "2026-04-01", "2026-06-30"},
		{DUTY_QUARTERLY, 3, 31, "2026-10-01", "2026-12-31"},
		{DUTY_QUARTERLY, 3, 31, "2027-01-01", "2027-03-31"},
		{DUTY_QUARTERLY, 1, 10, "2026-11-11", "2027-01-10"},
		{DUTY_QUARTERLY, 2, 29, "2027-01-01", "2027-02-28"},
		/* monthly: a day past the month's end is its last day */
		{DUTY_MONTHLY, 0, 31, "2026-02-01", "2026-02-28"},
		{DUTY_MONTHLY, 0, 31, "2028-02-01", "2028-02-29"},
		{DUTY_MONTHLY, 0, 31, "2026-04-15", "2026-04-30"},
		{DUTY_MONTHLY, 0, 30, "2026-03-31", "2026-04-30"},
		{DUTY_MONTHLY, 0, 29, "2026-01-30", "2026-02-28"},
		{DUTY_MONTHLY, 0, 25, "2026-12-26", "2027-01-25"},
		{DUTY_MONTHLY, 0, 1, "2026-12-02", "2027-01-01"},
		/* weekly: ISO weekdays; 2026-12-02 is a Wednesday */
		{DUTY_WEEKLY, 0, 3, "2026-12-02", "2026-12-02"},
		{DUTY_WEEKLY, 0, 5, "2026-12-02", "2026-12-04"},
		{DUTY_WEEKLY, 0, 1, "2026-12-02", "2026-12-07"},
		{DUTY_WEEKLY, 0, 7, "2026-12-28", "2027-01-03"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char out[11] = "";
		if (!duty_due_on_or_after(cases[i].r, cases[i].month, cases[i].day, cases[i].from, out) ||
		    strcmp(out, cases[i].due) != 0)
			fail_msg("case %zu (%s %d-%d from %s): expected %s, got %s", i,
				 duty_recurrence_name(cases[i].r), cases[i].month, cases[i].day,
				 cases[i].from, cases[i].due, out);
	}
}

static void test_rules(void **state)
{
	(void)state;
	static const struct {
		int r, month, day;
		bool valid;
	} rules[] = {
		{DUTY_YEARLY, 2, 29, true},
		{DUTY_YEARLY, 2, 30, false},
		{DUTY_YEARLY, 4, 31, false},
		{DUTY_YEARLY, 13, 1, false},
		{DUTY_YEARLY, 0, 1, false},
		{DUTY_HALF_YEARLY, 6, 31, true},
		{DUTY_HALF_YEARLY, 7, 1, false},
		{DUTY_QUARTERLY, 4, 1, false},
		{DUTY_MONTHLY, 0, 32, false},
		{DUTY_MONTHLY, 3, 5, false},  /* a month where none belongs */
		{DUTY_WEEKLY, 0, 8, false},
		{DUTY_WEEKLY, 0, 0, false},
		{-1, 0, 1, false},            /* no such recurrence */
	};
	for (size_t i = 0; i < ARRAY_LEN(rules); i++)
		if (duty_rule_valid(rules[i].r, rules[i].month, rules[i].day) != rules[i].valid)
			fail_msg("rule %zu (recurrence %d, %d-%d): expected %s", i, rules[i].r,
				 rules[i].month, rules[i].day, rules[i].valid ? "valid" : "invalid");
	char out[11] = "unchanged";
	assert_false(duty_due_on_or_after(DUTY_MONTHLY, 0, 25, "2026-02-30", out));
	assert_false(duty_due_on_or_after(DUTY_MONTHLY, 0, 0, "2026-02-01", out));
	assert_false(duty_due_on_or_after(DUTY_YEARLY, 1, 1, "9999-06-01", out));
	static const struct {
		int r, month, day;
		const char *text;
	} texts[] = {
		{DUTY_YEARLY, 12, 31, "每年12月31日前"},
		{DUTY_MONTHLY, 0, 31, "每月月底前"},
		{DUTY_WEEKLY, 0, 5, "每周五前"},
		{DUTY_QUARTERLY, 3, 31, "每季度（3月、6月、9月、12月）月底前"},
		{DUTY_HALF_YEARLY, 6, 20, "每半年（6月、12月）20日前"},
	};
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		char text[128];
		duty_rule_text(texts[i].r, texts[i].month, texts[i].day, text, sizeof text);
		assert_string_equal(text, texts[i].text);
	}
	for (int r = 0; r < DUTY_NRECURRENCES; r++)
		assert_int_equal(duty_recurrence_from_name(duty_recurrence_name(r)), r);
	assert_int_equal(duty_recurrence_from_name("daily"), -1);
	assert_int_equal(duty_recurrence_from_name(NULL), -1);
}

/* ---- on a ledger ---- */

typedef struct fixture {
	db *d;
	int64_t dept, other, secretary_id;
	actor admin, leader, clerk, handler, other_handler, observer, secretary;
} fixture;

/* 10:00 Beijing time on date. */
static int64_t at(const char *date)
{
	return calendar_day_start(date) + 10 * 3600;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char *msg = NULL;
	int64_t uid = 0;
	f->d = unit_ledger_open();
	f->dept = unit_department(f->d, "swj", "社会事务局");
	f->other = unit_department(f->d, "cgj", "城市管理局");
	int64_t t = at("2026-01-05");
	assert_int_equal(user_add(f->d, "admin", "赵磊", "admin", NULL, "password1", t, &uid, &msg), LEDGER_OK);
	f->admin = unit_actor(ROLE_ADMIN, uid, 0, "赵磊");
	assert_int_equal(user_add(f->d, "leader", "王建华", "leader", NULL, "password1", t, &uid, &msg), LEDGER_OK);
	f->leader = unit_actor(ROLE_LEADER, uid, 0, "王建华");
	assert_int_equal(user_add(f->d, "clerk", "李秀梅", "clerk", NULL, "password1", t, &uid, &msg), LEDGER_OK);
	f->clerk = unit_actor(ROLE_CLERK, uid, 0, "李秀梅");
	assert_int_equal(user_add(f->d, "swj", "吴桂芳", "handler", "swj", "password1", t, &uid, &msg), LEDGER_OK);
	f->handler = unit_actor(ROLE_HANDLER, uid, f->dept, "吴桂芳");
	assert_int_equal(user_add(f->d, "cgj", "刘志强", "handler", "cgj", "password1", t, &uid, &msg), LEDGER_OK);
	f->other_handler = unit_actor(ROLE_HANDLER, uid, f->other, "刘志强");
	assert_int_equal(user_add(f->d, "obs", "高玉兰", "observer", NULL, "password1", t, &uid, &msg), LEDGER_OK);
	f->observer = unit_actor(ROLE_OBSERVER, uid, 0, "高玉兰");
	assert_int_equal(user_add(f->d, "gao", "高书记", "observer", NULL, "password1", t, &uid, &msg), LEDGER_OK);
	f->secretary = unit_actor(ROLE_OBSERVER, uid, 0, "高书记");
	f->secretary_id = uid;
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

/* A duty with the given rule, saved by the admin at `now`. */
static int64_t add(fixture *f, const char *title, int r, int month, int day, int64_t dept,
		   int64_t person, const char *person_name, const char *next, int lead, int64_t now)
{
	duty x;
	memset(&x, 0, sizeof x);
	x.title = (char *)title;
	x.description = "依据《村级干部谈话提醒实施办法》，每年至少一次。";
	x.department_id = dept;
	x.person_id = person;
	x.person_name = (char *)person_name;
	x.recurrence = r;
	x.due_month = month;
	x.due_day = day;
	snprintf(x.next_due, sizeof x.next_due, "%s", next ? next : "");
	x.lead_days = lead;
	int64_t id = 0;
	char *msg = NULL;
	int rc = duty_save(f->d, &f->admin, &x, now, &id, &msg);
	if (rc != LEDGER_OK)
		fail_msg("saving %s: %d %s", title, rc, msg ? msg : "");
	free(msg);
	return id;
}

static void next_due_of(fixture *f, int64_t id, char out[11])
{
	duty x;
	assert_int_equal(duty_load(f->d, id, "2026-01-01", &x), LEDGER_OK);
	snprintf(out, 11, "%s", x.next_due);
	duty_clear(&x);
}

static int64_t rows(fixture *f, const char *table)
{
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	return db_scalar(f->d, -1, sql, "");
}

static void test_save_checks(void **state)
{
	fixture *f = *state;
	int64_t t = at("2026-12-02");
	int64_t id = add(f, "村党组织书记谈话提醒", DUTY_YEARLY, 12, 31, f->dept, 0, "各村党组织书记",
			 NULL, 10, t);
	char due[11];
	next_due_of(f, id, due);
	assert_string_equal(due, "2026-12-31"); /* from today by the rule */
	static const struct {
		const char *title, *person_name;
		int r, month, day, lead;
		int64_t person, dept;
		const char *next;
	} bad[] = {
		{"", NULL, DUTY_YEARLY, 12, 31, 5, 0, 0, NULL},          /* no title */
		{"   ", NULL, DUTY_YEARLY, 12, 31, 5, 0, 0, NULL},       /* blank title */
		{"年度报告", NULL, DUTY_YEARLY, 2, 30, 5, 0, 0, NULL},    /* no such day */
		{"年度报告", NULL, DUTY_MONTHLY, 0, 0, 5, 0, 0, NULL},    /* day 0 */
		{"年度报告", NULL, DUTY_WEEKLY, 0, 9, 5, 0, 0, NULL},     /* weekday 9 */
		{"年度报告", NULL, -1, 1, 1, 5, 0, 0, NULL},              /* no recurrence */
		{"年度报告", NULL, DUTY_YEARLY, 12, 31, 61, 0, 0, NULL},  /* lead too long */
		{"年度报告", NULL, DUTY_YEARLY, 12, 31, -1, 0, 0, NULL},  /* negative lead */
		{"年度报告", "张三", DUTY_YEARLY, 12, 31, 5, 1, 0, NULL}, /* user and a name */
		{"年度报告", NULL, DUTY_YEARLY, 12, 31, 5, 999, 0, NULL}, /* no such user */
		{"年度报告", NULL, DUTY_YEARLY, 12, 31, 5, 0, 999, NULL}, /* no such department */
		{"年度报告", NULL, DUTY_YEARLY, 12, 31, 5, 0, 0, "2026-13-01"}, /* bad date */
		{"年度\n报告", NULL, DUTY_YEARLY, 12, 31, 5, 0, 0, NULL},  /* two lines */
	};
	int64_t before = rows(f, "duties");
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		duty x;
		memset(&x, 0, sizeof x);
		x.title = (char *)bad[i].title;
		x.person_name = (char *)bad[i].person_name;
		x.recurrence = bad[i].r;
		x.due_month = bad[i].month;
		x.due_day = bad[i].day;
		x.lead_days = bad[i].lead;
		x.person_id = bad[i].person;
		x.department_id = bad[i].dept;
		snprintf(x.next_due, sizeof x.next_due, "%s", bad[i].next ? bad[i].next : "");
		char *msg = NULL;
		int rc = duty_save(f->d, &f->admin, &x, t, NULL, &msg);
		if (rc != LEDGER_INVALID || !msg)
			fail_msg("case %zu: expected LEDGER_INVALID with a message, got %d", i, rc);
		free(msg);
	}
	assert_int_equal(rows(f, "duties"), before);
	/* only administrators and leaders keep duties */
	duty x;
	memset(&x, 0, sizeof x);
	x.title = "述职述廉";
	x.recurrence = DUTY_YEARLY;
	x.due_month = 12;
	x.due_day = 31;
	const actor *not_keepers[] = {&f->clerk, &f->handler, &f->observer};
	for (size_t i = 0; i < ARRAY_LEN(not_keepers); i++)
		assert_int_equal(duty_save(f->d, not_keepers[i], &x, t, NULL, NULL), LEDGER_FORBIDDEN);
	assert_int_equal(duty_set_active(f->d, &f->clerk, id, false, t), LEDGER_FORBIDDEN);
	assert_int_equal(rows(f, "duties"), before);
	assert_int_equal(duty_save(f->d, &f->leader, &x, t, NULL, NULL), LEDGER_OK);
	/* an update of a duty that does not exist */
	x.id = 999;
	assert_int_equal(duty_save(f->d, &f->leader, &x, t, NULL, NULL), LEDGER_NOT_FOUND);
}

static void test_complete(void **state)
{
	fixture *f = *state;
	char due[11], *msg = NULL;
	int64_t t = at("2026-12-02");
	int64_t talk = add(f, "村党组织书记谈话提醒", DUTY_YEARLY, 12, 31, f->dept, 0, "各村党组织书记",
			   NULL, 10, t);
	int64_t mine = add(f, "述职述廉报告", DUTY_YEARLY, 12, 31, 0, f->other_handler.user_id, NULL,
			   NULL, 10, t);
	int64_t observed = add(f, "监委会季度监督", DUTY_QUARTERLY, 3, 31, 0, f->secretary_id, NULL,
			       NULL, 10, t);
	int64_t monthly = add(f, "居民联席会", DUTY_MONTHLY, 0, 31, f->other, 0, NULL, "2026-09-30", 5, t);
	/* who may: the department's handler, clerks, leaders, admins, the person */
	assert_int_equal(duty_complete(f->d, &f->other_handler, talk, NULL, NULL, t, &msg),
			 LEDGER_FORBIDDEN);
	assert_int_equal(duty_complete(f->d, &f->observer, talk, NULL, NULL, t, &msg), LEDGER_FORBIDDEN);
	assert_int_equal(duty_complete(f->d, &f->handler, mine, NULL, NULL, t, &msg), LEDGER_FORBIDDEN);
	/* an observer reads only, even a duty named for them */
	assert_int_equal(duty_complete(f->d, &f->secretary, observed, NULL, NULL, t, &msg),
			 LEDGER_FORBIDDEN);
	assert_int_equal(rows(f, "duty_records"), 0);
	/* done early: next year */
	assert_int_equal(duty_complete(f->d, &f->handler, talk, "2026-12-31", "已与7个村书记逐一谈话",
				       t, &msg), LEDGER_OK);
	next_due_of(f, talk, due);
	assert_string_equal(due, "2027-12-31");
	/* a second click with the old due date: someone already did it */
	assert_int_equal(duty_complete(f->d, &f->clerk, talk, "2026-12-31", NULL, t, &msg),
			 LEDGER_CONFLICT);
	/* the person named, though of another department */
	assert_int_equal(duty_complete(f->d, &f->other_handler, mine, NULL, "已在党员大会上述职述廉", t,
				       &msg), LEDGER_OK);
	/* overdue since September: done late in December, the missed
	 * months are not owed twice; the record keeps the date it met */
	assert_int_equal(duty_complete(f->d, &f->leader, monthly, "2026-09-30", NULL, t, &msg),
			 LEDGER_OK);
	next_due_of(f, monthly, due);
	assert_string_equal(due, "2026-12-31");
	duty_record *r = NULL;
	size_t n = 0;
	assert_int_equal(duty_records(f->d, monthly, 10, &r, &n), LEDGER_OK);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].due, "2026-09-30");
	assert_string_equal(r[0].actor_label, "领导 王建华");
	assert_int_equal(r[0].done_at, t);
	duty_records_free(r, n);
	/* on its due day: the next period */
	assert_int_equal(duty_complete(f->d, &f->admin, monthly, NULL, NULL, at("2026-12-31"), &msg),
			 LEDGER_OK);
	next_due_of(f, monthly, due);
	assert_string_equal(due, "2027-01-31");
	/* a note too long, a bad seen date, a stopped duty, a missing one */
	char longnote[1001 * 3 + 1] = "";
	for (int i = 0; i < 1001; i++)
		strcat(longnote, "字");
	assert_int_equal(duty_complete(f->d, &f->admin, monthly, NULL, longnote, t, &msg), LEDGER_INVALID);
	free(msg);
	msg = NULL;
	assert_int_equal(duty_complete(f->d, &f->admin, monthly, "2027-02-30", NULL, t, &msg),
			 LEDGER_INVALID);
	free(msg);
	msg = NULL;
	assert_int_equal(duty_set_active(f->d, &f->leader, monthly, false, t), LEDGER_OK);
	int64_t records = rows(f, "duty_records");
	assert_int_equal(duty_complete(f->d, &f->admin, monthly, NULL, NULL, t, &msg), LEDGER_BAD_STATE);
	assert_int_equal(duty_complete(f->d, &f->admin, 999, NULL, NULL, t, &msg), LEDGER_NOT_FOUND);
	assert_int_equal(rows(f, "duty_records"), records);
	/* resumed months later: due by its rule from then on, not overdue */
	assert_int_equal(duty_set_active(f->d, &f->leader, monthly, true, at("2027-03-10")), LEDGER_OK);
	next_due_of(f, monthly, due);
	assert_string_equal(due, "2027-03-31");
	free(msg);
}

/* The due list and the reminder window on the working-day calendar:
 * 2026-09-30 is a Wednesday before the National Day holiday. */
static void test_due_list(void **state)
{
	fixture *f = *state;
	int64_t t = at("2026-09-01");
	int64_t soon = add(f, "国庆前安全检查", DUTY_YEARLY, 10, 9, f->dept, 0, NULL, NULL, 3, t);
	int64_t late = add(f, "居民联席会", DUTY_MONTHLY, 0, 31, f->other, 0, NULL, "2026-08-31", 5, t);
	int64_t far = add(f, "述职述廉", DUTY_YEARLY, 12, 31, 0, 0, "各村党组织书记", NULL, 10, t);
	duty_due *v = NULL;
	size_t n = 0;
	/* On 09-30 the 10-09 duty is 2 working days away (10-08, 10-09): the
	 * holiday week does not count */
	assert_int_equal(duty_due_list(f->d, "2026-09-30", 2, 0, &v, &n), LEDGER_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, late); /* overdue first */
	assert_true(v[0].overdue);
	assert_string_equal(v[0].department_name, "城市管理局");
	assert_int_equal(v[1].id, soon);
	assert_false(v[1].overdue);
	duty_due_free(v, n);
	assert_int_equal(duty_due_list(f->d, "2026-09-30", 1, 0, &v, &n), LEDGER_OK);
	assert_int_equal(n, 1);
	duty_due_free(v, n);
	/* one department */
	assert_int_equal(duty_due_list(f->d, "2026-09-30", 2, f->dept, &v, &n), LEDGER_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, soon);
	duty_due_free(v, n);
	assert_int_equal(duty_due_list(f->d, "2026-02-30", 2, 0, &v, &n), LEDGER_INVALID);
	/* the whole list: overdue, due soon (lead 3 working days), the rest */
	duty *d = NULL;
	assert_int_equal(duty_list(f->d, "2026-09-30", true, &d, &n), LEDGER_OK);
	assert_int_equal(n, 3);
	assert_int_equal(d[0].id, late);
	assert_true(d[0].overdue);
	assert_int_equal(d[1].id, soon);
	assert_true(d[1].due_soon);
	assert_int_equal(d[2].id, far);
	assert_false(d[2].due_soon || d[2].overdue);
	assert_string_equal(d[2].person_name, "各村党组织书记");
	duty_list_free(d, n);
	/* mine: by name, or of my department with no one named */
	assert_int_equal(duty_list_mine(f->d, &f->handler, "2026-09-30", &d, &n), LEDGER_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].id, soon);
	duty_list_free(d, n);
	assert_int_equal(duty_list_mine(f->d, &f->clerk, "2026-09-30", &d, &n), LEDGER_OK);
	assert_int_equal(n, 0);
	duty_list_free(d, n);
}

/* duty_tick with an explicit now: per duty, due date and channel one
 * reminder inside the reminder window and one notice once it is overdue,
 * never twice. */
static void test_tick(void **state)
{
	fixture *f = *state;
	int queued = -1;
	int64_t t = at("2026-09-01");
	add(f, "国庆前安全检查", DUTY_YEARLY, 10, 9, f->dept, 0, NULL, NULL, 3, t);
	add(f, "城管联席会", DUTY_MONTHLY, 0, 31, f->other, 0, NULL, "2026-10-31", 3, t);
	/* no channel yet: nothing to queue */
	assert_int_equal(duty_tick(f->d, at("2026-09-30"), &queued), LEDGER_OK);
	assert_int_equal(queued, 0);
	/* an office-wide channel for duties, one of the department's, one
	 * of the other department's, and an office-wide one without duties */
	assert_int_equal(db_exec(f->d, "INSERT INTO channels(name, kind, department_id, target, topics,"
				    " created_at) VALUES ('全办', 'webhook', NULL, 'https://a.example/h',"
				    " 'daily,duty', 0), ('社会事务局', 'wecom', ?, 'https://b.example/h',"
				    " 'duty', 0), ('城管', 'feishu', ?, 'https://c.example/h', 'duty', 0),"
				    " ('周报', 'webhook', NULL, 'https://d.example/h', 'weekly', 0)",
				 "ii", f->dept, f->other), DB_DONE);
	/* 09-25: the 10-09 duty is 5 working days away (09-28, 09-29, 09-30,
	 * 10-08, 10-09): outside a lead of 3 */
	assert_int_equal(duty_tick(f->d, at("2026-09-25"), &queued), LEDGER_OK);
	assert_int_equal(queued, 0);
	/* 09-30: 2 working days away: the office's and the department's
	 * channels, not the other department's */
	assert_int_equal(duty_tick(f->d, at("2026-09-30"), &queued), LEDGER_OK);
	assert_int_equal(queued, 2);
	assert_int_equal(db_scalar(f->d, -1, "SELECT count(*) FROM outbox WHERE topic = 'duty'"
					     " AND idem_key LIKE 'duty/%/2026-10-09/%'", ""), 2);
	char *title = NULL;
	db_stmt *q = db_query(f->d, "SELECT title, body FROM outbox ORDER BY id LIMIT 1", "");
	assert_int_equal(db_step(q), DB_ROW);
	title = db_text_dup(q, 0);
	assert_non_null(strstr(db_text(q, 1), "2026-10-09"));
	db_done(q);
	assert_string_equal(title, "定期工作提醒：国庆前安全检查");
	free(title);
	/* again, the same day and later while it is still due: nothing new */
	assert_int_equal(duty_tick(f->d, at("2026-09-30") + 600, &queued), LEDGER_OK);
	assert_int_equal(queued, 0);
	/* 10-12, overdue: one notice to each channel, once */
	assert_int_equal(duty_tick(f->d, at("2026-10-12"), &queued), LEDGER_OK);
	assert_int_equal(queued, 2);
	assert_int_equal(db_scalar(f->d, -1, "SELECT count(*) FROM outbox WHERE topic = 'duty'"
					     " AND idem_key LIKE 'duty/%/2026-10-09/overdue/%'", ""), 2);
	q = db_query(f->d, "SELECT title, body FROM outbox ORDER BY id DESC LIMIT 1", "");
	assert_int_equal(db_step(q), DB_ROW);
	assert_string_equal(db_text(q, 0), "定期工作已逾期：国庆前安全检查");
	assert_non_null(strstr(db_text(q, 1), "应完成日期：2026-10-09（已逾期3天）"));
	db_done(q);
	assert_int_equal(duty_tick(f->d, at("2026-10-13"), &queued), LEDGER_OK);
	assert_int_equal(queued, 0);
	assert_int_equal(db_scalar(f->d, -1, "SELECT count(*) FROM outbox", ""), 4);
	/* 10-28: the monthly one (10-31) is within 3 working days: office + 城管 */
	assert_int_equal(duty_tick(f->d, at("2026-10-28"), &queued), LEDGER_OK);
	assert_int_equal(queued, 2);
	/* a stopped duty is not reminded of */
	int64_t stopped = add(f, "停用的工作", DUTY_WEEKLY, 0, 5, 0, 0, NULL, NULL, 2, t);
	assert_int_equal(duty_set_active(f->d, &f->admin, stopped, false, t), LEDGER_OK);
	assert_int_equal(duty_tick(f->d, at("2026-10-29"), &queued), LEDGER_OK);
	assert_int_equal(queued, 0);
	assert_int_equal(db_scalar(f->d, -1, "SELECT count(*) FROM outbox", ""), 6);
}

/* What people typed goes into a reminder as plain text, as in the digests:
 * no link, heading or emphasis of its own in a robot's Markdown. */
static void test_reminder_is_plain(void **state)
{
	fixture *f = *state;
	int queued = -1;
	int64_t t = at("2026-09-01");
	duty x;
	memset(&x, 0, sizeof x);
	x.title = "述职[点此](http://x.example)";
	x.description = "# 要求\n**按时**提交 > 存档";
	x.person_name = "张三_李四";
	x.recurrence = DUTY_MONTHLY;
	x.due_day = 30;
	x.lead_days = 3;
	int64_t id = 0;
	char *msg = NULL;
	assert_int_equal(duty_save(f->d, &f->admin, &x, t, &id, &msg), LEDGER_OK);
	assert_int_equal(db_exec(f->d, "INSERT INTO channels(name, kind, target, topics, created_at)"
				    " VALUES ('全办', 'webhook', 'https://a.example/h', 'duty', 0)", ""),
			 DB_DONE);
	assert_int_equal(duty_tick(f->d, at("2026-09-29"), &queued), LEDGER_OK);
	assert_int_equal(queued, 1);
	db_stmt *q = db_query(f->d, "SELECT title, body FROM outbox", "");
	assert_int_equal(db_step(q), DB_ROW);
	assert_string_equal(db_text(q, 0), "定期工作提醒：述职［点此］（http://x.example）");
	const char *body = db_text(q, 1);
	assert_non_null(strstr(body, "【定期工作提醒】述职［点此］（http://x.example）\n"));
	assert_non_null(strstr(body, "说明：＃ 要求 ＊＊按时＊＊提交 ＞ 存档\n"));
	assert_non_null(strstr(body, "责任人：张三＿李四\n"));
	assert_null(strstr(body, "]("));
	db_done(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_dates),
		cmocka_unit_test(test_rules),
		cmocka_unit_test_setup_teardown(test_save_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_due_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reminder_is_plain, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
