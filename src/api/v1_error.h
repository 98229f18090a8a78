/*
 * v1_error.h — the staff JSON API's one error shape and its stable codes.
 *
 * Every error answer of /api/v1/ is
 *     {"code": N, "hint": "...", "detail": ...}
 * with N from enum v1_code below, a Chinese hint for people, and detail
 * either null or an object naming what was wrong ({"field": "title"},
 * {"parameter": "status"}, {"allow": "GET, HEAD"}). Clients branch on the
 * code, never on the hint.
 *
 * The codes are a contract: a code never changes its number or meaning,
 * and a retired code is never reused. Add new codes at the end of their
 * group. docs/api.md lists every one (a unit test checks that it does).
 */
#ifndef TZ_API_V1_ERROR_H
#define TZ_API_V1_ERROR_H

#include <jansson.h>
#include <stddef.h>

#include "http/http.h"

enum v1_code {
	/* The request as a whole (1000-1099). */
	V1_BAD_REQUEST = 1000,         /* 400: malformed path, query or body encoding */
	V1_BAD_JSON = 1001,            /* 400: the body is not JSON */
	V1_NOT_AN_OBJECT = 1002,       /* 400: the body is JSON but not an object */
	V1_UNSUPPORTED_MEDIA = 1003,   /* 415: the body is not application/json (UTF-8) */
	V1_BODY_TOO_LARGE = 1004,      /* 413: the body is over the server's limit */
	V1_METHOD_NOT_ALLOWED = 1005,  /* 405: the path exists, the method does not */
	V1_NO_SUCH_ENDPOINT = 1006,    /* 404: no endpoint at this path */
	V1_BAD_PARAMETER = 1007,       /* 400: a query parameter is unknown or wrong */
	V1_INTERNAL = 1098,            /* 500: a bug or a database failure, logged */
	V1_UNAVAILABLE = 1099,         /* 503: the database cannot be reached */

	/* Who is asking (2000-2099). */
	V1_KEY_MISSING = 2000,         /* 401: no Authorization: Bearer KEY */
	V1_KEY_INVALID = 2001,         /* 401: unknown or revoked key */
	V1_ROLE_FORBIDDEN = 2002,      /* 403: the key's role may not use this endpoint */
	V1_APP_SUBMIT_ONLY = 2003,     /* 403: an app key may only POST /api/v1/matters */
	V1_ACTION_FORBIDDEN = 2004,    /* 403: this role (or department) may not take the action */

	/* What is asked for (3000-3099). */
	V1_MATTER_NOT_FOUND = 3000,    /* 404 */
	V1_ACTION_UNKNOWN = 3001,      /* 404: no such action */
	V1_DEPARTMENT_NOT_FOUND = 3002, /* 404 */
	V1_CATEGORY_NOT_FOUND = 3003,  /* 404 */

	/* The ledger's state (4000-4099). */
	V1_VERSION_CONFLICT = 4000,    /* 409: the matter changed since that version */
	V1_WRONG_STATE = 4001,         /* 409: the action is not allowed in this status */
	V1_CODE_TAKEN = 4002,          /* 409: a department, category or login already exists */

	/* The values sent (5000-5099). */
	V1_FIELD_MISSING = 5000,       /* 422: a required field is absent or null */
	V1_FIELD_INVALID = 5001,       /* 422: a field has the wrong type or value */
	V1_FIELD_UNKNOWN = 5002,       /* 422: a field this endpoint does not take */
	V1_FIELD_UNSUPPORTED = 5003,   /* 422: a documented field the database cannot keep yet */
	V1_REFUSED = 5004,             /* 422: the ledger's rules refused the values (hint says why) */
};

/* One row of the code table: code, HTTP status, name (for docs and tests). */
typedef struct v1_code_info {
	int code, status;
	const char *name;
} v1_code_info;
extern const v1_code_info v1_codes[];
extern const size_t v1_ncodes;

/* Answer with the error shape: status, code, hint (never NULL; never
 * echoing the request) and detail (taken; NULL writes null). Replaces
 * whatever the handler had written. */
void v1_fail(response *rs, int status, enum v1_code code, const char *hint, json_t *detail);

/* The same with detail {"field": field}, for a field of a JSON body. */
void v1_fail_field(response *rs, enum v1_code code, const char *field, const char *hint);

/* The same with detail {"parameter": name}: 400 for a query parameter. */
void v1_fail_param(response *rs, const char *name, const char *hint);

/* The answer for a ledger result other than LEDGER_OK, with the ledger's
 * message (may be NULL) as hint where it is meant for people;
 * LEDGER_NOT_FOUND answers 404 with not_found. */
void v1_fail_ledger(response *rs, int ledger_rc, const char *msg, enum v1_code not_found);

#endif
