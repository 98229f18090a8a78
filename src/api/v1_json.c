/*
 * v1_json.c — the staff API's plumbing (see v1_json.h): the JSON body and
 * its fields, query parameters, answers, and the catalogue's codes.
 *
 * Nothing here knows an endpoint. Hints name the field or parameter that
 * is wrong but never repeat its value.
 */
#include "api/v1_json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/isotime.h"
#include "base/util.h"
#include "http/form.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "ledger/user.h"

/* ---- the body ---- */

/* Did the client send a body at all (raw, or parsed as a form)? */
static bool has_body(const request *rq)
{
	int64_t declared = 0;
	const char *cl = rq_header(rq, "content-length");
	if (cl && str_to_i64(cl, &declared) && declared > 0)
		return true;
	return rq->body.len > 0 || rq->form.n > 0 || rq->nuploads > 0;
}

/* Is a charset parameter of the Content-Type, if any, UTF-8? */
static bool charset_utf8(const char *ct)
{
	const char *p = ct;
	while ((p = strchr(p, ';'))) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "charset=", 8) != 0)
			continue;
		p += 8;
		bool quoted = *p == '"';
		p += quoted;
		if (strncasecmp(p, "utf-8", 5) != 0)
			return false;
		p += 5;
		p += quoted && *p == '"';
		return *p == '\0' || *p == ';' || *p == ' ' || *p == '\t';
	}
	return true;
}

json_t *v1_body_or_error(request *rq, response *rs)
{
	if (!has_body(rq))
		return json_object();
	const char *ct = rq_header(rq, "content-type");
	/* Why refuse other types: a form post from a web page is a "simple"
	 * cross-site request that no CORS preflight guards; a JSON body is
	 * not. It also catches clients that forgot to say what they send. */
	if (!form_is_type(ct, "application/json") || !charset_utf8(ct)) {
		v1_fail(rs, 415, V1_UNSUPPORTED_MEDIA,
			"请求内容须为 JSON（Content-Type: application/json，UTF-8）", NULL);
		return NULL;
	}
	json_error_t err;
	json_t *j = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len,
			       JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!j) {
		char *hint = str_printf("请求内容不是有效的 JSON（第 %d 行第 %d 列）", err.line,
					err.column);
		v1_fail(rs, 400, V1_BAD_JSON, hint, NULL);
		free(hint);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		v1_fail(rs, 400, V1_NOT_AN_OBJECT, "请求内容须为一个 JSON 对象", NULL);
		return NULL;
	}
	return j;
}

/* ---- fields ---- */

v1_in v1_in_start(response *rs, json_t *obj, const char *prefix)
{
	return (v1_in){rs, obj, prefix ? prefix : "", false};
}

void v1_in_fail(v1_in *in, enum v1_code code, const char *name, const char *what)
{
	if (in->failed)
		return;
	in->failed = true;
	char *field = str_printf("%s%s", in->prefix, name);
	char *hint = str_printf("字段 %s %s", field, what);
	v1_fail_field(in->rs, code, field, hint);
	free(hint);
	free(field);
}

/* A field or parameter name as it may appear in an answer: a short name of
 * ASCII letters, '_', '-' and '.' with at most three digits. Why: the name
 * is the client's text, and anything else (a phone or ID number typed in
 * the wrong place, markup) must not be repeated back. */
static const char *shown_name(const char *name)
{
	size_t n = strlen(name), digits = 0;
	for (size_t i = 0; i < n; i++)
		digits += name[i] >= '0' && name[i] <= '9';
	bool plain = n >= 1 && n <= 64 && digits <= 3 &&
		     strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
	return plain ? name : "(名称无效)";
}

void v1_in_known(v1_in *in, const char *const *names)
{
	const char *key;
	json_t *value;
	json_object_foreach(in->obj, key, value) {
		bool known = false;
		for (size_t i = 0; names[i] && !known; i++)
			known = strcmp(key, names[i]) == 0;
		if (!known) {
			v1_in_fail(in, V1_FIELD_UNKNOWN, shown_name(key), "不是这个接口接受的字段");
			return;
		}
	}
}

/* The field's value, NULL when absent or null. */
static json_t *field(const v1_in *in, const char *name)
{
	json_t *v = in->failed ? NULL : json_object_get(in->obj, name);
	return json_is_null(v) ? NULL : v;
}

bool v1_in_has(const v1_in *in, const char *name)
{
	return field(in, name) != NULL;
}

const char *v1_in_str(v1_in *in, const char *name, bool required)
{
	json_t *v = field(in, name);
	if (!v) {
		if (required)
			v1_in_fail(in, V1_FIELD_MISSING, name, "必填");
		return NULL;
	}
	if (!json_is_string(v)) {
		v1_in_fail(in, V1_FIELD_INVALID, name, "应为字符串");
		return NULL;
	}
	return json_string_value(v);
}

bool v1_in_bool(v1_in *in, const char *name, bool dflt)
{
	json_t *v = field(in, name);
	if (!v)
		return dflt;
	if (!json_is_boolean(v)) {
		v1_in_fail(in, V1_FIELD_INVALID, name, "应为 true 或 false");
		return dflt;
	}
	return json_is_true(v);
}

int64_t v1_in_int(v1_in *in, const char *name, int64_t min, int64_t max, int64_t dflt)
{
	json_t *v = field(in, name);
	if (!v)
		return dflt;
	json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;
	if (!json_is_integer(v) || n < min || n > max) {
		char *hint = str_printf("应为 %lld 到 %lld 之间的整数", (long long)min, (long long)max);
		v1_in_fail(in, V1_FIELD_INVALID, name, hint);
		free(hint);
		return dflt;
	}
	return (int64_t)n;
}

double v1_in_num(v1_in *in, const char *name, double min, double max)
{
	json_t *v = field(in, name);
	if (!v)
		return 0;
	double x = json_is_number(v) ? json_number_value(v) : NAN;
	if (!json_is_number(v) || !isfinite(x) || x < min || x > max) {
		char *hint = str_printf("应为 %g 到 %g 之间的数", min, max);
		v1_in_fail(in, V1_FIELD_INVALID, name, hint);
		free(hint);
		return 0;
	}
	return x;
}

json_t *v1_in_obj(v1_in *in, const char *name, bool required)
{
	json_t *v = field(in, name);
	if (!v) {
		if (required)
			v1_in_fail(in, V1_FIELD_MISSING, name, "必填");
		return NULL;
	}
	if (!json_is_object(v)) {
		v1_in_fail(in, V1_FIELD_INVALID, name, "应为对象");
		return NULL;
	}
	return v;
}

json_t *v1_in_strings(v1_in *in, const char *name, size_t max)
{
	json_t *v = field(in, name), *item;
	size_t i;
	if (!v)
		return NULL;
	bool ok = json_is_array(v) && json_array_size(v) <= max;
	json_array_foreach(v, i, item) ok = ok && json_is_string(item);
	if (!ok) {
		char *hint = str_printf("应为字符串数组（最多 %zu 项）", max);
		v1_in_fail(in, V1_FIELD_INVALID, name, hint);
		free(hint);
		return NULL;
	}
	return v;
}

/* ---- query parameters ---- */

const char *v1_param(const request *rq, const char *name)
{
	const char *v = kv_get(&rq->query, name);
	return str_empty(v) ? NULL : v;
}

bool v1_params_known_or_400(const request *rq, response *rs, const char *const *names)
{
	for (size_t i = 0; i < rq->query.n; i++) {
		const char *name = rq->query.items[i].name;
		bool known = false;
		for (size_t k = 0; names[k] && !known; k++)
			known = strcmp(name, names[k]) == 0;
		const char *shown = shown_name(name);
		char *hint = NULL;
		if (!known)
			hint = str_printf("不认识的参数 %s", shown);
		for (size_t k = 0; known && !hint && k < i; k++)
			if (strcmp(rq->query.items[k].name, name) == 0)
				hint = str_printf("参数 %s 只能给一次", shown);
		if (hint) {
			v1_fail_param(rs, shown, hint);
			free(hint);
			return false;
		}
	}
	return true;
}

/* ---- answers ---- */

void v1_reply(response *rs, int status, json_t *j)
{
	/* 12 significant digits: coordinates to about a millimetre, and 31.2
	 * written as 31.2 rather than 31.199999999999999. */
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
	json_decref(j);
	if (!text) {
		log_error("cannot write a JSON answer");
		v1_fail(rs, 500, V1_INTERNAL, "系统出现了问题，已记录下来，请稍后再试", NULL);
		return;
	}
	rs->status = status;
	rs->content_type = "application/json; charset=utf-8";
	buf_reset(&rs->body);
	buf_puts(&rs->body, text);
	free(text);
}

json_t *v1_str_or_null(const char *s)
{
	json_t *j = str_empty(s) ? NULL : json_string(s);
	return j ? j : json_null();
}

json_t *v1_time_or_null(int64_t t)
{
	char iso[ISOTIME_SIZE];
	if (t <= 0)
		return json_null();
	isotime_format(t, iso);
	return json_string(iso);
}

void v1_today(const request *rq, char out[11])
{
	ledger_today(rq->now, out);
}

/* ---- the catalogue ---- */

int v1_catalog_load(v1_catalog *c, db *d)
{
	memset(c, 0, sizeof *c);
	c->d = d;
	if (department_list(d, false, &c->deps, &c->ndeps) != LEDGER_OK ||
	    area_list(d, false, &c->areas, &c->nareas) != LEDGER_OK ||
	    category_list(d, false, &c->cats, &c->ncats) != LEDGER_OK)
		return LEDGER_ERROR;
	return LEDGER_OK;
}

void v1_catalog_free(v1_catalog *c)
{
	department_list_free(c->deps, c->ndeps);
	area_list_free(c->areas, c->nareas);
	category_list_free(c->cats, c->ncats);
	for (size_t i = 0; i < c->nlogins; i++)
		free(c->logins[i].login);
	free(c->logins);
	memset(c, 0, sizeof *c);
}

const char *v1_department_code(const v1_catalog *c, int64_t id)
{
	for (size_t i = 0; id && i < c->ndeps; i++)
		if (c->deps[i].id == id)
			return c->deps[i].code;
	return NULL;
}

const char *v1_area_code(const v1_catalog *c, int64_t id)
{
	for (size_t i = 0; id && i < c->nareas; i++)
		if (c->areas[i].id == id)
			return c->areas[i].code;
	return NULL;
}

const char *v1_category_code(const v1_catalog *c, int64_t id)
{
	for (size_t i = 0; id && i < c->ncats; i++)
		if (c->cats[i].id == id)
			return c->cats[i].code;
	return NULL;
}

int64_t v1_department_id(const v1_catalog *c, const char *code)
{
	for (size_t i = 0; code && i < c->ndeps; i++)
		if (strcmp(c->deps[i].code, code) == 0)
			return c->deps[i].id;
	return 0;
}

int64_t v1_area_id(const v1_catalog *c, const char *code)
{
	for (size_t i = 0; code && i < c->nareas; i++)
		if (strcmp(c->areas[i].code, code) == 0)
			return c->areas[i].id;
	return 0;
}

int64_t v1_category_id(const v1_catalog *c, const char *code)
{
	for (size_t i = 0; code && i < c->ncats; i++)
		if (strcmp(c->cats[i].code, code) == 0)
			return c->cats[i].id;
	return 0;
}

const char *v1_user_login(v1_catalog *c, int64_t id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < c->nlogins; i++)
		if (c->logins[i].id == id)
			return c->logins[i].login;
	user u;
	if (user_get(c->d, id, &u) != LEDGER_OK)
		return NULL;
	c->logins = xrealloc(c->logins, (c->nlogins + 1) * sizeof *c->logins);
	c->logins[c->nlogins] = (struct v1_login){id, u.login};
	u.login = NULL;
	user_clear(&u);
	return c->logins[c->nlogins++].login;
}
