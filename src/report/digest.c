/*
 * digest.c — rendering the daily dispatch (日调度) and the weekly review
 * (周督导), see digest.h.
 *
 * Every figure comes from one small query along an index: open matters by
 * (status, deadline), new ones by created_at, resolved ones by (status,
 * resolved_at), the week's 督办 events by their time, and the week's rates
 * from ledger/rates.h, so a digest of a million-matter ledger costs what
 * its open and recent matters cost. Text that people typed (titles,
 * department names) goes through supervise_plain's cleaning, so it
 * cannot add Markdown of its own. The rate sentences are the briefing's
 * (briefing_int.h), so the two never word a rate differently.
 */
#include "report/digest.h"
#include "report/briefing_int.h"
#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/duty.h"
#include "ledger/ledger.h"
#include "ledger/rates.h"
#include "ledger/supervise.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPEN_SQL SUPERVISE_OPEN_SQL
#define DUTY_WITHIN 3 /* working days ahead that the dispatch lists duties for */

/* What one rendering needs. */
typedef struct dg {
	db *d;
	const digest_opts *o;
	int worst;
	char today[11];
	workday_cal *cal;
	char *scope; /* the department's name, or NULL for the office */
	buf *out;
} dg;

/* A query on matters `m` in the digest's scope: head, then for one
 * department " AND m.department_id = ?" (so SQLite walks the department's
 * index rather than the whole office's), then tail. Only literal
 * fragments become SQL; args (with room for one more) are head's values,
 * the department's id is appended. */
static db_stmt *scoped(dg *g, const char *head, const char *tail, db_arg *args, int n)
{
	int64_t dep = g->o->department_id;
	char *sql = str_printf("%s%s%s", head, dep ? " AND m.department_id = ?" : "", tail);
	if (dep)
		args[n++] = (db_arg){.type = 'i', .i = dep};
	db_stmt *q = db_query_args(g->d, sql, args, n);
	free(sql);
	return q;
}

/* A text and an integer value for scoped()'s args. */
static db_arg arg_t(const char *t)
{
	return (db_arg){.type = 't', .t = t};
}

static db_arg arg_i(int64_t i)
{
	return (db_arg){.type = 'i', .i = i};
}

/* The first column of a scoped query's only row; -1 on an error. */
static int64_t scoped_count(dg *g, const char *head, db_arg *args, int n)
{
	db_stmt *q = scoped(g, head, "", args, n);
	int r = db_step(q);
	int64_t v = r == DB_ROW ? db_int(q, 0) : -1;
	db_done(q);
	return v;
}

int digest_parse_time(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* "12月2日" (with the year when it is not today's). */
static void day_cn(const dg *g, const char *date, char out[32])
{
	briefing_date(date, g->today, out);
}

/* "星期三" */
static void weekday_cn(const char *date, char out[16])
{
	tz_date t;
	out[0] = '\0';
	if (workday_date_parse(date, &t))
		snprintf(out, 16, "星期%s", calendar_weekday_cn(workday_date_weekday(t)));
}

/* date + n days. */
static void day_add(const char *date, int n, char out[11])
{
	tz_date t;
	out[0] = '\0';
	if (workday_date_parse(date, &t))
		workday_date_format(workday_date_add_days(t, n), out);
}

/* "- TZ-2026-000003 黄河路井盖松动（城市管理局，超期3个工作日，挂牌督办）"
 * (supervise_item) for the row number, title, public, category,
 * department, deadline, urge_level at column 0. */
static void matter_item(dg *g, db_stmt *q, bool overdue)
{
	supervise_item(g->out, db_text(q, 0), db_text(q, 1), db_int(q, 2) != 0, db_text(q, 3),
		       db_text(q, 4),
		       overdue ? calendar_workdays_between(g->cal, db_text(q, 5), g->today) : -1,
		       (int)db_int(q, 6));
}

#define ITEM_COLS                                                                     \
	"SELECT m.number, m.title, m.public, c.name, dp.name, m.deadline, m.urge_level" \
	" FROM matters m LEFT JOIN categories c ON c.id = m.category_id"               \
	" LEFT JOIN departments dp ON dp.id = m.department_id"

/* The most overdue open matters, oldest deadline first. */
static int worst_overdue(dg *g)
{
	db_arg a[2] = {arg_t(g->today)};
	char *tail = str_printf(" ORDER BY m.deadline, m.id LIMIT %d", g->worst);
	db_stmt *q = scoped(g, ITEM_COLS " WHERE m.status IN " OPEN_SQL " AND m.deadline < ?", tail,
			    a, 1);
	free(tail);
	int r;
	while ((r = db_step(q)) == DB_ROW)
		matter_item(g, q, true);
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* Open and overdue, by department (most first): "- 单位：N件，其中挂牌督办a件、
 * 约谈督办b件，最久超期D个工作日". The office's dispatch only. Writes the
 * total to *total. */
static int overdue_by_department(dg *g, int64_t *total, bool lines)
{
	db_arg a[2] = {arg_t(g->today)};
	db_stmt *q = scoped(g,
			    "SELECT dp.name, count(*), sum(CASE WHEN m.urge_level = 2 THEN 1 ELSE 0 END),"
			    " sum(CASE WHEN m.urge_level = 3 THEN 1 ELSE 0 END),"
			    " min(m.deadline) FROM matters m"
			    " LEFT JOIN departments dp ON dp.id = m.department_id"
			    " WHERE m.status IN " OPEN_SQL " AND m.deadline < ?",
			    " GROUP BY m.department_id, dp.name"
			    " ORDER BY 2 DESC, min(dp.sort), m.department_id",
			    a, 1);
	int r;
	*total = 0;
	while ((r = db_step(q)) == DB_ROW) {
		*total += db_int(q, 1);
		if (!lines)
			continue;
		buf_puts(g->out, "- ");
		supervise_plain(g->out, str_empty(db_text(q, 0)) ? "未派单" : db_text(q, 0));
		buf_printf(g->out, "：%lld件", (long long)db_int(q, 1));
		if (db_int(q, 2) || db_int(q, 3)) {
			buf_puts(g->out, "，其中");
			if (db_int(q, 2))
				buf_printf(g->out, "挂牌督办%lld件", (long long)db_int(q, 2));
			if (db_int(q, 3))
				buf_printf(g->out, "%s约谈督办%lld件", db_int(q, 2) ? "、" : "",
					   (long long)db_int(q, 3));
		}
		buf_printf(g->out, "，最久超期%d个工作日\n",
			   calendar_workdays_between(g->cal, db_text(q, 4), g->today));
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* Open matters now, and at each 督办 tier. */
static int open_counts(dg *g, int64_t *open, int64_t tiers[URGE_LEVELS])
{
	db_arg a[1];
	db_stmt *q = scoped(g, "SELECT m.urge_level, count(*) FROM matters m WHERE m.status IN "
			       OPEN_SQL, " GROUP BY m.urge_level", a, 0);
	int r;
	*open = 0;
	memset(tiers, 0, URGE_LEVELS * sizeof *tiers);
	while ((r = db_step(q)) == DB_ROW) {
		int64_t level = db_int(q, 0), n = db_int(q, 1);
		*open += n;
		if (level > URGE_NONE && level < URGE_LEVELS)
			tiers[level] += n;
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* "日常督办a件，挂牌督办b件，约谈督办c件" */
static void tiers_sentence(buf *out, const int64_t tiers[URGE_LEVELS])
{
	for (int k = URGE_DAILY; k < URGE_LEVELS; k++)
		buf_printf(out, "%s%s%lld件", k > URGE_DAILY ? "，" : "", urge_label(k),
			   (long long)tiers[k]);
}

/* The heading: "# 新华街道 日调度 · 12月2日（星期三）". */
static void heading(dg *g, const char *what, const char *when)
{
	buf_puts(g->out, "# ");
	if (g->scope) {
		supervise_plain(g->out, g->scope);
		buf_putc(g->out, ' ');
	} else if (!str_empty(g->o->office)) {
		supervise_plain(g->out, g->o->office);
		buf_putc(g->out, ' ');
	}
	buf_printf(g->out, "%s · %s\n\n", what, when);
}

/* ---- 日调度 ---- */

/* The start of the dispatch's "new": daily-at on the working day before
 * today, or 30 days back at most (past the longest holiday, e.g. a ledger
 * calendar with a month off: then from that day). */
static int64_t since_last_dispatch(dg *g, char day_out[11])
{
	tz_date t, last;
	workday_date_parse(g->today, &t);
	if (!calendar_workday_back(g->cal, workday_date_add_days(t, -1), 1, 28, &last))
		last = workday_date_add_days(t, -30);
	workday_date_format(last, day_out);
	return calendar_day_start(day_out) + (int64_t)g->o->daily_minutes * 60;
}

/* "## 新增事项（N件）" with their statuses. */
static int daily_new(dg *g, int64_t since, const char *since_day, int64_t *total)
{
	db_arg a[3] = {arg_i(since), arg_i(g->o->now)};
	db_stmt *q = scoped(g, "SELECT m.status, count(*) FROM matters m WHERE m.created_at >= ?"
			       " AND m.created_at <= ? AND m.status <> 'merged'",
			    " GROUP BY m.status ORDER BY 2 DESC, 1", a, 2);
	buf parts = BUF_INIT;
	int r;
	*total = 0;
	while ((r = db_step(q)) == DB_ROW) {
		*total += db_int(q, 1);
		buf_printf(&parts, "%s%s%lld件", parts.len ? "，" : "",
			   status_label(status_from_name(db_text(q, 0))), (long long)db_int(q, 1));
	}
	db_done(q);
	char day[32];
	day_cn(g, since_day, day);
	buf_printf(g->out, "## 新增事项（%lld件）\n\n", (long long)*total);
	if (*total)
		buf_printf(g->out, "%s %02d:%02d以来新增%lld件，目前%s。\n\n", day,
			   g->o->daily_minutes / 60, g->o->daily_minutes % 60, (long long)*total,
			   buf_str(&parts));
	else
		buf_printf(g->out, "%s %02d:%02d以来没有新增事项。\n\n", day, g->o->daily_minutes / 60,
			   g->o->daily_minutes % 60);
	buf_free(&parts);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* "## 今日到期（N件）" and the first of them. */
static int daily_due_today(dg *g, int64_t *total)
{
	db_arg a[2] = {arg_t(g->today)};
	*total = scoped_count(g, "SELECT count(*) FROM matters m WHERE m.status IN " OPEN_SQL
				 " AND m.deadline = ?", a, 1);
	if (*total < 0)
		return LEDGER_ERROR;
	buf_printf(g->out, "## 今日到期（%lld件）\n\n", (long long)*total);
	if (*total == 0) {
		buf_puts(g->out, "今日没有到期的事项。\n\n");
		return LEDGER_OK;
	}
	char *tail = str_printf(" ORDER BY m.urge_level DESC, m.id LIMIT %d", g->worst);
	db_stmt *q = scoped(g, ITEM_COLS " WHERE m.status IN " OPEN_SQL " AND m.deadline = ?", tail,
			    a, 1);
	free(tail);
	int r;
	while ((r = db_step(q)) == DB_ROW)
		matter_item(g, q, false);
	db_done(q);
	if (*total > g->worst)
		buf_printf(g->out, "- ……另有%lld件\n", (long long)(*total - g->worst));
	buf_puts(g->out, "\n");
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* "## 超期事项（N件）": by department (the office's), then the worst. */
static int daily_overdue(dg *g, int64_t *total)
{
	buf lines = BUF_INIT, *out = g->out;
	g->out = &lines;
	int rc = overdue_by_department(g, total, g->o->department_id == 0);
	g->out = out;
	if (rc != LEDGER_OK) {
		buf_free(&lines);
		return rc;
	}
	buf_printf(out, "## 超期事项（%lld件）\n\n", (long long)*total);
	if (*total == 0) {
		buf_puts(out, "没有超过办理期限的在办事项。\n\n");
		buf_free(&lines);
		return LEDGER_OK;
	}
	if (lines.len)
		buf_printf(out, "%s\n", buf_str(&lines));
	buf_puts(out, "超期最久：\n\n");
	buf_free(&lines);
	rc = worst_overdue(g);
	buf_puts(out, "\n");
	return rc;
}

/* "## 定期工作": the duties due within a few working days, or overdue. */
static int daily_duties(dg *g)
{
	duty_due *v = NULL;
	size_t n = 0;
	if (duty_due_list(g->d, g->today, DUTY_WITHIN, g->o->department_id, &v, &n) != LEDGER_OK)
		return LEDGER_ERROR;
	buf_printf(g->out, "## 定期工作（%zu项）\n\n", n);
	if (n == 0)
		buf_printf(g->out, "近%d个工作日没有到期的定期工作。\n", DUTY_WITHIN);
	for (size_t i = 0; i < n; i++) {
		char day[32];
		day_cn(g, v[i].next_due, day);
		buf_puts(g->out, "- ");
		supervise_plain(g->out, v[i].title);
		buf_puts(g->out, "（");
		supervise_plain(g->out, str_empty(v[i].department_name) ? "全单位"
									: v[i].department_name);
		if (!str_empty(v[i].person_name)) {
			buf_puts(g->out, "，");
			supervise_plain(g->out, v[i].person_name);
		}
		if (v[i].overdue)
			buf_printf(g->out, "）：已逾期，应于%s完成\n", day);
		else
			buf_printf(g->out, "）：%s到期\n", day);
	}
	duty_due_free(v, n);
	return LEDGER_OK;
}

static int render_daily(dg *g, buf *title)
{
	char day[32], since_day[11];
	int64_t open, tiers[URGE_LEVELS], fresh = 0, due = 0, overdue = 0;
	int64_t since = since_last_dispatch(g, since_day);
	int rc = open_counts(g, &open, tiers);
	if (rc != LEDGER_OK)
		return rc;
	day_cn(g, g->today, day);
	char wd[16];
	weekday_cn(g->today, wd);
	char *when = str_printf("%s（%s）", day, wd);
	heading(g, "日调度", when);
	supervise_plain(title, g->scope ? g->scope : g->o->office);
	buf_printf(title, "日调度（%s）", day);
	free(when);
	/* The summary line needs the counts of the sections below it. */
	buf body = BUF_INIT, *out = g->out;
	g->out = &body;
	rc = daily_new(g, since, since_day, &fresh);
	if (rc == LEDGER_OK)
		rc = daily_due_today(g, &due);
	if (rc == LEDGER_OK)
		rc = daily_overdue(g, &overdue);
	if (rc == LEDGER_OK) {
		buf_puts(g->out, "## 督办\n\n");
		tiers_sentence(g->out, tiers);
		buf_puts(g->out, "（在办事项）。\n\n");
		rc = daily_duties(g);
	}
	g->out = out;
	int minutes = (int)((g->o->now - calendar_day_start(g->today)) / 60);
	buf_printf(out, "截至%s %02d:%02d，%s在办事项%lld件，其中超期%lld件，今日到期%lld件；"
			"新增%lld件。\n\n",
		   day, minutes / 60, minutes % 60, g->scope ? "本单位" : "全部", (long long)open,
		   (long long)overdue, (long long)due, (long long)fresh);
	buf_puts(out, buf_str(&body));
	buf_free(&body);
	return rc;
}

/* ---- 周督导 ---- */

/* "- 响应率：95.0%（前一周90.0%，提高5.0个百分点）" */
static void rate_line(buf *out, const char *name, rate now, rate before, const char *empty)
{
	buf_printf(out, "- %s：", name);
	briefing_rate(out, now, empty);
	buf_puts(out, "（前一周");
	briefing_rate(out, before, empty);
	briefing_change_pp(out, "", now, before);
	buf_puts(out, "）\n");
}

/* Matters resolved in [from, to) and still resolved or closed (the
 * (status, resolved_at) index). */
static int64_t resolved_between(dg *g, int64_t from, int64_t to)
{
	db_arg a[3] = {arg_i(from), arg_i(to)};
	return scoped_count(g, "SELECT count(*) FROM matters m WHERE m.status IN ('resolved', 'closed')"
			       " AND m.resolved_at >= ? AND m.resolved_at < ?", a, 2);
}

/* The week's closings (销号) and the matters raised to each 督办 tier, from
 * the week's events (the events_at index: matters have no index on
 * closed_at, and reading every closed matter took seconds at a million). */
static int week_events(dg *g, int64_t from, int64_t to, int64_t *closed,
		       int64_t urged[URGE_LEVELS])
{
	db_arg a[3] = {arg_i(from), arg_i(to)};
	/* CROSS JOIN (its condition in WHERE, which PostgreSQL also reads):
	 * the week's events drive (as matter_find does with the
	 * search index); for one department SQLite would otherwise walk all
	 * of its matters and their events, 4 s at a million. */
	db_stmt *q = scoped(g, "SELECT e.action, coalesce(json_extract(e.data, '$.level'), '0'),"
			       " count(DISTINCT e.matter_id) FROM events e CROSS JOIN matters m"
			       " WHERE m.id = e.matter_id AND e.at >= ? AND e.at < ?"
			       " AND e.action IN ('urge', 'close')",
			    " GROUP BY 1, 2", a, 2);
	int r;
	*closed = 0;
	memset(urged, 0, URGE_LEVELS * sizeof *urged);
	while ((r = db_step(q)) == DB_ROW) {
		int64_t level = db_int(q, 1);
		if (str_cmp0(db_text(q, 0), "close") == 0)
			*closed += db_int(q, 2);
		else if (level > URGE_NONE && level < URGE_LEVELS)
			urged[level] = db_int(q, 2);
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* "## 上周变化": handed in, resolved, closed, the new 督办 and the overdue
 * now (`overdue`). */
static int weekly_changes(dg *g, const rates *week, const rates *prev, const char *from,
			  const char *prev_from, int64_t overdue)
{
	int64_t w0 = calendar_day_start(from), w1 = w0 + 7 * 86400, p0 = calendar_day_start(prev_from);
	int64_t res = resolved_between(g, w0, w1), res_prev = resolved_between(g, p0, w0);
	int64_t closed = 0, urged[URGE_LEVELS];
	if (res < 0 || res_prev < 0 || week_events(g, w0, w1, &closed, urged) != LEDGER_OK)
		return LEDGER_ERROR;
	/* 受理 as the briefing counts it: handed in and not rejected */
	int64_t in = week->completion.den, in_prev = prev->completion.den;
	buf_puts(g->out, "## 上周变化\n\n");
	buf_printf(g->out, "- 受理群众诉求%lld件（前一周%lld件）\n", (long long)in, (long long)in_prev);
	buf_printf(g->out, "- 办结%lld件（前一周%lld件），销号%lld件\n", (long long)res,
		   (long long)res_prev, (long long)closed);
	buf_puts(g->out, "- 上周督办：");
	tiers_sentence(g->out, urged);
	buf_printf(g->out, "\n- 目前超期在办%lld件\n\n", (long long)overdue);
	return LEDGER_OK;
}

/* Open overdue matters per lead department (0: none yet), in *ids and *counts
 * (caller frees both). */
static int overdue_per_department(dg *g, int64_t **ids, int64_t **counts, size_t *n)
{
	db_stmt *q = db_query(g->d, "SELECT coalesce(m.department_id, 0), count(*) FROM matters m"
				    " WHERE m.status IN " OPEN_SQL " AND m.deadline < ?"
				    " GROUP BY m.department_id", "t", g->today);
	size_t cap = 0;
	int r;
	*ids = *counts = NULL;
	*n = 0;
	while ((r = db_step(q)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*ids = xrealloc(*ids, cap * sizeof **ids);
			*counts = xrealloc(*counts, cap * sizeof **counts);
		}
		(*ids)[*n] = db_int(q, 0);
		(*counts)[(*n)++] = db_int(q, 1);
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* One department's line: "- 单位：受理N件，办结M件，响应率…，目前超期K件". */
static void department_line(dg *g, const char *name, const rates *r, int64_t overdue)
{
	buf_puts(g->out, "- ");
	supervise_plain(g->out, name);
	buf_printf(g->out, "：受理%lld件，办结%lld件，响应率", (long long)r->completion.den,
		   (long long)r->completion.num);
	briefing_rate(g->out, r->response, briefing_empty_response);
	buf_puts(g->out, "，解决率");
	briefing_rate(g->out, r->resolution, briefing_empty_resolution);
	buf_puts(g->out, "，满意率");
	briefing_rate(g->out, r->satisfaction, briefing_empty_satisfaction);
	buf_printf(g->out, "，目前超期%lld件\n", (long long)overdue);
}

/* "## 各单位": in catalogue order (then matters not yet given to one), each
 * department with matters handed in last week or overdue now. */
static int weekly_departments(dg *g, const rates_filter *f)
{
	rates_group *v = NULL;
	department *deps = NULL;
	int64_t *oid = NULL, *ocount = NULL;
	size_t n = 0, nd = 0, no = 0;
	int rc = rates_by_department(g->d, f, g->today, &v, &n);
	if (rc == LEDGER_OK)
		rc = department_list(g->d, false, &deps, &nd);
	if (rc == LEDGER_OK)
		rc = overdue_per_department(g, &oid, &ocount, &no);
	if (rc != LEDGER_OK)
		goto done;
	buf_puts(g->out, "## 各单位\n\n");
	bool any = false;
	rates none;
	memset(&none, 0, sizeof none);
	for (size_t k = 0; k <= nd; k++) {
		int64_t id = k < nd ? deps[k].id : 0, overdue = 0;
		const rates *r = &none;
		for (size_t i = 0; i < n; i++)
			if (v[i].department_id == id)
				r = &v[i].r;
		for (size_t i = 0; i < no; i++)
			if (oid[i] == id)
				overdue = ocount[i];
		if (r == &none && overdue == 0)
			continue;
		department_line(g, k < nd ? deps[k].name : "未派单", r, overdue);
		any = true;
	}
	if (!any)
		buf_puts(g->out, "上周没有受理事项，目前也没有超期事项。\n");
done:
	free(v);
	free(oid);
	free(ocount);
	if (deps)
		department_list_free(deps, nd);
	return rc;
}

static int render_weekly(dg *g, buf *title)
{
	/* The week before this one, Monday to Sunday, and the one before it. */
	tz_date t;
	workday_date_parse(g->today, &t);
	char monday[11], from[11], to[11], prev_from[11], prev_to[11], f[32], tt[32];
	day_add(g->today, 1 - workday_date_weekday(t), monday);
	day_add(monday, -7, from);
	day_add(monday, -1, to);
	day_add(monday, -14, prev_from);
	day_add(monday, -8, prev_to);
	briefing_date(from, g->today, f);
	briefing_date(to, from, tt);
	char *when = str_printf("%s至%s", f, tt);
	heading(g, "周督导", when);
	supervise_plain(title, g->scope ? g->scope : g->o->office);
	buf_printf(title, "周督导（%s）", when);
	free(when);

	rates_filter wf = {from, to, g->o->department_id, 0, 0}, pf = {prev_from, prev_to,
								       g->o->department_id, 0, 0};
	rates week, prev;
	if (rates_compute(g->d, &wf, g->today, &week) != LEDGER_OK ||
	    rates_compute(g->d, &pf, g->today, &prev) != LEDGER_OK)
		return LEDGER_ERROR;
	buf_puts(g->out, "上周受理的群众诉求，截至今天的办理情况，与前一周相比。\n\n## 三率\n\n");
	rate_line(g->out, "响应率", week.response, prev.response, briefing_empty_response);
	rate_line(g->out, "解决率", week.resolution, prev.resolution, briefing_empty_resolution);
	rate_line(g->out, "满意率", week.satisfaction, prev.satisfaction, briefing_empty_satisfaction);
	rate_line(g->out, "按时办结率", week.on_time, prev.on_time, briefing_empty_on_time);
	buf_puts(g->out, "\n");
	int64_t overdue = 0;
	int rc = overdue_by_department(g, &overdue, false);
	if (rc == LEDGER_OK)
		rc = weekly_changes(g, &week, &prev, from, prev_from, overdue);
	if (rc == LEDGER_OK) {
		buf_puts(g->out, "## 超期最久\n\n");
		if (rc == LEDGER_OK && overdue == 0)
			buf_puts(g->out, "没有超过办理期限的在办事项。\n");
		else if (rc == LEDGER_OK)
			rc = worst_overdue(g);
		buf_puts(g->out, "\n");
	}
	if (rc == LEDGER_OK && g->o->department_id == 0)
		rc = weekly_departments(g, &wf);
	return rc;
}

int digest_render(db *d, const digest_opts *o, buf *title, buf *body)
{
	dg g = {.d = d, .o = o, .worst = o->worst > 0 ? o->worst : 5, .out = body};
	int rc = LEDGER_OK;
	ledger_today(o->now, g.today);
	if (o->department_id) {
		department dep;
		rc = department_get(d, o->department_id, NULL, &dep);
		if (rc == LEDGER_OK)
			g.scope = xstrdup(dep.name);
		department_clear(&dep);
		if (rc != LEDGER_OK)
			return rc;
	}
	g.cal = calendar_load(d);
	rc = o->kind == DIGEST_WEEKLY ? render_weekly(&g, title) : render_daily(&g, title);
	workday_cal_free(g.cal);
	free(g.scope);
	return rc;
}
