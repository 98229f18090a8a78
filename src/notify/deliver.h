/*
 * deliver.h — sending what the outbox holds (ledger/outbox.h) to its
 * channels (ledger/channel.h): claim a due message, build the platform's
 * request (notify/payload.h), send it with libcurl, mark it sent or failed.
 * Only notify/ calls libcurl.
 */
#ifndef TZ_NOTIFY_DELIVER_H
#define TZ_NOTIFY_DELIVER_H

#include <stdint.h>

#include "base/config.h"
#include "store/db.h"

/* Take the settings from cfg (once, at start-up, before any sender runs):
 * notify-timeout-seconds, the longest one request may take (default 20;
 * a claim is leased for this plus the channel's pace plus 10 seconds of
 * the real clock, renewed before each part of a split message),
 * notify-retry-seconds, the wait before the first retry (default 60,
 * doubling after each failed attempt, at most six hours), and
 * outbox-keep-days, how long sent messages stay in the outbox (default
 * 90; 0: for good). A value out of range is logged and the default used.
 * Also sets up libcurl (curl_global_init), so call it before starting
 * threads. */
void deliver_configure(const config *cfg);

/* Release libcurl at exit, after every sender has stopped. */
void deliver_cleanup(void);

/* Send the messages due at `now`, one after another, until none is due or
 * `max` were tried. `now` is the caller's clock (the scheduler's, perhaps
 * a test's --now) and moves on with the real time while the round runs;
 * leases and the channels' pacing always use the real clock. When what is
 * due only waits for a channel's pace (WeCom's and DingTalk's robots
 * take 20 messages a minute), wait for it as long as the round has lasted
 * less than `patience` seconds (0: return at once). Returns how many were
 * delivered, or -1 when the database failed (a failed delivery is not an
 * error: it is marked for a retry). */
int deliver_due(db *d, int64_t now, int max, int patience);

/* Delete from the outbox the messages sent more than outbox-keep-days
 * before `now` (none when it is 0); logged when some were. LEDGER_OK or
 * LEDGER_ERROR (logged). */
int deliver_purge(db *d, int64_t now);

/* The server's sender: a thread that every second delivers what is due,
 * on its own connection to the ledger at db_url whose writes go through
 * the server's group-commit writer. Call deliver_configure first. NULL
 * (logged) when the thread cannot start. */
typedef struct deliver_sender deliver_sender;
deliver_sender *deliver_start(const char *db_url, db_group *writer);
/* Stop it: a transfer under way is cut short and its message given back
 * to the outbox (outbox_release). NULL-safe. Before closing the writer. */
void deliver_stop(deliver_sender *s);

#endif
