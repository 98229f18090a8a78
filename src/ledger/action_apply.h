/*
 * action_apply.h — private to ledger/: the per-action effects behind
 * matter_act() (lifecycle.c), which has already checked version, role and
 * state inside the open transaction.
 */
#ifndef TZ_LEDGER_ACTION_APPLY_H
#define TZ_LEDGER_ACTION_APPLY_H

#include "ledger/lifecycle.h"

/* What the rules need to know of a matter, read inside the transaction. */
typedef struct act_state {
	int64_t id, version, department_id, category_id;
	int status;
	char *number, *deadline, *extension_request, *rating;
} act_state;

int act_state_load(db *d, const char *number, act_state *s);
void act_state_clear(act_state *s);

/* Validate the input for in->act and write its effects and its event.
 * Returns LEDGER_OK or an error (with *msg for LEDGER_INVALID). */
int act_apply(db *d, const actor *who, const act_state *s, const action_input *in, int next,
	      int64_t now, char **msg);

/* Append one event (the only INSERT INTO events besides submission). */
int event_append(db *d, int64_t matter_id, const actor *who, const char *action,
		 const char *from, const char *to, const char *note, bool is_public,
		 const char *data_json, int64_t now);

#endif
