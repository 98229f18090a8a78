/*
 * export_int.h — private to report/: the two writers behind exporter
 * (export.c). Each takes rows of cells in the column order it was opened
 * with and knows nothing of matters.
 */
#ifndef TZ_REPORT_EXPORT_INT_H
#define TZ_REPORT_EXPORT_INT_H

#include "report/export.h"

/* One cell. EXPORT_TEXT: text ("" when empty); EXPORT_DATE: text
 * YYYY-MM-DD, or NULL/"" when empty; EXPORT_INT: value; EXPORT_DATETIME:
 * value, unix seconds, 0 when empty. */
typedef struct export_cell {
	const char *text;
	int64_t value;
} export_cell;

/* The Beijing wall-clock time of an instant as "YYYY-MM-DD HH:MM". */
void export_format_datetime(int64_t t, char out[20]);

typedef struct csv_writer csv_writer;
/* Create path, write the BOM and the header row. NULL with *err. */
csv_writer *csv_open(const char *path, const export_column *const *cols, size_t ncols,
		     char **err);
/* One row of ncols cells. 0, or -1 on a write error. */
int csv_row(csv_writer *w, const export_cell *cells);
/* Flush and close; frees w. 0, or -1 with *err. NULL-safe. */
int csv_close(csv_writer *w, char **err);

typedef struct xlsx_writer xlsx_writer;
/* A workbook in constant-memory mode at path with one sheet 台账: the
 * header row bold and frozen, column widths and formats. NULL with *err. */
xlsx_writer *xlsx_open(const char *path, const export_column *const *cols, size_t ncols,
		       char **err);
/* One row of ncols cells (row numbers follow on from the header). 0, or
 * -1 with *err. */
int xlsx_row(xlsx_writer *w, const export_cell *cells, char **err);
/* Set the autofilter over the rows written, assemble the file, free w. 0,
 * or -1 with *err. NULL-safe. */
int xlsx_close(xlsx_writer *w, char **err);

#endif
