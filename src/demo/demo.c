/*
 * demo.c — `taizhang demo`'s ledger: the reference data and staff of one
 * development zone, then the seed matters (demo_seed.c) and the generated
 * ones (demo_gen.c).
 *
 * The zone is a composite of the five reports in /work/shared/seeds: the
 * departments and estates of 沧州经济开发区 (reports 000, 001), the old
 * estates and 高庄子村 of 沧州运河区/高新区 (002), the offices, communities and
 * 片区 of 廊坊开发区 (004). Where the reports name no place (the zone's "七村"
 * are never named, apart from 高庄子村) the names are invented in the same
 * style and marked so below.
 *
 * Everything goes through the ledger API (catalog.h, user.h, matter.h,
 * lifecycle.h); the helpers here log and count any call that fails, and
 * demo_load() fails if any did, so a broken rule shows up in the tests.
 */
#include "demo/demo.h"
#include "demo/demo_int.h"
#include "ledger/catalog.h"
#include "ledger/calendar.h"
#include "ledger/duty.h"
#include "ledger/ledger.h"
#include "ledger/user.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Responsible units (责任单位) named in reports 000, 001 and 004; the utility
 * companies and the villages' committees are the usual co-handlers. */
static const struct {
	const char *code, *name;
} departments[] = {
	{"dzb", "党政办公室"},          {"jfj", "经济发展局"},
	{"zjj", "住房和城乡建设局"},    {"zfj", "综合行政执法局"},
	{"zgj", "自然资源和规划局"},    {"hbj", "生态环境分局"},
	{"scj", "市场监督管理局"},      {"swj", "社会事务局"},
	{"rsj", "人力资源和社会保障局"}, {"jyj", "教育局"},
	{"wjj", "卫生健康局"},          {"spj", "行政审批局"},
	{"gaj", "公安分局"},            {"gdgs", "供电公司"},
	{"swgs", "水务公司"},           {"rqgs", "燃气公司"},
	{"rlgs", "热力公司"},           {"cun", "村（社区）党支部/村（居）委会"},
};

/* Areas: code, name, kind, parent code. */
static const struct {
	const char *code, *name, *kind, *parent;
} areas[] = {
	/* offices and service centres: 004 (耀华道, 云鹏道), 002 (东区, 西区) */
	{"yhd", "耀华道办事处", "street", NULL},
	{"ypd", "云鹏道办事处", "street", NULL},
	{"dq", "东区管理服务中心", "street", NULL},
	{"xq", "西区管理服务中心", "street", NULL},
	/* communities: 004 (憩园, 东方明珠), 002 (北门, 市场街); 黄河路社区 is
	 * invented to hold report 000's estates */
	{"qiyuan", "憩园社区", "community", "yhd"},
	{"dfmz", "东方明珠社区", "community", "ypd"},
	{"beimen", "北门社区", "community", "xq"},
	{"shichangjie", "市场街社区", "community", "xq"},
	{"huanghelu", "黄河路社区", "community", "dq"},
	/* estates: 002 (一中前小区), 004 (憩园小区), 000 (金岛, 恒泰花园, 逸城浅水湾,
	 * 泰古香槟郡); 凤河湾小区, 明珠花园 and 百货公司家属院 are invented */
	{"yzq", "一中前小区", "estate", "beimen"},
	{"qyxq", "憩园小区", "estate", "qiyuan"},
	{"jindao", "金岛小区", "estate", "huanghelu"},
	{"hengtai", "恒泰花园", "estate", "huanghelu"},
	{"yicheng", "逸城浅水湾", "estate", "huanghelu"},
	{"taigu", "泰古香槟郡", "estate", "huanghelu"},
	{"fhw", "凤河湾小区", "estate", "dfmz"},
	{"mzhy", "明珠花园", "estate", "dfmz"},
	{"bhjsy", "百货公司家属院", "estate", "shichangjie"},
	/* the zone's seven villages (七村, report 000): only 高庄子村 is named
	 * (report 002); the other six are invented */
	{"gzz", "高庄子村", "village", "dq"},
	{"yzz", "姚庄子村", "village", "dq"},
	{"sgt", "孙官屯村", "village", "dq"},
	{"ht", "后屯村", "village", "dq"},
	{"yjy", "杨家营村", "village", "xq"},
	{"lz", "李庄村", "village", "xq"},
	{"mjy", "马家园村", "village", "xq"},
	/* 片区 with old illegal buildings: report 004 */
	{"hhd", "荷花道片区", "zone", "yhd"},
	{"hyd", "花园道片区", "zone", "yhd"},
	{"tb", "桐柏片区", "zone", "ypd"},
};

/* The usual lead department of each default category (category.c). */
static const struct {
	const char *category, *dept;
} category_departments[] = {
	{"city", "zfj"},       {"illegal-building", "zfj"}, {"traffic", "zjj"},
	{"water", "swgs"},     {"heat-gas", "rqgs"},        {"waste-sorting", "zfj"},
	{"facilities", "zjj"}, {"ecology", "hbj"},          {"property", "zjj"},
	{"labour", "rsj"},     {"social-security", "swj"},  {"education", "jyj"},
	{"health", "wjj"},     {"market", "scj"},           {"safety", "gaj"},
	{"gov-service", "spj"}, {"enterprise", "jfj"},      {"wish", "dzb"},
	{"rural", "swj"},      {"other", "dzb"},
};

/* The demo staff. Passwords are fixed and printed: this is a demo. */
static const struct {
	const char *login, *name, *role, *dept, *password, *post;
} accounts[] = {
	{"admin", "赵磊", "admin", NULL, "admin@2026demo", "信息中心"},
	{"leader", "王建华", "leader", NULL, "leader@2026demo", "包联领导、党工委副书记"},
	{"clerk1", "李秀梅", "clerk", NULL, "clerk1@2026demo", "群众诉求受理中心"},
	{"clerk2", "陈晓燕", "clerk", NULL, "clerk2@2026demo", "群众诉求受理中心，热线和意见箱代录"},
	{"observer", "高玉兰", "observer", NULL, "observer@2026demo", "村务监督委员会"},
	{"dzb", "周立伟", "handler", "dzb", "dzb@2026demo", NULL},
	{"jfj", "郭海涛", "handler", "jfj", "jfj@2026demo", NULL},
	{"zjj", "孙国栋", "handler", "zjj", "zjj@2026demo", NULL},
	{"zfj", "刘志强", "handler", "zfj", "zfj@2026demo", NULL},
	{"zgj", "韩雪", "handler", "zgj", "zgj@2026demo", NULL},
	{"hbj", "马振宇", "handler", "hbj", "hbj@2026demo", NULL},
	{"scj", "杜丽娜", "handler", "scj", "scj@2026demo", NULL},
	{"swj", "吴桂芳", "handler", "swj", "swj@2026demo", NULL},
	{"rsj", "田文博", "handler", "rsj", "rsj@2026demo", NULL},
	{"jyj", "许静", "handler", "jyj", "jyj@2026demo", NULL},
	{"wjj", "冯晓梅", "handler", "wjj", "wjj@2026demo", NULL},
	{"spj", "何亚楠", "handler", "spj", "spj@2026demo", NULL},
	{"gaj", "宋建军", "handler", "gaj", "gaj@2026demo", NULL},
	{"gdgs", "袁立国", "handler", "gdgs", "gdgs@2026demo", NULL},
	{"swgs", "董海波", "handler", "swgs", "swgs@2026demo", NULL},
	{"rqgs", "贾春雨", "handler", "rqgs", "rqgs@2026demo", NULL},
	{"rlgs", "邱明", "handler", "rlgs", "rlgs@2026demo", NULL},
	{"cun", "王立春", "handler", "cun", "cun@2026demo", NULL},
};

/* ---- randomness: xorshift64*, seeded through splitmix64 ---- */

uint64_t demo_rand(demo_ctx *c)
{
	uint64_t x = c->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

int demo_range(demo_ctx *c, int lo, int hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int)(demo_rand(c) % (uint64_t)(hi - lo + 1));
}

bool demo_chance(demo_ctx *c, int percent)
{
	return demo_range(c, 0, 99) < percent;
}

/* The PRNG state for a seed: splitmix64, so nearby seeds differ at once. */
static uint64_t seed_state(unsigned seed)
{
	uint64_t z = (uint64_t)seed + 0x9E3779B97F4A7C15ULL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	return z ? z : 0x2545F4914F6CDD1DULL;
}

/* ---- lookups ---- */

int64_t demo_dept(demo_ctx *c, const char *code)
{
	for (int i = 0; code && i < c->ndepts; i++)
		if (strcmp(c->dept_code[i], code) == 0)
			return c->dept_id[i];
	return 0;
}

int64_t demo_area(demo_ctx *c, const char *code)
{
	for (int i = 0; code && i < c->nareas; i++)
		if (strcmp(c->area_code[i], code) == 0)
			return c->area_id[i];
	return 0;
}

int64_t demo_category(demo_ctx *c, const char *code)
{
	category x;
	if (!code || category_get(c->d, 0, code, &x) != LEDGER_OK)
		return 0;
	int64_t id = x.id;
	category_clear(&x);
	return id;
}

const char *demo_dept_name(demo_ctx *c, int64_t id)
{
	for (int i = 0; i < c->ndepts; i++)
		if (c->dept_id[i] == id)
			return c->dept_name[i];
	return "";
}

const actor *demo_handler(demo_ctx *c, int64_t dept_id)
{
	for (int i = 0; i < c->ndepts; i++)
		if (c->dept_id[i] == dept_id && c->handler[i].user_id)
			return &c->handler[i];
	return &c->leader;
}

const actor *demo_clerk(demo_ctx *c, unsigned n)
{
	return &c->clerk[n % 2];
}

/* ---- time ---- */

int64_t demo_day_start(tz_date day)
{
	int days = workday_date_diff((tz_date){1970, 1, 1}, day);
	return (int64_t)days * 86400 - 8 * 3600;
}

tz_date demo_date_of(int64_t t)
{
	return workday_today_shanghai((time_t)t);
}

int64_t demo_workday_at(demo_ctx *c, int ago, int minute)
{
	tz_date today = demo_date_of(c->now), start = workday_date_add_days(today, -ago);
	tz_date day = start;
	for (int i = 0; i < 14 && !workday_is_working(c->cal, day); i++)
		day = workday_date_add_days(day, -1);
	/* Why: a long holiday (春节) must not push the oldest matters out of
	 * the 90 days; then take the working day after instead. */
	if (workday_date_diff(day, today) > 90)
		for (day = start; !workday_is_working(c->cal, day) && workday_date_cmp(day, today) < 0;)
			day = workday_date_add_days(day, 1);
	return demo_day_start(day) + (int64_t)minute * 60;
}

int64_t demo_office_after(demo_ctx *c, int64_t t, int lo, int hi)
{
	t += (int64_t)demo_range(c, lo, hi) * 60;
	tz_date day = demo_date_of(t);
	int64_t minute = (t - demo_day_start(day)) / 60;
	if (workday_is_working(c->cal, day) && minute >= 8 * 60 + 30 && minute <= 17 * 60 + 30)
		return t;
	if (minute > 17 * 60 + 30 || !workday_is_working(c->cal, day))
		day = workday_date_add_days(day, 1);
	for (int i = 0; i < 14 && !workday_is_working(c->cal, day); i++)
		day = workday_date_add_days(day, 1);
	return demo_day_start(day) + (8 * 60 + 30 + demo_range(c, 0, 90)) * 60;
}

void demo_date_plus(int64_t t, int days, char out[11])
{
	workday_date_format(workday_date_add_days(demo_date_of(t), days), out);
}

/* ---- ledger calls ---- */

int demo_submit(demo_ctx *c, const actor *who, const submission *s, int64_t at, char number[32])
{
	char secret[16], *msg = NULL;
	int rc = matter_submit(c->d, who, s, at, number, secret, &msg);
	if (rc != LEDGER_OK) {
		log_error("demo: submitting \"%s\" failed (%d): %s", s->title, rc, msg ? msg : "");
		c->failures++;
	}
	free(msg);
	return rc;
}

int demo_act(demo_ctx *c, const actor *who, const char *number, const action_input *in,
	     int64_t at)
{
	char *msg = NULL;
	int rc = matter_act(c->d, who, number, in, at, NULL, &msg);
	if (rc != LEDGER_OK) {
		log_error("demo: %s on %s by %s failed (%d): %s", action_name(in->act), number,
			  who->login, rc, msg ? msg : "");
		c->failures++;
	}
	free(msg);
	return rc;
}

void demo_deadline(demo_ctx *c, const char *number, char out[11])
{
	matter m;
	out[0] = '\0';
	if (matter_load(c->d, &c->admin, number, 0, false, NULL, &m) != LEDGER_OK)
		return;
	if (m.deadline)
		snprintf(out, 11, "%s", m.deadline);
	matter_clear(&m);
}

int64_t demo_extend(demo_ctx *c, const char *number, int64_t dept_id, int64_t t, int days,
		    const char *reason, const char *approval)
{
	char current[11], want[11];
	demo_deadline(c, number, current);
	demo_date_plus(t, days, want);
	if (current[0] && strcmp(want, current) <= 0) {
		tz_date cur;
		workday_date_parse(current, &cur);
		workday_date_format(workday_date_add_days(cur, 7), want);
	}
	action_input in = {.act = ACT_REQUEST_EXTENSION, .note = reason, .deadline = want};
	if (demo_act(c, demo_handler(c, dept_id), number, &in, t) != LEDGER_OK)
		return 0;
	int64_t granted = demo_office_after(c, t, 60, 600);
	if (granted > c->now)
		return t; /* not yet: the request waits for the leader */
	action_input ok = {.act = ACT_EXTEND, .note = approval, .note_public = true};
	return demo_act(c, &c->leader, number, &ok, granted) == LEDGER_OK ? granted : 0;
}

/* ---- walkers ---- */

demo_walker *demo_walker_add(demo_ctx *c)
{
	if (c->nwalkers == c->capwalkers) {
		c->capwalkers = c->capwalkers ? c->capwalkers * 2 : 64;
		c->walkers = xrealloc(c->walkers, c->capwalkers * sizeof *c->walkers);
	}
	demo_walker *w = &c->walkers[c->nwalkers++];
	memset(w, 0, sizeof *w);
	return w;
}

/* Move the walker whose step is due first (the earlier added on a tie)
 * until none is due before `now`. A step that fails ends its walker. */
static void run_walkers(demo_ctx *c)
{
	for (;;) {
		demo_walker *w = NULL;
		for (size_t i = 0; i < c->nwalkers; i++) {
			demo_walker *x = &c->walkers[i];
			if (x->t > 0 && x->t <= c->now && (!w || x->t < w->t))
				w = x;
		}
		if (!w)
			return;
		int64_t due = w->t;
		if (w->step(c, w) != 0)
			w->t = 0;
		else if (w->t && w->t <= due)
			w->t = due + 60; /* always move on */
	}
}

/* Release the walkers and their states. */
static void free_walkers(demo_ctx *c)
{
	for (size_t i = 0; i < c->nwalkers; i++)
		free(c->walkers[i].state);
	free(c->walkers);
	c->walkers = NULL;
	c->nwalkers = c->capwalkers = 0;
}

/* ---- reference data and staff ---- */

/* Log a refused save, take ownership of msg, count it; returns -1. */
static int fail_msg(demo_ctx *c, const char *what, const char *name, char *msg)
{
	log_error("demo: saving %s %s failed: %s", what, name, msg ? msg : "");
	free(msg);
	c->failures++;
	return -1;
}

/* The departments, remembered by code. */
static int load_departments(demo_ctx *c)
{
	for (size_t i = 0; i < ARRAY_LEN(departments) && i < DEMO_MAX_DEPTS; i++) {
		department x = {0, (char *)departments[i].code, (char *)departments[i].name, NULL, true};
		char *msg = NULL;
		if (department_save(c->d, &x, &msg) != LEDGER_OK)
			return fail_msg(c, "department", departments[i].code, msg);
		c->dept_code[c->ndepts] = departments[i].code;
		c->dept_name[c->ndepts] = departments[i].name;
		c->dept_id[c->ndepts++] = x.id;
	}
	return 0;
}

/* The areas (parents first), remembered by code. */
static int load_areas(demo_ctx *c)
{
	for (size_t i = 0; i < ARRAY_LEN(areas) && i < DEMO_MAX_AREAS; i++) {
		area x = {0, (char *)areas[i].code, (char *)areas[i].name, (char *)areas[i].kind,
			  demo_area(c, areas[i].parent), true};
		char *msg = NULL;
		if (area_save(c->d, &x, &msg) != LEDGER_OK)
			return fail_msg(c, "area", areas[i].code, msg);
		c->area_code[c->nareas] = areas[i].code;
		c->area_name[c->nareas] = areas[i].name;
		c->area_kind[c->nareas] = areas[i].kind;
		c->area_id[c->nareas++] = x.id;
	}
	return 0;
}

/* The default catalogue, each category with its usual department. */
static int load_categories(demo_ctx *c)
{
	if (catalog_install_defaults(c->d) != LEDGER_OK) {
		log_error("demo: installing the default categories failed");
		return -1;
	}
	for (size_t i = 0; i < ARRAY_LEN(category_departments); i++) {
		category x;
		if (category_get(c->d, 0, category_departments[i].category, &x) != LEDGER_OK)
			continue; /* the catalogue changed: leave it without a department */
		x.department_id = demo_dept(c, category_departments[i].dept);
		char *msg = NULL;
		int rc = category_save(c->d, &x, &msg);
		category_clear(&x);
		if (rc != LEDGER_OK)
			return fail_msg(c, "category", category_departments[i].category, msg);
	}
	return 0;
}

/* The actor for a created user. */
static void actor_set(actor *a, int64_t id, const char *role, int64_t dept, const char *login,
		      const char *name)
{
	memset(a, 0, sizeof *a);
	a->user_id = id;
	a->role = role_from_name(role);
	a->department_id = dept;
	snprintf(a->login, sizeof a->login, "%s", login);
	snprintf(a->name, sizeof a->name, "%s", name);
}

/* The staff accounts, their actors, and the printed list in *out. */
static int load_users(demo_ctx *c, buf *out)
{
	int64_t created = c->now - 100 * 86400;
	buf_reset(out);
	buf_puts(out, "登录名      密码                姓名（角色，单位/职务）\n");
	for (size_t i = 0; i < ARRAY_LEN(accounts); i++) {
		int64_t id = 0;
		char *msg = NULL;
		if (user_add(c->d, accounts[i].login, accounts[i].name, accounts[i].role,
			     accounts[i].dept, accounts[i].password, created, &id, &msg) != LEDGER_OK)
			return fail_msg(c, "user", accounts[i].login, msg);
		int64_t dept = demo_dept(c, accounts[i].dept);
		actor a;
		actor_set(&a, id, accounts[i].role, dept, accounts[i].login, accounts[i].name);
		if (a.role == ROLE_ADMIN)
			c->admin = a;
		else if (a.role == ROLE_LEADER)
			c->leader = a;
		else if (a.role == ROLE_CLERK)
			c->clerk[strcmp(accounts[i].login, "clerk1") == 0 ? 0 : 1] = a;
		for (int k = 0; a.role == ROLE_HANDLER && k < c->ndepts; k++)
			if (c->dept_id[k] == dept)
				c->handler[k] = a;
		const char *post = accounts[i].post;
		for (size_t k = 0; !post && k < ARRAY_LEN(departments); k++)
			if (accounts[i].dept && strcmp(departments[k].code, accounts[i].dept) == 0)
				post = departments[k].name;
		buf_printf(out, "%-11s %-19s %s（%s，%s）\n", accounts[i].login, accounts[i].password,
			   accounts[i].name, role_label(a.role), post ? post : "");
	}
	return 0;
}

/* Recurring duties named in report 001 (沧州经济开发区: the yearly reminder
 * talk with the village secretaries under 《村级干部谈话提醒实施办法》, the
 * yearly warning-education meeting, the secretaries' year-end 述职述廉)
 * and report 004 (东方明珠社区's monthly joint meeting and estate office
 * day). The monthly one was last done two months ago, so it shows
 * overdue. Dates follow from `now` only. */
static const struct {
	const char *title, *description, *dept, *person_name;
	int recurrence, month, day, lead;
} duties[] = {
	{"村党组织书记谈话提醒", "按《村级干部谈话提醒实施办法》，包村干部对“一肩挑”村党组织书记进行谈话提醒，"
	 "每年至少一次；谈话内容在村“两委”班子上传达。", NULL, "包村干部", DUTY_YEARLY, 12, 31, 15},
	{"警示教育大会", "每年至少召开一次警示教育大会，每次培训至少安排一堂警示教育课。", "dzb", NULL,
	 DUTY_YEARLY, 12, 31, 20},
	{"村党组织书记述职述廉", "每年年底召开村民代表和党员大会，开展村党组织书记述职述廉，并上墙公示。",
	 "cun", "各村党组织书记", DUTY_YEARLY, 12, 31, 10},
	{"居民联席会和小区现场办公", "东方明珠社区居委会每月组织一次联席会，开展一次小区现场办公。", "cun",
	 "东方明珠社区居委会", DUTY_MONTHLY, 0, 31, 3},
};

static int load_duties(demo_ctx *c)
{
	char from[11];
	demo_date_plus(c->now, -62, from);
	for (size_t i = 0; i < ARRAY_LEN(duties); i++) {
		duty x = {0};
		x.title = (char *)duties[i].title;
		x.description = (char *)duties[i].description;
		x.department_id = demo_dept(c, duties[i].dept);
		x.person_name = (char *)duties[i].person_name;
		/* the meeting: by the leader, when no one else is named */
		x.person_id = duties[i].person_name ? 0 : c->leader.user_id;
		x.recurrence = duties[i].recurrence;
		x.due_month = duties[i].month;
		x.due_day = duties[i].day;
		x.lead_days = duties[i].lead;
		if (x.recurrence == DUTY_MONTHLY)
			duty_due_on_or_after(x.recurrence, 0, x.due_day, from, x.next_due);
		int64_t id = 0;
		char *msg = NULL;
		if (duty_save(c->d, &c->admin, &x, c->now - 90 * 86400, &id, &msg) != LEDGER_OK)
			return fail_msg(c, "duty", duties[i].title, msg);
		if (x.recurrence != DUTY_MONTHLY)
			continue;
		tz_date due;
		workday_date_parse(x.next_due, &due);
		int64_t done = demo_day_start(workday_date_add_days(due, -2)) + 15 * 3600;
		if (duty_complete(c->d, demo_handler(c, x.department_id), id, x.next_due,
				  "联席会已召开，议定凤河湾小区施划停车位；现场办公收集居民意见5条",
				  done, &msg) != LEDGER_OK)
			return fail_msg(c, "duty record", duties[i].title, msg);
	}
	return 0;
}

int demo_load(db *d, unsigned seed, int generated, int64_t now, buf *accounts_out)
{
	demo_ctx *c = xcalloc(1, sizeof *c);
	c->d = d;
	c->now = now;
	c->rng = seed_state(seed);
	c->cal = workday_cal_new_builtin();
	int rc = -1;
	if (db_scalar(d, 0, "SELECT count(*) FROM departments", "") ||
	    db_scalar(d, 0, "SELECT count(*) FROM matters", "")) {
		log_error("demo: the database is not empty");
		goto done;
	}
	if (load_departments(c) || load_areas(c) || load_categories(c) ||
	    load_users(c, accounts_out) || load_duties(c))
		goto done;
	demo_seed_load(c);
	demo_gen_load(c, generated < 0 ? 0 : generated);
	run_walkers(c);
	rc = c->failures ? -1 : 0;
done:
	if (c->failures)
		log_error("demo: %d ledger calls failed", c->failures);
	free_walkers(c);
	workday_cal_free(c->cal);
	free(c);
	return rc;
}
