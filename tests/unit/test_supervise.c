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
	return unit_actor(role, 0, department_id, role == ROLE_LEADER ? "赵书记" : "王芳");
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

/* What an event says: its note, public flag, actor (-1: none) and label. */
typedef struct event_row {
	char note[400];
	int is_public;
	int64_t actor_id;
	char label[200];
} event_row;

/* The newest event of `action` on the matter. */
static event_row last_event(const char *number, const char *action)
{
	event_row e;
	db_stmt *q = db_query(d, "SELECT e.note, e.public, e.actor_id, e.actor_label FROM events e"
				 " JOIN matters m ON m.id = e.matter_id WHERE m.number = ?"
				 " AND e.action = ? ORDER BY e.id DESC LIMIT 1", "tt", number, action);
	assert_int_equal(db_step(q), DB_ROW);
	snprintf(e.note, sizeof e.note, "%s", db_text(q, 0));
	e.is_public = (int)db_int(q, 1);
	e.actor_id = db_is_null(q, 2) ? -1 : db_int(q, 2);
	snprintf(e.label, sizeof e.label, "%s", db_text(q, 3));
	db_done(q);
	return e;
}

static int64_t channel_add(const char *name, int64_t department_id, unsigned topics)
{
	return unit_channel(d, name, department_id, topics, at("2026-09-01", 9, 0));
}

static int setup(void **state)
{
	d = unit_ledger_open();
	dept = unit_department(d, "cgj", "城市管理局");
	other_dept = unit_department(d, "swj", "水务局");
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

/* The scheduler's 督办 messages to channel ch queued on day (keys
 * "urge/DAY/CHANNEL/e<event>"): how many, and the newest one's title and
 * body (when asked; caller frees). */
static int64_t urge_messages(const char *day, int64_t ch, char **title, char **body)
{
	char *like = str_printf("urge/%s/%lld/e%%", day, (long long)ch);
	int64_t n = db_scalar(d, -1, "SELECT count(*) FROM outbox WHERE idem_key LIKE ?"
				     " AND topic = 'urge' AND channel_id = ?", "ti", like, ch);
	if (title) {
		db_stmt *q = db_query(d, "SELECT title, body FROM outbox WHERE idem_key LIKE ?"
					 " AND channel_id = ? ORDER BY id DESC LIMIT 1", "ti", like, ch);
		assert_int_equal(db_step(q), DB_ROW);
		*title = db_text_dup(q, 0);
		*body = db_text_dup(q, 1);
		db_done(q);
	}
	free(like);
	return n;
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

	event_row e = last_event(n, "remind");
	assert_string_equal(e.note, "办理期限为2026-09-30，还有1个工作日到期，请按期办结");
	assert_int_equal(e.is_public, 0);
	assert_int_equal(e.actor_id, -1); /* no user: NULL */
	assert_string_equal(e.label, "督办系统");

	r = tick("2026-10-01", 0, 5); /* holiday: overdue, but no working day past */
	assert_int_equal(r.overdue, 1);
	assert_int_equal(r.urged, 0);
	e = last_event(n, "overdue");
	assert_string_equal(e.note, "已超过办理期限（2026-09-30），尚未办结");
	assert_int_equal(e.is_public, 0);
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
	e = last_event(n, "urge");
	assert_string_equal(e.note, "超过办理期限1个工作日仍未办结，列为日常督办");
	assert_int_equal(e.is_public, 0); /* 日常督办 is internal */

	tick("2026-10-09", 8, 30); /* 2 past */
	assert_int_equal(level_of(n), URGE_DAILY);
	r = tick("2026-10-10", 8, 30); /* the 调休 Saturday: 3 past */
	assert_int_equal(r.urged, 1);
	assert_int_equal(level_of(n), URGE_LISTED);
	e = last_event(n, "urge");
	assert_string_equal(e.note, "超过办理期限3个工作日仍未办结，列为挂牌督办");
	assert_int_equal(e.is_public, 1); /* public from 挂牌督办 on, nothing personal */
	assert_null(strstr(e.note, NAME));

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

	/* One message per tick that raised a tier, to each channel that takes
	 * 督办 for the department, keyed by the day, channel and newest event. */
	static const char *const days[] = {"2026-10-08", "2026-10-10", "2026-10-20"};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(urge_messages(days[i], office_ch, NULL, NULL), 1);
		assert_int_equal(urge_messages(days[i], dept_ch, NULL, NULL), 1);
	}
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM outbox WHERE topic = 'urge'", ""), 6);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM outbox WHERE channel_id = ?", "i",
				   other_ch), 0);
	/* The message names the matter, its department, days and tier, not
	 * the resident. */
	char *title, *body;
	urge_messages("2026-10-10", dept_ch, &title, &body);
	assert_string_equal(title, "督办通报：新列入督办1件（挂牌督办1件）");
	char *want = str_printf("- %s 黄河路井盖松动（城市管理局，超期3个工作日，挂牌督办）\n", n);
	assert_non_null(strstr(body, want));
	assert_non_null(strstr(body, "### 督办通报 · 10月10日"));
	assert_null(strstr(body, NAME));
	assert_null(strstr(body, PHONE));
	assert_null(strstr(body, "另有"));
	free(want);
	free(title);
	free(body);
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
	char due_sat[32];
	make_matter(due_sat, "2026-11-02", "2026-11-07", dept, true);
	tick("2026-11-06", 8, 30);
	event_row e = last_event(due_sat, "remind");
	assert_string_equal(e.note, "办理期限为2026-11-07，请按期办结");
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
	char *title, *body;
	assert_int_equal(urge_messages("2026-12-10", office_ch, &title, &body), 1);
	assert_null(strstr(title, "井盖"));
	assert_null(strstr(body, "井盖"));
	assert_non_null(strstr(body, "不公开事项"));
	assert_null(strstr(body, done)); /* resolved: not told of */
	free(title);
	free(body);
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
	event_row e = last_event(n, "urge");
	assert_string_equal(e.note, "挂牌督办：请本周内完成修复");
	assert_int_equal(e.is_public, 1);
	assert_string_equal(e.label, "领导 赵书记");
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

	/* the scheduler does not lower it after the deadline, nor tell the
	 * channels again of the tier the leader's urge told them of */
	tick("2027-05-10", 8, 30);
	assert_int_equal(level_of(n), URGE_INTERVIEW);
	assert_int_equal(urge_messages("2027-05-10", dept_ch, NULL, NULL), 0);
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

/* A first tick on a ledger with many overdue matters (or after the
 * thresholds were lowered) is one message per channel, not one per
 * matter: the counts by tier and the most urgent ten, in each channel's
 * scope. Repeated, it queues nothing. */
static void test_one_message_per_tick(void **state)
{
	char n[32], first[32] = "";
	/* 150 for 城管局 (more than a batch of 100), 30 for 水务局: due
	 * 2026-11-02 to 11-06, so 10 to 14 working days past on 11-20. */
	for (int i = 0; i < 180; i++) {
		char due[16];
		snprintf(due, sizeof due, "2026-11-0%d", 2 + i % 5);
		make_matter(n, "2026-11-02", due, i < 150 ? dept : other_dept, true);
		if (i == 0)
			snprintf(first, sizeof first, "%s", n);
	}
	cfg.urge_after[URGE_INTERVIEW] = 0; /* 约谈 off: all reach 挂牌督办 */
	supervise_result r = tick("2026-11-20", 8, 30);
	assert_int_equal(r.urged, 180);
	assert_int_equal(r.queued, 3); /* the office's, 城管局's, 水务局's */
	char *title, *body;
	assert_int_equal(urge_messages("2026-11-20", office_ch, &title, &body), 1);
	assert_string_equal(title, "督办通报：新列入督办180件（挂牌督办180件）");
	assert_non_null(strstr(body, "新列入督办的在办事项180件：挂牌督办180件。"));
	assert_non_null(strstr(body, "- ……另有170件\n"));
	/* the most overdue first: due 11-02, 14 working days past */
	char *want = str_printf("- %s 黄河路井盖松动（城市管理局，超期14个工作日，挂牌督办）", first);
	assert_non_null(strstr(body, want));
	free(want);
	size_t items = 0;
	for (const char *p = body; (p = strstr(p, "\n- TZ-")); p++)
		items++;
	assert_int_equal(items, 10);
	free(title);
	free(body);
	assert_int_equal(urge_messages("2026-11-20", other_ch, &title, &body), 1);
	assert_string_equal(title, "督办通报：新列入督办30件（挂牌督办30件）");
	assert_null(strstr(body, "城市管理局"));
	free(title);
	free(body);

	/* the same tick again, and the next one: nothing new to tell */
	int64_t ob = db_scalar(d, -1, "SELECT count(*) FROM outbox", "");
	r = tick("2026-11-20", 8, 30);
	assert_int_equal(r.urged + r.queued, 0);
	r = tick("2026-11-20", 9, 30);
	assert_int_equal(r.urged + r.queued, 0);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM outbox", ""), ob);

	/* an administrator turns 约谈督办 on: all 180 rise, one message each */
	cfg.urge_after[URGE_INTERVIEW] = 10;
	r = tick("2026-11-20", 10, 0);
	assert_int_equal(r.urged, 180);
	assert_int_equal(r.queued, 3);
	assert_int_equal(urge_messages("2026-11-20", dept_ch, &title, &body), 2);
	assert_string_equal(title, "督办通报：新列入督办150件（约谈督办150件）");
	free(title);
	free(body);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM matters"
					  " WHERE urge_level > urge_notified", ""), 0);
}

/* The channels are told of tiers raised in a run that stopped before
 * telling them (a crash between the batches and the message): at the
 * next tick, once, and not of a matter resolved meanwhile. */
static void test_told_after_a_crash(void **state)
{
	char a[32], b[32], *msg = NULL;
	actor leader = staff(ROLE_LEADER, 0);
	make_matter(a, "2026-11-02", "2026-11-04", dept, true);
	make_matter(b, "2026-11-02", "2026-11-04", dept, true);
	/* as a batch leaves them: tier raised, the channels not yet told */
	assert_int_equal(db_exec(d, "UPDATE matters SET urge_level = 1, overdue_for = deadline", ""),
			 DB_DONE);
	action_input res = {.act = ACT_RESOLVE, .note = "已修复"};
	assert_int_equal(matter_act(d, &leader, b, &res, at("2026-11-06", 8, 0), NULL, &msg),
			 LEDGER_OK);
	supervise_result r = tick("2026-11-06", 8, 30); /* 2 past: 日常督办 already */
	assert_int_equal(r.urged, 0);
	assert_int_equal(r.queued, 2);
	char *title, *body;
	assert_int_equal(urge_messages("2026-11-06", dept_ch, &title, &body), 1);
	assert_string_equal(title, "督办通报：新列入督办1件（日常督办1件）");
	assert_non_null(strstr(body, a));
	assert_null(strstr(body, b));
	free(title);
	free(body);
	r = tick("2026-11-06", 8, 31);
	assert_int_equal(r.queued, 0);
}

/* 重办 starts supervision afresh: the tier of the first round goes at
 * once (the public mark with it), and the new deadline brings a new
 * reminder, overdue notice, tiers and messages, none dropped as a repeat
 * of the first round's. An extension keeps the tier (test_extension). */
static void test_reopen_starts_afresh(void **state)
{
	char n[32], *msg = NULL;
	actor leader = staff(ROLE_LEADER, 0);
	make_matter(n, "2026-11-02", "2026-11-04", dept, true);
	tick("2026-11-03", 8, 30);
	tick("2026-11-09", 8, 30); /* 3 past */
	assert_int_equal(level_of(n), URGE_LISTED);
	assert_int_equal(urge_messages("2026-11-09", dept_ch, NULL, NULL), 1);
	action_input res = {.act = ACT_RESOLVE, .note = "已修复"};
	assert_int_equal(matter_act(d, &leader, n, &res, at("2026-11-09", 10, 0), NULL, &msg),
			 LEDGER_OK);
	assert_int_equal(level_of(n), URGE_LISTED); /* kept with the resolution */
	action_input re = {.act = ACT_REOPEN, .note = "群众反映仍未修好"};
	assert_int_equal(matter_act(d, &leader, n, &re, at("2026-11-09", 11, 0), NULL, &msg),
			 LEDGER_OK);
	assert_int_equal(level_of(n), 0);
	assert_int_equal(count("SELECT count(*) FROM events e JOIN matters m ON m.id = e.matter_id"
			       " WHERE m.number = ? AND e.action = 'reopen'"
			       " AND json_extract(e.data, '$.urge_level_before') = 2", n), 1);
	/* the new deadline: 15 working days from 11-09 (no category) */
	char deadline[11];
	assert_int_equal(calendar_deadline(d, "2026-11-09", 15, deadline), LEDGER_OK);
	assert_string_equal(deadline, "2026-11-30");
	assert_int_equal(count("SELECT count(*) FROM matters WHERE number = ? AND deadline ="
			       " '2026-11-30'", n), 1);
	tick("2026-11-27", 8, 30); /* the working day before */
	assert_int_equal(events(n, "remind"), 2);
	tick("2026-12-01", 8, 30); /* 1 past */
	assert_int_equal(events(n, "overdue"), 2);
	assert_int_equal(level_of(n), URGE_DAILY);
	tick("2026-12-03", 8, 30); /* 3 past */
	assert_int_equal(level_of(n), URGE_LISTED);
	assert_int_equal(events(n, "urge"), 3); /* 挂牌 at once in the first round; 日常, 挂牌 */
	assert_int_equal(urge_messages("2026-12-01", dept_ch, NULL, NULL), 1);
	assert_int_equal(urge_messages("2026-12-03", dept_ch, NULL, NULL), 1);
	/* 重办 by the resident's rating resets it too */
	assert_int_equal(matter_act(d, &leader, n, &res, at("2026-12-03", 10, 0), NULL, &msg),
			 LEDGER_OK);
	actor resident = staff(ROLE_NONE, 0);
	action_input rate = {.act = ACT_RATE, .rating = "dissatisfied", .note = "没修好"};
	assert_int_equal(matter_act(d, &resident, n, &rate, at("2026-12-03", 12, 0), NULL, &msg),
			 LEDGER_OK);
	assert_int_equal(count("SELECT count(*) FROM matters WHERE number = ? AND status ="
			       " 'reopened' AND urge_level = 0 AND urge_notified = 0", n), 1);
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
		cmocka_unit_test_setup_teardown(test_one_message_per_tick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_told_after_a_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_starts_afresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caption, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
