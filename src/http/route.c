/*
 * route.c — the dispatcher: from a request to the one route that serves
 * it, with the checks every route shares (see http_dispatch in http.h).
 *
 * Order of the checks: find the route by path and method (404, 405 with
 * Allow), then who may use it (401 or a redirect to the login page, 403),
 * then the CSRF token of a state-changing request (403), then the handler.
 * The route table itself lives in web/ and api/; this file knows no URL.
 */
#include "http/http.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* One captured segment: where it starts in the path, and its length. */
struct capture {
	const char *p;
	size_t n;
};

const char *http_method_name(enum http_method m)
{
	switch (m) {
	case HTTP_GET: return "GET";
	case HTTP_HEAD: return "HEAD";
	case HTTP_POST: return "POST";
	case HTTP_PUT: return "PUT";
	case HTTP_PATCH: return "PATCH";
	case HTTP_DELETE: return "DELETE";
	default: return "OTHER";
	}
}

/*
 * Does path match pattern? Both are '/'-separated; "{}" matches one
 * non-empty segment and a last segment "*" the non-empty rest of the path.
 * Captures go to caps (at most HTTP_MAX_ARGS) and their count to *ncaps.
 */
static bool match(const char *pattern, const char *path, struct capture *caps, int *ncaps)
{
	const char *pp = pattern, *q = path;
	*ncaps = 0;
	for (;;) {
		if (*pp == '\0' && *q == '\0')
			return true;
		if (*pp != '/' || *q != '/')
			return false;
		pp++;
		q++;
		const char *pe = strchr(pp, '/'), *qe = strchr(q, '/');
		if (!pe)
			pe = pp + strlen(pp);
		if (!qe)
			qe = q + strlen(q);
		size_t pn = (size_t)(pe - pp), qn = (size_t)(qe - q);
		bool rest = pn == 1 && *pp == '*' && *pe == '\0';
		bool one = pn == 2 && pp[0] == '{' && pp[1] == '}';
		if (rest || one) {
			if (rest)
				qe = q + strlen(q), qn = (size_t)(qe - q);
			if (qn == 0)
				return false;
			if (*ncaps == HTTP_MAX_ARGS) {
				log_error("route pattern %s has more than %d captures", pattern,
					  HTTP_MAX_ARGS);
				return false;
			}
			caps[(*ncaps)++] = (struct capture){q, qn};
		} else if (pn != qn || memcmp(pp, q, pn) != 0) {
			return false;
		}
		pp = pe;
		q = qe;
	}
}

void http_error_shape(const route *table, size_t n, request *rq)
{
	struct capture caps[HTTP_MAX_ARGS];
	int ncaps;
	rq->is_json_route = false;
	rq->error_writer = NULL;
	for (size_t i = 0; rq->path && i < n; i++) {
		if (match(table[i].pattern, rq->path, caps, &ncaps)) {
			rq->is_json_route = (table[i].flags & ROUTE_JSON) != 0;
			rq->error_writer = table[i].errors;
			return;
		}
	}
}

/* Is m a method that may change state (and so needs a CSRF token)? */
static bool unsafe(enum http_method m)
{
	return m != HTTP_GET && m != HTTP_HEAD;
}

/* Write the Allow header: every method of a route matching the path, in
 * table order, HEAD wherever GET is. */
static void allow_header(response *rs, unsigned methods)
{
	static const enum http_method order[] = {HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT,
						 HTTP_PATCH, HTTP_DELETE};
	buf b = BUF_INIT;
	if (methods & (1u << HTTP_GET))
		methods |= 1u << HTTP_HEAD;
	for (size_t i = 0; i < ARRAY_LEN(order); i++) {
		if (!(methods & (1u << order[i])))
			continue;
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, http_method_name(order[i]));
	}
	resp_header(rs, "Allow", buf_str(&b));
	buf_free(&b);
}

/* Forget who is acting: the request goes on as an anonymous visitor. */
static void anonymize(request *rq)
{
	memset(&rq->who, 0, sizeof rq->who);
	rq->who.role = ROLE_NONE;
}

/* Does the request carry the visitor's CSRF token? */
static bool csrf_ok(const request *rq)
{
	const char *sent = kv_get(&rq->form, "csrf");
	/* A script on our own pages may send the token in a header instead: a
	 * cross-site page cannot set custom headers without a CORS preflight,
	 * which this server never approves. */
	if (!sent)
		sent = rq_header(rq, "x-csrf-token");
	size_t n = strnlen(rq->csrf, sizeof rq->csrf);
	/* Why constant time: comparing byte by byte and stopping at the first
	 * difference would let an attacker learn the token from timings. An
	 * empty token never matches, so a visitor without one cannot post. */
	return sent && n > 0 && strlen(sent) == n && sodium_memcmp(sent, rq->csrf, n) == 0;
}

/* 401 for a route that needs someone signed in: JSON routes get the error
 * shape, pages a redirect to the login page that comes back here. */
static void need_login(request *rq, response *rs)
{
	if (rq->is_json_route) {
		resp_error(rq, rs, 401, "需要有效的 API 密钥。");
		resp_header(rs, "WWW-Authenticate", "Bearer");
		return;
	}
	buf b = BUF_INIT;
	buf_printf(&b, "/login?next=%u", rq->path);
	resp_redirect(rs, buf_str(&b));
	buf_free(&b);
}

/* Find the route for rq: the first whose method and pattern match, a GET
 * route serving HEAD when no HEAD route matches. *methods collects the
 * methods of every route whose pattern matches. */
static const route *find_route(const route *table, size_t n, const request *rq,
			       struct capture *caps, int *ncaps, unsigned *methods)
{
	const route *found = NULL, *get = NULL;
	struct capture c[HTTP_MAX_ARGS], gc[HTTP_MAX_ARGS];
	int nc, ngc = 0;
	*methods = 0;
	for (size_t i = 0; i < n; i++) {
		if (!table[i].handler || !match(table[i].pattern, rq->path, c, &nc))
			continue;
		*methods |= 1u << table[i].method;
		if (!found && table[i].method == rq->method) {
			found = &table[i];
			memcpy(caps, c, sizeof c);
			*ncaps = nc;
		} else if (!get && rq->method == HTTP_HEAD && table[i].method == HTTP_GET) {
			get = &table[i];
			memcpy(gc, c, sizeof c);
			ngc = nc;
		}
	}
	if (!found && get) {
		found = get;
		memcpy(caps, gc, sizeof gc);
		*ncaps = ngc;
	}
	return found;
}

void http_dispatch(const route *table, size_t n, request *rq, response *rs)
{
	struct capture caps[HTTP_MAX_ARGS];
	int ncaps = 0;
	unsigned methods;
	for (int i = 0; i < rq->nargs; i++) {
		free(rq->args[i]);
		rq->args[i] = NULL;
	}
	rq->nargs = 0;
	http_error_shape(table, n, rq);
	const route *r = rq->path ? find_route(table, n, rq, caps, &ncaps, &methods) : NULL;
	if (!r) {
		if (rq->path && methods) {
			resp_error(rq, rs, 405, NULL);
			allow_header(rs, methods);
		} else {
			resp_error(rq, rs, 404, NULL);
		}
		return;
	}
	rq->is_json_route = (r->flags & ROUTE_JSON) != 0;
	rq->error_writer = r->errors;
	for (int i = 0; i < ncaps; i++)
		rq->args[i] = xstrndup(caps[i].p, caps[i].n);
	rq->nargs = ncaps;
	/* Why: API keys are for the API. A key must not open the staff pages,
	 * whose forms and links assume a person with a session. */
	if (!rq->is_json_route && rq->who.apikey_id)
		anonymize(rq);
	/* Why: a route exempt from the CSRF check is safe only for credentials
	 * the browser does not attach by itself. A session cookie is attached
	 * to cross-site posts too, so it does not count on such a route. */
	if ((r->flags & ROUTE_NO_CSRF) && unsafe(rq->method) && rq->who.user_id &&
	    !rq->who.apikey_id)
		anonymize(rq);
	if (r->roles && rq->who.role == ROLE_NONE) {
		need_login(rq, rs);
		return;
	}
	if (r->roles && !(r->roles & rq->who.role)) {
		resp_error(rq, rs, 403, NULL);
		return;
	}
	/* Why: a page on another site can make a visitor's browser post to us
	 * with the visitor's cookies; only our own pages know the token. */
	if (unsafe(rq->method) && !(r->flags & ROUTE_NO_CSRF) && !csrf_ok(rq)) {
		resp_error(rq, rs, 403, "表单已过期，请刷新页面后重试。");
		return;
	}
	r->handler(rq, rs);
}
