/*
 * test_digest.c — the daily dispatch and the weekly review (report/digest.c)
 * on a ledger built here through the ledger API at fixed times, with the
 * scheduler (supervise_tick) run every morning as a server would, checked
 * against the golden text tests/golden/digest.txt (a diff is printed on a
 * mismatch; TZ_GOLDEN_UPDATE=1 rewrites it after a deliberate change —
 * read the diff first). Then when digest_tick queues them: working days
 * only, from daily-at, the weekly one on the week's first working day
 * (after the National Day week too), once per channel and period, a
 * department's channel its own digest, nothing personal anywhere.
 *
 * Departments zjj 住房和城乡建设局 and cgj 城市管理局; "now" is Wednesday
 * 2026-12-02 08:30; last week is 11-23..11-29, the one before 11-16..11-22.
 *
 *  #  handed in       what happens                                  on 12-02
 *  1  11-16 zjj       due 11-20                                     8 working days over: 挂牌督办
 *  2  11-18 cgj       due 11-30                                     2 over: 日常督办
 *  3  11-23 zjj       due 12-02                                     due today
 *  4  11-24 cgj       private, due 11-25                            5 over: 挂牌督办, title not shown
 *  5  12-01 09:00     handed in                                     new (submitted)
 *  6  12-01 15:00     assigned to cgj, due 12-10                    new (assigned)
 *  7  12-02 07:00     handed in                                     new (submitted)
 *  8  11-17 zjj       resolved 11-24, satisfied, closed 11-25      closed
 *  9  11-26 cgj       resolved 11-27                                resolved
 * 10  11-30 08:00     handed in before the window                   submitted, not new
 */
#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/channel.h"
#include "ledger/duty.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "ledger/supervise.h"
#include "report/digest.h"

#define GOLDEN "tests/golden/digest.txt"
#define NAME "欧阳秘密"
#define PHONE "13912340000"
#define OFFICE "新华街道"
#define DAILY_AT (8 * 60 + 30)

static db *d;
static int64_t zjj, cgj;
static char numbers[12][32];

static actor staff(unsigned role)
{
	return unit_actor(role, 0, 0, role == ROLE_CLERK ? "王芳" : "赵书记");
}

/* hh:mm Beijing time on date. */
static int64_t at(const char *date, int hh, int mm)
{
	return calendar_day_start(date) + hh * 3600 + mm * 60;
}

static void hand_in(int k, int64_t when, const char *title, bool is_public)
{
	actor resident = staff(ROLE_NONE);
	submission s;
	char secret[16], *msg = NULL;
	memset(&s, 0, sizeof s);
	s.kind = "request";
	s.subkind = "求助";
	s.category_id = db_scalar(d, 0, "SELECT id FROM categories WHERE code = 'city'", "");
	s.title = title;
	s.description = "联系人" NAME "，电话" PHONE "。";
	s.channel = "web";
	s.submitter_name = NAME;
	s.submitter_phone = PHONE;
	s.is_public = is_public;
	assert_int_equal(matter_submit(d, &resident, &s, when, numbers[k], secret, &msg), LEDGER_OK);
}

static void act(int k, int64_t when, action_input in)
{
	actor who = staff(in.act == ACT_CLOSE || in.act == ACT_RESOLVE ? ROLE_LEADER : ROLE_CLERK);
	char *msg = NULL;
	int rc = matter_act(d, &who, numbers[k], &in, when, NULL, &msg);
	if (rc != LEDGER_OK)
		fail_msg("matter %d action %d: %d %s", k, in.act, rc, msg ? msg : "");
}

static void assign(int k, int64_t when, int64_t dept, const char *deadline)
{
	act(k, when, (action_input){.act = ACT_ASSIGN, .department_id = dept, .deadline = deadline});
}

/* The scheduler at 08:00 every day from `from` to `to`. */
static void mornings(const char *from, const char *to)
{
	supervise_config c;
	supervise_config_default(&c);
	tz_date t, end;
	workday_date_parse(from, &t);
	workday_date_parse(to, &end);
	for (; workday_date_cmp(t, end) <= 0; t = workday_date_add_days(t, 1)) {
		char day[11];
		supervise_result r;
		workday_date_format(t, day);
		assert_int_equal(supervise_tick(d, at(day, 8, 0), &c, &r), LEDGER_OK);
	}
}

static void build(void)
{
	hand_in(1, at("2026-11-16", 10, 0), "幸福小区3号楼下水道堵塞", true);
	assign(1, at("2026-11-16", 10, 5), zjj, "2026-11-20");
	hand_in(8, at("2026-11-17", 10, 0), "幸福小区水压低", true);
	assign(8, at("2026-11-17", 10, 5), zjj, "2026-11-27");
	hand_in(2, at("2026-11-18", 10, 0), "新华路口广告乱贴", true);
	assign(2, at("2026-11-18", 10, 5), cgj, "2026-11-30");
	mornings("2026-11-16", "2026-11-23");
	hand_in(3, at("2026-11-23", 10, 0), "黄河路井盖松动", true);
	assign(3, at("2026-11-23", 10, 5), zjj, "2026-12-02");
	act(8, at("2026-11-24", 9, 0), (action_input){.act = ACT_RESOLVE, .note = "已调整加压泵。"});
	act(8, at("2026-11-24", 15, 0), (action_input){.act = ACT_RATE, .rating = "satisfied"});
	act(8, at("2026-11-25", 9, 0), (action_input){.act = ACT_CLOSE});
	hand_in(4, at("2026-11-24", 10, 0), "单位院内的私事", false);
	assign(4, at("2026-11-24", 10, 5), cgj, "2026-11-25");
	hand_in(9, at("2026-11-26", 10, 0), "夜间施工噪音扰民", true);
	assign(9, at("2026-11-26", 10, 5), cgj, "2026-12-08");
	act(9, at("2026-11-27", 10, 0), (action_input){.act = ACT_RESOLVE, .note = "已责令停工。"});
	mornings("2026-11-24", "2026-11-30");
	hand_in(10, at("2026-11-30", 8, 0), "路灯不亮", true);
	mornings("2026-12-01", "2026-12-01");
	hand_in(5, at("2026-12-01", 9, 0), "小区门口积水", true);
	hand_in(6, at("2026-12-01", 15, 0), "共享单车乱停", true);
	assign(6, at("2026-12-01", 15, 5), cgj, "2026-12-10");
	hand_in(7, at("2026-12-02", 7, 0), "楼道灯坏了", true);
	mornings("2026-12-02", "2026-12-02");

	actor leader = staff(ROLE_LEADER);
	duty x;
	char *msg = NULL;
	int64_t id = 0;
	memset(&x, 0, sizeof x);
	x.title = "年度述责述廉报告";
	x.department_id = zjj;
	x.person_name = "主要负责人";
	x.recurrence = DUTY_YEARLY;
	x.due_month = 12;
	x.due_day = 4;
	snprintf(x.next_due, sizeof x.next_due, "2026-12-04");
	x.lead_days = 5;
	x.active = true;
	int rc = duty_save(d, &leader, &x, at("2026-11-01", 9, 0), &id, &msg);
	if (rc != LEDGER_OK)
		fail_msg("duty_save: %d %s", rc, msg ? msg : "");
}

static int64_t channel_add(const char *name, int64_t department_id, unsigned topics, bool active)
{
	int64_t id = unit_channel(d, name, department_id, topics, at("2026-09-01", 9, 0));
	if (!active)
		assert_int_equal(channel_set_active(d, id, false), LEDGER_OK);
	return id;
}

static int setup(void **state)
{
	d = unit_ledger_open();
	assert_int_equal(catalog_install_defaults(d), LEDGER_OK);
	zjj = unit_department(d, "zjj", "住房和城乡建设局");
	cgj = unit_department(d, "cgj", "城市管理局");
	build();
	return 0;
}

static int teardown(void **state)
{
	db_close(d);
	return 0;
}

/* Render one digest as of 12-02 08:30 into out, under a heading line. */
static void render(buf *out, digest_kind kind, int64_t dept, const char *label)
{
	buf title = BUF_INIT, body = BUF_INIT;
	digest_opts o = {kind, at("2026-12-02", 8, 30), dept, OFFICE, DAILY_AT, 5};
	assert_int_equal(digest_render(d, &o, &title, &body), LEDGER_OK);
	buf_printf(out, "=== %s ===\n[title] %s\n%s\n", label, buf_str(&title), buf_str(&body));
	assert_null(strstr(buf_str(&body), NAME));
	assert_null(strstr(buf_str(&body), PHONE));
	assert_null(strstr(buf_str(&body), "私事")); /* the private matter's title */
	buf_free(&title);
	buf_free(&body);
}

static void test_golden(void **state)
{
	buf out = BUF_INIT;
	render(&out, DIGEST_DAILY, 0, "daily, office");
	render(&out, DIGEST_DAILY, zjj, "daily, 住房和城乡建设局");
	render(&out, DIGEST_WEEKLY, 0, "weekly, office");
	render(&out, DIGEST_WEEKLY, cgj, "weekly, 城市管理局");
	unit_golden(GOLDEN, buf_str(&out), "/tmp/taizhang-digest.txt");
	buf_free(&out);
}

/* The figures behind the text, counted by hand from the table above. */
static void test_figures(void **state)
{
	buf t = BUF_INIT, b = BUF_INIT;
	digest_opts o = {DIGEST_DAILY, at("2026-12-02", 8, 30), 0, OFFICE, DAILY_AT, 5};
	assert_int_equal(digest_render(d, &o, &t, &b), LEDGER_OK);
	const char *s = buf_str(&b);
	/* open: 1 2 3 4 5 6 7 10; overdue 1 2 4; due today 3; new 5 6 7 */
	assert_non_null(strstr(s, "全部在办事项8件，其中超期3件，今日到期1件；新增3件"));
	assert_non_null(strstr(s, "日常督办1件，挂牌督办2件，约谈督办0件"));
	assert_non_null(strstr(s, "超期8个工作日，挂牌督办"));
	assert_non_null(strstr(s, "不公开事项（"));
	assert_non_null(strstr(s, "年度述责述廉报告"));
	buf_reset(&t);
	buf_reset(&b);
	o.kind = DIGEST_WEEKLY;
	assert_int_equal(digest_render(d, &o, &t, &b), LEDGER_OK);
	s = buf_str(&b);
	/* last week 3 4 9 handed in; the week before 1 8 2; resolved last week 8 9, closed 8 */
	assert_non_null(strstr(s, "受理群众诉求3件（前一周3件）"));
	assert_non_null(strstr(s, "办结2件（前一周0件），销号1件"));
	/* tiers reached last week: 1 (日常 11-23, 挂牌 11-25) and 4 (日常 11-26, 挂牌 11-30 is
	 * this week) */
	assert_non_null(strstr(s, "上周督办：日常督办2件，挂牌督办1件，约谈督办0件"));
	assert_string_equal(buf_str(&t), OFFICE "周督导（11月23日至11月29日）");
	/* an unknown department */
	o.department_id = 9999;
	assert_int_equal(digest_render(d, &o, &t, &b), LEDGER_NOT_FOUND);
	buf_free(&t);
	buf_free(&b);
	assert_int_equal(digest_parse_time("08:30"), 510);
	assert_int_equal(digest_parse_time("23:59"), 1439);
	assert_int_equal(digest_parse_time("24:00"), -1);
	assert_int_equal(digest_parse_time("8:30"), -1);
	assert_int_equal(digest_parse_time("08:3x"), -1);
	assert_int_equal(digest_parse_time(NULL), -1);
}

static int64_t outbox_count(const char *like)
{
	return db_scalar(d, -1, "SELECT count(*) FROM outbox WHERE idem_key LIKE ?", "t", like);
}

static int queue(const char *date, int hh, int mm)
{
	digest_schedule s = {DAILY_AT, 9 * 60, OFFICE, 5};
	int n = -1;
	assert_int_equal(digest_tick(d, at(date, hh, mm), &s, &n), LEDGER_OK);
	return n;
}

/* When digest_tick queues what, to whom, and only once. */
static void test_schedule(void **state)
{
	int64_t office = channel_add("办公室群", 0, TOPIC_DAILY | TOPIC_WEEKLY, true);
	int64_t zj = channel_add("住建局群", zjj, TOPIC_DAILY, true);
	int64_t cg = channel_add("城管局群", cgj, TOPIC_WEEKLY | TOPIC_URGE, true);
	channel_add("停用的群", 0, TOPIC_DAILY | TOPIC_WEEKLY, false);
	channel_add("只收督办", 0, TOPIC_URGE, true);

	assert_int_equal(queue("2026-12-02", 8, 29), 0); /* before daily-at */
	assert_int_equal(queue("2026-12-02", 8, 30), 2); /* office + 住建局; Wed: no weekly */
	assert_int_equal(queue("2026-12-02", 8, 31), 0); /* once */
	assert_int_equal(queue("2026-12-02", 17, 0), 0);
	assert_int_equal(outbox_count("daily/2026-12-02/%"), 2);
	char key[64];
	snprintf(key, sizeof key, "daily/2026-12-02/%lld", (long long)zj);
	db_stmt *q = db_query(d, "SELECT title, body, topic, channel_id FROM outbox WHERE idem_key = ?",
			      "t", key);
	assert_int_equal(db_step(q), DB_ROW);
	assert_string_equal(db_text(q, 0), "住房和城乡建设局日调度（12月2日）");
	assert_non_null(strstr(db_text(q, 1), "# 住房和城乡建设局 日调度"));
	assert_null(strstr(db_text(q, 1), "新华路口")); /* 城管局's matter */
	assert_string_equal(db_text(q, 2), "daily");
	db_done(q);
	snprintf(key, sizeof key, "daily/2026-12-02/%lld", (long long)office);
	assert_int_equal(db_scalar(d, 0, "SELECT count(*) FROM outbox WHERE idem_key = ? AND"
					 " title = '" OFFICE "日调度（12月2日）'", "t", key), 1);

	assert_int_equal(queue("2026-12-05", 9, 0), 0); /* Saturday */
	assert_int_equal(queue("2026-12-06", 9, 0), 0); /* Sunday */
	assert_int_equal(queue("2026-12-07", 8, 45), 2); /* Monday: daily; weekly not yet */
	assert_int_equal(queue("2026-12-07", 9, 0), 2);  /* weekly: office + 城管局 */
	assert_int_equal(queue("2026-12-07", 9, 5), 0);
	assert_int_equal(outbox_count("weekly/2026-12-07/%"), 2);
	snprintf(key, sizeof key, "weekly/2026-12-07/%lld", (long long)cg);
	assert_int_equal(db_scalar(d, 0, "SELECT count(*) FROM outbox WHERE idem_key = ? AND"
					 " body LIKE '# 城市管理局 周督导 · 11月30日至12月6日%'", "t", key), 1);
	assert_int_equal(queue("2026-12-08", 10, 0), 2); /* Tuesday: daily only */

	/* The National Day week: nothing Oct 1-7; Thursday Oct 8 is the week's
	 * first working day; Saturday Oct 10 is a 调休 working day. */
	assert_int_equal(queue("2026-10-05", 10, 0), 0);
	assert_int_equal(queue("2026-10-07", 10, 0), 0);
	assert_int_equal(queue("2026-10-08", 10, 0), 4);
	assert_int_equal(queue("2026-10-09", 10, 0), 2);
	assert_int_equal(queue("2026-10-10", 10, 0), 2);
	assert_int_equal(outbox_count("weekly/2026-10-05/%"), 2);
	assert_int_equal(outbox_count("weekly/2026-10-12/%"), 0);
	/* a week with no working day at all (Spring Festival 2026: Feb 16-22) */
	assert_int_equal(queue("2026-02-16", 10, 0), 0);
	assert_int_equal(queue("2026-02-22", 10, 0), 0);

	/* nothing personal in anything queued */
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM outbox WHERE body LIKE ? OR body LIKE ?"
				      " OR title LIKE ?", "ttt", "%" NAME "%", "%" PHONE "%", "%私事%"), 0);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM outbox o JOIN channels c ON"
				      " c.id = o.channel_id WHERE c.active = 0", ""), 0);
}

/* The daily dispatch's "new" since daily-at on the working day before
 * today: over the National Day week, over a 调休 Sunday, and at most 30
 * days back past an office's month off; daily-at 00:00 is midnight. */
static void test_since_last_dispatch(void **state)
{
	static const struct {
		const char *today, *since;
		int minutes;
	} cases[] = {
		{"2026-10-08", "9月30日 08:30以来", DAILY_AT},  /* after 国庆节 */
		{"2026-09-21", "9月20日 08:30以来", DAILY_AT},  /* the 调休 Sunday before */
		{"2026-12-07", "12月4日 00:00以来", 0},         /* Monday: Friday, midnight */
		{"2027-02-11", "1月12日 08:30以来", DAILY_AT},  /* a month off: 30 days back */
	};
	char *msg = NULL;
	for (tz_date t = {2027, 1, 12}; t.m < 2 || t.d <= 10; t = workday_date_add_days(t, 1)) {
		char day[11];
		workday_date_format(t, day);
		assert_int_equal(calendar_set_day(d, day, "holiday", "闭馆", &msg), LEDGER_OK);
	}
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		buf t = BUF_INIT, b = BUF_INIT;
		digest_opts o = {DIGEST_DAILY, at(cases[i].today, 9, 0), 0, OFFICE, cases[i].minutes, 5};
		assert_int_equal(digest_render(d, &o, &t, &b), LEDGER_OK);
		if (!strstr(buf_str(&b), cases[i].since))
			fail_msg("%s: no \"%s\" in\n%s", cases[i].today, cases[i].since, buf_str(&b));
		buf_free(&t);
		buf_free(&b);
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_since_last_dispatch),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
