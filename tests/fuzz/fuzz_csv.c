/*
 * fuzz_csv.c — fuzz target "csv": the CSV reader of the import
 * (report/csv_read.c).
 *
 * The input's first byte picks small limits (cell length, columns, rows)
 * so they are reached; the rest is the file. Checks: the reader either
 * succeeds or fails with a message that is valid UTF-8; every row it
 * delivers has 1..max_cols cells of valid UTF-8 within the cell limit,
 * with row numbers increasing and at most max_rows of them; and
 * sheet_read() (which picks the reader by the first bytes) agrees with
 * csv_read() on anything that does not start like a zip or .xls file.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "report/csv_read.h"
#include "report/sheet.h"

typedef struct seen {
	const sheet_limits *lim;
	int64_t last_row;
	size_t rows;
	uint64_t digest;
} seen;

static int check_row(void *ctx, int64_t row, char **cells, size_t n)
{
	seen *s = ctx;
	FUZZ_CHECK(row > s->last_row);
	FUZZ_CHECK(n >= 1 && n <= s->lim->max_cols);
	s->last_row = row;
	s->rows++;
	FUZZ_CHECK(s->rows <= s->lim->max_rows);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(cells[i]);
		FUZZ_CHECK(utf8_valid(cells[i], len));
		FUZZ_CHECK(utf8_count(cells[i], len) <= s->lim->max_cell_chars);
		for (size_t j = 0; j < len; j++)
			s->digest = s->digest * 131 + (unsigned char)cells[i][j];
		s->digest = s->digest * 131 + 0x1f;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	sheet_limits lim = sheet_default_limits();
	lim.max_cell_chars = 1 + data[0] % 64;
	lim.max_cols = 1 + (data[0] >> 3) % 8;
	lim.max_rows = 1 + data[0] % 16;
	const char *text = (const char *)data + 1;
	size_t n = size - 1;
	seen a = {&lim, 0, 0, 0}, b = {&lim, 0, 0, 0};
	char *err_a = NULL, *err_b = NULL;
	int ra = csv_read(text, n, &lim, check_row, &a, &err_a);
	FUZZ_CHECK(ra == 0 || ra == -1);
	FUZZ_CHECK((ra == -1) == (err_a != NULL));
	if (err_a)
		FUZZ_CHECK(utf8_valid(err_a, strlen(err_a)));
	bool other = n == 0 || sheet_is_zip(text, n) ||
		     (n >= 8 && memcmp(text, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0);
	if (!other) {
		int rb = sheet_read(text, n, &lim, check_row, &b, &err_b);
		FUZZ_CHECK(rb == ra && a.rows == b.rows && a.digest == b.digest);
	}
	free(err_a);
	free(err_b);
	return 0;
}
