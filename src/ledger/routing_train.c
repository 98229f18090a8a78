/*
 * routing_train.c — training the routing models on the ledger's own
 * routed matters (routing.h), measuring them on held-out matters, storing
 * them, and deciding when the ledger has grown enough to train again.
 *
 * Which matters are held out depends only on their id (a fifth of them,
 * by a hash), so two trainings of the same ledger measure on the same
 * matters, and a matter once held out stays so as the ledger grows. The
 * accuracy is that of a model trained without them; the model stored
 * then learns from every routed matter, held-out ones included.
 */
#include "ledger/routing_int.h"
#include "ledger/ledger.h"
#include "text/route_model.h"
#include "base/buf.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* The routed matters: both a lead department and a category, not merged
 * away (a duplicate's routing is its twin's). */
#define ROUTED_WHERE \
	" WHERE department_id IS NOT NULL AND category_id IS NOT NULL AND status <> 'merged'"
#define TRAIN_SEED 2026

typedef struct routed {
	size_t n;
	int64_t *id;
	char **text;
	int64_t *label[ROUTING_TARGETS]; /* department, category */
} routed;

static void routed_free(routed *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->text[i]);
	free(r->text);
	free(r->id);
	for (int t = 0; t < ROUTING_TARGETS; t++)
		free(r->label[t]);
	memset(r, 0, sizeof *r);
}

static int load_routed(db *d, routed *r)
{
	size_t cap = 0;
	memset(r, 0, sizeof *r);
	db_stmt *q = db_query(d, "SELECT id, title, description, department_id, category_id"
				 " FROM matters" ROUTED_WHERE " ORDER BY id", "");
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		if (r->n == cap) {
			cap = cap ? 2 * cap : 1024;
			r->id = xrealloc(r->id, cap * sizeof *r->id);
			r->text = xrealloc(r->text, cap * sizeof *r->text);
			for (int t = 0; t < ROUTING_TARGETS; t++)
				r->label[t] = xrealloc(r->label[t], cap * sizeof *r->label[t]);
		}
		r->id[r->n] = db_int(q, 0);
		r->text[r->n] = routing_text(db_text(q, 1), db_text(q, 2));
		r->label[0][r->n] = db_int(q, 3);
		r->label[1][r->n] = db_int(q, 4);
		r->n++;
	}
	db_done(q);
	if (rc != DB_DONE) {
		routed_free(r);
		return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

/* Is this matter one of the fifth held out? (splitmix64 of the id) */
static bool held_out(int64_t id)
{
	uint64_t z = (uint64_t)id + 0x9E3779B97F4A7C15ULL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return (z ^ (z >> 31)) % 5 == 0;
}

/* Train target t on the routed matters, leaving out the held-out ones
 * when `holdout`. */
static route_model *train_target(const routed *r, int t, bool holdout)
{
	const char **texts = xmalloc((r->n ? r->n : 1) * sizeof *texts);
	int64_t *labels = xmalloc((r->n ? r->n : 1) * sizeof *labels);
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		if (!holdout || !held_out(r->id[i])) {
			texts[n] = r->text[i];
			labels[n++] = r->label[t][i];
		}
	route_train_opts o = {.seed = TRAIN_SEED};
	route_model *m = route_model_train(texts, labels, n, &o);
	free(texts);
	free(labels);
	return m;
}

/* Accuracy on the held-out matters of a model trained without them, and
 * (for the department) of the keywords alone. */
static void measure(const routed *r, int t, const category *cats, size_t ncats,
		    routing_report *rep)
{
	route_model *m = train_target(r, t, true);
	int64_t right = 0, kw_right = 0;
	rep->holdout = 0;
	for (size_t i = 0; m && i < r->n; i++) {
		if (!held_out(r->id[i]))
			continue;
		int64_t label;
		double conf;
		route_model_predict(m, r->text[i], &label, &conf);
		routing_suggestion kw;
		routing_by_keywords(cats, ncats, r->text[i], &kw);
		rep->holdout++;
		right += label == r->label[t][i];
		kw_right += (t == 0 ? kw.department_id : kw.category_id) == r->label[t][i];
	}
	rep->accuracy = rep->holdout ? (double)right / rep->holdout : 0;
	rep->keyword_accuracy = rep->holdout ? (double)kw_right / rep->holdout : 0;
	route_model_free(m);
}

/* Enough matters, and more than one label to tell apart? */
static bool trainable(const routed *r, int t)
{
	if (r->n < ROUTING_MIN_EXAMPLES)
		return false;
	for (size_t i = 1; i < r->n; i++)
		if (r->label[t][i] != r->label[t][0])
			return true;
	return false;
}

struct store_ctx {
	routing_report *rep;
	buf *blob;
	int64_t now;
};

/* Insert the trained models; the older ones keep their row (the history
 * of accuracy) but give up their weights. */
static int store_tx(db *d, void *vctx)
{
	struct store_ctx *x = vctx;
	for (int t = 0; t < ROUTING_TARGETS; t++) {
		routing_report *rep = &x->rep[t];
		if (!rep->trained)
			continue;
		int64_t id = db_scalar(
			d, -1,
			"INSERT INTO routing_models(target, trained_at, examples, holdout, accuracy,"
			" weights) VALUES (?, ?, ?, ?,"
			" CASE WHEN ? > 0 THEN CAST(? AS DOUBLE PRECISION) END, ?) RETURNING id",
			"tiiiidb", rep->target, x->now, rep->examples, rep->holdout, rep->holdout,
			rep->accuracy, x->blob[t].data, x->blob[t].len);
		if (id < 0 ||
		    db_exec(d, "UPDATE routing_models SET weights = ? WHERE target = ? AND id < ?",
			    "bti", "", (size_t)0, rep->target, id) != DB_DONE)
			return LEDGER_ERROR;
		rep->model_id = id;
	}
	return LEDGER_OK;
}

static void log_report(const routing_report *rep)
{
	if (!rep->trained)
		log_info("routing: no %s model: too few routed matters (%lld; at least %d)"
			 " or only one %s", rep->target, (long long)rep->examples,
			 ROUTING_MIN_EXAMPLES, rep->target);
	else
		log_info("routing: %s model %lld trained on %lld matters; on %lld held out,"
			 " accuracy %.1f%% (keywords alone %.1f%%)", rep->target,
			 (long long)rep->model_id, (long long)rep->examples, (long long)rep->holdout,
			 100 * rep->accuracy, 100 * rep->keyword_accuracy);
}

/* The matters waiting for a department, and their new suggestions. */
struct waiting {
	size_t n;
	int64_t *id;
	char **title, **description;
	routing_suggestion *s;
};

/* Write each waiting matter's new suggestion; one the new models no
 * longer make is cleared, not left from the old ones. (A submission
 * writes its suggestion in its own INSERT.) */
static int store_waiting_tx(db *d, void *vctx)
{
	const struct waiting *w = vctx;
	for (size_t i = 0; i < w->n; i++) {
		const routing_suggestion *s = &w->s[i];
		int64_t some = *s->source ? 1 : 0;
		if (db_exec(d, "UPDATE matters SET suggested_department_id = ?,"
			       " suggested_category_id = ?,"
			       " suggestion_confidence = CASE WHEN ? THEN CAST(? AS DOUBLE PRECISION) END,"
			       " suggestion_source = ?"
			       " WHERE id = ?",
			    "zzidti", s->department_id, s->category_id, some, s->confidence, s->source,
			    w->id[i]) != DB_DONE)
			return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

/* Suggest again, with the new models, for the matters still waiting to be
 * routed, so the inbox shows what the new model thinks. */
static int resuggest_waiting(db *d)
{
	struct waiting w = {0, NULL, NULL, NULL, NULL};
	size_t cap = 0;
	db_stmt *q = db_query(d, "SELECT id, title, description FROM matters"
				 " WHERE status IN ('submitted', 'accepted', 'returned')"
				 " AND department_id IS NULL ORDER BY id", "");
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		if (w.n == cap) {
			cap = cap ? 2 * cap : 64;
			w.id = xrealloc(w.id, cap * sizeof *w.id);
			w.title = xrealloc(w.title, cap * sizeof *w.title);
			w.description = xrealloc(w.description, cap * sizeof *w.description);
		}
		w.id[w.n] = db_int(q, 0);
		w.title[w.n] = db_text_dup(q, 1);
		w.description[w.n++] = db_text_dup(q, 2);
	}
	db_done(q);
	w.s = xmalloc((w.n ? w.n : 1) * sizeof *w.s);
	for (size_t i = 0; i < w.n; i++)
		routing_suggest(d, w.title[i], w.description[i], &w.s[i]);
	if (rc == DB_DONE && w.n)
		rc = db_transact(d, store_waiting_tx, &w);
	for (size_t i = 0; i < w.n; i++) {
		free(w.title[i]);
		free(w.description[i]);
	}
	free(w.title);
	free(w.description);
	free(w.id);
	free(w.s);
	return rc == DB_DONE || rc == LEDGER_OK ? LEDGER_OK : LEDGER_ERROR;
}

int routing_train(db *d, int64_t now, routing_report out[ROUTING_TARGETS])
{
	static const char *const names[ROUTING_TARGETS] = {"department", "category"};
	routed r;
	category *cats = NULL;
	size_t ncats = 0;
	buf blob[ROUTING_TARGETS] = {BUF_INIT, BUF_INIT};
	memset(out, 0, ROUTING_TARGETS * sizeof *out);
	if (load_routed(d, &r) != LEDGER_OK || category_list(d, false, &cats, &ncats) != LEDGER_OK) {
		routed_free(&r);
		return LEDGER_ERROR;
	}
	for (int t = 0; t < ROUTING_TARGETS; t++) {
		out[t].target = names[t];
		out[t].examples = (int64_t)r.n;
		if (!(out[t].trained = trainable(&r, t)))
			continue;
		measure(&r, t, cats, ncats, &out[t]);
		route_model *m = train_target(&r, t, false);
		route_model_save(m, &blob[t]);
		route_model_free(m);
	}
	struct store_ctx x = {out, blob, now};
	int rc = out[0].trained || out[1].trained ? db_transact(d, store_tx, &x) : LEDGER_OK;
	if (rc == LEDGER_OK && (out[0].trained || out[1].trained))
		rc = resuggest_waiting(d);
	for (int t = 0; t < ROUTING_TARGETS; t++) {
		buf_free(&blob[t]);
		if (rc == LEDGER_OK)
			log_report(&out[t]);
	}
	category_list_free(cats, ncats);
	routed_free(&r);
	return rc == LEDGER_OK ? LEDGER_OK : LEDGER_ERROR;
}

int routing_retrain_if_due(db *d, int64_t now, routing_report out[ROUTING_TARGETS])
{
	/* The count at this process's last training that stored nothing (one
	 * department only, say), so that it is not tried again every time. */
	static int64_t tried = -1;
	int64_t have = db_scalar(d, -1, "SELECT count(*) FROM matters" ROUTED_WHERE, "");
	int64_t last = db_scalar(d, -1, "SELECT examples FROM routing_models"
				       " ORDER BY id DESC LIMIT 1", "");
	if (have < 0)
		return LEDGER_ERROR;
	int64_t base = last >= 0 ? last : tried;
	int64_t step = base / 5 > 50 ? base / 5 : 50;
	if (base < 0 ? have < ROUTING_MIN_EXAMPLES : have < base + step)
		return 0;
	if (routing_train(d, now, out) != LEDGER_OK)
		return LEDGER_ERROR;
	tried = out[0].trained || out[1].trained ? -1 : have;
	return 1;
}
