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
 * a claimed message is leased for this plus 10 seconds), and
 * notify-retry-seconds, the wait before the first retry (default 60,
 * doubling after each failed attempt, at most six hours). Also sets up
 * libcurl (curl_global_init), so call it before starting threads. */
void deliver_configure(const config *cfg);

/* Release libcurl at exit, after every sender has stopped. */
void deliver_cleanup(void);

/* Send the messages due at `now`, one after another, until none is due or
 * `max` were tried. Returns how many were delivered, or -1 when the
 * database failed (a failed delivery is not an error: it is marked for a
 * retry). */
int deliver_due(db *d, int64_t now, int max);

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
