/*
 * matter.c — matters: submission, loading, finding and counting.
 *
 * matter_submit() is the one way a matter enters the ledger (web form,
 * clerk's 代录, Open311, staff API). Loading blanks residents' personal
 * fields for anyone who may not see them, so a page cannot leak them by
 * forgetting a check.
 */
#include "ledger/matter.h"
#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/matter_row.h"
#include "ledger/ratelimit.h"
#include "ledger/routing.h"
#include "ledger/search.h"
#include "ledger/similar.h"
#include "base/buf.h"
#include "base/token.h"
#include "base/util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Columns of a matter, in the order row_to_matter() reads them. */
#define MATTER_COLUMNS                                                                        \
	"m.id, m.number, m.kind, m.subkind, m.category_id, c.name, m.title, m.description,"   \
	" m.area_id, a.name, m.address, m.lat, m.lon, m.channel, m.submitter_name,"           \
	" m.submitter_phone, m.submitter_kind, m.department_id, dp.name, m.assignee_id,"      \
	" u.name, m.deadline, m.respond_by, m.priority, m.public, m.status, m.result,"         \
	" m.reason, m.rating, m.rating_note, m.merged_into, mm.number, m.extensions,"         \
	" m.extension_request, m.version, m.created_at, m.updated_at, m.responded_at,"        \
	" m.resolved_at, m.closed_at, m.submitter_id_number, m.submitter_contact, m.attributes," \
	" m.media_url, m.suggested_department_id, sd.name, m.suggested_category_id, sc.name,"  \
	" m.suggestion_confidence, m.suggestion_source, m.urge_level"
#define MATTER_FROM                                                                           \
	" FROM matters m LEFT JOIN categories c ON c.id = m.category_id"                      \
	" LEFT JOIN areas a ON a.id = m.area_id LEFT JOIN departments dp ON dp.id = m.department_id" \
	" LEFT JOIN users u ON u.id = m.assignee_id LEFT JOIN matters mm ON mm.id = m.merged_into" \
	" LEFT JOIN departments sd ON sd.id = m.suggested_department_id"                      \
	" LEFT JOIN categories sc ON sc.id = m.suggested_category_id"

const char matter_select_sql[] = "SELECT " MATTER_COLUMNS MATTER_FROM;
const char matter_columns_sql[] = MATTER_COLUMNS;
const char matter_from_sql[] = MATTER_FROM;

/* Column col as a new string, or "" for a reader who may not see it. */
static char *personal_dup(db_stmt *q, int col, bool personal)
{
	return xstrdup(personal && db_text(q, col) ? db_text(q, col) : "");
}

/* Read one row selected with matter_select_sql into *m; returns the
 * number of columns read (a statement may select more after them). */
int matter_row_read(db_stmt *q, const actor *who, const char *today, matter *m)
{
	int c = 0;
	memset(m, 0, sizeof *m);
	m->id = db_int(q, c++);
	m->number = db_text_dup(q, c++);
	m->kind = db_text_dup(q, c++);
	m->subkind = db_text_dup(q, c++);
	m->category_id = db_int(q, c++);
	m->category_name = db_text_dup(q, c++);
	m->title = db_text_dup(q, c++);
	m->description = db_text_dup(q, c++);
	m->area_id = db_int(q, c++);
	m->area_name = db_text_dup(q, c++);
	m->address = db_text_dup(q, c++);
	m->has_point = !db_is_null(q, c);
	m->lat = db_double(q, c++);
	m->lon = db_double(q, c++);
	m->channel = db_text_dup(q, c++);
	/* Why: personal data is blanked at the source for every reader who
	 * may not see it, so no page or API can print it by mistake. The lead
	 * department (m.department_id) is three columns on: name, phone, kind. */
	bool personal = actor_sees_personal_of(who, db_int(q, c + 3));
	m->submitter_name = personal_dup(q, c++, personal);
	m->submitter_phone = personal_dup(q, c++, personal);
	m->submitter_kind = db_text_dup(q, c++);
	m->department_id = db_int(q, c++);
	m->department_name = db_text_dup(q, c++);
	m->assignee_id = db_int(q, c++);
	m->assignee_name = db_text_dup(q, c++);
	m->deadline = db_text_dup(q, c++);
	m->respond_by = db_text_dup(q, c++);
	m->priority = (int)db_int(q, c++);
	m->is_public = db_int(q, c++) != 0;
	m->status = status_from_name(db_text(q, c++));
	m->result = db_text_dup(q, c++);
	m->reason = db_text_dup(q, c++);
	m->rating = db_text_dup(q, c++);
	m->rating_note = db_text_dup(q, c++);
	m->merged_into = db_int(q, c++);
	m->merged_into_number = db_text_dup(q, c++);
	m->extensions = (int)db_int(q, c++);
	m->extension_request = db_text_dup(q, c++);
	m->version = db_int(q, c++);
	m->created_at = db_int(q, c++);
	m->updated_at = db_int(q, c++);
	m->responded_at = db_int(q, c++);
	m->resolved_at = db_int(q, c++);
	m->closed_at = db_int(q, c++);
	m->submitter_id_number = personal_dup(q, c++, personal);
	m->submitter_contact = personal_dup(q, c++, personal);
	m->attributes = db_text_dup(q, c++);
	m->media_url = db_text_dup(q, c++);
	m->suggested_department_id = db_int(q, c++);
	m->suggested_department_name = db_text_dup(q, c++);
	m->suggested_category_id = db_int(q, c++);
	m->suggested_category_name = db_text_dup(q, c++);
	m->suggestion_confidence = db_double(q, c++);
	m->suggestion_source = db_text_dup(q, c++);
	m->urge_level = (int)db_int(q, c++);
	m->overdue = status_is_open(m->status) && m->deadline && today &&
		     strcmp(m->deadline, today) < 0;
	return c;
}

void matter_clear(matter *m)
{
	char **fields[] = {&m->number, &m->kind, &m->subkind, &m->category_name, &m->title,
			   &m->description, &m->area_name, &m->address, &m->channel,
			   &m->submitter_name, &m->submitter_phone, &m->submitter_kind,
			   &m->department_name, &m->assignee_name, &m->deadline, &m->respond_by,
			   &m->result, &m->reason, &m->rating, &m->rating_note,
			   &m->merged_into_number, &m->extension_request, &m->submitter_id_number,
			   &m->submitter_contact, &m->attributes, &m->media_url,
			   &m->suggested_department_name, &m->suggested_category_name,
			   &m->suggestion_source, &m->snippet};
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		free(*fields[i]);
	memset(m, 0, sizeof *m);
}

int matter_load(db *d, const actor *who, const char *number, int64_t id, bool public_only,
		const char *today, matter *out)
{
	db_stmt *q = number ? db_query(d, "SELECT " MATTER_COLUMNS MATTER_FROM " WHERE m.number = ?",
				       "t", number)
			    : db_query(d, "SELECT " MATTER_COLUMNS MATTER_FROM " WHERE m.id = ?", "i", id);
	int r = db_step(q);
	if (r == DB_ROW)
		matter_row_read(q, who, today, out);
	db_done(q);
	if (r != DB_ROW)
		return r == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
	if (public_only && !out->is_public) {
		matter_clear(out);
		return LEDGER_NOT_FOUND;
	}
	return LEDGER_OK;
}

/* ---- submission ---- */

static void secret_hash(const char *secret, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)secret, strlen(secret), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static void make_secret(char out[16])
{
	/* No 0/O, 1/I/L: the resident reads it off a phone screen or paper. */
	static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < 8; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[8] = '\0';
}

int matter_token_lookup(db *d, const char *token, char number_out[32])
{
	if (str_empty(token) || strlen(token) > 64)
		return LEDGER_NOT_FOUND;
	db_stmt *q = db_query(d, "SELECT m.number FROM request_tokens t JOIN matters m"
				 " ON m.id = t.matter_id WHERE t.token = ?",
			      "t", token);
	int r = db_step(q);
	if (r == DB_ROW)
		snprintf(number_out, 32, "%s", db_text(q, 0));
	db_done(q);
	if (r == DB_ROW)
		return LEDGER_OK;
	return r == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
}

bool matter_secret_ok(db *d, const char *number, const char *secret)
{
	if (str_empty(number) || str_empty(secret) || strlen(secret) > 64)
		return false;
	char want[65];
	secret_hash(secret, want);
	db_stmt *q = db_query(d, "SELECT secret FROM matters WHERE number = ?", "t", number);
	bool ok = false;
	if (db_step(q) == DB_ROW) {
		const char *have = db_text(q, 0);
		/* Why: constant-time, so timing does not reveal the code. */
		ok = have && strlen(have) == 64 && sodium_memcmp(have, want, 64) == 0;
	}
	db_done(q);
	return ok;
}

bool matter_phone_valid(const char *p)
{
	if (str_empty(p))
		return true;
	size_t n = strlen(p), digits = 0;
	if (n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			digits++;
		else if (!strchr("+- ()", p[i]))
			return false;
	}
	return digits >= 3;
}

/* Is u an http(s) URL of printable ASCII, at most 1000 bytes? */
static bool url_ok(const char *u)
{
	size_t n = strlen(u);
	if (n > 1000 || (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f || strchr("\"<>\\", u[i]))
			return false;
	return true;
}

/* What submission_problem returns when the database could not be asked:
 * not the resident's mistake, so no 400 (a storage failure is a 503). */
static const char lookup_failed[] = "";

/* Check a submission; returns a Chinese message for the first problem,
 * lookup_failed, or NULL when it is acceptable. */
static const char *submission_problem(db *d, const submission *s)
{
	if (!kind_valid(s->kind))
		return "请选择事项类型";
	if (!str_empty(s->subkind) && !subkind_valid(s->subkind))
		return "诉求类别无效";
	if (!channel_valid(s->channel))
		return "受理渠道无效";
	if (!ledger_text_ok(s->title, 1, 100, false))
		return "标题必填，不超过100字";
	if (!ledger_text_ok(s->description, 1, 4000, true))
		return "请描述具体情况，不超过4000字";
	if (!ledger_text_ok(s->address, 0, 200, false))
		return "地址不超过200字";
	if (!ledger_text_ok(s->submitter_name, 0, 50, false))
		return "姓名不超过50字";
	if (!matter_phone_valid(s->submitter_phone))
		return "联系电话格式不正确";
	if (!ledger_text_ok(s->submitter_id_number, 0, 30, false))
		return "证件号码不超过30字";
	if (!ledger_text_ok(s->submitter_contact, 0, 200, false))
		return "其他联系方式不超过200字";
	if (!str_empty(s->media_url) && !url_ok(s->media_url))
		return "图片地址须为 http(s) 网址，不超过1000字";
	if (s->submitter_kind && strcmp(s->submitter_kind, "resident") != 0 &&
	    strcmp(s->submitter_kind, "enterprise") != 0)
		return "反映人类型无效";
	if (s->has_point && (s->lat < -90 || s->lat > 90 || s->lon < -180 || s->lon > 180))
		return "坐标超出范围";
	int64_t n = s->category_id ? db_scalar(d, -1, "SELECT count(*) FROM categories"
						       " WHERE id = ? AND active = 1", "i", s->category_id)
				   : 1;
	if (n <= 0)
		return n < 0 ? lookup_failed : "类别不存在";
	n = s->area_id ? db_scalar(d, -1, "SELECT count(*) FROM areas WHERE id = ? AND active = 1",
				   "i", s->area_id)
		       : 1;
	if (n <= 0)
		return n < 0 ? lookup_failed : "片区不存在";
	if (s->photo && s->photo_len && !image_type_sniff(s->photo, s->photo_len))
		return "只支持 JPG、PNG、WebP、GIF 图片";
	return NULL;
}

struct submit_ctx {
	const actor *who;
	const submission *s;
	int64_t now;
	char *number, *secret;
	char today[11];
	routing_suggestion route; /* worked out before the transaction */
};

int matter_next_number(db *d, int64_t now, char out[32])
{
	char today[11];
	ledger_today(now, today);
	char name[24];
	snprintf(name, sizeof name, "matter-%.4s", today);
	int64_t n = db_scalar(d, -1,
			      "INSERT INTO counters(name, value) VALUES (?, 1) ON CONFLICT(name)"
			      " DO UPDATE SET value = counters.value + 1 RETURNING value",
			      "t", name);
	if (n < 0)
		return LEDGER_ERROR;
	snprintf(out, 32, "TZ-%.4s-%06lld", today, (long long)n);
	return LEDGER_OK;
}

static int submit_tx(db *d, void *vctx)
{
	struct submit_ctx *x = vctx;
	const submission *s = x->s;
	int limited = ratelimit_hit(d, s->limit, x->now);
	if (limited != LEDGER_OK)
		return limited;
	if (matter_next_number(d, x->now, x->number) != LEDGER_OK)
		return LEDGER_ERROR;
	char hash[65];
	secret_hash(x->secret, hash);
	char respond_by[11] = "";
	int64_t respond_days = 1;
	if (s->category_id)
		respond_days = db_scalar(d, 1, "SELECT respond_days FROM categories WHERE id = ?", "i",
					 s->category_id);
	if (calendar_deadline(d, x->today, (int)respond_days, respond_by) != LEDGER_OK)
		return LEDGER_ERROR;
	/* One statement: the submission is the hot write of a busy day. A
	 * matter without a point has NULL coordinates, not 0,0; one without a
	 * routing suggestion has NULL for it. */
	int64_t has_point = s->has_point ? 1 : 0;
	const routing_suggestion *r = &x->route;
	int64_t suggested = *r->source ? 1 : 0;
	int64_t id = db_scalar(
		d, -1,
		"INSERT INTO matters(number, secret, kind, subkind, category_id, title, description,"
		" area_id, address, lat, lon, channel, submitter_name, submitter_phone,"
		" submitter_kind, submitter_id_number, submitter_contact, attributes, media_url,"
		" respond_by, priority, public, status, created_by, created_at, updated_at,"
		" suggested_department_id, suggested_category_id, suggestion_confidence,"
		" suggestion_source)"
		" VALUES (?,?,?,?,?,?,?,?,?,"
		" CASE WHEN ? THEN CAST(? AS DOUBLE PRECISION) END,"
		" CASE WHEN ? THEN CAST(? AS DOUBLE PRECISION) END,"
		" ?,?,?,?,?,?,?,?,?,?,?,'submitted',?,?,?, ?,?,"
		" CASE WHEN ? THEN CAST(? AS DOUBLE PRECISION) END, ?)"
		" RETURNING id",
		"ttttzttzt" "idid" "tttttttttii" "z" "ii" "zz" "id" "t",
		x->number, hash, s->kind, s->subkind ? s->subkind : "", s->category_id, s->title,
		s->description, s->area_id, s->address ? s->address : "", has_point, s->lat,
		has_point, s->lon, s->channel, s->submitter_name ? s->submitter_name : "",
		s->submitter_phone ? s->submitter_phone : "",
		s->submitter_kind ? s->submitter_kind : "resident",
		s->submitter_id_number ? s->submitter_id_number : "",
		s->submitter_contact ? s->submitter_contact : "",
		s->attributes ? s->attributes : "{}", s->media_url ? s->media_url : "", respond_by,
		(int64_t)s->priority, (int64_t)(s->is_public ? 1 : 0), x->who ? x->who->user_id : 0,
		x->now, x->now, r->department_id, r->category_id, suggested, r->confidence, r->source);
	if (id < 0)
		return LEDGER_ERROR;
	if (s->token_out) {
		token_random(s->token_out);
		if (db_exec(d, "INSERT INTO request_tokens(token, matter_id, created_at) VALUES (?, ?, ?)",
			    "tii", s->token_out, id, x->now) != DB_DONE)
			return LEDGER_ERROR;
	}
	char label[200];
	actor_label_for(x->who, label, sizeof label);
	char note[64];
	snprintf(note, sizeof note, "经%s渠道提交", channel_label(s->channel));
	if (db_exec(d, "INSERT INTO events(matter_id, at, actor_id, actor_label, action, from_status,"
		       " to_status, note, public) VALUES (?, ?, ?, ?, 'submit', NULL, 'submitted', ?, 1)",
		    "iiztt", id, x->now, x->who ? x->who->user_id : 0, label, note) != DB_DONE)
		return LEDGER_ERROR;
	if (search_enqueue(d, id) != LEDGER_OK)
		return LEDGER_ERROR;
	/* The duplicate index, in the same transaction: a report is findable
	 * as a duplicate the moment it is acknowledged. */
	if (similar_index(d, id) != LEDGER_OK)
		return LEDGER_ERROR;
	if (s->photo && s->photo_len &&
	    db_exec(d, "INSERT INTO attachments(matter_id, filename, content_type, size, data, public,"
		       " created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
		    "ittibi", id, s->photo_name ? s->photo_name : "photo",
		    image_type_sniff(s->photo, s->photo_len), (int64_t)s->photo_len, s->photo,
		    s->photo_len, x->now) != DB_DONE)
		return LEDGER_ERROR;
	return LEDGER_OK;
}

int matter_submit(db *d, const actor *who, const submission *s, int64_t now,
		  char number_out[32], char secret_out[16], char **msg)
{
	if (sodium_init() < 0)
		return LEDGER_ERROR;
	const char *problem = submission_problem(d, s);
	if (problem == lookup_failed)
		return LEDGER_ERROR;
	if (problem) {
		*msg = xstrdup(problem);
		return LEDGER_INVALID;
	}
	struct submit_ctx x = {who, s, now, number_out, secret_out, "", {0, 0, 0, ""}};
	ledger_today(now, x.today);
	make_secret(secret_out);
	/* Why before the transaction: the prediction reads the models on this
	 * thread's connection, in parallel with other requests, and keeps the
	 * group-commit writer's transaction short. */
	routing_suggest(d, s->title, s->description, &x.route);
	int r = db_transact(d, submit_tx, &x);
	if (r == LEDGER_THROTTLED) {
		*msg = xstrdup("提交太频繁，请稍后再试");
		return LEDGER_THROTTLED;
	}
	if (r < 0) {
		*msg = xstrdup("提交失败，请稍后重试");
		return LEDGER_ERROR;
	}
	return LEDGER_OK;
}
