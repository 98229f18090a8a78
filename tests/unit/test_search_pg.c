/*
 * test_search_pg.c — full-text search on PostgreSQL (ledger/search_pg.c)
 * against SQLite's FTS5, the reference.
 *
 * Without a server: the tsquery and tsvector literals; snippets made in C
 * (text/snippet.h) equal FTS5's snippet() on a few thousand generated
 * texts and queries; bm25 computed in C equals FTS5's bm25() on generated
 * rows, for staff and for the public columns. With TAIZHANG_TEST_PG (a
 * base URL, as `tests/run --pg` sets it): the same ledger built on both
 * backends answers the same searches with the same matters in the same
 * order, the same totals and the same snippets; catch-ups racing on two
 * connections while matters are handed in lose nothing and count nothing
 * twice.
 */
#include "unit.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/search_int.h"
#include "text/tokenize.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* ---- literals ---- */

static void tsquery_of(const char *q, const char *want)
{
	char *m = search_pg_match(q);
	if (!want) {
		assert_null(m);
		return;
	}
	assert_non_null(m);
	assert_string_equal(m, want);
	free(m);
}

/* Words become phrases of their tokens, ANDed; a lone last Chinese
 * character is a prefix; folding applies; nothing searchable is NULL. */
static void tsquery_literals(void **state)
{
	tsquery_of("井盖", "('井盖')");
	tsquery_of("井盖坏了 ＰＭ２．５", "('井盖' <-> '盖坏' <-> '坏了') & ('pm2.5')");
	tsquery_of("路燈", "('路灯')");
	tsquery_of("pm井", "('pm' <-> '井':*)");
	tsquery_of("井 灯", "('井':*) & ('灯':*)");
	tsquery_of("'; DROP TABLE matters; --", "('drop') & ('table') & ('matters')");
	tsquery_of("a'b\\c", "('a' <-> 'b' <-> 'c')");
	tsquery_of("，。！ 🙂", NULL);
	tsquery_of("", NULL);
}

/* Positions count tokens from 1, each text after the last and one apart;
 * characters have no positions; nothing is the empty vector. */
static void tsvector_literals(void **state)
{
	const char *texts[3] = {"井盖坏了", "", "PM2.5超标"};
	int64_t n = -1;
	char *v = search_pg_vector(texts, 3, TOKENS_DOCUMENT, &n);
	assert_string_equal(v, "'井盖':1 '盖坏':2 '坏了':3 '了':4 'pm2.5':7 '超标':8 '标':9");
	assert_int_equal(n, 7);
	free(v);
	v = search_pg_vector(texts, 3, TOKENS_CHARS, &n);
	assert_string_equal(v, "'井' '盖' '坏' '了' '超' '标'");
	assert_int_equal(n, 6);
	free(v);
	const char *none[1] = {"，。"};
	v = search_pg_vector(none, 1, TOKENS_DOCUMENT, &n);
	assert_string_equal(v, "");
	assert_int_equal(n, 0);
	free(v);
}

/* ---- generated texts ---- */

static uint64_t rng = 88172645463325252ull;

static unsigned next_rand(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Few pieces, so that pairs repeat and phrases meet: characters, words,
 * separators (". " and ": " start FTS5's sentences). */
static const char *const pieces[] = {"井", "盖", "坏", "了", "路", "灯", "水", "下", "道", "廁",
				     "所", "pm2", "ab", "，", " ", ". ", ": ", "。", "井盖",
				     "路燈", "ＰＭ"};

/* The pieces of the last text made, so a query can be taken from it. */
static unsigned made[100], nmade;

static void gen_text(buf *b, unsigned max)
{
	buf_reset(b);
	nmade = next_rand(max + 1);
	for (unsigned i = 0; i < nmade; i++)
		buf_puts(b, pieces[made[i] = next_rand(ARRAY_LEN(pieces))]);
}

static bool is_separator(const char *p)
{
	return strpbrk(p, " .:") || strcmp(p, "，") == 0 || strcmp(p, "。") == 0;
}

/* A query of 1-3 words, each 1-4 pieces with no separator: most of them
 * from the last text made (so they match), some at random. */
static void gen_query(buf *b)
{
	buf_reset(b);
	unsigned words = 1 + next_rand(3);
	for (unsigned w = 0; w < words; w++) {
		if (w)
			buf_putc(b, ' ');
		unsigned n = 1 + next_rand(4), at = nmade ? next_rand(nmade) : 0;
		bool from_text = nmade && next_rand(5) > 0;
		for (unsigned i = 0; i < n; i++) {
			const char *p = from_text && at + i < nmade ? pieces[made[at + i]]
								    : pieces[next_rand(ARRAY_LEN(pieces))];
			if (!is_separator(p))
				buf_puts(b, p);
		}
	}
}

static db *sqlite_memory(void)
{
	char *err = NULL;
	db *d = db_open(":memory:", &err);
	assert_non_null(d);
	return d;
}

/* s with the marks and ellipses taken out (caller frees). */
static char *unmarked(const char *s)
{
	buf b = BUF_INIT;
	for (; *s; s++) {
		if (*s == '[' || *s == ']')
			continue;
		if (strncmp(s, "…", 3) == 0) {
			s += 2;
			continue;
		}
		buf_putc(&b, *s);
	}
	return buf_steal(&b);
}

/* Is the snippet s, unmarked, a passage of text? */
static bool passage_of(const char *s, const char *text)
{
	char *u = unmarked(s);
	bool yes = strstr(text, u) != NULL;
	free(u);
	return yes;
}

/* snippet_of_tokens gives what FTS5's snippet() gives, row by row, where
 * FTS5 matches. One exception, FTS5's (3.40.1) and not copied: when a run
 * of hits starts inside the last token of the run before (a pair's last
 * character alone, 路燈 then 燈下), FTS5 copies the rest of the text again
 * (路燈下道 → "[路燈]下道[燈下]道"); C marks the two runs as one
 * ("[路燈下]道"). Such cases are counted, and C's passage must be a passage
 * of the text. */
static void snippets_equal_fts5(void **state)
{
	db *d = sqlite_memory();
	assert_int_equal(db_exec(d, "CREATE VIRTUAL TABLE t USING fts5(a, tokenize = 'taizhang')",
				 ""),
			 DB_DONE);
	buf text = BUF_INIT, q = BUF_INIT;
	int compared = 0, matched = 0, quirks = 0;
	for (int i = 0; i < 3000; i++) {
		gen_text(&text, i % 3 == 0 ? 60 : 14);
		gen_query(&q);
		char *match = search_match(buf_str(&q), false);
		search_query sq;
		if (!match || !search_query_parse(buf_str(&q), &sq)) {
			free(match);
			continue;
		}
		assert_int_equal(db_exec(d, "DELETE FROM t", ""), DB_DONE);
		assert_int_equal(db_exec(d, "INSERT INTO t(rowid, a) VALUES (1, ?)", "t",
					 buf_str(&text)),
				 DB_DONE);
		db_stmt *st = db_query(d, "SELECT snippet(t, 0, '[', ']', '…', 16) FROM t"
					  " WHERE t MATCH ?", "t", match);
		int r = db_step(st);
		char *want = r == DB_ROW ? xstrdup(db_text(st, 0)) : NULL;
		db_done(st);
		char *got = snippet_of_tokens(buf_str(&text), text.len, sq.ph, sq.n, "[", "]");
		/* FTS5 matches when every phrase stands somewhere; C finds a
		 * passage when one does: compare where FTS5 matched. */
		if (want && got && strcmp(got, want) != 0 && !passage_of(want, buf_str(&text)) &&
		    passage_of(got, buf_str(&text))) {
			quirks++;
		} else if (want) {
			matched++;
			if (!got || strcmp(got, want) != 0)
				fail_msg("text «%s» query «%s»: FTS5 «%s», C «%s»", buf_str(&text),
					 buf_str(&q), want, got ? got : "(none)");
		}
		compared++;
		free(want);
		free(got);
		free(match);
		search_query_free(&sq);
	}
	print_message("%d queries, %d snippets equal to FTS5's, %d where FTS5 repeats text\n",
		      compared, matched, quirks);
	assert_true(matched > 500);
	buf_free(&text);
	buf_free(&q);
	db_close(d);
}

/* ---- bm25 ---- */

#define ROWS 80

typedef struct row_texts {
	char *t[SEARCH_COLUMNS];
} row_texts;

static int count_tokens(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
	(*(int64_t *)ctx)++;
	return 0;
}

/* bm25 as search_pg.c computes it for row r (public: only the public
 * columns' hits). */
static double c_bm25(const row_texts *r, const search_query *sq, const double *idf,
		     double avgdl, bool public_only)
{
	double freq[SEARCH_QUERY_MAX_TERMS] = {0};
	int64_t dl = 0;
	snippet_text t = SNIPPET_TEXT_INIT;
	snippet_hits h = SNIPPET_HITS_INIT;
	for (int c = 0; c < SEARCH_COLUMNS; c++) {
		tokenize(r->t[c], strlen(r->t[c]), TOKENS_DOCUMENT, count_tokens, &dl);
		if (public_only && c >= SEARCH_PUBLIC_COLUMNS)
			continue;
		snippet_text_read(&t, r->t[c], strlen(r->t[c]));
		snippet_find(&t, sq->ph, sq->n, &h);
		for (size_t i = 0; i < h.n; i++)
			freq[h.v[i].phrase] += search_weights[c];
	}
	snippet_text_free(&t);
	snippet_hits_free(&h);
	return search_bm25(freq, idf, sq->n, (double)dl, avgdl);
}

/* The words of q one by one, as search_match quotes them. */
static void phrase_idfs(db *d, const char *q, bool public_only, int64_t rows, double *idf)
{
	char *copy = xstrdup(q), *save = NULL;
	int i = 0;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *m = search_match(w, public_only);
		if (!m)
			continue;
		idf[i++] = search_idf(rows, db_scalar(d, -1, "SELECT count(*) FROM s WHERE s MATCH ?",
						      "t", m));
		free(m);
	}
	free(copy);
}

static void bm25_equals_fts5(void **state)
{
	db *d = sqlite_memory();
	assert_int_equal(db_exec(d, "CREATE VIRTUAL TABLE s USING fts5(number, title, result,"
				    " public_notes, description, address, internal_notes,"
				    " tokenize = 'taizhang')", ""),
			 DB_DONE);
	row_texts rows[ROWS];
	buf b = BUF_INIT;
	int64_t total = 0;
	for (int i = 0; i < ROWS; i++) {
		for (int c = 0; c < SEARCH_COLUMNS; c++) {
			gen_text(&b, c == 1 ? 8 : 30);
			rows[i].t[c] = xstrdup(buf_str(&b));
			tokenize(rows[i].t[c], b.len, TOKENS_DOCUMENT, count_tokens, &total);
		}
		char **t = rows[i].t;
		assert_int_equal(db_exec(d, "INSERT INTO s(rowid, number, title, result, public_notes,"
					    " description, address, internal_notes)"
					    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ittttttt",
					 (int64_t)i + 1, t[0], t[1], t[2], t[3], t[4], t[5], t[6]),
				 DB_DONE);
	}
	double avgdl = (double)total / ROWS;
	int compared = 0;
	for (int k = 0; k < 400; k++) {
		gen_query(&b);
		bool public_only = k % 2;
		search_query sq;
		char *match = search_match(buf_str(&b), public_only);
		if (!match || !search_query_parse(buf_str(&b), &sq)) {
			free(match);
			continue;
		}
		double idf[SEARCH_QUERY_MAX_TERMS];
		phrase_idfs(d, buf_str(&b), public_only, ROWS, idf);
		db_stmt *st = db_query(d, "SELECT rowid, bm25(s, " SEARCH_TEXT(SEARCH_WEIGHTS) ")"
					  " FROM s WHERE s MATCH ?", "t", match);
		while (db_step(st) == DB_ROW) {
			double want = db_double(st, 1);
			double got = c_bm25(&rows[db_int(st, 0) - 1], &sq, idf, avgdl, public_only);
			if (fabs(got - want) > 1e-12 * fabs(want))
				fail_msg("query «%s»%s row %lld: FTS5 %.17g, C %.17g", buf_str(&b),
					 public_only ? " (public)" : "", (long long)db_int(st, 0),
					 want, got);
			compared++;
		}
		db_done(st);
		free(match);
		search_query_free(&sq);
	}
	print_message("%d scores compared\n", compared);
	assert_true(compared > 200);
	for (int i = 0; i < ROWS; i++)
		for (int c = 0; c < SEARCH_COLUMNS; c++)
			free(rows[i].t[c]);
	buf_free(&b);
	db_close(d);
}

/* ---- against a real PostgreSQL server ---- */



#define NOW 1795000000 /* 2026-11-18 */

static db *ledger(const char *where)
{
	char *err = NULL;
	db *d = db_open(where, &err);
	if (!d)
		fail_msg("db_open %s: %s", where, err);
	assert_int_equal(db_migrate(d), 0);
	return d;
}

static void submit(db *d, int i, const char *title, const char *description, bool is_public)
{
	actor resident;
	memset(&resident, 0, sizeof resident);
	submission s;
	memset(&s, 0, sizeof s);
	s.kind = "request";
	s.channel = "web";
	s.title = title;
	s.description = description;
	s.address = i % 3 ? "金岛小区3栋" : "";
	s.is_public = is_public;
	char number[32], secret[16], *msg = NULL;
	/* a day apart, so the recency factor takes part in the order */
	int rc = matter_submit(d, &resident, &s, NOW - (int64_t)(40 - i) * 86400, number, secret,
			       &msg);
	if (rc != LEDGER_OK)
		fail_msg("submit %d: %s", i, msg ? msg : "?");
	free(msg);
}

/* Both ledgers get the same 40 matters. */
static void fill(db *d)
{
	static const char *const titles[] = {"井盖松动", "路灯不亮", "下水道堵塞污水外溢",
					     "井盖丢失，路灯也坏了", "广场舞噪音扰民",
					     "小区路灯坏了三天", "PM2.5超标的工地"};
	static const char *const descriptions[] = {
		"金岛小区门口的井盖松动，夜里有人差点摔倒。", "路燈不亮已经一周了。",
		"下水道堵了，雨天积水。井盖下面都是水。",
		"傍晚的广场舞音响太大。请城管处理: 噪音。. 井盖也松了",
		"工地扬尘，ＰＭ２．５超标。"};
	for (int i = 0; i < 40; i++)
		submit(d, i, titles[i % ARRAY_LEN(titles)],
		       descriptions[(i * 3) % ARRAY_LEN(descriptions)], i % 4 != 3);
}

/* "number|snippet;" for each item of a search, and the total. */
static char *answer(db *d, const char *q, bool public_only)
{
	actor who = unit_actor(public_only ? 0 : ROLE_CLERK, 0, 0, "测试");
	matter_filter f = matter_filter_any();
	f.q = q;
	f.public_only = public_only;
	f.limit = 100;
	matter_list l;
	assert_int_equal(matter_find(d, &who, &f, "2026-11-18", &l), LEDGER_OK);
	buf b = BUF_INIT;
	buf_printf(&b, "total %lld%s:", (long long)l.total, l.more ? "+" : "");
	for (size_t i = 0; i < l.n; i++)
		buf_printf(&b, " %s|%s;", l.items[i].number,
			   l.items[i].snippet ? l.items[i].snippet : "-");
	matter_list_free(&l);
	return buf_steal(&b);
}

/* The same ledger on both backends: every search gives the same matters
 * in the same order with the same snippets. */
static void same_answers_on_both(void **state)
{
	UNIT_NEED_PG();
	db *lite = ledger(":memory:"), *pg = ledger(unit_pg_db);
	assert_int_equal(catalog_install_defaults(lite), LEDGER_OK);
	assert_int_equal(catalog_install_defaults(pg), LEDGER_OK);
	fill(lite);
	fill(pg);
	static const char *const queries[] = {"井盖", "路灯", "路燈 坏了", "井", "灯", "水",
					      "下水道", "pm2.5", "噪音 井盖", "金岛小区", "松",
					      "没有的词", "小区 灯", "井盖松动"};
	for (size_t i = 0; i < ARRAY_LEN(queries); i++)
		for (int pub = 0; pub < 2; pub++) {
			char *a = answer(lite, queries[i], pub), *b = answer(pg, queries[i], pub);
			if (strcmp(a, b) != 0)
				fail_msg("«%s»%s:\nSQLite     %s\nPostgreSQL %s", queries[i],
					 pub ? " (public)" : "", a, b);
			free(a);
			free(b);
		}
	/* a rebuild gives the same index (and the same answers) */
	assert_int_equal(search_rebuild(pg), LEDGER_OK);
	char *a = answer(lite, "路灯 坏了", false), *b = answer(pg, "路灯 坏了", false);
	assert_string_equal(a, b);
	free(a);
	free(b);
	db_close(lite);
	db_close(pg);
}

typedef struct racer {
	const char *url;
	int rounds, failures;
} racer;

static void *catch_up_loop(void *p)
{
	racer *r = p;
	char *err = NULL;
	db *d = db_open(r->url, &err);
	if (!d) {
		r->failures++;
		free(err);
		return NULL;
	}
	for (int i = 0; i < r->rounds; i++) {
		if (search_catch_up(d) != LEDGER_OK)
			r->failures++;
		usleep(2000);
	}
	db_close(d);
	return NULL;
}

/* Two connections catch up over and over while matters are handed in and
 * changed: at the end every matter is indexed once with its latest texts,
 * and the totals bm25 reads are the index's own. */
static void racing_catch_ups(void **state)
{
	UNIT_NEED_PG();
	db *d = ledger(unit_pg_db); /* same_answers_on_both's, with its catalogue */
	racer a = {unit_pg_db, 150, 0}, b = {unit_pg_db, 150, 0};
	pthread_t ta, tb;
	pthread_create(&ta, NULL, catch_up_loop, &a);
	pthread_create(&tb, NULL, catch_up_loop, &b);
	for (int i = 0; i < 30; i++) {
		submit(d, i, "竞速井盖", "并发的描述", true);
		int64_t id = db_scalar(d, 0, "SELECT max(id) FROM matters", "");
		assert_int_equal(db_exec(d, "UPDATE matters SET title = ? WHERE id = ?", "ti",
					 i % 2 ? "改过的标题路灯" : "竞速井盖", id),
				 DB_DONE);
		assert_int_equal(search_enqueue(d, id), LEDGER_OK);
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(a.failures + b.failures, 0);
	assert_int_equal(search_catch_up(d), LEDGER_OK);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM search_queue", ""), 0);
	int64_t rows = db_scalar(d, -1, "SELECT count(*) FROM matter_search", "");
	assert_int_equal(rows, db_scalar(d, -1, "SELECT count(*) FROM matters", ""));
	assert_int_equal(db_scalar(d, -1, "SELECT indexed FROM matter_search_totals", ""), rows);
	assert_int_equal(db_scalar(d, -1, "SELECT tokens FROM matter_search_totals", ""),
			 db_scalar(d, -1, "SELECT sum(tokens) FROM matter_search", ""));
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM matter_search s JOIN matters m"
					  " ON m.id = s.matter_id WHERE s.title <> m.title", ""),
			 0);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM matter_search"
					  " WHERE words @@ CAST('''改过''' AS tsquery)", ""),
			 15);
	assert_int_equal(db_scalar(d, -1, "SELECT count(*) FROM matter_search"
					  " WHERE words @@ CAST('''竞速''' AS tsquery)", ""),
			 15);
	db_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tsquery_literals),
		cmocka_unit_test(tsvector_literals),
		cmocka_unit_test(snippets_equal_fts5),
		cmocka_unit_test(bm25_equals_fts5),
		cmocka_unit_test(same_answers_on_both),
		cmocka_unit_test(racing_catch_ups),
	};
	return cmocka_run_group_tests(tests, unit_pg_setup, unit_pg_teardown);
}
