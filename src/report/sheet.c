/*
 * sheet.c — the shared limits of the spreadsheet readers and the choice
 * between them by the file's first bytes.
 */
#include "report/sheet.h"
#include "report/csv_read.h"
#include "report/xlsx_read.h"
#include "base/util.h"

#include <string.h>

sheet_limits sheet_default_limits(void)
{
	sheet_limits l = {SHEET_MAX_CELL_CHARS, SHEET_MAX_COLS, SHEET_MAX_ROWS,
			  SHEET_MAX_TOTAL_BYTES, SHEET_MAX_ENTRY_BYTES};
	return l;
}

bool sheet_is_zip(const void *data, size_t n)
{
	return n >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

int sheet_read(const void *data, size_t n, const sheet_limits *lim, sheet_row_fn fn, void *ctx,
	       char **err)
{
	if (n == 0) {
		*err = xstrdup("文件是空的");
		return -1;
	}
	if (sheet_is_zip(data, n))
		return xlsx_read(data, n, lim, fn, ctx, err);
	/* Why: an old .xls (OLE2 compound file) is binary, not CSV; say what
	 * to do instead of complaining about its encoding. */
	if (n >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
		*err = xstrdup("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV UTF-8");
		return -1;
	}
	return csv_read(data, n, lim, fn, ctx, err);
}
