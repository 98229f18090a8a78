/*
 * form.h — parsing what browsers and clients send: query strings,
 * application/x-www-form-urlencoded and multipart/form-data bodies, and the
 * Cookie header.
 *
 * Pure functions over a buffer, so every rule is unit-tested without a
 * server. Names and values that come out are NUL-terminated, valid UTF-8 and
 * contain no NUL byte (the kvlist contract in http.h); uploaded file
 * contents are kept as sent, binary and all.
 */
#ifndef TZ_HTTP_FORM_H
#define TZ_HTTP_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "http/http.h"

/* Why a limit: each field costs an allocation; a request with millions of
 * tiny fields must not cost the server more than its size suggests. */
#define FORM_MAX_FIELDS 1000

enum form_error {
	FORM_OK = 0,
	FORM_BAD_ESCAPE = -1,  /* '%' not followed by two hex digits */
	FORM_BAD_UTF8 = -2,    /* a name or value is not valid UTF-8 */
	FORM_NUL = -3,         /* a NUL byte (raw or %00) in a name or value */
	FORM_NO_BOUNDARY = -4, /* multipart Content-Type without a usable boundary */
	FORM_TRUNCATED = -5,   /* multipart body ends before its closing boundary */
	FORM_BAD_PART = -6,    /* multipart part with malformed headers or no name */
	FORM_TOO_MANY = -7,    /* more than FORM_MAX_FIELDS fields */
};

/* A short Chinese sentence for the user about error `err` (a form_error),
 * fit for a 400 page. Never mentions the input. */
const char *form_strerror(int err);

/* Percent-decode the n bytes at s, appending to out; with plus_is_space a
 * '+' becomes a space (query strings and urlencoded bodies; not paths).
 * Returns FORM_OK, or FORM_BAD_ESCAPE, FORM_NUL or FORM_BAD_UTF8 (the
 * decoded text is checked); out may hold partial output after an error. */
int form_url_decode(const char *s, size_t n, bool plus_is_space, buf *out);

/* Parse an application/x-www-form-urlencoded body (n bytes at s) into out,
 * in order. "a&&b" skips the empty piece; "a" alone is a with value "".
 * Returns FORM_OK or a negative form_error; on error nothing is added. */
int form_parse_urlencoded(const char *s, size_t n, kvlist *out);

/* Parse a query string (the part after '?'; NULL or "" is empty) the same
 * way. Returns FORM_OK or a negative form_error; on error nothing is
 * added. */
int form_parse_query(const char *query, kvlist *out);

/* Is the media type of a Content-Type header value `media` (e.g.
 * "multipart/form-data"), ignoring case and parameters? */
bool form_is_type(const char *content_type, const char *media);

/* Parse a multipart/form-data body (n bytes at body) whose Content-Type
 * header value is content_type (the boundary comes from it, quoted or not).
 * Parts with a filename become uploads appended to *uploads / *nuploads
 * (the caller frees them with form_uploads_free), other parts text fields
 * appended to fields. A file input left empty (filename "" and no bytes) is
 * skipped. Returns FORM_OK or a negative form_error; on error nothing is
 * added. */
int form_parse_multipart(const char *content_type, const char *body, size_t n,
			 kvlist *fields, upload **uploads, size_t *nuploads);

/* Free n uploads and the array itself. NULL-safe. */
void form_uploads_free(upload *uploads, size_t n);

/* Parse a Cookie header ("a=1; b=2") into out. Values are not
 * percent-decoded; surrounding double quotes are removed. Returns the
 * number of malformed pairs skipped (no '=', empty name, not UTF-8): why
 * lenient: a stray cookie set by another application on the same host must
 * not lock a visitor out of every page. */
int form_parse_cookies(const char *header, kvlist *out);

#endif
