/*
 * export_csv.c — the CSV writer of the export: UTF-8 with a byte order mark
 * (without it Excel reads the Chinese as GBK and shows mojibake), CRLF line
 * ends and RFC 4180 quoting, one buffered row at a time.
 *
 * Spreadsheet formula injection: a resident writes the title, so a cell
 * that starts with = + - @ TAB or CR would run as a formula when an office
 * opens the file; such a cell gets a leading ' (OWASP's advice), which the
 * spreadsheet shows as text.
 */
#include "report/export_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/calendar.h"

struct csv_writer {
	FILE *f;
	size_t ncols;
	enum export_type types[32];
	buf line;
};

void export_csv_field(buf *out, const char *text)
{
	const char *s = text ? text : "";
	/* Why: see the top of the file; a formula in a resident's text must
	 * stay text in the office's spreadsheet. */
	bool formula = *s && strchr("=+-@\t\r", *s);
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_putc(out, '"');
	if (formula)
		buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(out, '"');
		buf_putc(out, *s);
	}
	if (quote)
		buf_putc(out, '"');
}

csv_writer *csv_open(const char *path, const export_column *const *cols, size_t ncols,
		     char **err)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		*err = str_printf("cannot create %s: %s", path, strerror(errno));
		return NULL;
	}
	csv_writer *w = xcalloc(1, sizeof *w);
	w->f = f;
	w->ncols = ncols < ARRAY_LEN(w->types) ? ncols : ARRAY_LEN(w->types);
	buf_puts(&w->line, "\xEF\xBB\xBF");
	for (size_t i = 0; i < w->ncols; i++) {
		w->types[i] = cols[i]->type;
		if (i)
			buf_putc(&w->line, ',');
		export_csv_field(&w->line, cols[i]->header);
	}
	buf_puts(&w->line, "\r\n");
	return w;
}

/* Append one cell of type t to the line. */
static void csv_cell(buf *b, enum export_type t, const export_cell *c)
{
	char when[20];
	switch (t) {
	case EXPORT_INT:
		buf_printf(b, "%lld", (long long)c->value);
		break;
	case EXPORT_DATETIME:
		if (c->value) {
			export_format_datetime(c->value, when);
			buf_puts(b, when);
		}
		break;
	case EXPORT_DATE:
		if (c->text && calendar_date_valid(c->text))
			buf_puts(b, c->text);
		break;
	default:
		export_csv_field(b, c->text);
	}
}

int csv_row(csv_writer *w, const export_cell *cells)
{
	for (size_t i = 0; i < w->ncols; i++) {
		if (i)
			buf_putc(&w->line, ',');
		csv_cell(&w->line, w->types[i], &cells[i]);
	}
	buf_puts(&w->line, "\r\n");
	/* Rows go out in blocks of about 64 KiB: fewer writes, bounded memory. */
	if (w->line.len < 65536)
		return 0;
	size_t n = fwrite(w->line.data, 1, w->line.len, w->f);
	bool ok = n == w->line.len;
	buf_reset(&w->line);
	return ok ? 0 : -1;
}

int csv_close(csv_writer *w, char **err)
{
	if (!w)
		return 0;
	int rc = 0;
	if (w->line.len && fwrite(w->line.data, 1, w->line.len, w->f) != w->line.len)
		rc = -1;
	if (fflush(w->f) != 0 || ferror(w->f))
		rc = -1;
	if (fclose(w->f) != 0)
		rc = -1;
	if (rc < 0 && err)
		*err = str_printf("cannot write the CSV file: %s", strerror(errno));
	buf_free(&w->line);
	free(w);
	return rc;
}
