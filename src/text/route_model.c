/*
 * route_model.c — multinomial logistic regression over folded character
 * unigrams and bigrams (route_model.h): features, training, prediction and
 * the serialised form.
 */
#include "text/route_model.h"
#include "text/fold.h"
#include "base/util.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct route_model {
	uint32_t nlabels, nfeatures;
	int64_t *labels;  /* [nlabels], increasing */
	float *bias;      /* [nlabels] */
	uint64_t *keys;   /* [nfeatures], increasing */
	float *weights;   /* [nfeatures][nlabels] */
};

/* ---------- features ---------- */

/* A feature key: kind (1 one character, 2 a pair) above two 21-bit code
 * points. Exact, so two features never share a weight. */
#define KEY(kind, a, b) (((uint64_t)(kind) << 42) | ((uint64_t)(a) << 21) | (uint64_t)(b))
#define KEY_LIMIT ((uint64_t)3 << 42)

typedef struct keyvec {
	uint64_t *v;
	size_t n, cap;
} keyvec;

static void keyvec_push(keyvec *k, uint64_t key)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 256;
		k->v = xrealloc(k->v, k->cap * sizeof *k->v);
	}
	k->v[k->n++] = key;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Sort and drop repeats. */
static size_t sort_unique(uint64_t *v, size_t n)
{
	size_t m = 0;
	qsort(v, n, sizeof *v, cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || v[m - 1] != v[i])
			v[m++] = v[i];
	return m;
}

/* Append the distinct features of text to out (sorted from out->n on). */
static void text_features(const char *text, keyvec *out)
{
	size_t start = out->n, pos = 0, len = text ? strlen(text) : 0;
	uint32_t prev = 0;
	fold_char c;
	while (fold_next(text, len, &pos, &c)) {
		if (c.cls == FOLD_SEP) {
			prev = 0;
			continue;
		}
		/* Why: house numbers, counts and dates say nothing about who
		 * handles a matter, but that there is a number does. */
		uint32_t cp = c.cp >= '0' && c.cp <= '9' ? '0' : c.cp;
		keyvec_push(out, KEY(1, 0, cp));
		if (prev)
			keyvec_push(out, KEY(2, prev, cp));
		prev = cp;
	}
	out->n = start + sort_unique(out->v + start, out->n - start);
}

/* Index of key in the model's features, or -1. */
static long feature_index(const route_model *m, uint64_t key)
{
	size_t lo = 0, hi = m->nfeatures;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->keys[mid] < key)
			lo = mid + 1;
		else if (m->keys[mid] > key)
			hi = mid;
		else
			return (long)mid;
	}
	return -1;
}

/* ---------- prediction ---------- */

/* Scores of every label for the features idx[0..n) → probabilities in p. */
static void softmax_scores(const float *bias, const float *w, uint32_t k, const uint32_t *idx,
			   size_t n, double *p)
{
	double x = n ? 1.0 / sqrt((double)n) : 0, max = -INFINITY, sum = 0;
	for (uint32_t c = 0; c < k; c++)
		p[c] = bias[c];
	for (size_t i = 0; i < n; i++) {
		const float *row = w + (size_t)idx[i] * k;
		for (uint32_t c = 0; c < k; c++)
			p[c] += x * row[c];
	}
	for (uint32_t c = 0; c < k; c++)
		max = p[c] > max ? p[c] : max;
	for (uint32_t c = 0; c < k; c++)
		sum += p[c] = exp(p[c] - max);
	for (uint32_t c = 0; c < k; c++)
		p[c] /= sum;
}

void route_model_predict(const route_model *m, const char *text, int64_t *label,
			 double *confidence)
{
	keyvec f = {0};
	text_features(text, &f);
	uint32_t *idx = xmalloc((f.n ? f.n : 1) * sizeof *idx);
	size_t n = 0;
	for (size_t i = 0; i < f.n; i++) {
		long j = feature_index(m, f.v[i]);
		if (j >= 0)
			idx[n++] = (uint32_t)j;
	}
	double *p = xmalloc(m->nlabels * sizeof *p);
	softmax_scores(m->bias, m->weights, m->nlabels, idx, n, p);
	uint32_t best = 0;
	for (uint32_t c = 1; c < m->nlabels; c++)
		if (p[c] > p[best])
			best = c;
	*label = m->labels[best];
	*confidence = p[best];
	free(p);
	free(idx);
	free(f.v);
}

size_t route_model_nlabels(const route_model *m)
{
	return m->nlabels;
}

size_t route_model_nfeatures(const route_model *m)
{
	return m->nfeatures;
}

void route_model_free(route_model *m)
{
	if (!m)
		return;
	free(m->labels);
	free(m->bias);
	free(m->keys);
	free(m->weights);
	free(m);
}

/* ---------- training ---------- */

/* The training set as feature indices: doc i is idx[off[i]..off[i+1]). */
typedef struct corpus {
	size_t n;
	size_t *off;
	uint32_t *idx;
	uint32_t *y; /* label index of each doc */
} corpus;

/* The features kept: those in at least min_df texts (each text's are
 * distinct, so equal neighbours in the sorted union count texts). */
static void build_vocabulary(route_model *m, const keyvec *all, size_t min_df)
{
	uint64_t *u = xmalloc((all->n ? all->n : 1) * sizeof *u);
	memcpy(u, all->v, all->n * sizeof *u);
	qsort(u, all->n, sizeof *u, cmp_u64);
	m->keys = xmalloc((all->n ? all->n : 1) * sizeof *m->keys);
	m->nfeatures = 0;
	for (size_t i = 0, j; i < all->n; i = j) {
		for (j = i; j < all->n && u[j] == u[i]; j++)
			;
		if (j - i >= min_df)
			m->keys[m->nfeatures++] = u[i];
	}
	free(u);
}

/* The distinct labels, increasing, and each example's index among them. */
static void build_labels(route_model *m, const int64_t *labels, size_t n, uint32_t *y)
{
	int64_t *l = xmalloc(n * sizeof *l);
	memcpy(l, labels, n * sizeof *l);
	qsort(l, n, sizeof *l, cmp_i64);
	m->nlabels = 0;
	for (size_t i = 0; i < n; i++)
		if (m->nlabels == 0 || l[m->nlabels - 1] != l[i])
			l[m->nlabels++] = l[i];
	m->labels = l;
	for (size_t i = 0; i < n; i++) {
		const int64_t *hit = bsearch(&labels[i], l, m->nlabels, sizeof *l, cmp_i64);
		y[i] = (uint32_t)(hit - l);
	}
}

static void build_corpus(route_model *m, const char *const *texts, const int64_t *labels,
			 size_t n, corpus *c)
{
	keyvec all = {0};
	size_t *start = xmalloc((n + 1) * sizeof *start);
	for (size_t i = 0; i < n; i++) {
		start[i] = all.n;
		text_features(texts[i], &all);
	}
	start[n] = all.n;
	/* Why: a feature of one text only is learnt by heart, not from
	 * evidence; small ledgers keep everything, or they keep nothing. */
	build_vocabulary(m, &all, n >= 50 ? 2 : 1);
	c->n = n;
	c->off = xmalloc((n + 1) * sizeof *c->off);
	c->idx = xmalloc((all.n ? all.n : 1) * sizeof *c->idx);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		c->off[i] = k;
		for (size_t j = start[i]; j < start[i + 1]; j++) {
			long f = feature_index(m, all.v[j]);
			if (f >= 0)
				c->idx[k++] = (uint32_t)f;
		}
	}
	c->off[n] = k;
	c->y = xmalloc(n * sizeof *c->y);
	build_labels(m, labels, n, c->y);
	free(start);
	free(all.v);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* One stochastic gradient step of the log loss on doc i. */
static void sgd_step(route_model *m, const corpus *c, size_t i, double lr, double l2, double *p)
{
	uint32_t k = m->nlabels;
	const uint32_t *idx = c->idx + c->off[i];
	size_t n = c->off[i + 1] - c->off[i];
	double x = n ? 1.0 / sqrt((double)n) : 0;
	softmax_scores(m->bias, m->weights, k, idx, n, p);
	p[c->y[i]] -= 1.0; /* now the gradient of the loss by each score */
	for (uint32_t l = 0; l < k; l++)
		m->bias[l] -= (float)(lr * p[l]);
	for (size_t j = 0; j < n; j++) {
		float *row = m->weights + (size_t)idx[j] * k;
		for (uint32_t l = 0; l < k; l++)
			row[l] -= (float)(lr * (p[l] * x + l2 * row[l]));
	}
}

route_model *route_model_train(const char *const *texts, const int64_t *labels, size_t n,
			       const route_train_opts *opts)
{
	if (n == 0)
		return NULL;
	route_train_opts o = opts ? *opts : (route_train_opts){0};
	int epochs = o.epochs > 0 ? o.epochs : 12;
	double l2 = o.l2 < 0 ? 0 : o.l2 > 0 ? o.l2 : 1e-4;
	uint64_t rng = o.seed ? o.seed : 0x9E3779B97F4A7C15ULL;
	route_model *m = xcalloc(1, sizeof *m);
	corpus c;
	build_corpus(m, texts, labels, n, &c);
	m->bias = xcalloc(m->nlabels, sizeof *m->bias);
	m->weights = xcalloc((size_t)m->nfeatures * m->nlabels + 1, sizeof *m->weights);
	size_t *order = xmalloc(n * sizeof *order);
	double *p = xmalloc(m->nlabels * sizeof *p);
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (int e = 0; e < epochs; e++) {
		for (size_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
			size_t j = (size_t)(xorshift(&rng) % (i + 1)), t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		double lr = 1.0 / (1.0 + 0.5 * e);
		for (size_t i = 0; i < n; i++)
			sgd_step(m, &c, order[i], lr, l2, p);
	}
	free(p);
	free(order);
	free(c.off);
	free(c.idx);
	free(c.y);
	return m;
}

/* ---------- the serialised form ---------- */

/*
 * Little-endian, in this order:
 *   "TZRM", u32 format version (1), u32 feature version (1: route_model.h's
 *   features), u32 labels K, u32 features F,
 *   i64 labels[K] (increasing), f32 bias[K], u64 keys[F] (increasing),
 *   f32 weights[F][K], u64 FNV-1a checksum of everything before it.
 */
#define MAGIC "TZRM"
#define FORMAT_VERSION 1
#define FEATURE_VERSION 1
#define HEADER_SIZE 20
#define MAX_LABELS 4096
#define MAX_FEATURES (1u << 24)

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static void put_le(buf *b, uint64_t v, int bytes)
{
	unsigned char x[8];
	for (int i = 0; i < bytes; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	buf_append(b, x, (size_t)bytes);
}

static void put_f32(buf *b, float f)
{
	uint32_t u;
	memcpy(&u, &f, sizeof u);
	put_le(b, u, 4);
}

void route_model_save(const route_model *m, buf *out)
{
	size_t start = out->len;
	buf_append(out, MAGIC, 4);
	put_le(out, FORMAT_VERSION, 4);
	put_le(out, FEATURE_VERSION, 4);
	put_le(out, m->nlabels, 4);
	put_le(out, m->nfeatures, 4);
	for (uint32_t i = 0; i < m->nlabels; i++)
		put_le(out, (uint64_t)m->labels[i], 8);
	for (uint32_t i = 0; i < m->nlabels; i++)
		put_f32(out, m->bias[i]);
	for (uint32_t i = 0; i < m->nfeatures; i++)
		put_le(out, m->keys[i], 8);
	for (size_t i = 0; i < (size_t)m->nfeatures * m->nlabels; i++)
		put_f32(out, m->weights[i]);
	put_le(out, fnv1a((const unsigned char *)out->data + start, out->len - start), 8);
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Read n floats; false when one is not finite. */
static bool get_floats(const unsigned char *p, size_t n, float *out)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t u = (uint32_t)get_le(p + 4 * i, 4);
		memcpy(&out[i], &u, sizeof u);
		if (!isfinite(out[i]))
			return false;
	}
	return true;
}

/* Do the header's counts fit the length exactly? */
static bool sizes_ok(const unsigned char *p, size_t len, uint32_t *k, uint32_t *f)
{
	if (len < HEADER_SIZE + 8 || memcmp(p, MAGIC, 4) != 0 ||
	    get_le(p + 4, 4) != FORMAT_VERSION || get_le(p + 8, 4) != FEATURE_VERSION)
		return false;
	*k = (uint32_t)get_le(p + 12, 4);
	*f = (uint32_t)get_le(p + 16, 4);
	if (*k < 1 || *k > MAX_LABELS || *f > MAX_FEATURES)
		return false;
	/* Why 64-bit arithmetic: the counts come from outside; with the caps
	 * above the product cannot overflow it, whatever size_t is. */
	uint64_t need = HEADER_SIZE + 12ull * *k + 8ull * *f + 4ull * *f * *k + 8;
	return need == len && get_le(p + len - 8, 8) == fnv1a(p, len - 8);
}

route_model *route_model_load(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t k, f;
	if (!p || !sizes_ok(p, len, &k, &f))
		return NULL;
	route_model *m = xcalloc(1, sizeof *m);
	m->nlabels = k;
	m->nfeatures = f;
	m->labels = xmalloc(k * sizeof *m->labels);
	m->bias = xmalloc(k * sizeof *m->bias);
	m->keys = xmalloc((f ? f : 1) * sizeof *m->keys);
	m->weights = xmalloc(((size_t)f * k + 1) * sizeof *m->weights);
	const unsigned char *q = p + HEADER_SIZE;
	bool ok = true;
	for (uint32_t i = 0; i < k; i++, q += 8) {
		m->labels[i] = (int64_t)get_le(q, 8);
		ok = ok && (i == 0 || m->labels[i] > m->labels[i - 1]);
	}
	ok = ok && get_floats(q, k, m->bias);
	q += 4 * (size_t)k;
	for (uint32_t i = 0; i < f; i++, q += 8) {
		m->keys[i] = get_le(q, 8);
		ok = ok && m->keys[i] < KEY_LIMIT && (i == 0 || m->keys[i] > m->keys[i - 1]);
	}
	ok = ok && get_floats(q, (size_t)f * k, m->weights);
	if (!ok) {
		route_model_free(m);
		return NULL;
	}
	return m;
}
