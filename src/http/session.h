/*
 * session.h — who is asking: staff sessions kept in the database, API keys,
 * and the CSRF token of every visitor.
 *
 * A signed-in browser holds a random token in the cookie tz_session; the
 * database keeps only a hash of it (sessions.id). An API client sends
 * `Authorization: Bearer KEY`; api_keys keeps only the key's hash. An
 * anonymous visitor gets a random CSRF token in the cookie tz_csrf, so
 * residents' forms are protected by the double-submit rule; a signed-in
 * user's CSRF token lives in the session row.
 */
#ifndef TZ_HTTP_SESSION_H
#define TZ_HTTP_SESSION_H

#include <stdint.h>

#include "http/http.h"
#include "store/db.h"

#define SESSION_COOKIE "tz_session"
#define CSRF_COOKIE "tz_csrf"

/* Size of a token buffer: 32 random bytes as unpadded base64url (43
 * characters) and the NUL. Session tokens and CSRF tokens have this size. */
#define SESSION_TOKEN_SIZE 44
/* Size of a hash buffer: 32 bytes of BLAKE2b as hex and the NUL. */
#define SESSION_HASH_SIZE 65

/* Open a session for user_id valid from now for ttl seconds, and remove
 * expired sessions. token_out receives the cookie value to hand to the
 * browser (resp_set_cookie(rs, SESSION_COOKIE, token, ttl)), csrf_out the
 * session's CSRF token. Returns 0, or a negative db_result. */
int session_create(db *d, int64_t user_id, int64_t now, int64_t ttl,
		   char token_out[SESSION_TOKEN_SIZE], char csrf_out[SESSION_TOKEN_SIZE]);

/* Find out who sent rq (rq->db, rq->headers and rq->cookies must be
 * filled): a Bearer API key if the request has an Authorization header,
 * else the tz_session cookie's session (unexpired, active user), else
 * anonymous. Fills rq->who, rq->csrf and rq->session_id (the hashed id, for
 * session_destroy). An anonymous visitor's CSRF token is the tz_csrf
 * cookie's, or a new random one. Returns 0, or -1 when the database failed
 * (logged). */
int session_load(request *rq);

/* After the handler: give an anonymous visitor the tz_csrf cookie when the
 * request did not carry the token in rq->csrf (HttpOnly, SameSite=Strict,
 * Path=/, until the browser closes; Secure when rs->secure_cookies). Does
 * nothing on JSON routes, for API keys and for signed-in users. */
void session_csrf_cookie(const request *rq, response *rs);

/* End the session whose hashed id is session_id (rq->session_id); the
 * caller also clears the cookie (resp_set_cookie(rs, SESSION_COOKIE, "", 0)).
 * Returns 0, or a negative db_result. */
int session_destroy(db *d, const char *session_id);

#endif
