/*
 * test_open311.c — the pure pieces of Open311 (api/open311_format.c,
 * open311_args.c, open311_text.c): one tree written as XML and as JSON,
 * escaping, empty fields, format suffixes, comma lists, W3C times and the
 * 90-day window, titles, names and contact built from an app's fields.
 */
#include "unit.h"

#include <stdlib.h>

#include "api/open311_int.h"

/* 2026-11-23T00:00:00+08:00 */
#define DAY0 1795363200

/* Render root in fmt into a new string (caller frees). */
static char *render(const o311_node *root, enum o311_fmt fmt)
{
	buf b = BUF_INIT;
	o311_render(&b, root, fmt);
	return buf_steal(&b);
}

static void test_tree_xml_and_json(void **state)
{
	o311_node *root = o311_root_list("service_requests");
	o311_node *r = o311_add_obj(root, "request");
	o311_add_str(r, "service_request_id", "TZ-2026-000001");
	o311_add_str(r, "description", "a < b & \"c\"\r\nd");
	o311_add_str(r, "status_notes", "");
	o311_add_real(r, "lat", 38.30412, true);
	o311_add_real(r, "long", 0, false);
	o311_add_bool(r, "metadata", true);
	o311_add_int(r, "order", 3);
	o311_node *f = o311_add_list(r, "formats");
	o311_add_str(f, "format", "text/xml");
	char *x = render(root, O311_XML), *j = render(root, O311_JSON);
	assert_string_equal(x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			       "<service_requests>\n"
			       "  <request>\n"
			       "    <service_request_id>TZ-2026-000001</service_request_id>\n"
			       "    <description>a &lt; b &amp; \"c\"&#13;\nd</description>\n"
			       "    <status_notes></status_notes>\n"
			       "    <lat>38.30412</lat>\n"
			       "    <long></long>\n"
			       "    <metadata>true</metadata>\n"
			       "    <order>3</order>\n"
			       "    <formats>\n"
			       "      <format>text/xml</format>\n"
			       "    </formats>\n"
			       "  </request>\n"
			       "</service_requests>\n");
	assert_string_equal(j, "[\n"
			       "  {\n"
			       "    \"service_request_id\": \"TZ-2026-000001\",\n"
			       "    \"description\": \"a < b & \\\"c\\\"\\r\\nd\",\n"
			       "    \"status_notes\": null,\n"
			       "    \"lat\": 38.30412,\n"
			       "    \"long\": null,\n"
			       "    \"metadata\": true,\n"
			       "    \"order\": 3,\n"
			       "    \"formats\": [\n"
			       "      \"text/xml\"\n"
			       "    ]\n"
			       "  }\n"
			       "]\n");
	free(x);
	free(j);
	o311_free(root);
}

static void test_tree_empty_and_bad_text(void **state)
{
	o311_node *root = o311_root_obj("service_definition");
	o311_add_str(root, "service_code", "x\xff");   /* not UTF-8: left empty */
	o311_add_str(root, "control", "a\x01" "b"); /* XML cannot carry \x01: dropped in both */
	o311_add_list(root, "attributes");
	char *x = render(root, O311_XML), *j = render(root, O311_JSON);
	assert_non_null(strstr(x, "<service_code></service_code>"));
	assert_non_null(strstr(x, "<control>ab</control>"));
	assert_non_null(strstr(x, "<attributes></attributes>"));
	assert_non_null(strstr(j, "\"service_code\": null"));
	assert_non_null(strstr(j, "\"control\": \"ab\""));
	assert_non_null(strstr(j, "\"attributes\": []"));
	assert_int_equal(j[0], '{');
	free(x);
	free(j);
	o311_free(root);
}

static void test_split_format(void **state)
{
	char *stem;
	enum o311_fmt fmt;
	assert_true(o311_split_format("heat-gas.json", &stem, &fmt));
	assert_string_equal(stem, "heat-gas");
	assert_int_equal(fmt, O311_JSON);
	free(stem);
	assert_true(o311_split_format("TZ-2026-000001.xml", &stem, &fmt));
	assert_string_equal(stem, "TZ-2026-000001");
	assert_int_equal(fmt, O311_XML);
	free(stem);
	static const char *const bad[] = {NULL, "", ".xml", ".json", "a.html", "a", "a.XML"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		assert_false(o311_split_format(bad[i], &stem, &fmt));
		assert_null(stem);
	}
	assert_int_equal(o311_path_format("/open311/v2/x.json"), O311_JSON);
	assert_int_equal(o311_path_format("/open311/v2/x"), O311_XML);
	assert_int_equal(o311_path_format(NULL), O311_XML);
}

static void test_lists(void **state)
{
	o311_list l = {0};
	assert_true(o311_list_split(" open, closed,,", 10, &l));
	assert_true(o311_list_split("x", 10, &l));
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "open");
	assert_string_equal(l.v[1], "closed");
	assert_string_equal(l.v[2], "x");
	o311_list_free(&l);
	assert_false(o311_list_split("a,b,c", 2, &l));
	o311_list_free(&l);
}

static void test_parse_time(void **state)
{
	int64_t t;
	assert_true(o311_parse_time("2026-11-22T16:00:00Z", false, &t));
	assert_int_equal(t, DAY0);
	assert_true(o311_parse_time("2026-11-23T00:00:00 08:00", false, &t)); /* '+' as space */
	assert_int_equal(t, DAY0);
	assert_true(o311_parse_time("2026-11-23", true, &t));
	assert_int_equal(t, DAY0 + 86399);
	assert_false(o311_parse_time("2026-11-23T08:00:00", false, &t)); /* no zone */
	assert_false(o311_parse_time("2026-11-23 08:00", false, &t));
	assert_false(o311_parse_time("yesterday", false, &t));
	assert_false(o311_parse_time("", false, &t));
}

static void test_window(void **state)
{
	int64_t from, to, now = DAY0 + 3600;
	assert_null(o311_window(NULL, NULL, now, &from, &to));
	assert_int_equal(to, now);
	assert_int_equal(from, now - O311_SPAN);
	assert_null(o311_window("2026-11-22T16:00:00Z", NULL, now, &from, &to));
	assert_int_equal(from, DAY0);
	assert_int_equal(to, DAY0 + O311_SPAN);
	assert_null(o311_window(NULL, "2026-11-22T16:00:00Z", now, &from, &to));
	assert_int_equal(to, DAY0);
	assert_int_equal(from, DAY0 - O311_SPAN);
	/* 90 days exactly passes; a second more does not */
	assert_null(o311_window("2026-08-25T00:00:00+08:00", "2026-11-23T00:00:00+08:00", now,
				&from, &to));
	assert_non_null(o311_window("2026-08-24T23:59:59+08:00", "2026-11-23T00:00:00+08:00", now,
				    &from, &to));
	assert_non_null(o311_window("2026-11-24", "2026-11-23", now, &from, &to));
	assert_non_null(o311_window("soon", NULL, now, &from, &to));
	assert_non_null(o311_window(NULL, "2026-11-23T08:00", now, &from, &to));
}

static void test_title(void **state)
{
	char *t = o311_title("\n  \t\n　路灯不亮 \r\n第二行", "道路交通");
	assert_string_equal(t, "路灯不亮");
	free(t);
	t = o311_title("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三", "x");
	assert_string_equal(t, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十");
	free(t);
	t = o311_title(NULL, "违法建设");
	assert_string_equal(t, "违法建设");
	free(t);
	t = o311_title(" \n\t", "违法建设");
	assert_string_equal(t, "违法建设");
	free(t);
	t = o311_title("a\tb", "x");
	assert_string_equal(t, "a b");
	free(t);
}

static void test_person_and_contact(void **state)
{
	char *s = o311_person_name("王", "小芳");
	assert_string_equal(s, "王小芳");
	free(s);
	s = o311_person_name("Smith", "John");
	assert_string_equal(s, "Smith John");
	free(s);
	s = o311_person_name(NULL, "芳");
	assert_string_equal(s, "芳");
	free(s);
	assert_null(o311_person_name("", NULL));
	s = o311_contact("a@b.cn", NULL, "acc");
	assert_string_equal(s, "邮箱 a@b.cn; 账号 acc");
	free(s);
	s = o311_contact(NULL, "d1", NULL);
	assert_string_equal(s, "设备 d1");
	free(s);
	assert_null(o311_contact(NULL, "", NULL));
	s = o311_keywords(" 道路  坑洼 红绿灯 ");
	assert_string_equal(s, "道路, 坑洼, 红绿灯");
	free(s);
	s = o311_keywords(NULL);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_xml_and_json),
		cmocka_unit_test(test_tree_empty_and_bad_text),
		cmocka_unit_test(test_split_format),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_title),
		cmocka_unit_test(test_person_and_contact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
