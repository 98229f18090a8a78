/*
 * event_feed.c — the public feed of changes across all matters: what an
 * Open311 client following requests reads (servicerequestupdates). Only
 * public events of public matters, and no column that could hold a
 * resident's personal data.
 */
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "base/util.h"

#include <stdlib.h>

int event_feed_public(db *d, int64_t from, int64_t to, int limit, feed_event **out, size_t *n)
{
	db_stmt *q = db_query(d,
			      "SELECT e.id, e.at, m.number, e.to_status, e.note FROM events e"
			      " JOIN matters m ON m.id = e.matter_id"
			      " WHERE e.public = 1 AND m.public = 1 AND m.category_id IS NOT NULL"
			      " AND e.at >= ? AND e.at <= ? ORDER BY e.at, e.id LIMIT ?",
			      "iii", from, to, (int64_t)limit);
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		feed_event *u = &(*out)[(*n)++];
		u->id = db_int(q, 0);
		u->at = db_int(q, 1);
		u->number = db_text_dup(q, 2);
		u->to_status = db_text_dup(q, 3);
		u->note = db_text_dup(q, 4);
	}
	db_done(q);
	if (r != DB_DONE) {
		event_feed_free(*out, *n);
		*out = NULL;
		*n = 0;
		return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

void event_feed_free(feed_event *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].number);
		free(v[i].to_status);
		free(v[i].note);
	}
	free(v);
}
