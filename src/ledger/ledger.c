/*
 * ledger.c — mapping of domain result codes to HTTP statuses.
 */
#include "ledger/ledger.h"

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
