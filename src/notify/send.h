/*
 * send.h — the network half of notify/: an HTTP(S) POST and an SMTP
 * delivery with libcurl. The only place in the program that calls libcurl
 * (as store/ is for SQLite and http/ for libmicrohttpd).
 */
#ifndef TZ_NOTIFY_SEND_H
#define TZ_NOTIFY_SEND_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "ledger/channel.h"
#include "notify/payload.h"

/* Set up libcurl once, before any thread sends (curl_global_init is not
 * thread-safe). Returns 0 or -1. */
int send_init(void);
/* Release it at exit. */
void send_cleanup(void);
/* From now on (cancel true), transfers under way stop at once and new
 * ones fail with SEND_CANCELLED: the server is stopping. */
void send_cancel(bool cancel);

/* What send_http and send_smtp return besides 0 and -1: the transfer was
 * cut short by send_cancel, so the attempt says nothing about the
 * receiver. */
#define SEND_CANCELLED (-2)

/* Wait seconds (the pacing between two requests to one channel), cut
 * short by send_cancel. Returns 0, or SEND_CANCELLED. */
int send_pause(int seconds);

/* POST rq with a connect timeout and a total timeout of timeout seconds;
 * redirects are not followed and only http and https are spoken. Returns
 * 0 with the status and the answer's first 64 KB in *answer, or -1 with
 * *err (caller frees) when no answer came (refused, timed out, TLS), or
 * SEND_CANCELLED. */
int send_http(const payload_http *rq, int timeout, long *status, buf *answer, char **err);

/* Deliver message (an RFC 5322 text, CRLF line ends) over SMTP to the
 * channel's server (smtp:// with STARTTLS when offered, and required when
 * a password is to be sent; smtps:// with TLS from the start), from
 * c->sender to each of c->recipients. Returns 0, or -1 (or SEND_CANCELLED)
 * with *err. */
int send_smtp(const channel *c, const char *message, size_t len, int timeout, char **err);

#endif
