/*
 * action_apply.c — what each action does to a matter, once lifecycle.c has
 * checked that the actor may take it now. One function per action: validate
 * its input, update its columns, append its event. The status, version and
 * updated_at change in one guarded statement at the end (bump()).
 */
#include "ledger/action_apply.h"
#include "ledger/calendar.h"
#include "ledger/callback.h"
#include "ledger/ledger.h"
#include "ledger/search.h"
#include "ledger/supervise.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int act_state_load(db *d, const char *number, act_state *s)
{
	memset(s, 0, sizeof *s);
	db_stmt *q = db_query(d,
			      "SELECT id, version, department_id, category_id, status, number,"
			      " deadline, extension_request, rating FROM matters WHERE number = ?",
			      "t", number);
	int r = db_step(q);
	if (r == DB_ROW) {
		s->id = db_int(q, 0);
		s->version = db_int(q, 1);
		s->department_id = db_int(q, 2);
		s->category_id = db_int(q, 3);
		s->status = status_from_name(db_text(q, 4));
		s->number = db_text_dup(q, 5);
		s->deadline = db_text_dup(q, 6);
		s->extension_request = db_text_dup(q, 7);
		s->rating = db_text_dup(q, 8);
	}
	db_done(q);
	if (r == DB_ROW && s->status >= 0)
		return LEDGER_OK;
	return r == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
}

void act_state_clear(act_state *s)
{
	free(s->number);
	free(s->deadline);
	free(s->extension_request);
	free(s->rating);
	memset(s, 0, sizeof *s);
}

int event_append(db *d, int64_t matter_id, const actor *who, const char *action,
		 const char *from, const char *to, const char *note, bool is_public,
		 const char *data_json, int64_t now)
{
	char label[200];
	actor_label_for(who, label, sizeof label);
	int r = db_exec(d,
			"INSERT INTO events(matter_id, at, actor_id, actor_label, action, from_status,"
			" to_status, note, public, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"iizttttt" "it", matter_id, now, who ? who->user_id : 0, label, action, from, to,
			note ? note : "", (int64_t)(is_public ? 1 : 0), data_json ? data_json : "{}");
	/* Why here: every change to a matter's texts (result, notes, ...)
	 * comes with its event, after the columns are written. */
	return r == DB_DONE ? search_enqueue(d, matter_id) : LEDGER_ERROR;
}

/* A note of 1..max characters of valid UTF-8 (required: not only blanks)
 * or 0..max. */
static bool note_ok(const char *s, bool required, size_t max)
{
	if (str_empty(s) || utf8_blank(s))
		return !required && str_empty(s);
	size_t n = strlen(s);
	return utf8_valid(s, n) && utf8_count(s, n) <= max;
}

/* Status, version and updated_at, guarded by the version read in this
 * transaction; responded_at is set on the first staff response. */
static int bump(db *d, const actor *who, const act_state *s, int next, int64_t now)
{
	bool responds = who && who->role != ROLE_NONE && who->role != ROLE_APP;
	int r = db_exec(d,
			"UPDATE matters SET status = ?, version = version + 1, updated_at = ?,"
			" responded_at = CASE WHEN responded_at IS NULL AND ? = 1 THEN ? ELSE responded_at END"
			" WHERE id = ? AND version = ?",
			"tiiiii", status_name(next), now, (int64_t)(responds ? 1 : 0), now, s->id,
			s->version);
	if (r != DB_DONE)
		return LEDGER_ERROR;
	return db_changes(d) == 1 ? LEDGER_OK : LEDGER_CONFLICT;
}

typedef struct act_args {
	db *d;
	const actor *who;
	const act_state *s;
	const action_input *in;
	int next;
	int64_t now;
	char **msg;
	char today[11];
} act_args;

/* Write the event `action` with note and data (taken), then bump. */
static int finish_as(act_args *a, const char *action, const char *note, bool is_public,
		     json_t *data)
{
	char *json = data ? json_dumps(data, JSON_COMPACT) : NULL;
	int rc = event_append(a->d, a->s->id, a->who, action, status_name(a->s->status),
			      status_name(a->next), note, is_public, json, a->now);
	free(json);
	json_decref(data);
	return rc == LEDGER_OK ? bump(a->d, a->who, a->s, a->next, a->now) : rc;
}

/* Write the event of this action with note and data, then bump. */
static int finish(act_args *a, const char *note, bool is_public, json_t *data)
{
	return finish_as(a, action_name(a->in->act), note, is_public, data);
}

static int set_text(act_args *a, const char *sql, const char *value)
{
	return db_exec(a->d, sql, "ti", value, a->s->id) == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

static int do_accept(act_args *a)
{
	if (!note_ok(a->in->note, false, 2000))
		return ledger_invalid(a->msg, "说明不超过2000字");
	return finish(a, str_empty(a->in->note) ? "已受理" : a->in->note, true, NULL);
}

static int do_reject(act_args *a)
{
	if (!note_ok(a->in->note, true, 2000))
		return ledger_invalid(a->msg, "请填写不予受理的理由");
	int rc = set_text(a, "UPDATE matters SET reason = ? WHERE id = ?", a->in->note);
	return rc ? rc : finish(a, a->in->note, true, NULL);
}

/* The department named by id, active; writes its name. */
static int active_department(db *d, int64_t id, char **name)
{
	db_stmt *q = db_query(d, "SELECT name FROM departments WHERE id = ? AND active = 1", "i", id);
	int r = db_step(q);
	if (r == DB_ROW)
		*name = db_text_dup(q, 0);
	db_done(q);
	return r == DB_ROW ? LEDGER_OK : r == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
}

/* The deadline for an assignment: the one given (not before today), or the
 * category's resolve_days working days from today (15 without a category). */
static int assign_deadline(act_args *a, char out[11])
{
	if (!str_empty(a->in->deadline)) {
		if (!calendar_date_valid(a->in->deadline) || strcmp(a->in->deadline, a->today) < 0)
			return ledger_invalid(a->msg, "办理期限应为今天或以后的日期（YYYY-MM-DD）");
		snprintf(out, 11, "%s", a->in->deadline);
		return LEDGER_OK;
	}
	int64_t days = db_scalar(a->d, 15, "SELECT resolve_days FROM categories WHERE id = ?", "i",
				 a->s->category_id);
	return calendar_deadline(a->d, a->today, (int)days, out);
}

static int assign_codepartments(act_args *a)
{
	if (db_exec(a->d, "DELETE FROM matter_codepartments WHERE matter_id = ?", "i", a->s->id) !=
	    DB_DONE)
		return LEDGER_ERROR;
	for (size_t i = 0; i < a->in->ncodepartments; i++) {
		int64_t dep = a->in->codepartments[i];
		char *name = NULL;
		int rc = dep == a->in->department_id ? LEDGER_NOT_FOUND : active_department(a->d, dep, &name);
		free(name);
		if (rc == LEDGER_NOT_FOUND)
			return ledger_invalid(a->msg, "协办单位无效");
		if (rc != LEDGER_OK ||
		    db_exec(a->d, "INSERT INTO matter_codepartments(matter_id, department_id) VALUES (?, ?)"
				  " ON CONFLICT DO NOTHING", "ii", a->s->id, dep) != DB_DONE)
			return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

static int do_assign(act_args *a)
{
	char *dept = NULL, deadline[11] = "";
	int rc = a->in->department_id ? active_department(a->d, a->in->department_id, &dept)
				      : LEDGER_NOT_FOUND;
	if (rc == LEDGER_NOT_FOUND)
		rc = ledger_invalid(a->msg, "请选择责任单位");
	if (!rc && a->in->assignee_id &&
	    !db_scalar(a->d, 0, "SELECT count(*) FROM users WHERE id = ? AND active = 1 AND"
				" (department_id = ? OR role IN ('leader', 'admin'))",
		       "ii", a->in->assignee_id, a->in->department_id))
		rc = ledger_invalid(a->msg, "责任人须为该单位在岗人员");
	if (!rc && !note_ok(a->in->note, false, 2000))
		rc = ledger_invalid(a->msg, "说明不超过2000字");
	if (!rc)
		rc = assign_deadline(a, deadline);
	if (!rc && db_exec(a->d, "UPDATE matters SET department_id = ?, assignee_id = ?, deadline = ?,"
				 " reason = '' WHERE id = ?", "izti", a->in->department_id,
			   a->in->assignee_id, deadline, a->s->id) != DB_DONE)
		rc = LEDGER_ERROR;
	if (!rc)
		rc = assign_codepartments(a);
	if (!rc) {
		char *note = str_printf("派至%s办理，办理期限%s%s%s", dept, deadline,
					str_empty(a->in->note) ? "" : "。", a->in->note);
		json_t *data = json_pack("{s:I,s:s,s:I}", "department_id", (json_int_t)a->in->department_id,
					 "deadline", deadline, "assignee_id", (json_int_t)a->in->assignee_id);
		rc = finish(a, note, true, data);
		free(note);
	}
	free(dept);
	return rc;
}

static int do_progress(act_args *a)
{
	if (!note_ok(a->in->note, true, 2000))
		return ledger_invalid(a->msg, "请填写办理进展（不超过2000字）");
	return finish(a, a->in->note, a->in->note_public, NULL);
}

/* A new deadline for an extension: valid and later than the current one. */
static bool later_deadline(const act_args *a, const char *d)
{
	return calendar_date_valid(d) && strcmp(d, a->today) >= 0 &&
	       (!a->s->deadline || strcmp(d, a->s->deadline) > 0);
}

static int do_request_extension(act_args *a)
{
	if (!later_deadline(a, a->in->deadline))
		return ledger_invalid(a->msg, "申请的期限应晚于原办理期限");
	if (!note_ok(a->in->note, true, 2000))
		return ledger_invalid(a->msg, "请填写延期理由");
	int rc = set_text(a, "UPDATE matters SET extension_request = ? WHERE id = ?", a->in->deadline);
	char *note = str_printf("申请延期至%s：%s", a->in->deadline, a->in->note);
	if (!rc)
		rc = finish(a, note, false, json_pack("{s:s}", "deadline", a->in->deadline));
	free(note);
	return rc;
}

static int do_extend(act_args *a)
{
	const char *to = !str_empty(a->in->deadline) ? a->in->deadline : a->s->extension_request;
	if (!to || !later_deadline(a, to))
		return ledger_invalid(a->msg, "新的期限应晚于原办理期限");
	if (!note_ok(a->in->note, true, 2000))
		return ledger_invalid(a->msg, "请填写延期理由");
	char *dl = xstrdup(to);
	int rc = db_exec(a->d, "UPDATE matters SET deadline = ?, extensions = extensions + 1,"
			       " extension_request = NULL WHERE id = ?", "ti", dl, a->s->id) == DB_DONE
			 ? LEDGER_OK : LEDGER_ERROR;
	char *note = str_printf("延期至%s：%s", dl, a->in->note);
	if (!rc)
		rc = finish(a, note, true, json_pack("{s:s,s:s?}", "deadline", dl, "previous", a->s->deadline));
	free(note);
	free(dl);
	return rc;
}

static int do_return(act_args *a)
{
	if (!note_ok(a->in->note, true, 2000))
		return ledger_invalid(a->msg, "请填写退单理由");
	/* Back to intake: the department no longer holds it in its queue. */
	if (db_exec(a->d, "UPDATE matters SET reason = ?, department_id = NULL, assignee_id = NULL,"
			  " deadline = NULL WHERE id = ?", "ti", a->in->note, a->s->id) != DB_DONE)
		return LEDGER_ERROR;
	return finish(a, a->in->note, false, json_pack("{s:I}", "department_id",
						       (json_int_t)a->s->department_id));
}

static int do_resolve(act_args *a)
{
	if (!note_ok(a->in->note, true, 4000))
		return ledger_invalid(a->msg, "请填写办理结果（不超过4000字）");
	if (db_exec(a->d, "UPDATE matters SET result = ?, resolved_at = ? WHERE id = ?", "tii",
		    a->in->note, a->now, a->s->id) != DB_DONE)
		return LEDGER_ERROR;
	return finish(a, a->in->note, true, NULL);
}

/* 重办: the department gets a fresh deadline (the category's working days
 * from today), so a reopened matter is not overdue from its first minute,
 * and supervision starts afresh (supervise.h): the 督办 tier earned by the
 * first round goes (data gets "urge_level_before" for the log), and the
 * reminder and overdue notice are written again for the new deadline. */
static int renew_deadline(act_args *a, json_t *data)
{
	char deadline[11];
	int64_t days = db_scalar(a->d, 15, "SELECT resolve_days FROM categories WHERE id = ?", "i",
				 a->s->category_id);
	int64_t level = db_scalar(a->d, -1, "SELECT urge_level FROM matters WHERE id = ?", "i",
				  a->s->id);
	if (level < 0 || calendar_deadline(a->d, a->today, (int)days, deadline) != LEDGER_OK)
		return LEDGER_ERROR;
	if (level > 0)
		json_object_set_new(data, "urge_level_before", json_integer(level));
	return db_exec(a->d, "UPDATE matters SET deadline = ?, urge_level = 0, urge_notified = 0,"
			     " reminded_for = NULL, overdue_for = NULL WHERE id = ?",
		       "ti", deadline, a->s->id) == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* Take the resident's rating (a->in->rating, their words in a->in->note),
 * given by themselves or heard on a callback. When the matter goes back
 * (a->next is reopened: 重办) the rating waits for the next resolution and
 * the event keeps this one; the department gets `reason` and a fresh
 * deadline. The event shows `public_note` on the timeline; data (taken)
 * gets the rating and the words. */
static int take_rating(act_args *a, const char *reason, const char *public_note, json_t *data)
{
	bool back = a->next == ST_REOPENED;
	const char *words = a->in->note ? a->in->note : "";
	if (db_exec(a->d, "UPDATE matters SET rating = ?, rating_note = ?, reason = ? WHERE id = ?",
		    "ttti", back ? NULL : a->in->rating, words, back ? reason : "", a->s->id) != DB_DONE ||
	    (back && renew_deadline(a, data) != LEDGER_OK)) {
		json_decref(data);
		return LEDGER_ERROR;
	}
	/* Why: the resident's words may name people or give a phone number;
	 * they stay in the event's data, which only staff who may see
	 * personal data read, and never reach the public timeline. */
	json_object_set_new(data, "rating", json_string(a->in->rating));
	json_object_set_new(data, "comment", json_string(words));
	return finish(a, public_note, true, data);
}

static int do_rate(act_args *a)
{
	if (!rating_valid(a->in->rating))
		return ledger_invalid(a->msg, "请选择满意、基本满意或不满意");
	if (!note_ok(a->in->note, false, 500))
		return ledger_invalid(a->msg, "评价说明不超过500字");
	return take_rating(a, "群众评价不满意", rating_label(a->in->rating), json_object());
}

/* A callback that did not reach the resident: an internal event saying
 * the outcome and the attempt's number ("回访未接通（占线），第2次"),
 * nothing else changes. Why the clerk's words go in the data's "comment"
 * and not the note: the desk asks for what was heard on the call, which
 * may name the resident or a relative who answered; the note is read by
 * everyone who may open the matter (observers, other departments'
 * handlers, the events API), the comment, as a rating's, only by those
 * who may see personal data (v1_events.c, callback.c). */
static int callback_missed(act_args *a)
{
	const action_input *in = a->in;
	if (!str_empty(in->solved) || !str_empty(in->rating))
		return ledger_invalid(a->msg, "未接通时不填写是否解决和满意度");
	if (!note_ok(in->note, false, 500))
		return ledger_invalid(a->msg, "回访记录不超过500字");
	int64_t n = callback_attempts(a->d, a->s->id);
	if (n < 0)
		return LEDGER_ERROR;
	char *note = str_printf("回访未接通（%s），第%lld次", callback_outcome_label(in->outcome),
				(long long)n + 1);
	json_t *data = json_pack("{s:s,s:I}", "outcome", in->outcome, "attempt", (json_int_t)n + 1);
	if (!str_empty(in->note))
		json_object_set_new(data, "comment", json_string(in->note));
	int rc = finish_as(a, "callback_missed", note, false, data);
	free(note);
	return rc;
}

/* 回访: the clerk called the resident about the resolution. Reached: the
 * rating is taken as the resident's own (take_rating), and the matter
 * goes back to its department when they are dissatisfied or say the
 * problem is not solved, with the reason they gave (required then). */
static int do_callback(act_args *a)
{
	const action_input *in = a->in;
	if (!callback_outcome_valid(in->outcome))
		return ledger_invalid(a->msg, "请选择回访结果：已接通，或未接通的原因");
	if (strcmp(in->outcome, "reached") != 0)
		return callback_missed(a);
	if (str_cmp0(in->solved, "yes") != 0 && str_cmp0(in->solved, "no") != 0)
		return ledger_invalid(a->msg, "请选择群众反映的问题是否已解决");
	if (!rating_valid(in->rating))
		return ledger_invalid(a->msg, "请选择满意、基本满意或不满意");
	bool back = a->next == ST_REOPENED, solved = strcmp(in->solved, "yes") == 0;
	if (!note_ok(in->note, back, 500))
		return ledger_invalid(a->msg, back ? "请记录群众认为未解决或不满意的原因（不超过500字）"
						   : "回访记录不超过500字");
	char *note = str_printf("电话回访：问题%s，%s%s", solved ? "已解决" : "未解决",
				rating_label(in->rating), back ? "，转重办" : "");
	int rc = take_rating(a, solved ? "回访：群众评价不满意" : "回访：群众反映问题未解决", note,
			     json_pack("{s:s,s:b}", "outcome", "reached", "solved", solved));
	free(note);
	return rc;
}

static int do_close(act_args *a)
{
	if (!note_ok(a->in->note, false, 2000))
		return ledger_invalid(a->msg, "核验说明不超过2000字");
	/* Why auto_closed: a close by the system (逾期未评价, callback.c) is
	 * not a verification, and the rates must not count it as one. */
	if (db_exec(a->d, "UPDATE matters SET closed_at = ?, auto_closed = ? WHERE id = ?", "iii",
		    a->now, (int64_t)(a->who && a->who->system), a->s->id) != DB_DONE)
		return LEDGER_ERROR;
	return finish(a, str_empty(a->in->note) ? "经核验销号" : a->in->note, true, NULL);
}

static int do_reopen(act_args *a)
{
	if (!note_ok(a->in->note, true, 2000))
		return ledger_invalid(a->msg, "请填写重办理由");
	json_t *data = json_object();
	if (db_exec(a->d, "UPDATE matters SET reason = ?, rating = NULL, closed_at = NULL WHERE id = ?",
		    "ti", a->in->note, a->s->id) != DB_DONE || renew_deadline(a, data) != LEDGER_OK) {
		json_decref(data);
		return LEDGER_ERROR;
	}
	return finish(a, a->in->note, true, data);
}

static int do_merge(act_args *a)
{
	const char *into = a->in->merge_into;
	if (str_empty(into) || strcmp(into, a->s->number) == 0)
		return ledger_invalid(a->msg, "请填写要合并到的另一事项编号");
	act_state t;
	int rc = act_state_load(a->d, into, &t);
	if (rc == LEDGER_NOT_FOUND || (!rc && t.status == ST_MERGED))
		rc = ledger_invalid(a->msg, "要合并到的事项不存在或已被合并");
	if (!rc && db_exec(a->d, "UPDATE matters SET merged_into = ? WHERE id = ?", "ii", t.id,
			   a->s->id) != DB_DONE)
		rc = LEDGER_ERROR;
	char *note = str_printf("与%s为同一诉求，合并办理", t.number ? t.number : "");
	if (!rc)
		rc = event_append(a->d, t.id, a->who, "merged_in", status_name(t.status),
				  status_name(t.status), a->s->number, false, NULL, a->now);
	if (!rc)
		rc = finish(a, note, true, json_pack("{s:s}", "into", t.number));
	free(note);
	act_state_clear(&t);
	return rc;
}

/* 督办 by a leader: at the matter's tier or above (a tier is never
 * lowered while the matter is open), with the leader's note, which the
 * public timeline shows from 挂牌督办 on (the form says so). The
 * department's and the office's channels hear of it in this transaction;
 * the key names this version, so each urge is its own message. */
static int do_urge(act_args *a)
{
	int64_t cur = db_scalar(a->d, -1, "SELECT urge_level FROM matters WHERE id = ?", "i", a->s->id);
	int level = a->in->urge_level;
	if (cur < 0)
		return LEDGER_ERROR;
	if (level < URGE_DAILY || level >= URGE_LEVELS)
		return ledger_invalid(a->msg, "请选择督办等级：日常督办、挂牌督办或约谈督办");
	if (level < cur) {
		char *text = str_printf("督办等级不能低于当前的%s", urge_label((int)cur));
		int rc = ledger_invalid(a->msg, text);
		free(text);
		return rc;
	}
	if (!note_ok(a->in->note, true, 2000))
		return ledger_invalid(a->msg, "请填写督办意见（不超过2000字）");
	/* urge_notified too: this urge sends its own message (below), so the
	 * scheduler's next message does not tell of the tier again. */
	if (db_exec(a->d, "UPDATE matters SET urge_level = ?, urge_notified = ? WHERE id = ?", "iii",
		    (int64_t)level, (int64_t)level, a->s->id) != DB_DONE)
		return LEDGER_ERROR;
	char *note = str_printf("%s：%s", urge_label(level), a->in->note);
	char *stem = str_printf("urge/%s/v%lld", a->s->number, (long long)a->s->version);
	int rc = supervise_notify_urge(a->d, a->s->id, level, a->in->note, stem, NULL, a->now, NULL);
	if (!rc)
		rc = finish(a, note, level >= URGE_LISTED,
			    json_pack("{s:i,s:I}", "level", level, "previous", (json_int_t)cur));
	free(stem);
	free(note);
	return rc;
}

int act_apply(db *d, const actor *who, const act_state *s, const action_input *in, int next,
	      int64_t now, char **msg)
{
	static int (*const apply[ACT_COUNT])(act_args *) = {
		[ACT_ACCEPT] = do_accept,   [ACT_REJECT] = do_reject,
		[ACT_ASSIGN] = do_assign,   [ACT_PROGRESS] = do_progress,
		[ACT_REQUEST_EXTENSION] = do_request_extension,
		[ACT_EXTEND] = do_extend,   [ACT_RETURN] = do_return,
		[ACT_RESOLVE] = do_resolve, [ACT_RATE] = do_rate,
		[ACT_CLOSE] = do_close,     [ACT_REOPEN] = do_reopen,
		[ACT_MERGE] = do_merge,     [ACT_URGE] = do_urge,
		[ACT_CALLBACK] = do_callback,
	};
	act_args a = {d, who, s, in, next, now, msg, ""};
	ledger_today(now, a.today);
	return apply[in->act](&a);
}
