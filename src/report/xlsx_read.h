/*
 * xlsx_read.h — the first worksheet of an Excel workbook (.xlsx, Office
 * Open XML), read with minizip and expat, since no Debian library reads
 * .xlsx from C.
 *
 * The workbook names its first sheet (xl/workbook.xml), the relationships
 * say which part holds it (xl/_rels/workbook.xml.rels), the shared strings
 * (xl/sharedStrings.xml, rich-text runs joined, phonetic runs dropped) and
 * the styles (xl/styles.xml: which cells are dates) are read first, then
 * the sheet is streamed row by row to a sheet_row_fn.
 *
 * Cells come out as text: strings as written; numbers in plain notation
 * (13912345678, not 1.39E+10); booleans TRUE/FALSE; dates and times (an
 * Excel serial number in a cell with a date format) as YYYY-MM-DD or
 * YYYY-MM-DD HH:MM. A cell with a formula is refused, naming the cell: a
 * ledger imported from cached formula results would silently differ from
 * what the office sees after the next recalculation.
 *
 * Hostile files: every part is unpacked in chunks, counting the bytes, and
 * refused past lim->max_entry_bytes or lim->max_total_bytes in all (a zip
 * bomb costs at most that much work); a part with a DTD is refused (no
 * entity is ever expanded, so no billion laughs; expat's amplification
 * limit is set as well); cells, columns and rows are capped as in sheet.h.
 */
#ifndef TZ_REPORT_XLSX_READ_H
#define TZ_REPORT_XLSX_READ_H

#include "report/sheet.h"

/* Read the n bytes at data as an .xlsx file. Returns 0, fn's non-zero
 * value, or -1 with *err (Chinese, caller frees). */
int xlsx_read(const void *data, size_t n, const sheet_limits *lim, sheet_row_fn fn, void *ctx,
	      char **err);

/* A cell reference "AB12": *col 0-based (A = 0, AB = 27), *row 1-based
 * (0 when the reference has no digits, as in "AB"). False when malformed
 * or beyond Excel's XFD1048576. */
bool xlsx_cell_ref(const char *ref, size_t *col, int64_t *row);
/* The letters of column col (0-based): "A", "AB", ... */
void xlsx_col_name(size_t col, char out[8]);

/* What a number format shows: XLSX_FMT_NUMBER, a date, a date and time or
 * a time of day. id is the numFmtId (built-in 14..22 and 45..47 are dates
 * and times); code the custom format code or NULL. */
enum { XLSX_FMT_NUMBER, XLSX_FMT_DATE, XLSX_FMT_DATETIME, XLSX_FMT_TIME };
int xlsx_format_kind(int id, const char *code);

/* An Excel serial date (days since 1899-12-30, with Excel's 1900 leap-year
 * mistake; days since 1904-01-01 when date1904) as "YYYY-MM-DD", or
 * "YYYY-MM-DD HH:MM" when with_time and the time is not midnight, or
 * "HH:MM" for kind XLSX_FMT_TIME. False when out of 1900-01-01..9999-12-31. */
bool xlsx_serial_text(double serial, bool date1904, int kind, char out[32]);

#endif
