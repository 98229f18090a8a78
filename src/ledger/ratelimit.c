/*
 * ratelimit.c — fixed-window counters in the rate_limits table.
 *
 * One row per key: the window it counts and its hits. A hit in a newer
 * window starts the count again. Why fixed windows: one row per key and
 * one statement per hit; the burst at a window's edge (up to twice the
 * limit) is acceptable for limits meant to stop floods, not to meter.
 * Each key's first hit of a window also sweeps the rows of windows over a
 * day old (an indexed range, so each stale row costs once).
 */
#include "ledger/ratelimit.h"

#include "ledger/ledger.h"

int ratelimit_hit(db *d, const rate_limit *lim, int64_t now)
{
	if (!lim || !lim->key || lim->max <= 0 || lim->window <= 0)
		return LEDGER_OK;
	int64_t start = now - now % lim->window;
	int64_t hits = db_scalar(d, -1,
				 "INSERT INTO rate_limits(key, window_start, hits) VALUES (?, ?, 1)"
				 " ON CONFLICT(key) DO UPDATE SET"
				 " hits = CASE WHEN rate_limits.window_start = excluded.window_start"
				 " THEN rate_limits.hits + 1 ELSE 1 END,"
				 " window_start = excluded.window_start RETURNING hits",
				 "ti", lim->key, start);
	if (hits < 0)
		return LEDGER_ERROR;
	if (hits == 1 &&
	    db_exec(d, "DELETE FROM rate_limits WHERE window_start < ?", "i", now - 86400) != DB_DONE)
		return LEDGER_ERROR;
	return hits <= lim->max ? LEDGER_OK : LEDGER_THROTTLED;
}

int ratelimit_retry_after(const rate_limit *lim, int64_t now)
{
	return lim && lim->window > 0 ? (int)(lim->window - now % lim->window) : 0;
}
