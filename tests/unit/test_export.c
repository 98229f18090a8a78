/*
 * test_export.c — the ledger export (report/export.h) on a real in-memory
 * ledger: CSV fields (RFC 4180 quoting, formula neutralising), the BOM and
 * CRLF, the column table, and who sees what: a public export leaves out
 * private matters, internal notes and every submitter field; an observer
 * gets no personal columns; a handler only their department's residents.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "report/export.h"

#define NOW 1795400000 /* 2026-11-23 10:13:20 Beijing */
#define TODAY "2026-11-23"

typedef struct fixture {
	db *d;
	int64_t dept, other, cat;
	char pub[32], priv[32], other_pub[32];
	char path[64];
} fixture;

static actor make_actor(unsigned role, int64_t dept)
{
	return unit_actor(role, 0, dept, "测试");
}

static void submit(fixture *f, const char *title, const char *name, const char *phone,
		   bool is_public, char number[32])
{
	submission s;
	actor resident = make_actor(ROLE_NONE, 0);
	char secret[16], *msg = NULL;
	memset(&s, 0, sizeof s);
	s.kind = "request";
	s.subkind = "求助";
	s.category_id = f->cat;
	s.title = title;
	s.description = "描述，含逗号和\"引号\"";
	s.channel = "web";
	s.submitter_name = name;
	s.submitter_phone = phone;
	s.is_public = is_public;
	assert_int_equal(matter_submit(f->d, &resident, &s, NOW, number, secret, &msg), LEDGER_OK);
}

static void work(fixture *f, const char *number, int64_t dept)
{
	actor clerk = make_actor(ROLE_CLERK, 0), handler = make_actor(ROLE_HANDLER, dept);
	char *msg = NULL;
	int64_t v = 0;
	action_input in = {.act = ACT_ACCEPT};
	assert_int_equal(matter_act(f->d, &clerk, number, &in, NOW, &v, &msg), LEDGER_OK);
	in = (action_input){.act = ACT_ASSIGN, .department_id = dept};
	assert_int_equal(matter_act(f->d, &clerk, number, &in, NOW, &v, &msg), LEDGER_OK);
	in = (action_input){.act = ACT_PROGRESS, .note = "公开进展甲", .note_public = true};
	assert_int_equal(matter_act(f->d, &handler, number, &in, NOW + 60, &v, &msg), LEDGER_OK);
	in = (action_input){.act = ACT_PROGRESS, .note = "内部进展乙", .note_public = false};
	assert_int_equal(matter_act(f->d, &handler, number, &in, NOW + 120, &v, &msg), LEDGER_OK);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->d = unit_ledger_open();
	assert_int_equal(catalog_install_defaults(f->d), LEDGER_OK);
	f->dept = unit_department(f->d, "zjj", "住房和城乡建设局");
	f->other = unit_department(f->d, "cgj", "城市管理局");
	f->cat = db_scalar(f->d, 0, "SELECT id FROM categories WHERE code = 'water'", "");
	submit(f, "=HYPERLINK(\"http://x\")井盖", "甄公开", "13900000001", true, f->pub);
	submit(f, "私密事项丙", "甄私密", "13900000002", false, f->priv);
	submit(f, "城管事项丁", "甄城管", "13900000003", true, f->other_pub);
	work(f, f->pub, f->dept);
	work(f, f->other_pub, f->other);
	snprintf(f->path, sizeof f->path, "/tmp/tz-test-export-XXXXXX");
	int fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	unlink(f->path);
	db_close(f->d);
	free(f);
	return 0;
}

/* Export everything as who (public or not) and return the file's bytes. */
static char *export_text(fixture *f, enum export_format fmt, bool public_export,
			 const actor *who, int64_t *rows)
{
	char *err = NULL;
	matter_filter flt = matter_filter_any();
	exporter *x = export_open(fmt, f->path, public_export, who, &err);
	assert_non_null(x);
	assert_int_equal(export_matters(x, f->d, &flt, TODAY, &err), LEDGER_OK);
	assert_int_equal(export_close(x, rows, &err), 0);
	char *text = unit_read_file(f->path);
	assert_non_null(text);
	return text;
}

static void field_is(const char *in, const char *want)
{
	buf b = BUF_INIT;
	export_csv_field(&b, in);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void test_csv_field(void **state)
{
	(void)state;
	field_is("井盖坏了", "井盖坏了");
	field_is("", "");
	field_is(NULL, "");
	field_is("a,b", "\"a,b\"");
	field_is("说\"好\"的", "\"说\"\"好\"\"的\"");
	field_is("一行\n二行", "\"一行\n二行\"");
	field_is("a\r\nb", "\"a\r\nb\"");
	/* formula injection: a leading ' makes it text */
	field_is("=1+1", "'=1+1");
	field_is("+86 139", "'+86 139");
	field_is("-5", "'-5");
	field_is("@SUM(A1)", "'@SUM(A1)");
	field_is("\tx", "'\tx");
	field_is("\rx", "\"'\rx\"");
	field_is("=HYPERLINK(\"u\",\"v\")", "\"'=HYPERLINK(\"\"u\"\",\"\"v\"\")\"");
	field_is("a=b", "a=b");
}

static void test_columns(void **state)
{
	(void)state;
	assert_int_equal(export_ncolumns, 24);
	assert_string_equal(export_columns[0].header, "序号");
	assert_string_equal(export_columns[1].header, "编号");
	assert_string_equal(export_column_by_header("完成时限")->name, "deadline");
	assert_int_equal(export_column_by_header("完成时限")->type, EXPORT_DATE);
	assert_true(export_column_by_header("联系电话")->personal);
	assert_null(export_column_by_header("没有这列"));
	enum export_format fmt;
	assert_true(export_format_parse("csv", &fmt) && fmt == EXPORT_CSV);
	assert_true(export_format_parse("xlsx", &fmt) && fmt == EXPORT_XLSX);
	assert_false(export_format_parse("xls", &fmt));
	matter_filter flt = matter_filter_any();
	assert_true(export_filter_status(&flt, "open") && flt.open_only);
	assert_true(export_filter_status(&flt, "in_progress") && flt.status == ST_IN_PROGRESS);
	assert_true(export_filter_status(&flt, "closed") && flt.status == ST_CLOSED);
	flt = matter_filter_any();
	assert_true(export_filter_status(&flt, "finished") && flt.closed_only && flt.status < 0);
	assert_false(export_filter_status(&flt, "bogus"));
}

static void test_csv_staff(void **state)
{
	fixture *f = *state;
	actor admin = make_actor(ROLE_ADMIN, 0);
	int64_t rows = 0;
	char *t = export_text(f, EXPORT_CSV, false, &admin, &rows);
	assert_int_equal(rows, 3);
	assert_memory_equal(t, "\xEF\xBB\xBF序号,编号,类型,", strlen("\xEF\xBB\xBF序号,编号,类型,"));
	assert_non_null(strstr(t, ",诉求人,联系电话\r\n1,"));
	assert_non_null(strstr(t, f->priv));
	assert_non_null(strstr(t, "甄私密"));
	assert_non_null(strstr(t, "甄公开,13900000001\r\n"));
	assert_non_null(strstr(t, "内部进展乙"));
	assert_non_null(strstr(t, "\"11-23 公开进展甲\n11-23 内部进展乙\""));
	assert_non_null(strstr(t, "\"'=HYPERLINK(\"\"http://x\"\")井盖\""));
	assert_non_null(strstr(t, ",2026-11-23 10:13,")); /* created, Beijing time */
	assert_non_null(strstr(t, "\"描述，含逗号和\"\"引号\"\"\""));
	/* every line ends with CRLF: as many \r\n as rows + header (no bare LF
	 * outside the quoted notes) */
	size_t crlf = 0;
	for (const char *p = t; (p = strstr(p, "\r\n")); p += 2)
		crlf++;
	assert_int_equal(crlf, 4);
	free(t);
}

static void test_csv_public(void **state)
{
	fixture *f = *state;
	actor admin = make_actor(ROLE_ADMIN, 0);
	int64_t rows = 0;
	char *t = export_text(f, EXPORT_CSV, true, &admin, &rows);
	assert_int_equal(rows, 2);
	assert_non_null(strstr(t, f->pub));
	assert_non_null(strstr(t, f->other_pub));
	assert_null(strstr(t, f->priv));
	assert_null(strstr(t, "私密事项丙"));
	assert_null(strstr(t, "诉求人"));
	assert_null(strstr(t, "联系电话"));
	assert_null(strstr(t, "甄"));
	assert_null(strstr(t, "1390000000"));
	assert_null(strstr(t, "内部进展乙"));
	assert_non_null(strstr(t, "公开进展甲"));
	free(t);
}

static void test_observer_and_handler(void **state)
{
	fixture *f = *state;
	actor obs = make_actor(ROLE_OBSERVER, 0), handler = make_actor(ROLE_HANDLER, f->dept);
	int64_t rows = 0;
	char *t = export_text(f, EXPORT_CSV, false, &obs, &rows);
	assert_int_equal(rows, 3);
	assert_null(strstr(t, "诉求人"));
	assert_null(strstr(t, "甄"));
	assert_null(strstr(t, "1390000000"));
	assert_non_null(strstr(t, "内部进展乙"));
	free(t);
	t = export_text(f, EXPORT_CSV, false, &handler, &rows);
	assert_non_null(strstr(t, "诉求人"));
	assert_non_null(strstr(t, "甄公开")); /* their department's matter */
	assert_null(strstr(t, "甄城管"));     /* another department's */
	assert_null(strstr(t, "13900000003"));
	assert_null(strstr(t, "甄私密")); /* not assigned yet: no department */
	free(t);
}

static void test_xlsx(void **state)
{
	fixture *f = *state;
	actor admin = make_actor(ROLE_ADMIN, 0);
	int64_t rows = 0;
	char *t = export_text(f, EXPORT_XLSX, true, &admin, &rows);
	assert_int_equal(rows, 2);
	assert_memory_equal(t, "PK\x03\x04", 4);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_columns),
		cmocka_unit_test_setup_teardown(test_csv_staff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_public, setup, teardown),
		cmocka_unit_test_setup_teardown(test_observer_and_handler, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xlsx, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
