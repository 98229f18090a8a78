/*
 * sheet.h — what the spreadsheet readers share: rows delivered one at a
 * time through a callback as arrays of UTF-8 strings, and the limits that
 * keep a hostile file from costing more than a real ledger would.
 *
 * Two readers fill this shape: csv_read.h (RFC 4180 text) and xlsx_read.h
 * (Office Open XML workbooks, read with minizip and expat). sheet_read()
 * picks one by the file's first bytes. Nothing here touches the ledger.
 */
#ifndef TZ_REPORT_SHEET_H
#define TZ_REPORT_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why these numbers: Excel itself stops a cell at 32767 characters; a
 * township's ledger has hundreds to a few thousand rows and a few dozen
 * columns; an .xlsx of that size unpacks to a few megabytes. Anything far
 * beyond is a mistake or an attack (a zip bomb), refused with a message. */
#define SHEET_MAX_CELL_CHARS 32767
#define SHEET_MAX_COLS 256
#define SHEET_MAX_ROWS 100000
#define SHEET_MAX_TOTAL_BYTES (100u * 1024 * 1024) /* all of an .xlsx, unpacked */
#define SHEET_MAX_ENTRY_BYTES (64u * 1024 * 1024)  /* one part of an .xlsx */

typedef struct sheet_limits {
	size_t max_cell_chars, max_cols, max_rows;
	uint64_t max_total_bytes, max_entry_bytes;
} sheet_limits;

/* The limits above. */
sheet_limits sheet_default_limits(void);

/* Called once per row that has any cell, in order. row is the 1-based row
 * number as the user sees it in Excel (or the record number of a CSV file);
 * cells[0..n) are the columns A, B, ... as NUL-terminated valid UTF-8 (""
 * for an empty cell), borrowed for the call. Return 0 to go on; anything
 * else stops the reading and is returned by the reader. */
typedef int (*sheet_row_fn)(void *ctx, int64_t row, char **cells, size_t n);

/* Read the n bytes at data as .xlsx (when they start like a zip file) or as
 * CSV, with lim (NULL: the defaults). Returns 0 when every row was
 * delivered, the callback's non-zero value when it stopped, or -1 with *err
 * set to a Chinese sentence for the user (caller frees) when the file is
 * malformed, too big, not UTF-8, empty or holds a formula. */
int sheet_read(const void *data, size_t n, const sheet_limits *lim, sheet_row_fn fn, void *ctx,
	       char **err);

/* Does the file look like an .xlsx (a zip archive)? */
bool sheet_is_zip(const void *data, size_t n);

#endif
