/*
 * gen.c — `bench/gen --db URL --matters N [--seed S] [--end YYYY-MM-DD]`:
 * a reproducible ledger of N matters for the benchmarks.
 *
 * The reference data is the demo's (demo_load with no generated matters:
 * its departments, areas, staff accounts, the default catalogue installed
 * by catalog_install_defaults as `taizhang init` does, and the matters named
 * in the seed reports), dated at the start of the window. Then N matters
 * minus those are handed in over the window before --end (about a thousand
 * a day, fewer on days off), each walked through a history by gen_walk.c.
 * A scheduler always moves the matter whose next step is due first, so
 * event ids run with time across matters, as in a ledger that was used.
 *
 * Same seed, same --end: the same ledger, byte for byte in its rows (the
 * PRNG is the demo's xorshift64*; nothing reads the clock). The staff sign
 * in with the demo's passwords (`taizhang demo` prints them).
 */
#include "bench/gen.h"
#include "demo/demo.h"
#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/search.h"
#include "ledger/similar.h"
#include "base/buf.h"
#include "base/token.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
	"usage: bench/gen --db URL [--matters N] [--seed S] [--end YYYY-MM-DD]\n"
	"Write a reproducible benchmark ledger of N matters (default 1000000) into a new\n"
	"database: the demo's departments, areas, staff and seed matters, then generated\n"
	"requests with their histories over the days before --end (default 2026-11-20),\n"
	"about 1000 a day. The same seed and end give the same ledger.\n";

/* ---- the scheduler: a binary heap of walks by (t, seq) ---- */

typedef struct heap {
	gen_walk **v;
	size_t n, cap;
} heap;

static bool before(const gen_walk *a, const gen_walk *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void heap_push(heap *h, gen_walk *w)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 1024;
		h->v = xrealloc(h->v, h->cap * sizeof *h->v);
	}
	size_t i = h->n++;
	while (i > 0 && before(w, h->v[(i - 1) / 2])) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = w;
}

static gen_walk *heap_pop(heap *h)
{
	gen_walk *top = h->v[0], *last = h->v[--h->n];
	size_t i = 0;
	for (;;) {
		size_t k = 2 * i + 1;
		if (k >= h->n)
			break;
		if (k + 1 < h->n && before(h->v[k + 1], h->v[k]))
			k++;
		if (!before(h->v[k], last))
			break;
		h->v[i] = h->v[k];
		i = k;
	}
	if (h->n)
		h->v[i] = last;
	return top;
}

/* One handing-in of a day, before it becomes a walk. */
typedef struct arrival {
	int64_t t;
	int tpl, order;
	char channel[16];
} arrival;

/* The whole run: the generator, the days still to come, the walks. */
typedef struct run {
	gen g;
	int64_t want;     /* matters to generate */
	int64_t made;
	int64_t day_first, days, day; /* day numbers since 1970 (Beijing) */
	double weight_total, weight_done;
	arrival *today;
	size_t ntoday, pos;
	heap h;
	time_t started;
	int64_t reported;
} run;

/* ---- writes ---- */

int gen_event(gen *g, int64_t matter_id, const actor *who, const char *action, int from,
	      int to, const char *note, bool is_public, const char *data, int64_t at)
{
	char label[200];
	actor_label_for(who, label, sizeof label);
	/* The statement of event_append() (action_apply.c), word for word. */
	int r = db_exec(g->c.d,
			"INSERT INTO events(matter_id, at, actor_id, actor_label, action, from_status,"
			" to_status, note, public, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"iizttttt" "it", matter_id, at, who ? who->user_id : 0, label, action,
			status_name(from), status_name(to), note ? note : "",
			(int64_t)(is_public ? 1 : 0), data ? data : "{}");
	g->events++;
	return r == DB_DONE ? 0 : -1;
}

/* The next TZ-YYYY-NNNNNN for an instant: the per-year counter that
 * next_number() (matter.c) keeps, held here and written at the end. */
static void next_number(gen *g, int64_t at, char out[32])
{
	int year = demo_date_of(at).y, i = 0;
	while (i < g->ncounters && g->counter_year[i] != year)
		i++;
	if (i == g->ncounters) {
		if (g->ncounters == (int)ARRAY_LEN(g->counter_year)) {
			log_error("gen: more than %d years", (int)ARRAY_LEN(g->counter_year));
			abort();
		}
		g->counter_year[i] = year;
		g->counter_value[g->ncounters++] = 0;
	}
	snprintf(out, 32, "TZ-%04d-%06lld", year, (long long)++g->counter_value[i]);
}

static int write_counters(gen *g)
{
	for (int i = 0; i < g->ncounters; i++) {
		char name[24];
		snprintf(name, sizeof name, "matter-%04d", g->counter_year[i]);
		if (db_exec(g->c.d, "INSERT INTO counters(name, value) VALUES (?, ?) ON CONFLICT(name)"
				    " DO UPDATE SET value = excluded.value",
			    "ti", name, g->counter_value[i]) != DB_DONE)
			return -1;
	}
	return 0;
}

/* The resident's 查询码 drawn from the seeded PRNG (not from libsodium, so
 * the ledger is reproducible), stored as its hash like make_secret(). */
static void secret_for(gen *g, char hash[TOKEN_HASH_SIZE])
{
	static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
	char code[9];
	for (int i = 0; i < 8; i++)
		code[i] = alphabet[demo_range(&g->c, 0, (int)sizeof alphabet - 2)];
	code[8] = '\0';
	token_hash(code, hash);
}

/* Who hands a matter in on this channel: the resident online or at a
 * kiosk, the WeChat app, the leader's inspection, or a clerk (代录). */
static const actor *submitter(gen *g, const gen_walk *w, const actor *app)
{
	static const actor resident;
	if (!strcmp(w->channel, "web") || !strcmp(w->channel, "kiosk"))
		return &resident;
	if (!strcmp(w->channel, "app"))
		return app;
	if (!strcmp(w->channel, "inspection"))
		return &g->c.leader;
	return demo_clerk(&g->c, (unsigned)w->seq);
}

/* The row matter_submit() writes, and its first event. */
static int insert_matter(gen *g, gen_walk *w, const actor *who, const char *title,
			 const char *desc, const char *address, const char *name,
			 const char *phone)
{
	const demo_tpl *tp = &demo_tpls[w->tpl];
	char hash[TOKEN_HASH_SIZE], today[11], respond_by[11];
	secret_for(g, hash);
	ledger_today(w->t, today);
	tz_date due;
	workday_add(g->c.cal, demo_date_of(w->t), g->respond_days[w->tpl], &due);
	workday_date_format(due, respond_by);
	/* A point for the app (it sends the phone's position) and some web
	 * forms (the map picker), around the zone. */
	bool point = !strcmp(w->channel, "app") ||
		     (!strcmp(w->channel, "web") && demo_chance(&g->c, 30));
	double lat = 38.28 + demo_range(&g->c, 0, 9999) * 0.00001;
	double lon = 116.83 + demo_range(&g->c, 0, 9999) * 0.00001;
	bool is_public = !(tp->flags & TPL_PRIVATE) && strcmp(tp->kind, "petition") != 0;
	int r = db_exec(g->c.d,
			"INSERT INTO matters(id, number, secret, kind, subkind, category_id, title,"
			" description, area_id, address, lat, lon, channel, submitter_name,"
			" submitter_phone, submitter_kind, respond_by, priority, public, status,"
			" created_by, created_at, updated_at) VALUES"
			" (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'submitted',?,?,?)",
			point ? "itttt" "ztt" "zt" "dd" "ttttt" "ii" "z" "ii"
			      : "itttt" "ztt" "zt" "nn" "ttttt" "ii" "z" "ii",
			w->id, w->number, hash, tp->kind, tp->subkind, w->category_id, title, desc,
			w->pl.area_id, address, lat, lon, w->channel, name, phone,
			tp->flags & TPL_ENTERPRISE ? "enterprise" : "resident", respond_by,
			(int64_t)(tp->flags & TPL_URGENT ? 1 : 0), (int64_t)(is_public ? 1 : 0),
			who->user_id, w->t, w->t);
	if (r != DB_DONE)
		return -1;
	char note[64], label[200];
	snprintf(note, sizeof note, "经%s渠道提交", channel_label(w->channel));
	actor_label_for(who, label, sizeof label);
	g->events++;
	r = db_exec(g->c.d,
		    "INSERT INTO events(matter_id, at, actor_id, actor_label, action, from_status,"
		    " to_status, note, public) VALUES (?, ?, ?, ?, 'submit', NULL, 'submitted', ?, 1)",
		    "iiztt", w->id, w->t, who->user_id, label, note);
	return r == DB_DONE ? 0 : -1;
}

/* Hand a matter in: texts, submitter, the row and its first event. */
static int submit(gen *g, gen_walk *w)
{
	const demo_tpl *tp = &demo_tpls[w->tpl];
	demo_ctx *c = &g->c;
	actor app = {.role = ROLE_APP};
	snprintf(app.login, sizeof app.login, "wechat");
	snprintf(app.name, sizeof app.name, "开发区微信公众号");
	char name[32], phone[16];
	demo_pick_submitter(c, tp, w->channel, name, phone);
	char *title = gen_fill(g, w, tp->title), *desc = gen_fill(g, w, tp->desc),
	     *address = gen_fill(g, w, demo_address_pattern(tp));
	int rc = insert_matter(g, w, submitter(g, w, &app), title, desc, address, name, phone);
	free(title);
	free(desc);
	free(address);
	g->matters++;
	w->status = ST_SUBMITTED;
	w->version = 1;
	w->updated_at = w->t;
	if (w->fate != GF_MERGED) { /* a duplicate is not what later ones duplicate */
		struct gen_recent *r = &g->recent[w->tpl];
		if (r->live)
			r->live = NULL;
		r->id = w->id;
		r->created = w->t;
		snprintf(r->number, sizeof r->number, "%s", w->number);
		r->status = ST_SUBMITTED;
		r->live = w;
	}
	w->stage = w->fate == GF_SUBMITTED ? G_END : G_TRIAGE;
	w->t = demo_office_after(c, w->t, 20, 600);
	return rc;
}

/* The walk has ended (or its next step lies after the end): write the row
 * back the way the actions left it, and free the walk. */
static int finish(gen *g, gen_walk *w)
{
	struct gen_recent *r = &g->recent[w->tpl];
	if (r->live == w) {
		r->status = w->status;
		r->live = NULL;
	}
	int rc = db_exec(g->c.d,
			 "UPDATE matters SET status = ?, version = ?, updated_at = ?, responded_at = ?,"
			 " resolved_at = ?, closed_at = ?, department_id = ?, assignee_id = ?,"
			 " deadline = ?, extension_request = ?, reason = ?, result = ?, rating = ?,"
			 " rating_note = ?, extensions = ?, merged_into = ? WHERE id = ?",
			 "tiizzzzztttttt" "iz" "i", status_name(w->status), w->version, w->updated_at,
			 w->responded_at, w->resolved_at, w->closed_at, w->dept, w->assignee,
			 w->deadline[0] ? w->deadline : NULL,
			 w->extension_request[0] ? w->extension_request : NULL,
			 w->reason ? w->reason : "", w->result ? w->result : "", w->rating_now,
			 w->rating_note ? w->rating_note : "", (int64_t)w->extensions, w->merged_into,
			 w->id) == DB_DONE ? 0 : -1;
	free(w->reason);
	free(w->result);
	free(w->rating_note);
	free(w);
	return rc;
}

/* ---- arrivals: how many matters a day, which, when ---- */

/* Working days get the hotline and the offices; days off a third as much. */
static double day_weight(gen *g, int64_t day)
{
	tz_date d = workday_date_add_days((tz_date){1970, 1, 1}, (int)day);
	return workday_is_working(g->c.cal, d) ? 1.0 : 0.35;
}

/* November to March: 供暖季 in Hebei. */
static bool heating_season(int64_t t)
{
	int m = demo_date_of(t).m;
	return m >= 11 || m <= 3;
}

/* A template, weighted as in the demo. */
static int pick_tpl(gen *g)
{
	int total = 0;
	for (size_t i = 0; i < demo_ntpls; i++)
		total += demo_tpls[i].weight;
	int r = demo_range(&g->c, 0, total - 1), i = 0;
	while (r >= demo_tpls[i].weight)
		r -= demo_tpls[i++].weight;
	return i;
}

/* One word of a space-separated list, at random. */
static void pick_word(gen *g, const char *list, char *out, size_t n)
{
	int words = 1;
	for (const char *s = list; *s; s++)
		words += *s == ' ';
	const char *s = list;
	for (int k = demo_range(&g->c, 0, words - 1); k > 0; k--)
		s = strchr(s, ' ') + 1;
	snprintf(out, n, "%.*s", (int)strcspn(s, " "), s);
}

/* Minute of the day a channel hands in: online and the hotline late too,
 * boxes, visits and inspections in office hours. */
static int pick_minute(gen *g, const char *channel)
{
	if (!strcmp(channel, "web") || !strcmp(channel, "app"))
		return demo_range(&g->c, 7 * 60, 23 * 60);
	if (!strcmp(channel, "hotline") || !strcmp(channel, "kiosk"))
		return demo_range(&g->c, 8 * 60, 21 * 60);
	return demo_range(&g->c, 9 * 60, 17 * 60);
}

static int by_time(const void *a, const void *b)
{
	const arrival *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* Draw the next day's arrivals, in time order. */
static void draw_day(run *r)
{
	gen *g = &r->g;
	int64_t day = r->day_first + r->day++;
	double before = r->weight_done;
	r->weight_done += day_weight(g, day);
	int64_t upto = (int64_t)(r->weight_done * (double)r->want / r->weight_total + 0.5);
	int64_t from = (int64_t)(before * (double)r->want / r->weight_total + 0.5);
	if (r->day == r->days)
		upto = r->want;
	size_t n = (size_t)(upto - from);
	r->today = xrealloc(r->today, (n ? n : 1) * sizeof *r->today);
	int64_t start = day * 86400 - 8 * 3600;
	for (size_t i = 0; i < n; i++) {
		arrival *a = &r->today[i];
		do {
			a->tpl = pick_tpl(g);
			pick_word(g, demo_tpls[a->tpl].channels, a->channel, sizeof a->channel);
			a->t = start + (int64_t)pick_minute(g, a->channel) * 60 + demo_range(&g->c, 0, 59);
		} while ((demo_tpls[a->tpl].flags & TPL_HEAT) && !heating_season(a->t));
		if (a->t > g->end)
			a->t = g->end - demo_range(&g->c, 60, 3600);
		a->order = (int)i;
	}
	qsort(r->today, n, sizeof *r->today, by_time);
	r->ntoday = n;
	r->pos = 0;
}

/* A new walk for an arrival, handed in at once. */
static int arrive(run *r, const arrival *a)
{
	gen *g = &r->g;
	gen_walk *w = xcalloc(1, sizeof *w);
	w->t = a->t;
	w->seq = r->made++;
	w->id = g->next_id++;
	w->tpl = a->tpl;
	snprintf(w->channel, sizeof w->channel, "%s", a->channel);
	w->category_id = g->category_id[a->tpl];
	w->resolve_days = g->resolve_days[a->tpl];
	demo_pick_place(&g->c, &demo_tpls[w->tpl], &w->pl);
	gen_plan(g, w, (int)((g->end - w->t) / 86400));
	next_number(g, w->t, w->number);
	if (submit(g, w) != 0)
		return -1;
	heap_push(&r->h, w);
	return 0;
}

/* Move the walk due first; finish it when it is done or due after the end. */
static int move(run *r)
{
	gen *g = &r->g;
	gen_walk *w = heap_pop(&r->h);
	if (w->stage == G_END || w->t > g->end)
		return finish(g, w);
	int64_t due = w->t;
	if (gen_step(g, w) != 0) {
		finish(g, w);
		return -1;
	}
	if (w->stage != G_END && w->t <= due)
		w->t = due + 60; /* always move on */
	heap_push(&r->h, w);
	return 0;
}

/* One transaction's worth: about 200,000 writes, then commit. Why the
 * generator may keep state across a retry: it writes into a database
 * nobody else has open, so db_transact never sees a busy lock here. */
static int chunk(db *d, void *ctx)
{
	run *r = ctx;
	uint64_t stop = r->g.events + 200000;
	while (r->g.events < stop) {
		if (r->pos == r->ntoday && r->day < r->days) {
			draw_day(r);
			continue;
		}
		bool more = r->pos < r->ntoday;
		if (!more && r->h.n == 0)
			return write_counters(&r->g) ? LEDGER_ERROR : 1;
		int rc;
		if (more && (r->h.n == 0 || r->today[r->pos].t < r->h.v[0]->t))
			rc = arrive(r, &r->today[r->pos++]);
		else
			rc = move(r);
		if (rc)
			return LEDGER_ERROR;
	}
	(void)d;
	return 0;
}

/* ---- reference data ---- */

static int load_reference(db *d, void *ctx)
{
	void **x = ctx;
	const run *r = x[0];
	return demo_load(d, *(unsigned *)x[1], 0, r->day_first * 86400 - 8 * 3600, x[2]);
}

/* The demo's departments, areas and staff, read back into the demo's
 * context so its helpers (demo_handler, demo_clerk, demo_dept ...) work. */
static int read_reference(gen *g)
{
	demo_ctx *c = &g->c;
	department *dv = NULL;
	area *av = NULL;
	size_t nd = 0, na = 0;
	int rc = -1;
	if (department_list(g->c.d, false, &dv, &nd) || area_list(g->c.d, false, &av, &na))
		goto done;
	for (size_t i = 0; i < nd && c->ndepts < DEMO_MAX_DEPTS; i++) {
		c->dept_code[c->ndepts] = xstrdup(dv[i].code);
		c->dept_name[c->ndepts] = xstrdup(dv[i].name);
		c->dept_id[c->ndepts++] = dv[i].id;
	}
	for (size_t i = 0; i < na && c->nareas < DEMO_MAX_AREAS; i++) {
		c->area_code[c->nareas] = xstrdup(av[i].code);
		c->area_name[c->nareas] = xstrdup(av[i].name);
		c->area_kind[c->nareas] = xstrdup(av[i].kind);
		c->area_id[c->nareas++] = av[i].id;
	}
	db_stmt *q = db_query(c->d, "SELECT id, login, name, role, department_id FROM users"
				    " WHERE active = 1 ORDER BY id", "");
	while (db_step(q) == DB_ROW) {
		actor a = {.user_id = db_int(q, 0), .role = role_from_name(db_text(q, 3)),
			   .department_id = db_int(q, 4)};
		snprintf(a.login, sizeof a.login, "%s", db_text(q, 1));
		snprintf(a.name, sizeof a.name, "%s", db_text(q, 2));
		if (a.role == ROLE_LEADER && !c->leader.user_id)
			c->leader = a;
		else if (a.role == ROLE_CLERK && !c->clerk[1].user_id)
			c->clerk[c->clerk[0].user_id ? 1 : 0] = a;
		for (int k = 0; a.role == ROLE_HANDLER && k < c->ndepts; k++)
			if (c->dept_id[k] == a.department_id && !c->handler[k].user_id)
				c->handler[k] = a;
	}
	db_done(q);
	for (size_t i = 0; i < demo_ntpls && i < ARRAY_LEN(g->category_id); i++) {
		category x;
		g->resolve_days[i] = 15;
		g->respond_days[i] = 1;
		if (category_get(c->d, 0, demo_tpls[i].category, &x) != LEDGER_OK)
			continue;
		g->category_id[i] = x.id;
		g->resolve_days[i] = x.resolve_days;
		g->respond_days[i] = x.respond_days;
		category_clear(&x);
	}
	q = db_query(c->d, "SELECT name, value FROM counters WHERE name LIKE 'matter-%'", "");
	while (db_step(q) == DB_ROW && g->ncounters < (int)ARRAY_LEN(g->counter_year)) {
		g->counter_year[g->ncounters] = atoi(db_text(q, 0) + 7);
		g->counter_value[g->ncounters++] = db_int(q, 1);
	}
	db_done(q);
	g->next_id = db_scalar(c->d, 0, "SELECT max(id) FROM matters", "") + 1;
	rc = c->leader.user_id && c->clerk[1].user_id ? 0 : -1;
done:
	department_list_free(dv, nd);
	area_list_free(av, na);
	return rc;
}

/* Free what the run holds: walks left by a failure, the day's arrivals,
 * the reference data read back, the calendar. */
static void release(run *r)
{
	demo_ctx *c = &r->g.c;
	while (r->h.n) {
		gen_walk *w = heap_pop(&r->h);
		free(w->reason);
		free(w->result);
		free(w->rating_note);
		free(w);
	}
	free(r->h.v);
	free(r->today);
	for (int i = 0; i < c->ndepts; i++) {
		free((char *)c->dept_code[i]);
		free((char *)c->dept_name[i]);
	}
	for (int i = 0; i < c->nareas; i++) {
		free((char *)c->area_code[i]);
		free((char *)c->area_name[i]);
		free((char *)c->area_kind[i]);
	}
	if (c->cal)
		workday_cal_free(c->cal);
	free(r);
}

/* ---- the command ---- */

typedef struct options {
	const char *db, *end;
	int64_t matters;
	unsigned seed;
} options;

static int parse(int argc, char **argv, options *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int64_t n;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			exit(0);
		} else if (!strcmp(a, "--db") && v) {
			o->db = v;
		} else if (!strcmp(a, "--end") && v && calendar_date_valid(v)) {
			o->end = v;
		} else if (!strcmp(a, "--matters") && v && str_to_i64(v, &n) && n >= 0 && n < 100000000) {
			o->matters = n;
		} else if (!strcmp(a, "--seed") && v && str_to_i64(v, &n) && n >= 0 && n <= 0xffffffffLL) {
			o->seed = (unsigned)n;
		} else {
			fprintf(stderr, "bench/gen: bad argument %s\n%s", a, usage);
			return -1;
		}
		i++;
	}
	if (!o->db) {
		fputs(usage, stderr);
		return -1;
	}
	return 0;
}

/* The PRNG state for a seed (splitmix64, as the demo seeds its own), on a
 * stream apart from the demo's reference data. */
static uint64_t seed_state(unsigned seed)
{
	uint64_t z = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + 0xB5AD4ECEDA1CE2A9ULL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	return z ? z : 0x2545F4914F6CDD1DULL;
}

static void report(run *r, bool last)
{
	if (!last && r->made - r->reported < 100000)
		return;
	r->reported = r->made;
	fprintf(stderr, "bench/gen: %lld matters, %llu events, %lds\n", (long long)r->made,
		(unsigned long long)r->g.events, (long)(time(NULL) - r->started));
}

static int rebuild_search(db *d, void *unused)
{
	return search_rebuild(d) == LEDGER_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
	options o = {NULL, "2026-11-20", 1000000, 1};
	run *r = xcalloc(1, sizeof *r);
	buf accounts = BUF_INIT;
	char *err = NULL;
	int rc = 1;
	db *d = NULL;
	if (parse(argc, argv, &o))
		goto done;
	r->started = time(NULL);
	if (!(d = db_open(o.db, &err)) || db_migrate(d)) {
		fprintf(stderr, "bench/gen: cannot open %s: %s\n", o.db, err ? err : "migration failed");
		goto done;
	}
	if (db_scalar(d, 0, "SELECT count(*) FROM departments", "")) {
		fprintf(stderr, "bench/gen: %s is not empty\n", o.db);
		goto done;
	}
	/* Why a larger page cache: the generator touches the matters' indexes
	 * all over; 256 MiB keeps them in memory (this connection only). */
	db_exec(d, "PRAGMA cache_size = -262144", "");
	tz_date end;
	calendar_date_valid(o.end);
	workday_date_parse(o.end, &end);
	r->want = o.matters;
	r->days = o.matters / 1000 > 30 ? o.matters / 1000 : 30;
	r->day_first = workday_date_diff((tz_date){1970, 1, 1}, end) - r->days + 1;
	r->g.end = demo_day_start(end) + 18 * 3600;
	void *ctx[3] = {r, &o.seed, &accounts};
	if (db_transact(d, load_reference, ctx) != 0)
		goto done;
	gen *g = &r->g;
	g->c.d = d;
	g->c.now = g->end;
	g->c.rng = seed_state(o.seed);
	g->c.cal = workday_cal_new_builtin();
	if (read_reference(g)) {
		fprintf(stderr, "bench/gen: the demo's reference data is incomplete\n");
		goto done;
	}
	int64_t seeded = g->next_id - 1;
	r->want = o.matters > seeded ? o.matters - seeded : 0;
	for (int64_t k = 0; k < r->days; k++)
		r->weight_total += day_weight(g, r->day_first + k);
	int x;
	while ((x = db_transact(d, chunk, r)) == 0)
		report(r, false);
	if (x < 0) {
		fprintf(stderr, "bench/gen: writing the ledger failed\n");
		goto done;
	}
	report(r, true);
	/* The rows went in directly, so the full-text index is built once at
	 * the end, from the same SELECT that keeps it (ledger/search.c). */
	time_t indexing = time(NULL);
	if (db_transact(d, rebuild_search, NULL) != 0) {
		fprintf(stderr, "bench/gen: building the search index failed\n");
		goto done;
	}
	fprintf(stderr, "bench/gen: search index built in %ld s\n", (long)(time(NULL) - indexing));
	/* Duplicate signatures the same way: the backfill `taizhang serve`
	 * runs on an older ledger, so this also times it. */
	time_t signing = time(NULL);
	int64_t signed_matters = 0;
	if (similar_backfill(d, 1000, &signed_matters) != LEDGER_OK) {
		fprintf(stderr, "bench/gen: writing duplicate signatures failed\n");
		goto done;
	}
	fprintf(stderr, "bench/gen: duplicate signatures for %lld matters in %ld s\n",
		(long long)signed_matters, (long)(time(NULL) - signing));
	printf("matters=%lld generated=%lld events=%llu seconds=%ld\n",
	       (long long)(seeded + r->made), (long long)r->made, (unsigned long long)g->events,
	       (long)(time(NULL) - r->started));
	rc = 0;
done:
	free(err);
	buf_free(&accounts);
	db_close(d);
	release(r);
	return rc;
}
