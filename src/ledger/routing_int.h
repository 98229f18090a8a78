/*
 * routing_int.h — what routing.c (suggesting) and routing_train.c
 * (training) share. Not for other modules.
 */
#ifndef TZ_LEDGER_ROUTING_INT_H
#define TZ_LEDGER_ROUTING_INT_H

#include "ledger/catalog.h"
#include "ledger/routing.h"

/* The text a model reads: title and description on two lines (caller
 * frees). */
char *routing_text(const char *title, const char *description);

/* The keywords' suggestion for a text among the categories cats[0..n):
 * the best-matching category and its usual department; source "" when no
 * keyword matches. */
void routing_by_keywords(const category *cats, size_t n, const char *text,
			 routing_suggestion *out);

#endif
