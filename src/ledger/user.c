/*
 * user.c — staff accounts and API keys: creation, argon2id password hashes,
 * sign-in with throttling.
 */
#include "ledger/user.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "base/buf.h"
#include "base/token.h"
#include "base/utf8.h"
#include "base/util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* argon2id cost: libsodium's "interactive" level unless tuned down (tests). */
static unsigned long long hash_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t hash_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

#define THROTTLE_WINDOW (15 * 60)
#define THROTTLE_PER_LOGIN 5
#define THROTTLE_PER_REMOTE 20

void user_set_hash_cost(unsigned long long opslimit, size_t memlimit)
{
	hash_ops = opslimit;
	hash_mem = memlimit;
}

/* The id of the department with this code (0 when code is empty). False
 * when a code is given but unknown. */
static bool department_by_code(db *d, const char *code, int64_t *id)
{
	*id = str_empty(code) ? 0 : db_scalar(d, 0, "SELECT id FROM departments WHERE code = ?", "t", code);
	return str_empty(code) || *id != 0;
}

static bool login_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n >= 2 && n <= 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES])
{
	token_init();
	return crypto_pwhash_str(out, password, strlen(password), hash_ops, hash_mem) == 0
		       ? LEDGER_OK
		       : LEDGER_ERROR;
}

static const char *password_problem(const char *password)
{
	size_t n = password ? strlen(password) : 0;
	if (n < 8)
		return "密码至少8位";
	if (n > 256 || !utf8_valid(password, n))
		return "密码过长或含无效字符";
	return NULL;
}

int user_add(db *d, const char *login, const char *name, const char *role,
	     const char *department_code, const char *password, int64_t now, int64_t *id_out,
	     char **msg)
{
	unsigned r = role_from_name(role);
	if (!login_ok(login))
		return ledger_invalid(msg, "登录名须为2-32位小写字母、数字、点、-或_");
	if (str_empty(name) || !utf8_valid(name, strlen(name)) || utf8_count(name, strlen(name)) > 50)
		return ledger_invalid(msg, "姓名必填，不超过50字");
	if (r == ROLE_NONE || r == ROLE_APP)
		return ledger_invalid(msg, "角色应为 admin、leader、clerk、handler 或 observer");
	int64_t dept = 0;
	if (!department_by_code(d, department_code, &dept))
		return ledger_invalid(msg, "单位代码不存在");
	if (r == ROLE_HANDLER && !dept)
		return ledger_invalid(msg, "承办人须指定所属单位");
	const char *problem = password_problem(password);
	if (problem)
		return ledger_invalid(msg, problem);
	char hash[crypto_pwhash_STRBYTES];
	if (hash_password(password, hash) != LEDGER_OK)
		return LEDGER_ERROR;
	db_stmt *q = db_query(d, "INSERT INTO users(login, name, role, department_id, password_hash,"
				 " active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?) RETURNING id",
			      "tttzti", login, name, role, dept, hash, now);
	int rc = db_step(q);
	if (rc == DB_ROW && id_out)
		*id_out = db_int(q, 0);
	db_done(q);
	if (rc == DB_CONSTRAINT)
		return ledger_invalid(msg, "登录名已存在");
	return rc == DB_ROW ? LEDGER_OK : LEDGER_ERROR;
}

int user_set_password(db *d, int64_t user_id, const char *password, char **msg)
{
	const char *problem = password_problem(password);
	if (problem)
		return ledger_invalid(msg, problem);
	char hash[crypto_pwhash_STRBYTES];
	if (hash_password(password, hash) != LEDGER_OK)
		return LEDGER_ERROR;
	if (db_exec(d, "UPDATE users SET password_hash = ? WHERE id = ?", "ti", hash, user_id) != DB_DONE)
		return LEDGER_ERROR;
	if (!db_changes(d))
		return LEDGER_NOT_FOUND;
	/* Why: a changed password ends the sessions opened with the old one. */
	return db_exec(d, "DELETE FROM sessions WHERE user_id = ?", "i", user_id) == DB_DONE
		       ? LEDGER_OK : LEDGER_ERROR;
}

int user_set_active(db *d, int64_t user_id, bool active)
{
	if (db_exec(d, "UPDATE users SET active = ? WHERE id = ?", "ii", (int64_t)active, user_id) !=
	    DB_DONE)
		return LEDGER_ERROR;
	if (!db_changes(d))
		return LEDGER_NOT_FOUND;
	if (!active && db_exec(d, "DELETE FROM sessions WHERE user_id = ?", "i", user_id) != DB_DONE)
		return LEDGER_ERROR;
	return LEDGER_OK;
}

#define USER_COLS "u.id, u.login, u.name, u.role, u.phone, u.department_id, dp.name, u.active, u.created_at"
#define USER_FROM " FROM users u LEFT JOIN departments dp ON dp.id = u.department_id"

static void user_read(db_stmt *q, user *u)
{
	u->id = db_int(q, 0);
	u->login = db_text_dup(q, 1);
	u->name = db_text_dup(q, 2);
	u->role = db_text_dup(q, 3);
	u->phone = xstrdup(db_is_null(q, 4) ? "" : db_text(q, 4));
	u->department_id = db_int(q, 5);
	u->department_name = xstrdup(db_is_null(q, 6) ? "" : db_text(q, 6));
	u->active = db_int(q, 7) != 0;
	u->created_at = db_int(q, 8);
}

void user_clear(user *u)
{
	free(u->login);
	free(u->name);
	free(u->role);
	free(u->phone);
	free(u->department_name);
	memset(u, 0, sizeof *u);
}

static int read_users(db_stmt *q, user **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		user_read(q, &(*out)[(*n)++]);
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

int user_list(db *d, user **out, size_t *n)
{
	return read_users(db_query(d, "SELECT " USER_COLS USER_FROM " ORDER BY u.id", ""), out, n);
}

int user_list_department(db *d, int64_t department_id, user **out, size_t *n)
{
	return read_users(db_query(d, "SELECT " USER_COLS USER_FROM
				      " WHERE u.department_id = ? AND u.active = 1 ORDER BY u.id",
				   "i", department_id),
			  out, n);
}

void user_list_free(user *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		user_clear(&v[i]);
	free(v);
}

/* The one user q selects into *out (zeroed when there is none):
 * LEDGER_OK, LEDGER_NOT_FOUND or LEDGER_ERROR. */
static int read_one(db_stmt *q, user *out)
{
	memset(out, 0, sizeof *out);
	user *v;
	size_t n;
	int rc = read_users(q, &v, &n);
	if (rc == LEDGER_OK && n == 0)
		rc = LEDGER_NOT_FOUND;
	if (rc == LEDGER_OK) {
		*out = v[0];
		free(v);
	} else {
		user_list_free(v, n);
	}
	return rc;
}

int user_get(db *d, int64_t id, user *out)
{
	return read_one(db_query(d, "SELECT " USER_COLS USER_FROM " WHERE u.id = ?", "i", id), out);
}

int user_find_login(db *d, const char *login, user *out)
{
	return read_one(db_query(d, "SELECT " USER_COLS USER_FROM " WHERE u.login = ?", "t", login),
			out);
}

bool user_login_taken(db *d, const char *login)
{
	return db_scalar(d, 0, "SELECT count(*) FROM users WHERE login = ?", "t", login) > 0;
}

static int record_failure(db *d, void *vctx)
{
	const char **x = vctx;
	int64_t at;
	str_to_i64(x[2], &at);
	return db_exec(d, "INSERT INTO login_failures(login, remote, at) VALUES (?, ?, ?)", "tti",
		       x[0], x[1], at);
}

int user_authenticate(db *d, const char *login, const char *password, const char *remote,
		      int64_t now, actor *who)
{
	memset(who, 0, sizeof *who);
	if (str_empty(login) || str_empty(password) || strlen(login) > 64 || strlen(password) > 256)
		return LEDGER_INVALID;
	/* Why: throttle per login (guessing one account) and per address
	 * (spraying many) before spending any time on hashing. */
	int64_t since = now - THROTTLE_WINDOW;
	if (db_scalar(d, 0, "SELECT count(*) FROM login_failures WHERE login = ? AND at > ?", "ti",
		      login, since) >= THROTTLE_PER_LOGIN ||
	    db_scalar(d, 0, "SELECT count(*) FROM login_failures WHERE remote = ? AND at > ?", "ti",
		      remote, since) >= THROTTLE_PER_REMOTE)
		return LEDGER_THROTTLED;
	db_stmt *q = db_query(d, "SELECT id, password_hash, role, department_id, name FROM users"
				 " WHERE login = ? AND active = 1", "t", login);
	bool ok = false, found = db_step(q) == DB_ROW;
	if (!found) {
		/* Why: spend the same argon2id work as a real check, so the answer's
		 * timing does not tell which logins exist. */
		char waste[crypto_pwhash_STRBYTES];
		hash_password(password, waste);
	} else {
		token_init();
		const char *hash = db_text(q, 1);
		ok = hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
		if (ok) {
			who->user_id = db_int(q, 0);
			who->role = role_from_name(db_text(q, 2));
			who->department_id = db_int(q, 3);
			snprintf(who->login, sizeof who->login, "%s", login);
			snprintf(who->name, sizeof who->name, "%s", db_text(q, 4));
		}
	}
	db_done(q);
	if (ok)
		return LEDGER_OK;
	char at[24];
	snprintf(at, sizeof at, "%lld", (long long)now);
	const char *ctx[3] = {login, remote ? remote : "", at};
	db_transact(d, record_failure, ctx);
	memset(who, 0, sizeof *who);
	return LEDGER_INVALID;
}

int apikey_add(db *d, const char *name, const char *role, const char *department_code,
	       int64_t now, char **key_out, char **msg)
{
	unsigned r = role_from_name(role);
	if (str_empty(name) || strlen(name) > 64 || !utf8_valid(name, strlen(name)))
		return ledger_invalid(msg, "名称必填，不超过64字节");
	if (r == ROLE_NONE)
		return ledger_invalid(msg, "角色应为 admin、leader、clerk、handler、observer 或 app");
	int64_t dept = 0;
	if (!department_by_code(d, department_code, &dept))
		return ledger_invalid(msg, "单位代码不存在");
	if (r == ROLE_HANDLER && !dept)
		return ledger_invalid(msg, "承办人密钥须指定所属单位");
	char token[TOKEN_SIZE], hash[TOKEN_HASH_SIZE];
	token_random(token);
	char *key = str_printf("tzk_%s", token);
	token_hash(key, hash);
	if (db_exec(d, "INSERT INTO api_keys(name, key_hash, role, department_id, created_at)"
		       " VALUES (?, ?, ?, ?, ?)", "tttzi", name, hash, role, dept, now) != DB_DONE) {
		free(key);
		return LEDGER_ERROR;
	}
	*key_out = key;
	return LEDGER_OK;
}

int apikey_authenticate(db *d, const char *key, actor *who)
{
	/* Why the length check: junk costs no hashing or query. */
	if (str_empty(key) || strlen(key) > 200)
		return LEDGER_NOT_FOUND;
	char h[TOKEN_HASH_SIZE];
	token_hash(key, h);
	db_stmt *q = db_query(d,
			      "SELECT id, name, role, department_id FROM api_keys"
			      " WHERE key_hash = ? AND revoked_at IS NULL",
			      "t", h);
	int rc = db_step(q);
	if (rc == DB_ROW) {
		memset(who, 0, sizeof *who);
		who->apikey_id = db_int(q, 0);
		const char *name = db_text(q, 1) ? db_text(q, 1) : "";
		/* cut at a character boundary: the fields stay valid UTF-8 */
		size_t n = utf8_cut_bytes(name, strlen(name), sizeof who->login - 1);
		memcpy(who->login, name, n);
		n = utf8_cut_bytes(name, strlen(name), sizeof who->name - 1);
		memcpy(who->name, name, n);
		who->role = role_from_name(db_text(q, 2));
		who->department_id = db_int(q, 3);
	}
	db_done(q);
	return rc == DB_ROW ? LEDGER_OK : rc == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
}
