/*
 * export_xlsx.c — the XLSX writer of the export, on libxlsxwriter in
 * constant-memory mode: each row goes to a temporary file as soon as the
 * next one starts, so the memory stays bounded whatever the number of rows
 * (the rows must come in order, which they do).
 *
 * One sheet, 台账: a bold header row frozen above the data, column widths
 * from the column table, long texts wrapped, dates and date-times as real
 * Excel dates (numbers with a date format, in Beijing time) and an
 * autofilter over the whole table. Text is always written with
 * worksheet_write_string, never as a formula, whatever it starts with.
 */
#include "report/export_int.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/utf8.h"
#include "base/util.h"
#include "ledger/calendar.h"

/* Excel's longest cell text, in characters; we cut at as many bytes. */
#define XLSX_TEXT_MAX 32767

struct xlsx_writer {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *header, *wrap, *date, *datetime;
	size_t ncols;
	const export_column *cols[32];
	lxw_row_t row; /* the next row to write */
};

/* The formats of the workbook. */
static void add_formats(xlsx_writer *w)
{
	w->header = workbook_add_format(w->wb);
	format_set_bold(w->header);
	format_set_text_wrap(w->header);
	format_set_align(w->header, LXW_ALIGN_VERTICAL_CENTER);
	w->wrap = workbook_add_format(w->wb);
	format_set_text_wrap(w->wrap);
	format_set_align(w->wrap, LXW_ALIGN_VERTICAL_TOP);
	w->date = workbook_add_format(w->wb);
	format_set_num_format(w->date, "yyyy-mm-dd");
	format_set_align(w->date, LXW_ALIGN_VERTICAL_TOP);
	w->datetime = workbook_add_format(w->wb);
	format_set_num_format(w->datetime, "yyyy-mm-dd hh:mm");
	format_set_align(w->datetime, LXW_ALIGN_VERTICAL_TOP);
}

/* The format a column's cells get (NULL: the default). */
static lxw_format *column_format(const xlsx_writer *w, const export_column *c)
{
	if (c->type == EXPORT_DATE)
		return w->date;
	if (c->type == EXPORT_DATETIME)
		return w->datetime;
	return c->wrap ? w->wrap : NULL;
}

xlsx_writer *xlsx_open(const char *path, const export_column *const *cols, size_t ncols,
		       char **err)
{
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
	xlsx_writer *w = xcalloc(1, sizeof *w);
	w->ncols = ncols < ARRAY_LEN(w->cols) ? ncols : ARRAY_LEN(w->cols);
	memcpy(w->cols, cols, w->ncols * sizeof *cols);
	w->wb = workbook_new_opt(path, &opt);
	if (!w->wb || !(w->ws = workbook_add_worksheet(w->wb, "台账"))) {
		*err = str_printf("cannot create the workbook %s", path);
		if (w->wb)
			workbook_close(w->wb);
		free(w);
		return NULL;
	}
	add_formats(w);
	for (size_t i = 0; i < w->ncols; i++) {
		const export_column *c = w->cols[i];
		worksheet_set_column(w->ws, (lxw_col_t)i, (lxw_col_t)i, c->width, column_format(w, c));
		worksheet_write_string(w->ws, 0, (lxw_col_t)i, c->header, w->header);
	}
	worksheet_freeze_panes(w->ws, 1, 0);
	w->row = 1;
	return w;
}

/* Write one text cell, cut to Excel's limit at a character boundary. */
static lxw_error write_text(xlsx_writer *w, lxw_col_t col, const char *s, lxw_format *fmt)
{
	size_t n = strlen(s);
	if (n == 0)
		return LXW_NO_ERROR; /* an empty cell: nothing to write */
	if (n <= XLSX_TEXT_MAX)
		return worksheet_write_string(w->ws, w->row, col, s, fmt);
	char *cut = xmalloc(XLSX_TEXT_MAX + 1);
	size_t k = utf8_cut_bytes(s, n, XLSX_TEXT_MAX);
	memcpy(cut, s, k);
	cut[k] = '\0';
	lxw_error e = worksheet_write_string(w->ws, w->row, col, cut, fmt);
	free(cut);
	return e;
}

/* Write one cell of column i. */
static lxw_error write_cell(xlsx_writer *w, size_t i, const export_cell *c)
{
	const export_column *col = w->cols[i];
	lxw_col_t k = (lxw_col_t)i;
	switch (col->type) {
	case EXPORT_INT:
		return worksheet_write_number(w->ws, w->row, k, (double)c->value, NULL);
	case EXPORT_DATETIME: /* Beijing wall-clock time: Excel dates have no zone */
		return c->value ? worksheet_write_unixtime(w->ws, w->row, k, c->value + 8 * 3600,
							   w->datetime)
				: LXW_NO_ERROR;
	case EXPORT_DATE:
		if (!c->text || !calendar_date_valid(c->text))
			return LXW_NO_ERROR;
		return worksheet_write_unixtime(w->ws, w->row, k,
						calendar_day_start(c->text) + 8 * 3600, w->date);
	default:
		return write_text(w, k, c->text ? c->text : "", col->wrap ? w->wrap : NULL);
	}
}

int xlsx_row(xlsx_writer *w, const export_cell *cells, char **err)
{
	if (w->row >= LXW_ROW_MAX) {
		*err = xstrdup("超过 Excel 一张表的行数上限");
		return -1;
	}
	for (size_t i = 0; i < w->ncols; i++) {
		lxw_error e = write_cell(w, i, &cells[i]);
		if (e != LXW_NO_ERROR) {
			*err = str_printf("cannot write the workbook: %s", lxw_strerror(e));
			return -1;
		}
	}
	w->row++;
	return 0;
}

int xlsx_close(xlsx_writer *w, char **err)
{
	if (!w)
		return 0;
	worksheet_autofilter(w->ws, 0, 0, w->row - 1, (lxw_col_t)(w->ncols - 1));
	lxw_error e = workbook_close(w->wb);
	free(w);
	if (e != LXW_NO_ERROR) {
		if (err)
			*err = str_printf("cannot write the workbook: %s", lxw_strerror(e));
		return -1;
	}
	return 0;
}
