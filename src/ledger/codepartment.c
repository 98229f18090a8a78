/*
 * codepartment.c — reading the co-handling departments of a matter (see
 * codepartment.h).
 */
#include "ledger/codepartment.h"
#include "ledger/ledger.h"
#include "base/util.h"

#include <stdlib.h>

int codepartment_ids(db *d, int64_t matter_id, int64_t **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	db_stmt *q = db_query(d, "SELECT department_id FROM matter_codepartments"
				 " WHERE matter_id = ? ORDER BY department_id", "i", matter_id);
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		*ids = xrealloc(*ids, (*n + 1) * sizeof **ids);
		(*ids)[(*n)++] = db_int(q, 0);
	}
	db_done(q);
	if (r != DB_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

int codepartment_names(db *d, int64_t matter_id, const char *sep, buf *out)
{
	db_stmt *q = db_query(d, "SELECT dp.name FROM matter_codepartments mc"
				 " JOIN departments dp ON dp.id = mc.department_id"
				 " WHERE mc.matter_id = ? ORDER BY mc.department_id", "i", matter_id);
	int r, n = 0;
	while ((r = db_step(q)) == DB_ROW) {
		if (n++)
			buf_puts(out, sep);
		buf_puts(out, db_text(q, 0));
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}
