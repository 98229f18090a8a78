/*
 * test_supervise.c — supervision (ledger/supervise.c) with a fake clock
 * over the 2026 calendar of base/workday.c, and the leader's 督办 by hand
 * (ACT_URGE).
 *
 * The dates that matter (2026):
 *   9月20日 (Sun)        调休: a working day
 *   9月25日–27日          中秋节: Fri–Sun off
 *   10月1日–7日           国庆节: Thu–Wed off (a whole holiday week)
 *   10月10日 (Sat)       调休: a working day
 *
 * With the defaults (remind 1 working day before; 日常督办 after 1, 挂牌督办
 * after 3, 约谈督办 after 10 working days past the deadline), a matter due
 * 9月30日 (Wed) is reminded on 9月29日, overdue from 10月1日, and stays at no
 * tier through the holiday week: 日常 10月8日, 挂牌 10月10日 (the 调休
 * Saturday), 约谈 10月20日 (8 9 10 12 13 14 15 16 19 20).
 */
#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/channel.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "ledger/supervise.h"

#define NAME "欧阳秘密"
#define PHONE "13912340000"

static db *d;
static int64_t dept, other_dept, office_ch, dept_ch, other_ch;
static supervise_config cfg;

static actor staff(unsigned role, int64_t department_id)
{
	actor a;
	memset(&a, 0, sizeof a);
	a.role = role;
	a.user_id = 0;
	a.department_id = department_id;
	snprintf(a.name, sizeof a.name, "%s", role == ROLE_LEADER ? "赵书记" : "王芳");
	return a;
}

/* hh:mm Beijing time on date. */
static int64_t at(const char *date, int hh, int mm)
{
	return calendar_day_start(date) + hh * 3600 + mm * 60;
}

/* Each test on a ledger of its own: two departments, channels for the
 * office (urge and daily), each department (urge) and one for the daily
 * digest alone. */
static int setup(void **state);
static int teardown(void **state);

/* A matter handed in and assigned to `dep` on `on`, due `deadline`. */
static void make_matter(char number[32], const char *on, const char *deadline, int64_t dep,
			bool is_public)
{
	actor resident = staff(ROLE_NONE, 0), clerk = staff(ROLE_CLERK, 0);
	submission s;
	char secret[16], *msg = NULL;
	memset(&s, 0, sizeof s);
	s.kind = "request";
	s.subkind = "求助";
	s.title = "黄河路井盖松动";
	s.description = "联系人" NAME "，电话" PHONE "。";
	s.channel = "web";
	s.submitter_name = NAME;
	s.submitter_phone = PHONE;
	s.is_public = is_public;
	assert_int_equal(matter_submit(d, &resident, &s, at(on, 9, 0), number, secret, &msg),
			 LEDGER_OK);
	action_input in = {.act = ACT_ASSIGN, .department_id = dep, .deadline = deadline};
	int rc = matter_act(d, &clerk, number, &in, at(on, 9, 5), NULL, &msg);
	if (rc != LEDGER_OK)
		fail_msg("assign: %d %s", rc, msg ? msg : "");
}

/* One tick at hh:mm on date with the config of this file. */
static supervise_result tick(const char *date, int hh, int mm)
{
	supervise_result r;
	assert_int_equal(supervise_tick(d, at(date, hh, mm), &cfg, &r), LEDGER_OK);
	return r;
}

static int64_t count(const char *sql, const char *number)
{
	return db_scalar(d, -1, sql, "t", number);
}

static int64_t events(const char *number, const char *action)
{
	return db_scalar(d, -1, "SELECT count(*) FROM events e JOIN matters m ON m.id = e.matter_id"
				" WHERE m.number = ? AND e.action = ?", "tt", number, action);
}

static int64_t level_of(const char *number)
{
	return count("SELECT urge_level FROM matters WHERE number = ?", number);
}

/* The newest event of `action` on the matter: its note, public flag and actor. */
static void last_event(const char *number, const char *action, char *note, size_t n,
		       int *is_public, int64_t *actor_id, char *label, size_t nl)
{
	db_stmt *q = db_query(d, "SELECT e.note, e.public, e.actor_id, e.actor_label FROM events e"
				 " JOIN matters m ON m.id = e.matter_id WHERE m.number = ?"
				 " AND e.action = ? ORDER BY e.id DESC LIMIT 1", "tt", number, action);
	assert_int_equal(db_step(q), DB_ROW);
	snprintf(note, n, "%s", db_text(q, 0));
	*is_public = (int)db_int(q, 1);
	*actor_id = db_is_null(q, 2) ? -1 : db_int(q, 2);
	snprintf(label, nl, "%s", db_text(q, 3));
	db_done(q);
}

static int64_t channel_add(const char *name, int64_t department_id, unsigned topics)
{
	channel c;
	char *msg = NULL;
	int64_t id = 0;
	memset(&c, 0, sizeof c);
	c.name = (char *)name;
	c.kind = (char *)"webhook";
	c.department_id = department_id;
	c.target = (char *)"https://hooks.example.org/taizhang";
	c.topics = topics;
	c.active = true;
	int rc = channel_save(d, &c, at("2026-09-01", 9, 0), &id, &msg);
	if (rc != LEDGER_OK)
		fail_msg("channel_save: %d %s", rc, msg ? msg : "");
	return id;
}

static int setup(void **state)
{
	char *err = NULL, *msg = NULL;
	d = db_open(":memory:", &err);
	assert_non_null(d);
	assert_int_equal(db_migrate(d), 0);
	department a = {0, "cgj", "城市管理局", "", true}, b = {0, "swj", "水务局", "", true};
	assert_int_equal(department_save(d, &a, &msg), LEDGER_OK);
	assert_int_equal(department_save(d, &b, &msg), LEDGER_OK);
	dept = a.id;
	other_dept = b.id;
	office_ch = channel_add("办公室督办群", 0, TOPIC_URGE | TOPIC_DAILY);
	dept_ch = channel_add("城管局群", dept, TOPIC_URGE);
	other_ch = channel_add("水务局群", other_dept, TOPIC_URGE);
	channel_add("只收日报", 0, TOPIC_DAILY);
	supervise_config_default(&cfg);
	return 0;
}

static int teardown(void **state)
{
	db_close(d);
	return 0;
}

static void test_defaults_and_check(void **state)
{
	assert_int_equal(cfg.remind_days, 1);
	assert_int_equal(cfg.urge_after[URGE_DAILY], 1);
	assert_int_equal(cfg.urge_after[URGE_LISTED], 3);
	assert_int_equal(cfg.urge_after[URGE_INTERVIEW], 10);
	assert_null(supervise_config_check(&cfg));
	supervise_config c = cfg;
	c.urge_after[URGE_LISTED] = 12; /* after 约谈 */
	assert_non_null(supervise_config_check(&c));
	c.urge_after[URGE_LISTED] = 0; /* off: 日常 then 约谈 */
	assert_null(supervise_config_check(&c));
	c.remind_days = -1;
	assert_non_null(supervise_config_check(&c));
	c = cfg;
	c.urge_after[URGE_DAILY] = 251;
	assert_non_null(supervise_config_check(&c));
	supervise_result r;
	assert_int_equal(supervise_tick(d, at("2026-10-08", 9, 0), &c, &r), LEDGER_ERROR);
	assert_string_equal(urge_label(URGE_LISTED), "挂牌督办");
	assert_string_equal(urge_label(0), "");
	assert_string_equal(urge_label(7), "");
}

/* A deadline just before the National Day week: reminded once the working
 * day before, overdue once, no tier during the holiday week, each tier on
 * its working day and not the day before, urge messages once per channel. */
static void test_holiday_week(void **state)
{
	char n[32];
	make_matter(n, "2026-09-21", "2026-09-30", dept, true);

	tick("2026-09-28", 8, 30); /* Mon: 2 working days before */
	assert_int_equal(events(n, "remind"), 0);
	supervise_result r = tick("2026-09-29", 8, 30);
	assert_int_equal(r.reminded, 1);
	assert_int_equal(events(n, "remind"), 1);
	tick("2026-09-29", 17, 0);
	tick("2026-09-30", 8, 30); /* the deadline day itself: still in time, reminded already */
	assert_int_equal(events(n, "remind"), 1);
	assert_int_equal(events(n, "overdue"), 0);

	char note[400], label[200];
	int pub;
	int64_t actor_id;
	last_event(n, "remind", note, sizeof note, &pub, &actor_id, label, sizeof label);
	assert_string_equal(note, "办理期限为2026-09-30，还有1个工作日到期，请按期办结");
	assert_int_equal(pub, 0);
	assert_int_equal(actor_id, -1); /* no user: NULL */
	assert_string_equal(label, "督办系统");

	r = tick("2026-10-01", 0, 5); /* holiday: overdue, but no working day past */
	assert_int_equal(r.overdue, 1);
	assert_int_equal(r.urged, 0);
	last_event(n, "overdue", note, sizeof note, &pub, &actor_id, label, sizeof label);
	assert_string_equal(note, "已超过办理期限（2026-09-30），尚未办结");
	assert_int_equal(pub, 0);
	for (const char *day = "2026-10-02"; strcmp(day, "2026-10-08") < 0;) {
		tick(day, 8, 30);
		static char next[11];
		tz_date t;
		workday_date_parse(day, &t);
		workday_date_format(workday_date_add_days(t, 1), next);
		day = next;
	}
	assert_int_equal(level_of(n), 0); /* a holiday week does not escalate */
	assert_int_equal(events(n, "overdue"), 1);
	assert_int_equal(events(n, "urge"), 0);

	r = tick("2026-10-08", 8, 30); /* Thu: 1 working day past */
	assert_int_equal(r.urged, 1);
	assert_int_equal(r.queued, 2); /* the office's and the department's, not the other's */
	assert_int_equal(level_of(n), URGE_DAILY);
	last_event(n, "urge", note, sizeof note, &pub, &actor_id, label, sizeof label);
	assert_string_equal(note, "超过办理期限1个工作日仍未办结，列为日常督办");
	assert_int_equal(pub, 0); /* 日常督办 is internal */

	tick("2026-10-09", 8, 30); /* 2 past */
	assert_int_equal(level_of(n), URGE_DAILY);
	r = tick("2026-10-10", 8, 30); /* the 调休 Saturday: 3 past */
	assert_int_equal(r.urged, 1);
	assert_int_equal(level_of(n), URGE_LISTED);
	last_event(n, "urge", note, sizeof note, &pub, &actor_id, label, sizeof label);
	assert_string_equal(note, "超过办理期限3个工作日仍未办结，列为挂牌督办");
	assert_int_equal(pub, 1); /* public from 挂牌督办 on, nothing personal */
	assert_null(strstr(note, NAME));

	tick("2026-10-11", 8, 30); /* Sunday */
	tick("2026-10-19", 8, 30); /* 9 past */
	assert_int_equal(level_of(n), URGE_LISTED);
	r = tick("2026-10-20", 8, 30); /* 10 past */
	assert_int_equal(r.urged, 1);
	assert_int_equal(level_of(n), URGE_INTERVIEW);
	tick("2026-11-30", 8, 30);
	assert_int_equal(level_of(n), URGE_INTERVIEW);
	assert_int_equal(events(n, "urge"), 3);
	assert_int_equal(events(n, "overdue"), 1);
	assert_int_equal(events(n, "remind"), 1);

	/* One message per tier and channel, with its key. */
	char key[96];
	for (int k = URGE_DAILY; k <= URGE_INTERVIEW; k++) {
		snprintf(key, sizeof key, "urge/%s/%d/%lld", n, k, (long long)office_ch);
		assert_int_equal(count("SELECT count(*) FROM outbox WHERE idem_key = ?", key), 1);
		snprintf(key, sizeof key, "urge/%s/%d/%lld", n, k, (long long)dept_ch);
		assert_int_equal(count("SELECT count(*) FROM outbox WHERE idem_key = ?", key), 1);
	}
	snprintf(key, sizeof key, "urge/%s/%%", n);
	assert_int_equal(count("SELECT count(*) FROM outbox WHERE idem_key LIKE ?", key), 6);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM outbox WHERE channel_id = ?", "i",
				   other_ch), 0);
	/* The message names the matter and the tier, not the resident. */
	snprintf(key, sizeof key, "urge/%s/2/%lld", n, (long long)dept_ch);
	db_stmt *q = db_query(d, "SELECT title, body, topic FROM outbox WHERE idem_key = ?", "t", key);
	assert_int_equal(db_step(q), DB_ROW);
	char *title = db_text_dup(q, 0), *body = db_text_dup(q, 1), *topic = db_text_dup(q, 2);
	db_done(q);
	assert_non_null(strstr(title, "【挂牌督办】"));
	assert_non_null(strstr(title, n));
	assert_non_null(strstr(body, "城市管理局"));
	assert_non_null(strstr(body, "2026-09-30"));
	assert_null(strstr(body, NAME));
	assert_null(strstr(body, PHONE));
	assert_string_equal(topic, "urge");
	free(title);
	free(body);
	free(topic);
}

/* A 调休 Sunday is a working day: reminded on it, and counted past a
 * deadline; a Saturday off is not. */
static void test_makeup_weekend(void **state)
{
	char due_mon[32], due_fri[32];
	make_matter(due_mon, "2026-09-14", "2026-09-21", dept, true);
	make_matter(due_fri, "2026-09-14", "2026-09-18", dept, true);
	tick("2026-09-17", 8, 30);
	assert_int_equal(events(due_mon, "remind"), 0);
	assert_int_equal(events(due_fri, "remind"), 1); /* Fri is 1 working day after Thu */
	tick("2026-09-19", 8, 30); /* Sat off: Mon is 2 working days away (Sun works) */
	assert_int_equal(events(due_mon, "remind"), 0);
	assert_int_equal(events(due_fri, "overdue"), 1);
	assert_int_equal(level_of(due_fri), 0);
	tick("2026-09-20", 8, 30); /* the 调休 Sunday */
	assert_int_equal(events(due_mon, "remind"), 1);
	assert_int_equal(level_of(due_fri), URGE_DAILY);
	tick("2026-09-21", 8, 30);
	assert_int_equal(level_of(due_fri), URGE_DAILY);
	tick("2026-09-22", 8, 30); /* Sun Mon Tue: 3 past */
	assert_int_equal(level_of(due_fri), URGE_LISTED);
	assert_int_equal(events(due_mon, "overdue"), 1);
	assert_int_equal(level_of(due_mon), URGE_DAILY);
	/* a deadline on a Saturday off: reminded on the Friday, by its date */
	char due_sat[32], note[400], label[200];
	int pub;
	int64_t actor_id;
	make_matter(due_sat, "2026-11-02", "2026-11-07", dept, true);
	tick("2026-11-06", 8, 30);
	last_event(due_sat, "remind", note, sizeof note, &pub, &actor_id, label, sizeof label);
	assert_string_equal(note, "办理期限为2026-11-07，请按期办结");
}

/* A second tick at the same instant changes nothing. */
static void test_idempotent(void **state)
{
	char n[32];
	make_matter(n, "2026-11-02", "2026-11-04", dept, true);
	supervise_result r = tick("2026-11-10", 9, 0); /* 4 working days past */
	assert_int_equal(r.overdue, 1);
	assert_int_equal(r.urged, 1);
	assert_int_equal(level_of(n), URGE_LISTED); /* straight to the tier reached */
	int64_t ev = db_scalar(d, -1, "SELECT count(*) FROM events", "");
	int64_t ob = db_scalar(d, -1, "SELECT count(*) FROM outbox", "");
	int64_t ver = count("SELECT version FROM matters WHERE number = ?", n);
	r = tick("2026-11-10", 9, 0);
	assert_int_equal(r.reminded + r.overdue + r.urged + r.queued, 0);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM events", ""), ev);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM outbox", ""), ob);
	/* The scheduler leaves the version to the people acting. */
	assert_int_equal(count("SELECT version FROM matters WHERE number = ?", n), ver);
}

/* An extension brings a new reminder and overdue notice for the new date;
 * the tier stays, and rises again counted from the new deadline. */
static void test_extension(void **state)
{
	char n[32], *msg = NULL;
	actor leader = staff(ROLE_LEADER, 0);
	make_matter(n, "2026-11-02", "2026-11-09", dept, true);
	tick("2026-11-06", 8, 30);
	tick("2026-11-10", 8, 30);
	assert_int_equal(level_of(n), URGE_DAILY);
	action_input ext = {.act = ACT_EXTEND, .deadline = "2026-11-20", .note = "需更换设备"};
	assert_int_equal(matter_act(d, &leader, n, &ext, at("2026-11-10", 10, 0), NULL, &msg),
			 LEDGER_OK);
	tick("2026-11-11", 8, 30);
	assert_int_equal(level_of(n), URGE_DAILY); /* never lowered while open */
	assert_int_equal(events(n, "remind"), 1);
	tick("2026-11-19", 8, 30);
	assert_int_equal(events(n, "remind"), 2);
	tick("2026-11-21", 8, 30); /* Sat */
	assert_int_equal(events(n, "overdue"), 2);
	tick("2026-11-23", 8, 30); /* 1 past the new deadline: already 日常 */
	assert_int_equal(events(n, "urge"), 1);
	tick("2026-11-24", 8, 30);
	assert_int_equal(level_of(n), URGE_DAILY);
	tick("2026-11-25", 8, 30); /* 3 past */
	assert_int_equal(level_of(n), URGE_LISTED);
	assert_int_equal(events(n, "urge"), 2);
}

/* Resolved and closed matters are left alone; private matters' messages
 * do not carry their title. */
static void test_closed_and_private(void **state)
{
	char done[32], priv[32], *msg = NULL;
	actor leader = staff(ROLE_LEADER, 0);
	make_matter(done, "2026-12-01", "2026-12-03", dept, true);
	action_input res = {.act = ACT_RESOLVE, .note = "已修复", .note_public = true};
	assert_int_equal(matter_act(d, &leader, done, &res, at("2026-12-02", 10, 0), NULL, &msg),
			 LEDGER_OK);
	make_matter(priv, "2026-12-01", "2026-12-03", dept, false);
	tick("2026-12-10", 8, 30);
	assert_int_equal(events(done, "overdue") + events(done, "urge") + events(done, "remind"), 0);
	assert_int_equal(level_of(priv), URGE_LISTED);
	char key[96];
	snprintf(key, sizeof key, "urge/%s/2/%lld", priv, (long long)office_ch);
	db_stmt *q = db_query(d, "SELECT title, body FROM outbox WHERE idem_key = ?", "t", key);
	assert_int_equal(db_step(q), DB_ROW);
	assert_null(strstr(db_text(q, 0), "井盖"));
	assert_null(strstr(db_text(q, 1), "井盖"));
	assert_non_null(strstr(db_text(q, 1), "不公开事项"));
	db_done(q);
}

/* Tiers may be switched off; remind-days 0 reminds on the day itself. */
static void test_other_settings(void **state)
{
	char n[32];
	cfg.remind_days = 0;
	cfg.urge_after[URGE_DAILY] = 0;
	cfg.urge_after[URGE_LISTED] = 2;
	cfg.urge_after[URGE_INTERVIEW] = 0;
	make_matter(n, "2027-03-01", "2027-03-05", dept, true);
	tick("2027-03-04", 8, 30);
	assert_int_equal(events(n, "remind"), 0);
	tick("2027-03-05", 8, 30);
	assert_int_equal(events(n, "remind"), 1);
	tick("2027-03-08", 8, 30); /* 1 past: 日常 is off */
	assert_int_equal(level_of(n), 0);
	tick("2027-03-09", 8, 30);
	assert_int_equal(level_of(n), URGE_LISTED);
	tick("2027-06-30", 8, 30);
	assert_int_equal(level_of(n), URGE_LISTED); /* 约谈 is off */
}

/* The leader's 督办 by hand: at the current tier or above, with a note,
 * by leaders and admins only, on open matters; public from 挂牌督办 on;
 * and the scheduler does not lower it. */
static void test_manual_urge(void **state)
{
	char n[32], *msg = NULL;
	actor leader = staff(ROLE_LEADER, 0), admin = staff(ROLE_ADMIN, 0),
	      clerk = staff(ROLE_CLERK, 0), handler = staff(ROLE_HANDLER, dept);
	int64_t v = 0;
	make_matter(n, "2027-04-01", "2027-04-30", dept, true);
	int64_t v0 = count("SELECT version FROM matters WHERE number = ?", n);
	action_input in = {.act = ACT_URGE, .urge_level = URGE_LISTED, .note = "请本周内完成修复"};

	assert_int_equal(matter_act(d, &clerk, n, &in, at("2027-04-02", 9, 0), &v, &msg),
			 LEDGER_FORBIDDEN);
	free(msg), msg = NULL;
	assert_int_equal(matter_act(d, &handler, n, &in, at("2027-04-02", 9, 0), &v, &msg),
			 LEDGER_FORBIDDEN);
	free(msg), msg = NULL;
	in.note = "  ";
	assert_int_equal(matter_act(d, &leader, n, &in, at("2027-04-02", 9, 0), &v, &msg),
			 LEDGER_INVALID);
	free(msg), msg = NULL;
	in.note = "请本周内完成修复";
	in.urge_level = 4;
	assert_int_equal(matter_act(d, &leader, n, &in, at("2027-04-02", 9, 0), &v, &msg),
			 LEDGER_INVALID);
	free(msg), msg = NULL;
	in.urge_level = 0;
	assert_int_equal(matter_act(d, &leader, n, &in, at("2027-04-02", 9, 0), &v, &msg),
			 LEDGER_INVALID);
	free(msg), msg = NULL;
	assert_int_equal(level_of(n), 0);
	assert_int_equal(events(n, "urge"), 0);

	in.urge_level = URGE_LISTED;
	in.version = v0;
	assert_int_equal(matter_act(d, &leader, n, &in, at("2027-04-02", 9, 0), &v, &msg),
			 LEDGER_OK);
	assert_int_equal(v, v0 + 1);
	assert_int_equal(level_of(n), URGE_LISTED);
	assert_string_equal(db_scalar(d, 0, "SELECT count(*) FROM matters WHERE number = ? AND"
					    " status = 'assigned'", "t", n) ? "kept" : "changed", "kept");
	char note[400], label[200];
	int pub;
	int64_t actor_id;
	last_event(n, "urge", note, sizeof note, &pub, &actor_id, label, sizeof label);
	assert_string_equal(note, "挂牌督办：请本周内完成修复");
	assert_int_equal(pub, 1);
	assert_string_equal(label, "领导 赵书记");
	char key[96];
	snprintf(key, sizeof key, "urge/%s/v%lld/%lld", n, (long long)v0, (long long)dept_ch);
	assert_int_equal(count("SELECT count(*) FROM outbox WHERE idem_key = ?", key), 1);

	/* lower: refused; the same tier again: a repeated urge */
	in.version = 0;
	in.urge_level = URGE_DAILY;
	assert_int_equal(matter_act(d, &leader, n, &in, at("2027-04-03", 9, 0), &v, &msg),
			 LEDGER_INVALID);
	assert_non_null(strstr(msg, "挂牌督办"));
	free(msg), msg = NULL;
	in.urge_level = URGE_LISTED;
	assert_int_equal(matter_act(d, &admin, n, &in, at("2027-04-05", 9, 0), &v, &msg),
			 LEDGER_OK);
	in.urge_level = URGE_INTERVIEW;
	in.note = "约谈主要负责人";
	assert_int_equal(matter_act(d, &leader, n, &in, at("2027-04-06", 9, 0), &v, &msg),
			 LEDGER_OK);
	assert_int_equal(events(n, "urge"), 3);
	/* stale version: 409 */
	in.version = v0;
	assert_int_equal(matter_act(d, &leader, n, &in, at("2027-04-06", 10, 0), &v, &msg),
			 LEDGER_CONFLICT);
	free(msg), msg = NULL;

	/* the scheduler does not lower it after the deadline */
	tick("2027-05-10", 8, 30);
	assert_int_equal(level_of(n), URGE_INTERVIEW);
	assert_int_equal(events(n, "urge"), 3);
	assert_int_equal(events(n, "overdue"), 1);

	/* a resolved matter is no longer urged */
	action_input res = {.act = ACT_RESOLVE, .note = "已修复"};
	assert_int_equal(matter_act(d, &leader, n, &res, at("2027-05-11", 9, 0), &v, &msg),
			 LEDGER_OK);
	in.version = 0;
	assert_int_equal(matter_act(d, &leader, n, &in, at("2027-05-11", 10, 0), &v, &msg),
			 LEDGER_BAD_STATE);
	free(msg), msg = NULL;
	assert_int_equal(level_of(n), URGE_INTERVIEW);
}

/* A caption in Markdown-like text: no links or headings from a title. */
static void test_caption(void **state)
{
	buf b = BUF_INIT;
	supervise_caption(&b, "井盖[点此](http://x.example)\n# 标题 *粗*", true, "市政");
	assert_string_equal(buf_str(&b), "井盖［点此］（http://x.example） ＃ 标题 ＊粗＊");
	buf_reset(&b);
	supervise_caption(&b, "某某的私事", false, "家庭");
	assert_string_equal(buf_str(&b), "不公开事项（家庭）");
	buf_free(&b);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults_and_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holiday_week, setup, teardown),
		cmocka_unit_test_setup_teardown(test_makeup_weekend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extension, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_and_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manual_urge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caption, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
