/*
 * ledger.c — mapping of domain result codes to HTTP statuses, and the
 * input helpers the domain modules share (ledger.h).
 */
#include "ledger/ledger.h"
#include "base/utf8.h"
#include "base/util.h"

#include <string.h>

int ledger_http_status(int rc)
{
	switch (rc) {
	case LEDGER_OK: return 200;
	case LEDGER_INVALID: return 400;
	case LEDGER_NOT_FOUND: return 404;
	case LEDGER_FORBIDDEN: return 403;
	case LEDGER_CONFLICT: return 409;
	case LEDGER_BAD_STATE: return 409;
	case LEDGER_THROTTLED: return 429;
	default: return 500;
	}
}

int ledger_invalid(char **msg, const char *text)
{
	if (msg && !*msg)
		*msg = xstrdup(text);
	return LEDGER_INVALID;
}

bool ledger_text_ok(const char *s, size_t min, size_t max, bool multiline)
{
	if (!s)
		return min == 0;
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t')))
			return false;
	size_t cps = utf8_count(s, n);
	return cps >= min && cps <= max && (min == 0 || !utf8_blank(s));
}
