/*
 * demo.h — the demo ledger behind `taizhang demo`: a development zone's
 * departments, areas, categories and staff, the matters named in the
 * newspaper reports in /work/shared/seeds (口袋公园 on National Road 307, the
 * 41 transformer boxes on 黄河路, the central kindergarten, rural toilets,
 * 一中前小区's manhole cover and sewer, 憩园小区's renovation ...), and a few
 * hundred generated requests walked through believable histories.
 */
#ifndef TZ_DEMO_DEMO_H
#define TZ_DEMO_DEMO_H

#include <stdint.h>

#include "base/buf.h"
#include "store/db.h"

/* Load the demo ledger into an empty, migrated database: departments, areas,
 * categories, demo staff accounts, the matters named in the seed reports and
 * `generated` more (a few hundred) spread over the 90 days before `now`,
 * reproducible for a given seed. Writes a human-readable list of the demo
 * accounts (login, password, role, department) to accounts_out, replacing
 * what it held (so a retried transaction writes the list once). Returns 0
 * or -1 (the reason is logged). May run inside the caller's transaction. */
int demo_load(db *d, unsigned seed, int generated, int64_t now, buf *accounts_out);

#endif
