/*
 * test_import.c — the import's readers and matching, without a ledger:
 * the CSV reader (RFC 4180, BOM, encodings, limits), the header table,
 * cell references, Excel serial dates and number formats, the dates
 * offices type, and the XLSX reader on small workbooks written here with
 * minizip's zip.h — well-formed ones (shared strings with rich text and
 * phonetic runs, inline strings, numbers, booleans, dates, gaps) and
 * malformed ones (not a zip, no workbook, no sheet, bad XML, a DTD with
 * entities, a formula, a zip bomb, a huge cell, too many columns) — and
 * on workbooks libxlsxwriter writes, as the export does; and one row
 * checked against a catalogue built in the test (labels, names, dates,
 * progress notes, the rules between fields).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "report/csv_read.h"
#include "report/import.h"
#include "report/import_int.h"
#include "report/sheet.h"
#include "report/xlsx_read.h"
#include "ledger/matter.h"

/* ---- collecting rows ---- */

typedef struct rows {
	buf text; /* "row|a|b\n" per row */
	int stop_after;
	int n;
} rows;

static int collect(void *ctx, int64_t row, char **cells, size_t n)
{
	rows *r = ctx;
	buf_printf(&r->text, "%lld", (long long)row);
	for (size_t i = 0; i < n; i++)
		buf_printf(&r->text, "|%s", cells[i]);
	buf_putc(&r->text, '\n');
	return ++r->n == r->stop_after ? 7 : 0;
}

/* Read text as CSV; returns the reader's result, rows in *out, error in *err. */
static int csv(const char *text, size_t n, const sheet_limits *lim, char **out, char **err)
{
	rows r = {BUF_INIT, 0, 0};
	*err = NULL;
	int rc = csv_read(text, n, lim, collect, &r, err);
	*out = buf_steal(&r.text);
	return rc;
}

static void csv_ok(const char *text, const char *want)
{
	char *out, *err;
	int rc = csv(text, strlen(text), NULL, &out, &err);
	if (rc != 0)
		fail_msg("csv %s: rc %d err %s", text, rc, err ? err : "");
	assert_string_equal(out, want);
	free(out);
	free(err);
}

static void csv_fails(const char *text, size_t n, const sheet_limits *lim, const char *want)
{
	char *out, *err;
	int rc = csv(text, n, lim, &out, &err);
	assert_int_equal(rc, -1);
	assert_non_null(err);
	if (!strstr(err, want))
		fail_msg("error '%s' lacks '%s'", err, want);
	free(out);
	free(err);
}

static void test_csv_basic(void **state)
{
	csv_ok("a,b,c\n1,2,3\n", "1|a|b|c\n2|1|2|3\n");
	csv_ok("a,b\r\n1,2", "1|a|b\n2|1|2\n");                       /* CRLF, no final newline */
	csv_ok("\xEF\xBB\xBF事项,内容\n路灯,坏了\n", "1|事项|内容\n2|路灯|坏了\n"); /* BOM */
	csv_ok("\"a,b\",\"say \"\"hi\"\"\"\n", "1|a,b|say \"hi\"\n");
	csv_ok("\"line1\nline2\",x\ny,z\n", "1|line1\nline2|x\n2|y|z\n");
	csv_ok("a,b\n\n,\nc,d\n", "1|a|b\n4|c|d\n"); /* blank records counted, not delivered */
	csv_ok("a\tb\n1\t2\n", "1|a|b\n2|1|2\n");   /* tab-separated */
	csv_ok("a,,c\n", "1|a||c\n");
	csv_ok("5\"x,y\n", "1|5\"x|y\n"); /* a quote inside an unquoted field is kept */
}

static void test_csv_errors(void **state)
{
	csv_fails("", 0, NULL, "空");
	csv_fails(" \r\n\n", 4, NULL, "空");
	csv_fails("\"abc\n", 5, NULL, "引号");
	csv_fails("\"abc\"x,1\n", 9, NULL, "引号后面");
	/* 路灯 in GBK */
	csv_fails("\xC2\xB7\xB5\xC6,1\n", 7, NULL, "GBK");
	csv_fails("\xC2\xB7\xB5\xC6,1\n", 7, NULL, "CSV UTF-8");
	csv_fails("\xFF\xFE" "a\0,\0", 6, NULL, "UTF-16");
	csv_fails("a\0b", 3, NULL, "UTF-8");
	sheet_limits lim = sheet_default_limits();
	lim.max_cell_chars = 5;
	csv_fails("abcdef\n", 7, &lim, "字符");
	csv_fails("\"路灯路灯路灯\"\n", 21, &lim, "字符");
	lim = sheet_default_limits();
	lim.max_cols = 3;
	csv_fails("a,b,c,d\n", 8, &lim, "列数");
	char *out, *err;
	assert_int_equal(csv("a,b,c\n", 6, &lim, &out, &err), 0);
	free(out);
	lim.max_rows = 2;
	csv_fails("a\nb\nc\n", 6, &lim, "行数");
	assert_int_equal(csv("a\nb\n", 4, &lim, &out, &err), 0);
	free(out);
}

static void test_csv_stop(void **state)
{
	rows r = {BUF_INIT, 2, 0};
	char *err = NULL;
	assert_int_equal(csv_read("a\nb\nc\n", 6, NULL, collect, &r, &err), 7);
	assert_int_equal(r.n, 2);
	buf_free(&r.text);
}

/* ---- the header table ---- */

static void test_headers(void **state)
{
	static const struct {
		const char *h;
		int f;
	} cases[] = {
		{"事项", IF_TITLE}, {"问题清单", IF_TITLE}, {"title", IF_TITLE}, {"Title", IF_TITLE},
		{"问题描述", IF_DESCRIPTION}, {"具体问题", IF_DESCRIPTION}, {"内容", IF_DESCRIPTION},
		{"责任单位", IF_DEPARTMENT}, {"牵头单位", IF_DEPARTMENT}, {"配合单位", IF_CODEPARTMENTS},
		{"完成时间", IF_DEADLINE}, {"办结时限", IF_DEADLINE}, {"完成\n时限", IF_DEADLINE},
		{" 完成时限 ", IF_DEADLINE}, {"完成时限（YYYY-MM-DD）", IF_DEADLINE},
		{"完成时限*", IF_DEADLINE}, {"进展情况", IF_PROGRESS}, {"推进情况", IF_PROGRESS},
		{"联系方式", IF_PHONE}, {"姓名", IF_SUBMITTER}, {"群众姓名", IF_SUBMITTER},
		{"整改措施", IF_MEASURES}, {"责任领导", IF_LEADER}, {"备注", IF_REMARK},
		{"序号", IF_SEQ}, {"是否超期", IF_OVERDUE}, {"办结时间", IF_RESOLVED},
		{"满意度", IF_RATING}, {"是否公开", IF_PUBLIC}, {"诉求人", IF_SUBMITTER},
		{"联系电话", IF_PHONE}, {"编号", IF_NUMBER}, {"类型", IF_KIND}, {"诉求类型", IF_SUBKIND},
		{"类别", IF_CATEGORY}, {"片区", IF_AREA}, {"村（社区）", IF_AREA}, {"地址", IF_ADDRESS},
		{"渠道", IF_CHANNEL}, {"协办单位", IF_CODEPARTMENTS}, {"责任人", IF_ASSIGNEE},
		{"登记时间", IF_CREATED}, {"办理进展", IF_PROGRESS}, {"办理结果", IF_RESULT},
		{"状态", IF_STATUS}, {"submitter_phone", IF_PHONE},
		{"不知道的列", -1}, {"", -1}, {"（）", -1},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		if (import_field_by_header(cases[i].h) != cases[i].f)
			fail_msg("header '%s': %d, want %d", cases[i].h,
				 import_field_by_header(cases[i].h), cases[i].f);
	assert_int_equal(import_field_by_name("ignore"), IF_IGNORE);
	assert_int_equal(import_field_by_name("事项"), -1);
	assert_string_equal(import_field_header(IF_TITLE), "事项");
	/* Every field has exactly one row in the table. */
	for (int f = 0; f < IF_COUNT; f++) {
		int n = 0;
		for (size_t i = 0; i < import_ncolumns; i++)
			n += import_columns[i].field == f;
		assert_int_equal(n, 1);
	}
}

/* ---- cell references, formats, dates ---- */

static void test_cell_refs(void **state)
{
	size_t col;
	int64_t row;
	assert_true(xlsx_cell_ref("A1", &col, &row));
	assert_int_equal(col, 0);
	assert_int_equal(row, 1);
	assert_true(xlsx_cell_ref("AB12", &col, &row));
	assert_int_equal(col, 27);
	assert_int_equal(row, 12);
	assert_true(xlsx_cell_ref("XFD1048576", &col, &row));
	assert_int_equal(col, 16383);
	assert_true(xlsx_cell_ref("Z", &col, &row));
	assert_int_equal(col, 25);
	assert_int_equal(row, 0);
	const char *bad[] = {"", "1A", "a1", "XFE1", "A0", "A1048577", "A1x", "A-1"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		if (xlsx_cell_ref(bad[i], &col, &row))
			fail_msg("'%s' accepted", bad[i]);
	char name[8];
	size_t cols[] = {0, 25, 26, 27, 701, 702, 16383};
	const char *want[] = {"A", "Z", "AA", "AB", "ZZ", "AAA", "XFD"};
	for (size_t i = 0; i < ARRAY_LEN(cols); i++) {
		xlsx_col_name(cols[i], name);
		assert_string_equal(name, want[i]);
		assert_true(xlsx_cell_ref(name, &col, &row));
		assert_int_equal(col, cols[i]);
	}
}

static void test_formats(void **state)
{
	assert_int_equal(xlsx_format_kind(0, NULL), XLSX_FMT_NUMBER);
	assert_int_equal(xlsx_format_kind(14, NULL), XLSX_FMT_DATE);
	assert_int_equal(xlsx_format_kind(22, NULL), XLSX_FMT_DATETIME);
	assert_int_equal(xlsx_format_kind(20, NULL), XLSX_FMT_TIME);
	assert_int_equal(xlsx_format_kind(176, "yyyy/m/d"), XLSX_FMT_DATE);
	assert_int_equal(xlsx_format_kind(177, "yyyy\"年\"m\"月\"d\"日\""), XLSX_FMT_DATE);
	assert_int_equal(xlsx_format_kind(178, "yyyy-mm-dd hh:mm"), XLSX_FMT_DATETIME);
	assert_int_equal(xlsx_format_kind(179, "h:mm"), XLSX_FMT_TIME);
	assert_int_equal(xlsx_format_kind(180, "0.00"), XLSX_FMT_NUMBER);
	assert_int_equal(xlsx_format_kind(181, "[Red]0"), XLSX_FMT_NUMBER);
	assert_int_equal(xlsx_format_kind(182, "\"day\"0"), XLSX_FMT_NUMBER);
	assert_int_equal(xlsx_format_kind(183, "General"), XLSX_FMT_NUMBER);
}

static void serial_is(double v, bool d1904, int kind, const char *want)
{
	char out[32];
	assert_true(xlsx_serial_text(v, d1904, kind, out));
	assert_string_equal(out, want);
}

static void test_serial_dates(void **state)
{
	serial_is(1, false, XLSX_FMT_DATE, "1900-01-01");
	serial_is(59, false, XLSX_FMT_DATE, "1900-02-28");
	serial_is(61, false, XLSX_FMT_DATE, "1900-03-01");
	serial_is(25569, false, XLSX_FMT_DATE, "1970-01-01");
	serial_is(45000, false, XLSX_FMT_DATE, "2023-03-15");
	serial_is(46349, false, XLSX_FMT_DATE, "2026-11-23");
	serial_is(46349.5, false, XLSX_FMT_DATETIME, "2026-11-23 12:00");
	serial_is(46349.0, false, XLSX_FMT_DATETIME, "2026-11-23");
	serial_is(46349.999999, false, XLSX_FMT_DATETIME, "2026-11-24"); /* 0.09 s to midnight */
	serial_is(46349.99999, false, XLSX_FMT_DATETIME, "2026-11-23 23:59"); /* 23:59:59 */
	serial_is(46349.0 + 754.0 / 1440, false, XLSX_FMT_DATETIME, "2026-11-23 12:34");
	serial_is(0.75, false, XLSX_FMT_TIME, "18:00");
	serial_is(0, true, XLSX_FMT_DATE, "1904-01-01");
	serial_is(2958465, false, XLSX_FMT_DATE, "9999-12-31");
	char out[32];
	assert_false(xlsx_serial_text(-1, false, XLSX_FMT_DATE, out));
	assert_false(xlsx_serial_text(0, false, XLSX_FMT_DATE, out));
	assert_false(xlsx_serial_text(3e6, false, XLSX_FMT_DATE, out));
}

static void date_is(const char *s, const char *want, int want_minutes)
{
	char date[11];
	int minutes = -1;
	if (!import_parse_date(s, date, &minutes))
		fail_msg("date '%s' refused", s);
	assert_string_equal(date, want);
	assert_int_equal(minutes, want_minutes);
}

static void test_typed_dates(void **state)
{
	date_is("2026-11-23", "2026-11-23", 0);
	date_is("2026/1/3", "2026-01-03", 0);
	date_is("2026.1.3", "2026-01-03", 0);
	date_is("2026年1月3日", "2026-01-03", 0);
	date_is("2026年12月31", "2026-12-31", 0);
	date_is("20261123", "2026-11-23", 0);
	date_is("46349", "2026-11-23", 0);
	date_is("46349.5", "2026-11-23", 720);
	date_is("2026-11-23 09:30", "2026-11-23", 570);
	date_is("2026-11-23T09:30:15", "2026-11-23", 570);
	const char *bad[] = {"", "abc", "2026-02-30", "2026-13-01", "2026/11-3", "2026-11-23 25:00",
			     "11-23", "2026年11月", "0", "2026-11-23x"};
	char date[11];
	int minutes;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		if (import_parse_date(bad[i], date, &minutes))
			fail_msg("date '%s' accepted as %s", bad[i], date);
}

/* ---- XLSX files written here ---- */

typedef struct part {
	const char *name, *text;
} part;

static const char content_types[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats."
	"org/package/2006/content-types\"></Types>";
static const char workbook[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats"
	".org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/"
	"2006/relationships\"><sheets><sheet name=\"台账\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
	"</workbook>";
static const char rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas."
	"openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"ws\" "
	"Target=\"worksheets/data.xml\"/></Relationships>";
static const char styles[] =
	"<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<numFmts count=\"1\"><numFmt numFmtId=\"176\" formatCode=\"yyyy/m/d\"/></numFmts>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"176\"/><xf numFmtId=\"22\"/>"
	"<xf numFmtId=\"2\"/></cellXfs></styleSheet>";

/* A zip archive of the parts, via a temporary file. */
static void make_zip(const part *parts, size_t n, int level, buf *out)
{
	char path[] = "/tmp/tz-test-import-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	zipFile z = zipOpen64(path, 0);
	assert_non_null(z);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(zipOpenNewFileInZip(z, parts[i].name, NULL, NULL, 0, NULL, 0, NULL,
						     Z_DEFLATED, level), ZIP_OK);
		assert_int_equal(zipWriteInFileInZip(z, parts[i].text, (unsigned)strlen(parts[i].text)),
				 ZIP_OK);
		assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
	}
	assert_int_equal(zipClose(z, NULL), ZIP_OK);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char chunk[4096];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(out, chunk, k);
	fclose(f);
	unlink(path);
}

/* A workbook with this sheet XML (and shared strings, NULL: none). */
static void make_xlsx(const char *sheet, const char *sst, buf *out)
{
	part parts[] = {{"[Content_Types].xml", content_types}, {"xl/workbook.xml", workbook},
			{"xl/_rels/workbook.xml.rels", rels}, {"xl/styles.xml", styles},
			{"xl/worksheets/data.xml", sheet}, {"xl/sharedStrings.xml", sst}};
	make_zip(parts, sst ? 6 : 5, 6, out);
}

static int xlsx(const buf *file, const sheet_limits *lim, char **out, char **err)
{
	rows r = {BUF_INIT, 0, 0};
	*err = NULL;
	int rc = sheet_read(file->data, file->len, lim, collect, &r, err);
	*out = buf_steal(&r.text);
	return rc;
}

#define SHEET(rows) \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats" \
	".org/spreadsheetml/2006/main\"><sheetData>" rows "</sheetData></worksheet>"

static void test_xlsx_cells(void **state)
{
	buf f = BUF_INIT;
	make_xlsx(SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c>"
			"</row><row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>井盖</t></is></c>"
			"<c r=\"B3\"><v>13912345678</v></c><c r=\"C3\" s=\"1\"><v>46349</v></c>"
			"<c r=\"D3\" s=\"2\"><v>46349.375</v></c><c r=\"E3\" t=\"b\"><v>1</v></c>"
			"<c r=\"F3\"><v>2.5</v></c><c r=\"G3\" s=\"3\"><v>7</v></c>"
			"<c r=\"H3\" t=\"str\"><v>文本</v></c><c r=\"I3\"/></row>"
			"<row r=\"4\"><c r=\"A4\"/></row>"),
		  "<sst><si><t>事项</t></si><si><r><t>路灯</t></r><r><rPr/><t xml:space=\"preserve\">"
		  " 不亮</t></r><rPh><t>ろ</t></rPh></si></sst>",
		  &f);
	char *out, *err;
	assert_int_equal(xlsx(&f, NULL, &out, &err), 0);
	assert_string_equal(out, "1|事项||路灯 不亮\n"
				 "3|井盖|13912345678|2026-11-23|2026-11-23 09:00|TRUE|2.5|7|文本|\n");
	free(out);
	buf_free(&f);
}

static void xlsx_fails(const buf *f, const sheet_limits *lim, const char *want)
{
	char *out, *err;
	int rc = xlsx(f, lim, &out, &err);
	if (rc != -1 || !err || !strstr(err, want))
		fail_msg("rc %d, error '%s', want '%s'", rc, err ? err : "(none)", want);
	free(out);
	free(err);
}

static void test_xlsx_formula(void **state)
{
	buf f = BUF_INIT;
	make_xlsx(SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
			"<row r=\"2\"><c r=\"B2\"><f>A1+1</f><v>2</v></c></row>"), NULL, &f);
	xlsx_fails(&f, NULL, "B2");
	xlsx_fails(&f, NULL, "公式");
	buf_free(&f);
}

static void test_xlsx_malformed(void **state)
{
	buf f = BUF_INIT;
	buf_puts(&f, "PK\x03\x04 not really a zip file at all");
	xlsx_fails(&f, NULL, "zip");
	buf_free(&f);
	part only_types[] = {{"[Content_Types].xml", content_types}};
	make_zip(only_types, 1, 6, &f);
	xlsx_fails(&f, NULL, "workbook");
	buf_free(&f);
	part no_sheet[] = {{"xl/workbook.xml", workbook}, {"xl/_rels/workbook.xml.rels", rels}};
	make_zip(no_sheet, 2, 6, &f);
	xlsx_fails(&f, NULL, "没有工作表");
	buf_free(&f);
	make_xlsx(SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></row>"), NULL, &f);
	xlsx_fails(&f, NULL, "XML");
	buf_free(&f);
	make_xlsx("<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
		  "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
		  "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&c;</t></is></c></row>"
		  "</sheetData></worksheet>", NULL, &f);
	xlsx_fails(&f, NULL, "DTD");
	buf_free(&f);
	make_xlsx(SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>5</v></c></row>"), "<sst></sst>", &f);
	xlsx_fails(&f, NULL, "共享字符串");
	buf_free(&f);
	make_xlsx(SHEET("<row r=\"1\"><c r=\"A1\" t=\"e\"><v>#N/A</v></c></row>"), NULL, &f);
	xlsx_fails(&f, NULL, "#N/A");
	buf_free(&f);
	make_xlsx(SHEET("<row r=\"1\"><c r=\"A1\"><v>12abc</v></c></row>"), NULL, &f);
	xlsx_fails(&f, NULL, "数字");
	buf_free(&f);
	make_xlsx(SHEET("<row r=\"2\"><c r=\"A1\"><v>1</v></c></row>"), NULL, &f);
	xlsx_fails(&f, NULL, "单元格位置");
	buf_free(&f);
}

static void test_xlsx_limits(void **state)
{
	/* A zip bomb in miniature: 3 MB of blanks pack into a few KB. */
	buf big = BUF_INIT, f = BUF_INIT;
	buf_puts(&big, "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
	for (int i = 0; i < 3 * 1024 * 1024; i++)
		buf_putc(&big, ' ');
	buf_puts(&big, "</sheetData></worksheet>");
	make_xlsx(buf_str(&big), NULL, &f);
	assert_true(f.len < 100 * 1024);
	sheet_limits lim = sheet_default_limits();
	lim.max_total_bytes = 1024 * 1024;
	xlsx_fails(&f, &lim, "MB");
	lim = sheet_default_limits();
	lim.max_entry_bytes = 1024 * 1024;
	xlsx_fails(&f, &lim, "MB");
	char *out, *err;
	assert_int_equal(xlsx(&f, NULL, &out, &err), 0); /* within the default limits */
	free(out);
	buf_free(&f);
	/* A cell longer than Excel allows. */
	buf_reset(&big);
	buf_puts(&big, "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>");
	for (int i = 0; i < 40000; i++)
		buf_puts(&big, "路");
	buf_puts(&big, "</t></is></c></row></sheetData></worksheet>");
	make_xlsx(buf_str(&big), NULL, &f);
	xlsx_fails(&f, NULL, "32767");
	buf_free(&f);
	buf_free(&big);
	make_xlsx(SHEET("<row r=\"1\"><c r=\"IW1\"><v>1</v></c></row>"), NULL, &f);
	xlsx_fails(&f, NULL, "列数");
	buf_free(&f);
	lim = sheet_default_limits();
	lim.max_rows = 1;
	make_xlsx(SHEET("<row><c><v>1</v></c></row><row><c><v>2</v></c></row>"), NULL, &f);
	xlsx_fails(&f, &lim, "行数");
	assert_int_equal(xlsx(&f, NULL, &out, &err), 0);
	assert_string_equal(out, "1|1\n2|2\n"); /* rows and cells without r */
	free(out);
	buf_free(&f);
}

/* A workbook as libxlsxwriter (the export's writer) makes it: shared
 * strings, a custom date format, a built-in date-time, numbers, a
 * boolean, a second sheet that is not read; then the same with a
 * formula. */
static void write_lxw(const char *path, bool formula)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "台账");
	lxw_worksheet *other = workbook_add_worksheet(wb, "说明");
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy\"年\"m\"月\"d\"日\"");
	lxw_format *stamp = workbook_add_format(wb);
	format_set_num_format_index(stamp, 22);
	worksheet_write_string(ws, 0, 0, "事项", NULL);
	worksheet_write_string(ws, 0, 1, "完成时限", NULL);
	worksheet_write_string(ws, 1, 0, "路灯不亮", NULL);
	lxw_datetime d = {2026, 11, 30, 0, 0, 0};
	worksheet_write_datetime(ws, 1, 1, &d, date);
	lxw_datetime t = {2026, 11, 23, 9, 30, 0};
	worksheet_write_datetime(ws, 1, 2, &t, stamp);
	worksheet_write_number(ws, 1, 3, 13912345678.0, NULL);
	worksheet_write_boolean(ws, 1, 4, 1, NULL);
	worksheet_write_string(other, 0, 0, "不读这一页", NULL);
	if (formula)
		worksheet_write_formula(ws, 3, 1, "=B2+1", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void test_xlsx_libxlsxwriter(void **state)
{
	char path[] = "/tmp/tz-test-lxw-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	for (int formula = 0; formula < 2; formula++) {
		write_lxw(path, formula);
		buf f = BUF_INIT;
		FILE *in = fopen(path, "rb");
		assert_non_null(in);
		char chunk[4096];
		size_t k;
		while ((k = fread(chunk, 1, sizeof chunk, in)) > 0)
			buf_append(&f, chunk, k);
		fclose(in);
		char *out, *err;
		int rc = xlsx(&f, NULL, &out, &err);
		if (!formula) {
			assert_int_equal(rc, 0);
			assert_string_equal(out, "1|事项|完成时限\n"
						 "2|路灯不亮|2026-11-30|2026-11-23 09:30|13912345678|TRUE\n");
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, "B4"));
		}
		free(out);
		free(err);
		buf_free(&f);
	}
	unlink(path);
}

static void test_sheet_dispatch(void **state)
{
	char *err = NULL;
	rows r = {BUF_INIT, 0, 0};
	assert_int_equal(sheet_read("", 0, NULL, collect, &r, &err), -1);
	assert_non_null(strstr(err, "空"));
	free(err);
	err = NULL;
	assert_int_equal(sheet_read("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....", 12, NULL, collect, &r,
				    &err), -1);
	assert_non_null(strstr(err, ".xls"));
	free(err);
	buf_free(&r.text);
}

/* ---- one row checked against a catalogue built here ---- */

static department deps[] = {{1, "cgj", "城市管理局", NULL, true}, {2, "swj", "水务局", NULL, true}};
static area areas[] = {{7, "xinhua", "新华社区", "community", 0, true}};
static category cats[] = {{9, "srhj", "市容环境", "", "", 1, 15, 0, true, NULL, NULL, NULL}};
static user users[] = {{5, "liu", "刘承办", "handler", NULL, 1, NULL, true, 0},
		       {6, "sun", "孙承办", "handler", NULL, 2, NULL, true, 0}};

/* Check one row of cells under the headers; returns the row's verdict,
 * the report's messages as "column: text" lines in *msgs. */
static bool check_row(const char *const *headers, const char *const *cells, size_t n,
		      import_matter *m, char **msgs)
{
	import_catalog cat = {deps, 2, areas, 1, cats, 1, users, 2};
	import_report r = {0};
	int fields[16];
	unsigned has = 0;
	for (size_t i = 0; i < n; i++) {
		fields[i] = import_field_by_header(headers[i]);
		has |= import_has_bit(fields[i]);
	}
	import_sheet s = {&r, &cat, 1795397400, fields, headers, n, has, false};
	bool ok = import_row_check(&s, 2, (char **)cells, n, m);
	buf b = BUF_INIT;
	for (size_t i = 0; i < r.nmsgs; i++)
		buf_printf(&b, "%s%s: %s\n", r.msgs[i].warning ? "warning " : "",
			   r.msgs[i].column ? r.msgs[i].column : "", r.msgs[i].text);
	*msgs = buf_steal(&b);
	import_report_free(&r);
	return ok;
}

static void test_row_good(void **state)
{
	const char *h[] = {"编号", "类型", "事项", "牵头单位", "配合单位", "责任人", "状态", "满意度",
			   "是否公开", "进展情况", "完成时间", "片区", "类别", "备注"};
	const char *v[] = {"WX-1", "微心愿", "图书\n角", "城市管理局", "水务局、城市管理局", "刘承办",
			   "已办结", "基本满意", "是", "11-20 已采购\n已布置", "2026年12月1日", "xinhua",
			   "市容环境", "孩子们很高兴"};
	import_matter m;
	char *msgs;
	assert_true(check_row(h, v, 14, &m, &msgs));
	assert_string_equal(msgs, "");
	assert_string_equal(m.number, "WX-1");
	assert_string_equal(m.kind, "wish");
	assert_string_equal(m.title, "图书 角");
	assert_string_equal(m.description, "图书 角\n备注：孩子们很高兴");
	assert_int_equal(m.department_id, 1);
	assert_int_equal(m.ncodepartments, 2);
	assert_int_equal(m.assignee_id, 5);
	assert_int_equal(m.status, ST_RESOLVED);
	assert_string_equal(m.rating, "basic");
	assert_true(m.is_public);
	assert_string_equal(m.deadline, "2026-12-01");
	assert_int_equal(m.area_id, 7);
	assert_int_equal(m.category_id, 9);
	assert_string_equal(m.channel, "import");
	assert_int_equal(m.nnotes, 2);
	assert_string_equal(m.notes[0].text, "已采购");
	assert_string_equal(m.notes[1].text, "已布置");
	assert_true(m.has & IM_STATUS);
	free(msgs);
	import_matter_clear(&m);
}

static void test_row_errors(void **state)
{
	const char *h[] = {"事项", "类别", "片区", "责任单位", "状态", "满意度", "完成时限", "联系电话",
			   "类型", "是否公开", "责任人"};
	const char *v[] = {"", "绿化", "老街", "", "办理中", "满意", "明天", "12ab", "投诉信", "也许", ""};
	import_matter m;
	char *msgs;
	assert_false(check_row(h, v, 11, &m, &msgs));
	const char *want[] = {"类别: 没有这个类别「绿化」", "片区: 没有这个片区「老街」",
			      "完成时限: 日期「明天」无法识别", "联系电话: 联系电话「12ab」格式不正确",
			      "类型: 没有这个类型「投诉信」", "是否公开: 「也许」应为「是」或「否」",
			      "事项: 事项（标题）必填", "状态: 「办理中」的事项须填写责任单位",
			      "满意度: 未办结的事项不能有满意度"};
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		if (!strstr(msgs, want[i]))
			fail_msg("'%s' not in:\n%s", want[i], msgs);
	free(msgs);
	import_matter_clear(&m);
	/* An unknown person: a warning, no responsible person. */
	const char *h2[] = {"事项", "责任单位", "责任人"};
	const char *v2[] = {"井盖", "水务局", "刘承办"};
	assert_true(check_row(h2, v2, 3, &m, &msgs));
	assert_non_null(strstr(msgs, "warning 责任人: 「刘承办」不是该责任单位"));
	assert_int_equal(m.assignee_id, 0);
	assert_int_equal(m.status, ST_ASSIGNED); /* a department and no status */
	assert_false(m.has & IM_STATUS);         /* an update would leave it */
	free(msgs);
	import_matter_clear(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_basic),      cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_csv_stop),       cmocka_unit_test(test_headers),
		cmocka_unit_test(test_cell_refs),      cmocka_unit_test(test_formats),
		cmocka_unit_test(test_serial_dates),   cmocka_unit_test(test_typed_dates),
		cmocka_unit_test(test_xlsx_cells),     cmocka_unit_test(test_xlsx_formula),
		cmocka_unit_test(test_xlsx_malformed), cmocka_unit_test(test_xlsx_limits),
		cmocka_unit_test(test_xlsx_libxlsxwriter),
		cmocka_unit_test(test_sheet_dispatch), cmocka_unit_test(test_row_good),
		cmocka_unit_test(test_row_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
