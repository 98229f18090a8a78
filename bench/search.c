/*
 * search.c — `bench/search --db LEDGER [--reps N] [--out FILE.md]`: how
 * fast taizhang's full-text search answers, beside the two ways it could
 * have been done instead, in the same run on the same texts.
 *
 * Every query of a fixed set (one, two and four Chinese characters, and
 * mixed queries: Latin and digits with Chinese, two words, traditional
 * script) goes through four paths, each reading a page of 20 whole matter
 * rows as the list pages do:
 *
 *   taizhang   matter_find() with filter.q as a clerk's list calls it (any
 *              filter, limit 20, count up to MATTER_COUNT_CAP): the ranked
 *              search over matter_search, its capped count and snippets;
 *   public     the same with public_only, as the public board calls it;
 *   LIKE       what taizhang did before the index: title or description
 *              LIKE '%word%' (each word of the query), newest first, with
 *              a count that stops at MATTER_COUNT_CAP;
 *   trigram    FTS5's own trigram tokenizer over the same columns (a table
 *              in LEDGER.ref.db, built from matter_search's content on the
 *              first run and reused while the ledger has the same rows):
 *              MATCH of the quoted words, ORDER BY rank LIMIT 20, and a
 *              count that stops at MATTER_COUNT_CAP.
 *
 * Each runs once to warm the caches, then up to --reps times (default 50)
 * or until it has spent REP_BUDGET seconds with at least REP_MIN runs, one
 * thread, one connection. Reported: p50 and p99 per query and per class of
 * query, the ratios to the references, how many matters each engine finds
 * at all (counted once, untimed: recall), and the size of each index
 * beside the bytes of the text it indexes (from SQLite's dbstat: the pages
 * of each shadow table). Markdown on standard output and in --out.
 *
 * The search's own path is taizhang's API; the references are SQL on the
 * same connection (the ledger with LEDGER.ref.db attached), so every path
 * pays for the same statement cache and the same row reading.
 */
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/matter_row.h"
#include "ledger/search.h"
#include "base/buf.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
	"usage: bench/search --db LEDGER [--reps N] [--out FILE.md] [--engines LIST]\n"
	"Time taizhang's search (staff and public) against a LIKE scan and FTS5's trigram\n"
	"tokenizer on the same ledger (LEDGER.ref.db holds the trigram table), and compare\n"
	"the sizes of the indexes with the text. Prints a markdown report. --engines: a\n"
	"comma list of taizhang,public,like,trigram (default: all).\n";

/* Why a time budget: at a million matters a LIKE query that matches
 * nothing reads every row, a second or more; fifty of those per query
 * would take the run past an hour without changing its median. */
#define REP_BUDGET 10.0
#define REP_MIN 5
#define PAGE 20

enum engine { E_STAFF, E_PUBLIC, E_LIKE, E_TRIGRAM, E_COUNT };
static const char *const engine_names[E_COUNT] = {"taizhang", "taizhang public", "LIKE",
						  "trigram"};
/* Their names for --engines. */
static const char *const engine_flags[E_COUNT] = {"taizhang", "public", "like", "trigram"};

enum qclass { C_ONE, C_TWO, C_FOUR, C_MIXED, C_COUNT };
static const char *const class_names[C_COUNT] = {"1 character", "2 characters",
						 "4 characters", "mixed"};

/* The queries: words that occur in the generated texts (src/demo/
 * demo_text.c and the seed matters), except where the point is that a
 * reference cannot find them (廁所 and 擾民 are traditional script). */
static const struct {
	enum qclass cls;
	const char *q;
} queries[] = {
	{C_ONE, "井"},           {C_ONE, "灯"},           {C_ONE, "水"},
	{C_TWO, "井盖"},         {C_TWO, "电梯"},         {C_TWO, "路灯"},
	{C_TWO, "厕所"},         {C_TWO, "噪音"},         {C_FOUR, "垃圾堆放"},
	{C_FOUR, "路灯不亮"},    {C_FOUR, "占道经营"},    {C_FOUR, "污水外溢"},
	{C_MIXED, "App 异地就医"}, {C_MIXED, "307国道 井盖"}, {C_MIXED, "路灯 不亮"},
	{C_MIXED, "廁所"},       {C_MIXED, "噪音擾民"},
};
#define NQUERIES (sizeof queries / sizeof queries[0])

typedef struct samples {
	double *ms;
	size_t n, cap;
} samples;

typedef struct result {
	samples t;
	int64_t found; /* what the timed path's count said (capped) */
	bool more;     /* ... and that there were more */
	int64_t exact; /* every match, counted once untimed; -1: not counted */
} result;

typedef struct bench {
	db *d;
	actor clerk;
	char today[11];
	int reps;
	bool engines[E_COUNT]; /* which paths to run (--engines) */
	result r[NQUERIES][E_COUNT];
} bench;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sample_add(samples *s, double v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->ms = xrealloc(s->ms, s->cap * sizeof *s->ms);
	}
	s->ms[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The p-th percentile (0..100) by the nearest-rank method; NAN when empty.
 * Sorts s. */
static double percentile(samples *s, double p)
{
	if (!s->n)
		return NAN;
	qsort(s->ms, s->n, sizeof *s->ms, cmp_double);
	size_t rank = (size_t)ceil(p / 100.0 * (double)s->n);
	return s->ms[rank ? rank - 1 : 0];
}

/* The words of q (split at ASCII spaces), at most 8. Returns how many;
 * each is a copy the caller frees. */
static int split_words(const char *q, char *words[8])
{
	int n = 0;
	const char *p = q;
	while (*p && n < 8) {
		while (*p == ' ')
			p++;
		const char *start = p;
		while (*p && *p != ' ')
			p++;
		if (p > start)
			words[n++] = xstrndup(start, (size_t)(p - start));
	}
	return n;
}

static void free_words(char *words[8], int n)
{
	for (int i = 0; i < n; i++)
		free(words[i]);
}

/* Read the rows of a page query as matter_find does; the number read. */
static int read_page(bench *b, db_stmt *q)
{
	int n = 0, r;
	while ((r = db_step(q)) == DB_ROW) {
		matter m;
		matter_row_read(q, &b->clerk, b->today, &m);
		matter_clear(&m);
		n++;
	}
	db_done(q);
	return r == DB_DONE ? n : -1;
}

/* ---- the four paths: each returns its capped count, or -1 ---- */

static int64_t run_taizhang(bench *b, const char *q, bool public_only, bool *more)
{
	matter_filter f = matter_filter_any();
	f.q = q;
	f.limit = PAGE;
	f.public_only = public_only;
	actor anon = {.role = ROLE_NONE};
	matter_list l;
	if (matter_find(b->d, public_only ? &anon : &b->clerk, &f, b->today, &l) != LEDGER_OK)
		return -1;
	int64_t total = l.total;
	*more = l.more;
	matter_list_free(&l);
	return total;
}

/* The LIKE condition for n words: "(m.title LIKE ? OR m.description LIKE ?)"
 * for each, ANDed; args gets the patterns (twice each), which the caller
 * frees. Literal text only. */
static char *like_where(char *words[8], int n, db_arg *args, char *pat[8])
{
	buf w = BUF_INIT;
	for (int i = 0; i < n; i++) {
		buf_puts(&w, i ? " AND " : " WHERE ");
		buf_puts(&w, "(m.title LIKE ? OR m.description LIKE ?)");
		pat[i] = str_printf("%%%s%%", words[i]);
		args[2 * i] = (db_arg){.type = 't', .t = pat[i]};
		args[2 * i + 1] = (db_arg){.type = 't', .t = pat[i]};
	}
	return buf_steal(&w);
}

static int64_t run_like(bench *b, const char *q, bool *more, bool exact)
{
	char *words[8], *pat[8];
	db_arg args[16];
	int n = split_words(q, words);
	char *where = like_where(words, n, args, pat);
	char *count_sql = exact ? str_printf("SELECT count(*) FROM matters m%s", where)
				: str_printf("SELECT count(*) FROM (SELECT 1 FROM matters m%s LIMIT %d)",
					     where, MATTER_COUNT_CAP + 1);
	int64_t total = -1;
	db_stmt *st = db_query_args(b->d, count_sql, args, 2 * n);
	if (db_step(st) == DB_ROW)
		total = db_int(st, 0);
	db_done(st);
	*more = !exact && total > MATTER_COUNT_CAP;
	if (*more)
		total = MATTER_COUNT_CAP;
	if (!exact && total >= 0) {
		char *sql = str_printf("%s%s ORDER BY m.created_at DESC, m.id DESC LIMIT %d",
				       matter_select_sql, where, PAGE);
		if (read_page(b, db_query_args(b->d, sql, args, 2 * n)) < 0)
			total = -1;
		free(sql);
	}
	free(count_sql);
	free(where);
	free_words(pat, n);
	free_words(words, n);
	return total;
}

/* The trigram query for q: each word as an FTS5 string, ANDed (the same
 * meaning as taizhang's query). Caller frees. */
static char *trigram_match(const char *q)
{
	char *words[8];
	int n = split_words(q, words);
	buf m = BUF_INIT;
	for (int i = 0; i < n; i++) {
		buf_puts(&m, i ? " AND \"" : "\"");
		for (const char *p = words[i]; *p; p++) {
			if (*p == '"')
				buf_putc(&m, '"');
			buf_putc(&m, *p);
		}
		buf_putc(&m, '"');
	}
	free_words(words, n);
	return buf_steal(&m);
}

static int64_t run_trigram(bench *b, const char *q, bool *more, bool exact)
{
	char *match = trigram_match(q);
	int64_t total = -1;
	db_stmt *st = db_query(b->d,
			       exact ? "SELECT count(*) FROM ref.matter_trigram WHERE matter_trigram MATCH ?"
				     : "SELECT count(*) FROM (SELECT 1 FROM ref.matter_trigram"
				       " WHERE matter_trigram MATCH ? LIMIT 10001)",
			       "t", match);
	if (db_step(st) == DB_ROW)
		total = db_int(st, 0);
	db_done(st);
	*more = !exact && total > MATTER_COUNT_CAP;
	if (*more)
		total = MATTER_COUNT_CAP;
	if (!exact && total >= 0) {
		char *sql = str_printf("%s JOIN (SELECT rowid AS id, rank AS r FROM ref.matter_trigram"
				       " WHERE matter_trigram MATCH ? ORDER BY rank LIMIT %d) t"
				       " ON t.id = m.id ORDER BY t.r",
				       matter_select_sql, PAGE);
		if (read_page(b, db_query(b->d, sql, "t", match)) < 0)
			total = -1;
		free(sql);
	}
	free(match);
	return total;
}

static int64_t run_once(bench *b, size_t qi, enum engine e, bool *more)
{
	const char *q = queries[qi].q;
	switch (e) {
	case E_STAFF:
		return run_taizhang(b, q, false, more);
	case E_PUBLIC:
		return run_taizhang(b, q, true, more);
	case E_LIKE:
		return run_like(b, q, more, false);
	default:
		return run_trigram(b, q, more, false);
	}
}

/* Every match of query qi in engine e, counted without a cap (untimed). */
static int64_t count_exact(bench *b, size_t qi, enum engine e)
{
	bool more;
	const char *q = queries[qi].q;
	if (e == E_LIKE)
		return run_like(b, q, &more, true);
	if (e == E_TRIGRAM)
		return run_trigram(b, q, &more, true);
	char *match = search_match(q, e == E_PUBLIC);
	if (!match)
		return 0;
	int64_t n = e == E_PUBLIC
			    ? db_scalar(b->d, -1,
					/* CROSS JOIN: the index first (see the report) */
					"SELECT count(*) FROM matter_search CROSS JOIN matters m"
					" ON m.id = matter_search.rowid WHERE matter_search MATCH ?"
					" AND m.public = 1 AND m.status <> 'merged'",
					"t", match)
			    : db_scalar(b->d, -1,
					"SELECT count(*) FROM matter_search WHERE matter_search MATCH ?",
					"t", match);
	free(match);
	return n;
}

/* Time query qi on engine e: a warm-up, then the repetitions. A warm-up
 * slower than REP_BUDGET is itself the only run: such a query is bound by
 * work, not by the cache, and repeating it would only make the run long. */
static int measure(bench *b, size_t qi, enum engine e)
{
	result *r = &b->r[qi][e];
	r->exact = -1;
	if (!b->engines[e])
		return 0;
	double t0 = now_ms();
	r->found = run_once(b, qi, e, &r->more);
	double warm = now_ms() - t0;
	if (r->found < 0)
		return -1;
	if (warm > REP_BUDGET * 1e3) {
		sample_add(&r->t, warm);
		goto counted;
	}
	double spent = 0;
	for (int i = 0; i < b->reps && (spent < REP_BUDGET * 1e3 || i < REP_MIN); i++) {
		double t0 = now_ms();
		r->found = run_once(b, qi, e, &r->more);
		double took = now_ms() - t0;
		if (r->found < 0)
			return -1;
		sample_add(&r->t, took);
		spent += took;
	}
counted:
	r->exact = count_exact(b, qi, e);
	fprintf(stderr, "bench/search: %-16s %-14s %3zu runs, p50 %.2f ms\n", engine_names[e],
		queries[qi].q, r->t.n, percentile(&r->t, 50));
	return 0;
}

/* ---- the trigram reference ---- */

static int build_trigram(db *d, void *unused)
{
	static const char *const steps[] = {
		"DROP TABLE IF EXISTS ref.matter_trigram",
		"DROP TABLE IF EXISTS ref.built",
		"CREATE VIRTUAL TABLE ref.matter_trigram USING fts5(number, title, result,"
		" public_notes, description, address, internal_notes, tokenize = 'trigram')",
		/* the very texts taizhang indexed: the content of matter_search */
		"INSERT INTO ref.matter_trigram(rowid, number, title, result, public_notes,"
		" description, address, internal_notes)"
		" SELECT id, c0, c1, c2, c3, c4, c5, c6 FROM main.matter_search_content",
		"INSERT INTO ref.matter_trigram(matter_trigram) VALUES ('optimize')",
		"CREATE TABLE ref.built AS SELECT count(*) AS n, max(id) AS top"
		" FROM main.matter_search_content",
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (db_exec(d, steps[i], "") != DB_DONE)
			return -1;
	return 0;
}

/* Attach LEDGER.ref.db and make sure its trigram table holds the ledger's
 * texts as they are now: rebuilt when the row count or the newest row
 * differs (bench/run adds matters in its POST scenario). */
static int open_reference(bench *b, const char *ledger)
{
	char *path = str_printf("%s.ref.db", ledger);
	int rc = db_exec(b->d, "ATTACH ? AS ref", "t", path) == DB_DONE ? 0 : -1;
	free(path);
	if (rc)
		return -1;
	int64_t n = db_scalar(b->d, -1, "SELECT count(*) FROM main.matter_search_content", "");
	int64_t top = db_scalar(b->d, -1, "SELECT max(id) FROM main.matter_search_content", "");
	bool have = db_scalar(b->d, 0,
			      "SELECT count(*) FROM ref.sqlite_master WHERE name = 'built'", "") > 0;
	if (have && db_scalar(b->d, -2, "SELECT n FROM ref.built", "") == n &&
	    db_scalar(b->d, -2, "SELECT top FROM ref.built", "") == top)
		return 0;
	fprintf(stderr, "bench/search: building the trigram reference (%lld rows)\n",
		(long long)n);
	double t0 = now_ms();
	if (db_transact(b->d, build_trigram, NULL) != 0)
		return -1;
	fprintf(stderr, "bench/search: trigram reference built in %.0f s\n",
		(now_ms() - t0) / 1e3);
	return 0;
}

/* ---- sizes ---- */

/* Bytes of the pages of table name in schema (dbstat). */
static int64_t table_bytes(bench *b, const char *schema, const char *name)
{
	return db_scalar(b->d, -1, "SELECT coalesce(sum(pgsize), 0) FROM dbstat(?) WHERE name = ?",
			 "tt", schema, name);
}

typedef struct sizes {
	int64_t index;   /* _data, _idx, _docsize, _config */
	int64_t content; /* _content: a copy of the text */
	int64_t text;    /* bytes of the indexed text */
} sizes;

/* Bytes of an FTS5 table's index: its _data, _idx, _docsize and _config. */
static int64_t index_bytes(bench *b, const char *schema, const char *table)
{
	static const char *const parts[] = {"_data", "_idx", "_docsize", "_config"};
	int64_t n = 0;
	for (size_t i = 0; i < 4; i++) {
		char *name = str_printf("%s%s", table, parts[i]);
		n += table_bytes(b, schema, name);
		free(name);
	}
	return n;
}

static sizes index_sizes(bench *b, const char *schema, const char *table)
{
	sizes s = {index_bytes(b, schema, table), 0, 0};
	char *name = str_printf("%s_content", table);
	s.content = table_bytes(b, schema, name);
	free(name);
	s.text = db_scalar(b->d, -1,
			   "SELECT sum(length(CAST(c0 AS BLOB)) + length(CAST(c1 AS BLOB))"
			   " + length(CAST(c2 AS BLOB)) + length(CAST(c3 AS BLOB))"
			   " + length(CAST(c4 AS BLOB)) + length(CAST(c5 AS BLOB))"
			   " + length(CAST(c6 AS BLOB))) FROM main.matter_search_content",
			   "");
	return s;
}

/* ---- the report ---- */

static void cell_ms(buf *o, double v)
{
	if (isnan(v))
		buf_puts(o, " – |");
	else
		buf_printf(o, " %.2f |", v);
}

static void cell_ratio(buf *o, double a, double b)
{
	if (isnan(a) || isnan(b) || b <= 0)
		buf_puts(o, " – |");
	else
		buf_printf(o, " %.3f |", a / b);
}

/* The count cell: exact matches, and what the page said in parentheses
 * when it stopped counting. */
static void cell_found(buf *o, const result *r)
{
	if (r->exact < 0) {
		buf_puts(o, " – |");
		return;
	}
	buf_printf(o, " %lld", (long long)r->exact);
	if (r->more)
		buf_printf(o, " (page: %lld+)", (long long)r->found);
	buf_puts(o, " |");
}

static void report_classes(bench *b, buf *o)
{
	buf_puts(o, "| class | queries | taizhang p50 | p99 | public p50 | p99 | LIKE p50 | p99 |"
		    " trigram p50 | p99 | p99 taizhang/LIKE | p99 taizhang/trigram |"
		    " goal p99 < 20 ms |\n"
		    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
	for (int c = 0; c < C_COUNT; c++) {
		samples all[E_COUNT];
		memset(all, 0, sizeof all);
		int nq = 0;
		for (size_t i = 0; i < NQUERIES; i++) {
			if (queries[i].cls != (enum qclass)c)
				continue;
			nq++;
			for (int e = 0; e < E_COUNT; e++)
				for (size_t k = 0; k < b->r[i][e].t.n; k++)
					sample_add(&all[e], b->r[i][e].t.ms[k]);
		}
		double p50[E_COUNT], p99[E_COUNT];
		for (int e = 0; e < E_COUNT; e++) {
			p50[e] = percentile(&all[e], 50);
			p99[e] = percentile(&all[e], 99);
			free(all[e].ms);
		}
		buf_printf(o, "| %s | %d |", class_names[c], nq);
		for (int e = 0; e < E_COUNT; e++) {
			cell_ms(o, p50[e]);
			cell_ms(o, p99[e]);
		}
		cell_ratio(o, p99[E_STAFF], p99[E_LIKE]);
		cell_ratio(o, p99[E_STAFF], p99[E_TRIGRAM]);
		/* both of taizhang's paths, those that ran */
		bool met = !(p99[E_STAFF] >= 20) && !(p99[E_PUBLIC] >= 20);
		buf_printf(o, " %s |\n", met ? "yes" : "**no**");
	}
}

static void report_queries(bench *b, buf *o)
{
	buf_puts(o, "| query | class | taizhang p50 | p99 | public p50 | p99 | LIKE p50 | p99 |"
		    " trigram p50 | p99 | runs | found: taizhang | public | LIKE | trigram |\n"
		    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < NQUERIES; i++) {
		buf_printf(o, "| `%s` | %s |", queries[i].q, class_names[queries[i].cls]);
		for (int e = 0; e < E_COUNT; e++) {
			cell_ms(o, percentile(&b->r[i][e].t, 50));
			cell_ms(o, percentile(&b->r[i][e].t, 99));
		}
		buf_printf(o, " %zu/%zu/%zu/%zu |", b->r[i][E_STAFF].t.n, b->r[i][E_PUBLIC].t.n,
			   b->r[i][E_LIKE].t.n, b->r[i][E_TRIGRAM].t.n);
		for (int e = 0; e < E_COUNT; e++)
			cell_found(o, &b->r[i][e]);
		buf_puts(o, "\n");
	}
}

static void report_sizes(buf *o, const char *name, sizes s)
{
	double ratio = s.text > 0 ? (double)s.index / (double)s.text : NAN;
	buf_printf(o, "| %s | %.1f | %.1f | %.1f | %.2f | %.2f | %s |\n", name, s.index / 1048576.0,
		   s.content / 1048576.0, s.text / 1048576.0, ratio,
		   s.text > 0 ? (double)(s.index + s.content) / (double)s.text : NAN,
		   ratio < 2 ? "yes" : "**no**");
}

static void report(bench *b, buf *o, const char *ledger, double seconds)
{
	int64_t matters = db_scalar(b->d, -1, "SELECT count(*) FROM matters", "");
	time_t t = time(NULL);
	char when[32];
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&t));
	buf_printf(o, "# taizhang search benchmark, %lld matters\n\n", (long long)matters);
	buf_printf(o, "Run %s on `%s` (%.0f s): each query warmed once, then up to %d runs "
		      "(or %.0f s, at least %d runs), one thread, one connection. Times in ms "
		      "for the whole call: count, page of %d rows, snippets (taizhang).\n\n",
		   when, ledger, seconds, b->reps, REP_BUDGET, REP_MIN, PAGE);
	buf_puts(o, "By class of query (all runs of its queries together):\n\n");
	report_classes(b, o);
	buf_puts(o, "\nBy query. \"found\" is every match, counted once without a cap; "
		    "\"page: N+\" is where the timed count stopped (taizhang ranks at most its "
		    "newest " "1000 candidates, the references count to 10000). LIKE looks at the "
		    "title and description only, as the old path did.\n\n");
	report_queries(b, o);
	buf_puts(o, "\nIndex size (MiB, pages of each table from SQLite's dbstat). index = "
		    "_data + _idx + _docsize + _config; content = the _content table, a copy of "
		    "the text; text = bytes of the indexed columns.\n\n"
		    "| index | index | content | text | index / text | with content / text |"
		    " goal index < 2 × text |\n|---|---:|---:|---:|---:|---:|---|\n");
	/* taizhang's index is the pairs and the two character indexes, which
	 * read matter_search's content (schema v10). */
	sizes tz = index_sizes(b, "main", "matter_search");
	tz.index += index_bytes(b, "main", "matter_chars") +
		    index_bytes(b, "main", "matter_chars_public");
	report_sizes(o, "taizhang (`matter_search`, `matter_chars`, `matter_chars_public`)", tz);
	report_sizes(o, "trigram (`matter_trigram`)", index_sizes(b, "ref", "matter_trigram"));
}

/* ---- main ---- */

/* Turn on the engines named in the comma list v; false on an unknown name. */
static bool parse_engines(const char *v, bool on[E_COUNT])
{
	memset(on, 0, E_COUNT * sizeof *on);
	while (*v) {
		size_t n = strcspn(v, ",");
		int e = 0;
		while (e < E_COUNT && (strlen(engine_flags[e]) != n || strncmp(engine_flags[e], v, n)))
			e++;
		if (e == E_COUNT)
			return false;
		on[e] = true;
		v += n + (v[n] == ',');
	}
	return true;
}

static int parse(int argc, char **argv, const char **ledger, int *reps, const char **out,
		 bool engines[E_COUNT])
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int64_t n;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			exit(0);
		} else if (!strcmp(a, "--db") && v) {
			*ledger = v;
		} else if (!strcmp(a, "--reps") && v && str_to_i64(v, &n) && n > 0 && n <= 100000) {
			*reps = (int)n;
		} else if (!strcmp(a, "--out") && v) {
			*out = v;
		} else if (!strcmp(a, "--engines") && v && parse_engines(v, engines)) {
			/* parse_engines set them */
		} else {
			fprintf(stderr, "bench/search: bad argument %s\n%s", a, usage);
			return -1;
		}
		i++;
	}
	if (!*ledger) {
		fputs(usage, stderr);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *ledger = NULL, *out = NULL;
	bench *b = xcalloc(1, sizeof *b);
	buf o = BUF_INIT;
	char *err = NULL;
	int rc = 1;
	b->reps = 50;
	for (int e = 0; e < E_COUNT; e++)
		b->engines[e] = true;
	if (parse(argc, argv, &ledger, &b->reps, &out, b->engines))
		goto done;
	if (!db_exists(ledger) || !(b->d = db_open(ledger, &err)) ||
	    db_schema_version(b->d) < 5) {
		fprintf(stderr, "bench/search: %s is not a ledger with a search index (%s)\n",
			ledger, err ? err : "schema v5 or later");
		goto done;
	}
	if (open_reference(b, ledger)) {
		fprintf(stderr, "bench/search: cannot build the trigram reference\n");
		goto done;
	}
	ledger_today(time(NULL), b->today);
	b->clerk.role = ROLE_CLERK;
	b->clerk.user_id = db_scalar(b->d, 0, "SELECT id FROM users WHERE login = 'clerk1'", "");
	double t0 = now_ms();
	for (size_t i = 0; i < NQUERIES; i++)
		for (int e = 0; e < E_COUNT; e++)
			if (measure(b, i, (enum engine)e)) {
				fprintf(stderr, "bench/search: %s failed on %s\n", engine_names[e],
					queries[i].q);
				goto done;
			}
	report(b, &o, ledger, (now_ms() - t0) / 1e3);
	fputs(buf_str(&o), stdout);
	if (out) {
		FILE *f = fopen(out, "w");
		if (!f || fputs(buf_str(&o), f) < 0 || fclose(f)) {
			fprintf(stderr, "bench/search: cannot write %s\n", out);
			goto done;
		}
	}
	rc = 0;
done:
	for (size_t i = 0; b && i < NQUERIES; i++)
		for (int e = 0; e < E_COUNT; e++)
			free(b->r[i][e].t.ms);
	free(err);
	buf_free(&o);
	db_close(b->d);
	free(b);
	return rc;
}
