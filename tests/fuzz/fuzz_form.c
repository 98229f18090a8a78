/*
 * fuzz_form.c — fuzz target "form": application/x-www-form-urlencoded
 * bodies, query strings and percent-decoding (http/form.c).
 *
 * The input is a body as a browser posts it. Checks: a parse either adds
 * every field or none; every name and value that comes out is valid UTF-8
 * without NUL; a body without NUL bytes parses the same as a query string;
 * and fields written back with %u (buf.c's URL encoder) parse to the same
 * fields again.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "base/util.h"
#include "http/form.h"

/* Every field valid text, at most FORM_MAX_FIELDS of them. */
static void check_fields(const kvlist *l)
{
	FUZZ_CHECK(l->n <= FORM_MAX_FIELDS);
	for (size_t i = 0; i < l->n; i++) {
		FUZZ_CHECK(utf8_valid(l->items[i].name, strlen(l->items[i].name)));
		FUZZ_CHECK(utf8_valid(l->items[i].value, strlen(l->items[i].value)));
	}
}

/* Are the two lists the same fields in the same order? */
static bool same_fields(const kvlist *a, const kvlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->items[i].name, b->items[i].name) != 0 ||
		    strcmp(a->items[i].value, b->items[i].value) != 0)
			return false;
	return true;
}

/* Decode alone, both ways: on success, text no longer than the input. */
static void check_decode(const char *s, size_t n, bool plus_is_space)
{
	buf out = BUF_INIT;
	if (form_url_decode(s, n, plus_is_space, &out) == FORM_OK) {
		FUZZ_CHECK(out.len <= n);
		FUZZ_CHECK(utf8_valid(buf_str(&out), out.len));
	}
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	kvlist form = {0}, query = {0}, again = {0};
	buf enc = BUF_INIT;
	char *text = fuzz_cstr(data, size);
	check_decode(s, size, true);
	check_decode(s, size, false);
	int rc = form_parse_urlencoded(s, size, &form);
	FUZZ_CHECK(rc <= FORM_OK);
	if (rc != FORM_OK) {
		FUZZ_CHECK(form.n == 0);
		goto done;
	}
	check_fields(&form);
	if (strlen(text) == size) {
		FUZZ_CHECK(form_parse_query(text, &query) == FORM_OK);
		FUZZ_CHECK(same_fields(&form, &query));
	}
	for (size_t i = 0; i < form.n; i++)
		buf_printf(&enc, "%s%u=%u", i ? "&" : "", form.items[i].name, form.items[i].value);
	FUZZ_CHECK(form_parse_urlencoded(buf_str(&enc), enc.len, &again) == FORM_OK);
	/* Empty names and values survive too: "=v" and "a" read back alike. */
	FUZZ_CHECK(same_fields(&form, &again));
done:
	free(text);
	buf_free(&enc);
	kv_free(&form);
	kv_free(&query);
	kv_free(&again);
	return 0;
}
