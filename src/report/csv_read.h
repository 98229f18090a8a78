/*
 * csv_read.h — comma-separated values as Excel writes them (RFC 4180):
 * fields in double quotes may hold commas, newlines and "" for a quote;
 * records end with CRLF or LF. UTF-8 with or without a byte-order mark.
 *
 * Encoding: Excel in China saves "CSV (逗号分隔)" in GBK/GB18030. Such a
 * file is refused with a message telling the user to save it as
 * "CSV UTF-8", not converted. Why not convert: a byte string that is valid
 * GB18030 may as well be Big5 or Latin-1, and a wrong guess turns names
 * and addresses into other, plausible characters without anyone noticing;
 * the refusal costs the clerk one "另存为".
 */
#ifndef TZ_REPORT_CSV_READ_H
#define TZ_REPORT_CSV_READ_H

#include "report/sheet.h"

/* Read the n bytes at data and hand each non-blank record to fn (row is the
 * record's number, blank lines counted, so it matches the row Excel shows).
 * A first line with tabs and no commas is read as tab-separated. Returns
 * 0, fn's non-zero value, or -1 with *err (Chinese, caller frees): empty
 * file, not UTF-8 (GB18030/GBK or UTF-16 named as such), an unclosed
 * quote, text after a closing quote, a cell, row or file over lim (NULL:
 * defaults). */
int csv_read(const char *data, size_t n, const sheet_limits *lim, sheet_row_fn fn, void *ctx,
	     char **err);

/* Is the text (not UTF-8) valid GB18030? Used for the error message. */
bool csv_looks_gb18030(const char *data, size_t n);

#endif
