/*
 * test_callback.c — 回访 on a real (in-memory) SQLite ledger: calls that
 * miss (counted attempts, nothing else changes), calls that reach the
 * resident (solved or not, each rating, 重办 with the reason), refusals
 * that change nothing, the task list with its personal data rule, the
 * closing of matters nobody rated after N working days across the 2026
 * National Day holiday (idempotent), and how all this counts in the rates.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "ledger/callback.h"
#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "ledger/rates.h"
#include "ledger/user.h"

#define RESIDENT_PHONE "13912345678"
#define WORDS "井盖还是响，晚上吵得睡不着，我是3号楼的李大爷"

typedef struct fixture {
	db *d;
	int64_t dept, other, cat;
	actor clerk, handler, other_handler, leader, observer, resident;
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
	assert_int_equal(catalog_install_defaults(f->d), LEDGER_OK);
	f->dept = unit_department(f->d, "zjj", "住房和城乡建设局");
	f->other = unit_department(f->d, "cgj", "城市管理局");
	f->cat = db_scalar(f->d, 0, "SELECT id FROM categories WHERE code = 'water'", "");
	assert_int_equal(user_add(f->d, "wangfang", "王芳", "clerk", NULL, "password1", at("2026-09-01"),
				  &uid, &msg), LEDGER_OK);
	f->clerk = unit_actor(ROLE_CLERK, uid, 0, "王芳");
	assert_int_equal(user_add(f->d, "lihua", "李华", "handler", "zjj", "password1",
				  at("2026-09-01"), &uid, &msg), LEDGER_OK);
	f->handler = unit_actor(ROLE_HANDLER, uid, f->dept, "李华");
	assert_int_equal(user_add(f->d, "zhaoqiang", "赵强", "handler", "cgj", "password1",
				  at("2026-09-01"), &uid, &msg), LEDGER_OK);
	f->other_handler = unit_actor(ROLE_HANDLER, uid, f->other, "赵强");
	f->leader = unit_actor(ROLE_LEADER, 0, 0, "陈书记");
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

static int act_at(fixture *f, const actor *who, const char *number, action_input in, int64_t t)
{
	char *msg = NULL;
	int rc = matter_act(f->d, who, number, &in, t, NULL, &msg);
	free(msg);
	return rc;
}

/* A matter submitted, assigned to the department and resolved on `day`. */
static void resolved_on(fixture *f, const char *day, char number[32])
{
	submission s;
	char secret[16], *msg = NULL;
	memset(&s, 0, sizeof s);
	s.kind = "request";
	s.subkind = "投诉";
	s.category_id = f->cat;
	s.title = "幸福路井盖松动，车辆经过响声很大";
	s.description = "幸福路与和平街交口的井盖松动。";
	s.channel = "hotline";
	s.submitter_name = "李秀英";
	s.submitter_phone = RESIDENT_PHONE;
	s.is_public = true;
	int64_t t = at(day) - 3 * 86400;
	assert_int_equal(matter_submit(f->d, &f->clerk, &s, t, number, secret, &msg), LEDGER_OK);
	assert_int_equal(act_at(f, &f->clerk, number, (action_input){.act = ACT_ASSIGN,
			 .department_id = f->dept}, t + 60), LEDGER_OK);
	assert_int_equal(act_at(f, &f->handler, number, (action_input){.act = ACT_RESOLVE,
			 .note = "已更换井盖并加固底座。"}, at(day)), LEDGER_OK);
}

static int64_t scalar(fixture *f, const char *sql, const char *number)
{
	return db_scalar(f->d, -1, sql, "t", number);
}

static char *text(fixture *f, const char *sql, const char *number)
{
	db_stmt *q = db_query(f->d, sql, "t", number);
	char *s = db_step(q) == DB_ROW ? db_text_dup(q, 0) : NULL;
	db_done(q);
	return s;
}

static int status(fixture *f, const char *number)
{
	char *s = text(f, "SELECT status FROM matters WHERE number = ?", number);
	int st = status_from_name(s);
	free(s);
	return st;
}

static int64_t events(fixture *f, const char *number)
{
	return scalar(f, "SELECT count(*) FROM events e JOIN matters m ON m.id = e.matter_id"
			 " WHERE m.number = ?", number);
}

static int64_t version(fixture *f, const char *number)
{
	return scalar(f, "SELECT version FROM matters WHERE number = ?", number);
}

static int64_t matter_id(fixture *f, const char *number)
{
	return scalar(f, "SELECT id FROM matters WHERE number = ?", number);
}

static action_input missed(const char *outcome, const char *note)
{
	return (action_input){.act = ACT_CALLBACK, .outcome = outcome, .note = note};
}

static action_input reached(const char *solved, const char *rating, const char *note)
{
	return (action_input){.act = ACT_CALLBACK, .outcome = "reached", .solved = solved,
			      .rating = rating, .note = note};
}

static void test_missed_calls_count(void **state)
{
	fixture *f = *state;
	char n[32];
	resolved_on(f, "2026-11-02", n);
	assert_int_equal(callback_attempts(f->d, matter_id(f, n)), 0);
	int64_t v = version(f, n);
	assert_int_equal(act_at(f, &f->clerk, n, missed("no_answer", NULL), at("2026-11-03")), LEDGER_OK);
	assert_int_equal(act_at(f, &f->leader, n, missed("busy", "下午再打"), at("2026-11-04")), LEDGER_OK);
	assert_int_equal(callback_attempts(f->d, matter_id(f, n)), 2);
	assert_int_equal(status(f, n), ST_RESOLVED);
	assert_int_equal(version(f, n), v + 2);
	assert_null(text(f, "SELECT rating FROM matters WHERE number = ?", n));
	/* the events: internal, numbered; the clerk's words not in the note
	 * (everyone who opens the matter reads it) but in the data's comment,
	 * as a rating's (only those who may see personal data read it) */
	char *last = text(f, "SELECT e.note FROM events e JOIN matters m ON m.id = e.matter_id"
			     " WHERE m.number = ? ORDER BY e.id DESC LIMIT 1", n);
	assert_string_equal(last, "回访未接通（占线），第2次");
	free(last);
	last = text(f, "SELECT json_extract(e.data, '$.comment') FROM events e JOIN matters m"
		       " ON m.id = e.matter_id WHERE m.number = ? ORDER BY e.id DESC LIMIT 1", n);
	assert_string_equal(last, "下午再打");
	free(last);
	last = text(f, "SELECT e.note || e.data FROM events e JOIN matters m ON m.id = e.matter_id"
		       " WHERE m.number = ? AND e.action = 'callback_missed' ORDER BY e.id LIMIT 1", n);
	assert_string_equal(last, "回访未接通（无人接听），第1次{\"outcome\":\"no_answer\",\"attempt\":1}");
	free(last);
	assert_int_equal(scalar(f, "SELECT count(*) FROM events e JOIN matters m ON m.id = e.matter_id"
				   " WHERE m.number = ? AND e.action = 'callback_missed' AND e.public = 0",
				n), 2);
	char *data = text(f, "SELECT e.data FROM events e JOIN matters m ON m.id = e.matter_id"
			     " WHERE m.number = ? ORDER BY e.id DESC LIMIT 1", n);
	assert_non_null(strstr(data, "\"attempt\":2"));
	assert_non_null(strstr(data, "\"outcome\":\"busy\""));
	free(data);
}

static void test_refusals_change_nothing(void **state)
{
	fixture *f = *state;
	char n[32], open[32];
	resolved_on(f, "2026-11-02", n);
	int64_t v = version(f, n), e = events(f, n);
	static const struct {
		const char *outcome, *solved, *rating, *note;
	} bad[] = {
		{NULL, NULL, NULL, NULL},                  /* no outcome */
		{"hung_up", NULL, NULL, NULL},             /* unknown outcome */
		{"no_answer", NULL, "satisfied", NULL},    /* missed, with a rating */
		{"busy", "yes", NULL, NULL},               /* missed, with solved */
		{"reached", NULL, "satisfied", NULL},      /* reached, solved missing */
		{"reached", "maybe", "satisfied", NULL},   /* reached, solved unknown */
		{"reached", "yes", NULL, NULL},            /* reached, rating missing */
		{"reached", "yes", "great", NULL},         /* reached, rating unknown */
		{"reached", "no", "satisfied", NULL},      /* not solved: the reason is required */
		{"reached", "yes", "dissatisfied", "   "}, /* dissatisfied: blanks are no reason */
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		action_input in = {.act = ACT_CALLBACK, .outcome = bad[i].outcome,
				   .solved = bad[i].solved, .rating = bad[i].rating, .note = bad[i].note};
		char *msg = NULL;
		int rc = matter_act(f->d, &f->clerk, n, &in, at("2026-11-03"), NULL, &msg);
		if (rc != LEDGER_INVALID || !msg)
			fail_msg("case %zu: expected LEDGER_INVALID with a message, got %d", i, rc);
		free(msg);
	}
	/* too long a note (501 characters) */
	char longnote[501 * 3 + 1] = "";
	for (int i = 0; i < 501; i++)
		strcat(longnote, "字");
	assert_int_equal(act_at(f, &f->clerk, n, reached("yes", "satisfied", longnote),
				at("2026-11-03")), LEDGER_INVALID);
	/* who may not: handlers (even of the department), observers, residents */
	assert_int_equal(act_at(f, &f->handler, n, missed("busy", NULL), at("2026-11-03")),
			 LEDGER_FORBIDDEN);
	assert_int_equal(act_at(f, &f->observer, n, missed("busy", NULL), at("2026-11-03")),
			 LEDGER_FORBIDDEN);
	assert_int_equal(act_at(f, &f->resident, n, reached("yes", "satisfied", NULL),
				at("2026-11-03")), LEDGER_FORBIDDEN);
	/* a stale version */
	action_input stale = missed("busy", NULL);
	stale.version = v - 1;
	assert_int_equal(act_at(f, &f->clerk, n, stale, at("2026-11-03")), LEDGER_CONFLICT);
	assert_int_equal(version(f, n), v);
	assert_int_equal(events(f, n), e);
	/* not resolved: no callback */
	resolved_on(f, "2026-11-02", open);
	assert_int_equal(act_at(f, &f->leader, open, (action_input){.act = ACT_REOPEN,
			 .note = "现场核验未修好"}, at("2026-11-03")), LEDGER_OK);
	assert_int_equal(act_at(f, &f->clerk, open, missed("busy", NULL), at("2026-11-03")),
			 LEDGER_BAD_STATE);
	/* rated: no callback any more */
	assert_int_equal(act_at(f, &f->clerk, n, reached("yes", "basic", NULL), at("2026-11-03")),
			 LEDGER_OK);
	assert_int_equal(act_at(f, &f->clerk, n, missed("busy", NULL), at("2026-11-04")),
			 LEDGER_BAD_STATE);
	assert_int_equal(act_at(f, &f->resident, n, (action_input){.act = ACT_RATE,
			 .rating = "satisfied"}, at("2026-11-04")), LEDGER_BAD_STATE);
}

static void test_reached_satisfied(void **state)
{
	fixture *f = *state;
	char n[32];
	resolved_on(f, "2026-11-02", n);
	assert_int_equal(act_at(f, &f->clerk, n, missed("unreachable", NULL), at("2026-11-03")),
			 LEDGER_OK);
	assert_int_equal(act_at(f, &f->clerk, n, reached("yes", "satisfied", "修得很好，谢谢"),
				at("2026-11-04")), LEDGER_OK);
	assert_int_equal(status(f, n), ST_RESOLVED);
	char *r = text(f, "SELECT rating FROM matters WHERE number = ?", n);
	assert_string_equal(r, "satisfied");
	free(r);
	char *note = text(f, "SELECT e.note FROM events e JOIN matters m ON m.id = e.matter_id"
			     " WHERE m.number = ? AND e.action = 'callback' AND e.public = 1", n);
	assert_string_equal(note, "电话回访：问题已解决，满意");
	free(note);
	char *data = text(f, "SELECT e.data FROM events e JOIN matters m ON m.id = e.matter_id"
			     " WHERE m.number = ? AND e.action = 'callback'", n);
	assert_non_null(strstr(data, "\"rating\":\"satisfied\""));
	assert_non_null(strstr(data, "\"solved\":true"));
	assert_non_null(strstr(data, "修得很好"));
	free(data);
}

/* Each reached combination: where the matter goes and why. */
static void test_reached_each_case(void **state)
{
	fixture *f = *state;
	static const struct {
		const char *solved, *rating;
		int status;
		const char *reason, *column;
	} cases[] = {
		{"yes", "satisfied", ST_RESOLVED, "", "satisfied"},
		{"yes", "basic", ST_RESOLVED, "", "basic"},
		{"yes", "dissatisfied", ST_REOPENED, "回访：群众评价不满意", NULL},
		{"no", "satisfied", ST_REOPENED, "回访：群众反映问题未解决", NULL},
		{"no", "basic", ST_REOPENED, "回访：群众反映问题未解决", NULL},
		{"no", "dissatisfied", ST_REOPENED, "回访：群众反映问题未解决", NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char n[32];
		resolved_on(f, "2026-11-02", n);
		char *old_deadline = text(f, "SELECT deadline FROM matters WHERE number = ?", n);
		assert_int_equal(act_at(f, &f->clerk, n, reached(cases[i].solved, cases[i].rating, WORDS),
					at("2026-11-23")), LEDGER_OK);
		assert_int_equal(status(f, n), cases[i].status);
		char *reason = text(f, "SELECT reason FROM matters WHERE number = ?", n);
		char *col = text(f, "SELECT rating FROM matters WHERE number = ?", n);
		char *deadline = text(f, "SELECT deadline FROM matters WHERE number = ?", n);
		char *words = text(f, "SELECT rating_note FROM matters WHERE number = ?", n);
		assert_string_equal(reason, cases[i].reason);
		if (cases[i].column)
			assert_string_equal(col, cases[i].column);
		else
			assert_null(col);
		assert_string_equal(words, WORDS);
		if (cases[i].status == ST_REOPENED) {
			/* back to the same department with a fresh deadline:
			 * water is 5 working days from Monday 2026-11-23 */
			assert_int_equal(scalar(f, "SELECT department_id FROM matters WHERE number = ?", n),
					 f->dept);
			assert_string_equal(deadline, "2026-11-30");
		} else {
			assert_string_equal(deadline, old_deadline);
		}
		/* the resident's words never on the public timeline */
		assert_int_equal(scalar(f, "SELECT count(*) FROM events e JOIN matters m ON"
					   " m.id = e.matter_id WHERE m.number = ? AND e.public = 1"
					   " AND (e.note LIKE '%李大爷%' OR e.note LIKE '%睡不着%')", n), 0);
		free(reason);
		free(col);
		free(deadline);
		free(words);
		free(old_deadline);
	}
}

/* A matter sent back and resolved again starts its attempts afresh. */
static void test_attempts_after_reopen(void **state)
{
	fixture *f = *state;
	char n[32];
	resolved_on(f, "2026-11-02", n);
	assert_int_equal(act_at(f, &f->clerk, n, missed("no_answer", NULL), at("2026-11-03")), LEDGER_OK);
	assert_int_equal(act_at(f, &f->clerk, n, missed("refused", NULL), at("2026-11-04")), LEDGER_OK);
	assert_int_equal(act_at(f, &f->clerk, n, reached("no", "dissatisfied", WORDS), at("2026-11-05")),
			 LEDGER_OK);
	assert_int_equal(status(f, n), ST_REOPENED);
	assert_int_equal(act_at(f, &f->handler, n, (action_input){.act = ACT_RESOLVE,
			 .note = "重新更换了井盖。"}, at("2026-11-09")), LEDGER_OK);
	assert_int_equal(callback_attempts(f->d, matter_id(f, n)), 0);
	assert_int_equal(act_at(f, &f->clerk, n, missed("busy", NULL), at("2026-11-10")), LEDGER_OK);
	assert_int_equal(callback_attempts(f->d, matter_id(f, n)), 1);
}

/* The desk's list: waiting matters oldest first, the attempts filter, the
 * personal data for those who may see it, the counts. */
static void test_task_list(void **state)
{
	fixture *f = *state;
	char a[32], b[32], c[32];
	resolved_on(f, "2026-11-03", a);
	resolved_on(f, "2026-11-02", b);
	resolved_on(f, "2026-11-04", c);
	assert_int_equal(act_at(f, &f->clerk, b, missed("busy", WORDS), at("2026-11-05")), LEDGER_OK);
	assert_int_equal(act_at(f, &f->clerk, c, reached("yes", "satisfied", NULL), at("2026-11-05")),
			 LEDGER_OK);
	callback_task *v = NULL;
	size_t n = 0;
	int64_t total = 0;
	callback_filter all = {0, 0, -1, 0, 0};
	assert_int_equal(callback_list(f->d, &f->clerk, &all, at("2026-11-06"), &v, &n, &total),
			 LEDGER_OK);
	assert_int_equal(total, 2);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].number, b); /* resolved first */
	assert_string_equal(v[1].number, a);
	assert_int_equal(v[0].attempts, 1);
	assert_int_equal(v[1].attempts, 0);
	assert_int_equal(v[0].waited, 4); /* 11-03 .. 11-06 */
	assert_string_equal(v[0].submitter_phone, RESIDENT_PHONE);
	/* the last attempt's note, with the clerk's words for those who may
	 * read them */
	assert_string_equal(v[0].last_note, "回访未接通（占线），第1次：" WORDS);
	callback_tasks_free(v, n);
	/* a handler of another department: no personal data, nor the words */
	assert_int_equal(callback_list(f->d, &f->other_handler, &all, at("2026-11-06"), &v, &n,
				       &total), LEDGER_OK);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v[i].submitter_phone, "");
		assert_string_equal(v[i].submitter_name, "");
	}
	assert_string_equal(v[0].last_note, "回访未接通（占线），第1次");
	callback_tasks_free(v, n);
	/* observers neither */
	assert_int_equal(callback_list(f->d, &f->observer, &all, at("2026-11-06"), &v, &n, &total),
			 LEDGER_OK);
	assert_string_equal(v[0].submitter_phone, "");
	assert_string_equal(v[0].last_note, "回访未接通（占线），第1次");
	callback_tasks_free(v, n);
	/* attempts: never called / called at least once; a department */
	callback_filter never = {0, 0, 0, 0, 0}, tried = {0, 1, -1, 0, 0}, other = {f->other, 0, -1, 0, 0};
	assert_int_equal(callback_list(f->d, &f->clerk, &never, at("2026-11-06"), &v, &n, &total),
			 LEDGER_OK);
	assert_int_equal(total, 1);
	assert_string_equal(v[0].number, a);
	callback_tasks_free(v, n);
	assert_int_equal(callback_list(f->d, &f->clerk, &tried, at("2026-11-06"), &v, &n, &total),
			 LEDGER_OK);
	assert_int_equal(total, 1);
	assert_string_equal(v[0].number, b);
	callback_tasks_free(v, n);
	assert_int_equal(callback_list(f->d, &f->clerk, &other, at("2026-11-06"), &v, &n, &total),
			 LEDGER_OK);
	assert_int_equal(total, 0);
	callback_tasks_free(v, n);
	callback_counts cc;
	assert_int_equal(callback_count(f->d, at("2026-11-05"), &cc), LEDGER_OK);
	assert_int_equal(cc.waiting, 2);
	assert_int_equal(cc.untried, 1);
	assert_int_equal(cc.tried, 1);
	assert_int_equal(cc.reached_today, 1);
}

/* Resolved on Tuesday 2026-09-29, three working days to rate: 09-30, then
 * the National Day holiday (10-01 to 10-07), 10-08, 10-09; so the first
 * run after them, on the 调休 Saturday 10-10, closes it. */
static void test_auto_close_across_holiday(void **state)
{
	fixture *f = *state;
	char early[32], late[32], rated[32];
	int closed = -1;
	resolved_on(f, "2026-09-29", early);
	resolved_on(f, "2026-09-30", late);
	resolved_on(f, "2026-09-29", rated);
	assert_int_equal(act_at(f, &f->clerk, rated, reached("yes", "basic", NULL), at("2026-09-30")),
			 LEDGER_OK);
	/* missed calls do not stop the clock */
	assert_int_equal(act_at(f, &f->clerk, early, missed("no_answer", NULL), at("2026-09-30")),
			 LEDGER_OK);
	const char *not_yet[] = {"2026-10-02", "2026-10-07", "2026-10-08", "2026-10-09"};
	for (size_t i = 0; i < ARRAY_LEN(not_yet); i++) {
		assert_int_equal(callback_close_unrated(f->d, at(not_yet[i]), 3, &closed), LEDGER_OK);
		assert_int_equal(closed, 0);
	}
	int64_t e = events(f, early);
	assert_int_equal(callback_close_unrated(f->d, at("2026-10-10"), 3, &closed), LEDGER_OK);
	assert_int_equal(closed, 1);
	assert_int_equal(status(f, early), ST_CLOSED);
	assert_int_equal(status(f, late), ST_RESOLVED);
	assert_int_equal(status(f, rated), ST_RESOLVED); /* rated: waits for a leader's 销号 */
	assert_int_equal(events(f, early), e + 1);
	/* the event: by the system, public, saying why */
	db_stmt *q = db_query(f->d, "SELECT e.actor_id IS NULL, e.actor_label, e.note, e.public,"
				    " e.action, m.auto_closed, m.closed_at FROM events e JOIN matters m"
				    " ON m.id = e.matter_id WHERE m.number = ? ORDER BY e.id DESC LIMIT 1",
			      "t", early);
	assert_int_equal(db_step(q), DB_ROW);
	assert_int_equal(db_int(q, 0), 1);
	assert_string_equal(db_text(q, 1), "系统");
	assert_string_equal(db_text(q, 2), "逾期未评价，系统自动销号");
	assert_int_equal(db_int(q, 3), 1);
	assert_string_equal(db_text(q, 4), "close");
	assert_int_equal(db_int(q, 5), 1);
	assert_int_equal(db_int(q, 6), at("2026-10-10"));
	db_done(q);
	/* idempotent: the same day again, and later, change nothing more */
	assert_int_equal(callback_close_unrated(f->d, at("2026-10-10") + 3600, 3, &closed), LEDGER_OK);
	assert_int_equal(closed, 0);
	assert_int_equal(events(f, early), e + 1);
	/* the one resolved a day later: Sunday 10-11 is a rest day */
	assert_int_equal(callback_close_unrated(f->d, at("2026-10-11"), 3, &closed), LEDGER_OK);
	assert_int_equal(closed, 0);
	assert_int_equal(callback_close_unrated(f->d, at("2026-10-12"), 3, &closed), LEDGER_OK);
	assert_int_equal(closed, 1);
	assert_int_equal(status(f, late), ST_CLOSED);
	assert_int_equal(callback_close_unrated(f->d, at("2026-10-12"), 3, &closed), LEDGER_OK);
	assert_int_equal(closed, 0);
	assert_int_equal(callback_close_unrated(f->d, at("2026-10-12"), 0, &closed), LEDGER_INVALID);
	/* a leader's close later of a matter the system did not close is a
	 * verification */
	assert_int_equal(act_at(f, &f->leader, rated, (action_input){.act = ACT_CLOSE},
				at("2026-10-12")), LEDGER_OK);
	assert_int_equal(scalar(f, "SELECT auto_closed FROM matters WHERE number = ?", rated), 0);
}

/* In the rates: a callback's rating counts like the resident's; a matter
 * closed for want of a rating is resolved, unrated and not confirmed. */
static void test_rates_afterwards(void **state)
{
	fixture *f = *state;
	char pleased[32], unhappy[32], unrated[32], verified[32], pending[32];
	int closed = 0;
	resolved_on(f, "2026-11-02", pleased);
	resolved_on(f, "2026-11-02", unhappy);
	resolved_on(f, "2026-11-02", unrated);
	resolved_on(f, "2026-11-02", verified);
	resolved_on(f, "2026-11-02", pending);
	assert_int_equal(act_at(f, &f->clerk, pleased, reached("yes", "satisfied", NULL),
				at("2026-11-03")), LEDGER_OK);
	assert_int_equal(act_at(f, &f->clerk, unhappy, reached("yes", "dissatisfied", WORDS),
				at("2026-11-03")), LEDGER_OK);
	assert_int_equal(act_at(f, &f->leader, verified, (action_input){.act = ACT_CLOSE},
				at("2026-11-03")), LEDGER_OK);
	assert_int_equal(act_at(f, &f->clerk, pending, missed("busy", NULL), at("2026-11-03")),
			 LEDGER_OK);
	assert_int_equal(act_at(f, &f->clerk, pending, reached("yes", "basic", NULL),
				at("2026-11-04")), LEDGER_OK);
	/* 5 working days after Monday 11-02 end on 11-09: closed on 11-10 */
	assert_int_equal(callback_close_unrated(f->d, at("2026-11-10"), 5, &closed), LEDGER_OK);
	assert_int_equal(closed, 1);
	assert_int_equal(status(f, unrated), ST_CLOSED);
	rates r;
	rates_filter all = {"2026-10-01", "2026-11-30", 0, 0, 0};
	/* on 11-11, a day past the reopened one's fresh deadline (11-10) */
	assert_int_equal(rates_compute(f->d, &all, "2026-11-11", &r), LEDGER_OK);
	/* rated: pleased (satisfied), unhappy (dissatisfied, then 重办),
	 * pending (basic after a missed call); unrated and verified are not */
	assert_int_equal(r.satisfaction.den, 3);
	assert_int_equal(r.satisfaction.num, 2);
	/* due: all five (resolved or past the deadline); confirmed: pleased,
	 * pending (rated), verified (closed by a leader); not the one the
	 * system closed, nor the reopened one */
	assert_int_equal(r.resolution.den, 5);
	assert_int_equal(r.resolution.num, 3);
	/* completion: the system's close is a completion */
	assert_int_equal(r.completion.num, 4);
	assert_int_equal(r.completion.den, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missed_calls_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reached_satisfied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reached_each_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attempts_after_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_close_across_holiday, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rates_afterwards, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
