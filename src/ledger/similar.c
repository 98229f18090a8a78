/*
 * similar.c — likely duplicates (similar.h): keeping each matter's
 * signature and band keys, and finding the matters a text may duplicate.
 *
 * The lookup is two steps. The band index (matter_bands, schema v8) gives
 * the matters that share at least one band key with the text, filtered by
 * time, category and area on the index rows alone, the ones sharing most
 * bands first; at most CANDIDATES_MAX of them. Then each candidate's row
 * is read for its state, visibility and point, and its texts are compared
 * with the query's exactly.
 */
#include "ledger/similar.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "text/minhash.h"
#include "base/buf.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400
/* Candidates read from the band index before the exact check. Why a cap:
 * a common complaint in one place (路灯不亮 in a big estate) may share bands
 * with hundreds of matters; the ones sharing the most bands are the likely
 * duplicates, and the exact check of each costs a row read. */
#define CANDIDATES_MAX 24
/* Matches read from each band's index, newest first (band_candidates). */
#define PER_BAND 8
/* Index rows looked at in each band, newest first, matching the filters
 * or not. Why a bound: in a band shared by thousands of matters of other
 * categories and areas, finding PER_BAND that match could mean walking all
 * of them; a duplicate outranked there is still found through its other,
 * rarer bands. Measured with bench/similar at 1,000,000 matters: 1024
 * finds what an unbounded walk finds (the same queries, the same own
 * matters), at a third of its p99 (docs/performance.md). */
#ifndef SCAN_PER_BAND /* -D for bench/similar comparisons */
#define SCAN_PER_BAND 1024
#endif

/* The shingles of a matter's text: title and description as two runs. */
static void text_shingles(const char *title, const char *description, shingles *s)
{
	if (title)
		shingles_add(s, title, strlen(title));
	if (description)
		shingles_add(s, description, strlen(description));
	shingles_finish(s);
}

/* ---- the index ---- */

/* Insert (add true) or delete the band rows of a signature, in one
 * statement: on PostgreSQL each statement is a round trip to the server,
 * and an import of thousands of matters would make 32 per matter. */
static int write_bands(db *d, const uint32_t sig[MINHASH_K], int64_t matter_id,
		       int64_t created_at, int64_t category_id, int64_t area_id, bool add)
{
	int64_t keys[MINHASH_BANDS];
	size_t n = minhash_bands(sig, keys);
	if (n == 0)
		return LEDGER_OK;
	db_arg args[MINHASH_BANDS * 5];
	int nargs = 0;
	buf sql = BUF_INIT;
	if (add) {
		buf_puts(&sql, "INSERT INTO matter_bands(band_key, created_at, matter_id, category_id,"
			       " area_id) VALUES ");
		for (size_t i = 0; i < n; i++) {
			buf_puts(&sql, i ? ", (?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)");
			int64_t v[5] = {keys[i], created_at, matter_id, category_id, area_id};
			for (int k = 0; k < 5; k++)
				args[nargs++] = (db_arg){.type = 'i', .i = v[k]};
		}
		buf_puts(&sql, " ON CONFLICT DO NOTHING");
	} else {
		buf_puts(&sql, "DELETE FROM matter_bands WHERE created_at = ? AND matter_id = ?"
			       " AND band_key IN (");
		args[nargs++] = (db_arg){.type = 'i', .i = created_at};
		args[nargs++] = (db_arg){.type = 'i', .i = matter_id};
		for (size_t i = 0; i < n; i++) {
			buf_puts(&sql, i ? ", ?" : "?");
			args[nargs++] = (db_arg){.type = 'i', .i = keys[i]};
		}
		buf_puts(&sql, ")");
	}
	db_stmt *q = db_query_args(d, buf_str(&sql), args, nargs);
	int r = q ? db_step(q) : DB_ERROR;
	db_done(q);
	buf_free(&sql);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* Remove what an earlier similar_index wrote for this matter, if any. */
static int drop_old(db *d, int64_t matter_id, int64_t created_at)
{
	uint32_t old[MINHASH_K];
	int have = -1, rc = LEDGER_OK;
	db_stmt *q = db_query(d, "SELECT signature FROM matter_signatures WHERE matter_id = ?", "i",
			      matter_id);
	if (db_step(q) == DB_ROW) {
		size_t n = 0;
		const void *p = db_blob(q, 0, &n);
		have = minhash_unpack(p, n, old);
	}
	db_done(q);
	if (have == 0)
		rc = write_bands(d, old, matter_id, created_at, 0, 0, false);
	return rc;
}

int similar_index(db *d, int64_t matter_id)
{
	shingles s = SHINGLES_INIT;
	int64_t created_at = 0, category_id = 0, area_id = 0;
	db_stmt *q = db_query(d, "SELECT title, description, created_at, category_id, area_id"
				 " FROM matters WHERE id = ?", "i", matter_id);
	int r = db_step(q);
	if (r == DB_ROW) {
		text_shingles(db_text(q, 0), db_text(q, 1), &s);
		created_at = db_int(q, 2);
		category_id = db_int(q, 3);
		area_id = db_int(q, 4);
	}
	db_done(q);
	if (r != DB_ROW) {
		shingles_free(&s);
		return LEDGER_ERROR;
	}
	uint32_t sig[MINHASH_K];
	unsigned char packed[MINHASH_K * 4];
	minhash_sign(&s, sig);
	minhash_pack(sig, packed);
	shingles_free(&s);
	if (drop_old(d, matter_id, created_at) != LEDGER_OK ||
	    db_exec(d, "INSERT INTO matter_signatures(matter_id, signature) VALUES (?, ?)"
		       " ON CONFLICT (matter_id) DO UPDATE SET signature = excluded.signature",
		    "ib", matter_id, packed, sizeof packed) != DB_DONE)
		return LEDGER_ERROR;
	return write_bands(d, sig, matter_id, created_at, category_id, area_id, true);
}

struct backfill_ctx {
	int batch;
	int64_t after, done;
};

static int backfill_tx(db *d, void *vctx)
{
	struct backfill_ctx *x = vctx;
	int64_t ids[1000];
	int n = 0, batch = x->batch > 0 && x->batch < 1000 ? x->batch : 1000;
	db_stmt *q = db_query(d, "SELECT m.id FROM matters m WHERE m.id > ? AND NOT EXISTS"
				 " (SELECT 1 FROM matter_signatures s WHERE s.matter_id = m.id)"
				 " ORDER BY m.id LIMIT ?", "ii", x->after, (int64_t)batch);
	while (n < batch && db_step(q) == DB_ROW)
		ids[n++] = db_int(q, 0);
	db_done(q);
	for (int i = 0; i < n; i++)
		if (similar_index(d, ids[i]) != LEDGER_OK)
			return LEDGER_ERROR;
	if (n > 0)
		x->after = ids[n - 1];
	return n;
}

int similar_backfill(db *d, int batch, int64_t *done)
{
	struct backfill_ctx x = {batch, 0, 0};
	int n;
	*done = 0;
	/* Every matter has a signature when the counts agree (a signature
	 * belongs to a matter, and is written with it): then nothing is
	 * walked, and a large ledger starts at once (two index counts instead
	 * of a probe per matter: 4.6 s at 1,000,000 matters). */
	int64_t matters = db_scalar(d, -1, "SELECT count(*) FROM matters", "");
	if (matters >= 0 && matters == db_scalar(d, -2, "SELECT count(*) FROM matter_signatures", ""))
		return LEDGER_OK;
	/* One transaction per batch: a large ledger is indexed without one
	 * huge transaction, and what is done stays done if it stops. */
	while ((n = db_transact(d, backfill_tx, &x)) > 0)
		x.done += n;
	*done = x.done;
	return n < 0 ? LEDGER_ERROR : LEDGER_OK;
}

/* ---- the lookup ---- */

typedef struct candidate {
	int64_t id;
	int shared; /* band keys in common */
} candidate;

/* The parent of an area (0 for none). */
static int64_t area_parent(db *d, int64_t area_id)
{
	return area_id ? db_scalar(d, 0, "SELECT parent_id FROM areas WHERE id = ?", "i", area_id)
		       : 0;
}

/* Add one band's matter to the tally (linear: a few hundred at most). */
static void tally(candidate *seen, int *nseen, int max, int64_t id)
{
	for (int i = 0; i < *nseen; i++)
		if (seen[i].id == id) {
			seen[i].shared++;
			return;
		}
	if (*nseen < max)
		seen[(*nseen)++] = (candidate){id, 1};
}

static int by_shared(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	if (x->shared != y->shared)
		return y->shared - x->shared;
	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* The matters sharing a band key with keys[], in the windows, category
 * and area of q; those sharing most bands first, then the newest; at most
 * CANDIDATES_MAX. Why band by band, newest first, PER_BAND at most: a
 * common complaint shares its bands with thousands of matters (every
 * 路灯不亮 of the district); looking at only the newest SCAN_PER_BAND rows
 * of each band's index and keeping PER_BAND matches keeps the cost the
 * same at any ledger size, and a matter that many newer ones outrank is
 * not the one a resident means. The inner SELECT runs as a co-routine
 * that hands its rows over newest first, so the outer LIMIT stops reading
 * as soon as PER_BAND have passed the filters. Returns how many, or -1. */
static int band_candidates(db *d, const similar_query *q, const int64_t keys[MINHASH_BANDS],
			   candidate out[CANDIDATES_MAX])
{
	enum { SEEN_MAX = MINHASH_BANDS * PER_BAND };
	candidate *seen = xmalloc(SEEN_MAX * sizeof *seen);
	int64_t parent = area_parent(d, q->area_id);
	int nseen = 0, r = DB_DONE;
	for (int band = 0; band < MINHASH_BANDS && r >= 0; band++) {
		db_stmt *s = db_query(
			d,
			"SELECT matter_id FROM (SELECT matter_id, category_id, area_id, created_at"
			"   FROM matter_bands WHERE band_key = ? AND created_at >= ?"
			"   ORDER BY created_at DESC LIMIT ?) AS newest"
			" WHERE matter_id <> ?"
			" AND (? = 0 OR category_id = 0 OR category_id = ?)"
			" AND (? = 0 OR area_id = 0 OR area_id = ? OR area_id = ?"
			"   OR area_id IN (SELECT id FROM areas WHERE parent_id = ?))"
			" LIMIT ?",
			"iii" "i" "ii" "iiii" "i", keys[band],
			q->now - (int64_t)SIMILAR_HORIZON_DAYS * DAY, (int64_t)SCAN_PER_BAND,
			q->exclude_id, q->category_id, q->category_id, q->area_id, q->area_id,
			parent ? parent : -1, q->area_id, (int64_t)PER_BAND);
		while ((r = db_step(s)) == DB_ROW)
			tally(seen, &nseen, SEEN_MAX, db_int(s, 0));
		db_done(s);
	}
	if (nseen)
		qsort(seen, (size_t)nseen, sizeof *seen, by_shared);
	int n = nseen < CANDIDATES_MAX ? nseen : CANDIDATES_MAX;
	memcpy(out, seen, (size_t)n * sizeof *out);
	free(seen);
	return r < 0 ? -1 : n;
}

/* Metres between two WGS84 points (haversine on a sphere). */
static double metres_between(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = M_PI / 180.0, earth = 6371000.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double h = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * earth * asin(sqrt(h < 1 ? h : 1));
}

/* Could a matter in this state still be what a new report duplicates? */
static bool still_relevant(int status, int64_t resolved_at, int64_t closed_at, int64_t now)
{
	int64_t since = now - (int64_t)SIMILAR_CLOSED_DAYS * DAY;
	if (status == ST_MERGED || status == ST_REJECTED)
		return false;
	if (status == ST_CLOSED)
		return closed_at >= since;
	if (status == ST_RESOLVED)
		return resolved_at >= since;
	return true;
}

/* The score of two shingle sets (similar.h says why this formula). */
static double score_of(const shingles *a, const shingles *b)
{
	double j = shingles_jaccard(a, b), c = 0.8 * shingles_containment(a, b);
	return j > c ? j : c;
}

static void add_item(similar_list *out, size_t *cap, db_stmt *r, int64_t id, double score)
{
	if (out->n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		out->items = xrealloc(out->items, *cap * sizeof *out->items);
	}
	similar_item *it = &out->items[out->n++];
	it->id = id;
	it->number = db_text_dup(r, 0);
	it->title = db_text_dup(r, 1);
	it->status = status_from_name(db_text(r, 3));
	it->is_public = db_int(r, 4) != 0;
	it->score = score;
}

/* Read candidate id, and add it to out when it is relevant, visible and
 * alike enough. Returns LEDGER_OK or LEDGER_ERROR. */
static int check_candidate(db *d, const similar_query *q, const shingles *mine, bool public_only,
			   int64_t id, similar_list *out, size_t *cap)
{
	db_stmt *r = db_query(d, "SELECT number, title, description, status, public, resolved_at,"
				 " closed_at, lat, lon FROM matters WHERE id = ?", "i", id);
	int rc = db_step(r);
	if (rc == DB_ROW) {
		int status = status_from_name(db_text(r, 3));
		bool visible = !public_only || db_int(r, 4) != 0;
		bool far = q->has_point && !db_is_null(r, 7) &&
			   metres_between(q->lat, q->lon, db_double(r, 7), db_double(r, 8)) >
				   SIMILAR_FAR_METRES;
		if (visible && !far && still_relevant(status, db_int(r, 5), db_int(r, 6), q->now)) {
			shingles theirs = SHINGLES_INIT;
			text_shingles(db_text(r, 1), db_text(r, 2), &theirs);
			double score = score_of(mine, &theirs);
			shingles_free(&theirs);
			if (score >= SIMILAR_THRESHOLD)
				add_item(out, cap, r, id, score);
		}
	}
	db_done(r);
	return rc < 0 ? LEDGER_ERROR : LEDGER_OK;
}

static int by_score(const void *a, const void *b)
{
	const similar_item *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

int similar_find(db *d, const actor *who, const similar_query *q, similar_list *out)
{
	memset(out, 0, sizeof *out);
	/* Why: titles of private matters (信访, 举报, wage claims) are for
	 * staff; a resident or an app is only ever shown public ones. */
	bool public_only = !who || !(who->role & ROLE_STAFF);
	int limit = q->limit > 0 && q->limit < SIMILAR_LIMIT ? q->limit : SIMILAR_LIMIT;
	shingles mine = SHINGLES_INIT;
	text_shingles(q->title, q->description, &mine);
	uint32_t sig[MINHASH_K];
	int64_t keys[MINHASH_BANDS];
	minhash_sign(&mine, sig);
	candidate c[CANDIDATES_MAX];
	int n = minhash_bands(sig, keys) ? band_candidates(d, q, keys, c) : 0;
	int rc = n < 0 ? LEDGER_ERROR : LEDGER_OK;
	size_t cap = 0;
	for (int i = 0; rc == LEDGER_OK && i < n; i++)
		rc = check_candidate(d, q, &mine, public_only, c[i].id, out, &cap);
	shingles_free(&mine);
	if (rc != LEDGER_OK) {
		similar_list_free(out);
		return rc;
	}
	if (out->n)
		qsort(out->items, out->n, sizeof *out->items, by_score);
	while (out->n > (size_t)limit) {
		similar_item *it = &out->items[--out->n];
		free(it->number);
		free(it->title);
	}
	return LEDGER_OK;
}

int similar_find_matter(db *d, const actor *who, const char *number, int64_t matter_id,
			int64_t now, int limit, similar_list *out)
{
	memset(out, 0, sizeof *out);
	db_stmt *r = db_query(d, "SELECT id, title, description, category_id, area_id, lat, lon"
				 " FROM matters WHERE id = ? OR number = ?", "it",
			      number ? 0 : matter_id, number ? number : "");
	int rc = db_step(r);
	if (rc != DB_ROW) {
		db_done(r);
		return rc == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
	}
	char *title = db_text_dup(r, 1), *description = db_text_dup(r, 2);
	similar_query q = {db_int(r, 0), title, description, db_int(r, 3), db_int(r, 4),
			   !db_is_null(r, 5), db_double(r, 5), db_double(r, 6), now, limit};
	db_done(r);
	rc = similar_find(d, who, &q, out);
	free(title);
	free(description);
	return rc;
}

void similar_list_free(similar_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].number);
		free(l->items[i].title);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}
