/*
 * routing.c — suggesting a new matter's department and category
 * (routing.h): the per-process cache of the newest models, the keyword
 * fallback, and storing the suggestion with the matter.
 *
 * The server's worker threads each have their own connection but share
 * one cache: a read-write lock lets them predict at once, and the first
 * to see a newer model row loads it and swaps it in. Loading happens
 * outside the lock, so a big model never stalls the others' predictions.
 */
#include "ledger/routing_int.h"
#include "ledger/ledger.h"
#include "text/fold.h"
#include "text/keywords.h"
#include "text/route_model.h"
#include "base/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *const targets[ROUTING_TARGETS] = {"department", "category"};

/* The newest model of each target, as loaded by this process. */
static struct {
	int64_t id, trained_at; /* of the routing_models row; 0: none loaded */
	route_model *model;
} cache[ROUTING_TARGETS];
static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;

char *routing_text(const char *title, const char *description)
{
	return str_printf("%s\n%s", title ? title : "", description ? description : "");
}

void routing_cache_clear(void)
{
	pthread_rwlock_wrlock(&cache_lock);
	for (int t = 0; t < ROUTING_TARGETS; t++) {
		route_model_free(cache[t].model);
		memset(&cache[t], 0, sizeof cache[t]);
	}
	pthread_rwlock_unlock(&cache_lock);
}

/* Make the cache hold the newest model of target t: load it when the
 * newest row is not the one cached. Returns false when there is none
 * (or it cannot be read: logged). */
static bool refresh(db *d, int t)
{
	db_stmt *q = db_query(d, "SELECT id, trained_at FROM routing_models WHERE target = ?"
				 " ORDER BY id DESC LIMIT 1", "t", targets[t]);
	int64_t id = 0, at = 0;
	if (db_step(q) == DB_ROW) {
		id = db_int(q, 0);
		at = db_int(q, 1);
	}
	db_done(q);
	if (!id)
		return false;
	pthread_rwlock_rdlock(&cache_lock);
	bool fresh = cache[t].id == id && cache[t].trained_at == at;
	bool have = cache[t].model != NULL;
	pthread_rwlock_unlock(&cache_lock);
	if (fresh)
		return have;
	route_model *m = NULL;
	q = db_query(d, "SELECT weights FROM routing_models WHERE id = ?", "i", id);
	if (db_step(q) == DB_ROW) {
		size_t len = 0;
		const void *p = db_blob(q, 0, &len);
		m = route_model_load(p, len);
	}
	db_done(q);
	if (!m)
		log_error("routing model %lld (%s) cannot be read; suggesting by keywords",
			  (long long)id, targets[t]);
	pthread_rwlock_wrlock(&cache_lock);
	/* Another thread may have swapped in this one (or a newer) meanwhile. */
	if (cache[t].id < id || (cache[t].id == id && cache[t].trained_at != at)) {
		route_model_free(cache[t].model);
		cache[t].id = id;
		cache[t].trained_at = at;
		cache[t].model = m;
		m = NULL;
	}
	pthread_rwlock_unlock(&cache_lock);
	route_model_free(m);
	return true;
}

/* The cached model's prediction for target t; false without a model. */
static bool predict(db *d, int t, const char *text, int64_t *label, double *confidence)
{
	if (!refresh(d, t))
		return false;
	pthread_rwlock_rdlock(&cache_lock);
	bool have = cache[t].model != NULL;
	if (have)
		route_model_predict(cache[t].model, text, label, confidence);
	pthread_rwlock_unlock(&cache_lock);
	return have;
}

void routing_by_keywords(const category *cats, size_t n, const char *text,
			 routing_suggestion *out)
{
	char *folded = fold_text(text);
	int best = 0, total = 0;
	memset(out, 0, sizeof *out);
	out->source = "";
	for (size_t i = 0; i < n; i++) {
		int s = keywords_score_folded(folded, cats[i].keywords);
		total += s;
		if (s > best) {
			best = s;
			out->category_id = cats[i].id;
			out->department_id = cats[i].department_id;
		}
	}
	free(folded);
	if (best == 0)
		return;
	/* A heuristic, not a probability: the best category's share of all
	 * matched keyword characters, discounted while that is only one short
	 * word (two characters match by chance more easily than six). */
	out->confidence = (double)best / total * ((double)best / (best + 2));
	out->source = "keywords";
}

/* Keep only ids of rows that still exist and are active. */
static int64_t still_active(db *d, const char *sql, int64_t id)
{
	return id && db_scalar(d, 0, sql, "i", id) ? id : 0;
}

void routing_suggest(db *d, const char *title, const char *description,
		     routing_suggestion *out)
{
	char *text = routing_text(title, description);
	int64_t dept = 0, cat = 0;
	double dconf = 0, cconf = 0;
	bool dmodel = predict(d, 0, text, &dept, &dconf);
	bool cmodel = predict(d, 1, text, &cat, &cconf);
	category *cats = NULL;
	size_t ncats = 0;
	routing_suggestion kw = {0, 0, 0, ""};
	if (category_list(d, true, &cats, &ncats) == LEDGER_OK)
		routing_by_keywords(cats, ncats, text, &kw);
	category_list_free(cats, ncats);
	free(text);

	memset(out, 0, sizeof *out);
	out->source = "";
	if (dmodel && (dconf >= ROUTING_MODEL_SURE || (!*kw.source && dconf >= ROUTING_MODEL_MIN))) {
		out->department_id = dept;
		out->confidence = dconf;
		out->category_id = cmodel && cconf >= ROUTING_MODEL_MIN ? cat : kw.category_id;
		out->source = "model";
	} else if (*kw.source) {
		*out = kw;
	}
	out->department_id = still_active(
		d, "SELECT count(*) FROM departments WHERE id = ? AND active = 1", out->department_id);
	out->category_id = still_active(
		d, "SELECT count(*) FROM categories WHERE id = ? AND active = 1", out->category_id);
	if (!out->department_id && !out->category_id)
		*out = (routing_suggestion){0, 0, 0, ""};
}
