/*
 * stats.h — the figures of the wall chart (挂图作战) and the briefing
 * (简报) besides the rates: the weekly trend, the top categories and
 * areas, the workflow with its side paths, and typical resolved cases.
 *
 * Every function takes the rates' filter (rates.h: handed in between
 * from and to, lead department, category, area) and leaves merged
 * matters out, like the rates. Nothing here reads residents' personal
 * data: no submitter column is ever selected.
 */
#ifndef TZ_LEDGER_STATS_H
#define TZ_LEDGER_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/rates.h"
#include "store/db.h"

/* One bucket of the trend: of the period's matters, those handed in and
 * those resolved (and still resolved or closed) within [start, start +
 * days). Resolutions after the period's end are in no bucket. */
typedef struct stats_bucket {
	char start[11]; /* YYYY-MM-DD */
	int days;
	int64_t handed_in, resolved;
} stats_bucket;

#define STATS_MAX_BUCKETS 53

/* The trend over [f->from, f->to] (both required) in weeks from f->from;
 * periods longer than STATS_MAX_BUCKETS weeks use longer buckets. *out is
 * malloc'ed (caller frees). LEDGER_OK, LEDGER_INVALID for missing or bad
 * dates, LEDGER_ERROR. */
int stats_trend(db *d, const rates_filter *f, stats_bucket **out, size_t *n);

/* A name and a count: a category or an area. */
typedef struct stats_top {
	int64_t id; /* 0: none given */
	char *name;
	int64_t count;
} stats_top;

/* The `limit` categories (by_area false) or areas (true) with the most
 * matters of f, most first, then by id. Free with stats_top_free. */
int stats_top_list(db *d, const rates_filter *f, bool by_area, int limit, stats_top **out,
		   size_t *n);
void stats_top_free(stats_top *v, size_t n);

/* The workflow: how many matters of f reached each stage (a matter
 * counts in every stage it passed), and how many took each side path. */
typedef struct stats_flow {
	int64_t handed_in; /* 待受理: every matter */
	int64_t accepted;  /* 已受理: taken in (not waiting, not rejected) */
	int64_t assigned;  /* 已派单: given to a department at least once */
	int64_t working;   /* 办理中: progress written, or resolved */
	int64_t resolved;  /* 已办结: resolved (now resolved or closed) */
	int64_t closed;    /* 已销号 */
	int64_t rejected;  /* 不予受理 */
	int64_t returned;  /* 退单 at least once */
	int64_t extended;  /* 延期 at least once */
	int64_t reopened;  /* 重办 at least once (sent back by a leader, or by a
			    * dissatisfied rating) */
} stats_flow;

int stats_workflow(db *d, const rates_filter *f, stats_flow *out);

/* A typical case (典型案例): a public matter of the period, resolved (or
 * closed) with a result and rated satisfied or basically satisfied. Only
 * public columns. */
typedef struct stats_case {
	char *number, *title, *category, *area, *department, *result, *rating;
	int64_t resolved_at;
} stats_case;

/* Up to `limit` typical cases of f: satisfied before basically satisfied,
 * then the latest resolved first. Free with stats_cases_free. */
int stats_cases(db *d, const rates_filter *f, int limit, stats_case **out, size_t *n);
void stats_cases_free(stats_case *v, size_t n);

#endif
