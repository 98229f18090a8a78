/*
 * utf8.c — strict UTF-8 validation, counting and cutting (see utf8.h).
 *
 * The validator follows the table of well-formed byte sequences in the
 * Unicode Standard (chapter 3, table 3-7): the second byte's allowed range
 * depends on the first byte, which is what rules out overlong forms,
 * surrogates and code points above U+10FFFF.
 */
#include "base/utf8.h"

/* Is c a continuation byte (10xxxxxx)? */
static bool is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	*cp = UTF8_BAD;
	if (n == 0)
		return 0;
	unsigned char c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of byte 2 */
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong below U+0800 */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates U+D800..U+DFFF */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong below U+10000 */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 1; /* stray continuation, C0/C1 overlong, F5..FF */
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 1;
	uint32_t v = c & (0xFF >> (len + 1));
	for (size_t k = 1; k < len; k++) {
		if (!is_cont(p[k]))
			return 1;
		v = (v << 6) | (p[k] & 0x3F);
	}
	*cp = v;
	return len;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

bool utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		i += utf8_decode(s + i, n - i, &cp);
		/* Why: a NUL inside text would cut it short in every C string
		 * function downstream, hiding what follows. */
		if (cp == UTF8_BAD || cp == 0)
			return false;
	}
	return true;
}

size_t utf8_count(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (!is_cont(p[i]))
			count++;
	return count;
}

size_t utf8_truncate(const char *s, size_t n, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_cont(p[i])) {
			if (chars == max_chars)
				return i;
			chars++;
		}
	}
	return n;
}

size_t utf8_cut_bytes(const char *s, size_t n, size_t max_bytes)
{
	const unsigned char *p = (const unsigned char *)s;
	if (n <= max_bytes)
		return n;
	/* Back up from the cut to the start of the sequence it falls in. */
	size_t cut = max_bytes;
	while (cut > 0 && is_cont(p[cut]))
		cut--;
	return cut;
}

bool utf8_blank(const char *s)
{
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
			s++;
		else if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
			 (unsigned char)s[2] == 0x80)
			s += 3;
		else
			return false;
	}
	return true;
}
