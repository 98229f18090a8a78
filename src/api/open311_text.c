/*
 * open311_text.c — the few pieces of text an Open311 submission needs that
 * the client does not send as such: the matter's title (the ledger wants
 * one; GeoReport has none), the submitter's name from first_name and
 * last_name, the other contact from email, device_id and account_id, and a
 * service's keywords as the spec's comma list. Pure functions: no request,
 * no database; unit-tested in tests/unit/test_open311.c.
 */
#include "api/open311_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/util.h"

/* Is c ASCII white space? */
static bool ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* The first line of s that is not blank, trimmed of ASCII blanks and the
 * ideographic space, tabs made spaces (the title is one line). */
static char *first_line(const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, "\n");
		char *line = xstrndup(s, n);
		for (char *p = line; *p; p++)
			if (*p == '\t' || *p == '\r' || *p == '\f' || *p == '\v')
				*p = ' ';
		if (!utf8_blank(line)) {
			char *a = line;
			while (ascii_space(*a) || strncmp(a, "\xe3\x80\x80", 3) == 0)
				a += ascii_space(*a) ? 1 : 3;
			size_t k = strlen(a);
			while (k && ascii_space(a[k - 1]))
				k--;
			while (k >= 3 && strncmp(a + k - 3, "\xe3\x80\x80", 3) == 0)
				k -= 3;
			char *out = xstrndup(a, k);
			free(line);
			return out;
		}
		free(line);
		s += n;
		if (*s == '\n')
			s++;
	}
	return NULL;
}

char *o311_title(const char *description, const char *service_name)
{
	char *line = first_line(description);
	if (!line || !utf8_valid(line, strlen(line))) {
		free(line);
		return xstrdup(service_name ? service_name : "");
	}
	/* Why a character boundary: a title cut inside a UTF-8 sequence is
	 * not text any more, and the ledger would refuse it. */
	line[utf8_truncate(line, strlen(line), O311_TITLE_MAX)] = '\0';
	return line;
}

/* Is the last character of s, or the first of t, outside ASCII? */
static bool cjk_join(const char *s, const char *t)
{
	return (unsigned char)s[strlen(s) - 1] >= 0x80 && (unsigned char)t[0] >= 0x80;
}

char *o311_person_name(const char *last_name, const char *first_name)
{
	bool l = !str_empty(last_name), f = !str_empty(first_name);
	if (!l && !f)
		return NULL;
	if (!l || !f)
		return xstrdup(l ? last_name : first_name);
	/* Why family name first: the ledger is read in Chinese, where 王 芳
	 * is written 王芳; Latin names keep a space between their parts. */
	return str_printf(cjk_join(last_name, first_name) ? "%s%s" : "%s %s", last_name,
			  first_name);
}

char *o311_contact(const char *email, const char *device_id, const char *account_id)
{
	static const char *const labels[] = {"邮箱", "设备", "账号"};
	const char *values[] = {email, device_id, account_id};
	buf b = BUF_INIT;
	for (size_t i = 0; i < ARRAY_LEN(values); i++) {
		if (str_empty(values[i]))
			continue;
		buf_printf(&b, "%s%s %s", b.len ? "; " : "", labels[i], values[i]);
	}
	return b.len ? buf_steal(&b) : NULL;
}

char *o311_keywords(const char *space_separated)
{
	buf b = BUF_INIT;
	const char *s = space_separated ? space_separated : "";
	while (*s) {
		size_t skip = strspn(s, " \t");
		s += skip;
		size_t n = strcspn(s, " \t");
		if (n == 0)
			break;
		if (b.len)
			buf_puts(&b, ", ");
		buf_append(&b, s, n);
		s += n;
	}
	return buf_steal(&b);
}
