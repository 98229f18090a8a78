/*
 * ratelimit.h — limits on how often one key (an address, an API key) may do
 * something, counted in the database so that every server process shares
 * them (ratelimit.c).
 */
#ifndef TZ_LEDGER_RATELIMIT_H
#define TZ_LEDGER_RATELIMIT_H

#include <stdint.h>

#include "store/db.h"

/* A limit: at most `max` hits per `window` seconds for `key`; max 0 means
 * no limit. */
typedef struct rate_limit {
	const char *key;
	int max;
	int window;
} rate_limit;

/* Count one hit of lim->key at `now`. Call it inside the transaction of
 * the thing it limits, so a refused or failed attempt is not counted.
 * LEDGER_OK, LEDGER_THROTTLED or LEDGER_ERROR. */
int ratelimit_hit(db *d, const rate_limit *lim, int64_t now);
/* Seconds from now until lim's current window ends (for Retry-After). */
int ratelimit_retry_after(const rate_limit *lim, int64_t now);

#endif
