/*
 * actor.h — who is acting: a signed-in staff user, an API key, or an
 * anonymous resident. Roles are bits so a route or an action can name the
 * set of roles it allows.
 */
#ifndef TZ_LEDGER_ACTOR_H
#define TZ_LEDGER_ACTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum role {
	ROLE_NONE = 0, /* anonymous visitor or resident */
	ROLE_ADMIN = 1 << 0,
	ROLE_LEADER = 1 << 1,
	ROLE_CLERK = 1 << 2,
	ROLE_HANDLER = 1 << 3, /* of one department */
	ROLE_OBSERVER = 1 << 4, /* reads everything but personal data */
	ROLE_APP = 1 << 5,      /* Open311 client app key: submit only */
};
#define ROLE_STAFF (ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK | ROLE_HANDLER | ROLE_OBSERVER)

typedef struct actor {
	int64_t user_id;       /* users.id; 0 when anonymous or an API key */
	int64_t apikey_id;     /* api_keys.id when acting through a key */
	unsigned role;         /* exactly one ROLE_* bit, or ROLE_NONE */
	int64_t department_id; /* the handler's department; 0 otherwise */
	char login[64];        /* users.login or the key's name */
	char name[128];        /* display name */
	/* The ledger itself (the scheduler): no user and no key, so its
	 * events have no actor_id, and name alone is their label. */
	bool system;
} actor;

/* The role named "admin", "leader", ... ; ROLE_NONE when unknown. */
unsigned role_from_name(const char *name);
/* "admin", "leader", ...; "anonymous" for ROLE_NONE. */
const char *role_name(unsigned role);
/* Chinese label: 管理员, 领导, 受理员, 承办人, 监督员, 应用. */
const char *role_label(unsigned role);
/* May this actor see residents' personal data (name, phone, contact)?
 * Observers, apps and the public may not. */
bool actor_sees_personal(const actor *a);
/* May this actor see the personal data of a matter whose lead department
 * is department_id (0: none yet)? As actor_sees_personal, except that a
 * handler sees only those of their own department's matters. */
bool actor_sees_personal_of(const actor *a, int64_t department_id);

/* The actor as written on events: "受理员 王芳", "群众", "应用 NAME";
 * a system actor's label alone ("督办系统"). */
void actor_label_for(const actor *who, char *out, size_t n);

/* The ledger itself acting under `label` (e.g. "督办系统"): a system actor
 * with an administrator's rights in the lifecycle rules, no user, no key.
 * For the scheduler's own events, never for a request. */
actor actor_system(const char *label);

#endif
