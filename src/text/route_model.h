/*
 * route_model.h — a linear classifier over Chinese text: which department
 * (or category) a matter's text belongs to, learnt from matters the office
 * has already routed.
 *
 * Features are the folded characters of the text (fold.h) and every pair of
 * neighbours within a run, each present or not (no counts: a long text
 * repeating 下水道 is no more about water than a short one), scaled to unit
 * length. Digits fold to one digit, so "3号楼" and "12号楼" are the same
 * feature. A feature is its exact code points packed into 64 bits, so there
 * are no hash collisions; the model keeps only the features seen in at
 * least two training texts.
 *
 * The model is multinomial logistic regression trained by stochastic
 * gradient descent with a small L2 penalty; a prediction's confidence is
 * its softmax probability. Training is deterministic for a given seed.
 *
 * Pure: no database. ledger/routing.c stores models as the byte blobs of
 * route_model_save() and reads them back with route_model_load(), which
 * refuses anything malformed.
 */
#ifndef TZ_TEXT_ROUTE_MODEL_H
#define TZ_TEXT_ROUTE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

typedef struct route_model route_model;

typedef struct route_train_opts {
	uint64_t seed; /* the order examples are visited in; 0 is a fixed default */
	int epochs;    /* passes over the examples; 0: 12 */
	double l2;     /* penalty per update; < 0: none, 0: the default 1e-4 */
} route_train_opts;

/* Learn from n texts and their labels (any int64 ids, at least one
 * distinct). Returns the model (free with route_model_free), or NULL when
 * n is 0. opts may be NULL for the defaults. */
route_model *route_model_train(const char *const *texts, const int64_t *labels, size_t n,
			       const route_train_opts *opts);

/* The most likely label of text and its probability 0..1. A text with no
 * known feature gets the label the model's biases favour (about the most
 * frequent one), at that label's share of probability. */
void route_model_predict(const route_model *m, const char *text, int64_t *label,
			 double *confidence);

/* How many labels and features the model knows. */
size_t route_model_nlabels(const route_model *m);
size_t route_model_nfeatures(const route_model *m);

/* Append the model's serialised form to out: little-endian, versioned,
 * with a checksum. */
void route_model_save(const route_model *m, buf *out);

/* Read a serialised model back; NULL when the bytes are not a whole, valid
 * model of a version this build reads (never crashes on bad input). */
route_model *route_model_load(const void *data, size_t len);

void route_model_free(route_model *m);

#endif
