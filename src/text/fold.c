/*
 * fold.c — the search form of text, one code point at a time (fold.h).
 */
#include "text/fold.h"
#include "base/utf8.h"

#include <stdbool.h>
#include <string.h>

#include "text/t2s_table.h"

#define NPAIRS (sizeof t2s_table / sizeof t2s_table[0])

static uint32_t simplified(uint32_t c)
{
	size_t lo = 0, hi = NPAIRS;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t2s_table[mid][0] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < NPAIRS && t2s_table[lo][0] == c ? t2s_table[lo][1] : c;
}

/* Upper → lower case for the alphabets residents type: ASCII, Latin-1,
 * Greek and Cyrillic (pinyin with tone marks, 'Ｗｉ-Ｆｉ', 'ДНК'). */
static uint32_t lower(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
	    (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) || (c >= 0x410 && c <= 0x42F))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40F)
		return c + 0x50;
	/* Latin Extended-A pairs upper/lower as even/odd (ā, ǎ come from
	 * Latin Extended-B: 0x1CD..0x1DC pair odd/even). */
	if (c >= 0x100 && c <= 0x137 && !(c & 1))
		return c + 1;
	if (c >= 0x1CD && c <= 0x1DC && (c & 1))
		return c + 1;
	return c;
}

uint32_t fold_cp(uint32_t c)
{
	if (c == 0x3000) /* ideographic space */
		return ' ';
	if (c >= 0xFF01 && c <= 0xFF5E) /* full-width ASCII */
		c -= 0xFEE0;
	if (c < 0x2E80)
		return lower(c);
	return simplified(c);
}

static bool in(uint32_t c, uint32_t lo, uint32_t hi)
{
	return c >= lo && c <= hi;
}

enum fold_class fold_class(uint32_t c)
{
	if (c < 0x80)
		return (in(c, '0', '9') || in(c, 'a', 'z') || in(c, 'A', 'Z')) ? FOLD_WORD : FOLD_SEP;
	if (c == 0x3005 || c == 0x3007) /* 々 〇 */
		return FOLD_CJK;
	if (in(c, 0x80, 0xBF) || c == 0xD7 || c == 0xF7 || in(c, 0x2000, 0x2BFF) ||
	    in(c, 0x2E00, 0x2E7F) || in(c, 0x3000, 0x303F) || in(c, 0xD800, 0xF8FF) ||
	    in(c, 0xFE10, 0xFE6F) || in(c, 0xFF00, 0xFF65) || in(c, 0xFFF0, 0xFFFF) ||
	    in(c, 0x1F000, 0x1FAFF) || c > 0x10FFFF)
		return FOLD_SEP;
	if (in(c, 0x2E80, 0x2FDF) || in(c, 0x3040, 0x312F) || in(c, 0x3400, 0x4DBF) ||
	    in(c, 0x4E00, 0x9FFF) || in(c, 0xAC00, 0xD7AF) || in(c, 0xF900, 0xFAFF) ||
	    in(c, 0x20000, 0x3134F))
		return FOLD_CJK;
	return FOLD_WORD;
}

static bool is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

int fold_next(const char *s, size_t n, size_t *pos, fold_char *out)
{
	if (*pos >= n)
		return 0;
	uint32_t c;
	size_t len = utf8_decode(s + *pos, n - *pos, &c);
	out->start = *pos;
	out->end = *pos + len;
	out->cp = c == UTF8_BAD ? ' ' : fold_cp(c);
	out->cls = c == UTF8_BAD ? FOLD_SEP : fold_class(out->cp);
	*pos += len;
	/* A decimal point joins the digits around it: 2.5, not 2 and 5. */
	if (out->cp == '.' && out->start > 0 && *pos < n) {
		uint32_t prev, next;
		size_t back = out->start - 1;
		while (back > 0 && ((unsigned char)s[back] & 0xC0) == 0x80)
			back--;
		utf8_decode(s + back, out->start - back, &prev);
		utf8_decode(s + *pos, n - *pos, &next);
		if (is_digit(fold_cp(prev)) && is_digit(fold_cp(next)))
			out->cls = FOLD_WORD;
	}
	return 1;
}

void fold_append(buf *out, const char *s, size_t n)
{
	size_t pos = 0, mark = out->len;
	bool gap = false;
	fold_char fc;
	while (fold_next(s, n, &pos, &fc)) {
		if (fc.cls == FOLD_SEP) {
			gap = out->len > mark;
			continue;
		}
		if (gap)
			buf_putc(out, ' ');
		gap = false;
		char u[4];
		buf_append(out, u, utf8_encode(fc.cp, u));
	}
}

char *fold_text(const char *s)
{
	buf b = BUF_INIT;
	fold_append(&b, s, strlen(s));
	return buf_steal(&b);
}
