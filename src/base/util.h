/*
 * util.h — allocation that never returns NULL, small string helpers and the
 * error log with file and line.
 *
 * Out of memory is not an error the program can handle meaningfully in the
 * middle of a request, so the x* allocators log and abort instead of
 * returning NULL; callers never check.
 */
#ifndef TZ_BASE_UTIL_H
#define TZ_BASE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Copy of s (NULL gives NULL). Caller frees. */
char *xstrdup(const char *s);
/* Copy of the first n bytes of s, NUL-terminated. Caller frees. */
char *xstrndup(const char *s, size_t n);

/* True when s is NULL or "". */
bool str_empty(const char *s);
/* strcmp that treats NULL as "". */
int str_cmp0(const char *a, const char *b);
/* Parse a whole decimal integer (optional sign, no spaces, no trailing text).
 * Returns false and leaves *out untouched on anything else or overflow. */
bool str_to_i64(const char *s, int64_t *out);

/* Logging: one line to stderr with time, level, file and line. Never pass a
 * resident's personal data to these. */
void log_msg(const char *level, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define log_error(...) log_msg("error", __FILE__, __LINE__, __VA_ARGS__)
#define log_warn(...) log_msg("warn", __FILE__, __LINE__, __VA_ARGS__)
#define log_info(...) log_msg("info", __FILE__, __LINE__, __VA_ARGS__)
/* Silence info lines (tests, CLI tools). */
void log_set_quiet(bool quiet);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
