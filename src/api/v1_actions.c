/*
 * v1_actions.c — the lifecycle through the staff API
 * (POST /api/v1/matters/{number}/actions/{action}).
 *
 * Each action takes a small JSON body (the table below names its fields;
 * every body may carry `version`, the version the client last saw) and
 * answers with the updated matter. The handler reads and checks the
 * fields' types and codes, then calls matter_act() once, which checks the
 * version, the role (a handler only in their own department), the state
 * and the values, and changes nothing unless everything holds:
 *
 *   unknown action 404 · unknown matter 404 · stale version 409
 *   role or department not allowed 403 · not in this state 409 · values 422
 */
#include <stdlib.h>
#include <string.h>

#include "api/staff_api.h"
#include "api/v1_json.h"
#include "base/util.h"
#include "ledger/calendar.h"
#include "ledger/callback.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "ledger/supervise.h"
#include "ledger/user.h"

#define MAX_CODEPARTMENTS 20

/* The actions of the API and the body fields each takes. The ledger's
 * request_extension is a page-only step for now (see docs/api.md). */
static const struct api_action {
	const char *name;
	int act;
	const char *fields[6];
} api_actions[] = {
	{"accept", ACT_ACCEPT, {"version"}},
	{"reject", ACT_REJECT, {"version", "reason"}},
	{"assign", ACT_ASSIGN, {"version", "department", "person", "deadline", "co_departments"}},
	{"progress", ACT_PROGRESS, {"version", "note", "public"}},
	{"extend", ACT_EXTEND, {"version", "until", "reason"}},
	{"return", ACT_RETURN, {"version", "reason"}},
	{"resolve", ACT_RESOLVE, {"version", "result"}},
	{"close", ACT_CLOSE, {"version"}},
	{"reopen", ACT_REOPEN, {"version", "reason"}},
	{"merge", ACT_MERGE, {"version", "into"}},
	{"rate", ACT_RATE, {"version", "rating"}},
	{"urge", ACT_URGE, {"version", "level", "note"}},
	{"callback", ACT_CALLBACK, {"version", "outcome", "solved", "rating", "note"}},
};

static const struct api_action *find_action(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_LEN(api_actions); i++)
		if (strcmp(api_actions[i].name, name) == 0)
			return &api_actions[i];
	return NULL;
}

/* What one request needs besides the action input. */
typedef struct act_read {
	v1_in in;
	v1_catalog cat;
	db *d;
	int64_t codeps[MAX_CODEPARTMENTS];
} act_read;

/* A civil date field (YYYY-MM-DD); NULL when absent. */
static const char *date_field(act_read *r, const char *name, bool required)
{
	const char *v = v1_in_str(&r->in, name, required);
	if (v && !calendar_date_valid(v))
		v1_in_fail(&r->in, V1_FIELD_INVALID, name, "应为日期 YYYY-MM-DD");
	return v;
}

/* assign: department and co-departments by code, person by login. */
static void read_assign(act_read *r, action_input *in)
{
	const char *dept = v1_in_str(&r->in, "department", true);
	const char *person = v1_in_str(&r->in, "person", false);
	json_t *co = v1_in_strings(&r->in, "co_departments", MAX_CODEPARTMENTS), *item;
	size_t i;
	in->deadline = date_field(r, "deadline", false);
	if (dept && !(in->department_id = v1_department_id(&r->cat, dept)))
		v1_in_fail(&r->in, V1_FIELD_INVALID, "department", "不是已有的单位代码");
	json_array_foreach(co, i, item) {
		r->codeps[i] = v1_department_id(&r->cat, json_string_value(item));
		if (!r->codeps[i])
			v1_in_fail(&r->in, V1_FIELD_INVALID, "co_departments", "含有不存在的单位代码");
	}
	in->codepartments = r->codeps;
	in->ncodepartments = co ? json_array_size(co) : 0;
	if (person && !r->in.failed) {
		user u;
		int rc = user_find_login(r->d, person, &u);
		in->assignee_id = u.id;
		user_clear(&u);
		if (rc != LEDGER_OK)
			v1_in_fail(&r->in, V1_FIELD_INVALID, "person", "不是已有的登录名");
	}
}

/* rate: the API's rating names. */
static void read_rate(act_read *r, action_input *in)
{
	const char *rating = v1_in_str(&r->in, "rating", true);
	in->rating = v1_rating_to_ledger(rating);
	if (rating && !in->rating)
		v1_in_fail(&r->in, V1_FIELD_INVALID, "rating",
			   "应为 satisfied、basically_satisfied 或 dissatisfied");
}

/* callback: the outcome, and when reached whether it is solved, the
 * rating (the API's names) and what the resident said. The ledger says
 * which of them a reached or a missed call needs. */
static void read_callback(act_read *r, action_input *in)
{
	const char *rating = v1_in_str(&r->in, "rating", false);
	in->outcome = v1_in_str(&r->in, "outcome", true);
	if (in->outcome && !callback_outcome_valid(in->outcome))
		v1_in_fail(&r->in, V1_FIELD_INVALID, "outcome",
			   "应为 reached、no_answer、busy、refused、wrong_number 或 unreachable");
	if (v1_in_has(&r->in, "solved"))
		in->solved = v1_in_bool(&r->in, "solved", false) ? "yes" : "no";
	in->rating = v1_rating_to_ledger(rating);
	if (rating && !in->rating)
		v1_in_fail(&r->in, V1_FIELD_INVALID, "rating",
			   "应为 satisfied、basically_satisfied 或 dissatisfied");
	in->note = v1_in_str(&r->in, "note", false);
	/* Why: the resident's words stay off the public timeline. */
	in->note_public = false;
}

/* urge: the 督办 tier 1..3 (日常, 挂牌, 约谈) and the instruction, both
 * required; the ledger checks the tier against the matter's. */
static void read_urge(act_read *r, action_input *in)
{
	if (!v1_in_has(&r->in, "level"))
		v1_in_fail(&r->in, V1_FIELD_MISSING, "level", "必填：1 日常督办、2 挂牌督办、3 约谈督办");
	in->urge_level = (int)v1_in_int(&r->in, "level", URGE_DAILY, URGE_INTERVIEW, 0);
	in->note = v1_in_str(&r->in, "note", true);
}

/* The body's fields into *in for action a (strings borrowed from the
 * body). */
static void read_fields(act_read *r, const struct api_action *a, action_input *in)
{
	memset(in, 0, sizeof *in);
	in->act = a->act;
	in->version = v1_in_int(&r->in, "version", 1, INT64_MAX, 0);
	/* Results and reasons are public by the ledger's rule; only a
	 * progress note may be kept internal, and is unless asked. */
	in->note_public = true;
	switch (a->act) {
	case ACT_REJECT: case ACT_RETURN: case ACT_REOPEN:
		in->note = v1_in_str(&r->in, "reason", true);
		break;
	case ACT_ASSIGN: read_assign(r, in); break;
	case ACT_PROGRESS:
		in->note = v1_in_str(&r->in, "note", true);
		in->note_public = v1_in_bool(&r->in, "public", false);
		break;
	case ACT_EXTEND:
		in->deadline = date_field(r, "until", true);
		in->note = v1_in_str(&r->in, "reason", true);
		break;
	case ACT_RESOLVE: in->note = v1_in_str(&r->in, "result", true); break;
	case ACT_MERGE: in->merge_into = v1_in_str(&r->in, "into", true); break;
	case ACT_RATE: read_rate(r, in); break;
	case ACT_URGE: read_urge(r, in); break;
	case ACT_CALLBACK: read_callback(r, in); break;
	default: break; /* accept, close: nothing but the version */
	}
}

/* Does matter `number` exist? Answers 404 (or 500) when not. */
static bool matter_exists_or_404(request *rq, response *rs, const char *number)
{
	int64_t n = 0;
	if (!str_empty(number))
		n = db_scalar(rq->db, -1, "SELECT count(*) FROM matters WHERE number = ?", "t", number);
	if (n > 0)
		return true;
	if (n < 0)
		v1_fail_ledger(rs, LEDGER_ERROR, NULL, V1_MATTER_NOT_FOUND);
	else
		v1_fail(rs, 404, V1_MATTER_NOT_FOUND, "没有找到这个事项，请核对编号", NULL);
	return false;
}

void v1_matter_action(request *rq, response *rs)
{
	const char *number = rq->nargs > 0 ? rq->args[0] : NULL;
	const struct api_action *a = find_action(rq->nargs > 1 ? rq->args[1] : NULL);
	act_read r = {.d = rq->db};
	action_input in;
	json_t *body = NULL;
	char *msg = NULL;
	int64_t version = 0;
	if (!a) {
		v1_fail(rs, 404, V1_ACTION_UNKNOWN, "没有这个操作", NULL);
		goto done;
	}
	if (!matter_exists_or_404(rq, rs, number) || !(body = v1_body_or_error(rq, rs)))
		goto done;
	if (v1_catalog_load(&r.cat, rq->db) != LEDGER_OK) {
		v1_fail_ledger(rs, LEDGER_ERROR, NULL, V1_MATTER_NOT_FOUND);
		goto done;
	}
	r.in = v1_in_start(rs, body, "");
	v1_in_known(&r.in, a->fields);
	read_fields(&r, a, &in);
	if (r.in.failed)
		goto done;
	int rc = matter_act(rq->db, &rq->who, number, &in, rq->now, &version, &msg);
	if (rc == LEDGER_OK)
		v1_reply_matter(rq, rs, number, 200);
	else
		v1_fail_ledger(rs, rc, msg, V1_MATTER_NOT_FOUND);
done:
	free(msg);
	v1_catalog_free(&r.cat);
	json_decref(body);
}
