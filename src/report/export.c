/*
 * export.c — the ledger export's column table and its row source: matters
 * walked with matter_each() (one statement, oldest first), each turned into
 * one row of cells with its progress notes and co-handling departments,
 * and handed to the CSV or XLSX writer as it comes.
 *
 * Per matter, two more small indexed reads (events_matter, the
 * co-departments' primary key) on the same connection, prepared once; see
 * docs/performance.md for what that costs at a million rows.
 */
#include "report/export.h"
#include "report/export_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "ledger/codepartment.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"

/* Column indexes, in the order of export_columns[]. */
enum {
	C_SEQ, C_NUMBER, C_KIND, C_SUBKIND, C_TITLE, C_DESCRIPTION, C_CATEGORY, C_AREA,
	C_ADDRESS, C_CHANNEL, C_DEPARTMENT, C_CODEPARTMENTS, C_ASSIGNEE, C_CREATED,
	C_DEADLINE, C_PROGRESS, C_RESULT, C_STATUS, C_OVERDUE, C_RESOLVED, C_RATING,
	C_PUBLIC, C_SUBMITTER, C_PHONE, C_COUNT
};

const export_column export_columns[] = {
	[C_SEQ] = {"seq", "序号", 6, EXPORT_INT, false, false},
	[C_NUMBER] = {"number", "编号", 17, EXPORT_TEXT, false, false},
	[C_KIND] = {"kind", "类型", 8, EXPORT_TEXT, false, false},
	[C_SUBKIND] = {"subkind", "诉求类型", 9, EXPORT_TEXT, false, false},
	[C_TITLE] = {"title", "事项", 30, EXPORT_TEXT, true, false},
	[C_DESCRIPTION] = {"description", "内容", 40, EXPORT_TEXT, true, false},
	[C_CATEGORY] = {"category", "类别", 12, EXPORT_TEXT, false, false},
	[C_AREA] = {"area", "片区", 12, EXPORT_TEXT, false, false},
	[C_ADDRESS] = {"address", "地址", 20, EXPORT_TEXT, true, false},
	[C_CHANNEL] = {"channel", "渠道", 8, EXPORT_TEXT, false, false},
	[C_DEPARTMENT] = {"department", "责任单位", 16, EXPORT_TEXT, false, false},
	[C_CODEPARTMENTS] = {"codepartments", "协办单位", 16, EXPORT_TEXT, true, false},
	[C_ASSIGNEE] = {"assignee", "责任人", 10, EXPORT_TEXT, false, false},
	[C_CREATED] = {"created", "登记时间", 17, EXPORT_DATETIME, false, false},
	[C_DEADLINE] = {"deadline", "完成时限", 11, EXPORT_DATE, false, false},
	[C_PROGRESS] = {"progress", "办理进展", 40, EXPORT_TEXT, true, false},
	[C_RESULT] = {"result", "办理结果", 30, EXPORT_TEXT, true, false},
	[C_STATUS] = {"status", "状态", 9, EXPORT_TEXT, false, false},
	[C_OVERDUE] = {"overdue", "是否超期", 9, EXPORT_TEXT, false, false},
	[C_RESOLVED] = {"resolved", "办结时间", 17, EXPORT_DATETIME, false, false},
	[C_RATING] = {"rating", "满意度", 9, EXPORT_TEXT, false, false},
	[C_PUBLIC] = {"public", "是否公开", 9, EXPORT_TEXT, false, false},
	[C_SUBMITTER] = {"submitter_name", "诉求人", 10, EXPORT_TEXT, false, true},
	[C_PHONE] = {"submitter_phone", "联系电话", 14, EXPORT_TEXT, false, true},
};
const size_t export_ncolumns = ARRAY_LEN(export_columns);

const export_column *export_column_by_header(const char *header)
{
	for (size_t i = 0; header && i < export_ncolumns; i++)
		if (strcmp(export_columns[i].header, header) == 0)
			return &export_columns[i];
	return NULL;
}

bool export_format_parse(const char *name, enum export_format *out)
{
	if (str_cmp0(name, "csv") == 0)
		*out = EXPORT_CSV;
	else if (str_cmp0(name, "xlsx") == 0)
		*out = EXPORT_XLSX;
	else
		return false;
	return true;
}

bool export_filter_status(matter_filter *f, const char *status)
{
	if (str_empty(status))
		return true;
	/* Status names first: "closed" is 已销号, as on the list pages. */
	if ((f->status = status_from_name(status)) >= 0)
		return true;
	if (strcmp(status, "open") == 0)
		f->open_only = true;
	else if (strcmp(status, "finished") == 0)
		f->closed_only = true;
	else
		return false;
	return true;
}

const char *export_content_type(enum export_format f)
{
	return f == EXPORT_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				: "text/csv; charset=utf-8";
}

const char *export_extension(enum export_format f)
{
	return f == EXPORT_XLSX ? "xlsx" : "csv";
}

void export_format_datetime(int64_t t, char out[20])
{
	time_t bj = (time_t)(t + 8 * 3600); /* Beijing has no daylight time */
	struct tm tm;
	gmtime_r(&bj, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

struct exporter {
	enum export_format format;
	bool public_export;
	const actor *who;
	size_t ncols; /* the personal columns are the last two */
	csv_writer *csv;
	xlsx_writer *xlsx;
	int64_t rows;
	db *d;
	buf notes, codeps; /* scratch for the current row, reused */
	char *err;         /* the first error of a row, for export_matters */
};

exporter *export_open(enum export_format f, const char *path, bool public_export,
		      const actor *who, char **err)
{
	const export_column *cols[C_COUNT];
	exporter *x = xcalloc(1, sizeof *x);
	x->format = f;
	x->public_export = public_export;
	x->who = who;
	/* Why: a public export never carries a submitter column, and a staff
	 * export only for readers who may see residents' personal data. */
	bool personal = !public_export && actor_sees_personal(who);
	x->ncols = personal ? C_COUNT : C_SUBMITTER;
	for (size_t i = 0; i < x->ncols; i++)
		cols[i] = &export_columns[i];
	if (f == EXPORT_XLSX)
		x->xlsx = xlsx_open(path, cols, x->ncols, err);
	else
		x->csv = csv_open(path, cols, x->ncols, err);
	if (!x->xlsx && !x->csv) {
		free(x);
		return NULL;
	}
	return x;
}

/* Collects one progress note as "MM-DD note" (Beijing date). */
static void add_note(void *ctx, int64_t at, const char *note)
{
	exporter *x = ctx;
	char when[20];
	export_format_datetime(at, when);
	when[10] = '\0'; /* YYYY-MM-DD */
	buf_printf(&x->notes, "%s%s %s", x->notes.len ? "\n" : "", when + 5, note);
}

/* The text cells of m that come straight from its fields. */
static void text_cells(const exporter *x, const matter *m, export_cell *c)
{
	c[C_NUMBER].text = m->number;
	c[C_KIND].text = kind_label(m->kind);
	c[C_SUBKIND].text = m->subkind;
	c[C_TITLE].text = m->title;
	c[C_DESCRIPTION].text = m->description;
	c[C_CATEGORY].text = m->category_name;
	c[C_AREA].text = m->area_name;
	c[C_ADDRESS].text = m->address;
	c[C_CHANNEL].text = channel_label(m->channel);
	c[C_DEPARTMENT].text = m->department_name;
	c[C_ASSIGNEE].text = m->assignee_name;
	c[C_DEADLINE].text = m->deadline;
	c[C_RESULT].text = m->result;
	c[C_STATUS].text = status_label(m->status);
	c[C_OVERDUE].text = m->overdue ? "是" : "否";
	c[C_RATING].text = str_empty(m->rating) ? "" : rating_label(m->rating);
	c[C_PUBLIC].text = m->is_public ? "是" : "否";
	if (x->ncols > C_SUBMITTER) {
		/* blank already unless who may see this matter's resident */
		c[C_SUBMITTER].text = m->submitter_name;
		c[C_PHONE].text = m->submitter_phone;
	}
}

/* matter_each's callback: one matter, one row. */
static int export_row(void *ctx, const matter *m)
{
	exporter *x = ctx;
	export_cell c[C_COUNT];
	memset(c, 0, sizeof c);
	if (x->format == EXPORT_XLSX && x->rows >= EXPORT_XLSX_MAX_ROWS) {
		x->err = xstrdup("超过 Excel 一张表的行数上限（1048575 行），请缩小范围或导出 CSV");
		return LEDGER_INVALID;
	}
	buf_reset(&x->notes);
	buf_reset(&x->codeps);
	if (event_notes(x->d, m->id, "progress", x->public_export, add_note, x) != LEDGER_OK ||
	    codepartment_names(x->d, m->id, "、", &x->codeps) != LEDGER_OK)
		return LEDGER_ERROR;
	text_cells(x, m, c);
	c[C_SEQ].value = x->rows + 1;
	c[C_CODEPARTMENTS].text = buf_str(&x->codeps);
	c[C_CREATED].value = m->created_at;
	c[C_PROGRESS].text = buf_str(&x->notes);
	c[C_RESOLVED].value = m->resolved_at;
	for (size_t i = 0; i < C_COUNT; i++)
		if (export_columns[i].type == EXPORT_TEXT && !c[i].text)
			c[i].text = "";
	int r = x->xlsx ? xlsx_row(x->xlsx, c, &x->err) : csv_row(x->csv, c);
	if (r < 0)
		return LEDGER_ERROR;
	x->rows++;
	return LEDGER_OK;
}

int export_matters(exporter *x, db *d, const matter_filter *filter, const char *today,
		   char **err)
{
	matter_filter f = *filter;
	/* Why: a public export is exactly the public board: public matters,
	 * not merged ones (matter_filter.public_only), read as the public. */
	static const actor nobody = {0};
	if (x->public_export)
		f.public_only = true;
	x->d = d;
	int rc = matter_each(d, x->public_export ? &nobody : x->who, &f, today, export_row, x);
	x->d = NULL;
	if (rc == LEDGER_INVALID && !x->err)
		x->err = xstrdup("日期格式应为 年-月-日，例如 2026-11-23");
	if (rc != LEDGER_OK && !x->err)
		x->err = xstrdup("台账读取或写入失败");
	if (rc != LEDGER_OK) {
		*err = x->err;
		x->err = NULL;
	}
	return rc;
}

int export_close(exporter *x, int64_t *rows, char **err)
{
	if (!x)
		return 0;
	int rc = x->xlsx ? xlsx_close(x->xlsx, err) : csv_close(x->csv, err);
	if (rows)
		*rows = x->rows;
	buf_free(&x->notes);
	buf_free(&x->codeps);
	free(x->err);
	free(x);
	return rc;
}
