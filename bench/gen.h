/*
 * gen.h — what the two parts of the benchmark ledger generator share:
 * gen.c (the command line, the reference data, the scheduler and every
 * write) and gen_walk.c (each matter's history, step by step).
 *
 * The generator writes the rows the ledger itself writes (matter.c's
 * submission, action_apply.c's actions), with the same columns, notes,
 * event data and counters, but through prepared statements in large
 * transactions instead of one ledger call per action, so a million matters
 * take minutes. Texts come from the demo's templates (demo/demo_int.h).
 */
#ifndef TZ_BENCH_GEN_H
#define TZ_BENCH_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "demo/demo_int.h"

/* Stages of a walk: the next thing to do. */
enum gen_stage {
	G_SUBMIT, G_TRIAGE, G_ASSIGN, G_RETURN, G_REASSIGN, G_PROGRESS, G_EXTEND, G_GRANT,
	G_RESOLVE, G_RATE, G_VERIFY, G_CLOSE, G_END
};

/* How far a matter will have got by the end of the window. */
enum gen_fate {
	GF_SUBMITTED, GF_REJECTED, GF_MERGED, GF_ACCEPTED, GF_ASSIGNED, GF_RETURNED,
	GF_IN_PROGRESS, GF_RESOLVED, GF_RATED, GF_REOPENED, GF_CLOSED, GF_COUNT
};

/* One matter on its way; owned by the scheduler, freed when it ends. */
typedef struct gen_walk {
	int64_t t;   /* when the next step is due */
	int64_t seq; /* submission order: ties go to the earlier matter */
	int64_t id;  /* matters.id */
	char number[32];
	int tpl;     /* index into demo_tpls */
	char channel[16];
	demo_place pl; /* the place and numbers of its texts */
	int64_t category_id;
	int resolve_days;
	int fate, stage;
	bool accept_first, misroute, extension, unhappy, leader_reopens;
	const char *rating; /* the rating the resident will give, or NULL */
	int notes_want, notes_done, round;
	/* the row as it stands, written back when the walk ends */
	int status;
	int64_t version, updated_at, responded_at, resolved_at, closed_at, merged_into;
	int64_t dept, assignee;
	char deadline[11], extension_request[11];
	char *reason, *result, *rating_note; /* owned */
	const char *rating_now;
	int extensions;
} gen_walk;

/* The generator's state. */
typedef struct gen {
	demo_ctx c;  /* rng, calendar, departments, areas, handlers, clerks, leader */
	int64_t end; /* the ledger's "now": no event after it */
	int64_t category_id[64];
	int resolve_days[64], respond_days[64];
	uint64_t matters, events;
	int64_t next_id;
	int counter_year[16];
	int64_t counter_value[16];
	int ncounters;
	/* the latest matter of each template, for duplicates (合并) */
	struct gen_recent {
		int64_t id, created;
		char number[32];
		int status;
		gen_walk *live; /* NULL once its walk has ended */
	} recent[64];
} gen;

/* --- writes (gen.c) --------------------------------------------------------- */
/* Append an event to a matter the way event_append() does (statuses as
 * enum matter_status; data NULL means "{}"). Returns 0 or -1 (logged). */
int gen_event(gen *g, int64_t matter_id, const actor *who, const char *action, int from,
	      int to, const char *note, bool is_public, const char *data, int64_t at);

/* --- histories (gen_walk.c) ------------------------------------------------- */
/* Decide a new matter's fate and turns from its age in days at the end. */
void gen_plan(gen *g, gen_walk *w, int age_days);
/* Do the step due at w->t (any stage after G_SUBMIT, which gen.c does),
 * set the next stage and time (G_END when done). Returns 0 or -1 (a failed
 * write, logged). */
int gen_step(gen *g, gen_walk *w);
/* Fill a template text's tokens for this matter; caller frees. */
char *gen_fill(gen *g, const gen_walk *w, const char *text);

#endif
