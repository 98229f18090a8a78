/*
 * lifecycle.h — the rules of a matter's life: which action, from which
 * status, by which role, leads where; and matter_act(), the one function
 * that changes a matter after submission, writing its event in the same
 * transaction and refusing stale versions (optimistic concurrency).
 *
 *   submitted/returned → accept → accepted;  → reject → rejected
 *   accepted/returned/submitted/reopened/assigned → assign → assigned
 *   assigned/in_progress/reopened → progress → in_progress
 *   assigned/in_progress/reopened → request_extension (handler) / extend (leader)
 *   assigned/in_progress → return → returned (back to intake)
 *   assigned/in_progress/reopened → resolve → resolved
 *   resolved → rate (resident or clerk's callback): dissatisfied → reopened
 *   resolved → close → closed (销号)
 *   resolved/closed → reopen → reopened (重办)
 *   any open status → merge → merged (duplicate of another matter)
 *   any open status → urge (leader): 督办 at the current tier or above, status unchanged
 *   resolved → callback (回访 by clerks, leaders, admin): not reached → same
 *     status (an attempt); reached → rated as `rate` does, and reopened when
 *     dissatisfied or not solved
 */
#ifndef TZ_LEDGER_LIFECYCLE_H
#define TZ_LEDGER_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include "ledger/actor.h"
#include "ledger/matter.h"
#include "store/db.h"

enum action {
	ACT_ACCEPT,
	ACT_REJECT,
	ACT_ASSIGN,
	ACT_PROGRESS,
	ACT_REQUEST_EXTENSION,
	ACT_EXTEND,
	ACT_RETURN,
	ACT_RESOLVE,
	ACT_RATE,
	ACT_CLOSE,
	ACT_REOPEN,
	ACT_MERGE,
	ACT_URGE, /* 督办: a leader raises or repeats the matter's 督办 tier */
	ACT_CALLBACK, /* 回访: the office calls the resident about a resolved matter */
	ACT_COUNT
};

/* "accept" ... and back (-1 when unknown); Chinese labels 受理 ... */
const char *action_name(int act);
int action_from_name(const char *name);
const char *action_label(int act);

/* Is `act` allowed on a matter in status `st` for this actor? For handlers
 * the matter's department must be theirs (department_id of the matter).
 * Pure: the table, no database. Residents (ROLE_NONE) may only rate, and
 * only with the 查询码 (checked by the caller). */
bool lifecycle_allowed(int act, int st, const actor *who, int64_t matter_department_id);
/* The status after the action (for rate: depends on the rating). */
int lifecycle_next(int act, int st, const char *rating);

typedef struct action_input {
	int act;
	int64_t version;        /* the version the actor saw; 0 = do not check */
	const char *note;       /* progress text, reason, result or verification note */
	bool note_public;       /* show the note on the public timeline */
	int64_t department_id;  /* assign: lead department */
	int64_t assignee_id;    /* assign: responsible person (optional) */
	const char *deadline;   /* assign (optional: default from category), extend */
	const char *rating;     /* rate */
	const char *merge_into; /* merge: number of the matter that stays */
	const int64_t *codepartments; /* assign: 协办 departments */
	size_t ncodepartments;
	int urge_level;          /* urge: 1 日常督办, 2 挂牌督办, 3 约谈督办 */
	const char *outcome;     /* callback: "reached" or why not (ledger/callback.h) */
	const char *solved;      /* callback when reached: "yes" or "no" */
} action_input;

/* The status after the action with its whole input: lifecycle_next, and
 * for a callback reopened when it reached the resident who was
 * dissatisfied or whose problem is not solved. */
int lifecycle_next_of(const action_input *in, int st);

/* Apply an action to the matter `number`. Returns LEDGER_OK and the new
 * version in *version_out, or LEDGER_NOT_FOUND / FORBIDDEN / BAD_STATE /
 * CONFLICT / INVALID (with a Chinese *msg) / ERROR. Nothing changes unless
 * LEDGER_OK. */
int matter_act(db *d, const actor *who, const char *number, const action_input *in,
	       int64_t now, int64_t *version_out, char **msg);

/* The actions this actor may take now on a matter (bit per action). */
unsigned lifecycle_available(const actor *who, const matter *m);

typedef struct event {
	int64_t id, at, actor_id;
	char *actor_label, *action, *from_status, *to_status, *note, *data;
	bool is_public;
} event;

/* The matter's events, oldest first; public_only for the public timeline. */
int event_list(db *d, int64_t matter_id, bool public_only, event **out, size_t *n);
void event_list_free(event *v, size_t n);

/* Call fn(ctx, at, note) for each non-empty note of matter_id's events of
 * one action (e.g. "progress"), oldest first, without loading the events
 * whole (an export calls it for every row); public_only: only the notes
 * shown on the public timeline. LEDGER_OK or LEDGER_ERROR. */
int event_notes(db *d, int64_t matter_id, const char *action, bool public_only,
		void (*fn)(void *ctx, int64_t at, const char *note), void *ctx);

/* One entry of the public feed of changes across matters. */
typedef struct feed_event {
	int64_t id, at;
	char *number, *to_status, *note;
} feed_event;
/* Public events of public matters with a category, between the instants
 * from and to (inclusive), oldest first, at most limit; merged matters
 * too, since the merge is the change that closes them. Nothing personal is
 * selected. LEDGER_OK or LEDGER_ERROR. */
int event_feed_public(db *d, int64_t from, int64_t to, int limit, feed_event **out, size_t *n);
void event_feed_free(feed_event *v, size_t n);

#endif
