/*
 * deliver.h — sending what the outbox holds (ledger/outbox.h) to its
 * channels (ledger/channel.h): claim a due message, build the platform's
 * request (notify/payload.h), send it with libcurl, mark it sent or failed.
 * Only notify/ calls libcurl.
 */
#ifndef TZ_NOTIFY_DELIVER_H
#define TZ_NOTIFY_DELIVER_H

#include <stdint.h>

#include "store/db.h"

/* Send the messages due at `now`, one after another, until none is due or
 * `max` were tried. Returns how many were delivered, or -1 when the
 * database failed (a failed delivery is not an error: it is marked for a
 * retry). */
int deliver_due(db *d, int64_t now, int max);

#endif
