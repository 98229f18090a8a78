/*
 * duty.h — recurring duties of people (e.g. the yearly reminder talk with
 * each village secretary, the yearly report on integrity): what, who, how
 * often, the next due date, the reminder before it, and their records.
 */
#ifndef TZ_LEDGER_DUTY_H
#define TZ_LEDGER_DUTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* The scheduler's part: for each active duty entering its reminder window
 * (or overdue), queue one reminder per due date to its department's and the
 * office's channels that receive TOPIC_DUTY. Idempotent. *queued: how many
 * messages. */
int duty_tick(db *d, int64_t now, int *queued);

#endif
