/*
 * train.c — `taizhang train`: train the routing models (ledger/routing.h)
 * on the ledger's routed matters now and report their held-out accuracy.
 * (The server trains again by itself when the ledger has grown: wait.c.)
 */
#include "cli/cli.h"
#include "ledger/ledger.h"
#include "ledger/routing.h"
#include "base/util.h"

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
