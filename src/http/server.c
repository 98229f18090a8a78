/*
 * server.c — the HTTP server: libmicrohttpd underneath, `request` and
 * `response` above (see http.h).
 *
 * For each request: the raw target is captured when MHD first sees it, the
 * body is accumulated (up to cfg->max_body, else 413), then the request is
 * built (decoded path, query, lower-cased headers, cookies, form fields or
 * raw body, remote address, time), the visitor identified (session_load),
 * the route table run (http_dispatch), a left-open transaction rolled back,
 * security headers added, and the whole buffered response queued. One
 * access log line per request: method, path, status, milliseconds — never
 * the query or the body, which may hold residents' phone numbers.
 *
 * Each MHD worker thread lazily opens its own database connection, kept in
 * a pthread key whose destructor closes it when the thread ends (in
 * MHD_stop_daemon), so connections are never shared between threads. Their
 * write transactions go to one group-commit writer (store/group.c), so the
 * requests that write at the same time share one disk flush.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/utf8.h"
#include "base/util.h"
#include "http/form.h"
#include "http/session.h"

/* How long http_stop waits for the requests under way, in milliseconds. */
#define STOP_DRAIN_MS 5000

struct http_server {
	struct MHD_Daemon *mhd;
	http_config cfg;
	char *db_url; /* owned copy of cfg.db_url */
	pthread_key_t db_key;
	db_group *writer; /* group commit of every request's transactions */
	int port;
	atomic_int in_flight; /* requests between their first sight and completion */
};

/* Per-request state, from the URI log callback to the completion notice. */
struct conn {
	char *uri;       /* the raw request target, query included */
	buf body;        /* the body so far */
	bool started;    /* the access handler has been called once */
	bool answered;   /* a response is queued */
	bool too_large;  /* the body went over max_body */
	size_t dropped;  /* body bytes discarded after that */
	struct timespec t0;
};

/* --- the per-thread database connection ------------------------------- */

/* pthread key destructor: the worker thread is ending. */
static void close_thread_db(void *d)
{
	db_close(d);
}

/* This thread's connection, opened on first use; NULL if it cannot open
 * (logged). */
static db *thread_db(http_server *s)
{
	db *d = pthread_getspecific(s->db_key);
	if (d)
		return d;
	char *err = NULL;
	d = db_open(s->db_url, &err);
	if (!d) {
		log_error("cannot open the database: %s", err ? err : "unknown error");
		free(err);
		return NULL;
	}
	db_use_group(d, s->writer);
	pthread_setspecific(s->db_key, d);
	return d;
}

/* The connection is in an unknown state: close it; the next request on
 * this thread opens a fresh one. */
static void drop_thread_db(http_server *s)
{
	db *d = pthread_getspecific(s->db_key);
	pthread_setspecific(s->db_key, NULL);
	db_close(d);
}

/* --- building the request --------------------------------------------- */

static enum http_method parse_method(const char *m)
{
	static const struct {
		const char *name;
		enum http_method m;
	} methods[] = {{"GET", HTTP_GET},     {"HEAD", HTTP_HEAD},     {"POST", HTTP_POST},
		       {"PUT", HTTP_PUT},     {"PATCH", HTTP_PATCH},   {"DELETE", HTTP_DELETE}};
	for (size_t i = 0; m && i < ARRAY_LEN(methods); i++)
		if (strcmp(methods[i].name, m) == 0)
			return methods[i].m;
	return HTTP_OTHER;
}

/* Does the decoded path have a "." or ".." segment? */
static bool has_dot_segment(const char *path)
{
	for (const char *p = path; (p = strchr(p, '/')); p++) {
		size_t n = strcspn(p + 1, "/");
		if ((n == 1 && p[1] == '.') || (n == 2 && p[1] == '.' && p[2] == '.'))
			return true;
	}
	return false;
}

/* Split the raw target into rq->path (decoded) and rq->query. Returns
 * FORM_OK, a form_error, or 1 for a path the router must not see. */
static int parse_target(const char *uri, request *rq)
{
	if (!uri || uri[0] != '/')
		return 1;
	size_t n = strcspn(uri, "?");
	/* Why: the router splits the decoded path at '/', so an encoded
	 * slash would forge a segment boundary inside a captured argument. */
	for (size_t i = 0; i + 2 < n; i++)
		if (uri[i] == '%' && uri[i + 1] == '2' && (uri[i + 2] == 'f' || uri[i + 2] == 'F'))
			return 1;
	buf path = BUF_INIT;
	int rc = form_url_decode(uri, n, false, &path);
	if (rc == FORM_OK) {
		rq->path = buf_steal(&path);
		/* Why: no page uses "." or "..", and refusing them spares every
		 * handler that maps a captured rest of the path to a name. */
		if (has_dot_segment(rq->path))
			rc = 1;
	}
	buf_free(&path);
	if (rc == FORM_OK && uri[n] == '?')
		rc = form_parse_query(uri + n + 1, &rq->query);
	return rc;
}

/* MHD header iterator: store the header with its name lower-cased. */
static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	kvlist *l = cls;
	char *name = xstrdup(key);
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	kv_add(l, name, value);
	free(name);
	return MHD_YES;
}

/* Fill rq->remote_addr with the client's numeric address. */
static void remote_address(struct MHD_Connection *c, request *rq)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	rq->remote_addr[0] = '\0';
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			  rq->remote_addr, sizeof rq->remote_addr);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  rq->remote_addr, sizeof rq->remote_addr);
}

/* Behind the trusted proxy, the client is the last address the proxy
 * added to X-Forwarded-For. Why only then and only the last: anyone can
 * send the header, so an address in it is believed only from the proxy,
 * and only the entry the proxy itself appended. Why it matters: rate limits
 * and sign-in throttling count per client address. */
static void forwarded_address(const http_server *s, request *rq)
{
	const char *xff = rq_header(rq, "x-forwarded-for");
	if (!s->cfg.trusted_proxy || !xff || strcmp(rq->remote_addr, s->cfg.trusted_proxy) != 0)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	char addr[sizeof rq->remote_addr];
	size_t n = strcspn(last, " \t");
	if (n == 0 || n >= sizeof addr)
		return;
	memcpy(addr, last, n);
	addr[n] = '\0';
	unsigned char bin[sizeof(struct in6_addr)];
	if (inet_pton(AF_INET, addr, bin) == 1 || inet_pton(AF_INET6, addr, bin) == 1)
		memcpy(rq->remote_addr, addr, n + 1);
}

/* Parse the body by its Content-Type: urlencoded and multipart forms into
 * rq->form and rq->uploads, anything else kept raw in rq->body. Returns
 * FORM_OK or a form_error. */
static int parse_body(struct conn *st, request *rq)
{
	const char *ct = rq_header(rq, "content-type");
	if (form_is_type(ct, "application/x-www-form-urlencoded"))
		return form_parse_urlencoded(st->body.data ? st->body.data : "", st->body.len,
					     &rq->form);
	if (form_is_type(ct, "multipart/form-data"))
		return form_parse_multipart(ct, st->body.data ? st->body.data : "", st->body.len,
					    &rq->form, &rq->uploads, &rq->nuploads);
	rq->body = st->body;
	st->body = (buf)BUF_INIT;
	return FORM_OK;
}

/* Build rq from the connection. Returns 0, or an HTTP status to answer
 * with (hint in *hint). */
static int build_request(http_server *s, struct conn *st, struct MHD_Connection *c,
			 const char *method, request *rq, const char **hint)
{
	rq->method = parse_method(method);
	rq->app = s->cfg.app;
	rq->now = (int64_t)time(NULL);
	remote_address(c, rq);
	int rc = parse_target(st->uri, rq);
	http_error_shape(s->cfg.routes, s->cfg.nroutes, rq);
	if (rc != FORM_OK) {
		*hint = rc == 1 ? NULL : form_strerror(rc);
		return 400;
	}
	MHD_get_connection_values(c, MHD_HEADER_KIND, add_header, &rq->headers);
	for (size_t i = 0; i < rq->headers.n; i++)
		if (strcmp(rq->headers.items[i].name, "cookie") == 0)
			form_parse_cookies(rq->headers.items[i].value, &rq->cookies);
	forwarded_address(s, rq);
	rc = parse_body(st, rq);
	if (rc != FORM_OK) {
		*hint = form_strerror(rc);
		return 400;
	}
	rq->db = thread_db(s);
	if (!rq->db)
		return 503;
	/* Why: a storage failure that an earlier request on this thread
	 * survived must not turn this request's own 500 into a 503. */
	(void)db_storage_unavailable(rq->db);
	if (session_load(rq) < 0)
		return 500;
	return 0;
}

/* --- answering -------------------------------------------------------- */

/* Add a header unless the handler already set one of that name. */
static void default_header(struct MHD_Response *r, const response *rs, const char *name,
			   const char *value)
{
	for (size_t i = 0; i < rs->headers.n; i++)
		if (strcasecmp(rs->headers.items[i].name, name) == 0)
			return;
	MHD_add_response_header(r, name, value);
}

/* The MHD response for rs's body: the buffer, or the file of resp_file
 * (libmicrohttpd then owns the descriptor and closes it). */
static struct MHD_Response *body_response(response *rs)
{
	if (rs->has_file) {
		rs->has_file = false; /* owned by MHD from here */
		struct MHD_Response *r = MHD_create_response_from_fd64(rs->file_size, rs->file_fd);
		if (!r)
			close(rs->file_fd);
		return r;
	}
	size_t len = rs->body.len;
	char *data = buf_steal(&rs->body);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r)
		free(data);
	return r;
}

/* Turn rs into an MHD response with the handler's and the security
 * headers. Takes the body (or the file). */
static struct MHD_Response *make_response(response *rs)
{
	struct MHD_Response *r = body_response(rs);
	if (!r)
		return NULL;
	for (size_t i = 0; i < rs->headers.n; i++)
		MHD_add_response_header(r, rs->headers.items[i].name, rs->headers.items[i].value);
	default_header(r, rs, "Content-Type",
		       rs->content_type ? rs->content_type : "text/html; charset=utf-8");
	/* Why: scripts, styles and frames only from this site, so an injected
	 * tag that slipped past escaping still cannot run or frame us. */
	default_header(r, rs, "Content-Security-Policy",
		       "default-src 'self'; img-src 'self' data:; style-src 'self'; "
		       "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
		       "form-action 'self'");
	/* Why: browsers must not guess a type (an upload read as HTML). */
	default_header(r, rs, "X-Content-Type-Options", "nosniff");
	/* Why: no clickjacking through frames, in old browsers too. */
	default_header(r, rs, "X-Frame-Options", "DENY");
	/* Why: a tracking number in our URL must not reach other sites. */
	default_header(r, rs, "Referrer-Policy", "same-origin");
	/* Why: pages and API answers may hold personal data; no shared or
	 * browser cache may keep them. Static assets set their own. */
	default_header(r, rs, "Cache-Control", "no-store");
	return r;
}

/* The path as it may appear in the log: control characters replaced (a
 * forged log line must not be possible), at most 200 characters. */
static void log_path(buf *b, const request *rq, const struct conn *st)
{
	const char *p = rq->path;
	size_t n = p ? strlen(p) : 0;
	if (!p) { /* not decodable: the raw path, without the query */
		p = st->uri ? st->uri : "-";
		n = strcspn(p, "?");
	}
	size_t cut = utf8_truncate(p, n, 200);
	for (size_t i = 0; i < cut; i++) {
		unsigned char ch = (unsigned char)p[i];
		buf_putc(b, ch < 0x20 || ch == 0x7f ? '?' : (char)ch);
	}
	if (cut < n)
		buf_puts(b, "...");
}

/* Queue rs on c and write the access log line. */
static enum MHD_Result send_response(struct conn *st, struct MHD_Connection *c,
				     const char *method, request *rq, response *rs)
{
	if (rs->status == 0)
		rs->status = 200;
	/* Why: a server error's page is always the plain one, whatever the
	 * handler had written: no SQL, path or input is ever echoed. */
	if (rs->status >= 500)
		resp_error(rq, rs, rs->status, NULL);
	struct MHD_Response *r = make_response(rs);
	enum MHD_Result ok = r ? MHD_queue_response(c, (unsigned)rs->status, r) : MHD_NO;
	if (r)
		MHD_destroy_response(r);
	st->answered = true;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long ms = (long long)(t1.tv_sec - st->t0.tv_sec) * 1000 +
		       (t1.tv_nsec - st->t0.tv_nsec) / 1000000;
	buf path = BUF_INIT;
	log_path(&path, rq, st);
	log_info("%s %s %d %lldms", method, buf_str(&path), rs->status, ms);
	buf_free(&path);
	return ok;
}

/* Build the request, run it, answer. */
static enum MHD_Result handle(http_server *s, struct conn *st, struct MHD_Connection *c,
			      const char *method)
{
	request rq = {0};
	response rs = {0};
	const char *hint = NULL;
	rs.status = 200;
	rs.secure_cookies = s->cfg.secure_cookies;
	int status = build_request(s, st, c, method, &rq, &hint);
	if (status) {
		resp_error(&rq, &rs, status, hint);
		goto done;
	}
	http_dispatch(s->cfg.routes, s->cfg.nroutes, &rq, &rs);
	session_csrf_cookie(&rq, &rs);
	if (db_in_transaction(rq.db)) {
		/* Why: an open transaction would hold the write lock for every
		 * later request on this thread, and whether the handler's
		 * writes should stand is unknown. */
		log_error("request %s %s left a transaction open: rolled back", method, rq.path);
		db_rollback_open(rq.db);
		drop_thread_db(s);
		resp_error(&rq, &rs, 500, NULL);
	}
done:;
	enum MHD_Result ok = send_response(st, c, method, &rq, &rs);
	rq_free(&rq);
	resp_free(&rs);
	return ok;
}

/* Answer an oversized body at once, unread. */
static enum MHD_Result too_large(http_server *s, struct conn *st, struct MHD_Connection *c,
				 const char *method)
{
	request rq = {0};
	response rs = {0};
	st->too_large = true;
	rq.method = parse_method(method);
	if (parse_target(st->uri, &rq) == FORM_OK)
		http_error_shape(s->cfg.routes, s->cfg.nroutes, &rq);
	resp_error(&rq, &rs, 413, NULL);
	enum MHD_Result ok = send_response(st, c, method, &rq, &rs);
	rq_free(&rq);
	resp_free(&rs);
	return ok;
}

/* MHD access handler: called once when the headers are in (set up state),
 * once per piece of body (accumulate), and once more at the end (answer).
 * Why queue only on a later call: libmicrohttpd 0.9.75 answers
 * "Connection: close" to a response queued on the first call, losing
 * keep-alive. The one exception is a body declared too large, where
 * closing the connection is what we want. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	http_server *s = cls;
	struct conn *st = *con_cls;
	if (!st)
		return MHD_NO; /* the URI log callback always sets it */
	if (!st->started) {
		st->started = true;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t declared;
		if (cl && str_to_i64(cl, &declared) && declared > 0 &&
		    (uint64_t)declared > s->cfg.max_body)
			return too_large(s, st, c, method);
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		if (st->too_large) {
			/* Why: a sender that never stops must not keep a worker
			 * busy: past another max_body, just hang up. */
			st->dropped += n;
			return st->dropped > s->cfg.max_body ? MHD_NO : MHD_YES;
		}
		if (st->body.len + n > s->cfg.max_body) {
			/* Why: memory per request stays bounded. libmicrohttpd
			 * 0.9.75 cannot queue a response in the middle of a body
			 * (it would close the connection without one), so the
			 * rest is read and dropped and the 413 goes out at the
			 * end. A declared Content-Length is refused up front. */
			st->too_large = true;
			buf_free(&st->body);
			return MHD_YES;
		}
		buf_append(&st->body, upload_data, n);
		return MHD_YES;
	}
	if (st->answered)
		return MHD_YES;
	if (st->too_large)
		return too_large(s, st, c, method);
	return handle(s, st, c, method);
}

/* MHD URI log callback: the first sight of a request. Its result becomes
 * the request's state (*con_cls). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	http_server *s = cls;
	atomic_fetch_add(&s->in_flight, 1);
	struct conn *st = xcalloc(1, sizeof *st);
	st->uri = xstrdup(uri);
	clock_gettime(CLOCK_MONOTONIC, &st->t0);
	return st;
}

/* MHD completion notice: free the request's state. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	http_server *s = cls;
	struct conn *st = *con_cls;
	if (!st)
		return;
	atomic_fetch_sub(&s->in_flight, 1);
	free(st->uri);
	buf_free(&st->body);
	free(st);
	*con_cls = NULL;
}

/* MHD's own error messages, into our log. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	msg[strcspn(msg, "\r\n")] = '\0';
	log_error("libmicrohttpd: %s", msg);
	free(msg);
}

/* --- starting and stopping -------------------------------------------- */

/* Resolve "HOST:PORT" or "[V6]:PORT" into addr. Returns 0 or -1 with *err. */
static int parse_listen(const char *listen, struct sockaddr_storage *addr, char **err)
{
	char *copy = xstrdup(listen ? listen : "127.0.0.1:8080");
	char *host = copy, *port = strrchr(copy, ':');
	struct addrinfo hints = {0}, *res = NULL;
	int rc = -1;
	if (!port) {
		*err = str_printf("listen address %s: expected HOST:PORT", copy);
		goto done;
	}
	*port++ = '\0';
	if (host[0] == '[') {
		size_t n = strlen(host);
		if (n < 2 || host[n - 1] != ']') {
			*err = str_printf("listen address %s: unbalanced brackets", listen);
			goto done;
		}
		host[n - 1] = '\0';
		host++;
	}
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	int g = getaddrinfo(*host ? host : NULL, port, &hints, &res);
	if (g != 0 || !res) {
		*err = str_printf("listen address %s: %s", listen, gai_strerror(g));
		goto done;
	}
	memcpy(addr, res->ai_addr, res->ai_addrlen);
	rc = 0;
done:
	if (res)
		freeaddrinfo(res);
	free(copy);
	return rc;
}

http_server *http_start(const http_config *cfg, char **err)
{
	struct sockaddr_storage addr = {0};
	*err = NULL;
	if (parse_listen(cfg->listen, &addr, err) < 0)
		return NULL;
	http_server *s = xcalloc(1, sizeof *s);
	s->cfg = *cfg;
	if (s->cfg.max_body == 0)
		s->cfg.max_body = 16u << 20; /* unset: 16 MiB, room for a few photos */
	s->db_url = xstrdup(cfg->db_url);
	s->writer = db_group_open(s->db_url, err);
	if (!s->writer) {
		free(s->db_url);
		free(s);
		return NULL;
	}
	pthread_key_create(&s->db_key, close_thread_db);
	/* MHD_USE_ITC: http_stop quiesces the daemon (stops accepting) first. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	flags |= MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL
									: MHD_USE_POLL;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	unsigned threads = cfg->threads > 1 ? (unsigned)cfg->threads : 1;
	/* Why these limits: every open connection costs a socket and up to
	 * the memory limit, so a flood of connections, or clients that send
	 * their headers or body a byte at a time (slowloris), must run into a
	 * ceiling and a timeout instead of starving everyone else. The
	 * per-address cap keeps one client from taking every slot; behind a
	 * proxy, where every connection comes from one address, set it to 0
	 * (off). */
	unsigned max_conns = cfg->max_connections > 0 ? (unsigned)cfg->max_connections : 2000;
	unsigned per_ip = cfg->max_per_ip > 0 ? (unsigned)cfg->max_per_ip : 0;
	unsigned timeout = cfg->conn_timeout > 0 ? (unsigned)cfg->conn_timeout : 30;
	s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				  MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
				  MHD_OPTION_THREAD_POOL_SIZE, threads,
				  MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				  MHD_OPTION_CONNECTION_TIMEOUT, timeout,
				  MHD_OPTION_CONNECTION_LIMIT, max_conns,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
				  /* headers and the read buffer; the body goes to st->body */
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
				  MHD_OPTION_END);
	if (!s->mhd) {
		*err = str_printf("cannot listen on %s", cfg->listen);
		goto fail;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_LISTEN_FD);
	struct sockaddr_storage bound;
	socklen_t blen = sizeof bound;
	if (!di || getsockname(di->listen_fd, (struct sockaddr *)&bound, &blen) != 0) {
		*err = str_printf("cannot learn the port bound for %s", cfg->listen);
		goto fail;
	}
	s->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
						    : ((struct sockaddr_in *)&bound)->sin_port);
	return s;
fail:
	if (s->mhd)
		MHD_stop_daemon(s->mhd);
	pthread_key_delete(s->db_key);
	db_group_close(s->writer);
	free(s->db_url);
	free(s);
	return NULL;
}

int http_port(const http_server *s)
{
	return s ? s->port : 0;
}

db_group *http_writer(const http_server *s)
{
	return s ? s->writer : NULL;
}

void http_stop(http_server *s)
{
	if (!s)
		return;
	/* Why a drain before the stop: stopping drops every connection, and a
	 * request whose transaction has committed would lose its answer (the
	 * resident, told nothing, submits again). So no new connection is
	 * taken, and the requests under way get up to STOP_DRAIN_MS to be
	 * answered. Keep-alive connections with no request are not waited for. */
	MHD_socket listen_fd = MHD_quiesce_daemon(s->mhd);
	for (int waited = 0; atomic_load(&s->in_flight) > 0 && waited < STOP_DRAIN_MS; waited += 10) {
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
	}
	/* Stopping joins the worker threads; each closes its connection in
	 * the pthread key destructor as it ends. */
	MHD_stop_daemon(s->mhd);
	if (listen_fd != MHD_INVALID_SOCKET)
		close(listen_fd);
	pthread_key_delete(s->db_key);
	/* After the workers: nobody can queue a transaction any more, and
	 * what was queued has been committed. */
	db_group_close(s->writer);
	free(s->db_url);
	free(s);
}
