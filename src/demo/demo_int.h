/*
 * demo_int.h — what the three parts of the demo loader share: demo.c builds
 * the reference data and the staff, demo_seed.c loads the matters named in
 * the reports, demo_gen.c generates the rest. Not for other modules.
 *
 * All times are unix seconds; "days ago" count back from the day of `now`
 * in Beijing time. Randomness comes only from the context's own PRNG, so a
 * seed always gives the same ledger.
 */
#ifndef TZ_DEMO_DEMO_INT_H
#define TZ_DEMO_DEMO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/workday.h"
#include "ledger/actor.h"
#include "ledger/lifecycle.h"
#include "ledger/matter.h"
#include "store/db.h"

#define DEMO_MAX_DEPTS 32
#define DEMO_MAX_AREAS 48

typedef struct demo_ctx demo_ctx;
typedef struct demo_walker demo_walker;

/* One matter on its way through the ledger: `step` does the next thing due
 * at `t` and sets `t` to the time of the one after (0 when finished). The
 * runner always moves the walker whose step is due first, so every event
 * lands in time order, across matters too (a merge touches two). */
struct demo_walker {
	int64_t t;
	int (*step)(demo_ctx *c, demo_walker *w); /* returns 0 or -1 */
	const void *spec;  /* the seed script or the template */
	void *state;       /* owned by the walker, freed by the runner */
	int pos;           /* steps done */
	int64_t dept;      /* current lead department, 0 before assignment */
	char number[32];   /* the matter's number, once submitted */
};

struct demo_ctx {
	db *d;
	int64_t now;
	uint64_t rng;          /* xorshift64* state, never 0 */
	workday_cal *cal;      /* the built-in holiday calendar */
	actor admin, leader, clerk[2];
	/* departments by code, and the handler of each (user_id 0: none) */
	const char *dept_code[DEMO_MAX_DEPTS];
	int64_t dept_id[DEMO_MAX_DEPTS];
	actor handler[DEMO_MAX_DEPTS];
	int ndepts;
	const char *area_code[DEMO_MAX_AREAS];
	int64_t area_id[DEMO_MAX_AREAS];
	int nareas;
	const char *area_name[DEMO_MAX_AREAS], *area_kind[DEMO_MAX_AREAS];
	const char *dept_name[DEMO_MAX_DEPTS];
	demo_walker *walkers;
	size_t nwalkers, capwalkers;
	int failures; /* ledger calls that failed (logged) */
};

/* --- randomness (xorshift64*) --------------------------------------------- */
uint64_t demo_rand(demo_ctx *c);
/* A number from lo to hi inclusive. */
int demo_range(demo_ctx *c, int lo, int hi);
/* True with the given chance in percent. */
bool demo_chance(demo_ctx *c, int percent);

/* --- reference data ------------------------------------------------------- */
/* Ids by code; 0 when unknown. */
int64_t demo_dept(demo_ctx *c, const char *code);
int64_t demo_area(demo_ctx *c, const char *code);
int64_t demo_category(demo_ctx *c, const char *code);
/* The handler of a department, or the leader when it has none. */
const actor *demo_handler(demo_ctx *c, int64_t dept_id);
/* One of the two clerks, alternating by n. */
const actor *demo_clerk(demo_ctx *c, unsigned n);

/* --- time ------------------------------------------------------------------ */
/* 00:00 Beijing time of a date. */
int64_t demo_day_start(tz_date day);
/* The Beijing date of an instant. */
tz_date demo_date_of(int64_t t);
/* The latest working day `ago` days before today (today counts as 0), or
 * the next one when that would lie more than 90 days back, at `minute`
 * minutes after midnight. */
int64_t demo_workday_at(demo_ctx *c, int ago, int minute);
/* An office time `lo`..`hi` minutes after t: moved to the next working
 * day's morning when it falls outside 8:30-17:30 on a working day. */
int64_t demo_office_after(demo_ctx *c, int64_t t, int lo, int hi);
/* The date `days` calendar days after the day of t, as YYYY-MM-DD. */
void demo_date_plus(int64_t t, int days, char out[11]);

/* --- ledger calls that log and count failures ------------------------------ */
int demo_submit(demo_ctx *c, const actor *who, const submission *s, int64_t at,
		char number[32]);
int demo_act(demo_ctx *c, const actor *who, const char *number, const action_input *in,
	     int64_t at);
/* The matter's current deadline (or "" when none). */
void demo_deadline(demo_ctx *c, const char *number, char out[11]);
/* Ask for and grant an extension to at least `days` calendar days after t
 * and after the current deadline: handler at t, leader a little later
 * unless that would be after now. Returns the time of the last event (or
 * 0 on failure). */
int64_t demo_extend(demo_ctx *c, const char *number, int64_t dept_id, int64_t t, int days,
		    const char *reason, const char *approval);

/* A new walker, zeroed; the pointer is valid until the next call. */
demo_walker *demo_walker_add(demo_ctx *c);
/* The name of a department by id ("" when unknown). */
const char *demo_dept_name(demo_ctx *c, int64_t id);

/* --- generator texts (demo_text.c) ------------------------------------------- */
enum { TPL_HEAT = 1, TPL_PRIVATE = 2, TPL_URGENT = 4, TPL_ENTERPRISE = 8, TPL_REJECT = 16 };

/* A kind of problem. Places: 'e' estate, 'v' village, 'c' community,
 * 'r' road, 'n' none. In the texts {p} is the place, {n} a building, {u} a
 * unit, {d} a small number, {s} a spot on a road. */
typedef struct demo_tpl {
	const char *kind, *subkind, *category, *dept, *wrong; /* wrong: where it gets misrouted */
	char place;
	const char *channels; /* space-separated */
	int weight;
	unsigned flags;
	const char *title, *desc;
	const char *progress[2];
	const char *result;
} demo_tpl;

extern const demo_tpl demo_tpls[];
extern const size_t demo_ntpls;
/* Roads for addresses, with the area code each lies in. */
typedef struct demo_road {
	const char *name, *area;
} demo_road;
extern const demo_road demo_roads[];
extern const size_t demo_nroads;
/* Phrase pools: a NULL-terminated list each. */
extern const char *const demo_spots[], *const demo_surnames[], *const demo_titles[],
	*const demo_mobile[], *const demo_generic_progress[], *const demo_final_progress[], *const demo_redo_progress[],
	*const demo_reject_notes[], *const demo_assign_notes[], *const demo_extension_reasons[],
	*const demo_extension_approvals[], *const demo_happy_notes[], *const demo_basic_notes[],
	*const demo_unhappy_notes[], *const demo_close_notes[];
/* One entry of a NULL-terminated pool at random (entries may not be NULL
 * except the last; use "" for "no note"). */
const char *demo_pick(demo_ctx *c, const char *const *pool);

/* Where a generated matter is and the numbers in its text: the values of a
 * template's {p} {n} {u} {d} {s}. place indexes the areas, or the roads for
 * a template placed on a road. */
typedef struct demo_place {
	int place, n, u, d, s;
	int64_t area_id; /* 0 for a template without a place */
} demo_place;
/* Draw the place and numbers of a new matter of template tp (demo_gen.c). */
void demo_pick_place(demo_ctx *c, const demo_tpl *tp, demo_place *out);
/* A template text with its tokens filled in; caller frees. */
char *demo_expand(const demo_ctx *c, const demo_tpl *tp, const demo_place *pl, const char *text);
/* The submitter of a new matter of template tp handed in through channel:
 * a name and (not always for the paper box) a phone in the never-issued
 * 0000 block; both empty for an inspection. */
void demo_pick_submitter(demo_ctx *c, const demo_tpl *tp, const char *channel, char name[32],
			 char phone[16]);
/* The address pattern of a matter of template tp: "{p}{n}号楼", "{p}{s}附近",
 * "{p}" or "" — expand it with demo_expand. */
const char *demo_address_pattern(const demo_tpl *tp);

/* --- the two loaders ------------------------------------------------------- */
/* Add the walkers of the matters named in the seed reports. */
void demo_seed_load(demo_ctx *c);
/* Add the walkers of `n` generated matters over the last 90 days. */
void demo_gen_load(demo_ctx *c, int n);

#endif
