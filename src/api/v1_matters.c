/*
 * v1_matters.c — matters in the staff API: the filtered list
 * (GET /api/v1/matters), one matter (GET /api/v1/matters/{number}) and
 * staff intake, 代录 (POST /api/v1/matters), which app keys may use too.
 *
 * The handlers only translate: codes to ids, JSON to the ledger's
 * structs and back. matter_find, matter_load and matter_submit own every
 * rule, including blanking residents' personal data for readers who may
 * not see it.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "api/staff_api.h"
#include "api/v1_json.h"
#include "base/isotime.h"
#include "base/utf8.h"
#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/search.h"
#include "ledger/similar.h"

#define PAGE_SIZE_DEFAULT 50
#define Q_MAX_CHARS 100

/* ---- the list ---- */

static const char *const list_params[] = {"status", "kind",  "category", "department",
					  "area",   "overdue", "q",      "from",
					  "to",     "page",  "page_size", NULL};

/* A code parameter turned into an id with lookup; false when it answered. */
static bool code_param(const request *rq, response *rs, const v1_catalog *c, const char *name,
		       int64_t (*lookup)(const v1_catalog *, const char *), int64_t *id)
{
	const char *v = v1_param(rq, name);
	*id = v ? lookup(c, v) : 0;
	if (v && !*id) {
		char *hint = str_printf("参数 %s 不是已有的代码", name);
		v1_fail_param(rs, name, hint);
		free(hint);
		return false;
	}
	return true;
}

/* An instant parameter (ISO 8601 date or date-time; a date runs to its
 * end when end_of_day). 0 when absent; false when it answered. */
static bool time_param(const request *rq, response *rs, const char *name, bool end_of_day,
		       int64_t *out)
{
	const char *v = v1_param(rq, name);
	*out = 0;
	if (v && (!isotime_parse(v, end_of_day, out, NULL) || *out <= 0)) {
		v1_fail_param(rs, name, "日期应为 YYYY-MM-DD 或 ISO 8601 时间");
		return false;
	}
	return true;
}

/* An integer parameter in [min, max]; dflt when absent. */
static bool int_param(const request *rq, response *rs, const char *name, int64_t min,
		      int64_t max, int64_t dflt, int64_t *out)
{
	const char *v = v1_param(rq, name);
	*out = dflt;
	if (v && (!str_to_i64(v, out) || *out < min || *out > max)) {
		char *hint = str_printf("参数 %s 应为 %lld 到 %lld 之间的整数", name, (long long)min,
					(long long)max);
		v1_fail_param(rs, name, hint);
		free(hint);
		return false;
	}
	return true;
}

/* status, kind, overdue and q. */
static bool vocab_params(const request *rq, response *rs, matter_filter *f)
{
	const char *status = v1_param(rq, "status"), *overdue = v1_param(rq, "overdue");
	f->status = status ? status_from_name(status) : -1;
	f->kind = v1_param(rq, "kind");
	f->q = v1_param(rq, "q");
	if (status && f->status < 0)
		v1_fail_param(rs, "status", "参数 status 不是已有的状态");
	else if (f->kind && !kind_valid(f->kind))
		v1_fail_param(rs, "kind", "参数 kind 不是已有的事项类型");
	else if (overdue && strcmp(overdue, "true") != 0 && strcmp(overdue, "false") != 0)
		v1_fail_param(rs, "overdue", "参数 overdue 应为 true 或 false");
	else if (f->q && utf8_count(f->q, strlen(f->q)) > Q_MAX_CHARS)
		v1_fail_param(rs, "q", "参数 q 不超过100字");
	else {
		f->overdue_only = str_cmp0(overdue, "true") == 0;
		return true;
	}
	return false;
}

/* Read the query into *f; false when it answered. */
static bool read_filter(const request *rq, response *rs, const v1_catalog *c, matter_filter *f)
{
	int64_t page, size;
	*f = matter_filter_any();
	f->count_cap = 0; /* the API's total is exact */
	if (!v1_params_known_or_400(rq, rs, list_params) || !vocab_params(rq, rs, f) ||
	    !code_param(rq, rs, c, "category", v1_category_id, &f->category_id) ||
	    !code_param(rq, rs, c, "department", v1_department_id, &f->department_id) ||
	    !code_param(rq, rs, c, "area", v1_area_id, &f->area_id) ||
	    !time_param(rq, rs, "from", false, &f->created_since) ||
	    !time_param(rq, rs, "to", true, &f->created_until) ||
	    !int_param(rq, rs, "page_size", 1, MATTER_FIND_MAX, PAGE_SIZE_DEFAULT, &size) ||
	    !int_param(rq, rs, "page", 1, INT_MAX / size + 1, 1, &page))
		return false;
	f->limit = (int)size;
	f->offset = (int)((page - 1) * size);
	return true;
}

/* A search snippet as {"text": "...", "hits": [[start, end], ...]}: the
 * passage without markers and each hit as code-point offsets into it. */
static json_t *snippet_json(const char *snippet)
{
	buf text = BUF_INIT;
	json_t *hits = json_array();
	json_int_t chars = 0, start = -1;
	for (const char *p = snippet; *p; p++) {
		if (*p == SEARCH_MARK_OPEN[0]) {
			start = chars;
		} else if (*p == SEARCH_MARK_CLOSE[0]) {
			if (start >= 0)
				json_array_append_new(hits, json_pack("[I, I]", start, chars));
			start = -1;
		} else {
			buf_putc(&text, *p);
			chars += ((unsigned char)*p & 0xC0) != 0x80;
		}
	}
	json_t *j = json_pack("{s:s, s:o}", "text", buf_str(&text), "hits", hits);
	buf_free(&text);
	return j;
}

/* The page of matters as {"items": [...], "total": N}; NULL on failure. */
static json_t *list_json(v1_catalog *c, const actor *who, const matter_list *l)
{
	json_t *items = json_array();
	for (size_t i = 0; i < l->n; i++) {
		json_t *m = v1_matter_json(c, who, &l->items[i]);
		if (!m) {
			json_decref(items);
			return NULL;
		}
		if (l->items[i].snippet)
			json_object_set_new(m, "snippet", snippet_json(l->items[i].snippet));
		json_array_append_new(items, m);
	}
	return json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)l->total);
}

void v1_matters_list(request *rq, response *rs)
{
	v1_catalog c;
	matter_filter f;
	matter_list l = {0};
	char today[11];
	v1_today(rq, today);
	if (v1_catalog_load(&c, rq->db) != LEDGER_OK) {
		v1_fail_ledger(rs, LEDGER_ERROR, NULL, V1_MATTER_NOT_FOUND);
	} else if (read_filter(rq, rs, &c, &f)) {
		int rc = matter_find(rq->db, &rq->who, &f, today, &l);
		json_t *j = rc == LEDGER_OK ? list_json(&c, &rq->who, &l) : NULL;
		if (j)
			v1_reply(rs, 200, j);
		else
			v1_fail_ledger(rs, LEDGER_ERROR, NULL, V1_MATTER_NOT_FOUND);
	}
	matter_list_free(&l);
	v1_catalog_free(&c);
}

/* ---- one matter ---- */

void v1_matter_get(request *rq, response *rs)
{
	v1_reply_matter(rq, rs, rq->nargs > 0 ? rq->args[0] : NULL, 200);
}

/* ---- intake ---- */

static const char *const create_fields[] = {"kind",    "category", "title", "description",
					    "area",    "address",  "lat",   "long",
					    "channel", "public",   "submitter", NULL};
static const char *const submitter_fields[] = {"name", "phone", "id_number", "contact", NULL};

/* The submitter object into s (strings borrowed from body). */
static void read_submitter(v1_in *in, submission *s)
{
	json_t *o = v1_in_obj(in, "submitter", true);
	if (!o)
		return;
	v1_in sub = v1_in_start(in->rs, o, "submitter.");
	v1_in_known(&sub, submitter_fields);
	s->submitter_name = v1_in_str(&sub, "name", true);
	s->submitter_phone = v1_in_str(&sub, "phone", true);
	s->submitter_id_number = v1_in_str(&sub, "id_number", false);
	s->submitter_contact = v1_in_str(&sub, "contact", false);
	in->failed = sub.failed;
}

/* Channel: required of staff; an app's submissions come by "app" and it
 * may not claim another channel. */
static const char *read_channel(v1_in *in, const actor *who)
{
	bool app = who->role == ROLE_APP;
	const char *ch = v1_in_str(in, "channel", !app);
	if (app && !ch)
		ch = "app";
	if (ch && (!channel_valid(ch) || (app && strcmp(ch, "app") != 0)))
		v1_in_fail(in, V1_FIELD_INVALID, "channel",
			   app ? "对应用密钥只能是 app" : "应为 web、kiosk、hotline、box、visit、"
							   "petition、inspection 或 app");
	return ch;
}

/* Codes, kind and point. */
static void read_where(v1_in *in, const v1_catalog *c, submission *s)
{
	const char *cat = v1_in_str(in, "category", false), *area = v1_in_str(in, "area", false);
	s->kind = v1_in_str(in, "kind", true);
	if (s->kind && !kind_valid(s->kind))
		v1_in_fail(in, V1_FIELD_INVALID, "kind",
			   "应为 request、wish、petition、inspection 或 project");
	if (cat && !(s->category_id = v1_category_id(c, cat)))
		v1_in_fail(in, V1_FIELD_INVALID, "category", "不是已有的类别代码");
	if (area && !(s->area_id = v1_area_id(c, area)))
		v1_in_fail(in, V1_FIELD_INVALID, "area", "不是已有的片区代码");
	bool lat = v1_in_has(in, "lat"), lon = v1_in_has(in, "long");
	s->lat = v1_in_num(in, "lat", -90, 90);
	s->lon = v1_in_num(in, "long", -180, 180);
	if (lat != lon)
		v1_in_fail(in, V1_FIELD_MISSING, lat ? "long" : "lat", "须与 lat/long 同时给出");
	s->has_point = lat && lon;
}

/* The whole body into s; false when it answered. */
static bool read_submission(response *rs, json_t *body, const v1_catalog *c, const actor *who,
			    submission *s)
{
	v1_in in = v1_in_start(rs, body, "");
	memset(s, 0, sizeof *s);
	v1_in_known(&in, create_fields);
	read_where(&in, c, s);
	s->title = v1_in_str(&in, "title", true);
	s->description = v1_in_str(&in, "description", true);
	s->address = v1_in_str(&in, "address", false);
	s->channel = read_channel(&in, who);
	/* Why private by default: a matter on the public board shows its
	 * title and text to everyone; a script must ask for that. */
	s->is_public = v1_in_bool(&in, "public", false);
	read_submitter(&in, s);
	s->submitter_kind = "resident";
	return !in.failed;
}

/* 201 with the new matter, its Location, and the 查询码 once. */
static void reply_created(request *rq, response *rs, const char *number, const char *secret)
{
	json_t *j = v1_matter_or_error(rq, rs, number);
	if (!j)
		return;
	/* Why only here: the 查询码 is stored as a hash; this answer is the
	 * one chance to hand it to the resident. */
	json_object_set_new(j, "secret", json_string(secret));
	/* Likely duplicates, for the client to show or merge: never a reason
	 * to refuse the submission. A failed lookup leaves the list empty. */
	similar_list l;
	similar_find_matter(rq->db, &rq->who, number, 0, rq->now, 0, &l);
	json_object_set_new(j, "similar", v1_similar_items(&l));
	similar_list_free(&l);
	v1_reply(rs, 201, j);
	char *loc = str_printf("/api/v1/matters/%u", number);
	resp_header(rs, "Location", loc);
	free(loc);
}

void v1_matter_create(request *rq, response *rs)
{
	v1_catalog c;
	submission s;
	char number[32] = "", secret[16] = "", *msg = NULL;
	json_t *body = v1_body_or_error(rq, rs);
	memset(&c, 0, sizeof c);
	if (!body)
		goto done;
	if (v1_catalog_load(&c, rq->db) != LEDGER_OK) {
		v1_fail_ledger(rs, LEDGER_ERROR, NULL, V1_MATTER_NOT_FOUND);
		goto done;
	}
	if (!read_submission(rs, body, &c, &rq->who, &s))
		goto done;
	int rc = matter_submit(rq->db, &rq->who, &s, rq->now, number, secret, &msg);
	if (rc == LEDGER_OK)
		reply_created(rq, rs, number, secret);
	else
		v1_fail_ledger(rs, rc, msg, V1_MATTER_NOT_FOUND);
done:
	free(msg);
	v1_catalog_free(&c);
	json_decref(body);
}
