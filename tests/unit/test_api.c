/*
 * test_api.c — the staff JSON API (api/v1_*.c) without a server: the
 * OpenAPI document kept true against the route table web_routes (every
 * /api/v1 route documented, every documented operation routed, every
 * $ref resolving, the error codes those of v1_error.h and of
 * docs/api.md), the route rows' flags and roles, the error writer's codes,
 * the JSON body and field readers, and a few requests dispatched through
 * the real route table on an in-memory ledger.
 */
#include "unit.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/staff_api.h"
#include "api/v1_error.h"
#include "api/v1_json.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/user.h"
#include "web/pages.h"

#define NOW 1795400000 /* 2026-11-23 (a Monday) around 09:33 Beijing */

/* ---- helpers ---- */

static json_t *document(void)
{
	char *text = v1_openapi_text();
	assert_non_null(text);
	json_error_t e;
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &e);
	if (!doc)
		fail_msg("openapi.json is not JSON: %s (line %d)", e.text, e.line);
	free(text);
	return doc;
}

/* Does a route pattern ("{}" one segment, a last "*" the rest) match path? */
static bool pattern_matches(const char *pattern, const char *path)
{
	while (*pattern && *path) {
		if (*pattern != '/' || *path != '/')
			return false;
		pattern++, path++;
		size_t pn = strcspn(pattern, "/"), qn = strcspn(path, "/");
		if (pn == 1 && *pattern == '*' && !pattern[1])
			return strlen(path) > 0;
		bool any = pn == 2 && pattern[0] == '{' && pattern[1] == '}';
		if (qn == 0 || (!any && (pn != qn || memcmp(pattern, path, pn) != 0)))
			return false;
		pattern += pn, path += qn;
	}
	return !*pattern && !*path;
}

/* A documented path with its {parameters} filled: "/m/{number}" → "/m/X1". */
static char *sample(const char *doc_path)
{
	buf b = BUF_INIT;
	for (const char *p = doc_path; *p; p++) {
		if (*p == '{') {
			buf_puts(&b, "X1");
			p = strchr(p, '}');
			assert_non_null(p);
		} else {
			buf_putc(&b, *p);
		}
	}
	return buf_steal(&b);
}

static const char *method_key(enum http_method m)
{
	switch (m) {
	case HTTP_GET: return "get";
	case HTTP_POST: return "post";
	case HTTP_PATCH: return "patch";
	case HTTP_PUT: return "put";
	case HTTP_DELETE: return "delete";
	default: return "other";
	}
}

static bool is_api(const route *r)
{
	return strncmp(r->pattern, "/api/v1", 7) == 0;
}

/* The route that serves method on path: the first with a handler whose
 * method and pattern match, as the dispatcher picks it. */
static const route *served_by(const char *method, const char *path)
{
	for (size_t i = 0; i < web_nroutes; i++)
		if (web_routes[i].handler && strcmp(method_key(web_routes[i].method), method) == 0 &&
		    pattern_matches(web_routes[i].pattern, path))
			return &web_routes[i];
	return NULL;
}

/* ---- the document and the route table ---- */

static void test_every_route_documented(void **state)
{
	json_t *doc = document(), *paths = json_object_get(doc, "paths"), *item;
	const char *path;
	size_t n = 0;
	for (size_t i = 0; i < web_nroutes; i++) {
		const route *r = &web_routes[i];
		if (!r->handler || !is_api(r))
			continue;
		bool found = false;
		json_object_foreach(paths, path, item) {
			char *s = sample(path);
			found |= json_object_get(item, method_key(r->method)) != NULL &&
				 pattern_matches(r->pattern, s);
			free(s);
		}
		if (!found)
			fail_msg("route %s %s is not in openapi.json", method_key(r->method), r->pattern);
		n++;
	}
	assert_true(n >= 14);
	json_decref(doc);
}

static void test_every_operation_routed(void **state)
{
	json_t *doc = document(), *paths = json_object_get(doc, "paths"), *item, *op;
	const char *path, *method;
	size_t n = 0;
	json_object_foreach(paths, path, item) {
		char *s = sample(path);
		json_object_foreach(item, method, op) {
			if (strcmp(method, "parameters") == 0)
				continue;
			const route *r = served_by(method, s);
			if (!r || !is_api(r))
				fail_msg("documented %s %s is not routed to the API", method, path);
			assert_ptr_equal(r->errors, v1_error_writer);
			assert_non_null(json_object_get(op, "responses"));
			n++;
		}
		free(s);
	}
	assert_true(n >= 24);
	json_decref(doc);
}

/* Follow a local "#/a/b" reference in doc. */
static json_t *resolve(json_t *doc, const char *ref)
{
	if (strncmp(ref, "#/", 2) != 0)
		return NULL;
	json_t *at = doc;
	char *copy = xstrdup(ref + 2), *save = NULL;
	for (char *seg = strtok_r(copy, "/", &save); seg && at; seg = strtok_r(NULL, "/", &save))
		at = json_object_get(at, seg);
	free(copy);
	return at;
}

/* Every $ref under j resolves in doc; counts them. */
static void refs_resolve(json_t *doc, json_t *j, size_t *count)
{
	const char *key;
	json_t *v;
	size_t i;
	if (json_is_object(j)) {
		json_object_foreach(j, key, v) {
			if (strcmp(key, "$ref") == 0) {
				if (!json_is_string(v) || !resolve(doc, json_string_value(v)))
					fail_msg("unresolved $ref %s", json_string_value(v));
				(*count)++;
			} else {
				refs_resolve(doc, v, count);
			}
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v) refs_resolve(doc, v, count);
	}
}

static void test_document_well_formed(void **state)
{
	json_t *doc = document();
	size_t refs = 0;
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	assert_non_null(json_object_get(json_object_get(doc, "info"), "title"));
	refs_resolve(doc, doc, &refs);
	assert_true(refs > 50);
	/* The error codes of the schema are exactly those of v1_error.h. */
	json_t *codes = resolve(doc, "#/components/schemas/Error/properties/code/enum");
	assert_int_equal(json_array_size(codes), v1_ncodes);
	for (size_t i = 0; i < v1_ncodes; i++)
		assert_int_equal(json_integer_value(json_array_get(codes, i)), v1_codes[i].code);
	json_decref(doc);
}

static void test_codes_stable_and_documented(void **state)
{
	FILE *f = fopen("docs/api.md", "r");
	if (!f)
		f = fopen("../../docs/api.md", "r");
	assert_non_null(f);
	buf md = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&md, chunk, n);
	fclose(f);
	for (size_t i = 0; i < v1_ncodes; i++) {
		for (size_t k = 0; k < i; k++)
			assert_int_not_equal(v1_codes[i].code, v1_codes[k].code);
		char row[80];
		snprintf(row, sizeof row, "| %d | %d | `%s` |", v1_codes[i].code, v1_codes[i].status,
			 v1_codes[i].name);
		if (!strstr(buf_str(&md), row))
			fail_msg("docs/api.md has no row starting \"%s\"", row);
	}
	/* A few numbers are a published contract: they never change. */
	assert_int_equal(V1_BAD_JSON, 1001);
	assert_int_equal(V1_KEY_MISSING, 2000);
	assert_int_equal(V1_APP_SUBMIT_ONLY, 2003);
	assert_int_equal(V1_VERSION_CONFLICT, 4000);
	assert_int_equal(V1_WRONG_STATE, 4001);
	assert_int_equal(V1_FIELD_INVALID, 5001);
	buf_free(&md);
}

static void test_route_rows(void **state)
{
	size_t spaces = 0;
	for (size_t i = 0; i < web_nroutes; i++) {
		const route *r = &web_routes[i];
		if (!is_api(r))
			continue;
		assert_true(r->flags & ROUTE_JSON);
		assert_ptr_equal(r->errors, v1_error_writer);
		if (!r->handler) {
			spaces++;
			continue;
		}
		/* Keys, not cookies: every writing row is exempt from CSRF. */
		if (r->method != HTTP_GET)
			assert_true(r->flags & ROUTE_NO_CSRF);
		assert_true(r->roles != 0);
		/* An app key may only submit. */
		bool submit = r->method == HTTP_POST && strcmp(r->pattern, "/api/v1/matters") == 0;
		assert_int_equal((r->roles & ROLE_APP) != 0, submit);
	}
	assert_true(spaces >= 1);
	/* An unknown API path gets the API's shape. */
	request rq = {0};
	rq.path = xstrdup("/api/v1/no/such/thing");
	http_error_shape(web_routes, web_nroutes, &rq);
	assert_ptr_equal(rq.error_writer, v1_error_writer);
	rq_free(&rq);
}

/* ---- the error writer ---- */

static int code_of(const response *rs)
{
	json_t *j = json_loads(buf_str(&rs->body), 0, NULL);
	assert_non_null(j);
	assert_true(json_is_string(json_object_get(j, "hint")));
	assert_non_null(json_object_get(j, "detail"));
	int code = (int)json_integer_value(json_object_get(j, "code"));
	json_decref(j);
	return code;
}

static void test_error_writer(void **state)
{
	static const struct {
		int status, code;
		unsigned role;
		const char *auth;
	} cases[] = {
		{400, V1_BAD_REQUEST, 0, NULL},       {401, V1_KEY_MISSING, 0, NULL},
		{401, V1_KEY_MISSING, 0, "Basic eA=="}, {401, V1_KEY_INVALID, 0, "Bearer nope"},
		{403, V1_ROLE_FORBIDDEN, ROLE_OBSERVER, NULL}, {403, V1_APP_SUBMIT_ONLY, ROLE_APP, NULL},
		{404, V1_NO_SUCH_ENDPOINT, 0, NULL},  {405, V1_METHOD_NOT_ALLOWED, 0, NULL},
		{413, V1_BODY_TOO_LARGE, 0, NULL},    {500, V1_INTERNAL, 0, NULL},
		{503, V1_UNAVAILABLE, 0, NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		request rq = {0};
		response rs = {0};
		rq.who.role = cases[i].role;
		rq.error_writer = v1_error_writer;
		if (cases[i].auth)
			kv_add(&rq.headers, "authorization", cases[i].auth);
		resp_error(&rq, &rs, cases[i].status, "x");
		assert_int_equal(rs.status, cases[i].status);
		assert_string_equal(rs.content_type, "application/json; charset=utf-8");
		assert_int_equal(code_of(&rs), cases[i].code);
		rq_free(&rq);
		resp_free(&rs);
	}
}

/* ---- the body and its fields ---- */

static void body_case(const char *ctype, const char *body, int status, int code)
{
	request rq = {0};
	response rs = {0};
	if (ctype)
		kv_add(&rq.headers, "content-type", ctype);
	buf_puts(&rq.body, body);
	json_t *j = v1_body_or_error(&rq, &rs);
	if (status == 0) {
		assert_true(json_is_object(j));
	} else {
		assert_null(j);
		assert_int_equal(rs.status, status);
		assert_int_equal(code_of(&rs), code);
	}
	json_decref(j);
	rq_free(&rq);
	resp_free(&rs);
}

static void test_body(void **state)
{
	body_case(NULL, "", 0, 0); /* no body: {} */
	body_case("text/plain", "", 0, 0);
	body_case("application/json", "{\"a\": 1}", 0, 0);
	body_case("Application/JSON; charset=UTF-8", "{}", 0, 0);
	body_case("application/json; charset=\"utf-8\"", "{}", 0, 0);
	body_case(NULL, "{}", 415, V1_UNSUPPORTED_MEDIA);
	body_case("text/plain", "{}", 415, V1_UNSUPPORTED_MEDIA);
	body_case("application/x-www-form-urlencoded", "a=1", 415, V1_UNSUPPORTED_MEDIA);
	body_case("application/json; charset=gbk", "{}", 415, V1_UNSUPPORTED_MEDIA);
	body_case("application/json", "{", 400, V1_BAD_JSON);
	body_case("application/json", "{\"a\": 1, \"a\": 2}", 400, V1_BAD_JSON);
	body_case("application/json", "{\"a\": \"\\u0000\"}", 400, V1_BAD_JSON);
	body_case("application/json", "{\"a\": \"\xff\"}", 400, V1_BAD_JSON);
	body_case("application/json", "[1]", 400, V1_NOT_AN_OBJECT);
	body_case("application/json", "\"x\"", 400, V1_NOT_AN_OBJECT);
}

/* The field named in the error's detail. */
static void assert_field(const response *rs, const char *field)
{
	json_t *j = json_loads(buf_str(&rs->body), 0, NULL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "detail"), "field")),
			    field);
	json_decref(j);
}

static void test_fields(void **state)
{
	static const char *const known[] = {"s", "b", "i", "n", "o", NULL};
	response rs = {0};
	json_t *o = json_pack("{s:s, s:b, s:i, s:f, s:{s:i}}", "s", "x", "b", 1, "i", 7, "n", 1.5, "o",
			      "k", 1);
	v1_in in = v1_in_start(&rs, o, "");
	v1_in_known(&in, known);
	assert_string_equal(v1_in_str(&in, "s", true), "x");
	assert_true(v1_in_bool(&in, "b", false));
	assert_int_equal(v1_in_int(&in, "i", 1, 10, 0), 7);
	assert_true(v1_in_num(&in, "n", 0, 2) == 1.5);
	assert_int_equal(v1_in_int(&in, "absent", 1, 10, 3), 3);
	assert_false(in.failed);

	assert_null(v1_in_str(&in, "missing", true));
	assert_true(in.failed);
	assert_int_equal(rs.status, 422);
	assert_int_equal(code_of(&rs), V1_FIELD_MISSING);
	assert_field(&rs, "missing");

	in = v1_in_start(&rs, o, "");
	v1_in_int(&in, "i", 1, 5, 0);
	assert_int_equal(code_of(&rs), V1_FIELD_INVALID);
	in = v1_in_start(&rs, o, "");
	v1_in_str(&in, "b", false);
	assert_int_equal(code_of(&rs), V1_FIELD_INVALID);
	assert_field(&rs, "b");

	/* Only the first problem is answered; nested fields carry a prefix. */
	v1_in sub = v1_in_start(&rs, json_object_get(o, "o"), "submitter.");
	v1_in_known(&sub, known);
	v1_in_str(&sub, "s", true);
	assert_int_equal(code_of(&rs), V1_FIELD_UNKNOWN);
	assert_field(&rs, "submitter.k");
	json_decref(o);
	resp_free(&rs);
}

/* ---- through the route table, on an in-memory ledger ---- */

static db *ledger;

static int setup_ledger(void **state)
{
	char *err = NULL, *msg = NULL;
	user_set_hash_cost(crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
	ledger = db_open(":memory:", &err);
	assert_non_null(ledger);
	assert_int_equal(db_migrate(ledger), 0);
	assert_int_equal(catalog_install_defaults(ledger), LEDGER_OK);
	department d = {0, "cgj", "城市管理局", "", true};
	assert_int_equal(department_save(ledger, &d, &msg), LEDGER_OK);
	return 0;
}

static int teardown_ledger(void **state)
{
	db_close(ledger);
	return 0;
}

/* Dispatch method path with body as role; returns the parsed answer. */
static json_t *call(enum http_method m, const char *path, unsigned role, const char *body,
		    int *status)
{
	request rq = {0};
	response rs = {0};
	rq.method = m;
	rq.path = xstrdup(path);
	rq.who.role = role;
	rq.who.apikey_id = 1;
	snprintf(rq.who.name, sizeof rq.who.name, "测试密钥");
	rq.db = ledger;
	rq.now = NOW;
	if (body) {
		kv_add(&rq.headers, "content-type", "application/json");
		buf_puts(&rq.body, body);
	}
	rs.status = 200;
	http_dispatch(web_routes, web_nroutes, &rq, &rs);
	*status = rs.status;
	json_t *j = json_loads(buf_str(&rs.body), 0, NULL);
	assert_non_null(j);
	assert_false(db_in_transaction(ledger));
	rq_free(&rq);
	resp_free(&rs);
	return j;
}

static void test_dispatch(void **state)
{
	int st;
	const char *body = "{\"kind\": \"request\", \"title\": \"路灯不亮\", \"description\": \"三盏\","
			   " \"submitter\": {\"name\": \"李秀英\", \"phone\": \"13912345678\"}}";
	json_t *j = call(HTTP_POST, "/api/v1/matters", ROLE_APP, body, &st);
	assert_int_equal(st, 201);
	assert_string_equal(json_string_value(json_object_get(j, "channel")), "app");
	assert_null(json_object_get(j, "submitter")); /* an app never sees it */
	assert_true(json_is_string(json_object_get(j, "secret")));
	char *path = str_printf("/api/v1/matters/%s", json_string_value(json_object_get(j, "number")));
	json_decref(j);

	j = call(HTTP_GET, path, ROLE_APP, NULL, &st);
	assert_int_equal(st, 403);
	assert_int_equal(json_integer_value(json_object_get(j, "code")), V1_APP_SUBMIT_ONLY);
	json_decref(j);

	j = call(HTTP_GET, path, ROLE_CLERK, NULL, &st);
	assert_int_equal(st, 200);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(j, "submitter"), "name")), "李秀英");
	assert_null(json_object_get(j, "secret"));
	json_decref(j);

	j = call(HTTP_GET, path, ROLE_OBSERVER, NULL, &st);
	assert_int_equal(st, 200);
	assert_null(json_object_get(j, "submitter"));
	json_decref(j);

	char *act = str_printf("%s/actions/accept", path);
	j = call(HTTP_POST, act, ROLE_CLERK, "{\"version\": 2}", &st);
	assert_int_equal(st, 409);
	assert_int_equal(json_integer_value(json_object_get(j, "code")), V1_VERSION_CONFLICT);
	json_decref(j);
	j = call(HTTP_POST, act, ROLE_CLERK, "{\"version\": 1}", &st);
	assert_int_equal(st, 200);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "accepted");
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
	j = call(HTTP_POST, act, ROLE_CLERK, NULL, &st);
	assert_int_equal(st, 409);
	assert_int_equal(json_integer_value(json_object_get(j, "code")), V1_WRONG_STATE);
	json_decref(j);
	free(act);
	free(path);

	j = call(HTTP_GET, "/api/v1/nothing/here", ROLE_CLERK, NULL, &st);
	assert_int_equal(st, 404);
	assert_int_equal(json_integer_value(json_object_get(j, "code")), V1_NO_SUCH_ENDPOINT);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_route_documented),
		cmocka_unit_test(test_every_operation_routed),
		cmocka_unit_test(test_document_well_formed),
		cmocka_unit_test(test_codes_stable_and_documented),
		cmocka_unit_test(test_route_rows),
		cmocka_unit_test(test_error_writer),
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_fields),
		cmocka_unit_test_setup_teardown(test_dispatch, setup_ledger, teardown_ledger),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
