/*
 * test_form.c — query strings, urlencoded and multipart bodies, cookies
 * (http/form.c): what browsers send, and the malformed input that must be
 * refused with nothing added.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "http/form.h"

/* Parse a string literal as an urlencoded body. */
#define URLENC(s, l) form_parse_urlencoded((s), sizeof(s) - 1, (l))

static void test_urlencoded_basic(void **state)
{
	kvlist l = {0};
	assert_int_equal(URLENC("a=1&b=hello+world&c=%E5%8F%B0%e8%b4%a6&d=%2B1%3D2", &l), FORM_OK);
	assert_int_equal(l.n, 4);
	assert_string_equal(kv_get(&l, "a"), "1");
	assert_string_equal(kv_get(&l, "b"), "hello world");
	assert_string_equal(kv_get(&l, "c"), "台账");
	assert_string_equal(kv_get(&l, "d"), "+1=2");
	assert_null(kv_get(&l, "e"));
	/* Order is kept. */
	assert_string_equal(l.items[0].name, "a");
	assert_string_equal(l.items[3].name, "d");
	kv_free(&l);
}

static void test_urlencoded_empty_and_repeated(void **state)
{
	kvlist l = {0};
	assert_int_equal(URLENC("a=&b&&c=3&x=1&x=2&e=1=2&", &l), FORM_OK);
	assert_int_equal(l.n, 6);
	assert_string_equal(kv_get(&l, "a"), "");
	assert_string_equal(kv_get(&l, "b"), "");
	assert_string_equal(kv_get(&l, "c"), "3");
	assert_string_equal(kv_get(&l, "x"), "1"); /* the first of repeats */
	assert_string_equal(l.items[4].value, "2");
	assert_string_equal(kv_get(&l, "e"), "1=2");
	kv_free(&l);
	assert_int_equal(form_parse_urlencoded("", 0, &l), FORM_OK);
	assert_int_equal(l.n, 0);
	/* Names are decoded too. */
	assert_int_equal(URLENC("%E5%90%8D+1=v", &l), FORM_OK);
	assert_string_equal(kv_get(&l, "名 1"), "v");
	kv_free(&l);
}

/* Each malformed body gives err and adds nothing to a list holding one. */
static void expect_refused(const char *s, size_t n, int err)
{
	kvlist l = {0};
	kv_add(&l, "keep", "me");
	assert_int_equal(form_parse_urlencoded(s, n, &l), err);
	assert_int_equal(l.n, 1);
	assert_string_equal(kv_get(&l, "keep"), "me");
	kv_free(&l);
}
#define REFUSED(s, err) expect_refused((s), sizeof(s) - 1, (err))

static void test_urlencoded_refused(void **state)
{
	REFUSED("ok=1&a=%", FORM_BAD_ESCAPE);
	REFUSED("ok=1&a=%4", FORM_BAD_ESCAPE);
	REFUSED("a=%G1", FORM_BAD_ESCAPE);
	REFUSED("a%zz=1", FORM_BAD_ESCAPE);
	REFUSED("a=%%41", FORM_BAD_ESCAPE);
	REFUSED("a=%C0%AF", FORM_BAD_UTF8);     /* overlong */
	REFUSED("a=%ED%A0%80", FORM_BAD_UTF8);  /* surrogate */
	REFUSED("a=\xff", FORM_BAD_UTF8);       /* raw byte */
	REFUSED("%FF=1", FORM_BAD_UTF8);        /* in the name */
	REFUSED("a=%E5%8F", FORM_BAD_UTF8);     /* cut character */
	REFUSED("ok=1&a=x%00y", FORM_NUL);
	REFUSED("a=x\0y", FORM_NUL);            /* raw NUL */
	REFUSED("%00=1", FORM_NUL);
}

static void test_urlencoded_many(void **state)
{
	buf b = BUF_INIT;
	kvlist l = {0};
	for (int i = 0; i < FORM_MAX_FIELDS; i++)
		buf_printf(&b, "%sf%d=%d", i ? "&" : "", i, i);
	assert_int_equal(form_parse_urlencoded(b.data, b.len, &l), FORM_OK);
	assert_int_equal(l.n, FORM_MAX_FIELDS);
	assert_string_equal(kv_get(&l, "f999"), "999");
	kv_free(&l);
	buf_puts(&b, "&one=more");
	assert_int_equal(form_parse_urlencoded(b.data, b.len, &l), FORM_TOO_MANY);
	assert_int_equal(l.n, 0);
	buf_free(&b);
}

static void test_query(void **state)
{
	kvlist l = {0};
	assert_int_equal(form_parse_query(NULL, &l), FORM_OK);
	assert_int_equal(form_parse_query("", &l), FORM_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(form_parse_query("q=%E5%8E%95%E6%89%80&page=2&status=", &l), FORM_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(kv_get(&l, "q"), "厕所");
	assert_string_equal(kv_get(&l, "page"), "2");
	assert_string_equal(kv_get(&l, "status"), "");
	assert_int_equal(form_parse_query("q=%zz", &l), FORM_BAD_ESCAPE);
	assert_int_equal(l.n, 3);
	kv_free(&l);
}

static void test_url_decode_path(void **state)
{
	buf b = BUF_INIT;
	/* In paths '+' stays a plus. */
	assert_int_equal(form_url_decode("/a+b%20c", 8, false, &b), FORM_OK);
	assert_string_equal(buf_str(&b), "/a+b c");
	buf_reset(&b);
	assert_int_equal(form_url_decode("/%E5", 4, false, &b), FORM_BAD_UTF8);
	buf_free(&b);
}

static void test_is_type(void **state)
{
	assert_true(form_is_type("multipart/form-data; boundary=x", "multipart/form-data"));
	assert_true(form_is_type(" Multipart/Form-Data;boundary=x", "multipart/form-data"));
	assert_true(form_is_type("application/x-www-form-urlencoded",
				 "application/x-www-form-urlencoded"));
	assert_true(form_is_type("application/x-www-form-urlencoded ; charset=UTF-8",
				 "application/x-www-form-urlencoded"));
	assert_false(form_is_type("multipart/form-datax", "multipart/form-data"));
	assert_false(form_is_type("application/json", "multipart/form-data"));
	assert_false(form_is_type(NULL, "multipart/form-data"));
}

/* A body built from pieces with explicit lengths (it holds NUL bytes). */
static void put(buf *b, const char *s, size_t n)
{
	buf_append(b, s, n);
}
#define PUT(b, s) put((b), (s), sizeof(s) - 1)

/* The file of the multipart tests: CRLFs, a NUL, bytes that are not UTF-8,
 * and something that looks like a boundary but is not one. */
static const char file_bytes[] = "\x89PNG\r\n\x1a\n\0\0\xff\xfe\r\n--XyZ\r\n-\r\n";
#define FILE_LEN (sizeof file_bytes - 1)

static void multipart_body(buf *b, const char *bnd)
{
	buf_printf(b, "--%s\r\n", bnd);
	PUT(b, "Content-Disposition: form-data; name=\"title\"\r\n\r\n");
	PUT(b, "路灯不亮\r\n第二行 --");
	buf_puts(b, bnd); /* the boundary inside a line is content */
	buf_printf(b, " 结束\r\n--%s\r\n", bnd);
	PUT(b, "content-disposition: form-data; name=\"empty\"\r\n\r\n");
	buf_printf(b, "\r\n--%s\r\n", bnd);
	PUT(b, "Content-Disposition: form-data; name=\"photo\"; filename=\"C:\\tmp\\灯.png\"\r\n");
	PUT(b, "Content-Type: image/png\r\n\r\n");
	put(b, file_bytes, FILE_LEN);
	buf_printf(b, "\r\n--%s\r\n", bnd);
	PUT(b, "Content-Disposition: form-data; name=\"nofile\"; filename=\"\"\r\n");
	PUT(b, "Content-Type: application/octet-stream\r\n\r\n");
	buf_printf(b, "\r\n--%s--\r\n", bnd);
}

static void test_multipart(void **state)
{
	buf b = BUF_INIT;
	kvlist f = {0};
	upload *u = NULL;
	size_t nu = 0;
	multipart_body(&b, "----WebKitFormBoundary7MA4YWxk");
	int rc = form_parse_multipart("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk",
				      b.data, b.len, &f, &u, &nu);
	assert_int_equal(rc, FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(kv_get(&f, "title"),
			    "路灯不亮\r\n第二行 ------WebKitFormBoundary7MA4YWxk 结束");
	assert_string_equal(kv_get(&f, "empty"), "");
	assert_int_equal(nu, 1); /* the empty file input is skipped */
	assert_string_equal(u[0].field, "photo");
	assert_string_equal(u[0].filename, "C:\\tmp\\灯.png");
	assert_string_equal(u[0].content_type, "image/png");
	assert_int_equal(u[0].data.len, FILE_LEN);
	assert_memory_equal(u[0].data.data, file_bytes, FILE_LEN);
	kv_free(&f);
	form_uploads_free(u, nu);
	buf_free(&b);
}

static void test_multipart_quoted_boundary(void **state)
{
	buf b = BUF_INIT;
	kvlist f = {0};
	upload *u = NULL;
	size_t nu = 0;
	/* A preamble before the first boundary is allowed and ignored. */
	PUT(&b, "preamble\r\n");
	multipart_body(&b, "b=1:2 x");
	assert_int_equal(form_parse_multipart("multipart/form-data; charset=utf-8; "
					      "BOUNDARY=\"b=1:2 x\"",
					      b.data, b.len, &f, &u, &nu),
			 FORM_OK);
	assert_int_equal(f.n, 2);
	assert_int_equal(nu, 1);
	assert_memory_equal(u[0].data.data, file_bytes, FILE_LEN);
	kv_free(&f);
	form_uploads_free(u, nu);
	buf_free(&b);
}

/* Parse body with boundary "B"; expect err and nothing added. */
static void multipart_refused(const char *ct, const char *body, size_t n, int err)
{
	kvlist f = {0};
	upload *u = NULL;
	size_t nu = 0;
	kv_add(&f, "keep", "me");
	assert_int_equal(form_parse_multipart(ct, body, n, &f, &u, &nu), err);
	assert_int_equal(f.n, 1);
	assert_int_equal(nu, 0);
	assert_null(u);
	kv_free(&f);
}
#define MP_REFUSED(body, err) \
	multipart_refused("multipart/form-data; boundary=B", (body), sizeof(body) - 1, (err))

#define PART_A "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1"

static void test_multipart_refused(void **state)
{
	/* The well-formed reference passes. */
	kvlist f = {0};
	upload *u = NULL;
	size_t nu = 0;
	static const char ok[] = PART_A "\r\n--B--";
	assert_int_equal(form_parse_multipart("multipart/form-data; boundary=B", ok,
					      sizeof ok - 1, &f, &u, &nu),
			 FORM_OK);
	assert_string_equal(kv_get(&f, "a"), "1");
	kv_free(&f);

	MP_REFUSED(PART_A, FORM_TRUNCATED);                   /* no final boundary */
	MP_REFUSED(PART_A "\r\n--B", FORM_TRUNCATED);         /* cut after it */
	MP_REFUSED(PART_A "\r\n--B\r\n", FORM_TRUNCATED);     /* next part missing */
	MP_REFUSED("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n", FORM_TRUNCATED);
	MP_REFUSED("", FORM_TRUNCATED);
	MP_REFUSED(PART_A "\r\n--Bx\r\n", FORM_BAD_PART);     /* garbage after delimiter */
	MP_REFUSED("--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--", FORM_BAD_PART);
	MP_REFUSED("--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--", FORM_BAD_PART);
	MP_REFUSED("--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--B--",
		   FORM_BAD_PART);
	MP_REFUSED("--B\r\nno colon here\r\n\r\nx\r\n--B--", FORM_BAD_PART);
	MP_REFUSED("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xc0\xaf\r\n--B--",
		   FORM_BAD_UTF8);
	MP_REFUSED("--B\r\nContent-Disposition: form-data; name=\"\xff\"\r\n\r\nx\r\n--B--",
		   FORM_BAD_UTF8);
	MP_REFUSED("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\0y\r\n--B--",
		   FORM_NUL);
	/* A good part before a bad one adds nothing either. */
	MP_REFUSED(PART_A "\r\n--B\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n\xff"
			  "\r\n--B--",
		   FORM_BAD_UTF8);

	static const char body[] = PART_A "\r\n--B--";
	multipart_refused("multipart/form-data", body, sizeof body - 1, FORM_NO_BOUNDARY);
	multipart_refused("multipart/form-data; boundary=", body, sizeof body - 1,
			  FORM_NO_BOUNDARY);
	multipart_refused("multipart/form-data; boundary=\"\"", body, sizeof body - 1,
			  FORM_NO_BOUNDARY);
	multipart_refused("multipart/form-data; boundary=\"B", body, sizeof body - 1,
			  FORM_NO_BOUNDARY);
	multipart_refused(NULL, body, sizeof body - 1, FORM_NO_BOUNDARY);
	/* The boundary of another body finds no delimiter. */
	multipart_refused("multipart/form-data; boundary=C", body, sizeof body - 1,
			  FORM_TRUNCATED);
}

static void test_multipart_many(void **state)
{
	buf b = BUF_INIT;
	kvlist f = {0};
	upload *u = NULL;
	size_t nu = 0;
	for (int i = 0; i < FORM_MAX_FIELDS; i++)
		buf_printf(&b, "--B\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n",
			   i, i);
	buf_puts(&b, "--B--\r\n");
	assert_int_equal(form_parse_multipart("multipart/form-data; boundary=B", b.data, b.len,
					      &f, &u, &nu),
			 FORM_OK);
	assert_int_equal(f.n, FORM_MAX_FIELDS);
	assert_string_equal(kv_get(&f, "f500"), "500");
	kv_free(&f);
	b.len -= strlen("--B--\r\n");
	buf_puts(&b, "--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n--B--\r\n");
	assert_int_equal(form_parse_multipart("multipart/form-data; boundary=B", b.data, b.len,
					      &f, &u, &nu),
			 FORM_TOO_MANY);
	assert_int_equal(f.n, 0);
	buf_free(&b);
}

static void test_cookies(void **state)
{
	kvlist l = {0};
	int skipped = form_parse_cookies(
		"tz_session=abc-_9; tz_csrf=\"xyz\"; bad; =v;  spaced = 1 ;last=", &l);
	assert_int_equal(skipped, 2);
	assert_int_equal(l.n, 4);
	assert_string_equal(kv_get(&l, "tz_session"), "abc-_9");
	assert_string_equal(kv_get(&l, "tz_csrf"), "xyz");
	assert_string_equal(kv_get(&l, "spaced"), "1");
	assert_string_equal(kv_get(&l, "last"), "");
	kv_free(&l);
	/* Not percent-decoded; a stray non-UTF-8 cookie is skipped, not fatal. */
	assert_int_equal(form_parse_cookies("a=%41; b=\xff\xfe; c=3", &l), 1);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "a"), "%41");
	assert_null(kv_get(&l, "b"));
	assert_string_equal(kv_get(&l, "c"), "3");
	kv_free(&l);
	assert_int_equal(form_parse_cookies(NULL, &l), 0);
	assert_int_equal(form_parse_cookies("", &l), 0);
	assert_int_equal(l.n, 0);
}

static void test_strerror(void **state)
{
	for (int e = FORM_BAD_ESCAPE; e >= FORM_TOO_MANY; e--) {
		const char *m = form_strerror(e);
		assert_non_null(m);
		assert_true(strlen(m) > 0);
	}
	assert_string_equal(form_strerror(FORM_OK), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urlencoded_basic),
		cmocka_unit_test(test_urlencoded_empty_and_repeated),
		cmocka_unit_test(test_urlencoded_refused),
		cmocka_unit_test(test_urlencoded_many),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_url_decode_path),
		cmocka_unit_test(test_is_type),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_multipart_quoted_boundary),
		cmocka_unit_test(test_multipart_refused),
		cmocka_unit_test(test_multipart_many),
		cmocka_unit_test(test_cookies),
		cmocka_unit_test(test_strerror),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
