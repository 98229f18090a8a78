/*
 * v1_people.c — staff accounts in the staff API, for administrators
 * (POST /api/v1/people {login, name, role, department?}).
 *
 * The account gets a random password (32 random bytes, base64url), given
 * once in the 201 answer and stored only as an argon2id hash: the
 * administrator hands it over and the person changes it. Why generated:
 * a password chosen by a script tends to be a pattern, and one sent in a
 * request body would sit in the client's history.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/staff_api.h"
#include "api/v1_json.h"
#include "base/token.h"
#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/user.h"

static const char *const person_fields[] = {"login", "name", "role", "department", NULL};

typedef struct person_in {
	const char *login, *name, *role, *department;
} person_in;

/* Read the body into *p; false when it answered. */
static bool read_person(request *rq, v1_in *in, person_in *p)
{
	v1_in_known(in, person_fields);
	p->login = v1_in_str(in, "login", true);
	p->name = v1_in_str(in, "name", true);
	p->role = v1_in_str(in, "role", true);
	p->department = v1_in_str(in, "department", false);
	unsigned role = p->role ? role_from_name(p->role) : ROLE_NONE;
	department dep;
	if (p->role && (role == ROLE_NONE || role == ROLE_APP))
		v1_in_fail(in, V1_FIELD_INVALID, "role", "应为 admin、leader、clerk、handler 或 observer");
	if (p->department && !in->failed) {
		int rc = department_get(rq->db, 0, p->department, &dep);
		department_clear(&dep);
		if (rc != LEDGER_OK)
			v1_in_fail(in, V1_FIELD_INVALID, "department", "不是已有的单位代码");
	}
	if (!in->failed && role == ROLE_HANDLER && !p->department)
		v1_in_fail(in, V1_FIELD_MISSING, "department", "承办人必须属于一个单位");
	return !in->failed;
}

/* 409 when the login is taken (also when user_add lost a race for it). */
static bool login_free_or_409(request *rq, response *rs, const char *login)
{
	if (!user_login_taken(rq->db, login))
		return true;
	v1_fail(rs, 409, V1_CODE_TAKEN, "登录名已存在，请换一个", json_pack("{s:s}", "field", "login"));
	return false;
}

void v1_person_create(request *rq, response *rs)
{
	person_in p = {0};
	char password[TOKEN_SIZE];
	char *msg = NULL;
	json_t *body = v1_body_or_error(rq, rs);
	if (!body)
		return;
	v1_in in = v1_in_start(rs, body, "");
	if (!read_person(rq, &in, &p) || !login_free_or_409(rq, rs, p.login))
		goto done;
	token_random(password);
	int rc = user_add(rq->db, p.login, p.name, p.role, p.department, password, rq->now, NULL,
			  &msg);
	if (rc == LEDGER_OK)
		v1_reply(rs, 201,
			 json_pack("{s:s, s:s, s:s, s:o, s:s}", "login", p.login, "name", p.name, "role",
				   p.role, "department", v1_str_or_null(p.department), "password",
				   password));
	else if (rc != LEDGER_INVALID || login_free_or_409(rq, rs, p.login))
		v1_fail_ledger(rs, rc, msg, V1_NO_SUCH_ENDPOINT);
done:
	sodium_memzero(password, sizeof password);
	free(msg);
	json_decref(body);
}
