/*
 * test_briefing.c — the briefing (report/briefing*.c) on a ledger built
 * here through the real ledger API at fixed times, checked against the
 * golden text tests/golden/briefing.txt (a diff is printed on mismatch;
 * TZ_GOLDEN_UPDATE=1 rewrites it after a deliberate change — read the
 * diff first). Also: the figures behind it against hand counts, no
 * resident's name or phone in any format, empty periods (暂无评价, no 0%),
 * the HTML's charts, and a PDF that is a PDF.
 *
 * The ledger, two departments (zjj 住房和城乡建设局, cgj 城市管理局) and
 * two areas (xh 新华社区, xf 幸福小区); period 11-02..11-15 (the previous
 * one 10-19..11-01), figures as of 2026-11-23:
 *
 *  #  handed in  what happens                                   ends as
 *  p1 10-20 zjj  accept, assign, resolve, rate satisfied, close  closed (previous period)
 *  p2 10-22 cgj  accept, assign, resolve                         resolved (previous period)
 *  1  11-02 cgj  accept, assign, progress, resolve 11-06,
 *                rate satisfied, close                           closed
 *  2  11-03 zjj  accept, assign (due 11-10), resolve 11-12 late,
 *                rate basic                                      resolved
 *  3  11-04 zjj  accept 11-05, assign (due 11-12)                assigned, overdue
 *  4  11-05 cgj  accept, assign, resolve, rate dissatisfied →
 *                重办, resolve again, rate satisfied              resolved
 *  5  11-06 cgj  private; accept, assign, resolve, satisfied     resolved (no case: private)
 *  6  11-09 -    reject                                          rejected
 *  7  11-10 zjj  accept, assign, progress, extend to 11-30       in_progress
 *  8  11-12 cgj  assign, return                                  returned
 *  9  11-13 -    nothing                                         submitted (response missed)
 * 10  11-14 zjj  accept 11-17 (late), assign, resolve 11-20      resolved (not yet rated)
 * 11  11-15 zjj  merged into 10                                  merged (left out)
 */
#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "report/briefing.h"

#define GOLDEN "tests/golden/briefing.txt"
#define TODAY "2026-11-23"
#define NAME "欧阳秘密"
#define PHONE "13912340000"

static db *d;
static int64_t zjj, cgj, xh, xf;
static char numbers[16][32];

static actor staff(unsigned role)
{
	return unit_actor(role, 0, 0, role == ROLE_CLERK ? "王芳" : "赵书记");
}

/* 10:00 Beijing on date, plus minutes. */
static int64_t at(const char *date, int minutes)
{
	return calendar_day_start(date) + 10 * 3600 + minutes * 60;
}

/* Hand in matter k on date. */
static void hand_in(int k, const char *date, const char *cat, int64_t area, const char *title,
		    bool is_public)
{
	actor resident = staff(ROLE_NONE);
	submission s;
	char secret[16], *msg = NULL;
	memset(&s, 0, sizeof s);
	s.kind = "request";
	s.subkind = "求助";
	s.category_id = db_scalar(d, 0, "SELECT id FROM categories WHERE code = ?", "t", cat);
	s.area_id = area;
	s.title = title;
	s.description = "详细情况见标题。联系人" NAME "，电话" PHONE "。";
	s.channel = "web";
	s.submitter_name = NAME;
	s.submitter_phone = PHONE;
	s.is_public = is_public;
	assert_int_equal(matter_submit(d, &resident, &s, at(date, 0), numbers[k], secret, &msg),
			 LEDGER_OK);
}

/* One action on matter k on date (a minute later each call that day). */
static void act(int k, const char *date, action_input in)
{
	static int minute;
	actor who = staff(in.act == ACT_CLOSE || in.act == ACT_EXTEND ? ROLE_LEADER : ROLE_CLERK);
	if (in.act == ACT_RESOLVE || in.act == ACT_PROGRESS)
		who = staff(ROLE_LEADER);
	if (in.act == ACT_RETURN)
		who = staff(ROLE_ADMIN);
	char *msg = NULL;
	int64_t v = 0;
	int r = matter_act(d, &who, numbers[k], &in, at(date, ++minute), &v, &msg);
	if (r != LEDGER_OK)
		fail_msg("matter %d action %d on %s: %d %s", k, in.act, date, r, msg ? msg : "");
}

static void assign(int k, const char *date, int64_t dept)
{
	act(k, date, (action_input){.act = ACT_ASSIGN, .department_id = dept});
}

static void resolve(int k, const char *date, const char *result)
{
	act(k, date, (action_input){.act = ACT_RESOLVE, .note = result, .note_public = true});
}

static void rate_it(int k, const char *date, const char *rating)
{
	act(k, date, (action_input){.act = ACT_RATE, .rating = rating});
}

/* The ledger of the table above. */
static void build(void)
{
	hand_in(12, "2026-10-20", "water", xf, "幸福小区水压低", true);
	act(12, "2026-10-20", (action_input){.act = ACT_ACCEPT});
	assign(12, "2026-10-20", zjj);
	resolve(12, "2026-10-22", "已调整加压泵。");
	rate_it(12, "2026-10-23", "satisfied");
	act(12, "2026-10-26", (action_input){.act = ACT_CLOSE});
	hand_in(13, "2026-10-22", "city", xh, "新华社区广告乱贴", true);
	act(13, "2026-10-22", (action_input){.act = ACT_ACCEPT});
	assign(13, "2026-10-22", cgj);
	resolve(13, "2026-10-26", "已清理。");

	hand_in(1, "2026-11-02", "traffic", xh, "黄河路井盖松动，车辆经过响声大", true);
	act(1, "2026-11-02", (action_input){.act = ACT_ACCEPT});
	assign(1, "2026-11-02", cgj);
	act(1, "2026-11-04", (action_input){.act = ACT_PROGRESS, .note = "已到现场查看。"});
	resolve(1, "2026-11-06", "已更换井盖并加固底座，经回访车辆通过无异响。");
	rate_it(1, "2026-11-07", "satisfied");
	act(1, "2026-11-09", (action_input){.act = ACT_CLOSE});

	hand_in(2, "2026-11-03", "water", xf, "幸福小区3号楼下水道堵塞", true);
	act(2, "2026-11-03", (action_input){.act = ACT_ACCEPT});
	assign(2, "2026-11-03", zjj);
	resolve(2, "2026-11-12", "已疏通主管道并清理化粪池。");
	rate_it(2, "2026-11-13", "basic");

	hand_in(3, "2026-11-04", "heat-gas", xf, "幸福小区5号楼暖气不热", true);
	act(3, "2026-11-05", (action_input){.act = ACT_ACCEPT});
	assign(3, "2026-11-05", zjj);

	hand_in(4, "2026-11-05", "city", xh, "新华社区路边垃圾堆放", true);
	act(4, "2026-11-05", (action_input){.act = ACT_ACCEPT});
	assign(4, "2026-11-05", cgj);
	resolve(4, "2026-11-06", "已清运。");
	rate_it(4, "2026-11-07", "dissatisfied");
	resolve(4, "2026-11-10", "已清运垃圾，增设两个垃圾桶并安排每日巡查。");
	rate_it(4, "2026-11-11", "satisfied");

	hand_in(5, "2026-11-06", "facilities", xh, "单位院内路灯不亮", false);
	act(5, "2026-11-06", (action_input){.act = ACT_ACCEPT});
	assign(5, "2026-11-06", cgj);
	resolve(5, "2026-11-09", "已更换灯泡。");
	rate_it(5, "2026-11-10", "satisfied");

	hand_in(6, "2026-11-09", "other", 0, "咨询社保缴费基数", true);
	act(6, "2026-11-09", (action_input){.act = ACT_REJECT, .note = "不属于本平台受理范围，已告知咨询渠道。"});

	hand_in(7, "2026-11-10", "water", xf, "幸福小区自来水发黄", true);
	act(7, "2026-11-10", (action_input){.act = ACT_ACCEPT});
	assign(7, "2026-11-10", zjj);
	act(7, "2026-11-12", (action_input){.act = ACT_PROGRESS, .note = "已取水样送检。"});
	act(7, "2026-11-13", (action_input){.act = ACT_EXTEND, .deadline = "2026-11-30",
					   .note = "需更换管道"});

	hand_in(8, "2026-11-12", "traffic", xh, "新华路口红绿灯故障", true);
	assign(8, "2026-11-12", cgj);
	act(8, "2026-11-13", (action_input){.act = ACT_RETURN, .note = "属交警部门职责。"});

	hand_in(9, "2026-11-13", "city", xh, "夜间施工噪音扰民", true);

	hand_in(10, "2026-11-14", "water", xf, "幸福小区停水未通知", true);
	act(10, "2026-11-17", (action_input){.act = ACT_ACCEPT});
	assign(10, "2026-11-17", zjj);
	resolve(10, "2026-11-20", "已恢复供水，并要求物业提前公告停水。");

	hand_in(11, "2026-11-15", "water", xf, "幸福小区又停水了", true);
	act(11, "2026-11-15", (action_input){.act = ACT_MERGE, .merge_into = numbers[10]});
}

static int setup(void **state)
{
	char *msg = NULL;
	d = unit_ledger_open();
	assert_int_equal(catalog_install_defaults(d), LEDGER_OK);
	zjj = unit_department(d, "zjj", "住房和城乡建设局");
	cgj = unit_department(d, "cgj", "城市管理局");
	area x = {0, "xh", "新华社区", "community", 0, true}, y = {0, "xf", "幸福小区", "estate", 0, true};
	assert_int_equal(area_save(d, &x, &msg), LEDGER_OK);
	assert_int_equal(area_save(d, &y, &msg), LEDGER_OK);
	xh = x.id;
	xf = y.id;
	build();
	return 0;
}

static int teardown(void **state)
{
	db_close(d);
	briefing_pdf_shutdown();
	return 0;
}

static void load(briefing *b, const char *from, const char *to, int64_t dept)
{
	const char *msg = NULL;
	briefing_opts o = {from, to, dept, 0, "新华街道", "全街道", 0, false};
	assert_int_equal(briefing_load(d, &o, TODAY, b, &msg), LEDGER_OK);
}

static void test_golden(void **state)
{
	briefing b;
	buf out = BUF_INIT;
	load(&b, "2026-11-02", "2026-11-15", 0);
	briefing_text(&out, &b);
	unit_golden(GOLDEN, buf_str(&out), "/tmp/taizhang-briefing.txt");
	buf_free(&out);
	briefing_free(&b);
}

static void expect(rate r, int64_t num, int64_t den)
{
	assert_int_equal(r.num, num);
	assert_int_equal(r.den, den);
}

/* The figures against the table in the header, counted by hand. */
static void test_figures(void **state)
{
	briefing b;
	load(&b, "2026-11-02", "2026-11-15", 0);
	/* received: 1-10 without 6 (rejected); 11 merged */
	expect(b.total.completion, 5, 9);                /* 1 2 4 5 10 */
	expect(b.total.satisfaction, 4, 4);              /* 1 2 4(latest satisfied) 5 */
	expect(b.total.on_time, 4, 5);                   /* 2 late */
	assert_int_equal(b.total.overdue, 1);            /* 3 */
	expect(b.prev.completion, 2, 2);                 /* p1 p2 */
	assert_string_equal(b.prev_from, "2026-10-19");
	assert_string_equal(b.prev_to, "2026-11-01");
	assert_int_equal(b.flow.handed_in, 10);
	assert_int_equal(b.flow.rejected, 1);
	assert_int_equal(b.flow.returned, 1);
	assert_int_equal(b.flow.extended, 1);
	assert_int_equal(b.flow.reopened, 1);
	assert_int_equal(b.flow.closed, 1);
	assert_int_equal(b.flow.resolved, 5);
	/* typical cases: public, resolved in the period, well rated; 5 is
	 * private; satisfied before basic, the latest first */
	assert_int_equal(b.ncases, 3);
	assert_string_equal(b.cases[0].number, numbers[4]);
	assert_string_equal(b.cases[1].number, numbers[1]);
	assert_string_equal(b.cases[2].number, numbers[2]);
	assert_int_equal(b.ntrend, 2);
	assert_int_equal(b.trend[0].handed_in + b.trend[1].handed_in, 10);
	briefing_free(&b);
}

/* No format carries the submitter's name or phone. */
static void test_no_personal_data(void **state)
{
	briefing b;
	buf t = BUF_INIT, h = BUF_INIT, p = BUF_INIT;
	const char *err = NULL;
	load(&b, "2026-10-01", "2026-11-30", 0);
	briefing_text(&t, &b);
	briefing_html(&h, &b, true);
	assert_int_equal(briefing_pdf(&p, &b, &err), 0);
	assert_null(strstr(buf_str(&t), NAME));
	assert_null(strstr(buf_str(&t), PHONE));
	assert_null(strstr(buf_str(&h), NAME));
	assert_null(strstr(buf_str(&h), PHONE));
	assert_true(p.len > 2000);
	assert_memory_equal(p.data, "%PDF-", 5);
	assert_null(memmem(p.data, p.len, PHONE, strlen(PHONE)));
	/* the HTML carries its charts, accessible */
	assert_non_null(strstr(buf_str(&h), "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(buf_str(&h), "@page { size: A4"));
	assert_null(strstr(buf_str(&h), "<script"));
	buf_free(&t);
	buf_free(&h);
	buf_free(&p);
	briefing_free(&b);
}

/* A period without matters: no 0%, but what is missing. */
static void test_empty_period(void **state)
{
	briefing b;
	buf t = BUF_INIT;
	load(&b, "2027-01-01", "2027-01-31", 0);
	briefing_text(&t, &b);
	assert_non_null(strstr(buf_str(&t), "本期未受理群众诉求"));
	assert_non_null(strstr(buf_str(&t), "两期均未受理群众诉求"));
	assert_null(strstr(buf_str(&t), "0.0%"));
	buf_free(&t);
	briefing_free(&b);
	/* one department with matters but nothing rated yet */
	load(&b, "2026-11-03", "2026-11-05", zjj);
	briefing_text(&t, &b);
	assert_non_null(strstr(buf_str(&t), "住房和城乡建设局共受理群众诉求2件"));
	buf_free(&t);
	briefing_free(&b);
}

static void test_bad_input(void **state)
{
	briefing b;
	const char *msg = NULL;
	briefing_opts o = {"2026-11-15", "2026-11-02", 0, 0, NULL, NULL, 0, false};
	assert_int_equal(briefing_load(d, &o, TODAY, &b, &msg), LEDGER_INVALID);
	assert_non_null(msg);
	briefing_free(&b);
	briefing_opts o2 = {"2026-11-31", "2026-12-02", 0, 0, NULL, NULL, 0, false};
	assert_int_equal(briefing_load(d, &o2, TODAY, &b, &msg), LEDGER_INVALID);
	briefing_free(&b);
	briefing_opts o3 = {"2026-11-01", "2026-11-02", 999, 0, NULL, NULL, 0, false};
	assert_int_equal(briefing_load(d, &o3, TODAY, &b, &msg), LEDGER_INVALID);
	assert_string_equal(msg, "没有这个责任单位");
	briefing_free(&b);
	char date[32];
	briefing_date("2026-12-01", "2026-01-05", date);
	assert_string_equal(date, "12月1日");
	briefing_date("2025-12-01", "2026-01-05", date);
	assert_string_equal(date, "2025年12月1日");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_no_personal_data),
		cmocka_unit_test(test_empty_period),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
