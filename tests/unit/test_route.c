/*
 * test_route.c — the dispatcher (http/route.c) and the response helpers
 * (http/response.c), driven with requests filled by hand: matching and
 * captures, 404, 405 with Allow, HEAD, login redirect or 401, 403, CSRF,
 * and the error page and JSON error shape.
 */
#include "unit.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "http/http.h"

static const char *called; /* name of the last handler run */

static void h_home(request *rq, response *rs) { called = "home"; buf_puts(&rs->body, "home"); }
static void h_matter(request *rq, response *rs) { called = "matter"; }
static void h_act(request *rq, response *rs) { called = "act"; }
static void h_static(request *rq, response *rs) { called = "static"; }
static void h_form(request *rq, response *rs) { called = "form"; }
static void h_submit(request *rq, response *rs) { called = "submit"; }
static void h_delete(request *rq, response *rs) { called = "delete"; }
static void h_api(request *rq, response *rs) { called = "api"; }
static void h_api_post(request *rq, response *rs) { called = "api_post"; }

/* An API with its own error shape: "E<status>:<hint>" as text/plain. */
static void own_errors(request *rq, response *rs, int status, const char *hint)
{
	rs->content_type = "text/plain";
	buf_printf(&rs->body, "E%d:%s", status, hint);
}
static void h_own(request *rq, response *rs) { called = "own"; }

static const route table[] = {
	{HTTP_GET, "/", 0, 0, h_home, NULL},
	{HTTP_GET, "/m/{}", ROLE_STAFF, 0, h_matter, NULL},
	{HTTP_POST, "/m/{}/act/{}", ROLE_CLERK | ROLE_ADMIN, 0, h_act, NULL},
	{HTTP_DELETE, "/m/{}", ROLE_ADMIN, 0, h_delete, NULL},
	{HTTP_GET, "/static/*", 0, 0, h_static, NULL},
	{HTTP_GET, "/submit", 0, 0, h_form, NULL},
	{HTTP_POST, "/submit", 0, 0, h_submit, NULL},
	{HTTP_GET, "/api/v1/matters", ROLE_STAFF, ROUTE_JSON, h_api, NULL},
	{HTTP_POST, "/api/v1/matters", ROLE_STAFF | ROLE_APP, ROUTE_JSON | ROUTE_NO_CSRF, h_api_post, NULL},
	{HTTP_GET, "/own/v2/things.txt", ROLE_STAFF, 0, h_own, own_errors},
	{HTTP_GET, "/own/v2/*", 0, 0, NULL, own_errors},
};

#define TOKEN "Q2xlcmtDc3JmVG9rZW5Gb3JUZXN0aW5nT25seTEyMzQ"

static request rq;
static response rs;

/* A fresh request: method, path, and who (role 0: anonymous). */
static void start(enum http_method m, const char *path, unsigned role)
{
	rq_free(&rq);
	resp_free(&rs);
	called = NULL;
	rq.method = m;
	rq.path = xstrdup(path);
	rq.who.role = role;
	if (role)
		rq.who.user_id = 7;
	strcpy(rq.csrf, TOKEN);
	rs.status = 200;
}

static void run(void)
{
	http_dispatch(table, ARRAY_LEN(table), &rq, &rs);
}

static int teardown(void **state)
{
	rq_free(&rq);
	resp_free(&rs);
	return 0;
}

static void test_match_and_capture(void **state)
{
	start(HTTP_GET, "/", 0);
	run();
	assert_string_equal(called, "home");
	assert_int_equal(rs.status, 200);
	assert_int_equal(rq.nargs, 0);

	start(HTTP_GET, "/m/TZ-2026-000123", ROLE_CLERK);
	run();
	assert_string_equal(called, "matter");
	assert_int_equal(rq.nargs, 1);
	assert_string_equal(rq.args[0], "TZ-2026-000123");

	kv_add(&rq.form, "csrf", TOKEN);
	rq.method = HTTP_POST;
	free(rq.path);
	rq.path = xstrdup("/m/路灯 12/act/accept"); /* decoded already */
	run();
	assert_string_equal(called, "act");
	assert_int_equal(rq.nargs, 2);
	assert_string_equal(rq.args[0], "路灯 12");
	assert_string_equal(rq.args[1], "accept");

	start(HTTP_GET, "/static/css/site.css", 0);
	run();
	assert_string_equal(called, "static");
	assert_string_equal(rq.args[0], "css/site.css");
}

static void test_not_found(void **state)
{
	static const char *paths[] = {"/nope", "/m/", "/m", "/m/1/extra", "/static/",
				      "/static", "//", "/submit/", ""};
	for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
		start(HTTP_GET, paths[i], ROLE_ADMIN);
		run();
		assert_null(called);
		assert_int_equal(rs.status, 404);
		assert_non_null(strstr(buf_str(&rs.body), "页面不存在"));
		assert_null(kv_get(&rs.headers, "Allow"));
	}
	/* The page never echoes the request. */
	start(HTTP_GET, "/<script>alert(1)</script>", 0);
	run();
	assert_int_equal(rs.status, 404);
	assert_null(strstr(buf_str(&rs.body), "script"));
}

static void test_method_not_allowed(void **state)
{
	start(HTTP_PUT, "/submit", ROLE_ADMIN);
	run();
	assert_null(called);
	assert_int_equal(rs.status, 405);
	assert_string_equal(kv_get(&rs.headers, "Allow"), "GET, HEAD, POST");

	start(HTTP_PATCH, "/m/1", ROLE_ADMIN);
	run();
	assert_int_equal(rs.status, 405);
	assert_string_equal(kv_get(&rs.headers, "Allow"), "GET, HEAD, DELETE");

	start(HTTP_POST, "/static/a.css", 0);
	run();
	assert_int_equal(rs.status, 405);
	assert_string_equal(kv_get(&rs.headers, "Allow"), "GET, HEAD");

	start(HTTP_GET, "/m/1/act/x", ROLE_ADMIN);
	run();
	assert_int_equal(rs.status, 405);
	assert_string_equal(kv_get(&rs.headers, "Allow"), "POST");
}

static void test_head_runs_get(void **state)
{
	start(HTTP_HEAD, "/", 0);
	run();
	assert_string_equal(called, "home");
	assert_int_equal(rs.status, 200);
	assert_string_equal(buf_str(&rs.body), "home"); /* the server drops it */

	start(HTTP_HEAD, "/m/5", ROLE_LEADER);
	run();
	assert_string_equal(called, "matter");
	assert_string_equal(rq.args[0], "5");
}

static void test_login_required(void **state)
{
	/* A page: redirect to the login page, coming back here. */
	start(HTTP_GET, "/m/5", 0);
	run();
	assert_null(called);
	assert_int_equal(rs.status, 303);
	assert_string_equal(kv_get(&rs.headers, "Location"), "/login?next=%2Fm%2F5");

	start(HTTP_GET, "/m/台", 0);
	run();
	assert_string_equal(kv_get(&rs.headers, "Location"), "/login?next=%2Fm%2F%E5%8F%B0");

	/* The API: 401 in the JSON shape. */
	start(HTTP_GET, "/api/v1/matters", 0);
	run();
	assert_null(called);
	assert_int_equal(rs.status, 401);
	assert_string_equal(rs.content_type, "application/json; charset=utf-8");
	assert_string_equal(kv_get(&rs.headers, "WWW-Authenticate"), "Bearer");
	json_error_t e;
	json_t *j = json_loads(buf_str(&rs.body), 0, &e);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "code")), 401);
	assert_true(json_is_string(json_object_get(j, "hint")));
	assert_true(strlen(json_string_value(json_object_get(j, "hint"))) > 0);
	json_decref(j);
}

static void test_wrong_role(void **state)
{
	start(HTTP_POST, "/m/1/act/accept", ROLE_OBSERVER);
	kv_add(&rq.form, "csrf", TOKEN);
	run();
	assert_null(called);
	assert_int_equal(rs.status, 403);
	assert_non_null(strstr(buf_str(&rs.body), "无权访问"));

	start(HTTP_DELETE, "/m/1", ROLE_CLERK);
	kv_add(&rq.form, "csrf", TOKEN);
	run();
	assert_int_equal(rs.status, 403);

	start(HTTP_DELETE, "/m/1", ROLE_ADMIN);
	kv_add(&rq.form, "csrf", TOKEN);
	run();
	assert_string_equal(called, "delete");

	/* JSON: the error shape. An app key may post but not list. */
	start(HTTP_GET, "/api/v1/matters", 0);
	rq.who.apikey_id = 3;
	rq.who.role = ROLE_APP;
	run();
	assert_null(called);
	assert_int_equal(rs.status, 403);
	json_t *j = json_loads(buf_str(&rs.body), 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "code")), 403);
	json_decref(j);
}

static void test_csrf(void **state)
{
	/* Good token, as a form field and as a header. */
	start(HTTP_POST, "/submit", 0);
	kv_add(&rq.form, "csrf", TOKEN);
	run();
	assert_string_equal(called, "submit");

	start(HTTP_POST, "/submit", 0);
	kv_add(&rq.headers, "x-csrf-token", TOKEN);
	run();
	assert_string_equal(called, "submit");

	/* Wrong, shorter, longer, missing, and both empty. */
	static const char *bad[] = {"Q2xlcmtDc3JmVG9rZW5Gb3JUZXN0aW5nT25seTEyMzX",
				    "Q2xlcmtD", TOKEN "x", "", NULL};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		start(HTTP_POST, "/submit", 0);
		if (bad[i])
			kv_add(&rq.form, "csrf", bad[i]);
		run();
		assert_null(called);
		assert_int_equal(rs.status, 403);
		assert_non_null(strstr(buf_str(&rs.body), "表单已过期，请刷新页面后重试"));
	}
	start(HTTP_POST, "/submit", 0);
	rq.csrf[0] = '\0';
	kv_add(&rq.form, "csrf", "");
	run();
	assert_null(called);
	assert_int_equal(rs.status, 403);

	/* A token in the query string does not count. */
	start(HTTP_POST, "/submit", 0);
	kv_add(&rq.query, "csrf", TOKEN);
	run();
	assert_null(called);
	assert_int_equal(rs.status, 403);

	/* GET needs no token. */
	start(HTTP_GET, "/submit", 0);
	run();
	assert_string_equal(called, "form");
}

static void test_keys_and_sessions(void **state)
{
	/* A key on a NO_CSRF API route needs no token. */
	start(HTTP_POST, "/api/v1/matters", 0);
	rq.who.apikey_id = 3;
	rq.who.role = ROLE_APP;
	rq.csrf[0] = '\0';
	run();
	assert_string_equal(called, "api_post");
	assert_true(rq.is_json_route);

	/* A session cookie does not count there: 401, not the handler. */
	start(HTTP_POST, "/api/v1/matters", ROLE_ADMIN);
	run();
	assert_null(called);
	assert_int_equal(rs.status, 401);
	assert_int_equal(rq.who.role, ROLE_NONE);

	/* A key does not open pages. */
	start(HTTP_GET, "/m/1", 0);
	rq.who.apikey_id = 3;
	rq.who.role = ROLE_CLERK;
	run();
	assert_null(called);
	assert_int_equal(rs.status, 303);

	/* But it opens the API. */
	start(HTTP_GET, "/api/v1/matters", 0);
	rq.who.apikey_id = 3;
	rq.who.role = ROLE_CLERK;
	run();
	assert_string_equal(called, "api");
}

/* The error shape of a path comes from the first route or error space
 * matching it. */
static request shaped(const char *path)
{
	request r = {0};
	r.path = (char *)path;
	http_error_shape(table, ARRAY_LEN(table), &r);
	return r;
}

static void test_error_shape(void **state)
{
	assert_true(shaped("/api/v1/matters").is_json_route);
	assert_false(shaped("/m/1").is_json_route);
	assert_false(shaped("/api/v1/nothing").is_json_route);
	assert_false(shaped(NULL).is_json_route);
	assert_true(shaped("/own/v2/x").error_writer == own_errors);
	assert_true(shaped("/m/1").error_writer == NULL);
}

/* Routes with their own error writer, and error spaces: a path nobody
 * serves under the space gets its 404 there; 401 and 405 keep the
 * route's writer; a space never runs as a handler. */
static void test_error_space(void **state)
{
	start(HTTP_GET, "/own/v2/nothing.txt", 0);
	run();
	assert_null(called);
	assert_int_equal(rs.status, 404);
	assert_string_equal(rs.content_type, "text/plain");
	assert_true(strncmp(buf_str(&rs.body), "E404:", 5) == 0);

	start(HTTP_GET, "/own/v2/things.txt", 0);
	run();
	assert_null(called);
	assert_int_equal(rs.status, 303); /* not JSON: the login redirect */

	start(HTTP_POST, "/own/v2/things.txt", 0);
	run();
	assert_int_equal(rs.status, 405);
	assert_true(strncmp(buf_str(&rs.body), "E405:", 5) == 0);
	assert_string_equal(kv_get(&rs.headers, "Allow"), "GET, HEAD");

	start(HTTP_GET, "/own/v2/things.txt", 0);
	rq.who.role = ROLE_CLERK;
	rq.who.user_id = 1;
	run();
	assert_string_equal(called, "own");
	resp_error(&rq, &rs, 400, "坏了");
	assert_string_equal(buf_str(&rs.body), "E400:坏了");
}

static void test_error_page(void **state)
{
	start(HTTP_GET, "/x", 0);
	resp_header(&rs, "Location", "/elsewhere");
	resp_header(&rs, "Set-Cookie", "a=b");
	resp_error(&rq, &rs, 400, "标题不能为空 <b>&</b>");
	const char *b = buf_str(&rs.body);
	assert_int_equal(rs.status, 400);
	assert_string_equal(rs.content_type, "text/html; charset=utf-8");
	assert_true(strncmp(b, "<!DOCTYPE html>", 15) == 0);
	assert_non_null(strstr(b, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(b, "<meta name=\"viewport\""));
	assert_non_null(strstr(b, "<title>请求有误</title>"));
	assert_non_null(strstr(b, "标题不能为空 &lt;b&gt;&amp;&lt;/b&gt;"));
	assert_non_null(strstr(b, "<a href=\"/\">"));
	assert_null(strstr(b, "<b>"));
	assert_null(kv_get(&rs.headers, "Location")); /* dropped */
	assert_string_equal(kv_get(&rs.headers, "Set-Cookie"), "a=b"); /* kept */

	resp_error(&rq, &rs, 500, NULL);
	assert_int_equal(rs.status, 500);
	assert_non_null(strstr(buf_str(&rs.body), "<title>出错了</title>"));
	assert_null(strstr(buf_str(&rs.body), "标题不能为空")); /* replaced */

	rq.is_json_route = true;
	resp_error(&rq, &rs, 404, "没有这个事项 \"x\"");
	json_t *j = json_loads(buf_str(&rs.body), 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "code")), 404);
	assert_string_equal(json_string_value(json_object_get(j, "hint")), "没有这个事项 \"x\"");
	json_decref(j);
}

static void test_response_helpers(void **state)
{
	start(HTTP_GET, "/", 0);
	resp_set_cookie(&rs, "tz_session", "abc_-9", 3600);
	assert_string_equal(kv_get(&rs.headers, "Set-Cookie"),
			    "tz_session=abc_-9; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600");
	resp_set_cookie(&rs, "bad", "a;b", 10);   /* refused */
	resp_set_cookie(&rs, "b d", "x", 10);     /* refused */
	resp_header(&rs, "X-Evil", "a\r\nSet-Cookie: x=1"); /* refused */
	resp_header(&rs, "Bad Name", "v");                  /* refused */
	assert_int_equal(rs.headers.n, 1);

	resp_redirect(&rs, "/m/1");
	assert_int_equal(rs.status, 303);
	assert_string_equal(kv_get(&rs.headers, "Location"), "/m/1");

	kv_add(&rq.query, "q", "from-query");
	kv_add(&rq.query, "page", "2");
	kv_add(&rq.form, "q", "from-form");
	assert_string_equal(rq_param(&rq, "q"), "from-form");
	assert_string_equal(rq_param(&rq, "page"), "2");
	assert_null(rq_param(&rq, "none"));
	kv_add(&rq.headers, "content-type", "text/plain");
	assert_string_equal(rq_header(&rq, "Content-Type"), "text/plain");
	assert_null(rq_header(&rq, "Accept"));

	rq.uploads = xcalloc(1, sizeof *rq.uploads);
	rq.nuploads = 1;
	rq.uploads[0].field = xstrdup("photo");
	rq.uploads[0].filename = xstrdup("a.jpg");
	rq.uploads[0].content_type = xstrdup("image/jpeg");
	buf_puts(&rq.uploads[0].data, "JPEG");
	assert_ptr_equal(rq_upload(&rq, "photo"), &rq.uploads[0]);
	assert_null(rq_upload(&rq, "other"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_match_and_capture, teardown),
		cmocka_unit_test_teardown(test_not_found, teardown),
		cmocka_unit_test_teardown(test_method_not_allowed, teardown),
		cmocka_unit_test_teardown(test_head_runs_get, teardown),
		cmocka_unit_test_teardown(test_login_required, teardown),
		cmocka_unit_test_teardown(test_wrong_role, teardown),
		cmocka_unit_test_teardown(test_csrf, teardown),
		cmocka_unit_test_teardown(test_keys_and_sessions, teardown),
		cmocka_unit_test(test_error_shape),
		cmocka_unit_test_teardown(test_error_space, teardown),
		cmocka_unit_test_teardown(test_error_page, teardown),
		cmocka_unit_test_teardown(test_response_helpers, teardown),
	};
	log_set_quiet(true);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
