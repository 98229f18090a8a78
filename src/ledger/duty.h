/*
 * duty.h — recurring duties of people (e.g. the yearly reminder talk with
 * each village secretary, the yearly report on integrity): what, who, how
 * often, the next due date, the reminder before it, and their records.
 *
 * A duty recurs yearly, half-yearly, quarterly, monthly or weekly, each
 * with its due rule (yearly by 12-31, quarterly by the last day of the
 * quarter's third month, monthly by day 25, weekly by Friday ...). Marking
 * it done records who, when and a note, and moves next_due to the first
 * due date after both the date it fulfilled and the day it was done, so a
 * period missed entirely is not owed as a backlog (the record shows it was
 * late). A duty is overdue when today is after next_due; its reminders
 * start lead_days working days before.
 */
#ifndef TZ_LEDGER_DUTY_H
#define TZ_LEDGER_DUTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/actor.h"
#include "store/db.h"

/* One duty as the daily dispatch lists it. */
typedef struct duty_due {
	int64_t id;
	char *title;
	char *person_name;     /* the responsible person, "" if none */
	int64_t department_id; /* 0: the whole office */
	char *department_name;
	char next_due[11];     /* YYYY-MM-DD */
	bool overdue;          /* next_due before today */
} duty_due;

/* Active duties of a department (0: all) due within `within` working days
 * of `today` or overdue, earliest first. */
int duty_due_list(db *d, const char *today, int within, int64_t department_id, duty_due **out,
		  size_t *n);
void duty_due_free(duty_due *v, size_t n);

/* The scheduler's part: for each active duty entering its reminder window,
 * queue one reminder per due date to its department's and the office's
 * channels that receive TOPIC_DUTY, and one overdue notice per due date
 * once it is overdue. Idempotent. *queued: how many messages. */
int duty_tick(db *d, int64_t now, int *queued);

/* ---- the recurrence (pure: no database) ---- */

enum duty_recurrence {
	DUTY_YEARLY,
	DUTY_HALF_YEARLY,
	DUTY_QUARTERLY,
	DUTY_MONTHLY,
	DUTY_WEEKLY,
	DUTY_NRECURRENCES
};

/* "yearly" ... and back (-1 when unknown); labels 每年 每半年 每季度 每月 每周. */
const char *duty_recurrence_name(int r);
int duty_recurrence_from_name(const char *name);
const char *duty_recurrence_label(int r);

/* Is (month, day) a due rule for recurrence r? yearly: month 1-12 and a
 * day that month has in a leap year (02-29 is due on 02-28 in other
 * years); half-yearly: month 1-6 of each half; quarterly: month 1-3 of
 * each quarter; both with day 1-31. monthly: day 1-31, month 0. weekly:
 * day 1-7 (Monday to Sunday), month 0. A day past a month's end means its
 * last day. */
bool duty_rule_valid(int r, int month, int day);

/* The first due date of the rule on or after `from` (YYYY-MM-DD), into
 * out. Returns false for a bad rule or date. */
bool duty_due_on_or_after(int r, int month, int day, const char *from, char out[11]);

/* The rule in words: 每年12月31日前, 每半年（6月、12月）30日前, 每月25日前,
 * 每周五前. */
void duty_rule_text(int r, int month, int day, char *out, size_t n);

/* ---- duties and their records ---- */

typedef struct duty {
	int64_t id;
	char *title, *description;
	int64_t department_id;  /* 0: the whole office */
	char *department_name;  /* "" for the whole office (loaded) */
	int64_t person_id;      /* responsible user, 0: none */
	char *person_name;      /* free name when person_id is 0; loaded: who, either way */
	int recurrence, due_month, due_day;
	char next_due[11];      /* "" on save: computed from today */
	int lead_days;          /* working days of reminders before next_due */
	bool active;
	int64_t created_at, updated_at;
	int64_t last_done_at;   /* loaded: the latest record's time, 0: none */
	char *last_done_by;     /* loaded: its actor label, "" when none */
	bool overdue, due_soon; /* loaded for `today`: past next_due / in the lead window */
} duty;

typedef struct duty_record {
	int64_t id, duty_id, user_id, done_at;
	char due[11];
	char *actor_label, *note;
} duty_record;

void duty_clear(duty *x);
void duty_list_free(duty *v, size_t n);
void duty_records_free(duty_record *v, size_t n);

/* Every duty (inactive ones too unless active_only): overdue first, then
 * due soon, then by next due date; inactive ones last. overdue and
 * due_soon are judged for `today` on the ledger's calendar. */
int duty_list(db *d, const char *today, bool active_only, duty **out, size_t *n);

/* The active duties the actor answers for: theirs by name (person_id), or
 * of their department with no one named. Same order as duty_list. */
int duty_list_mine(db *d, const actor *who, const char *today, duty **out, size_t *n);

/* One duty into *out. LEDGER_OK, LEDGER_NOT_FOUND or LEDGER_ERROR. */
int duty_load(db *d, int64_t id, const char *today, duty *out);

/* Create (x->id 0) or change a duty. Checked: a title of 1-100 and a
 * description of 0-2000 characters, an active department or none, an
 * active user or a free name of at most 50 characters (not both), the
 * rule, next_due a real date (empty: the rule's first due date on or after
 * today), lead_days 0-60. Only administrators and leaders may. LEDGER_OK
 * and *id_out, LEDGER_FORBIDDEN, LEDGER_INVALID with a Chinese *msg, or
 * LEDGER_ERROR. */
int duty_save(db *d, const actor *who, const duty *x, int64_t now, int64_t *id_out, char **msg);

/* Stop or resume a duty (administrators and leaders). Resuming a duty
 * whose next_due has passed moves it to the rule's first due date on or
 * after today. LEDGER_OK, LEDGER_FORBIDDEN, LEDGER_NOT_FOUND, LEDGER_ERROR. */
int duty_set_active(db *d, const actor *who, int64_t id, bool active, int64_t now);

/* May the actor mark this duty done? The responsible person, the handlers
 * of its department, clerks, leaders and administrators; never an
 * observer (read-only), even one named as the person. */
bool duty_may_complete(const actor *who, const duty *x);

/* Record that the duty was done now, for its current next_due, with an
 * optional note (at most 1000 characters), and move next_due on. An
 * inactive duty cannot be done. `seen_due` (when not NULL) is the due date
 * the actor saw: a different one means someone else marked it first
 * (LEDGER_CONFLICT). LEDGER_OK, LEDGER_FORBIDDEN, LEDGER_NOT_FOUND,
 * LEDGER_BAD_STATE, LEDGER_CONFLICT, LEDGER_INVALID (*msg), LEDGER_ERROR. */
int duty_complete(db *d, const actor *who, int64_t id, const char *seen_due, const char *note,
		  int64_t now, char **msg);

/* The duty's records, newest first, at most limit. */
int duty_records(db *d, int64_t id, int limit, duty_record **out, size_t *n);

#endif
