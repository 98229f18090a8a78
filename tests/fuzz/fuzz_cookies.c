/*
 * fuzz_cookies.c — fuzz target "cookies": the Cookie header
 * (form_parse_cookies in http/form.c) and what session_load() does with
 * the session and CSRF cookies it finds there.
 *
 * The input is the header's value. Checks: every pair kept has a
 * non-empty name, and name and value are valid UTF-8 with no blank at
 * either end of the name; pairs kept and pairs skipped together are no
 * more than the pieces between semicolons; and a header that names the
 * session cookie never signs anyone in on the fixture ledger, whose
 * sessions are none.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/util.h"
#include "http/form.h"
#include "http/http.h"
#include "http/session.h"
#include "ledger/actor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *header = fuzz_cstr(data, size);
	kvlist cookies = {0};
	size_t pieces = 1;
	for (const char *p = header; *p; p++)
		pieces += *p == ';';
	int skipped = form_parse_cookies(header, &cookies);
	FUZZ_CHECK(skipped >= 0);
	FUZZ_CHECK(cookies.n + (size_t)skipped <= pieces);
	for (size_t i = 0; i < cookies.n; i++) {
		const char *name = cookies.items[i].name, *value = cookies.items[i].value;
		size_t nn = strlen(name);
		FUZZ_CHECK(nn > 0 && utf8_valid(name, nn));
		FUZZ_CHECK(utf8_valid(value, strlen(value)));
		FUZZ_CHECK(name[0] != ' ' && name[0] != '\t');
		FUZZ_CHECK(name[nn - 1] != ' ' && name[nn - 1] != '\t');
		FUZZ_CHECK(!strchr(name, ';') && !strchr(value, ';') && !strchr(name, '='));
	}
	request rq = {0};
	rq.db = fuzz_ledger();
	rq.cookies = cookies;
	rq.now = FUZZ_NOW;
	FUZZ_CHECK(session_load(&rq) == 0);
	FUZZ_CHECK(rq.who.role == ROLE_NONE && rq.who.user_id == 0);
	/* An anonymous visitor always leaves with a CSRF token to post with. */
	FUZZ_CHECK(rq.csrf[0] != '\0');
	kv_free(&rq.cookies);
	free(header);
	return 0;
}
