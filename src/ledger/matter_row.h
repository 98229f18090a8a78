/*
 * matter_row.h — private to ledger/: the SELECT that reads whole matter
 * rows (matter.c) and the function that turns one row into a struct, shared
 * by loading and finding.
 */
#ifndef TZ_LEDGER_MATTER_ROW_H
#define TZ_LEDGER_MATTER_ROW_H

#include "ledger/matter.h"

extern const char matter_select_sql[];
/* Its two halves, for a statement that selects more after the matter's
 * columns: "m.id, m.number, ..." and " FROM matters m LEFT JOIN ...". */
extern const char matter_columns_sql[], matter_from_sql[];
int matter_row_read(db_stmt *q, const actor *who, const char *today, matter *m);

/* The next matter number TZ-YYYY-NNNNNN (the year of now in Beijing) from
 * the per-year counter, inside the caller's transaction: submission and
 * import (matter_import.c) number matters alike. */
int matter_next_number(db *d, int64_t now, char out[32]);

#endif
