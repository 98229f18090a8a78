/*
 * import.c — an import from start to end: read the file (sheet.h), find
 * the header row among the first rows, map its columns (the table in
 * import_columns.c, then the user's --map), check each data row
 * (import_row.c), then let the ledger apply the rows in one transaction
 * (ledger/matter_import.h) — rolled back for a dry run or when any row
 * has an error, so the plan is complete either way — and write the
 * report.
 */
#include "report/import.h"
#include "report/import_int.h"
#include "report/sheet.h"
#include "report/xlsx_read.h"
#include "ledger/ledger.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* Rows before the header (an office's title line, a date line) at most. */
#define HEADER_SEARCH_ROWS 10

void import_msg_add(import_report *r, int64_t row, const char *column, bool warning, char *text)
{
	/* Why a cap: a file of 100,000 wrong rows must not make a page of
	 * 100,000 lines; the counts stay exact. */
	if (r->nmsgs < IMPORT_MAX_MSGS) {
		r->msgs = xrealloc(r->msgs, (r->nmsgs + 1) * sizeof *r->msgs);
		r->msgs[r->nmsgs++] = (import_msg){row, column ? xstrdup(column) : NULL, text, warning};
	} else {
		free(text);
	}
	if (warning)
		r->warnings++;
	else
		r->errors++;
}

void import_report_free(import_report *r)
{
	for (size_t i = 0; i < r->ncols; i++)
		free(r->cols[i].header);
	for (size_t i = 0; i < r->nplan; i++) {
		free(r->plan[i].number);
		free(r->plan[i].external);
		free(r->plan[i].title);
		free(r->plan[i].changes);
	}
	for (size_t i = 0; i < r->nmsgs; i++) {
		free(r->msgs[i].column);
		free(r->msgs[i].text);
	}
	free(r->cols);
	free(r->plan);
	free(r->msgs);
	memset(r, 0, sizeof *r);
}

/* ---- reading ---- */

typedef struct run {
	import_report *r;
	const import_options *o;
	import_catalog cat;
	import_sheet sheet;
	int *fields;
	char **headers;
	size_t ncols;
	int64_t rows_seen; /* before the header */
	int64_t data_rows; /* after it */
	import_matter *rows;
	size_t nrows, caprows;
	bool header_failed;
	bool too_long; /* more than IMPORT_MAX_ROWS data rows: refused whole */
} run;

/* Walk the user's --map ("HEADER=field,..."): for each entry, its header
 * and field (NUL-terminated in a copy) to fn, until fn returns nonzero;
 * an entry without "=" gets a NULL field. Returns fn's last answer. */
static int each_mapping(const char *map, int (*fn)(void *ctx, const char *header,
						      const char *field),
			void *ctx)
{
	int rc = 0;
	while (map && *map && rc == 0) {
		size_t len = strcspn(map, ",");
		char *one = xstrndup(map, len);
		char *eq = strchr(one, '=');
		if (eq)
			*eq = '\0';
		rc = fn(ctx, one, eq ? eq + 1 : NULL);
		free(one);
		map += len + (map[len] == ',');
	}
	return rc;
}

/* Report every malformed entry and unknown field of the map, once. */
static int check_mapping(void *ctx, const char *header, const char *field)
{
	import_report *r = ctx;
	if (!field)
		import_msg_add(r, 0, NULL, false, str_printf("对应关系「%s」应写成 表头=字段", header));
	else if (import_field_by_name(field) < 0)
		import_msg_add(r, 0, NULL, false, str_printf("没有这个字段「%s」", field));
	return 0;
}

typedef struct lookup {
	const char *header;
	int field;
} lookup;

static int find_mapping(void *ctx, const char *header, const char *field)
{
	lookup *l = ctx;
	if (field && strcmp(header, l->header) == 0)
		l->field = import_field_by_name(field);
	return l->field >= 0;
}

/* The field the user's --map gives this header, or -1 when it names none
 * (a bad entry was reported by check_mapping before the sheet was read). */
static int mapped(run *u, const char *header)
{
	lookup l = {header, -1};
	each_mapping(u->o->map, find_mapping, &l);
	return l.field;
}

static int field_of(run *u, const char *header)
{
	int f = mapped(u, header);
	return f == -1 ? import_field_by_header(header) : f;
}

/* Is this row the header: at least two recognised names (or one, when it
 * is the only cell)? */
static bool looks_like_header(run *u, char **cells, size_t n)
{
	size_t known = 0, filled = 0;
	for (size_t i = 0; i < n; i++)
		if (cells[i][0]) {
			filled++;
			known += field_of(u, cells[i]) > IF_IGNORE;
		}
	return known >= 2 || (known == 1 && filled == 1);
}

unsigned import_has_bit(int f)
{
	static const unsigned bits[IF_COUNT] = {
		[IF_KIND] = IM_KIND, [IF_SUBKIND] = IM_SUBKIND, [IF_TITLE] = IM_TITLE,
		[IF_DESCRIPTION] = IM_DESCRIPTION, [IF_CATEGORY] = IM_CATEGORY, [IF_AREA] = IM_AREA,
		[IF_ADDRESS] = IM_ADDRESS, [IF_CHANNEL] = IM_CHANNEL,
		[IF_DEPARTMENT] = IM_DEPARTMENT, [IF_CODEPARTMENTS] = IM_CODEPARTMENTS,
		[IF_ASSIGNEE] = IM_ASSIGNEE, [IF_DEADLINE] = IM_DEADLINE, [IF_RESULT] = IM_RESULT,
		[IF_STATUS] = IM_STATUS, [IF_RATING] = IM_RATING, [IF_PUBLIC] = IM_PUBLIC,
		[IF_SUBMITTER] = IM_SUBMITTER, [IF_PHONE] = IM_PHONE, [IF_RESOLVED] = IM_RESOLVED,
		[IF_MEASURES] = IM_DESCRIPTION, [IF_LEADER] = IM_DESCRIPTION,
		[IF_REMARK] = IM_DESCRIPTION,
	};
	return f > 0 && f < IF_COUNT ? bits[f] : 0;
}

/* Check one header cell against the ones before it. */
static void header_cell(run *u, int64_t row, size_t i)
{
	import_report *r = u->r;
	const char *h = u->headers[i];
	char col[8];
	xlsx_col_name(i, col);
	for (size_t j = 0; j < i && h[0]; j++) {
		char other[8];
		xlsx_col_name(j, other);
		if (strcmp(u->headers[j], h) == 0)
			import_msg_add(r, row, h, false,
				       str_printf("表头「%s」重复（%s列和%s列）", h, other, col));
		else if (u->fields[i] > IF_IGNORE && u->fields[i] == u->fields[j] &&
			 u->fields[i] != IF_SEQ && u->fields[i] != IF_OVERDUE)
			import_msg_add(r, row, h, false,
				       str_printf("「%s」（%s列）和「%s」（%s列）都对应「%s」，请只保留一列",
						  u->headers[j], other, h, col,
						  import_field_header(u->fields[i])));
	}
	if (h[0] && u->fields[i] < 0)
		import_msg_add(r, row, h, true, str_printf("不认识的表头「%s」（%s列），该列不导入", h, col));
}

static void take_header(run *u, int64_t row, char **cells, size_t n)
{
	import_report *r = u->r;
	size_t errors = r->errors;
	u->ncols = n;
	u->fields = xcalloc(n, sizeof *u->fields);
	u->headers = xcalloc(n, sizeof *u->headers);
	r->header_row = row;
	r->cols = xcalloc(n, sizeof *r->cols);
	r->ncols = n;
	for (size_t i = 0; i < n; i++) {
		u->headers[i] = xstrdup(cells[i]);
		u->fields[i] = cells[i][0] ? field_of(u, cells[i]) : IF_IGNORE;
		r->cols[i] = (import_mapping){xstrdup(cells[i]), u->fields[i]};
		u->sheet.has |= import_has_bit(u->fields[i]);
	}
	for (size_t i = 0; i < n; i++)
		header_cell(u, row, i);
	bool title = false, desc = false;
	for (size_t i = 0; i < n; i++) {
		title = title || u->fields[i] == IF_TITLE;
		desc = desc || u->fields[i] == IF_DESCRIPTION;
	}
	if (!title && !desc)
		import_msg_add(r, row, NULL, false, xstrdup("缺少「事项」列（事项的标题）"));
	if (!title && desc) {
		u->sheet.derive_title = true;
		u->sheet.has |= IM_TITLE;
		import_msg_add(r, row, NULL, true, xstrdup("没有「事项」列：标题取自内容的第一行"));
	}
	u->header_failed = r->errors > errors;
	u->sheet.fields = u->fields;
	u->sheet.headers = (const char *const *)u->headers;
	u->sheet.ncols = n;
}

static int on_row(void *ctx, int64_t row, char **cells, size_t n)
{
	run *u = ctx;
	if (!u->fields) {
		if (looks_like_header(u, cells, n)) {
			take_header(u, row, cells, n);
			return u->header_failed ? 1 : 0;
		}
		return ++u->rows_seen >= HEADER_SEARCH_ROWS ? 2 : 0;
	}
	if (++u->data_rows > IMPORT_MAX_ROWS) {
		import_msg_add(u->r, row, NULL, false,
			       str_printf("数据超过%d行，请分成几个文件导入", IMPORT_MAX_ROWS));
		u->too_long = true;
		return 1;
	}
	if (u->nrows == u->caprows) {
		u->caprows = u->caprows ? u->caprows * 2 : 64;
		u->rows = xrealloc(u->rows, u->caprows * sizeof *u->rows);
	}
	if (import_row_check(&u->sheet, row, cells, n, &u->rows[u->nrows]))
		u->nrows++;
	else
		import_matter_clear(&u->rows[u->nrows]);
	return 0;
}

/* ---- before and after the ledger ---- */

static int load_catalog(db *d, import_catalog *k)
{
	memset(k, 0, sizeof *k);
	if (department_list(d, true, &k->deps, &k->ndeps) != LEDGER_OK ||
	    area_list(d, true, &k->areas, &k->nareas) != LEDGER_OK ||
	    category_list(d, true, &k->cats, &k->ncats) != LEDGER_OK ||
	    user_list(d, &k->users, &k->nusers) != LEDGER_OK)
		return LEDGER_ERROR;
	return LEDGER_OK;
}

static void free_catalog(import_catalog *k)
{
	department_list_free(k->deps, k->ndeps);
	area_list_free(k->areas, k->nareas);
	category_list_free(k->cats, k->ncats);
	user_list_free(k->users, k->nusers);
}

static int cmp_number(const void *a, const void *b)
{
	const import_matter *x = *(import_matter *const *)a, *y = *(import_matter *const *)b;
	int c = strcmp(x->number, y->number);
	return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* Two rows with the same 编号 would be one matter twice: an error. Rows
 * without one create a new matter on every import: a warning. */
static void check_numbers(run *u)
{
	import_matter **v = xcalloc(u->nrows + 1, sizeof *v);
	size_t n = 0;
	const char *h = import_field_header(IF_NUMBER);
	for (size_t i = 0; i < u->nrows; i++) {
		if (u->rows[i].number)
			v[n++] = &u->rows[i];
		else
			import_msg_add(u->r, u->rows[i].row, h, true,
				       xstrdup("没有编号：每次导入都会新建一件事项"));
	}
	qsort(v, n, sizeof *v, cmp_number);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i]->number, v[i - 1]->number) == 0)
			import_msg_add(u->r, v[i]->row, h, false,
				       str_printf("编号「%s」与第%lld行重复", v[i]->number,
						  (long long)v[i - 1]->row));
	free(v);
}

static void take_outcomes(run *u, import_outcome *out)
{
	import_report *r = u->r;
	r->plan = xcalloc(u->nrows + 1, sizeof *r->plan);
	for (size_t i = 0; i < u->nrows; i++) {
		import_matter *m = &u->rows[i];
		r->plan[i] = (import_plan){m->row, out[i].action, xstrdup(out[i].number),
					   m->number ? xstrdup(m->number) : NULL, xstrdup(m->title),
					   out[i].changes};
		out[i].changes = NULL;
		r->created += out[i].action == IMPORT_CREATE;
		r->updated += out[i].action == IMPORT_UPDATE;
		r->skipped += out[i].action == IMPORT_SKIP;
	}
	r->nplan = u->nrows;
}

static int apply_rows(run *u, db *d, const actor *who, int64_t now)
{
	import_report *r = u->r;
	import_outcome *out = xcalloc(u->nrows + 1, sizeof *out);
	char *msg = NULL;
	bool commit = !u->o->dry_run && r->errors == 0;
	int rc = matter_import(d, who, u->rows, u->nrows, !commit, now, out, &msg);
	if (rc == LEDGER_OK) {
		take_outcomes(u, out);
		r->applied = commit;
	} else {
		import_msg_add(r, 0, NULL, false, msg ? msg : xstrdup("导入失败"));
		msg = NULL;
	}
	free(msg);
	free(out);
	return rc;
}

int import_run(db *d, const actor *who, const void *data, size_t n, const import_options *o,
	       int64_t now, import_report *r)
{
	memset(r, 0, sizeof *r);
	run u = {0};
	u.r = r;
	u.o = o;
	u.sheet.r = r;
	u.sheet.cat = &u.cat;
	u.sheet.now = now;
	char *err = NULL;
	int rc = load_catalog(d, &u.cat);
	if (rc != LEDGER_OK)
		goto done;
	/* Why first: a bad map would make every header unknown, and then the
	 * sheet would seem to have none. */
	each_mapping(o->map, check_mapping, r);
	if (r->errors)
		goto done;
	int read = sheet_read(data, n, NULL, on_row, &u, &err);
	if (read < 0)
		import_msg_add(r, 0, NULL, false, err);
	else if (!u.fields)
		import_msg_add(r, 0, NULL, false,
			       xstrdup(u.rows_seen ? "找不到表头：前10行里没有认得的列名（如 事项、内容、责任单位）"
						   : "文件中没有数据"));
	else if (!u.header_failed && u.nrows == 0 && r->errors == 0)
		import_msg_add(r, 0, NULL, false, xstrdup("文件中只有表头，没有数据"));
	if (u.fields && !u.header_failed && read >= 0)
		check_numbers(&u);
	/* Why not for a file too long: it is refused whole, and a plan of its
	 * first 10,000 rows would only cost time (on PostgreSQL, minutes). */
	if (u.nrows > 0 && read >= 0 && !u.header_failed && !u.too_long)
		rc = apply_rows(&u, d, who, now);
done:
	for (size_t i = 0; i < u.nrows; i++)
		import_matter_clear(&u.rows[i]);
	free(u.rows);
	for (size_t i = 0; i < u.ncols; i++)
		free(u.headers[i]);
	free(u.headers);
	free(u.fields);
	free_catalog(&u.cat);
	if (rc == LEDGER_ERROR)
		return LEDGER_ERROR;
	return r->errors ? LEDGER_INVALID : LEDGER_OK;
}

/* ---- the report as text ---- */

static const char *action_word(int a)
{
	return a == IMPORT_CREATE ? "create" : a == IMPORT_UPDATE ? "update" : "skip";
}

void import_report_text(const import_report *r, bool dry_run, buf *out)
{
	for (size_t i = 0; i < r->nplan; i++) {
		const import_plan *p = &r->plan[i];
		buf_printf(out, "row %lld: %s %s %s", (long long)p->row, action_word(p->action),
			   p->number, p->title);
		if (p->changes)
			buf_printf(out, " (%s)", p->changes);
		buf_putc(out, '\n');
	}
	for (size_t i = 0; i < r->nmsgs; i++) {
		const import_msg *m = &r->msgs[i];
		const char *kind = m->warning ? "warning: " : "";
		if (m->row && m->column)
			buf_printf(out, "%srow %lld, column %s: %s\n", kind, (long long)m->row,
				   m->column, m->text);
		else if (m->row)
			buf_printf(out, "%srow %lld: %s\n", kind, (long long)m->row, m->text);
		else
			buf_printf(out, "%s%s\n", m->warning ? kind : "error: ", m->text);
	}
	if (r->errors + r->warnings > r->nmsgs)
		buf_printf(out, "(%zu more messages not shown)\n", r->errors + r->warnings - r->nmsgs);
	if (r->applied)
		buf_printf(out, "imported: %zu created, %zu updated, %zu unchanged; %zu warnings\n",
			   r->created, r->updated, r->skipped, r->warnings);
	else
		buf_printf(out, "%s: %zu to create, %zu to update, %zu unchanged; %zu errors, "
				"%zu warnings\n", r->errors ? "nothing imported" : "dry run",
			   r->created, r->updated, r->skipped, r->errors, r->warnings);
}
