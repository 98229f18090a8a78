/*
 * test_svg.c — the charts of report/svg.c: each is well-formed XML (a
 * small checker below: balanced tags, quoted attributes, known entities,
 * no stray '<' or '&', no control characters), accessible (role="img",
 * <title>, <desc>), escapes hostile labels, copes with no data and zero
 * values, and gives the same bytes for the same data.
 */
#include "unit.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>

#include "report/svg.h"

/* A name: letters, digits, '-', '_', ':' and '.'. Returns its length. */
static size_t xml_name(const char *s)
{
	size_t n = 0;
	while (s[n] && (isalnum((unsigned char)s[n]) || strchr("-_:.", s[n])))
		n++;
	return n;
}

/* An entity at s ('&'): &amp; &lt; &gt; &quot; &apos; &#N; &#xN;. Its
 * length, or 0 when malformed. */
static size_t xml_entity(const char *s)
{
	static const char *const known[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strncmp(s, known[i], strlen(known[i])) == 0)
			return strlen(known[i]);
	if (s[1] != '#')
		return 0;
	size_t n = 2;
	bool hex = s[2] == 'x';
	n += hex;
	size_t start = n;
	while (hex ? isxdigit((unsigned char)s[n]) : isdigit((unsigned char)s[n]))
		n++;
	return n > start && s[n] == ';' ? n + 1 : 0;
}

/* Text or an attribute value up to `end`: entities valid, no '<' and no
 * control character. Returns its length or (size_t)-1. */
static size_t xml_text(const char *s, char end)
{
	size_t i = 0;
	for (; s[i] && s[i] != end; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '<' || (c < 0x20 && c != '\n' && c != '\t' && c != '\r'))
			return (size_t)-1;
		if (c == '&') {
			size_t k = xml_entity(s + i);
			if (!k)
				return (size_t)-1;
			i += k - 1;
		}
	}
	return i;
}

/* The attributes of a start tag at s (just after its name) up to '>' or
 * "/>"; returns the length consumed or (size_t)-1. */
static size_t xml_attrs(const char *s, bool *empty)
{
	size_t i = 0;
	for (;;) {
		while (s[i] == ' ' || s[i] == '\n')
			i++;
		if (s[i] == '>') {
			*empty = false;
			return i + 1;
		}
		if (s[i] == '/' && s[i + 1] == '>') {
			*empty = true;
			return i + 2;
		}
		size_t n = xml_name(s + i);
		if (!n || s[i + n] != '=' || (s[i + n + 1] != '"' && s[i + n + 1] != '\''))
			return (size_t)-1;
		char q = s[i + n + 1];
		i += n + 2;
		size_t v = xml_text(s + i, q);
		if (v == (size_t)-1 || s[i + v] != q)
			return (size_t)-1;
		i += v + 1;
	}
}

/* Is s one well-formed XML element (with nothing but white space around
 * it)? On failure, *why says where. */
static bool xml_well_formed(const char *s, const char **why)
{
	char stack[64][32];
	int depth = 0, roots = 0;
	size_t i = 0;
	while (s[i]) {
		if (s[i] != '<') {
			size_t n = xml_text(s + i, '<');
			if (n == (size_t)-1 || (depth == 0 && strspn(s + i, " \n") < n))
				return *why = s + i, false;
			i += n;
			continue;
		}
		if (s[i + 1] == '/') {
			size_t n = xml_name(s + i + 2);
			if (depth == 0 || n != strlen(stack[depth - 1]) ||
			    strncmp(s + i + 2, stack[depth - 1], n) != 0 || s[i + 2 + n] != '>')
				return *why = s + i, false;
			depth--;
			i += n + 3;
			continue;
		}
		size_t n = xml_name(s + i + 1);
		bool empty;
		if (!n || n >= 32 || depth == 64)
			return *why = s + i, false;
		size_t a = xml_attrs(s + i + 1 + n, &empty);
		if (a == (size_t)-1)
			return *why = s + i, false;
		if (depth == 0)
			roots++;
		if (!empty) {
			memcpy(stack[depth], s + i + 1, n);
			stack[depth++][n] = '\0';
		}
		i += 1 + n + a;
	}
	*why = depth ? "unclosed element" : roots != 1 ? "not exactly one root" : NULL;
	return depth == 0 && roots == 1;
}

/* Check b holds one accessible, well-formed chart; print it if not. */
static void check_chart(const buf *b)
{
	const char *why = NULL;
	const char *s = buf_str(b);
	if (!xml_well_formed(s, &why)) {
		fprintf(stderr, "not well-formed at: %.80s\nchart: %s\n", why, s);
		fail();
	}
	assert_true(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	assert_non_null(strstr(s, "role=\"img\""));
	assert_non_null(strstr(s, "<title id="));
	assert_non_null(strstr(s, "<desc id="));
	assert_non_null(strstr(s, "viewBox=\"0 0 "));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "width=\"-"));
	assert_null(strstr(s, "height=\"-"));
	assert_null(strstr(s, "nan"));
	assert_null(strstr(s, "inf\""));
}

static const char *const hostile = "<script>alert('x')</script> & \"q\" \x01 办事处";

/* Every chart drawn into one buffer each with the given data. */
static void draw_all(buf out[5], const svg_item *items, size_t n, const char *const *rows,
		     size_t nrows, const int64_t *values)
{
	static const char *const series[] = {"受理", "办结"};
	svg_bars(&out[0], "bars", "前五类 <问题>", "各类问题的件数 & 排名", items, n, true);
	svg_bars(&out[1], "cols", "片区", "各片区件数", items, n, false);
	svg_stacked(&out[2], "stack", "各单位状态", hostile, rows, nrows, series, 2, values);
	svg_lines(&out[3], "trend", "每周趋势", "受理与办结", rows, nrows, series, 2, values);
	svg_flow(&out[4], "flow", "办理流程", "各环节件数", items, n, items, n > 3 ? 3 : n);
}

static void test_charts_well_formed(void **state)
{
	svg_item items[] = {{"待受理", 156}, {hostile, 150}, {"已派单", 0}, {"办理中 & 重办", 7},
			    {"已办结", 140}, {"已销号", 120}};
	const char *rows[] = {"城市管理局", hostile, "水务局", "11月2日"};
	int64_t values[] = {10, 0, 3, 5, 0, 0, 1000, 2, 7, 7, 1, 1};
	buf out[5] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
	draw_all(out, items, 6, rows, 4, values);
	for (int i = 0; i < 5; i++) {
		check_chart(&out[i]);
		/* the hostile label arrives escaped, never as markup */
		if (i != 1 && i != 3)
			assert_non_null(strstr(buf_str(&out[i]), "&lt;script&gt;"));
		if (i == 2) /* the description: quotes and ampersand escaped too */
			assert_non_null(strstr(buf_str(&out[i]),
					       "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
					       "&quot;q&quot;"));
		assert_null(strstr(buf_str(&out[i]), "\x01"));
		buf_free(&out[i]);
	}
}

static void test_numbers_written(void **state)
{
	svg_item items[] = {{"城管", 42}, {"水务", 7}};
	buf b = BUF_INIT;
	svg_bars(&b, "x", "t", "d", items, 2, true);
	check_chart(&b);
	assert_non_null(strstr(buf_str(&b), ">42</text>"));
	assert_non_null(strstr(buf_str(&b), ">7</text>"));
	assert_non_null(strstr(buf_str(&b), ">城管</text>"));
	buf_free(&b);
	svg_meter(&b, "m", "满意率", 150, 156, "暂无评价");
	check_chart(&b);
	assert_non_null(strstr(buf_str(&b), "96.2%"));
	assert_non_null(strstr(buf_str(&b), "150/156"));
	buf_free(&b);
	svg_meter(&b, "m", "满意率", 0, 0, "暂无评价");
	check_chart(&b);
	assert_non_null(strstr(buf_str(&b), "暂无评价"));
	assert_null(strstr(buf_str(&b), "%"));
	buf_free(&b);
}

static void test_empty_and_zero(void **state)
{
	buf out[5] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
	draw_all(out, NULL, 0, NULL, 0, NULL);
	for (int i = 0; i < 5; i++) {
		check_chart(&out[i]);
		assert_non_null(strstr(buf_str(&out[i]), "暂无数据"));
		buf_free(&out[i]);
	}
	svg_item zeros[] = {{"甲", 0}, {"乙", 0}};
	const char *rows[] = {"第1周", "第2周"};
	int64_t values[] = {0, 0, 0, 0};
	draw_all(out, zeros, 2, rows, 2, values);
	for (int i = 0; i < 5; i++) {
		check_chart(&out[i]);
		buf_free(&out[i]);
	}
	/* one point and one stage */
	const char *one[] = {"11月"};
	int64_t v1[] = {3, 1};
	buf b = BUF_INIT;
	svg_lines(&b, "one", "t", "d", one, 1, (const char *const[]){"受理", "办结"}, 2, v1);
	check_chart(&b);
	buf_free(&b);
}

static void test_deterministic(void **state)
{
	svg_item items[] = {{"待受理", 9}, {"已受理", 8}, {"已办结", 3}};
	const char *rows[] = {"a", "b"};
	int64_t values[] = {1, 2, 3, 4};
	buf x[5] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
	buf y[5] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
	draw_all(x, items, 3, rows, 2, values);
	draw_all(y, items, 3, rows, 2, values);
	for (int i = 0; i < 5; i++) {
		assert_string_equal(buf_str(&x[i]), buf_str(&y[i]));
		buf_free(&x[i]);
		buf_free(&y[i]);
	}
}

static void test_checker_catches(void **state)
{
	const char *why;
	/* the checker itself must fail on what it is meant to catch */
	assert_false(xml_well_formed("<svg><g></svg>", &why));
	assert_false(xml_well_formed("<svg><text>a<b</text></svg>", &why));
	assert_false(xml_well_formed("<svg><text>a & b</text></svg>", &why));
	assert_false(xml_well_formed("<svg x=\"1></svg>", &why));
	assert_false(xml_well_formed("<svg></svg><svg></svg>", &why));
	assert_true(xml_well_formed("<svg a=\"&lt;&#39;\"><t>x &amp; y</t><r/></svg>\n", &why));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker_catches),
		cmocka_unit_test(test_charts_well_formed),
		cmocka_unit_test(test_numbers_written),
		cmocka_unit_test(test_empty_and_zero),
		cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
