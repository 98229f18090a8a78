/*
 * csv_read.c — the RFC 4180 reader behind csv_read.h: one pass over the
 * bytes with a small state machine (the separators are ASCII, so UTF-8
 * text passes through untouched), cells collected in bufs, each record
 * handed to the caller as it ends.
 */
#include "report/csv_read.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/util.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

bool csv_looks_gb18030(const char *data, size_t n)
{
	if (memchr(data, '\0', n))
		return false;
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return false;
	char out[4096];
	char *in = (char *)data;
	size_t left = n;
	bool ok = true;
	while (left > 0 && ok) {
		char *o = out;
		size_t room = sizeof out;
		if (iconv(cd, &in, &left, &o, &room) == (size_t)-1 && errno != E2BIG)
			ok = false;
	}
	iconv_close(cd);
	return ok;
}

/* The reader's state between bytes. */
typedef struct csv_state {
	const sheet_limits *lim;
	sheet_row_fn fn;
	void *ctx;
	buf *cells; /* [lim->max_cols] */
	size_t ncells;
	int64_t row;
	char **err;
} csv_state;

static int fail(csv_state *s, const char *what)
{
	*s->err = str_printf("第%lld行：%s", (long long)s->row, what);
	return -1;
}

/* The current cell is complete: check its length and start the next. */
static int end_cell(csv_state *s)
{
	buf *c = &s->cells[s->ncells];
	if (utf8_count(buf_str(c), c->len) > s->lim->max_cell_chars)
		return fail(s, "单元格超过32767个字符");
	if (s->ncells + 1 > s->lim->max_cols)
		return fail(s, "列数太多");
	s->ncells++;
	buf_reset(&s->cells[s->ncells]);
	return 0;
}

/* The record is complete: hand it over unless it is blank. */
static int end_row(csv_state *s)
{
	int rc = end_cell(s);
	if (rc)
		return rc;
	if (s->row > (int64_t)s->lim->max_rows)
		return fail(s, "行数太多");
	bool blank = true;
	for (size_t i = 0; i < s->ncells && blank; i++)
		blank = s->cells[i].len == 0;
	if (!blank) {
		char **v = xcalloc(s->ncells, sizeof *v);
		for (size_t i = 0; i < s->ncells; i++)
			v[i] = (char *)buf_str(&s->cells[i]);
		rc = s->fn(s->ctx, s->row, v, s->ncells);
		free(v);
	}
	s->ncells = 0;
	buf_reset(&s->cells[0]);
	s->row++;
	return rc;
}

/* The separator: a tab when the first line has tabs and no commas. */
static char sniff_separator(const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);
	size_t len = nl ? (size_t)(nl - p) : n;
	return memchr(p, ',', len) == NULL && memchr(p, '\t', len) != NULL ? '\t' : ',';
}

static int encoding_error(const char *p, size_t n, char **err)
{
	if (n >= 2 && (((unsigned char)p[0] == 0xFF && (unsigned char)p[1] == 0xFE) ||
		       ((unsigned char)p[0] == 0xFE && (unsigned char)p[1] == 0xFF)))
		*err = xstrdup("文件是 UTF-16 编码，不是 UTF-8 编码，请在 Excel 中另存为 CSV UTF-8");
	else if (csv_looks_gb18030(p, n))
		*err = xstrdup("文件不是 UTF-8 编码（看起来是 GBK/GB18030），"
			       "请在 Excel 中另存为 CSV UTF-8");
	else
		*err = xstrdup("文件不是 UTF-8 编码，请在 Excel 中另存为 CSV UTF-8");
	return -1;
}

/* Nothing but blanks and newlines (or nothing at all)? */
static bool all_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", p[i]) || p[i] == '\0')
			return false;
	return true;
}

enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED };

/* One byte through the state machine. */
static int step(csv_state *s, int *st, char sep, char ch, char next)
{
	buf *c = &s->cells[s->ncells];
	size_t cap = s->lim->max_cell_chars * 4;
	switch (*st) {
	case QUOTE_IN_QUOTED:
		if (ch == '"') {
			buf_putc(c, '"');
			*st = QUOTED;
			return 0;
		}
		if (ch != sep && ch != '\n' && ch != '\r')
			return fail(s, "引号后面只能是逗号或换行");
		/* The closing quote ended the field. */
		/* fall through */
	case FIELD_START:
	case UNQUOTED:
		if (ch == sep) {
			*st = FIELD_START;
			return end_cell(s);
		}
		if (ch == '\r' && next == '\n')
			return 0;
		if (ch == '\n' || ch == '\r') {
			*st = FIELD_START;
			return end_row(s);
		}
		if (ch == '"' && *st == FIELD_START) {
			*st = QUOTED;
			return 0;
		}
		*st = UNQUOTED;
		break;
	case QUOTED:
		if (ch == '"') {
			*st = QUOTE_IN_QUOTED;
			return 0;
		}
		break;
	}
	if (c->len >= cap)
		return fail(s, "单元格超过32767个字符");
	buf_putc(c, ch);
	return 0;
}

int csv_read(const char *data, size_t n, const sheet_limits *lim, sheet_row_fn fn, void *ctx,
	     char **err)
{
	sheet_limits dflt = sheet_default_limits();
	if (!lim)
		lim = &dflt;
	if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		n -= 3;
	}
	if (all_space(data, n)) {
		*err = xstrdup("文件是空的");
		return -1;
	}
	if (!utf8_valid(data, n))
		return encoding_error(data, n, err);
	csv_state s = {lim, fn, ctx, xcalloc(lim->max_cols + 1, sizeof(buf)), 0, 1, err};
	char sep = sniff_separator(data, n);
	int st = FIELD_START, rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		rc = step(&s, &st, sep, data[i], i + 1 < n ? data[i + 1] : '\0');
	if (!rc && st == QUOTED)
		rc = fail(&s, "引号不成对（从这一行开始的引号没有结束）");
	else if (!rc && (st != FIELD_START || s.ncells > 0))
		rc = end_row(&s);
	for (size_t i = 0; i <= lim->max_cols; i++)
		buf_free(&s.cells[i]);
	free(s.cells);
	return rc;
}
