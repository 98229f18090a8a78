/*
 * codepartment.h — the co-handling departments (协办单位) of a matter, as
 * readers need them. They are written by the assign action
 * (action_apply.c); this module only reads.
 */
#ifndef TZ_LEDGER_CODEPARTMENT_H
#define TZ_LEDGER_CODEPARTMENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "store/db.h"

/* The ids of the co-handling departments of matter_id, in id order, into
 * *ids (caller frees; NULL when there are none). LEDGER_OK or
 * LEDGER_ERROR. */
int codepartment_ids(db *d, int64_t matter_id, int64_t **ids, size_t *n);

/* The names of matter_id's co-handling departments, in id order, joined
 * by sep, appended to out (nothing when there are none): the 协办单位 cell
 * of an export. LEDGER_OK or LEDGER_ERROR. */
int codepartment_names(db *d, int64_t matter_id, const char *sep, buf *out);

#endif
