/*
 * similar.c — the latency of the duplicate check at intake
 * (ledger/similar.h) on a ledger written by bench/gen, on one core.
 *
 *   build/bench/similar --db bench.db [--queries N] [--seed S] [--rebuild]
 *
 * --rebuild first drops every signature and writes them again with
 * similar_backfill() (what `taizhang serve` does for an older ledger), and
 * prints how long that took.
 *
 * Each query is a new report made from a matter of the last
 * SIMILAR_HORIZON_DAYS (the window a duplicate is looked for in), the way
 * residents send them: the same text again (a true duplicate, often still
 * open), the text cut at its first comma with other words appended (a
 * rewording), or the title of one matter with the description of another
 * (mostly no duplicate at all). Each is looked up with similar_find() as
 * the resident form does (public matters only) and as the staff page does
 * (all), with the ledger's "now" a day after its newest matter. Prints the
 * p50, p90, p99 and largest latency in milliseconds, how many queries found
 * a candidate and how many found the matter they were made from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/similar.h"
#include "store/db.h"

typedef struct source {
	int64_t id;
	char *title, *description;
	int64_t category_id, area_id;
} source;

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

/* A random matter's texts, category and area; false when none is read. */
static bool pick(db *d, int64_t min_id, int64_t max_id, source *s)
{
	int64_t id = min_id + (int64_t)(rng() % (uint64_t)(max_id - min_id + 1));
	db_stmt *q = db_query(d, "SELECT title, description, category_id, area_id, id FROM matters"
				 " WHERE id >= ? ORDER BY id LIMIT 1", "i", id);
	bool ok = db_step(q) == DB_ROW;
	if (ok) {
		s->title = db_text_dup(q, 0);
		s->description = db_text_dup(q, 1);
		s->category_id = db_int(q, 2);
		s->area_id = db_int(q, 3);
		s->id = db_int(q, 4);
	}
	db_done(q);
	return ok;
}

static void source_free(source *s)
{
	free(s->title);
	free(s->description);
}

/* The text cut at its first full-width comma, with other words after. */
static char *reworded(const char *text)
{
	const char *comma = strstr(text, "，");
	size_t n = comma ? (size_t)(comma - text) : strlen(text);
	return str_printf("%.*s，好几天了还没人管，麻烦尽快派人来看看处理一下。", (int)n, text);
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* found: queries answered with any candidate; own: those whose answer
 * holds the matter the query was made from (what a lookup with a bound on
 * the rows it reads must not lose). */
static void print_latency(const char *who, double *ms, int n, int found, int own)
{
	qsort(ms, (size_t)n, sizeof *ms, by_value);
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += ms[i];
	printf("%-8s queries=%d found=%d own=%d mean=%.3f p50=%.3f p90=%.3f p99=%.3f max=%.3f ms\n",
	       who, n, found, own, sum / n, ms[n / 2], ms[n * 90 / 100], ms[n * 99 / 100], ms[n - 1]);
}

static int drop_signatures(db *d, void *unused)
{
	return db_exec(d, "DELETE FROM matter_bands", "") == DB_DONE &&
			       db_exec(d, "DELETE FROM matter_signatures", "") == DB_DONE
		       ? 0
		       : -1;
}

/* Drop and rewrite every signature, timed. */
static bool rebuilt(db *d)
{
	int64_t n = 0;
	double t0 = now_ms();
	if (db_transact(d, drop_signatures, NULL) != 0 || similar_backfill(d, 1000, &n) != LEDGER_OK) {
		fprintf(stderr, "bench/similar: rebuilding the signatures failed\n");
		return false;
	}
	printf("backfill: %lld matters in %.1f s\n", (long long)n, (now_ms() - t0) / 1e3);
	return true;
}

/* Time one query as `who`; adds to *found when it found any, and to *own
 * when matter `source_id` is among them. */
static double timed(db *d, const actor *who, const similar_query *q, int64_t source_id,
		    int *found, int *own)
{
	similar_list l;
	double t0 = now_ms();
	if (similar_find(d, who, q, &l) != LEDGER_OK) {
		fprintf(stderr, "bench/similar: lookup failed\n");
		exit(1);
	}
	double t = now_ms() - t0;
	*found += l.n > 0;
	for (size_t i = 0; i < l.n; i++)
		*own += l.items[i].id == source_id;
	similar_list_free(&l);
	return t;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	int64_t queries = 2000, seed = 1;
	bool rebuild = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rebuild")) {
			rebuild = true;
			continue;
		}
		if (i + 1 >= argc)
			break;
		if (!strcmp(argv[i], "--db"))
			path = argv[i + 1];
		else if (!strcmp(argv[i], "--queries"))
			str_to_i64(argv[i + 1], &queries);
		else if (!strcmp(argv[i], "--seed"))
			str_to_i64(argv[i + 1], &seed);
		i++;
	}
	char *err = NULL;
	db *d = path ? db_open(path, &err) : NULL;
	if (!d || queries < 1) {
		fprintf(stderr, "usage: bench/similar --db PATH [--queries N] [--seed S]\n%s\n",
			err ? err : "");
		free(err);
		return 2;
	}
	rng_state ^= (uint64_t)seed * 0xBF58476D1CE4E5B9ULL;
	if (rebuild && !rebuilt(d))
		return 1;
	int64_t max_id = db_scalar(d, 0, "SELECT max(id) FROM matters", "");
	int64_t now = db_scalar(d, 0, "SELECT max(created_at) FROM matters", "") + 86400;
	/* Reports are made from the matters of the duplicate window, where a
	 * resident's second report of the same thing would land. */
	int64_t min_id = db_scalar(d, 1, "SELECT min(id) FROM matters WHERE created_at >= ?", "i",
				   now - (int64_t)SIMILAR_HORIZON_DAYS * 86400);
	int64_t signed_n = db_scalar(d, 0, "SELECT count(*) FROM matter_signatures", "");
	printf("ledger: %lld matters, %lld signatures\n", (long long)max_id, (long long)signed_n);
	actor resident = {0}, clerk = {.role = ROLE_CLERK};
	double *pub = xcalloc((size_t)queries, sizeof *pub), *staff = xcalloc((size_t)queries, sizeof *staff);
	int found_pub = 0, found_staff = 0, own_pub = 0, own_staff = 0;
	for (int64_t i = 0; i < queries; i++) {
		source a, b;
		if (!pick(d, min_id, max_id, &a) || !pick(d, min_id, max_id, &b))
			return 1;
		char *desc = i % 3 == 0 ? xstrdup(a.description)
			   : i % 3 == 1 ? reworded(a.description) : xstrdup(b.description);
		similar_query q = {0, a.title, desc, a.category_id, a.area_id, false, 0, 0, now, 0};
		pub[i] = timed(d, &resident, &q, a.id, &found_pub, &own_pub);
		staff[i] = timed(d, &clerk, &q, a.id, &found_staff, &own_staff);
		free(desc);
		source_free(&a);
		source_free(&b);
	}
	print_latency("resident", pub, (int)queries, found_pub, own_pub);
	print_latency("staff", staff, (int)queries, found_staff, own_staff);
	free(pub);
	free(staff);
	db_close(d);
	return 0;
}
