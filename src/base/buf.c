/*
 * buf.c — the growable buffer and its printf dialect (see buf.h).
 */
#include "base/buf.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_grow(buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->data[b->len] = '\0';
	b->cap = cap;
}

void buf_append(buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(buf *b, const char *s)
{
	if (s)
		buf_append(b, s, strlen(s));
}

void buf_putc(buf *b, char c)
{
	buf_append(b, &c, 1);
}

void buf_html(buf *b, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_append(b, run, (size_t)(s - run));
		buf_puts(b, rep);
		run = s + 1;
	}
	buf_append(b, run, (size_t)(s - run));
}

void buf_url(buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c == '~') {
			buf_putc(b, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_append(b, e, 3);
		}
	}
}

/* Copy one numeric conversion spec (flags, width, precision, length,
 * conversion) into spec and format it with the C library. Returns the
 * pointer after the spec. */
static const char *format_number(buf *b, const char *f, va_list *ap)
{
	char spec[32];
	size_t n = 0;
	spec[n++] = '%';
	while (*f && strchr("-+ #0", *f) && n < 20)
		spec[n++] = *f++;
	while (*f >= '0' && *f <= '9' && n < 24)
		spec[n++] = *f++;
	if (*f == '.') {
		spec[n++] = *f++;
		while (*f >= '0' && *f <= '9' && n < 27)
			spec[n++] = *f++;
	}
	int longs = 0, size_t_len = 0;
	while (*f == 'l' && longs < 2) {
		spec[n++] = *f++;
		longs++;
	}
	if (*f == 'z') {
		spec[n++] = *f++;
		size_t_len = 1;
	}
	char conv = *f;
	if (!conv)
		return f;
	spec[n++] = conv;
	spec[n] = '\0';
	char tmp[128];
	int w = 0;
	switch (conv) {
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
		if (size_t_len)
			w = snprintf(tmp, sizeof tmp, spec, va_arg(*ap, size_t));
		else if (longs == 2)
			w = snprintf(tmp, sizeof tmp, spec, va_arg(*ap, long long));
		else if (longs == 1)
			w = snprintf(tmp, sizeof tmp, spec, va_arg(*ap, long));
		else
			w = snprintf(tmp, sizeof tmp, spec, va_arg(*ap, int));
		break;
	case 's': {
		/* A string with width or precision, e.g. %-12s: bytes, not columns. */
		const char *str = va_arg(*ap, const char *);
		int need = snprintf(NULL, 0, spec, str ? str : "");
		if (need > 0) {
			buf_grow(b, (size_t)need);
			snprintf(b->data + b->len, (size_t)need + 1, spec, str ? str : "");
			b->len += (size_t)need;
		}
		return f + 1;
	}
	case 'f': case 'g': case 'e':
		w = snprintf(tmp, sizeof tmp, spec, va_arg(*ap, double));
		break;
	default:
		/* Unknown conversion: write it literally so the bug is visible. */
		w = snprintf(tmp, sizeof tmp, "%s", spec);
		break;
	}
	if (w > 0)
		buf_append(b, tmp, (size_t)w < sizeof tmp ? (size_t)w : sizeof tmp - 1);
	return f + 1;
}

void buf_vprintf(buf *b, const char *fmt, va_list ap0)
{
	va_list ap;
	va_copy(ap, ap0);
	const char *f = fmt;
	while (*f) {
		const char *pct = strchr(f, '%');
		if (!pct) {
			buf_puts(b, f);
			break;
		}
		buf_append(b, f, (size_t)(pct - f));
		f = pct + 1;
		switch (*f) {
		case 's': buf_puts(b, va_arg(ap, const char *)); f++; break;
		case 'h': buf_html(b, va_arg(ap, const char *)); f++; break;
		case 'u': buf_url(b, va_arg(ap, const char *)); f++; break;
		case 'c': buf_putc(b, (char)va_arg(ap, int)); f++; break;
		case '%': buf_putc(b, '%'); f++; break;
		case '\0': buf_putc(b, '%'); break;
		default: f = format_number(b, f, &ap); break;
		}
	}
	va_end(ap);
}

void buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *buf_steal(buf *b)
{
	char *s = b->data ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

const char *buf_str(const buf *b)
{
	return b->data ? b->data : "";
}

char *str_printf(const char *fmt, ...)
{
	buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_steal(&b);
}
