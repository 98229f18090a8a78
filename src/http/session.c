/*
 * session.c — staff sessions in the database, API keys, and visitors' CSRF
 * tokens (see session.h).
 *
 * Tokens are 32 bytes from libsodium's random generator, written as
 * unpadded base64url. The database stores only BLAKE2b hashes of session
 * tokens and API keys. Why: a copy of the database (a backup left on a
 * shared drive, a stolen disk) must not give anyone a live session or a
 * working key; and since lookups go by a hash the attacker cannot steer,
 * the index lookup leaks nothing useful through its timing.
 */
#include "http/session.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/token.h"
#include "base/utf8.h"
#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/user.h"

/* Does s look like one of our tokens (43 base64url characters)? */
static bool token_shaped(const char *s)
{
	if (!s || strlen(s) != SESSION_TOKEN_SIZE - 1)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

/* Copy src into a fixed actor field of size n, cut at a character
 * boundary so the field stays valid UTF-8. */
static void copy_field(char *dst, size_t n, const char *src)
{
	size_t len = src ? strlen(src) : 0;
	len = utf8_cut_bytes(src ? src : "", len, n - 1);
	memcpy(dst, src ? src : "", len);
	dst[len] = '\0';
}

struct create_ctx {
	const char *id, *csrf;
	int64_t user_id, now, ttl;
};

/* In the transaction: drop expired sessions, insert the new one. */
static int create_tx(db *d, void *vctx)
{
	struct create_ctx *c = vctx;
	int rc = db_exec(d, "DELETE FROM sessions WHERE expires_at <= ?", "i", c->now);
	if (rc < 0)
		return rc;
	return db_exec(d,
		       "INSERT INTO sessions (id, user_id, csrf, created_at, expires_at)"
		       " VALUES (?, ?, ?, ?, ?)",
		       "titii", c->id, c->user_id, c->csrf, c->now, c->now + c->ttl);
}

int session_create(db *d, int64_t user_id, int64_t now, int64_t ttl,
		   char token_out[SESSION_TOKEN_SIZE], char csrf_out[SESSION_TOKEN_SIZE])
{
	char id[SESSION_HASH_SIZE];
	token_random(token_out);
	token_random(csrf_out);
	token_hash(token_out, id);
	struct create_ctx c = {id, csrf_out, user_id, now, ttl};
	int rc = db_transact(d, create_tx, &c);
	if (rc < 0) {
		/* Why: a token that was never stored must not reach a cookie. */
		sodium_memzero(token_out, SESSION_TOKEN_SIZE);
		sodium_memzero(csrf_out, SESSION_TOKEN_SIZE);
		log_error("could not create a session (%d)", rc);
	}
	return rc < 0 ? rc : 0;
}

/* Look up a Bearer key. Returns 0 (who filled or left anonymous) or -1. */
static int load_apikey(request *rq, const char *key)
{
	int rc = apikey_authenticate(rq->db, key, &rq->who);
	return rc == LEDGER_OK || rc == LEDGER_NOT_FOUND ? 0 : -1;
}

/* Look up the session cookie's token. Returns 0 or -1. */
static int load_session(request *rq, const char *token)
{
	char h[SESSION_HASH_SIZE];
	token_hash(token, h);
	db_stmt *q = db_query(rq->db,
			      "SELECT u.id, u.role, u.department_id, u.login, u.name, s.csrf"
			      " FROM sessions s JOIN users u ON u.id = s.user_id"
			      " WHERE s.id = ? AND s.expires_at > ? AND u.active = 1",
			      "ti", h, rq->now);
	int rc = db_step(q);
	if (rc == DB_ROW) {
		rq->who.user_id = db_int(q, 0);
		rq->who.role = role_from_name(db_text(q, 1));
		rq->who.department_id = db_int(q, 2);
		copy_field(rq->who.login, sizeof rq->who.login, db_text(q, 3));
		copy_field(rq->who.name, sizeof rq->who.name, db_text(q, 4));
		copy_field(rq->csrf, sizeof rq->csrf, db_text(q, 5));
		copy_field(rq->session_id, sizeof rq->session_id, h);
	}
	db_done(q);
	return rc < 0 ? -1 : 0;
}

int session_load(request *rq)
{
	memset(&rq->who, 0, sizeof rq->who);
	rq->who.role = ROLE_NONE;
	rq->csrf[0] = rq->session_id[0] = '\0';
	int rc = 0;
	const char *auth = rq_header(rq, "authorization");
	if (auth) {
		/* Why no fallback to the cookie: a request that names a key is
		 * judged by that key alone, so a bad key never quietly acts
		 * with someone's session. Keys get no CSRF token: key routes
		 * are ROUTE_NO_CSRF and cookie routes refuse them. */
		if (strncasecmp(auth, "Bearer ", 7) == 0 && auth[7])
			rc = load_apikey(rq, auth + 7);
		goto done;
	}
	const char *token = kv_get(&rq->cookies, SESSION_COOKIE);
	/* Why the shape check: junk cookies cost no hashing or query. */
	if (token_shaped(token))
		rc = load_session(rq, token);
	if (rc < 0 || rq->who.user_id)
		goto done;
	const char *csrf = kv_get(&rq->cookies, CSRF_COOKIE);
	if (token_shaped(csrf))
		copy_field(rq->csrf, sizeof rq->csrf, csrf);
	else
		token_random(rq->csrf);
done:
	if (rc < 0) {
		memset(&rq->who, 0, sizeof rq->who);
		rq->csrf[0] = rq->session_id[0] = '\0';
	}
	return rc;
}

void session_csrf_cookie(const request *rq, response *rs)
{
	if (rq->is_json_route || rq->who.user_id || rq->who.apikey_id || !rq->csrf[0])
		return;
	if (str_cmp0(kv_get(&rq->cookies, CSRF_COOKIE), rq->csrf) == 0)
		return;
	buf b = BUF_INIT;
	/* Why Strict: the token only has to come back from our own pages, and
	 * a cookie never sent cross-site cannot be used from another site.
	 * Why HttpOnly: pages embed the token in their forms; no script needs
	 * the cookie. */
	buf_printf(&b, "%s=%s; Path=/; HttpOnly; SameSite=Strict", CSRF_COOKIE, rq->csrf);
	/* Why Secure: behind TLS a token seen on plain http:// is a token
	 * anyone on the way can replay in a forged form. */
	if (rs->secure_cookies)
		buf_puts(&b, "; Secure");
	resp_header(rs, "Set-Cookie", buf_str(&b));
	buf_free(&b);
}

/* In the transaction: delete one session. */
static int destroy_tx(db *d, void *ctx)
{
	return db_exec(d, "DELETE FROM sessions WHERE id = ?", "t", (const char *)ctx);
}

int session_destroy(db *d, const char *session_id)
{
	if (str_empty(session_id))
		return 0;
	int rc = db_transact(d, destroy_tx, (void *)session_id);
	return rc < 0 ? rc : 0;
}
