/*
 * user.h — staff accounts: creation, argon2id passwords, sign-in with
 * throttling, and API keys.
 */
#ifndef TZ_LEDGER_USER_H
#define TZ_LEDGER_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/actor.h"
#include "store/db.h"

typedef struct user {
	int64_t id;
	char *login, *name, *role, *phone;
	int64_t department_id;
	char *department_name;
	bool active;
	int64_t created_at;
} user;

/* Create a user. role is one of admin|leader|clerk|handler|observer;
 * department_code is required for handlers. Password at least 8 bytes.
 * Returns LEDGER_OK (and *id_out), LEDGER_INVALID with *msg, LEDGER_ERROR. */
int user_add(db *d, const char *login, const char *name, const char *role,
	     const char *department_code, const char *password, int64_t now, int64_t *id_out,
	     char **msg);
int user_set_password(db *d, int64_t user_id, const char *password, char **msg);
int user_set_active(db *d, int64_t user_id, bool active);
int user_list(db *d, user **out, size_t *n);
void user_list_free(user *v, size_t n);
int user_get(db *d, int64_t id, user *out);
void user_clear(user *u);
/* The account with this login, active or not, into *out (free with
 * user_clear). LEDGER_OK, LEDGER_NOT_FOUND or LEDGER_ERROR. */
int user_find_login(db *d, const char *login, user *out);
/* Does an account with this login exist? False also when the database
 * fails (logged by the store). */
bool user_login_taken(db *d, const char *login);
/* Handlers of a department (for the assign form). */
int user_list_department(db *d, int64_t department_id, user **out, size_t *n);

/* Check a sign-in. Returns LEDGER_OK and fills *who; LEDGER_INVALID for a
 * wrong login or password (the same answer for both: why, not to tell
 * which logins exist); LEDGER_THROTTLED after too many failures for this
 * login or address in the last 15 minutes. Failures are recorded. */
int user_authenticate(db *d, const char *login, const char *password, const char *remote,
		      int64_t now, actor *who);

/* Create an API key; the clear key is written to key_out (caller frees) and
 * only its hash is stored. role may also be "app". */
int apikey_add(db *d, const char *name, const char *role, const char *department_code,
	       int64_t now, char **key_out, char **msg);

/* Who acts with this API key: LEDGER_OK and *who filled (apikey_id, role,
 * department, the key's name); LEDGER_NOT_FOUND for an unknown or revoked
 * key; LEDGER_ERROR. */
int apikey_authenticate(db *d, const char *key, actor *who);

/* Tune argon2id cost (tests use the minimum to stay fast under valgrind). */
void user_set_hash_cost(unsigned long long opslimit, size_t memlimit);

#endif
