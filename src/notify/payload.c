/*
 * payload.c — the exact requests for each platform and the reading of
 * their answers (see payload.h). JSON only through jansson; HMAC-SHA256
 * and base64 from libsodium.
 */
#include "notify/payload.h"
#include "base/isotime.h"
#include "base/utf8.h"
#include "base/util.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CUT_NOTE "\n……（内容过长，其余部分请登录台账查看）"

/* ---- signatures ---- */

static void hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
			unsigned char out[crypto_auth_hmacsha256_BYTES])
{
	/* Why the init/update/final form: the one-shot crypto_auth_hmacsha256
	 * takes a 32-byte key only, and the platforms' keys are of any
	 * length (HMAC hashes a long key, pads a short one). */
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, msg, len);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

static void base64(const unsigned char *bin, size_t n, char *out, size_t outlen)
{
	sodium_bin2base64(out, outlen, bin, n, sodium_base64_VARIANT_ORIGINAL);
}

void payload_dingtalk_sign(const char *secret, int64_t timestamp_ms, char out[45])
{
	char *plain = str_printf("%lld\n%s", (long long)timestamp_ms, secret);
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	hmac_sha256(secret, strlen(secret), plain, strlen(plain), mac);
	base64(mac, sizeof mac, out, 45);
	free(plain);
}

void payload_feishu_sign(const char *secret, int64_t timestamp_s, char out[45])
{
	/* Feishu's documented (and unusual) form: the string to sign is the
	 * HMAC key, and the message is empty. */
	char *key = str_printf("%lld\n%s", (long long)timestamp_s, secret);
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	hmac_sha256(key, strlen(key), "", 0, mac);
	base64(mac, sizeof mac, out, 45);
	sodium_memzero(key, strlen(key));
	free(key);
}

void payload_hmac_hex(const char *secret, const char *body, size_t len, char out[65])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	hmac_sha256(secret, strlen(secret), body, len, mac);
	sodium_bin2hex(out, 65, mac, sizeof mac);
}

/* ---- splitting long text ---- */

/* Where to end a piece of at most max bytes of s (n left): after the last
 * line end in its second half if there is one, else at a character
 * boundary. */
static size_t piece_end(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t cut = utf8_cut_bytes(s, n, max);
	for (size_t i = cut; i > cut / 2; i--)
		if (s[i - 1] == '\n')
			return i;
	return cut;
}

size_t payload_split(const char *text, size_t max_bytes, size_t max_parts, char ***parts)
{
	const char *s = text ? text : "";
	size_t n = strlen(s);
	*parts = xcalloc(max_parts ? max_parts : 1, sizeof **parts);
	if (n <= max_bytes || max_parts == 0) {
		(*parts)[0] = xstrdup(s);
		return 1;
	}
	/* Room for the "（k/n）\n" heading of a numbered piece. */
	size_t head = max_parts > 1 ? 16 : 0, note = strlen(CUT_NOTE);
	size_t k = 0;
	while (n > 0 && k < max_parts) {
		bool last = k + 1 == max_parts;
		size_t room = max_bytes - head;
		size_t len = piece_end(s, n, room);
		if (last && len < n) {
			len = piece_end(s, n, room - note);
			char *p = xmalloc(len + note + 1);
			memcpy(p, s, len);
			memcpy(p + len, CUT_NOTE, note + 1);
			(*parts)[k++] = p;
			break;
		}
		(*parts)[k++] = xstrndup(s, len);
		s += len;
		n -= len;
		while (n > 0 && *s == '\n')
			s++, n--;
	}
	if (k > 1)
		for (size_t i = 0; i < k; i++) {
			char *p = str_printf("（%zu/%zu）\n%s", i + 1, k, (*parts)[i]);
			free((*parts)[i]);
			(*parts)[i] = p;
		}
	return k;
}

static void parts_free(char **parts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
}

/* ---- the HTTP requests ---- */

void payload_http_free(payload_http *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].url);
		for (size_t h = 0; h < ARRAY_LEN(v[i].headers); h++)
			free(v[i].headers[h]);
		free(v[i].body);
	}
	free(v);
}

/* The body as compact JSON; NULL only on text jansson refuses (not UTF-8,
 * which the outbox does not let in). Takes the reference to j. */
static char *dump(json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	if (!s)
		return NULL;
	char *copy = xstrdup(s);
	free(s);
	return copy;
}

static payload_http *add_request(payload_http **v, size_t *n, const char *url, char *body)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	payload_http *r = &(*v)[(*n)++];
	memset(r, 0, sizeof *r);
	r->url = xstrdup(url);
	r->headers[0] = xstrdup("Content-Type: application/json; charset=utf-8");
	r->body = body;
	return r;
}

static int build_wecom(const channel *c, const outbox_msg *m, payload_http **v, size_t *n)
{
	char *text = str_printf("**%s**\n%s", m->title, m->body);
	char **parts;
	size_t k = payload_split(text, PAYLOAD_WECOM_MAX, PAYLOAD_WECOM_PARTS, &parts);
	free(text);
	int rc = 0;
	for (size_t i = 0; i < k && rc == 0; i++) {
		char *body = dump(json_pack("{s:s, s:{s:s}}", "msgtype", "markdown", "markdown",
					    "content", parts[i]));
		if (!body)
			rc = -1;
		else
			add_request(v, n, c->target, body);
	}
	parts_free(parts, k);
	return rc;
}

static int build_dingtalk(const channel *c, const outbox_msg *m, int64_t now_ms,
			  payload_http **v, size_t *n)
{
	char *text = str_printf("### %s\n\n%s", m->title, m->body);
	char **parts;
	size_t k = payload_split(text, PAYLOAD_TEXT_MAX, 1, &parts);
	free(text);
	char *body = dump(json_pack("{s:s, s:{s:s, s:s}}", "msgtype", "markdown", "markdown",
				    "title", m->title, "text", parts[0]));
	parts_free(parts, k);
	if (!body)
		return -1;
	buf url = BUF_INIT;
	buf_puts(&url, c->target);
	if (!str_empty(c->secret)) {
		char sign[45];
		payload_dingtalk_sign(c->secret, now_ms, sign);
		buf_printf(&url, "%stimestamp=%lld&sign=%u", strchr(c->target, '?') ? "&" : "?",
			   (long long)now_ms, sign);
	}
	add_request(v, n, buf_str(&url), body);
	buf_free(&url);
	return 0;
}

static int build_feishu(const channel *c, const outbox_msg *m, int64_t now_ms, payload_http **v,
			size_t *n)
{
	char **parts;
	size_t k = payload_split(m->body, PAYLOAD_TEXT_MAX, 1, &parts);
	/* A post is a list of paragraphs, each a list of elements: one text
	 * element per line of the body. */
	json_t *lines = json_array();
	const char *p = parts[0];
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);
		json_array_append_new(lines, json_pack("[{s:s, s:s}]", "tag", "text", "text", line));
		free(line);
		p += len;
		if (*p == '\n')
			p++;
	}
	parts_free(parts, k);
	json_t *j = json_object();
	if (!str_empty(c->secret)) {
		char sign[45], ts[24];
		int64_t now_s = now_ms / 1000;
		payload_feishu_sign(c->secret, now_s, sign);
		snprintf(ts, sizeof ts, "%lld", (long long)now_s);
		json_object_set_new(j, "timestamp", json_string(ts));
		json_object_set_new(j, "sign", json_string(sign));
	}
	json_object_set_new(j, "msg_type", json_string("post"));
	json_object_set_new(j, "content", json_pack("{s:{s:{s:s, s:o}}}", "post", "zh_cn", "title",
						    m->title, "content", lines));
	char *body = dump(j);
	if (!body)
		return -1;
	add_request(v, n, c->target, body);
	return 0;
}

static int build_webhook(const channel *c, const outbox_msg *m, payload_http **v, size_t *n)
{
	char created[ISOTIME_SIZE];
	isotime_format(m->created_at, created);
	char *body = dump(json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", m->idem_key, "topic",
				    m->topic, "title", m->title, "text", m->body, "created_at",
				    created));
	if (!body)
		return -1;
	payload_http *r = add_request(v, n, c->target, body);
	r->headers[1] = str_printf("Idempotency-Key: %s", m->idem_key);
	if (!str_empty(c->secret)) {
		char hex[65];
		payload_hmac_hex(c->secret, body, strlen(body), hex);
		r->headers[2] = str_printf("X-Taizhang-Signature: sha256=%s", hex);
	}
	return 0;
}

int payload_http_build(const channel *c, const outbox_msg *m, int64_t now_ms,
		       payload_http **out, size_t *n, char **err)
{
	*out = NULL;
	*n = 0;
	int rc;
	if (strcmp(c->kind, "wecom") == 0)
		rc = build_wecom(c, m, out, n);
	else if (strcmp(c->kind, "dingtalk") == 0)
		rc = build_dingtalk(c, m, now_ms, out, n);
	else if (strcmp(c->kind, "feishu") == 0)
		rc = build_feishu(c, m, now_ms, out, n);
	else if (strcmp(c->kind, "webhook") == 0)
		rc = build_webhook(c, m, out, n);
	else {
		*err = str_printf("渠道类型 %s 不能用 HTTP 发送", c->kind);
		return -1;
	}
	if (rc != 0) {
		payload_http_free(*out, *n);
		*out = NULL;
		*n = 0;
		*err = xstrdup("消息含无效字符，无法生成请求");
	}
	return rc;
}

/* ---- answers ---- */

/* The platform's own code and message in an answer, if it has them:
 * errcode/errmsg (WeCom, DingTalk), code/msg or StatusCode/StatusMessage
 * (Feishu). */
static bool answer_code(json_t *j, json_int_t *code, const char **msg)
{
	static const char *const pairs[][2] = {
		{"errcode", "errmsg"}, {"code", "msg"}, {"StatusCode", "StatusMessage"}};
	for (size_t i = 0; i < ARRAY_LEN(pairs); i++) {
		json_t *c = json_object_get(j, pairs[i][0]);
		if (json_is_integer(c)) {
			*code = json_integer_value(c);
			*msg = json_string_value(json_object_get(j, pairs[i][1]));
			return true;
		}
	}
	return false;
}

/* "HTTP 500", "errcode 310000: sign not match" and the like, kept short
 * and whole characters. */
static char *answer_error(long status, bool has_code, json_int_t code, const char *msg)
{
	buf b = BUF_INIT;
	if (status != 200)
		buf_printf(&b, "HTTP %ld", status);
	if (has_code)
		buf_printf(&b, "%scode %lld", b.len ? "，" : "", (long long)code);
	if (has_code && msg && utf8_valid(msg, strlen(msg))) {
		size_t n = utf8_cut_bytes(msg, strlen(msg), 200);
		buf_puts(&b, ": ");
		buf_append(&b, msg, n);
	}
	if (!b.len)
		buf_puts(&b, "应答无法识别");
	return buf_steal(&b);
}

/* Is code the platform's "too frequent"? */
static bool throttle_code(const char *kind, json_int_t code)
{
	return (strcmp(kind, "wecom") == 0 && code == 45009) ||
	       (strcmp(kind, "dingtalk") == 0 && code == 130101) ||
	       (strcmp(kind, "feishu") == 0 && code == 11232);
}

int payload_answer(const char *kind, long status, const char *body, size_t len, char **err)
{
	bool robot = strcmp(kind, "webhook") != 0;
	json_t *j = body && len ? json_loadb(body, len, 0, NULL) : NULL;
	json_int_t code = 0;
	const char *msg = NULL;
	bool has_code = json_is_object(j) && answer_code(j, &code, &msg);
	int rc;
	if (!robot)
		rc = status >= 200 && status < 300 ? 0 : -1;
	else
		/* Why a robot needs its code too: the platforms answer a
		 * refused message (bad signature, keyword missing, too
		 * frequent) with HTTP 200 and a non-zero code. */
		rc = status == 200 && has_code && code == 0 ? 0 : -1;
	if (rc != 0 && (status == 429 || (has_code && throttle_code(kind, code))))
		rc = PAYLOAD_THROTTLED;
	if (rc != 0) {
		char *e = answer_error(status, has_code, code, msg);
		if (robot && status == 200 && !has_code) {
			free(e);
			e = xstrdup("HTTP 200，但应答中没有 errcode/code（不是机器人的应答？）");
		}
		*err = e;
	}
	json_decref(j);
	return rc;
}

/* ---- e-mail ---- */

/* text as RFC 2047 encoded words ("=?UTF-8?B?...?="), each at most 75
 * characters and each holding whole characters, folded onto lines of
 * their own. */
static void encoded_words(buf *out, const char *text)
{
	const char *s = text;
	size_t n = strlen(s);
	bool first = true;
	do {
		/* 45 bytes make 60 base64 characters: 12 more for =?UTF-8?B? and ?= */
		size_t k = utf8_cut_bytes(s, n, 45);
		if (k == 0 && n > 0)
			k = 1; /* not reached for valid text */
		char b64[64];
		base64((const unsigned char *)s, k, b64, sizeof b64);
		buf_printf(out, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", b64);
		first = false;
		s += k;
		n -= k;
	} while (n > 0);
}

/* The domain of an address ("example.gov.cn"), for the Message-ID. */
static const char *address_domain(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	return at && at[1] ? at + 1 : "taizhang.invalid";
}

void payload_email(const channel *c, const outbox_msg *m, int64_t now, buf *out)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)(now + ISOTIME_OFFSET);
	struct tm tm;
	gmtime_r(&t, &tm);
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0800\r\n", days[tm.tm_wday],
		   tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		   tm.tm_sec);
	buf_puts(out, "From: ");
	encoded_words(out, c->name);
	buf_printf(out, " <%s>\r\n", c->sender);
	/* To: the checked list, one address a line (an unusable list, which
	 * the check on save keeps out, gives none, and send_smtp refuses). */
	buf_puts(out, "To: ");
	char **to;
	int nto = channel_recipients_parse(c->recipients, CHANNEL_RECIPIENTS_MAX, &to);
	for (int i = 0; i < nto; i++)
		buf_printf(out, "%s%s", i ? ",\r\n " : "", to[i]);
	channel_recipients_free(to, nto);
	buf_puts(out, "\r\nSubject: ");
	encoded_words(out, m->title);
	/* The Message-ID carries the idempotency key, so a message sent again
	 * after a crash has the same id and a mail client shows it once. The
	 * key's characters outside an atom are replaced, and a hash of the
	 * whole key keeps two such keys apart. */
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)m->idem_key, strlen(m->idem_key));
	buf_puts(out, "\r\nMessage-ID: <");
	for (const char *k = m->idem_key; *k; k++)
		buf_putc(out, strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				     "-_+=", *k) ? *k : '-');
	buf_printf(out, ".%02x%02x%02x%02x@%s>\r\n", h[0], h[1], h[2], h[3], address_domain(c->sender));
	buf_printf(out, "X-Taizhang-Idempotency-Key: %s\r\n", m->idem_key);
	buf_puts(out, "MIME-Version: 1.0\r\n"
		      "Content-Type: text/plain; charset=UTF-8\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n");
	/* The body in canonical form (CRLF line ends) before base64 (RFC 2045
	 * 6.8), in lines of 76 characters. */
	buf text = BUF_INIT;
	for (const char *s = m->body; *s; s++) {
		if (*s == '\n' && (s == m->body || s[-1] != '\r'))
			buf_putc(&text, '\r');
		buf_putc(&text, *s);
	}
	for (size_t off = 0; off < text.len; off += 57) {
		size_t k = text.len - off < 57 ? text.len - off : 57;
		char line[80];
		base64((const unsigned char *)text.data + off, k, line, sizeof line);
		buf_printf(out, "%s\r\n", line);
	}
	buf_free(&text);
}
