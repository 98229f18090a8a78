/*
 * callback.h — 回访: after a matter is resolved, the office calls the
 * resident (reached or not, resolved or not, rating), and a matter the
 * resident never rated is closed after a configurable period.
 *
 * The call itself is the lifecycle action ACT_CALLBACK (lifecycle.h,
 * action_apply.c): reached, it takes the rating as the resident's own
 * rating does and sends the matter back (重办) when they are dissatisfied
 * or say the problem is not solved; not reached, it is an internal
 * 'callback_missed' event counting the attempt. This module holds what
 * the callback desk needs besides: the outcomes, the attempts, the task
 * list, and the closing of matters nobody rated (逾期未评价).
 */
#ifndef TZ_LEDGER_CALLBACK_H
#define TZ_LEDGER_CALLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/actor.h"
#include "store/db.h"

/* Close (销号, by the system, with an event saying why) every resolved
 * matter that has no rating `days` working days after it was resolved.
 * Idempotent. *closed: how many. LEDGER_OK or LEDGER_ERROR (LEDGER_INVALID
 * for days < 1).
 *
 * The resident has the `days` working days after the day of resolution
 * (on the ledger's calendar) to rate; the first run on a later working
 * day closes the matter with the public note 逾期未评价，系统自动销号. A
 * matter rated or acted on meanwhile is left alone (its version moved).
 * Such a matter counts as resolved but unrated and not confirmed solved
 * in the rates (docs/rates.md). */
int callback_close_unrated(db *d, int64_t now, int days, int *closed);

/* The outcomes of a call: "reached" 已接通, and why not: "no_answer"
 * 无人接听, "busy" 占线, "refused" 拒接, "wrong_number" 号码错误或空号,
 * "unreachable" 关机或停机. callback_outcome(i) is the i-th name (NULL
 * past the last), for forms. */
const char *callback_outcome(int i);
bool callback_outcome_valid(const char *outcome);
const char *callback_outcome_label(const char *outcome);

/* How many calls have not reached the resident since the matter was last
 * resolved (its 'callback_missed' events); -1 on a database error. */
int64_t callback_attempts(db *d, int64_t matter_id);

/* One resolved matter waiting for its callback. */
typedef struct callback_task {
	int64_t matter_id, version, department_id;
	char *number, *title, *department_name;
	char *submitter_name, *submitter_phone; /* "" unless the reader may see them */
	bool is_public;
	int64_t resolved_at;
	int waited;       /* working days since the day of resolution */
	int attempts;     /* calls that did not reach the resident */
	int64_t last_at;  /* the latest of them, 0: none */
	/* its note ("回访未接通（占线），第1次"), with what the clerk wrote
	 * of it ("：下午再打") when the reader may see personal data; "" none */
	char *last_note;
} callback_task;

typedef struct callback_filter {
	int64_t department_id;   /* lead department; 0: all */
	int attempts_min;        /* at least this many attempts (0: any) */
	int attempts_max;        /* at most this many; -1: no bound */
	int offset, limit;       /* limit 0: 50; at most 200 */
} callback_filter;

/* The matters awaiting a callback (resolved, not rated), oldest resolution
 * first, with their attempts; the resident's name and phone only when
 * actor_sees_personal_of(who, department). *total: how many match the
 * filter. The list is malloc'ed (callback_tasks_free). */
int callback_list(db *d, const actor *who, const callback_filter *f, int64_t now,
		  callback_task **out, size_t *n, int64_t *total);
void callback_tasks_free(callback_task *v, size_t n);

/* The desk's header: all matters awaiting a callback, those never called,
 * those called without reaching anyone, and the calls that reached a
 * resident today. */
typedef struct callback_counts {
	int64_t waiting, untried, tried, reached_today;
} callback_counts;
int callback_count(db *d, int64_t now, callback_counts *out);

#endif
