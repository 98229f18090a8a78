/*
 * payload.h — what each platform is sent, and what its answer means. Pure:
 * no network, no database, no clock (the caller passes the time), so every
 * byte of every request can be checked in a unit test.
 *
 * The formats are the platforms' documented ones (docs/notify.md cites
 * them): WeCom's group robot takes {"msgtype":"markdown"} with at most
 * 4096 bytes of content; DingTalk's custom robot takes {"msgtype":
 * "markdown"} and, with 加签, a timestamp and an HMAC-SHA256 signature in
 * the URL; Feishu's custom bot takes {"msg_type":"post"} with the
 * timestamp and signature in the body; a generic webhook gets our own JSON
 * with an Idempotency-Key header and, with a secret, an HMAC of the body;
 * e-mail is an RFC 5322 message in UTF-8.
 */
#ifndef TZ_NOTIFY_PAYLOAD_H
#define TZ_NOTIFY_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "ledger/channel.h"
#include "ledger/outbox.h"

/* WeCom's limit on markdown.content, in bytes of UTF-8. */
#define PAYLOAD_WECOM_MAX 4096
/* At most this many numbered WeCom messages for one outbox message; what
 * does not fit is cut with a note (the robot takes 20 messages a minute). */
#define PAYLOAD_WECOM_PARTS 5
/* DingTalk's text and Feishu's post are kept under this many bytes (a
 * bound below Feishu's 20 KB request limit), cut with a note. */
#define PAYLOAD_TEXT_MAX 18000

/* One HTTP request: POST url with the headers and body. */
typedef struct payload_http {
	char *url;
	char *headers[4]; /* "Name: value", NULL after the last */
	char *body;
} payload_http;

/* The HTTP requests that carry message m over channel c (kind wecom,
 * dingtalk, feishu or webhook), in order; more than one only when a WeCom
 * message is split. now_ms: the time for the signatures, in milliseconds.
 * Returns 0 and *out, *n (free with payload_http_free), or -1 with a
 * Chinese *err (caller frees) for a channel that cannot be used. */
int payload_http_build(const channel *c, const outbox_msg *m, int64_t now_ms,
		       payload_http **out, size_t *n, char **err);
void payload_http_free(payload_http *v, size_t n);

/* What payload_answer returns when the platform refused the message as
 * too frequent: HTTP 429 from any receiver, WeCom's errcode 45009 ("api
 * freq out of limit"), DingTalk's errcode 130101 ("send too fast") or
 * Feishu's code 11232 (its frequency control). Not the message's fault:
 * the sender waits instead of counting a failed attempt. */
#define PAYLOAD_THROTTLED 1

/* Did the platform accept it? status: the HTTP status; body: the answer
 * (may be NULL). WeCom and DingTalk: 200 and errcode 0; Feishu: 200 and
 * code 0 (or the older StatusCode 0); webhook: any 2xx. Returns 0, or -1
 * (or PAYLOAD_THROTTLED) with *err (caller frees) saying what came back,
 * e.g. "HTTP 500" or "errcode 310000: sign not match". */
int payload_answer(const char *kind, long status, const char *body, size_t len, char **err);

/* The e-mail for message m over channel c: RFC 5322 headers (From, To
 * with the addresses of channel_recipients_parse, Subject in RFC 2047
 * UTF-8 encoded words, Date in +08:00, Message-ID made from the
 * idempotency key), then a text/plain; charset=UTF-8 body in base64, CRLF
 * line ends throughout. now: unix seconds. */
void payload_email(const channel *c, const outbox_msg *m, int64_t now, buf *out);

/* Building blocks, exported for the tests. */
/* DingTalk's sign: base64(HMAC-SHA256(key = secret, timestamp_ms "\n"
 * secret)), not yet URL-encoded. out: at least 45 bytes. */
void payload_dingtalk_sign(const char *secret, int64_t timestamp_ms, char out[45]);
/* Feishu's sign: base64(HMAC-SHA256(key = timestamp_s "\n" secret, an
 * empty message)). out: at least 45 bytes. */
void payload_feishu_sign(const char *secret, int64_t timestamp_s, char out[45]);
/* Lower-case hex HMAC-SHA256 of body with key secret. out: 65 bytes. */
void payload_hmac_hex(const char *secret, const char *body, size_t len, char out[65]);
/* The text split into at most max_parts pieces of at most max_bytes each,
 * at line ends where it can and never inside a character; each piece of a
 * split text is headed "（k/n）". Returns the number of pieces in *parts
 * (caller frees each and the array). */
size_t payload_split(const char *text, size_t max_bytes, size_t max_parts, char ***parts);

#endif
