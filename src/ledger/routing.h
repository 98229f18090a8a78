/*
 * routing.h — the suggested department (and category) of a new matter,
 * learnt from how the office itself has routed its matters.
 *
 * Two linear models over the text (text/route_model.h), one for the lead
 * department and one for the category, are trained on the ledger's
 * matters that have both (not merged ones), with a fixed fifth of them
 * held out to measure accuracy, and kept in routing_models. A new matter
 * asks the newest models; when they are unsure or there are none, the
 * categories' keywords (editable by administrators) suggest the category
 * that matches best and its usual department. The suggestion is stored
 * with the matter (matter_submit) for the clerk to accept or ignore; it is
 * staff-only.
 */
#ifndef TZ_LEDGER_ROUTING_H
#define TZ_LEDGER_ROUTING_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

/* At or above this probability the model's department wins over the
 * keywords; below ROUTING_MODEL_MIN it is not suggested at all. */
#define ROUTING_MODEL_SURE 0.5
#define ROUTING_MODEL_MIN 0.2
/* A model needs this many routed matters (and two departments). */
#define ROUTING_MIN_EXAMPLES 30

typedef struct routing_suggestion {
	int64_t department_id, category_id; /* 0: none */
	double confidence; /* 0..1, of the department (else of the category) */
	const char *source; /* "model", "keywords" or "" (static strings) */
} routing_suggestion;

/* The suggestion for a matter with this title and description. Never
 * fails: on a database problem (logged) there is simply none. Safe from
 * any thread, each with its own connection: the newest models are cached
 * per process and reloaded when a newer one is stored. */
void routing_suggest(db *d, const char *title, const char *description,
		     routing_suggestion *out);

/* What one training did for one target. */
typedef struct routing_report {
	const char *target;  /* "department" or "category" */
	bool trained;        /* false: too few matters or labels */
	int64_t examples;    /* routed matters (the stored model learnt from all) */
	int64_t holdout;     /* of them held out to measure accuracy */
	double accuracy;     /* of a model trained without them, on them */
	double keyword_accuracy; /* of the keywords alone, on them (department) */
	int64_t model_id;    /* routing_models.id */
} routing_report;

#define ROUTING_TARGETS 2

/* Train and store both models, logging the results. Returns LEDGER_OK
 * (out says what was trained) or LEDGER_ERROR. */
int routing_train(db *d, int64_t now, routing_report out[ROUTING_TARGETS]);

/* Train when the ledger has grown since the last model: by max(50, 20 %)
 * routed matters, or to ROUTING_MIN_EXAMPLES when there is none. Returns
 * 1 after training, 0 when nothing was due, LEDGER_ERROR on failure. */
int routing_retrain_if_due(db *d, int64_t now, routing_report out[ROUTING_TARGETS]);

/* Drop the cached models (tests that open several ledgers in one
 * process). */
void routing_cache_clear(void);

#endif
