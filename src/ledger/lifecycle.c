/*
 * lifecycle.c — the lifecycle table and matter_act(), the one function that
 * changes a matter after submission.
 *
 * Every action runs in one write transaction: load the matter, check the
 * version the actor saw (optimistic concurrency), the role and the state,
 * validate the input, update the row with version = version + 1 guarded by
 * the old version, and append the event. Any failure rolls everything back.
 */
#include "ledger/lifecycle.h"
#include "ledger/action_apply.h"
#include "ledger/ledger.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define S(x) (1u << (x))
#define SAME -1

typedef struct rule {
	const char *name, *label;
	unsigned from;  /* statuses it applies to */
	unsigned roles; /* ROLE_* bits allowed; ROLE_NONE is written as RESIDENT */
	bool resident;  /* also an anonymous resident (with the 查询码) */
	int to;         /* next status, or SAME */
} rule;

static const unsigned WORKING = S(ST_ASSIGNED) | S(ST_IN_PROGRESS) | S(ST_REOPENED);
static const unsigned OPEN = S(ST_SUBMITTED) | S(ST_ACCEPTED) | S(ST_RETURNED) |
			     S(ST_ASSIGNED) | S(ST_IN_PROGRESS) | S(ST_REOPENED);
static const unsigned INTAKE = ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK;
static const unsigned HANDLING = ROLE_ADMIN | ROLE_LEADER | ROLE_HANDLER;
static const unsigned VERIFY = ROLE_ADMIN | ROLE_LEADER;

/* The lifecycle: action, from which statuses, by whom, to what. */
static const rule rules[ACT_COUNT] = {
	[ACT_ACCEPT] = {"accept", "受理", S(ST_SUBMITTED) | S(ST_RETURNED), INTAKE, false, ST_ACCEPTED},
	[ACT_REJECT] = {"reject", "不予受理", S(ST_SUBMITTED) | S(ST_RETURNED) | S(ST_ACCEPTED), INTAKE,
			false, ST_REJECTED},
	[ACT_ASSIGN] = {"assign", "派单",
			S(ST_SUBMITTED) | S(ST_ACCEPTED) | S(ST_RETURNED) | S(ST_REOPENED) |
				S(ST_ASSIGNED) | S(ST_IN_PROGRESS),
			INTAKE, false, ST_ASSIGNED},
	[ACT_PROGRESS] = {"progress", "办理进展", WORKING, HANDLING, false, ST_IN_PROGRESS},
	[ACT_REQUEST_EXTENSION] = {"request_extension", "申请延期", WORKING, ROLE_HANDLER, false, SAME},
	[ACT_EXTEND] = {"extend", "延期", WORKING, VERIFY, false, SAME},
	[ACT_RETURN] = {"return", "退单", S(ST_ASSIGNED) | S(ST_IN_PROGRESS),
			ROLE_ADMIN | ROLE_HANDLER, false, ST_RETURNED},
	[ACT_RESOLVE] = {"resolve", "办结", WORKING, HANDLING, false, ST_RESOLVED},
	[ACT_RATE] = {"rate", "评价", S(ST_RESOLVED), INTAKE, true, SAME},
	[ACT_CLOSE] = {"close", "销号", S(ST_RESOLVED), VERIFY, false, ST_CLOSED},
	[ACT_REOPEN] = {"reopen", "重办", S(ST_RESOLVED) | S(ST_CLOSED), VERIFY, false, ST_REOPENED},
	[ACT_MERGE] = {"merge", "合并", OPEN, INTAKE, false, ST_MERGED},
	/* 督办 by a leader: the tier (ledger/supervise.h) is checked in
	 * action_apply.c; the status stays. */
	[ACT_URGE] = {"urge", "督办", OPEN, VERIFY, false, SAME},
	/* 回访: the next status depends on the call (lifecycle_next_of). */
	[ACT_CALLBACK] = {"callback", "回访", S(ST_RESOLVED), INTAKE, false, SAME},
};

const char *action_name(int act)
{
	return act >= 0 && act < ACT_COUNT ? rules[act].name : "unknown";
}

const char *action_label(int act)
{
	return act >= 0 && act < ACT_COUNT ? rules[act].label : "未知";
}

int action_from_name(const char *name)
{
	for (int i = 0; name && i < ACT_COUNT; i++)
		if (strcmp(rules[i].name, name) == 0)
			return i;
	return -1;
}

/* May this actor's role take the action at all (ignoring the state)? */
static bool role_allowed(int act, const actor *who, int64_t matter_department_id)
{
	const rule *r = &rules[act];
	if (!who || who->role == ROLE_NONE)
		return r->resident;
	if (!(r->roles & who->role))
		return false;
	/* Why: a handler works only on their own department's matters. */
	if (who->role == ROLE_HANDLER)
		return who->department_id && who->department_id == matter_department_id;
	return true;
}

bool lifecycle_allowed(int act, int st, const actor *who, int64_t matter_department_id)
{
	if (act < 0 || act >= ACT_COUNT || st < 0 || st >= ST_COUNT)
		return false;
	return (rules[act].from & S(st)) && role_allowed(act, who, matter_department_id);
}

int lifecycle_next(int act, int st, const char *rating)
{
	if (act == ACT_RATE)
		return rating && strcmp(rating, "dissatisfied") == 0 ? ST_REOPENED : st;
	if (act < 0 || act >= ACT_COUNT)
		return st;
	return rules[act].to == SAME ? st : rules[act].to;
}

int lifecycle_next_of(const action_input *in, int st)
{
	if (in->act != ACT_CALLBACK)
		return lifecycle_next(in->act, st, in->rating);
	/* A call that reached the resident sends the matter back (重办) when
	 * they are dissatisfied or say the problem is not solved. */
	bool reached = str_cmp0(in->outcome, "reached") == 0;
	bool back = str_cmp0(in->rating, "dissatisfied") == 0 || str_cmp0(in->solved, "no") == 0;
	return reached && back ? ST_REOPENED : st;
}

unsigned lifecycle_available(const actor *who, const matter *m)
{
	unsigned bits = 0;
	for (int a = 0; a < ACT_COUNT; a++)
		if (lifecycle_allowed(a, m->status, who, m->department_id))
			bits |= 1u << a;
	/* A rating is taken once, by the resident or on a callback. */
	if (!str_empty(m->rating))
		bits &= ~((1u << ACT_RATE) | (1u << ACT_CALLBACK));
	return bits;
}

struct act_ctx {
	const actor *who;
	const char *number;
	const action_input *in;
	int64_t now;
	int64_t version_out;
	char **msg;
};

static int fail(char **msg, int rc, const char *text)
{
	if (text && msg && !*msg)
		*msg = xstrdup(text);
	return rc;
}

static int act_tx(db *d, void *vctx)
{
	struct act_ctx *x = vctx;
	const action_input *in = x->in;
	act_state s;
	int rc = act_state_load(d, x->number, &s);
	if (rc != LEDGER_OK)
		return fail(x->msg, rc, rc == LEDGER_NOT_FOUND ? "事项不存在" : NULL);
	if (in->version && in->version != s.version)
		rc = fail(x->msg, LEDGER_CONFLICT, "该事项已被他人更新，请刷新后重试");
	else if (!role_allowed(in->act, x->who, s.department_id))
		rc = fail(x->msg, LEDGER_FORBIDDEN, "您无权对该事项执行此操作");
	else if (!(rules[in->act].from & S(s.status)))
		rc = fail(x->msg, LEDGER_BAD_STATE, "该事项当前状态不能执行此操作");
	else if ((in->act == ACT_RATE || in->act == ACT_CALLBACK) && !str_empty(s.rating))
		rc = fail(x->msg, LEDGER_BAD_STATE, "该事项已评价");
	else
		rc = act_apply(d, x->who, &s, in, lifecycle_next_of(in, s.status), x->now, x->msg);
	if (rc == LEDGER_OK)
		x->version_out = s.version + 1;
	act_state_clear(&s);
	return rc;
}

int matter_act(db *d, const actor *who, const char *number, const action_input *in,
	       int64_t now, int64_t *version_out, char **msg)
{
	if (!in || in->act < 0 || in->act >= ACT_COUNT)
		return fail(msg, LEDGER_INVALID, "未知的操作");
	if (str_empty(number))
		return fail(msg, LEDGER_NOT_FOUND, "事项不存在");
	struct act_ctx x = {who, number, in, now, 0, msg};
	int rc = db_transact(d, act_tx, &x);
	if (rc == LEDGER_OK && version_out)
		*version_out = x.version_out;
	if (rc <= DB_ERROR)
		rc = fail(msg, LEDGER_ERROR, "保存失败，请稍后重试");
	return rc;
}

int event_list(db *d, int64_t matter_id, bool public_only, event **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *q = db_query(d,
			      "SELECT id, at, actor_id, actor_label, action, from_status, to_status,"
			      " note, data, public FROM events WHERE matter_id = ?"
			      " AND (public = 1 OR ? = 0) ORDER BY id",
			      "ii", matter_id, (int64_t)(public_only ? 1 : 0));
	size_t cap = 0;
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		event *e = &(*out)[(*n)++];
		e->id = db_int(q, 0);
		e->at = db_int(q, 1);
		e->actor_id = db_int(q, 2);
		e->actor_label = db_text_dup(q, 3);
		e->action = db_text_dup(q, 4);
		e->from_status = db_text_dup(q, 5);
		e->to_status = db_text_dup(q, 6);
		e->note = db_text_dup(q, 7);
		e->data = db_text_dup(q, 8);
		e->is_public = db_int(q, 9) != 0;
	}
	db_done(q);
	if (r != DB_DONE) {
		event_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

void event_list_free(event *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].actor_label);
		free(v[i].action);
		free(v[i].from_status);
		free(v[i].to_status);
		free(v[i].note);
		free(v[i].data);
	}
	free(v);
}

int event_notes(db *d, int64_t matter_id, const char *action, bool public_only,
		void (*fn)(void *ctx, int64_t at, const char *note), void *ctx)
{
	db_stmt *q = db_query(d,
			      "SELECT at, note FROM events WHERE matter_id = ? AND action = ?"
			      " AND note <> '' AND (public = 1 OR ? = 0) ORDER BY id",
			      "iti", matter_id, action, (int64_t)(public_only ? 1 : 0));
	int r;
	while ((r = db_step(q)) == DB_ROW)
		fn(ctx, db_int(q, 0), db_text(q, 1));
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}
