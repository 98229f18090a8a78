/*
 * buf.h — the one growable byte buffer, and the one formatting printf.
 *
 * Everything built from data (HTML, JSON text, SQL results joined for
 * display, HTTP bodies) is built in a `buf`. The buffer always keeps a
 * terminating NUL after `len` bytes, so `b.data` is a C string whenever the
 * content has no embedded NUL.
 *
 * buf_printf() understands a small printf dialect (after Fossil's printf.c):
 *   %s   a C string, written as is: only for literals and already-rendered
 *        fragments (NULL prints nothing)
 *   %h   a C string, HTML-escaped: < > & " ' become entities (NULL: nothing)
 *   %u   a C string, URL-encoded (RFC 3986 unreserved kept)
 *   %c   one byte
 *   %d %i %ld %lld %zu %lu %x with flags/width, %f %.1f etc.: numbers (a bare
 *        %u is URL-encoding; %zu and %lu are unsigned numbers),
 *        formatted as the C library does
 *   %%   a percent sign
 * The compiler cannot check this dialect, so keep format strings literal.
 */
#ifndef TZ_BASE_BUF_H
#define TZ_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char *data; /* owned; NUL-terminated after len bytes; NULL when empty-new */
	size_t len;
	size_t cap;
} buf;

#define BUF_INIT {NULL, 0, 0}

/* Make sure `extra` more bytes (plus the NUL) fit. Aborts on out-of-memory. */
void buf_grow(buf *b, size_t extra);
/* Append `n` bytes. */
void buf_append(buf *b, const void *p, size_t n);
/* Append a C string (NULL appends nothing). */
void buf_puts(buf *b, const char *s);
/* Append one byte. */
void buf_putc(buf *b, char c);
/* Append formatted text in the dialect above. */
void buf_printf(buf *b, const char *fmt, ...);
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Append `s` HTML-escaped / URL-encoded. */
void buf_html(buf *b, const char *s);
void buf_url(buf *b, const char *s);
/* Empty the buffer, keeping its memory. */
void buf_reset(buf *b);
/* Release the memory; the buffer is empty and reusable afterwards. */
void buf_free(buf *b);
/* Hand the content to the caller (free() it); the buffer becomes empty.
 * Never returns NULL: an empty buffer yields "". */
char *buf_steal(buf *b);
/* The content as a C string; "" for a never-written buffer. Valid until the
 * next write. */
const char *buf_str(const buf *b);

/* Format into a new heap string (caller frees). */
char *str_printf(const char *fmt, ...);

#endif
