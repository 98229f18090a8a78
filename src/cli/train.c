/*
 * train.c — `taizhang train`: train the routing models (ledger/routing.h)
 * on the ledger's routed matters now and report their held-out accuracy;
 * and the server's main thread, which between stop signals trains again
 * when the ledger has grown.
 */
#include "cli/cli.h"
#include "ledger/ledger.h"
#include "ledger/routing.h"
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
	const char *url = config_get(cfg, "db", "taizhang.db");
	if (!db_exists(url)) {
		fprintf(stderr, "taizhang: %s does not exist\n", url);
		goto done;
	}
	if (!(d = cli_open_db(cfg)))
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

void cli_wait_retraining(const config *cfg, const sigset_t *stop)
{
	/* --retrain-check SECONDS: how often to look (0: never). Why on this
	 * thread: it only waits for signals, so training here never holds up
	 * a request; only the short insert of the model joins the writes. */
	int64_t every = config_int(cfg, "retrain-check", 600);
	struct timespec wait = {every > 0 ? (time_t)every : 3600, 0};
	db *d = NULL;
	for (;;) {
		int sig = every > 0 ? sigtimedwait(stop, NULL, &wait) : sigwaitinfo(stop, NULL);
		if (sig >= 0)
			break;
		if (errno != EAGAIN)
			continue; /* EINTR */
		if (!d && !(d = cli_open_db(cfg)))
			continue;
		routing_report rep[ROUTING_TARGETS];
		if (routing_retrain_if_due(d, (int64_t)time(NULL), rep) < 0)
			log_error("retraining the routing models failed; trying again later");
	}
	db_close(d);
}
