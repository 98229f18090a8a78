/*
 * similar.h — likely duplicates (疑似重复) of a matter or of a text about to
 * be submitted.
 *
 * Each matter's folded title and description have a MinHash signature and
 * band keys (text/minhash.h), written in the transaction of its submission.
 * similar_find() looks up the matters that share a band key with the text,
 * keeps those a duplicate could be — the same category when both have one,
 * the same area or its parent or a child when both have one (and not more
 * than SIMILAR_FAR_METRES apart when both have a point), open or closed
 * within SIMILAR_CLOSED_DAYS, made within SIMILAR_HORIZON_DAYS, not merged,
 * not rejected, not the matter itself, and only what the reader may see —
 * then scores each from the two texts exactly and keeps those at or above
 * SIMILAR_THRESHOLD, best first.
 *
 * The score is the larger of the Jaccard index of the two shingle sets and
 * 0.8 × their containment, so that a short report whose words are all in a
 * longer one ("extra words") still scores; measured on the labelled pairs
 * of tests/unit/test_similar.c.
 */
#ifndef TZ_LEDGER_SIMILAR_H
#define TZ_LEDGER_SIMILAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/actor.h"
#include "store/db.h"

#define SIMILAR_THRESHOLD 0.30
#define SIMILAR_CLOSED_DAYS 30   /* a closed or resolved matter counts this long */
#define SIMILAR_HORIZON_DAYS 180 /* older matters are not offered, even if open */
#define SIMILAR_FAR_METRES 1000  /* two points further apart are different places */
#define SIMILAR_LIMIT 10         /* default and most candidates answered */

/* What to compare: a matter's fields, or a resident's text not yet
 * submitted (exclude_id 0). Strings are borrowed. */
typedef struct similar_query {
	int64_t exclude_id; /* the matter itself; 0 for none */
	const char *title, *description;
	int64_t category_id, area_id; /* 0: unknown */
	bool has_point;
	double lat, lon;
	int64_t now;  /* unix seconds: the windows end here */
	int limit;    /* 0: SIMILAR_LIMIT; at most SIMILAR_LIMIT */
} similar_query;

/* One candidate; only fields every reader of a visible matter may see. */
typedef struct similar_item {
	int64_t id;
	char *number, *title;
	int status;     /* enum matter_status */
	bool is_public;
	double score;   /* 0..1 */
} similar_item;

typedef struct similar_list {
	similar_item *items;
	size_t n;
} similar_list;

/* The likely duplicates of q, best first (then newest). who decides what
 * is visible: staff see every matter; residents and apps (ROLE_NONE,
 * ROLE_APP) only public ones. LEDGER_OK (possibly with none) or
 * LEDGER_ERROR. The caller frees *out with similar_list_free. */
int similar_find(db *d, const actor *who, const similar_query *q, similar_list *out);

/* The same for a stored matter (its own texts, category, area and point),
 * by number, or by id when number is NULL. LEDGER_NOT_FOUND when there is
 * no such matter. */
int similar_find_matter(db *d, const actor *who, const char *number, int64_t matter_id,
			int64_t now, int limit, similar_list *out);

void similar_list_free(similar_list *l);

/* Write (or rewrite) the signature and band keys of a matter from its row.
 * Call inside the transaction that writes the matter or changes its title,
 * description, category or area. LEDGER_OK or LEDGER_ERROR. */
int similar_index(db *d, int64_t matter_id);

/* Give up to batch matters that have no signature one (an older ledger),
 * each batch in its own transaction. *done gets how many were indexed (0
 * when none are left). LEDGER_OK or LEDGER_ERROR. */
int similar_backfill(db *d, int batch, int64_t *done);

#endif
