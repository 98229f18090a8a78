/*
 * fuzz_multipart.c — fuzz target "multipart": multipart/form-data bodies
 * and their boundaries (http/form.c), as the submit form sends them with
 * a photo.
 *
 * The input's first line is the Content-Type header value (e.g.
 * `multipart/form-data; boundary=----x`), the rest the body. Checks: a
 * parse either adds every field and upload or none; names, values and
 * file names are valid UTF-8; no upload is an empty file input; and no
 * part holds more bytes than the body.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/util.h"
#include "http/form.h"

/* A NUL-terminated string that is valid UTF-8. */
static bool text_ok(const char *s)
{
	return s && utf8_valid(s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *ct_raw, *body;
	size_t ct_n, body_n;
	kvlist fields = {0};
	upload *ups = NULL;
	size_t nups = 0;
	fuzz_split(data, size, '\n', &ct_raw, &ct_n, &body, &body_n);
	char *ct = fuzz_cstr((const uint8_t *)ct_raw, ct_n);
	ct[strcspn(ct, "\r")] = '\0';
	(void)form_is_type(ct, "multipart/form-data");
	int rc = form_parse_multipart(ct, body, body_n, &fields, &ups, &nups);
	FUZZ_CHECK(rc <= FORM_OK);
	if (rc != FORM_OK) {
		FUZZ_CHECK(fields.n == 0 && nups == 0 && ups == NULL);
		goto done;
	}
	FUZZ_CHECK(fields.n + nups <= FORM_MAX_FIELDS);
	for (size_t i = 0; i < fields.n; i++) {
		FUZZ_CHECK(text_ok(fields.items[i].name));
		FUZZ_CHECK(text_ok(fields.items[i].value));
		FUZZ_CHECK(strlen(fields.items[i].value) <= body_n);
	}
	for (size_t i = 0; i < nups; i++) {
		FUZZ_CHECK(text_ok(ups[i].field));
		FUZZ_CHECK(text_ok(ups[i].filename));
		FUZZ_CHECK(text_ok(ups[i].content_type));
		FUZZ_CHECK(ups[i].data.len <= body_n);
		FUZZ_CHECK(ups[i].filename[0] || ups[i].data.len);
	}
done:
	free(ct);
	kv_free(&fields);
	form_uploads_free(ups, nups);
	return 0;
}
