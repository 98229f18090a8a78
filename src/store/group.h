/*
 * group.h — group commit, private to store/ (group.c). The public half
 * (db_group_open, db_group_close, db_use_group) is in db.h.
 */
#ifndef TZ_STORE_GROUP_H
#define TZ_STORE_GROUP_H

#include "store/db.h"

/* Run fn(writer connection, ctx) in the writer's next group and wait until
 * that group is committed or rolled back. Returns fn's result, or the
 * group's failure (negative) when the commit failed, so a result >= 0
 * means the writes are durable. Called by db_transact for a connection
 * that uses a group. */
int db_group_run(db_group *g, db_tx_fn fn, void *ctx);
/* Groups committed and transactions run in them so far. */
void group_stats(db_group *g, uint64_t *groups, uint64_t *jobs);

#endif
