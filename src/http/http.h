/*
 * http.h — requests, responses and routes as handlers see them.
 *
 * Handlers never see the socket: they get a `request` (method, path
 * arguments, query and form parameters, uploads, cookies, the acting user,
 * the remote address, a database connection) and write into a `response`
 * whose whole body is buffered, so an error can replace it with a clean
 * page. Only http/ calls libmicrohttpd. A handler can be driven in a unit
 * test by filling a request by hand.
 */
#ifndef TZ_HTTP_HTTP_H
#define TZ_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "ledger/actor.h"
#include "store/db.h"

/* An ordered list of name/value pairs (query, form, cookies, headers). */
typedef struct kv {
	char *name;
	char *value; /* NUL-terminated; may contain no other NUL (rejected) */
} kv;
typedef struct kvlist {
	kv *items;
	size_t n, cap;
} kvlist;

void kv_add(kvlist *l, const char *name, const char *value);
/* First value for name, or NULL. */
const char *kv_get(const kvlist *l, const char *name);
void kv_free(kvlist *l);

/* A file field of a multipart form. */
typedef struct upload {
	char *field;        /* form field name */
	char *filename;     /* as sent by the browser, for display only */
	char *content_type; /* as sent by the browser: never trusted */
	buf data;
} upload;

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_OTHER };

#define HTTP_MAX_ARGS 4

typedef struct request request;
typedef struct response response;
/* Writes an error answer in a route's own shape (e.g. Open311's error
 * list): rs->status is set and the body empty when it is called. hint is
 * never NULL. */
typedef void (*http_error_writer)(request *rq, response *rs, int status, const char *hint);

struct request {
	enum http_method method;
	char *path;                     /* percent-decoded, without the query */
	char *args[HTTP_MAX_ARGS];      /* path arguments captured by the route */
	int nargs;
	kvlist query;                   /* ?a=b, decoded */
	kvlist form;                    /* urlencoded or multipart text fields */
	kvlist cookies;
	kvlist headers;                 /* names lower-cased */
	upload *uploads;
	size_t nuploads;
	buf body;                       /* raw body (JSON APIs); empty for forms */
	char remote_addr[64];
	bool is_json_route;             /* errors as JSON instead of HTML pages */
	http_error_writer error_writer; /* the route's own error shape, or NULL */
	actor who;                      /* set by the dispatcher; ROLE_NONE if anonymous */
	char csrf[64];                  /* the CSRF token valid for this visitor */
	char session_id[80];            /* hashed session id when signed in */
	db *db;                         /* this thread's connection */
	void *app;                      /* the server's shared settings (web/ owns the type) */
	int64_t now;                    /* time of arrival, unix seconds */
};

struct response {
	int status;               /* 200 unless set */
	const char *content_type; /* a literal; default text/html; charset=utf-8 */
	buf body;
	kvlist headers;           /* extra headers: Location, Set-Cookie, Allow ... */
	bool secure_cookies;      /* cookies get "; Secure" (from http_config) */
	/* A body read from a file instead of `body` (resp_file): the
	 * response owns file_fd while has_file. */
	bool has_file;
	int file_fd;
	uint64_t file_size;
};

/* A route: method, pattern, roles allowed (0: anyone), handler. Patterns
 * are literal segments and `{}` for one captured segment, e.g.
 * "/m/{}/act/{}"; a last segment of just `*` captures the rest of the path
 * (e.g. "/static/" followed by `*`). */
typedef void (*http_handler)(request *rq, response *rs);
enum route_flags {
	ROUTE_JSON = 1 << 0,    /* API route: errors in the JSON error shape */
	ROUTE_NO_CSRF = 1 << 1, /* a POST that authenticates by key, not cookie */
};
typedef struct route {
	enum http_method method;
	const char *pattern;
	unsigned roles; /* ROLE_* bits allowed; 0 = public */
	unsigned flags;
	http_handler handler;     /* NULL: an error space (see below) */
	http_error_writer errors; /* NULL: the HTML page or, with ROUTE_JSON, the JSON shape */
} route;
/* An error space is a row without a handler, e.g. {HTTP_GET, "/open311/v2/" followed by "*",
 * 0, ROUTE_JSON, NULL, writer}: it serves nothing, but a path under it that
 * no route serves gets its 404 (and 400/413) from that row's writer. */

/* Look up the route for rq and run it: 404 when no pattern matches, 405
 * with Allow when the path matches other methods, 401 (HTML: redirect to
 * /login) when a role is required and nobody is signed in, 403 when the
 * role is not allowed, 403 when a POST's CSRF token is wrong. HEAD runs the
 * GET route. */
void http_dispatch(const route *table, size_t n, request *rq, response *rs);

/* Response helpers. */
void resp_header(response *rs, const char *name, const char *value);
void resp_redirect(response *rs, const char *location); /* 303 See Other */
/* Replace the body with a plain error page (HTML, in Chinese) or, on JSON
 * routes, {"code": status, "hint": hint}. Never echoes the request. */
void resp_error(request *rq, response *rs, int status, const char *hint);
/* HttpOnly, SameSite=Lax, Path=/; Secure when rs->secure_cookies. */
void resp_set_cookie(response *rs, const char *name, const char *value, int max_age_s);
/* Retry-After: seconds (429 and 503 answers). */
void resp_retry_after(response *rs, int seconds);
/* Answer with the first size bytes of the open file fd instead of the
 * buffered body, for answers too large to hold in memory (exports): the
 * server streams it. Takes ownership of fd (closed when the answer is sent,
 * replaced by resp_error, or freed). Seek position is ignored: it is read
 * from offset 0. Typically a temporary file already unlinked. */
void resp_file(response *rs, int fd, uint64_t size);

/* Parameter lookup: form first for POST, then query. */
const char *rq_param(const request *rq, const char *name);
const char *rq_header(const request *rq, const char *name);
const upload *rq_upload(const request *rq, const char *field);

/* The server. `handler` is called for every complete request on one of
 * `threads` worker threads, each with its own database connection. */
typedef struct http_server http_server;
typedef struct http_config {
	const char *listen;      /* "HOST:PORT" */
	const char *db_url;
	int threads;
	size_t max_body;         /* bytes; larger bodies get 413 */
	const route *routes;
	size_t nroutes;
	void *app;               /* passed to handlers as rq->app */
	bool secure_cookies;     /* served over TLS: every cookie gets "; Secure" */
	/* The address of a reverse proxy (nginx) whose X-Forwarded-For is
	 * believed, or NULL: believe none. */
	const char *trusted_proxy;
	int max_connections;     /* open connections at most; 0: 2000 */
	int max_per_ip;          /* per client address; 0: no limit */
	int conn_timeout;        /* seconds a connection may stay idle or slow; 0: 30 */
} http_config;

http_server *http_start(const http_config *cfg, char **err);
/* Port actually bound (useful with port 0). */
int http_port(const http_server *s);
/* The server's group-commit writer, for another connection of this
 * process that writes (db_use_group): one writer, no contention. */
db_group *http_writer(const http_server *s);
void http_stop(http_server *s);

/* Added with the http/ implementation. */

/* "GET", "HEAD", "POST", ...; "OTHER" for HTTP_OTHER. */
const char *http_method_name(enum http_method m);
/* Set rq->is_json_route and rq->error_writer from the first route or error
 * space whose pattern matches rq->path (any method): lets the server answer
 * errors found before dispatch (400, 413) in the right shape. */
void http_error_shape(const route *table, size_t n, request *rq);
/* Free everything a request owns (path, args, lists, uploads, body) and
 * zero it. For requests built by the server or with owned strings. */
void rq_free(request *rq);
/* Free a response's body and headers and zero it. */
void resp_free(response *rs);

#endif
