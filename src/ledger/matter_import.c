/*
 * matter_import.c — the ledger's half of importing a sheet: each checked
 * row (report/import.c did the reading, the name lookups and the per-cell
 * checks) becomes a new matter or an update of one, with its events, the
 * search index and the duplicate signatures, all in one transaction.
 * A dry run is the same transaction rolled back, so the plan a clerk
 * confirms is exactly what the real run does.
 */
#include "ledger/matter_import.h"
#include "ledger/action_apply.h"
#include "ledger/calendar.h"
#include "ledger/codepartment.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/matter_row.h"
#include "ledger/similar.h"
#include "base/buf.h"
#include "base/token.h"
#include "base/util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void import_matter_clear(import_matter *m)
{
	char **s[] = {&m->number, &m->kind, &m->subkind, &m->title, &m->description, &m->address,
		      &m->channel, &m->submitter_name, &m->submitter_phone, &m->result, &m->rating,
		      &m->deadline};
	for (size_t i = 0; i < ARRAY_LEN(s); i++)
		free(*s[i]);
	for (size_t i = 0; i < m->nnotes; i++)
		free(m->notes[i].text);
	free(m->notes);
	free(m->codepartments);
	memset(m, 0, sizeof *m);
}

/* The matter a row's 编号 names: one of ours that was here before this
 * import (up to id last_id), or an earlier import's. 0: none. Why the
 * bound: a sheet exported from another ledger carries that ledger's
 * numbers, and TZ-2026-000004 there must not find the matter this very
 * import just numbered TZ-2026-000004 here. */
static int64_t find_existing(db *d, const char *number, int64_t last_id)
{
	if (str_empty(number))
		return 0;
	int64_t id = db_scalar(d, 0, "SELECT id FROM matters WHERE number = ? AND id <= ?", "ti",
			       number, last_id);
	if (!id)
		id = db_scalar(d, 0, "SELECT id FROM matters WHERE external_number = ?", "t", number);
	return id;
}

static bool status_done(int st)
{
	return st == ST_RESOLVED || st == ST_CLOSED;
}

/* Has anyone on staff responded yet (accepted, routed, ...)? */
static bool status_responded(int st)
{
	return st != ST_SUBMITTED && st != ST_RETURNED;
}

static const char *nz(const char *s)
{
	return str_empty(s) ? NULL : s;
}

/* The row's progress notes as events, after the status is written. */
static int write_notes(db *d, const actor *who, int64_t id, const char *status,
		       const import_note *notes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (event_append(d, id, who, "progress", status, status, notes[i].text, true, NULL,
				 notes[i].at) != LEDGER_OK)
			return LEDGER_ERROR;
	return LEDGER_OK;
}

static int write_codepartments(db *d, int64_t id, const import_matter *v)
{
	if (db_exec(d, "DELETE FROM matter_codepartments WHERE matter_id = ?", "i", id) != DB_DONE)
		return LEDGER_ERROR;
	for (size_t i = 0; i < v->ncodepartments; i++)
		if (v->codepartments[i] != v->department_id &&
		    db_exec(d, "INSERT INTO matter_codepartments(matter_id, department_id) VALUES (?, ?)"
			       " ON CONFLICT DO NOTHING", "ii", id, v->codepartments[i]) != DB_DONE)
			return LEDGER_ERROR;
	return LEDGER_OK;
}

/* ---- a new matter ---- */

static int create_one(db *d, const actor *who, const import_matter *v, int64_t now,
		      import_outcome *out)
{
	/* Why a random secret: nobody was given a 查询码 for a matter that
	 * came from a sheet, so no code may open it (the hash of 32 random
	 * bytes has no known preimage). */
	unsigned char rnd[32];
	char secret[65];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(secret, sizeof secret, rnd, sizeof rnd);
	if (matter_next_number(d, now, out->number) != LEDGER_OK)
		return LEDGER_ERROR;
	int64_t created = v->created_at ? v->created_at : now;
	int64_t resolved = status_done(v->status) ? (v->resolved_at ? v->resolved_at : now) : 0;
	int64_t closed = v->status == ST_CLOSED ? resolved : 0;
	int64_t responded = status_responded(v->status) ? created : 0;
	int64_t id = db_scalar(
		d, -1,
		"INSERT INTO matters(number, secret, external_number, kind, subkind, category_id, title,"
		" description, area_id, address, channel, submitter_name, submitter_phone,"
		" department_id, assignee_id, deadline, public, status, result, rating, created_by,"
		" created_at, updated_at, responded_at, resolved_at, closed_at)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
		"tttttzttztttt" "zztittt" "ziizzz",
		out->number, secret, nz(v->number), v->kind, v->subkind ? v->subkind : "",
		v->category_id, v->title, v->description ? v->description : "", v->area_id,
		v->address ? v->address : "", v->channel, v->submitter_name ? v->submitter_name : "",
		v->submitter_phone ? v->submitter_phone : "", v->department_id, v->assignee_id,
		nz(v->deadline), (int64_t)(v->is_public ? 1 : 0), status_name(v->status),
		v->result ? v->result : "", nz(v->rating), who ? who->user_id : 0, created, now,
		responded, resolved, closed);
	if (id < 0 || write_codepartments(d, id, v) != LEDGER_OK)
		return LEDGER_ERROR;
	char *note = str_printf("从原台账导入%s%s%s，状态：%s", v->number ? "（原编号 " : "",
				v->number ? v->number : "", v->number ? "）" : "",
				status_label(v->status));
	int rc = event_append(d, id, who, "submit", NULL, "submitted", "经台账导入登记", true, NULL,
			      created);
	if (rc == LEDGER_OK)
		rc = event_append(d, id, who, "import", "submitted", status_name(v->status), note, true,
				  NULL, now);
	free(note);
	if (rc == LEDGER_OK)
		rc = write_notes(d, who, id, status_name(v->status), v->notes, v->nnotes);
	if (rc == LEDGER_OK)
		rc = similar_index(d, id);
	out->action = IMPORT_CREATE;
	return rc;
}

/* ---- an update of a matter already here ---- */

/* The columns an import may change, as the matter has them. */
typedef struct vals {
	char *number, *kind, *subkind, *title, *description, *address, *channel;
	char *submitter_name, *submitter_phone, *deadline, *result, *rating;
	int64_t category_id, area_id, department_id, assignee_id, resolved_at;
	int status;
	bool is_public;
} vals;

static void vals_clear(vals *c)
{
	char **s[] = {&c->number, &c->kind, &c->subkind, &c->title, &c->description, &c->address,
		      &c->channel, &c->submitter_name, &c->submitter_phone, &c->deadline,
		      &c->result, &c->rating};
	for (size_t i = 0; i < ARRAY_LEN(s); i++)
		free(*s[i]);
}

static int vals_load(db *d, int64_t id, vals *c)
{
	memset(c, 0, sizeof *c);
	db_stmt *q = db_query(d,
			      "SELECT number, kind, subkind, title, description, address, channel,"
			      " submitter_name, submitter_phone, deadline, result, rating, category_id,"
			      " area_id, department_id, assignee_id, resolved_at, status, public"
			      " FROM matters WHERE id = ?", "i", id);
	int r = db_step(q);
	if (r == DB_ROW) {
		char **s[] = {&c->number, &c->kind, &c->subkind, &c->title, &c->description,
			      &c->address, &c->channel, &c->submitter_name, &c->submitter_phone,
			      &c->deadline, &c->result, &c->rating};
		for (int i = 0; i < (int)ARRAY_LEN(s); i++)
			*s[i] = db_text_dup(q, i);
		c->category_id = db_int(q, 12);
		c->area_id = db_int(q, 13);
		c->department_id = db_int(q, 14);
		c->assignee_id = db_int(q, 15);
		c->resolved_at = db_int(q, 16);
		c->status = status_from_name(db_text(q, 17));
		c->is_public = db_int(q, 18) != 0;
	}
	db_done(q);
	return r == DB_ROW ? LEDGER_OK : LEDGER_ERROR;
}

static void changed(buf *ch, const char *label)
{
	buf_printf(ch, "%s%s", ch->len ? "、" : "", label);
}

static void take_text(buf *ch, unsigned has, unsigned bit, const char *label, char **cur,
		      const char *want)
{
	if (!(has & bit) || str_cmp0(*cur, want) == 0)
		return;
	free(*cur);
	*cur = xstrdup(want ? want : "");
	changed(ch, label);
}

static void take_id(buf *ch, unsigned has, unsigned bit, const char *label, int64_t *cur,
		    int64_t want)
{
	if (!(has & bit) || *cur == want)
		return;
	*cur = want;
	changed(ch, label);
}

/* Lay the row's given fields over the matter's, naming what changes. */
static void overlay(vals *c, const import_matter *v, buf *ch)
{
	unsigned h = v->has;
	take_text(ch, h, IM_KIND, "类型", &c->kind, v->kind);
	take_text(ch, h, IM_SUBKIND, "诉求类型", &c->subkind, v->subkind);
	take_text(ch, h, IM_TITLE, "事项", &c->title, v->title);
	take_text(ch, h, IM_DESCRIPTION, "内容", &c->description, v->description);
	take_id(ch, h, IM_CATEGORY, "类别", &c->category_id, v->category_id);
	take_id(ch, h, IM_AREA, "片区", &c->area_id, v->area_id);
	take_text(ch, h, IM_ADDRESS, "地址", &c->address, v->address);
	take_text(ch, h, IM_CHANNEL, "渠道", &c->channel, v->channel);
	take_id(ch, h, IM_DEPARTMENT, "责任单位", &c->department_id, v->department_id);
	take_id(ch, h, IM_ASSIGNEE, "责任人", &c->assignee_id, v->assignee_id);
	take_text(ch, h, IM_DEADLINE, "完成时限", &c->deadline, v->deadline);
	take_text(ch, h, IM_RESULT, "办理结果", &c->result, v->result);
	take_text(ch, h, IM_RATING, "满意度", &c->rating, v->rating);
	take_text(ch, h, IM_SUBMITTER, "诉求人", &c->submitter_name, v->submitter_name);
	take_text(ch, h, IM_PHONE, "联系电话", &c->submitter_phone, v->submitter_phone);
	if ((h & IM_STATUS) && c->status != v->status) {
		c->status = v->status;
		changed(ch, "状态");
	}
	if ((h & IM_PUBLIC) && c->is_public != v->is_public) {
		c->is_public = v->is_public;
		changed(ch, "是否公开");
	}
	if ((h & IM_RESOLVED) && v->resolved_at && c->resolved_at != v->resolved_at &&
	    status_done(c->status)) {
		c->resolved_at = v->resolved_at;
		changed(ch, "办结时间");
	}
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Do the row's co-departments differ from the matter's? */
static int codepartments_differ(db *d, int64_t id, import_matter *v, bool *differ)
{
	int64_t *have = NULL;
	size_t n = 0, k = 0;
	if (codepartment_ids(d, id, &have, &n) != LEDGER_OK)
		return LEDGER_ERROR;
	if (v->ncodepartments)
		qsort(v->codepartments, v->ncodepartments, sizeof *v->codepartments, cmp_id);
	*differ = false;
	for (size_t i = 0; i < v->ncodepartments; i++)
		if (v->codepartments[i] != v->department_id &&
		    (i == 0 || v->codepartments[i] != v->codepartments[i - 1]))
			*differ = *differ || k >= n || have[k++] != v->codepartments[i];
	*differ = *differ || k != n;
	free(have);
	return LEDGER_OK;
}

/* The row's notes that the matter does not have yet, moved to the front
 * of v->notes; their count. */
static size_t new_notes(db *d, int64_t id, import_matter *v)
{
	size_t k = 0;
	for (size_t i = 0; i < v->nnotes; i++) {
		bool have = db_scalar(d, 0, "SELECT count(*) FROM events WHERE matter_id = ? AND"
					    " action = 'progress' AND note = ?",
				      "it", id, v->notes[i].text) > 0;
		if (!have) {
			import_note t = v->notes[k];
			v->notes[k++] = v->notes[i];
			v->notes[i] = t;
		}
	}
	return k;
}

static int write_update(db *d, int64_t id, const vals *c, int64_t now)
{
	bool done = status_done(c->status);
	int64_t resolved = done ? (c->resolved_at ? c->resolved_at : now) : 0;
	return db_exec(d,
		       "UPDATE matters SET kind = ?, subkind = ?, title = ?, description = ?,"
		       " category_id = ?, area_id = ?, address = ?, channel = ?, department_id = ?,"
		       " assignee_id = ?, deadline = ?, result = ?, rating = ?, submitter_name = ?,"
		       " submitter_phone = ?, status = ?, public = ?, resolved_at = ?,"
		       " closed_at = CASE WHEN ? = 'closed' THEN coalesce(closed_at, ?) END,"
		       " responded_at = coalesce(responded_at, CASE WHEN ? THEN created_at END),"
		       " version = version + 1, updated_at = ? WHERE id = ?",
		       "ttttzzttzzttttttiztiiii", c->kind, c->subkind, c->title, c->description,
		       c->category_id, c->area_id, c->address, c->channel, c->department_id,
		       c->assignee_id, nz(c->deadline), c->result, nz(c->rating), c->submitter_name,
		       c->submitter_phone, status_name(c->status), (int64_t)(c->is_public ? 1 : 0),
		       resolved, status_name(c->status), resolved,
		       (int64_t)(status_responded(c->status) ? 1 : 0), now, id) == DB_DONE
		       ? LEDGER_OK : LEDGER_ERROR;
}

static int update_one(db *d, const actor *who, import_matter *v, int64_t id, int64_t now,
		      import_outcome *out)
{
	vals c;
	buf ch = BUF_INIT;
	bool codeps = false;
	int rc = vals_load(d, id, &c);
	int old_status = c.status;
	char *old_title = xstrdup(c.title), *old_desc = xstrdup(c.description);
	int64_t old_cat = c.category_id, old_area = c.area_id;
	if (rc == LEDGER_OK && (v->has & IM_CODEPARTMENTS))
		rc = codepartments_differ(d, id, v, &codeps);
	if (rc != LEDGER_OK)
		goto done;
	snprintf(out->number, sizeof out->number, "%s", c.number);
	overlay(&c, v, &ch);
	if (codeps)
		changed(&ch, "协办单位");
	size_t nnew = new_notes(d, id, v);
	if (nnew)
		changed(&ch, "办理进展");
	out->action = ch.len ? IMPORT_UPDATE : IMPORT_SKIP;
	out->changes = ch.len ? xstrdup(buf_str(&ch)) : NULL;
	if (!ch.len)
		goto done;
	rc = write_update(d, id, &c, now);
	if (rc == LEDGER_OK && codeps)
		rc = write_codepartments(d, id, v);
	char *note = str_printf("台账导入更新：%s", buf_str(&ch));
	if (rc == LEDGER_OK)
		rc = event_append(d, id, who, "import", status_name(old_status),
				  status_name(c.status), note, true, NULL, now);
	free(note);
	if (rc == LEDGER_OK)
		rc = write_notes(d, who, id, status_name(c.status), v->notes, nnew);
	if (rc == LEDGER_OK && (str_cmp0(old_title, c.title) || str_cmp0(old_desc, c.description) ||
				old_cat != c.category_id || old_area != c.area_id))
		rc = similar_index(d, id);
done:
	free(old_title);
	free(old_desc);
	buf_free(&ch);
	vals_clear(&c);
	return rc;
}

/* ---- the transaction ---- */

struct import_ctx {
	const actor *who;
	import_matter *v;
	size_t n;
	bool dry_run;
	int64_t now;
	import_outcome *out;
	bool planned;
};

static int import_tx(db *d, void *vctx)
{
	struct import_ctx *x = vctx;
	x->planned = false;
	for (size_t i = 0; i < x->n; i++) {
		free(x->out[i].changes);
		memset(&x->out[i], 0, sizeof x->out[i]);
	}
	int64_t last_id = db_scalar(d, 0, "SELECT coalesce(max(id), 0) FROM matters", "");
	for (size_t i = 0; i < x->n; i++) {
		int64_t id = find_existing(d, x->v[i].number, last_id);
		int rc = id ? update_one(d, x->who, &x->v[i], id, x->now, &x->out[i])
			    : create_one(d, x->who, &x->v[i], x->now, &x->out[i]);
		if (rc != LEDGER_OK)
			return rc < 0 ? rc : LEDGER_ERROR;
	}
	x->planned = true;
	/* A dry run ends like a failed one: everything rolls back. */
	return x->dry_run ? LEDGER_INVALID : LEDGER_OK;
}

int matter_import(db *d, const actor *who, import_matter *v, size_t n, bool dry_run,
		  int64_t now, import_outcome *out, char **msg)
{
	if (sodium_init() < 0)
		return LEDGER_ERROR;
	memset(out, 0, n * sizeof *out);
	struct import_ctx x = {who, v, n, dry_run, now, out, false};
	int rc = db_transact(d, import_tx, &x);
	if (x.planned && (rc == LEDGER_OK || (dry_run && rc == LEDGER_INVALID)))
		return LEDGER_OK;
	if (msg && !*msg)
		*msg = xstrdup("导入失败，未做任何改动，请稍后重试");
	return LEDGER_ERROR;
}

/* ---- uploads awaiting confirmation ---- */

#define UPLOAD_MAX_AGE (24 * 3600)

struct upload_save {
	int64_t user_id, now;
	const char *filename;
	const void *data;
	size_t n;
	const char *hash;
};

static int upload_save_tx(db *d, void *vctx)
{
	struct upload_save *u = vctx;
	if (db_exec(d, "DELETE FROM import_uploads WHERE created_at < ?", "i",
		    u->now - UPLOAD_MAX_AGE) != DB_DONE ||
	    db_exec(d, "INSERT INTO import_uploads(token_hash, user_id, filename, data, created_at)"
		       " VALUES (?, ?, ?, ?, ?)", "titbi", u->hash, u->user_id, u->filename, u->data,
		    u->n, u->now) != DB_DONE)
		return LEDGER_ERROR;
	return LEDGER_OK;
}

int import_upload_save(db *d, int64_t user_id, const char *filename, const void *data,
		       size_t n, int64_t now, char token_out[48])
{
	char token[TOKEN_SIZE], hash[TOKEN_HASH_SIZE];
	token_random(token);
	token_hash(token, hash);
	struct upload_save u = {user_id, now, filename ? filename : "", data, n, hash};
	if (db_transact(d, upload_save_tx, &u) != LEDGER_OK)
		return LEDGER_ERROR;
	snprintf(token_out, 48, "%s", token);
	return LEDGER_OK;
}

int import_upload_load(db *d, int64_t user_id, const char *token, int64_t now, void **data,
		       size_t *n, char **filename)
{
	if (str_empty(token) || strlen(token) >= TOKEN_SIZE)
		return LEDGER_NOT_FOUND;
	char hash[TOKEN_HASH_SIZE];
	token_hash(token, hash);
	db_stmt *q = db_query(d, "SELECT data, filename FROM import_uploads WHERE token_hash = ?"
				 " AND user_id = ? AND created_at >= ?",
			      "tii", hash, user_id, now - UPLOAD_MAX_AGE);
	int r = db_step(q);
	if (r == DB_ROW) {
		size_t len = 0;
		const void *p = db_blob(q, 0, &len);
		*data = xmalloc(len + 1);
		if (len)
			memcpy(*data, p, len);
		*n = len;
		*filename = db_text_dup(q, 1);
	}
	db_done(q);
	return r == DB_ROW ? LEDGER_OK : r == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
}

static int upload_delete_tx(db *d, void *vctx)
{
	return db_exec(d, "DELETE FROM import_uploads WHERE token_hash = ?", "t", (const char *)vctx) ==
			       DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

int import_upload_delete(db *d, const char *token)
{
	char hash[TOKEN_HASH_SIZE];
	token_hash(token, hash);
	return db_transact(d, upload_delete_tx, hash);
}
