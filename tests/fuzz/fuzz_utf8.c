/*
 * fuzz_utf8.c — fuzz target "utf8": strict UTF-8 validation, counting and
 * cutting (base/utf8.c).
 *
 * utf8_valid() is checked against a second, deliberately plain decoder
 * written from RFC 3629's table of well-formed byte sequences; the cutting
 * helpers must return prefixes that fit and, on valid text, never end
 * inside a character. The input's first byte picks the limits.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* RFC 3629, section 4: the well-formed sequences, byte by byte. Also no
 * NUL, as utf8.h asks. Returns the number of code points, or -1. */
static long reference_count(const unsigned char *s, size_t n)
{
	long count = 0;
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t len;
		unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */
		if (c == 0x00)
			return -1;
		if (c <= 0x7f)
			len = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c == 0xe0)
			len = 3, lo = 0xa0;
		else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
			len = 3;
		else if (c == 0xed)
			len = 3, hi = 0x9f;
		else if (c == 0xf0)
			len = 4, lo = 0x90;
		else if (c >= 0xf1 && c <= 0xf3)
			len = 4;
		else if (c == 0xf4)
			len = 4, hi = 0x8f;
		else
			return -1;
		if (n - i < len)
			return -1;
		for (size_t k = 1; k < len; k++) {
			unsigned char b = s[i + k];
			if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf))
				return -1;
		}
		i += len;
		count++;
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t limit = size ? data[0] : 0;
	const char *s = (const char *)data;
	long ref = reference_count(data, size);
	bool valid = utf8_valid(s, size);
	FUZZ_CHECK(valid == (ref >= 0));
	size_t count = utf8_count(s, size);
	FUZZ_CHECK(count <= size);
	if (valid)
		FUZZ_CHECK(count == (size_t)ref);

	size_t t = utf8_truncate(s, size, limit);
	FUZZ_CHECK(t <= size);
	if (valid) {
		FUZZ_CHECK(utf8_valid(s, t));
		FUZZ_CHECK(utf8_count(s, t) == (limit < count ? limit : count));
	}
	size_t c = utf8_cut_bytes(s, size, limit);
	FUZZ_CHECK(c <= size && c <= limit);
	if (valid) {
		FUZZ_CHECK(utf8_valid(s, c));
		/* the longest such prefix: one more character would not fit */
		FUZZ_CHECK(c == size || c + utf8_truncate(s + c, size - c, 1) > limit);
	}
	char *z = fuzz_cstr(data, size);
	bool blank = utf8_blank(z);
	if (blank)
		FUZZ_CHECK(strspn(z, " \t\r\n\v\f\xe3\x80") == strlen(z));
	free(z);
	return 0;
}
