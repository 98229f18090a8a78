/*
 * ledger.h — result codes shared by the domain modules, and how they map to
 * HTTP. Domain functions return one of these; on LEDGER_INVALID and friends
 * they also hand back a Chinese message for the user (caller frees). Also
 * the two helpers every module that checks a person's input uses: the rule
 * for a text field, and handing back the message.
 */
#ifndef TZ_LEDGER_LEDGER_H
#define TZ_LEDGER_LEDGER_H

#include <stdbool.h>
#include <stddef.h>

enum ledger_rc {
	LEDGER_OK = 0,
	LEDGER_INVALID = -1,   /* bad input: 400/422, message says what */
	LEDGER_NOT_FOUND = -2, /* 404 */
	LEDGER_FORBIDDEN = -3, /* 403: the actor's role may not do this */
	LEDGER_CONFLICT = -4,  /* 409: stale version, someone else acted first */
	LEDGER_BAD_STATE = -5, /* 409: the action is not allowed in this state */
	LEDGER_THROTTLED = -6, /* 429 */
	LEDGER_ERROR = -7,     /* 500: database failure or bug, logged */
};

/* The HTTP status for a ledger result. */
int ledger_http_status(int rc);

/* LEDGER_INVALID, with text (a Chinese sentence for the user) copied to
 * *msg unless msg is NULL or already holds the first complaint. */
int ledger_invalid(char **msg, const char *text);

/* Is s a text field a person may save: valid UTF-8, min..max characters
 * (code points), not only blanks when min > 0, and no control characters
 * but line breaks and tabs when multiline? NULL counts as empty. */
bool ledger_text_ok(const char *s, size_t min, size_t max, bool multiline);

#endif
