/*
 * duty.c — recurring duties (定期工作): listing, saving, marking done, the
 * due list of the daily dispatch and the scheduler's reminders (duty.h;
 * the recurrence arithmetic is in duty_rule.c).
 *
 * Who may do what is decided here, not by the pages: administrators and
 * leaders keep the duties; the responsible person, the handlers of the
 * duty's department, clerks, leaders and administrators mark one done;
 * observers only read.
 * "Overdue" and "due soon" are judged on the ledger's working-day calendar
 * (ledger/calendar.h), the same one deadlines use.
 */
#include "ledger/duty.h"
#include "ledger/calendar.h"
#include "ledger/channel.h"
#include "ledger/ledger.h"
#include "ledger/outbox.h"
#include "ledger/supervise.h"
#include "base/buf.h"
#include "base/util.h"
#include "base/workday.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TITLE_MAX 100
#define DESCRIPTION_MAX 2000
#define PERSON_MAX 50
#define NOTE_MAX 1000
#define LEAD_MAX 60

/* The columns duty_read reads; FROM duties x with its department and
 * person, and the latest record. */
static const char duty_select[] =
	"SELECT x.id, x.title, x.description, COALESCE(x.department_id, 0),"
	" COALESCE(dp.name, ''), COALESCE(x.person_id, 0),"
	" CASE WHEN u.id IS NOT NULL THEN u.name ELSE x.person_name END,"
	" x.recurrence, x.due_month, x.due_day, x.next_due, x.lead_days, x.active,"
	" x.created_at, x.updated_at, COALESCE(r.done_at, 0), COALESCE(r.actor_label, '')"
	" FROM duties x LEFT JOIN departments dp ON dp.id = x.department_id"
	" LEFT JOIN users u ON u.id = x.person_id"
	" LEFT JOIN duty_records r ON r.id = (SELECT max(id) FROM duty_records WHERE duty_id = x.id)";

/* Is `due` (not before today) within `within` working days of today on
 * the ledger's calendar? A due date on a rest day counts with the working
 * days up to it. */
static bool due_within(const workday_cal *cal, const char *today, const char *due, int within)
{
	return strcmp(due, today) >= 0 && calendar_workdays_between(cal, today, due) <= within;
}

static void duty_read(db_stmt *q, duty *x)
{
	memset(x, 0, sizeof *x);
	x->id = db_int(q, 0);
	x->title = db_text_dup(q, 1);
	x->description = db_text_dup(q, 2);
	x->department_id = db_int(q, 3);
	x->department_name = db_text_dup(q, 4);
	x->person_id = db_int(q, 5);
	x->person_name = db_text_dup(q, 6);
	x->recurrence = duty_recurrence_from_name(db_text(q, 7));
	x->due_month = (int)db_int(q, 8);
	x->due_day = (int)db_int(q, 9);
	snprintf(x->next_due, sizeof x->next_due, "%s", db_text(q, 10) ? db_text(q, 10) : "");
	x->lead_days = (int)db_int(q, 11);
	x->active = db_int(q, 12) != 0;
	x->created_at = db_int(q, 13);
	x->updated_at = db_int(q, 14);
	x->last_done_at = db_int(q, 15);
	x->last_done_by = db_text_dup(q, 16);
}

/* Judge overdue and due soon for today. */
static void judge(const workday_cal *cal, const char *today, duty *x)
{
	x->overdue = x->active && strcmp(x->next_due, today) < 0;
	x->due_soon = x->active && !x->overdue && due_within(cal, today, x->next_due, x->lead_days);
}

void duty_clear(duty *x)
{
	free(x->title);
	free(x->description);
	free(x->department_name);
	free(x->person_name);
	free(x->last_done_by);
	memset(x, 0, sizeof *x);
}

void duty_list_free(duty *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		duty_clear(&v[i]);
	free(v);
}

/* Active before inactive; overdue, then due soon, then the rest; by next
 * due date, then id. */
static int duty_cmp(const void *pa, const void *pb)
{
	const duty *a = pa, *b = pb;
	int ra = !a->active ? 3 : a->overdue ? 0 : a->due_soon ? 1 : 2;
	int rb = !b->active ? 3 : b->overdue ? 0 : b->due_soon ? 1 : 2;
	if (ra != rb)
		return ra - rb;
	int c = strcmp(a->next_due, b->next_due);
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

/* Run a duty_select query to its end into *out, judged and sorted. */
static int read_all(db *d, db_stmt *q, const char *today, duty **out, size_t *n)
{
	size_t cap = 0;
	int r;
	*out = NULL;
	*n = 0;
	while ((r = db_step(q)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		duty_read(q, &(*out)[(*n)++]);
	}
	db_done(q);
	if (r != DB_DONE) {
		duty_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return LEDGER_ERROR;
	}
	workday_cal *cal = calendar_load(d);
	for (size_t i = 0; i < *n; i++)
		judge(cal, today, &(*out)[i]);
	workday_cal_free(cal);
	if (*n > 1)
		qsort(*out, *n, sizeof **out, duty_cmp);
	return LEDGER_OK;
}

int duty_list(db *d, const char *today, bool active_only, duty **out, size_t *n)
{
	char sql[sizeof duty_select + 64];
	snprintf(sql, sizeof sql, "%s WHERE x.active = 1 OR ? = 0", duty_select);
	return read_all(d, db_query(d, sql, "i", (int64_t)active_only), today, out, n);
}

int duty_list_mine(db *d, const actor *who, const char *today, duty **out, size_t *n)
{
	char sql[sizeof duty_select + 160];
	snprintf(sql, sizeof sql,
		 "%s WHERE x.active = 1 AND ((x.person_id = ? AND ? > 0) OR (x.person_id IS NULL"
		 " AND x.department_id = ? AND ? > 0))",
		 duty_select);
	int64_t uid = who ? who->user_id : 0, dep = who ? who->department_id : 0;
	return read_all(d, db_query(d, sql, "iiii", uid, uid, dep, dep), today, out, n);
}

int duty_load(db *d, int64_t id, const char *today, duty *out)
{
	char sql[sizeof duty_select + 32];
	snprintf(sql, sizeof sql, "%s WHERE x.id = ?", duty_select);
	memset(out, 0, sizeof *out);
	db_stmt *q = db_query(d, sql, "i", id);
	int r = db_step(q);
	if (r == DB_ROW)
		duty_read(q, out);
	db_done(q);
	if (r != DB_ROW)
		return r == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
	workday_cal *cal = calendar_load(d);
	judge(cal, today, out);
	workday_cal_free(cal);
	return LEDGER_OK;
}

/* ---- the due list and the reminders ---- */

void duty_due_free(duty_due *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].title);
		free(v[i].person_name);
		free(v[i].department_name);
	}
	free(v);
}

int duty_due_list(db *d, const char *today, int within, int64_t department_id, duty_due **out,
		  size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!calendar_date_valid(today) || within < 0)
		return LEDGER_INVALID;
	duty *v = NULL;
	size_t nv = 0;
	if (duty_list(d, today, true, &v, &nv) != LEDGER_OK)
		return LEDGER_ERROR;
	workday_cal *cal = calendar_load(d);
	*out = nv ? xcalloc(nv, sizeof **out) : NULL;
	for (size_t i = 0; i < nv; i++) {
		duty *x = &v[i];
		if ((!x->overdue && !due_within(cal, today, x->next_due, within)) ||
		    (department_id > 0 && x->department_id != department_id))
			continue;
		duty_due *o = &(*out)[(*n)++];
		o->id = x->id;
		o->title = xstrdup(x->title);
		o->person_name = xstrdup(x->person_name ? x->person_name : "");
		o->department_id = x->department_id;
		o->department_name = xstrdup(x->department_name ? x->department_name : "");
		snprintf(o->next_due, sizeof o->next_due, "%s", x->next_due);
		o->overdue = x->overdue;
	}
	workday_cal_free(cal);
	duty_list_free(v, nv);
	return LEDGER_OK;
}

/* The reminder's text for a duty due (or overdue) on x->next_due. What
 * people typed (title, description, names) goes through supervise_plain,
 * as in the digests: a robot shows the body as Markdown. */
static void reminder_text(const duty *x, const char *today, buf *title, buf *body)
{
	char rule[96];
	tz_date due, now;
	const char *what = x->overdue ? "已逾期" : "提醒";
	duty_rule_text(x->recurrence, x->due_month, x->due_day, rule, sizeof rule);
	workday_date_parse(x->next_due, &due);
	workday_date_parse(today, &now);
	int days = workday_date_diff(now, due);
	buf_printf(title, "定期工作%s：", what);
	supervise_plain(title, x->title);
	buf_printf(body, "【定期工作%s】", what);
	supervise_plain(body, x->title);
	if (x->overdue)
		buf_printf(body, "\n应完成日期：%s（已逾期%d天）\n", x->next_due, -days);
	else
		buf_printf(body, "\n应完成日期：%s（%s）\n", x->next_due,
			   days == 0 ? "今天到期" : "即将到期");
	buf_printf(body, "周期：%s\n责任单位：", rule);
	supervise_plain(body, str_empty(x->department_name) ? "全办" : x->department_name);
	buf_puts(body, "\n责任人：");
	supervise_plain(body, str_empty(x->person_name) ? "未指定" : x->person_name);
	buf_puts(body, "\n");
	if (!str_empty(x->description)) {
		buf_puts(body, "说明：");
		supervise_plain(body, x->description);
		buf_puts(body, "\n");
	}
	buf_puts(body, "完成后请在台账“定期工作”中登记。");
}

/* Queue x's reminder to every channel that takes duty reminders for its
 * department. Two per due date at most: the reminder when it comes due
 * (key "duty/ID/DUE/CHANNEL") and the notice when it is overdue
 * ("duty/ID/DUE/overdue/CHANNEL"), each once; a duty first seen overdue
 * gets the notice alone. */
static int remind(db *d, const duty *x, const char *today, int64_t now, int *queued)
{
	channel *ch = NULL;
	size_t nch = 0;
	buf title = BUF_INIT, body = BUF_INIT;
	int rc = channel_list_for(d, TOPIC_DUTY, x->department_id, &ch, &nch);
	if (rc == LEDGER_OK && nch > 0)
		reminder_text(x, today, &title, &body);
	for (size_t i = 0; rc == LEDGER_OK && i < nch; i++) {
		char key[96];
		bool created = false;
		snprintf(key, sizeof key, "duty/%lld/%s/%s%lld", (long long)x->id, x->next_due,
			 x->overdue ? "overdue/" : "", (long long)ch[i].id);
		rc = outbox_enqueue(d, ch[i].id, "duty", key, buf_str(&title), buf_str(&body), now,
				    &created);
		*queued += created;
	}
	channel_list_free(ch, nch);
	buf_free(&title);
	buf_free(&body);
	return rc;
}

struct tick_ctx {
	int64_t now;
	int queued;
};

static int tick_tx(db *d, void *vctx)
{
	struct tick_ctx *t = vctx;
	char today[11];
	duty *v = NULL;
	size_t n = 0;
	t->queued = 0; /* a retried transaction counts afresh */
	ledger_today(t->now, today);
	int rc = duty_list(d, today, true, &v, &n);
	for (size_t i = 0; rc == LEDGER_OK && i < n; i++)
		if (v[i].overdue || v[i].due_soon)
			rc = remind(d, &v[i], today, t->now, &t->queued);
	duty_list_free(v, n);
	return rc;
}

int duty_tick(db *d, int64_t now, int *queued)
{
	struct tick_ctx t = {now, 0};
	int rc = db_transact(d, tick_tx, &t);
	if (queued)
		*queued = rc == LEDGER_OK ? t.queued : 0;
	return rc == LEDGER_OK ? LEDGER_OK : LEDGER_ERROR;
}

/* ---- keeping duties ---- */

static bool keeps_duties(const actor *who)
{
	return who && (who->role & (ROLE_ADMIN | ROLE_LEADER));
}

/* Check x's fields; NULL when good, else the message. */
static const char *check_fields(db *d, const duty *x)
{
	if (!ledger_text_ok(x->title, 1, TITLE_MAX, false))
		return "请填写名称（不超过100字，一行）";
	if (!ledger_text_ok(x->description, 0, DESCRIPTION_MAX, true))
		return "说明不超过2000字";
	if (x->department_id && !db_scalar(d, 0, "SELECT count(*) FROM departments WHERE id = ?"
						 " AND active = 1", "i", x->department_id))
		return "责任单位无效";
	if (x->person_id && !str_empty(x->person_name))
		return "责任人请从人员中选择或填写名称，二者选一";
	if (x->person_id && !db_scalar(d, 0, "SELECT count(*) FROM users WHERE id = ? AND active = 1",
				       "i", x->person_id))
		return "责任人须为在岗人员";
	if (!ledger_text_ok(x->person_name, 0, PERSON_MAX, false))
		return "责任人名称不超过50字";
	if (x->recurrence < 0 || x->recurrence >= DUTY_NRECURRENCES ||
	    !duty_rule_valid(x->recurrence, x->due_month, x->due_day))
		return "周期和完成时间不正确（如每年12月31日、每月25日、每周五）";
	if (x->next_due[0] && !calendar_date_valid(x->next_due))
		return "下次应完成日期应为 YYYY-MM-DD";
	if (x->lead_days < 0 || x->lead_days > LEAD_MAX)
		return "提前提醒天数应为0到60个工作日";
	return NULL;
}

struct save_ctx {
	const actor *who;
	const duty *x;
	int64_t now, id;
	char **msg;
};

/* Insert or update c->x with next due date `next`. */
static int write_duty(db *d, struct save_ctx *c, const char *next)
{
	const duty *x = c->x;
	const char *rec = duty_recurrence_name(x->recurrence);
	if (x->id) {
		int r = db_exec(d, "UPDATE duties SET title = ?, description = ?, department_id = ?,"
				   " person_id = ?, person_name = ?, recurrence = ?, due_month = ?,"
				   " due_day = ?, next_due = ?, lead_days = ?, updated_at = ? WHERE id = ?",
				"ttzztt" "iitiii", x->title, x->description ? x->description : "",
				x->department_id, x->person_id, x->person_name ? x->person_name : "", rec,
				(int64_t)x->due_month, (int64_t)x->due_day, next, (int64_t)x->lead_days,
				c->now, x->id);
		if (r != DB_DONE)
			return LEDGER_ERROR;
		c->id = x->id;
		return db_changes(d) == 1 ? LEDGER_OK : LEDGER_NOT_FOUND;
	}
	db_stmt *q = db_query(d, "INSERT INTO duties(title, description, department_id, person_id,"
				 " person_name, recurrence, due_month, due_day, next_due, lead_days,"
				 " created_by, created_at, updated_at)"
				 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "ttzztt" "iitizii", x->title, x->description ? x->description : "",
			      x->department_id, x->person_id, x->person_name ? x->person_name : "",
			      rec, (int64_t)x->due_month, (int64_t)x->due_day, next,
			      (int64_t)x->lead_days, c->who->user_id, c->now, c->now);
	int r = db_step(q);
	if (r == DB_ROW)
		c->id = db_int(q, 0);
	db_done(q);
	return r == DB_ROW ? LEDGER_OK : LEDGER_ERROR;
}

static int save_tx(db *d, void *vctx)
{
	struct save_ctx *c = vctx;
	char today[11], next[11];
	const char *bad = check_fields(d, c->x);
	if (bad)
		return ledger_invalid(c->msg, bad);
	ledger_today(c->now, today);
	if (c->x->next_due[0])
		snprintf(next, sizeof next, "%s", c->x->next_due);
	else if (!duty_due_on_or_after(c->x->recurrence, c->x->due_month, c->x->due_day, today,
				       next))
		return ledger_invalid(c->msg, "无法计算下次应完成日期");
	return write_duty(d, c, next);
}

int duty_save(db *d, const actor *who, const duty *x, int64_t now, int64_t *id_out, char **msg)
{
	if (!keeps_duties(who))
		return LEDGER_FORBIDDEN;
	struct save_ctx c = {who, x, now, 0, msg};
	int rc = db_transact(d, save_tx, &c);
	if (rc == LEDGER_OK && id_out)
		*id_out = c.id;
	return rc <= DB_ERROR ? LEDGER_ERROR : rc;
}

struct active_ctx {
	int64_t id, now;
	bool active;
};

static int active_tx(db *d, void *vctx)
{
	struct active_ctx *c = vctx;
	char today[11], next[11];
	duty x;
	ledger_today(c->now, today);
	int rc = duty_load(d, c->id, today, &x);
	if (rc != LEDGER_OK)
		return rc;
	/* Why: a duty resumed after months off is due by its rule from now on,
	 * not overdue for the time it was stopped. */
	if (!c->active || strcmp(x.next_due, today) >= 0 ||
	    !duty_due_on_or_after(x.recurrence, x.due_month, x.due_day, today, next))
		snprintf(next, sizeof next, "%s", x.next_due);
	rc = db_exec(d, "UPDATE duties SET active = ?, next_due = ?, updated_at = ? WHERE id = ?",
		     "itii", (int64_t)c->active, next, c->now, c->id) == DB_DONE
		     ? LEDGER_OK : LEDGER_ERROR;
	duty_clear(&x);
	return rc;
}

int duty_set_active(db *d, const actor *who, int64_t id, bool active, int64_t now)
{
	if (!keeps_duties(who))
		return LEDGER_FORBIDDEN;
	struct active_ctx c = {id, now, active};
	int rc = db_transact(d, active_tx, &c);
	return rc <= DB_ERROR ? LEDGER_ERROR : rc;
}

/* ---- marking done ---- */

bool duty_may_complete(const actor *who, const duty *x)
{
	/* Why: observers (the supervision committee) read and never write,
	 * even a duty named for one of them. */
	if (!who || !x || !(who->role & (ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK | ROLE_HANDLER)))
		return false;
	if (who->role & (ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK))
		return true;
	if (who->user_id && x->person_id && who->user_id == x->person_id)
		return true;
	/* Why: a handler answers for their own department's duties only. */
	return who->role == ROLE_HANDLER && who->department_id > 0 &&
	       who->department_id == x->department_id;
}

struct done_ctx {
	const actor *who;
	int64_t id, now;
	const char *seen_due, *note;
	char **msg;
};

/* The next due date after a completion on `today` of the date `due`. */
static bool next_after(const duty *x, const char *due, const char *today, char out[11])
{
	tz_date t;
	char from[11];
	workday_date_parse(strcmp(due, today) > 0 ? due : today, &t);
	workday_date_format(workday_date_add_days(t, 1), from);
	return duty_due_on_or_after(x->recurrence, x->due_month, x->due_day, from, out);
}

static int done_tx(db *d, void *vctx)
{
	struct done_ctx *c = vctx;
	char today[11], next[11], label[200];
	duty x;
	ledger_today(c->now, today);
	int rc = duty_load(d, c->id, today, &x);
	if (rc != LEDGER_OK)
		return rc;
	if (!duty_may_complete(c->who, &x))
		rc = LEDGER_FORBIDDEN;
	else if (!x.active)
		rc = LEDGER_BAD_STATE;
	else if (c->seen_due && strcmp(c->seen_due, x.next_due) != 0)
		rc = LEDGER_CONFLICT;
	else if (!next_after(&x, x.next_due, today, next))
		rc = ledger_invalid(c->msg, "无法计算下次应完成日期");
	actor_label_for(c->who, label, sizeof label);
	if (rc == LEDGER_OK &&
	    db_exec(d, "INSERT INTO duty_records(duty_id, due, done_at, user_id, actor_label, note)"
		       " VALUES (?, ?, ?, ?, ?, ?)", "itizt" "t", x.id, x.next_due, c->now,
		    c->who->user_id, label, c->note ? c->note : "") != DB_DONE)
		rc = LEDGER_ERROR;
	if (rc == LEDGER_OK &&
	    db_exec(d, "UPDATE duties SET next_due = ?, updated_at = ? WHERE id = ? AND next_due = ?",
		    "tiit", next, c->now, x.id, x.next_due) != DB_DONE)
		rc = LEDGER_ERROR;
	if (rc == LEDGER_OK && db_changes(d) != 1)
		rc = LEDGER_CONFLICT;
	duty_clear(&x);
	return rc;
}

int duty_complete(db *d, const actor *who, int64_t id, const char *seen_due, const char *note,
		  int64_t now, char **msg)
{
	if (!ledger_text_ok(note, 0, NOTE_MAX, true))
		return ledger_invalid(msg, "完成情况说明不超过1000字");
	if (seen_due && !calendar_date_valid(seen_due))
		return ledger_invalid(msg, "页面已过期，请刷新后重试");
	struct done_ctx c = {who, id, now, seen_due, note, msg};
	int rc = db_transact(d, done_tx, &c);
	return rc <= DB_ERROR ? LEDGER_ERROR : rc;
}

void duty_records_free(duty_record *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].actor_label);
		free(v[i].note);
	}
	free(v);
}

int duty_records(db *d, int64_t id, int limit, duty_record **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *q = db_query(d, "SELECT id, duty_id, COALESCE(user_id, 0), done_at, due, actor_label,"
				 " note FROM duty_records WHERE duty_id = ? ORDER BY id DESC LIMIT ?",
			      "ii", id, (int64_t)limit);
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		duty_record *x = &(*out)[(*n)++];
		x->id = db_int(q, 0);
		x->duty_id = db_int(q, 1);
		x->user_id = db_int(q, 2);
		x->done_at = db_int(q, 3);
		snprintf(x->due, sizeof x->due, "%s", db_text(q, 4) ? db_text(q, 4) : "");
		x->actor_label = db_text_dup(q, 5);
		x->note = db_text_dup(q, 6);
	}
	db_done(q);
	if (r != DB_DONE) {
		duty_records_free(*out, *n);
		*out = NULL;
		*n = 0;
		return LEDGER_ERROR;
	}
	return LEDGER_OK;
}
