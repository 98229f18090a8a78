/*
 * callback.c — the callback desk's side of the ledger (callback.h): the
 * outcomes of a call, the attempts counted from the event log, the list
 * of matters awaiting their callback, and closing the ones nobody rated.
 *
 * The attempts are the matter's 'callback_missed' events since its latest
 * resolution, not a counter of their own: the log is the one record of
 * what was done, and a matter resolved again after 重办 starts afresh.
 */
#include "ledger/callback.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "base/buf.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_DEFAULT 50
#define LIST_MAX 200

static const struct {
	const char *name, *label;
} outcomes[] = {
	{"reached", "已接通"},       {"no_answer", "无人接听"},
	{"busy", "占线"},            {"refused", "拒接"},
	{"wrong_number", "号码错误或空号"}, {"unreachable", "关机或停机"},
};

const char *callback_outcome(int i)
{
	return i >= 0 && i < (int)ARRAY_LEN(outcomes) ? outcomes[i].name : NULL;
}

bool callback_outcome_valid(const char *outcome)
{
	for (size_t i = 0; outcome && i < ARRAY_LEN(outcomes); i++)
		if (strcmp(outcomes[i].name, outcome) == 0)
			return true;
	return false;
}

const char *callback_outcome_label(const char *outcome)
{
	for (size_t i = 0; outcome && i < ARRAY_LEN(outcomes); i++)
		if (strcmp(outcomes[i].name, outcome) == 0)
			return outcomes[i].label;
	return "未知";
}

int64_t callback_attempts(db *d, int64_t matter_id)
{
	return db_scalar(d, -1,
			 "SELECT count(*) FROM events e JOIN matters m ON m.id = e.matter_id"
			 " WHERE e.matter_id = ? AND e.action = 'callback_missed'"
			 " AND e.at >= COALESCE(m.resolved_at, 0)",
			 "i", matter_id);
}

/* ---- the task list ---- */

/* The matters awaiting a callback with their attempts; the filter's binds
 * (department twice) follow. Wrapped by the list and the count. */
#define WAITING_SQL                                                                            \
	"SELECT m.id, m.version, COALESCE(m.department_id, 0), m.number, m.title,"             \
	" COALESCE(dp.name, ''), m.submitter_name, m.submitter_phone, m.public, m.resolved_at," \
	" (SELECT count(*) FROM events e WHERE e.matter_id = m.id"                              \
	"  AND e.action = 'callback_missed' AND e.at >= m.resolved_at) AS attempts,"           \
	" (SELECT e.id FROM events e WHERE e.matter_id = m.id"                                  \
	"  AND e.action = 'callback_missed' AND e.at >= m.resolved_at"                          \
	"  ORDER BY e.id DESC LIMIT 1) AS last_id"                                              \
	" FROM matters m LEFT JOIN departments dp ON dp.id = m.department_id"                  \
	" WHERE m.status = 'resolved' AND m.rating IS NULL AND m.resolved_at IS NOT NULL"      \
	" AND (? = 0 OR m.department_id = ?)"

/* The attempts bounds of the filter, as the wrapped queries bind them. */
#define ATTEMPTS_WHERE " WHERE t.attempts >= ? AND (? < 0 OR t.attempts <= ?)"

static void task_read(db_stmt *q, const actor *who, callback_task *x)
{
	memset(x, 0, sizeof *x);
	x->matter_id = db_int(q, 0);
	x->version = db_int(q, 1);
	x->department_id = db_int(q, 2);
	x->number = db_text_dup(q, 3);
	x->title = db_text_dup(q, 4);
	x->department_name = db_text_dup(q, 5);
	/* Why: the resident's name and phone go only to staff who must call
	 * them (actor_sees_personal_of: a handler only for their own
	 * department's matters). */
	bool personal = actor_sees_personal_of(who, x->department_id);
	x->submitter_name = xstrdup(personal && db_text(q, 6) ? db_text(q, 6) : "");
	x->submitter_phone = xstrdup(personal && db_text(q, 7) ? db_text(q, 7) : "");
	x->is_public = db_int(q, 8) != 0;
	x->resolved_at = db_int(q, 9);
	x->attempts = (int)db_int(q, 10);
	x->last_at = db_int(q, 12);
	/* Why only then: the clerk's words (the event's data, action_apply.c)
	 * may say who answered or what was heard. */
	const char *words = personal ? db_text(q, 14) : NULL;
	x->last_note = str_printf("%s%s%s", db_text(q, 13) ? db_text(q, 13) : "",
				  str_empty(words) ? "" : "：", str_empty(words) ? "" : words);
}

void callback_tasks_free(callback_task *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].number);
		free(v[i].title);
		free(v[i].department_name);
		free(v[i].submitter_name);
		free(v[i].submitter_phone);
		free(v[i].last_note);
	}
	free(v);
}

/* Fill in the working days each task has waited since its resolution. */
static void count_waited(db *d, int64_t now, callback_task *v, size_t n)
{
	char today[11], resolved[11];
	workday_cal *cal = calendar_load(d);
	ledger_today(now, today);
	for (size_t i = 0; i < n; i++) {
		ledger_today(v[i].resolved_at, resolved);
		v[i].waited = calendar_workdays_between(cal, resolved, today);
	}
	workday_cal_free(cal);
}

int callback_list(db *d, const actor *who, const callback_filter *f, int64_t now,
		  callback_task **out, size_t *n, int64_t *total)
{
	int64_t dep = f->department_id, amin = f->attempts_min, amax = f->attempts_max;
	int limit = f->limit <= 0 ? LIST_DEFAULT : f->limit > LIST_MAX ? LIST_MAX : f->limit;
	*out = NULL;
	*n = 0;
	*total = db_scalar(d, -1, "SELECT count(*) FROM (" WAITING_SQL ") t" ATTEMPTS_WHERE,
			   "iiiii", dep, dep, amin, amax, amax);
	if (*total < 0)
		return LEDGER_ERROR;
	db_stmt *q = db_query(d,
			      "SELECT t.*, COALESCE(e.at, 0), COALESCE(e.note, ''),"
			      " json_extract(e.data, '$.comment') FROM ("
			      WAITING_SQL ") t LEFT JOIN events e ON e.id = t.last_id" ATTEMPTS_WHERE
			      " ORDER BY t.resolved_at, t.id LIMIT ? OFFSET ?",
			      "iiiiiii", dep, dep, amin, amax, amax, (int64_t)limit,
			      (int64_t)(f->offset > 0 ? f->offset : 0));
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		task_read(q, who, &(*out)[(*n)++]);
	}
	db_done(q);
	if (r != DB_DONE) {
		callback_tasks_free(*out, *n);
		*out = NULL;
		*n = 0;
		return LEDGER_ERROR;
	}
	count_waited(d, now, *out, *n);
	return LEDGER_OK;
}

int callback_count(db *d, int64_t now, callback_counts *out)
{
	char today[11];
	memset(out, 0, sizeof *out);
	ledger_today(now, today);
	db_stmt *q = db_query(d,
			      "SELECT count(*), COALESCE(sum(CASE WHEN t.attempts = 0 THEN 1 ELSE 0 END), 0)"
			      " FROM (" WAITING_SQL ") t",
			      "ii", (int64_t)0, (int64_t)0);
	int r = db_step(q);
	if (r == DB_ROW) {
		out->waiting = db_int(q, 0);
		out->untried = db_int(q, 1);
		out->tried = out->waiting - out->untried;
	}
	db_done(q);
	if (r != DB_ROW)
		return LEDGER_ERROR;
	out->reached_today = db_scalar(d, -1, "SELECT count(*) FROM events WHERE at >= ?"
					      " AND action = 'callback'",
				       "i", calendar_day_start(today));
	return out->reached_today < 0 ? LEDGER_ERROR : LEDGER_OK;
}

/* ---- closing what nobody rated ---- */

typedef struct candidate {
	char *number;
	int64_t version;
	char resolved[11];
} candidate;

/* The resolved, unrated matters resolved before today, oldest first. */
static int candidates(db *d, const char *today, candidate **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *q = db_query(d, "SELECT number, version, resolved_at FROM matters"
				 " WHERE status = 'resolved' AND rating IS NULL"
				 " AND resolved_at IS NOT NULL AND resolved_at < ?"
				 " ORDER BY resolved_at, id",
			      "i", calendar_day_start(today));
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		candidate *c = &(*out)[(*n)++];
		c->number = db_text_dup(q, 0);
		c->version = db_int(q, 1);
		ledger_today(db_int(q, 2), c->resolved);
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* Close one matter as the system; LEDGER_OK, or the refusal when someone
 * acted on it meanwhile (rated, closed, reopened: its version moved). */
static int close_one(db *d, const actor *sys, const candidate *c, int64_t now)
{
	action_input in = {.act = ACT_CLOSE, .version = c->version,
			   .note = "逾期未评价，系统自动销号", .note_public = true};
	char *msg = NULL;
	int rc = matter_act(d, sys, c->number, &in, now, NULL, &msg);
	free(msg);
	return rc;
}

int callback_close_unrated(db *d, int64_t now, int days, int *closed)
{
	char today[11];
	candidate *v = NULL;
	size_t n = 0;
	int rc = LEDGER_OK;
	*closed = 0;
	if (days < 1)
		return LEDGER_INVALID;
	ledger_today(now, today);
	if (candidates(d, today, &v, &n) != LEDGER_OK)
		rc = LEDGER_ERROR;
	workday_cal *cal = calendar_load(d);
	actor sys = actor_system("系统");
	/* Oldest resolution first: the first one still inside its period
	 * ends the run, every later one is inside it too. */
	for (size_t i = 0; rc == LEDGER_OK && i < n; i++) {
		if (calendar_workdays_between(cal, v[i].resolved, today) <= days)
			break;
		int r = close_one(d, &sys, &v[i], now);
		if (r == LEDGER_OK)
			(*closed)++;
		else if (r != LEDGER_CONFLICT && r != LEDGER_BAD_STATE)
			rc = LEDGER_ERROR;
	}
	workday_cal_free(cal);
	for (size_t i = 0; i < n; i++)
		free(v[i].number);
	free(v);
	return rc;
}
