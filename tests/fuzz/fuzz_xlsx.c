/*
 * fuzz_xlsx.c — fuzz target "xlsx": the .xlsx reader of the import
 * (report/xlsx_read.c: minizip and expat on untrusted bytes).
 *
 * The input is the file. Limits are smaller than the defaults (8 MB
 * unpacked, 2 MB per part, 1000 characters a cell, 64 columns, 1000 rows)
 * so that a zip bomb is cut off quickly. Checks: the reader succeeds, or
 * fails with a message that is valid UTF-8, or returns what the callback
 * answered; every row has 1..64 cells of valid UTF-8 within the cell
 * limit; the row count stays within the limit. ASan catches what minizip,
 * expat or our handlers do wrong with memory.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "report/xlsx_read.h"

typedef struct seen {
	const sheet_limits *lim;
	size_t rows;
} seen;

static int check_row(void *ctx, int64_t row, char **cells, size_t n)
{
	seen *s = ctx;
	FUZZ_CHECK(row >= 1 && row <= 1048576);
	FUZZ_CHECK(n >= 1 && n <= s->lim->max_cols);
	FUZZ_CHECK(++s->rows <= s->lim->max_rows);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(cells[i]);
		FUZZ_CHECK(utf8_valid(cells[i], len));
		FUZZ_CHECK(utf8_count(cells[i], len) <= s->lim->max_cell_chars);
	}
	/* Stop at row 900 now and then, to exercise stopping mid-part. */
	return s->rows == 900 ? 5 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sheet_limits lim = {1000, 64, 1000, 8u * 1024 * 1024, 2u * 1024 * 1024};
	seen s = {&lim, 0};
	char *err = NULL;
	int rc = xlsx_read(data, size, &lim, check_row, &s, &err);
	FUZZ_CHECK(rc == 0 || rc == -1 || rc == 5);
	FUZZ_CHECK((rc == -1) == (err != NULL));
	if (err)
		FUZZ_CHECK(utf8_valid(err, strlen(err)));
	free(err);
	return 0;
}
