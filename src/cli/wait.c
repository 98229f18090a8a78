/*
 * wait.c — the server's main thread (cli_wait_serving): while it waits for
 * a stop signal, it does the server's background work on a connection of
 * its own whose writes go through the group-commit writer, never on a
 * request's thread:
 *   - every second, the search indexes catch up with the matters changed
 *     (ledger/search.h);
 *   - every --tick-seconds (default 60), the scheduler's tick (tick.c):
 *     reminders, 督办, unrated matters closed, duty reminders, digests
 *     queued; not the sending, which the sender thread does
 *     (notify/deliver.h), so a slow webhook never delays the tick;
 *   - every --retrain-check seconds (default 600), routing retrains when
 *     the ledger has grown (ledger/routing.h).
 */
#include "cli/cli.h"
#include "ledger/ledger.h"
#include "ledger/routing.h"
#include "ledger/search.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

/* One scheduler tick as of now, logged when it did something. */
static void serve_tick(db *d, const tick_settings *s)
{
	tick_summary sum;
	int rc = cli_tick(d, s, (int64_t)time(NULL), false, &sum);
	if (rc != LEDGER_OK)
		log_error("the scheduler's tick failed in part; trying again next tick");
	if (sum.sv.reminded + sum.sv.overdue + sum.sv.urged + sum.closed + sum.duties + sum.digests) {
		buf line = BUF_INIT;
		cli_tick_describe(&sum, &line);
		log_info("tick: %s", buf_str(&line));
		buf_free(&line);
	}
}

void cli_wait_serving(const config *cfg, const sigset_t *stop, db_group *writer)
{
	/* --retrain-check SECONDS: how often to look (0: never). Why on this
	 * thread: it only waits for signals, so training here never holds up
	 * a request; only the short insert of the model joins the writes. */
	int64_t every = config_int(cfg, "retrain-check", 600);
	tick_settings ts;
	if (!cli_tick_settings(cfg, &ts)) {
		log_error("the scheduler's settings are wrong (see above); it does not run");
		ts.every = 0;
	}
	struct timespec second = {1, 0};
	time_t next_check = time(NULL) + (every > 0 ? every : 0);
	time_t next_tick = time(NULL); /* the first tick right after start-up */
	db *d = NULL;
	for (;;) {
		int sig = sigtimedwait(stop, NULL, &second);
		if (sig >= 0)
			break;
		if (errno != EAGAIN)
			continue; /* EINTR */
		if (!d) {
			if (!(d = cli_open_db(cfg)))
				continue;
			/* Why through the writer: a second writing connection
			 * would wait for the write lock behind the group's
			 * commits (and they behind a long batch of its own). */
			db_use_group(d, writer);
		}
		/* The search indexes catch up with the matters changed in the
		 * last second, in one batch (ledger/search.h). */
		if (search_catch_up(d) != LEDGER_OK)
			log_error("indexing changed matters for search failed; trying again");
		if (ts.every > 0 && time(NULL) >= next_tick) {
			serve_tick(d, &ts);
			next_tick = time(NULL) + ts.every;
		}
		if (every <= 0 || time(NULL) < next_check)
			continue;
		next_check = time(NULL) + every;
		routing_report rep[ROUTING_TARGETS];
		if (routing_retrain_if_due(d, (int64_t)time(NULL), rep) < 0)
			log_error("retraining the routing models failed; trying again later");
	}
	db_close(d);
}
