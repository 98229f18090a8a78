/*
 * callback.h — 回访: after a matter is resolved, the office calls the
 * resident (reached or not, resolved or not, rating), and a matter the
 * resident never rated is closed after a configurable period.
 */
#ifndef TZ_LEDGER_CALLBACK_H
#define TZ_LEDGER_CALLBACK_H

#include <stdint.h>

#include "store/db.h"

/* Close (销号, by the system, with an event saying why) every resolved
 * matter that has no rating `days` working days after it was resolved.
 * Idempotent. *closed: how many. LEDGER_OK or LEDGER_ERROR. */
int callback_close_unrated(db *d, int64_t now, int days, int *closed);

#endif
