/*
 * train.c — `taizhang train`: train the routing models (ledger/routing.h)
 * on the ledger's routed matters now and report their held-out accuracy;
 * and the server's main thread, which between stop signals keeps the
 * search indexes up with the ledger and trains again when it has grown.
 */
#include "cli/cli.h"
#include "ledger/ledger.h"
#include "ledger/routing.h"
#include "ledger/search.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char train_usage[] =
	"usage: taizhang train [--db URL]\n"
	"Train the routing suggestions on the ledger's own routed matters (those with a\n"
	"lead department and a category): one model for the department, one for the\n"
	"category. A fixed fifth of the matters is held out to measure accuracy; the\n"
	"stored model then learns from all of them. New matters get their suggestion\n"
	"from the newest model at once, also in a running server. The server trains\n"
	"again by itself when the routed matters grow by 20 % (at least 50).\n"
	"Prints, per model: matters learnt from, matters held out, accuracy.\n";

/* Print one line per target. */
static void print_reports(const routing_report *rep)
{
	for (int t = 0; t < ROUTING_TARGETS; t++) {
		if (!rep[t].trained) {
			printf("taizhang: %s: not trained: %lld routed matters (at least %d, of two"
			       " %ss or more)\n", rep[t].target, (long long)rep[t].examples,
			       ROUTING_MIN_EXAMPLES, rep[t].target);
			continue;
		}
		printf("taizhang: %s: model %lld, examples %lld, held out %lld, accuracy %.1f%%"
		       " (keywords alone %.1f%%)\n", rep[t].target, (long long)rep[t].model_id,
		       (long long)rep[t].examples, (long long)rep[t].holdout, 100 * rep[t].accuracy,
		       100 * rep[t].keyword_accuracy);
	}
}

int cmd_train(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, train_usage))
		return 0;
	char *err = NULL, *pos[1];
	config *cfg = config_load(NULL, &err);
	db *d = NULL;
	int rc = 1;
	routing_report rep[ROUTING_TARGETS];
	if (!cfg || cli_parse(argc, argv, cfg, NULL, pos, 0) < 0)
		goto done;
	if (!(d = cli_open_existing_db(cfg)))
		goto done;
	log_set_quiet(true); /* the report below says it */
	if (routing_train(d, (int64_t)time(NULL), rep) != LEDGER_OK) {
		fprintf(stderr, "taizhang: training failed (see the log above)\n");
		goto done;
	}
	print_reports(rep);
	rc = 0;
done:
	if (err)
		fprintf(stderr, "taizhang: %s\n", err);
	free(err);
	db_close(d);
	config_free(cfg);
	return rc;
}

void cli_wait_serving(const config *cfg, const sigset_t *stop, db_group *writer)
{
	/* --retrain-check SECONDS: how often to look (0: never). Why on this
	 * thread: it only waits for signals, so training here never holds up
	 * a request; only the short insert of the model joins the writes. */
	int64_t every = config_int(cfg, "retrain-check", 600);
	struct timespec tick = {1, 0};
	time_t next_check = time(NULL) + (every > 0 ? every : 0);
	db *d = NULL;
	for (;;) {
		int sig = sigtimedwait(stop, NULL, &tick);
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
		if (every <= 0 || time(NULL) < next_check)
			continue;
		next_check = time(NULL) + every;
		routing_report rep[ROUTING_TARGETS];
		if (routing_retrain_if_due(d, (int64_t)time(NULL), rep) < 0)
			log_error("retraining the routing models failed; trying again later");
	}
	db_close(d);
}
