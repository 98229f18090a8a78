/*
 * test_notify.c — notifications without a network: each platform's request
 * (parsed back with jansson), the signatures against vectors computed
 * independently (Python's hmac module, inputs beside them), WeCom's
 * 4096-byte limit on long Chinese text, the e-mail's encoding, the reading
 * of answers (a platform's "too frequent" apart); and on an in-memory
 * ledger the channels' checks (a new address needs the secret again; one
 * reading of the recipients) and the outbox: idempotent enqueue, claim
 * with a lease, a reclaim after the lease runs out, backoff from the time
 * of the failure, failure after the last attempt, retry, the pacing of a
 * channel and "too frequent" not counted, the parts of a split message
 * kept across a retry, the purge; and on a ledger file two connections as
 * two senders: a claim's token fences off a sender whose lease ran out,
 * and leases run on the real clock whatever the scheduler's clock says.
 */
#include "unit.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/utf8.h"
#include "ledger/catalog.h"
#include "ledger/channel.h"
#include "ledger/ledger.h"
#include "ledger/outbox.h"
#include "notify/payload.h"

#define NOW 1795400000 /* 2026-11-23 10:13:20 Beijing */

static channel make_channel(const char *kind, const char *target, const char *secret)
{
	channel c;
	memset(&c, 0, sizeof c);
	c.id = 1;
	c.name = (char *)"办公室群";
	c.kind = (char *)kind;
	c.target = (char *)target;
	c.secret = (char *)secret;
	c.username = (char *)"";
	c.sender = (char *)"";
	c.recipients = (char *)"";
	c.topics = TOPIC_DAILY;
	c.active = true;
	return c;
}

static outbox_msg make_msg(const char *title, const char *body)
{
	outbox_msg m;
	memset(&m, 0, sizeof m);
	m.id = 7;
	m.channel_id = 1;
	m.topic = (char *)"daily";
	m.idem_key = (char *)"daily/2026-11-23/1";
	m.title = (char *)title;
	m.body = (char *)body;
	m.created_at = NOW;
	return m;
}

/* The header named name ("Idempotency-Key") of rq, or NULL. */
static const char *header(const payload_http *rq, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < 4 && rq->headers[i]; i++)
		if (strncmp(rq->headers[i], name, n) == 0 && rq->headers[i][n] == ':')
			return rq->headers[i] + n + 2;
	return NULL;
}

/* The requests carrying m over c at now_ms, which must build; *n their
 * number. The caller frees them with payload_http_free. */
static payload_http *build(const channel *c, const outbox_msg *m, int64_t now_ms, size_t *n)
{
	payload_http *rq = NULL;
	char *err = NULL;
	if (payload_http_build(c, m, now_ms, &rq, n, &err) != 0)
		fail_msg("payload_http_build (%s): %s", c->kind, err ? err : "?");
	return rq;
}

/* ---- signatures: vectors from Python's hmac/hashlib/base64 ---- */

static void test_dingtalk_sign(void **state)
{
	/* hmac.new(b"SECtest0123456789abcdef",
	 *          b"1795400000123\nSECtest0123456789abcdef", sha256), base64 */
	char sign[45];
	payload_dingtalk_sign("SECtest0123456789abcdef", 1795400000123LL, sign);
	assert_string_equal(sign, "TomNzGq1PU2LdZxeWmK0M4jpS/V1BAx71yqCMfYPuq8=");
}

static void test_feishu_sign(void **state)
{
	/* hmac.new(b"1795400000\nfeishu-secret-abc", b"", sha256), base64 */
	char sign[45];
	payload_feishu_sign("feishu-secret-abc", 1795400000LL, sign);
	assert_string_equal(sign, "wn7ifMQT4dH8DXCJGHuHgiR/NPYQncXSIENjXEkLRQQ=");
}

static void test_webhook_hmac(void **state)
{
	/* hmac.new(b"hook-key", b'{"a":1}', sha256).hexdigest() */
	char hex[65];
	payload_hmac_hex("hook-key", "{\"a\":1}", 7, hex);
	assert_string_equal(hex, "1f350fa71462cb38071ec0f5909b3af3e00d1bee78e8540c03bbdc2dc3f50d2d");
}

/* ---- requests ---- */

static void test_wecom_payload(void **state)
{
	channel c = make_channel("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "");
	outbox_msg m = make_msg("日调度 11月23日", "新收 3 件\n今日到期 1 件");
	size_t n;
	payload_http *rq = build(&c, &m, NOW * 1000LL, &n);
	assert_int_equal(n, 1);
	assert_string_equal(rq[0].url, c.target);
	assert_string_equal(header(&rq[0], "Content-Type"), "application/json; charset=utf-8");
	json_t *j = json_loads(rq[0].body, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "msgtype")), "markdown");
	const char *content = json_string_value(json_object_get(json_object_get(j, "markdown"), "content"));
	assert_string_equal(content, "**日调度 11月23日**\n新收 3 件\n今日到期 1 件");
	json_decref(j);
	payload_http_free(rq, n);
}

/* n Chinese characters in lines of 40 ("一二三..." repeated). */
static char *long_text(size_t n)
{
	static const char *const chars[] = {"办", "实", "事", "台", "账", "督", "促", "落", "实", "好"};
	buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		buf_puts(&b, chars[i % 10]);
		if (i % 40 == 39)
			buf_putc(&b, '\n');
	}
	return buf_steal(&b);
}

static void test_wecom_long_text(void **state)
{
	channel c = make_channel("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "");
	char *body = long_text(3000); /* 9,000+ bytes: three parts */
	outbox_msg m = make_msg("周督导", body);
	size_t n;
	payload_http *rq = build(&c, &m, NOW * 1000LL, &n);
	assert_int_equal(n, 3);
	size_t chars = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_loads(rq[i].body, 0, NULL);
		assert_non_null(j);
		const char *content =
			json_string_value(json_object_get(json_object_get(j, "markdown"), "content"));
		assert_non_null(content);
		size_t len = strlen(content);
		assert_true(len <= PAYLOAD_WECOM_MAX);
		assert_true(utf8_valid(content, len));
		char head[32];
		snprintf(head, sizeof head, "（%zu/%zu）\n", i + 1, n);
		assert_memory_equal(content, head, strlen(head));
		/* count the CJK characters that made it across (lead bytes
		 * E4-E9; the headings' full-width brackets lead with EF) */
		for (const char *p = content; *p; p++)
			if ((unsigned char)*p >= 0xE4 && (unsigned char)*p <= 0xE9)
				chars++;
		json_decref(j);
	}
	/* every character arrived: the body's 3000 and the title's 3 */
	assert_int_equal(chars, 3000 + 3);
	payload_http_free(rq, n);
	free(body);

	/* Far too long: five parts, the last cut with a note, still whole
	 * characters and within the limit. */
	body = long_text(20000);
	m.body = body;
	rq = build(&c, &m, NOW * 1000LL, &n);
	assert_int_equal(n, PAYLOAD_WECOM_PARTS);
	json_t *j = json_loads(rq[n - 1].body, 0, NULL);
	const char *content = json_string_value(json_object_get(json_object_get(j, "markdown"), "content"));
	assert_true(strlen(content) <= PAYLOAD_WECOM_MAX);
	assert_true(utf8_valid(content, strlen(content)));
	assert_non_null(strstr(content, "内容过长"));
	json_decref(j);
	payload_http_free(rq, n);
	free(body);
}

static void test_split_no_broken_character(void **state)
{
	/* No line ends at all: every cut falls inside a run of 3-byte
	 * characters, and must fall between them. */
	buf b = BUF_INIT;
	for (int i = 0; i < 2000; i++)
		buf_puts(&b, "事");
	char **parts;
	size_t n = payload_split(b.data, 1000, 10, &parts);
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++) {
		assert_true(strlen(parts[i]) <= 1000);
		assert_true(utf8_valid(parts[i], strlen(parts[i])));
		free(parts[i]);
	}
	free(parts);
	/* Short text: one part, unchanged, no heading. */
	n = payload_split("短消息", 1000, 10, &parts);
	assert_int_equal(n, 1);
	assert_string_equal(parts[0], "短消息");
	free(parts[0]);
	free(parts);
	buf_free(&b);
}

static void test_dingtalk_payload(void **state)
{
	channel c = make_channel("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=tok",
				 "SECtest0123456789abcdef");
	outbox_msg m = make_msg("督办提醒", "事项 BJ-1 已超期");
	size_t n;
	payload_http *rq = build(&c, &m, 1795400000123LL, &n);
	assert_int_equal(n, 1);
	/* The signature from test_dingtalk_sign, URL-encoded. */
	assert_string_equal(rq[0].url, "https://oapi.dingtalk.com/robot/send?access_token=tok"
				       "&timestamp=1795400000123"
				       "&sign=TomNzGq1PU2LdZxeWmK0M4jpS%2FV1BAx71yqCMfYPuq8%3D");
	json_t *j = json_loads(rq[0].body, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "msgtype")), "markdown");
	json_t *md = json_object_get(j, "markdown");
	assert_string_equal(json_string_value(json_object_get(md, "title")), "督办提醒");
	assert_string_equal(json_string_value(json_object_get(md, "text")),
			    "### 督办提醒\n\n事项 BJ-1 已超期");
	json_decref(j);
	payload_http_free(rq, n);

	/* Without a secret: the URL as given. */
	c.secret = (char *)"";
	rq = build(&c, &m, 1795400000123LL, &n);
	assert_string_equal(rq[0].url, c.target);
	payload_http_free(rq, n);
}

static void test_feishu_payload(void **state)
{
	channel c = make_channel("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/abc",
				 "feishu-secret-abc");
	outbox_msg m = make_msg("日调度", "第一行\n第二行");
	size_t n;
	payload_http *rq = build(&c, &m, 1795400000999LL, &n);
	assert_string_equal(rq[0].url, c.target);
	json_t *j = json_loads(rq[0].body, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "timestamp")), "1795400000");
	assert_string_equal(json_string_value(json_object_get(j, "sign")),
			    "wn7ifMQT4dH8DXCJGHuHgiR/NPYQncXSIENjXEkLRQQ=");
	assert_string_equal(json_string_value(json_object_get(j, "msg_type")), "post");
	json_t *zh = json_object_get(json_object_get(json_object_get(j, "content"), "post"), "zh_cn");
	assert_string_equal(json_string_value(json_object_get(zh, "title")), "日调度");
	json_t *lines = json_object_get(zh, "content");
	assert_int_equal(json_array_size(lines), 2);
	json_t *el = json_array_get(json_array_get(lines, 1), 0);
	assert_string_equal(json_string_value(json_object_get(el, "tag")), "text");
	assert_string_equal(json_string_value(json_object_get(el, "text")), "第二行");
	json_decref(j);
	payload_http_free(rq, n);
}

static void test_webhook_payload(void **state)
{
	channel c = make_channel("webhook", "http://10.0.0.5/hook", "hook-key");
	outbox_msg m = make_msg("日调度", "正文 \"引号\"");
	size_t n;
	payload_http *rq = build(&c, &m, NOW * 1000LL, &n);
	assert_string_equal(header(&rq[0], "Idempotency-Key"), "daily/2026-11-23/1");
	json_t *j = json_loads(rq[0].body, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "id")), "daily/2026-11-23/1");
	assert_string_equal(json_string_value(json_object_get(j, "topic")), "daily");
	assert_string_equal(json_string_value(json_object_get(j, "title")), "日调度");
	assert_string_equal(json_string_value(json_object_get(j, "text")), "正文 \"引号\"");
	assert_string_equal(json_string_value(json_object_get(j, "created_at")),
			    "2026-11-23T10:13:20+08:00");
	json_decref(j);
	/* The signature is the HMAC of exactly the bytes sent. */
	char hex[65], want[80];
	payload_hmac_hex("hook-key", rq[0].body, strlen(rq[0].body), hex);
	snprintf(want, sizeof want, "sha256=%s", hex);
	assert_string_equal(header(&rq[0], "X-Taizhang-Signature"), want);
	payload_http_free(rq, n);
	/* No secret, no signature header. */
	c.secret = (char *)"";
	rq = build(&c, &m, NOW * 1000LL, &n);
	assert_null(header(&rq[0], "X-Taizhang-Signature"));
	payload_http_free(rq, n);
}

static void test_answers(void **state)
{
	char *err = NULL;
#define OK(kind, status, body) assert_int_equal(payload_answer(kind, status, body, strlen(body), &err), 0)
#define BAD(kind, status, body, want)                                                     \
	do {                                                                              \
		assert_int_equal(payload_answer(kind, status, body, strlen(body), &err), -1); \
		assert_non_null(strstr(err, want));                                       \
		free(err);                                                                \
		err = NULL;                                                               \
	} while (0)
	OK("wecom", 200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
	BAD("wecom", 200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}", "93000: invalid webhook url");
	BAD("wecom", 500, "busy", "HTTP 500");
	BAD("wecom", 200, "<html>proxy</html>", "HTTP 200");
	OK("dingtalk", 200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
	BAD("dingtalk", 200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}", "310000");
	OK("feishu", 200, "{\"code\":0,\"msg\":\"success\",\"data\":{}}");
	OK("feishu", 200, "{\"Extra\":null,\"StatusCode\":0,\"StatusMessage\":\"success\"}");
	BAD("feishu", 200, "{\"code\":19021,\"msg\":\"sign match fail\"}", "19021");
	BAD("feishu", 400, "{\"code\":9499,\"msg\":\"Bad Request\"}", "HTTP 400");
	OK("webhook", 204, "");
	OK("webhook", 200, "anything");
	BAD("webhook", 302, "", "HTTP 302");
	BAD("webhook", 503, "", "HTTP 503");
#undef OK
#undef BAD
}

/* The decoded text of one "=?UTF-8?B?...?=" word at p; its length in *used. */
static void decode_word(const char *p, buf *out, size_t *used)
{
	assert_memory_equal(p, "=?UTF-8?B?", 10);
	const char *end = strstr(p + 10, "?=");
	assert_non_null(end);
	assert_true(end + 2 - p <= 75);
	unsigned char bin[64];
	size_t len;
	assert_int_equal(sodium_base642bin(bin, sizeof bin, p + 10, (size_t)(end - p - 10), NULL,
					   &len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	buf_append(out, bin, len);
	*used = (size_t)(end + 2 - p);
}

static void test_email(void **state)
{
	channel c = make_channel("email", "smtp://127.0.0.1:2525", "");
	c.sender = (char *)"notice@example.gov.cn";
	c.recipients = (char *)"a@example.gov.cn, b@example.gov.cn";
	const char *title = "日调度：新收3件，今日到期1件，超期2件（城市管理局、住房和城乡建设局）";
	outbox_msg m = make_msg(title, "第一行\n第二行");
	buf b = BUF_INIT;
	payload_email(&c, &m, NOW, &b);
	const char *s = b.data;
	assert_non_null(strstr(s, "Date: Mon, 23 Nov 2026 10:13:20 +0800\r\n"));
	assert_non_null(strstr(s, "To: a@example.gov.cn,\r\n b@example.gov.cn\r\n"));
	assert_non_null(strstr(s, " <notice@example.gov.cn>\r\n"));
	assert_non_null(strstr(s, "Message-ID: <daily-2026-11-23-1."));
	assert_non_null(strstr(s, "@example.gov.cn>\r\n"));
	assert_non_null(strstr(s, "Content-Type: text/plain; charset=UTF-8\r\n"));
	assert_non_null(strstr(s, "Content-Transfer-Encoding: base64\r\n"));
	/* The subject: encoded words, folded, that decode to the title. */
	const char *p = strstr(s, "Subject: ");
	assert_non_null(p);
	p += 9;
	buf subject = BUF_INIT;
	int words = 0;
	for (;;) {
		size_t used;
		decode_word(p, &subject, &used);
		words++;
		p += used;
		if (strncmp(p, "\r\n ", 3) != 0)
			break;
		p += 3;
	}
	assert_true(words > 1);
	assert_string_equal(subject.data, title);
	/* The body: base64 of the text with CRLF line ends. */
	p = strstr(s, "\r\n\r\n");
	assert_non_null(p);
	p += 4;
	unsigned char bin[256];
	size_t len;
	assert_int_equal(sodium_base642bin(bin, sizeof bin, p, strlen(p), "\r\n", &len, NULL,
					   sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(len, strlen("第一行\r\n第二行"));
	assert_memory_equal(bin, "第一行\r\n第二行", len);
	/* Same key, same Message-ID: a resend is recognised. */
	buf again = BUF_INIT;
	payload_email(&c, &m, NOW + 3600, &again);
	const char *id1 = strstr(s, "Message-ID:"), *id2 = strstr(again.data, "Message-ID:");
	assert_memory_equal(id1, id2, (size_t)(strstr(id1, "\r\n") - id1));
	buf_free(&again);
	buf_free(&subject);
	buf_free(&b);
}

/* ---- channels and the outbox on a ledger ---- */

typedef struct fixture {
	db *d;
	int64_t dept, office_ch, dept_ch;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char *msg = NULL;
	f->d = unit_ledger_open();
	f->dept = unit_department(f->d, "cgj", "城市管理局");
	channel c = make_channel("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1", "");
	c.id = 0;
	c.topics = TOPIC_DAILY | TOPIC_WEEKLY;
	assert_int_equal(channel_save(f->d, &c, NOW, &f->office_ch, &msg), LEDGER_OK);
	channel e = make_channel("email", "smtps://smtp.example.gov.cn:465", "pw-1");
	e.id = 0;
	e.name = (char *)"城管局邮箱";
	e.department_id = f->dept;
	e.username = (char *)"notice";
	e.sender = (char *)"notice@example.gov.cn";
	e.recipients = (char *)"a@example.gov.cn";
	e.topics = TOPIC_DAILY | TOPIC_URGE;
	assert_int_equal(channel_save(f->d, &e, NOW, &f->dept_ch, &msg), LEDGER_OK);
	outbox_set_retry_base(60);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	db_close(f->d);
	free(f);
	return 0;
}

static void test_channel_checks(void **state)
{
	fixture *f = *state;
	struct {
		const char *kind, *target, *sender, *recipients;
		unsigned topics;
		const char *want;
	} bad[] = {
		{"sms", "https://x.example/a?key=1", "", "", TOPIC_DAILY, "类型"},
		{"wecom", "ftp://x.example/a?key=1", "", "", TOPIC_DAILY, "https://"},
		{"wecom", "http://qyapi.weixin.qq.com/send?key=1", "", "", TOPIC_DAILY, "https://"},
		{"wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "", "", TOPIC_DAILY, "key="},
		{"dingtalk", "https://oapi.dingtalk.com/robot/send", "", "", TOPIC_DAILY, "access_token"},
		{"webhook", "https://a b/", "", "", TOPIC_DAILY, "空格"},
		{"webhook", "https://user:pw@hook.example/", "", "", TOPIC_DAILY, "https://"},
		{"webhook", "https://hook.example/", "", "", 0, "接收内容"},
		{"webhook", "https://hook.example/", "x@y.cn", "", TOPIC_DAILY, "电子邮件"},
		{"email", "https://smtp.example/", "a@b.cn", "c@d.cn", TOPIC_DAILY, "smtp://"},
		{"email", "smtp://smtp.example:25", "not-an-address", "c@d.cn", TOPIC_DAILY, "发件"},
		{"email", "smtp://smtp.example:25", "a@b.cn", "c@d.cn, <e@f.cn>", TOPIC_DAILY, "收件"},
		{"email", "smtp://smtp.example:25", "a@b.cn\r\nRCPT TO:<x@y>", "c@d.cn", TOPIC_DAILY, "发件"},
	};
	int64_t before = db_scalar(f->d, 0, "SELECT count(*) FROM channels", "");
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		channel c = make_channel(bad[i].kind, bad[i].target, "");
		c.id = 0;
		c.sender = (char *)bad[i].sender;
		c.recipients = (char *)bad[i].recipients;
		c.topics = bad[i].topics;
		char *msg = NULL;
		int64_t id = 0;
		assert_int_equal(channel_save(f->d, &c, NOW, &id, &msg), LEDGER_INVALID);
		if (!strstr(msg, bad[i].want))
			fail_msg("case %zu: %s", i, msg);
		free(msg);
	}
	assert_int_equal(db_scalar(f->d, 0, "SELECT count(*) FROM channels", ""), before);
	/* Plain http to this machine is allowed for a robot (a local relay). */
	channel ok = make_channel("wecom", "http://127.0.0.1:9999/send?key=1", "");
	ok.id = 0;
	char *msg = NULL;
	int64_t id = 0;
	assert_int_equal(channel_save(f->d, &ok, NOW, &id, &msg), LEDGER_OK);
}

static void test_channel_secret_kept(void **state)
{
	fixture *f = *state;
	channel c;
	assert_int_equal(channel_load(f->d, f->dept_ch, &c), LEDGER_OK);
	assert_string_equal(c.secret, "pw-1");
	/* Edit with the target and secret left empty: both kept. */
	channel e = make_channel("email", "", "");
	e.id = f->dept_ch;
	e.name = (char *)"城管局邮箱（新）";
	e.department_id = f->dept;
	e.sender = (char *)"notice@example.gov.cn";
	e.recipients = (char *)"a@example.gov.cn,b@example.gov.cn";
	e.topics = TOPIC_URGE;
	char *msg = NULL;
	int64_t id = 0;
	assert_int_equal(channel_save(f->d, &e, NOW, &id, &msg), LEDGER_OK);
	channel_clear(&c);
	assert_int_equal(channel_load(f->d, f->dept_ch, &c), LEDGER_OK);
	assert_string_equal(c.name, "城管局邮箱（新）");
	assert_string_equal(c.secret, "pw-1");
	assert_string_equal(c.target, "smtps://smtp.example.gov.cn:465");
	assert_int_equal(c.topics, TOPIC_URGE);
	channel_clear(&c);
	/* A change of kind needs a new target. */
	e.kind = (char *)"webhook";
	e.sender = e.recipients = (char *)"";
	assert_int_equal(channel_save(f->d, &e, NOW, &id, &msg), LEDGER_INVALID);
	free(msg);
	/* The masked form shows no token. */
	buf b = BUF_INIT;
	channel_target_masked("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret", &b);
	assert_string_equal(b.data, "https://qyapi.weixin.qq.com/…");
	buf_reset(&b);
	channel_target_masked("https://open.feishu.cn/open-apis/bot/v2/hook/token", &b);
	assert_null(strstr(b.data, "token"));
	buf_free(&b);
}

static void test_channel_list_for(void **state)
{
	fixture *f = *state;
	channel *v;
	size_t n;
	/* daily, office-wide only: the robot. */
	assert_int_equal(channel_list_for(f->d, TOPIC_DAILY, 0, &v, &n), LEDGER_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, f->office_ch);
	channel_list_free(v, n);
	/* daily for the department: the robot and its own mailbox. */
	assert_int_equal(channel_list_for(f->d, TOPIC_DAILY, f->dept, &v, &n), LEDGER_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[1].id, f->dept_ch);
	assert_string_equal(v[1].department_name, "城市管理局");
	channel_list_free(v, n);
	/* urge: only the mailbox takes it. */
	assert_int_equal(channel_list_for(f->d, TOPIC_URGE, f->dept, &v, &n), LEDGER_OK);
	assert_int_equal(n, 1);
	channel_list_free(v, n);
	/* duty: nobody. */
	assert_int_equal(channel_list_for(f->d, TOPIC_DUTY, f->dept, &v, &n), LEDGER_OK);
	assert_int_equal(n, 0);
	assert_null(v);
	/* switched off: not chosen. */
	assert_int_equal(channel_set_active(f->d, f->office_ch, false), LEDGER_OK);
	assert_int_equal(channel_list_for(f->d, TOPIC_DAILY, 0, &v, &n), LEDGER_OK);
	assert_int_equal(n, 0);
	assert_int_equal(channel_set_active(f->d, 999, false), LEDGER_NOT_FOUND);
	/* the topic names both ways */
	assert_int_equal(channel_topics_parse("daily,urge"), TOPIC_DAILY | TOPIC_URGE);
	assert_int_equal(channel_topics_parse("daily,nope"), -1);
	char t[64];
	channel_topics_format(TOPIC_WEEKLY | TOPIC_DUTY, t, sizeof t);
	assert_string_equal(t, "weekly,duty");
}

static void test_enqueue_idempotent(void **state)
{
	fixture *f = *state;
	bool created = false;
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "daily", "daily/2026-11-23/0", "日调度",
					"正文", NOW, &created), LEDGER_OK);
	assert_true(created);
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "daily", "daily/2026-11-23/0",
					"日调度（改）", "别的正文", NOW + 5, &created), LEDGER_OK);
	assert_false(created);
	assert_true(outbox_exists(f->d, "daily/2026-11-23/0"));
	assert_false(outbox_exists(f->d, "daily/2026-11-24/0"));
	assert_int_equal(db_scalar(f->d, 0, "SELECT count(*) FROM outbox", ""), 1);
	/* Bad input changes nothing. */
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "gossip", "k1", "t", "b", NOW, &created), LEDGER_INVALID);
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "daily", "", "t", "b", NOW, &created), LEDGER_INVALID);
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "daily", "a key", "t", "b", NOW, &created), LEDGER_INVALID);
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "daily", "k2", "t", "\xff", NOW, &created), LEDGER_INVALID);
	assert_int_equal(outbox_enqueue(f->d, 999, "daily", "k3", "t", "b", NOW, &created), LEDGER_NOT_FOUND);
	assert_int_equal(db_scalar(f->d, 0, "SELECT count(*) FROM outbox", ""), 1);
}

/* An enqueue inside the caller's transaction joins it: rolled back with it. */
struct tx_ctx {
	int64_t ch;
};
static int enqueue_then_fail(db *d, void *vctx)
{
	struct tx_ctx *x = vctx;
	bool created;
	assert_int_equal(outbox_enqueue(d, x->ch, "urge", "urge/1/1", "督办", "b", NOW, &created), LEDGER_OK);
	return LEDGER_INVALID;
}
static int enqueue_then_commit(db *d, void *vctx)
{
	struct tx_ctx *x = vctx;
	bool created;
	return outbox_enqueue(d, x->ch, "urge", "urge/1/2", "督办", "b", NOW, &created);
}

static void test_enqueue_joins_transaction(void **state)
{
	fixture *f = *state;
	struct tx_ctx x = {f->office_ch};
	assert_int_equal(db_transact(f->d, enqueue_then_fail, &x), LEDGER_INVALID);
	assert_false(outbox_exists(f->d, "urge/1/1"));
	assert_int_equal(db_transact(f->d, enqueue_then_commit, &x), LEDGER_OK);
	assert_true(outbox_exists(f->d, "urge/1/2"));
}

static void test_claim_lease_reclaim(void **state)
{
	fixture *f = *state;
	bool created;
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "daily", "k-a", "A", "a", NOW, &created), LEDGER_OK);
	assert_int_equal(outbox_enqueue(f->d, f->dept_ch, "daily", "k-b", "B", "b", NOW + 1, &created), LEDGER_OK);
	outbox_msg m;
	/* Not due yet before its time. */
	assert_int_equal(outbox_claim(f->d, NOW - 1, NOW - 1, 30, &m), LEDGER_NOT_FOUND);
	assert_int_equal(outbox_claim(f->d, NOW + 1, NOW + 1, 30, &m), LEDGER_OK);
	assert_string_equal(m.idem_key, "k-a");
	assert_string_equal(m.channel_kind, "wecom");
	assert_int_equal(m.attempts, 1);
	assert_int_equal(m.lease_until, NOW + 31);
	assert_true(m.claim > 0);
	int64_t a = m.id;
	outbox_msg_clear(&m);
	/* Held by its lease: the next claim takes the other channel's. */
	assert_int_equal(outbox_claim(f->d, NOW + 2, NOW + 2, 30, &m), LEDGER_OK);
	assert_string_equal(m.idem_key, "k-b");
	assert_int_equal(outbox_sent(f->d, &m, NOW + 3), LEDGER_OK);
	outbox_msg b = m;
	assert_int_equal(outbox_claim(f->d, NOW + 30, NOW + 30, 30, &m), LEDGER_NOT_FOUND);
	/* The sender of k-a died: once its lease runs out it is claimed again,
	 * the same message with the same key, one more attempt counted. */
	assert_int_equal(outbox_claim(f->d, NOW + 31, NOW + 31, 30, &m), LEDGER_OK);
	assert_int_equal(m.id, a);
	assert_string_equal(m.idem_key, "k-a");
	assert_int_equal(m.attempts, 2);
	assert_int_equal(outbox_sent(f->d, &m, NOW + 32), LEDGER_OK);
	int64_t pending, sent, failed;
	assert_int_equal(outbox_counts(f->d, &pending, &sent, &failed), LEDGER_OK);
	assert_int_equal(pending, 0);
	assert_int_equal(sent, 2);
	/* A sent message is not marked again, nor retried. */
	assert_int_equal(outbox_sent(f->d, &m, NOW + 40), LEDGER_CONFLICT);
	assert_int_equal(outbox_sent(f->d, &b, NOW + 40), LEDGER_CONFLICT);
	assert_int_equal(outbox_retry(f->d, a, NOW + 40), LEDGER_BAD_STATE);
	assert_int_equal(outbox_retry(f->d, 9999, NOW + 40), LEDGER_NOT_FOUND);
	outbox_msg_clear(&m);
	outbox_msg_clear(&b);
}

static void test_inactive_channel_held(void **state)
{
	fixture *f = *state;
	bool created;
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "test", "t-1", "测试", "b", NOW, &created), LEDGER_OK);
	assert_int_equal(channel_set_active(f->d, f->office_ch, false), LEDGER_OK);
	outbox_msg m;
	assert_int_equal(outbox_claim(f->d, NOW + 10, NOW + 10, 30, &m), LEDGER_NOT_FOUND);
	/* Held, but a message of another channel queued later still goes. */
	assert_int_equal(outbox_enqueue(f->d, f->dept_ch, "daily", "t-2", "日调度", "b", NOW + 5, &created), LEDGER_OK);
	assert_int_equal(outbox_claim(f->d, NOW + 10, NOW + 10, 30, &m), LEDGER_OK);
	assert_string_equal(m.idem_key, "t-2");
	outbox_msg_clear(&m);
	assert_int_equal(channel_set_active(f->d, f->office_ch, true), LEDGER_OK);
	assert_int_equal(outbox_claim(f->d, NOW + 10, NOW + 10, 30, &m), LEDGER_OK);
	assert_string_equal(m.idem_key, "t-1");
	/* Given back (the sender stopping): no attempt counted, due again as
	 * soon as the robot's pace has passed. */
	assert_int_equal(outbox_release(f->d, &m, NOW + 11), LEDGER_OK);
	outbox_msg_clear(&m);
	assert_int_equal(outbox_claim(f->d, NOW + 11, NOW + 11 + channel_pace_seconds("wecom"), 30, &m),
			 LEDGER_OK);
	assert_int_equal(m.attempts, 1);
	outbox_msg_clear(&m);
}

static void test_backoff_and_failure(void **state)
{
	fixture *f = *state;
	assert_int_equal(outbox_backoff(1), 60);
	assert_int_equal(outbox_backoff(2), 120);
	assert_int_equal(outbox_backoff(3), 240);
	assert_int_equal(outbox_backoff(30), 6 * 3600);
	bool created;
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "weekly", "w-1", "周督导", "b", NOW, &created), LEDGER_OK);
	int64_t t = NOW, id = 0;
	for (int attempt = 1; attempt <= OUTBOX_MAX_ATTEMPTS; attempt++) {
		outbox_msg m;
		/* never before the backoff has passed */
		if (attempt > 1)
			assert_int_equal(outbox_claim(f->d, t - 1, t - 1, 30, &m), LEDGER_NOT_FOUND);
		assert_int_equal(outbox_claim(f->d, t, t, 30, &m), LEDGER_OK);
		assert_int_equal(m.attempts, attempt);
		id = m.id;
		/* The backoff counts from the time of the failure (a slow
		 * request here took 25 s), not from the claim. */
		assert_int_equal(outbox_failed(f->d, &m, "HTTP 500", t + 25, t + 25), LEDGER_OK);
		outbox_msg_clear(&m);
		int64_t next = db_scalar(f->d, 0, "SELECT next_at FROM outbox WHERE id = ?", "i", id);
		if (attempt < OUTBOX_MAX_ATTEMPTS)
			assert_int_equal(next, t + 25 + outbox_backoff(attempt));
		t = next;
	}
	outbox_msg *v;
	size_t n;
	assert_int_equal(outbox_list(f->d, "failed", 10, &v, &n), LEDGER_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].status, "failed");
	assert_string_equal(v[0].last_error, "HTTP 500");
	assert_int_equal(v[0].attempts, OUTBOX_MAX_ATTEMPTS);
	outbox_list_free(v, n);
	outbox_msg m;
	assert_int_equal(outbox_claim(f->d, t + 86400, t + 86400, 30, &m), LEDGER_NOT_FOUND);
	/* The administrator retries: due now, attempts afresh. */
	assert_int_equal(outbox_retry(f->d, id, t + 100), LEDGER_OK);
	assert_int_equal(outbox_claim(f->d, t + 100, t + 100, 30, &m), LEDGER_OK);
	assert_int_equal(m.attempts, 1);
	assert_string_equal(m.status, "pending");
	assert_int_equal(outbox_sent(f->d, &m, t + 101), LEDGER_OK);
	outbox_msg_clear(&m);
}

static void test_abandoned_last_attempt(void **state)
{
	fixture *f = *state;
	bool created;
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "daily", "d-9", "日调度", "b", NOW, &created), LEDGER_OK);
	/* As if every attempt had been claimed and the sender died each time. */
	int64_t t = NOW;
	outbox_msg m;
	for (int i = 0; i < OUTBOX_MAX_ATTEMPTS; i++) {
		assert_int_equal(outbox_claim(f->d, t, t, 30, &m), LEDGER_OK);
		outbox_msg_clear(&m);
		t += 31;
	}
	assert_int_equal(outbox_claim(f->d, t, t, 30, &m), LEDGER_NOT_FOUND);
	outbox_msg *v;
	size_t n;
	assert_int_equal(outbox_list(f->d, "failed", 10, &v, &n), LEDGER_OK);
	assert_int_equal(n, 1);
	assert_non_null(strstr(v[0].last_error, "发送中断"));
	outbox_list_free(v, n);
}

static void test_error_text_cut(void **state)
{
	fixture *f = *state;
	bool created;
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "daily", "e-1", "t", "b", NOW, &created), LEDGER_OK);
	outbox_msg m;
	assert_int_equal(outbox_claim(f->d, NOW, NOW, 30, &m), LEDGER_OK);
	char *err = long_text(1000); /* 3,000+ bytes */
	assert_int_equal(outbox_failed(f->d, &m, err, NOW, NOW), LEDGER_OK);
	free(err);
	outbox_msg_clear(&m);
	outbox_msg *v;
	size_t n;
	assert_int_equal(outbox_list(f->d, NULL, 10, &v, &n), LEDGER_OK);
	size_t len = strlen(v[0].last_error);
	assert_true(len > 0 && len <= 500);
	assert_true(utf8_valid(v[0].last_error, len));
	outbox_list_free(v, n);
}

/* ---- two senders on one ledger ---- */

/* Two connections to one ledger file, as the server's sender and
 * `taizhang tick` (or two servers) have; one webhook channel. */
typedef struct two {
	char path[64];
	db *a, *b;
	int64_t ch;
} two;

static int setup_two(void **state)
{
	two *t = calloc(1, sizeof *t);
	char *err = NULL;
	snprintf(t->path, sizeof t->path, "/tmp/tz-notify-XXXXXX");
	int fd = mkstemp(t->path);
	assert_true(fd >= 0);
	close(fd);
	t->a = db_open(t->path, &err);
	assert_non_null(t->a);
	assert_int_equal(db_migrate(t->a), 0);
	t->b = db_open(t->path, &err);
	assert_non_null(t->b);
	t->ch = unit_channel(t->a, "政务平台", 0, TOPIC_DAILY, NOW);
	outbox_set_retry_base(60);
	*state = t;
	return 0;
}

static int teardown_two(void **state)
{
	two *t = *state;
	db_close(t->a);
	db_close(t->b);
	char side[80];
	unlink(t->path);
	snprintf(side, sizeof side, "%s-wal", t->path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", t->path);
	unlink(side);
	free(t);
	return 0;
}

/* The row's status, attempts and claim, for the checks below. */
static void row_is(db *d, int64_t id, const char *status, int attempts, int64_t claim)
{
	db_stmt *q = db_query(d, "SELECT status, attempts, claim FROM outbox WHERE id = ?", "i", id);
	assert_int_equal(db_step(q), DB_ROW);
	assert_string_equal(db_text(q, 0), status);
	assert_int_equal(db_int(q, 1), attempts);
	assert_int_equal(db_int(q, 2), claim);
	db_done(q);
}

static void test_two_senders_fenced(void **state)
{
	two *t = *state;
	const int64_t W = NOW + 1000; /* the real clock */
	bool created;
	assert_int_equal(outbox_enqueue(t->a, t->ch, "daily", "two/1", "日调度", "b", NOW, &created), LEDGER_OK);
	outbox_msg ma, mb, mc;
	/* Sender A claims; B, ten seconds later, finds it held. */
	assert_int_equal(outbox_claim(t->a, W, W, 30, &ma), LEDGER_OK);
	assert_int_equal(outbox_claim(t->b, W + 10, W + 10, 30, &mb), LEDGER_NOT_FOUND);
	/* A hangs past its lease; B claims it with a token of its own. */
	assert_int_equal(outbox_claim(t->b, W + 31, W + 31, 30, &mb), LEDGER_OK);
	assert_int_equal(mb.id, ma.id);
	assert_int_equal(mb.attempts, 2);
	assert_true(mb.claim != ma.claim);
	/* A wakes up: whatever it writes is refused and changes nothing. */
	assert_int_equal(outbox_sent(t->a, &ma, W + 40), LEDGER_CONFLICT);
	assert_int_equal(outbox_failed(t->a, &ma, "HTTP 500", W + 40, W + 40), LEDGER_CONFLICT);
	assert_int_equal(outbox_deferred(t->a, &ma, "45009", W + 40), LEDGER_CONFLICT);
	assert_int_equal(outbox_release(t->a, &ma, W + 40), LEDGER_CONFLICT);
	assert_int_equal(outbox_progress(t->a, &ma, 1, W + 40, 30), LEDGER_CONFLICT);
	row_is(t->a, ma.id, "pending", 2, mb.claim);
	assert_int_equal(db_scalar(t->a, -1, "SELECT parts_sent FROM outbox WHERE id = ?", "i", ma.id), 0);
	assert_int_equal(db_scalar(t->a, -1, "SELECT lease_until FROM outbox WHERE id = ?", "i", ma.id),
			 W + 61);
	/* The channel stays held for B: A's mark did not open it. */
	assert_int_equal(outbox_claim(t->a, W + 45, W + 45, 30, &mc), LEDGER_NOT_FOUND);
	/* B's result stands, and A's late "sent" after it still changes nothing. */
	assert_int_equal(outbox_sent(t->b, &mb, W + 50), LEDGER_OK);
	row_is(t->a, ma.id, "sent", 2, 0);
	assert_int_equal(outbox_sent(t->a, &ma, W + 51), LEDGER_CONFLICT);
	assert_int_equal(outbox_failed(t->a, &ma, "x", W + 51, W + 51), LEDGER_CONFLICT);
	row_is(t->b, ma.id, "sent", 2, 0);
	outbox_msg_clear(&ma);
	outbox_msg_clear(&mb);
}

static void test_lease_on_real_clock(void **state)
{
	two *t = *state;
	const int64_t W = NOW + 1000, PAST = NOW - 30 * 86400;
	bool created;
	/* `tick --now` a month back queues and claims as of then; the lease
	 * still runs on the real clock, so the server's sender (real time)
	 * does not take the message from under it. */
	assert_int_equal(outbox_enqueue(t->a, t->ch, "daily", "two/past", "日调度", "b", PAST, &created),
			 LEDGER_OK);
	outbox_msg ma, mb;
	assert_int_equal(outbox_claim(t->a, PAST, W, 30, &ma), LEDGER_OK);
	assert_int_equal(ma.lease_until, W + 30);
	assert_int_equal(outbox_claim(t->b, W + 1, W + 1, 30, &mb), LEDGER_NOT_FOUND);
	/* A slow round: three messages claimed 25 s apart each get a lease of
	 * their own claim's time, not of the round's start. */
	assert_int_equal(outbox_sent(t->a, &ma, W + 1), LEDGER_OK);
	outbox_msg_clear(&ma);
	int64_t ch2 = unit_channel(t->a, "第二个", 0, TOPIC_DAILY, NOW);
	int64_t ch3 = unit_channel(t->a, "第三个", 0, TOPIC_DAILY, NOW);
	int64_t chans[] = {t->ch, ch2, ch3};
	char key[32];
	for (int i = 0; i < 3; i++) {
		snprintf(key, sizeof key, "two/slow/%d", i);
		assert_int_equal(outbox_enqueue(t->a, chans[i], "daily", key, "t", "b", NOW, &created),
				 LEDGER_OK);
	}
	outbox_msg v[3];
	const int64_t R = W + 10; /* the round starts */
	for (int i = 0; i < 3; i++) {
		/* Each request takes 24 s; the next claim comes a second later. */
		assert_int_equal(outbox_claim(t->a, NOW, R + 25 * i, 30, &v[i]), LEDGER_OK);
		assert_int_equal(v[i].lease_until, R + 25 * i + 30);
		if (i < 2)
			assert_int_equal(outbox_sent(t->a, &v[i], R + 25 * i + 24), LEDGER_OK);
	}
	/* At R + 60, a lease from the round's start would have run out (at
	 * R + 30); the third message's own is still good: B finds nothing. */
	assert_int_equal(outbox_claim(t->b, NOW, R + 60, 30, &mb), LEDGER_NOT_FOUND);
	assert_int_equal(outbox_sent(t->a, &v[2], R + 70), LEDGER_OK);
	row_is(t->b, v[2].id, "sent", 1, 0);
	for (int i = 0; i < 3; i++)
		outbox_msg_clear(&v[i]);
}

/* ---- pacing, parts, purge ---- */

static void test_pacing_and_throttle(void **state)
{
	fixture *f = *state;
	const int64_t W = NOW + 1000;
	const int pace = channel_pace_seconds("wecom"), pause = channel_pause_seconds("wecom");
	assert_true(pace >= 3);                        /* 20 a minute at most */
	assert_int_equal(channel_pause_seconds("dingtalk"), 600); /* it blocks for 10 min */
	assert_int_equal(channel_pace_seconds("webhook"), 0);
	bool created;
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "urge", "p-1", "督办", "b", NOW, &created), LEDGER_OK);
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "urge", "p-2", "督办", "b", NOW, &created), LEDGER_OK);
	outbox_msg m;
	assert_int_equal(outbox_claim(f->d, NOW, W, 30, &m), LEDGER_OK);
	assert_string_equal(m.idem_key, "p-1");
	/* One message in flight per channel. */
	assert_int_equal(outbox_next_open(f->d, NOW, W), W + 30);
	assert_int_equal(outbox_sent(f->d, &m, W + 1), LEDGER_OK);
	outbox_msg_clear(&m);
	/* The next request to the robot waits its pace. */
	assert_int_equal(outbox_claim(f->d, NOW + 1, W + pace, 30, &m), LEDGER_NOT_FOUND);
	assert_int_equal(outbox_next_open(f->d, NOW + 1, W + pace), W + 1 + pace);
	assert_int_equal(outbox_claim(f->d, NOW + 1, W + 1 + pace, 30, &m), LEDGER_OK);
	assert_string_equal(m.idem_key, "p-2");
	/* "Too frequent", again and again: never counted, never failed; the
	 * channel rests its pause each time. */
	int64_t w = W + 1 + pace;
	for (int i = 0; i < OUTBOX_MAX_ATTEMPTS + 2; i++) {
		assert_int_equal(m.attempts, 1);
		assert_int_equal(outbox_deferred(f->d, &m, "code 45009: api freq out of limit", w), LEDGER_OK);
		outbox_msg_clear(&m);
		assert_int_equal(outbox_claim(f->d, NOW + 1, w + pause - 1, 30, &m), LEDGER_NOT_FOUND);
		w += pause;
		assert_int_equal(outbox_claim(f->d, NOW + 1, w, 30, &m), LEDGER_OK);
		assert_string_equal(m.idem_key, "p-2");
		assert_non_null(strstr(m.last_error, "45009"));
	}
	assert_int_equal(outbox_sent(f->d, &m, w), LEDGER_OK);
	outbox_msg_clear(&m);
	assert_int_equal(outbox_next_open(f->d, NOW + 2, w), 0);
}

static void test_parts_resume(void **state)
{
	fixture *f = *state;
	const int64_t W = NOW + 1000;
	bool created;
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "weekly", "parts-1", "周督导", "b", NOW, &created),
			 LEDGER_OK);
	outbox_msg m;
	assert_int_equal(outbox_claim(f->d, NOW, W, 30, &m), LEDGER_OK);
	assert_int_equal(m.parts_sent, 0);
	/* Two parts went through, each renewing the claim for the next. */
	assert_int_equal(outbox_progress(f->d, &m, 1, W + 20, 30), LEDGER_OK);
	assert_int_equal(m.lease_until, W + 50);
	assert_int_equal(outbox_progress(f->d, &m, 2, W + 45, 30), LEDGER_OK);
	assert_int_equal(m.parts_sent, 2);
	/* Still held at W + 60 (it would have run out at W + 30). */
	outbox_msg other;
	assert_int_equal(outbox_claim(f->d, NOW + 60, W + 60, 30, &other), LEDGER_NOT_FOUND);
	/* The third part fails: the retry starts at the third part. */
	assert_int_equal(outbox_failed(f->d, &m, "第3/5段：HTTP 502", NOW + 70, W + 70), LEDGER_OK);
	outbox_msg_clear(&m);
	assert_int_equal(outbox_claim(f->d, NOW + 70 + outbox_backoff(1), W + 200, 30, &m), LEDGER_OK);
	assert_int_equal(m.parts_sent, 2);
	assert_int_equal(m.attempts, 2);
	/* Released by a stopping server: the parts are kept too. */
	assert_int_equal(outbox_progress(f->d, &m, 3, W + 210, 30), LEDGER_OK);
	assert_int_equal(outbox_release(f->d, &m, W + 211), LEDGER_OK);
	outbox_msg_clear(&m);
	assert_int_equal(outbox_claim(f->d, NOW + 300, W + 300, 30, &m), LEDGER_OK);
	assert_int_equal(m.parts_sent, 3);
	assert_int_equal(m.attempts, 2);
	outbox_msg_clear(&m);
}

static void test_purge_and_list(void **state)
{
	fixture *f = *state;
	const int64_t DAY = 86400;
	bool created;
	char key[32];
	/* Sent 100, 50 and 10 days ago; one failed long ago; one pending. */
	int64_t ages[] = {100, 50, 10};
	for (int i = 0; i < 3; i++) {
		snprintf(key, sizeof key, "old/%d", i);
		int64_t t = NOW - ages[i] * DAY;
		assert_int_equal(outbox_enqueue(f->d, f->dept_ch, "daily", key, "t", "b", t, &created), LEDGER_OK);
		outbox_msg m;
		assert_int_equal(outbox_claim(f->d, t, t, 30, &m), LEDGER_OK);
		assert_int_equal(outbox_sent(f->d, &m, t), LEDGER_OK);
		outbox_msg_clear(&m);
	}
	assert_int_equal(outbox_enqueue(f->d, f->dept_ch, "daily", "old/failed", "t", "b", NOW - 200 * DAY,
					&created), LEDGER_OK);
	assert_int_equal(db_exec(f->d, "UPDATE outbox SET status = 'failed' WHERE idem_key = 'old/failed'", ""),
			 DB_DONE);
	assert_int_equal(outbox_enqueue(f->d, f->office_ch, "daily", "new/pending", "t", "b", NOW, &created),
			 LEDGER_OK);
	int64_t deleted = -1, pending, sent, failed;
	assert_int_equal(outbox_purge(f->d, NOW - 90 * DAY, &deleted), LEDGER_OK);
	assert_int_equal(deleted, 1);
	assert_false(outbox_exists(f->d, "old/0"));
	assert_true(outbox_exists(f->d, "old/1"));
	assert_true(outbox_exists(f->d, "old/failed"));
	assert_int_equal(outbox_counts(f->d, &pending, &sent, &failed), LEDGER_OK);
	assert_int_equal(pending, 1);
	assert_int_equal(sent, 2);
	assert_int_equal(failed, 1);
	assert_int_equal(outbox_counts(f->d, &pending, NULL, &failed), LEDGER_OK);
	assert_int_equal(outbox_purge(f->d, NOW - 90 * DAY, &deleted), LEDGER_OK);
	assert_int_equal(deleted, 0);
	/* The list by status, newest first; an unknown status is refused. */
	outbox_msg *v;
	size_t n;
	assert_int_equal(outbox_list(f->d, "sent", 10, &v, &n), LEDGER_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].idem_key, "old/2");
	assert_string_equal(v[1].idem_key, "old/1");
	outbox_list_free(v, n);
	assert_int_equal(outbox_list(f->d, "pending", 10, &v, &n), LEDGER_OK);
	assert_int_equal(n, 1);
	outbox_list_free(v, n);
	assert_int_equal(outbox_list(f->d, NULL, 2, &v, &n), LEDGER_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].idem_key, "new/pending");
	outbox_list_free(v, n);
	assert_int_equal(outbox_list(f->d, "' OR 1=1 --", 10, &v, &n), LEDGER_INVALID);
	assert_int_equal(n, 0);
}

/* ---- a channel's secret and its recipients ---- */

static void test_new_target_needs_secret(void **state)
{
	fixture *f = *state;
	channel e = make_channel("email", "smtps://mail.elsewhere.example:465", "");
	e.id = f->dept_ch;
	e.department_id = f->dept;
	e.username = (char *)"notice";
	e.sender = (char *)"notice@example.gov.cn";
	e.recipients = (char *)"a@example.gov.cn";
	e.topics = TOPIC_DAILY;
	char *msg = NULL;
	int64_t id = 0;
	/* A new server without the password again: refused, nothing saved,
	 * the stored password never joins the new address. */
	assert_int_equal(channel_save(f->d, &e, NOW, &id, &msg), LEDGER_INVALID);
	assert_non_null(strstr(msg, "密钥"));
	free(msg);
	msg = NULL;
	channel c;
	assert_int_equal(channel_load(f->d, f->dept_ch, &c), LEDGER_OK);
	assert_string_equal(c.target, "smtps://smtp.example.gov.cn:465");
	assert_string_equal(c.secret, "pw-1");
	channel_clear(&c);
	/* The same address typed again keeps the password. */
	e.target = (char *)"smtps://smtp.example.gov.cn:465";
	assert_int_equal(channel_save(f->d, &e, NOW, &id, &msg), LEDGER_OK);
	assert_int_equal(channel_load(f->d, f->dept_ch, &c), LEDGER_OK);
	assert_string_equal(c.secret, "pw-1");
	channel_clear(&c);
	/* A new server with its own password. */
	e.target = (char *)"smtps://mail.elsewhere.example:465";
	e.secret = (char *)"pw-2";
	assert_int_equal(channel_save(f->d, &e, NOW, &id, &msg), LEDGER_OK);
	assert_int_equal(channel_load(f->d, f->dept_ch, &c), LEDGER_OK);
	assert_string_equal(c.target, "smtps://mail.elsewhere.example:465");
	assert_string_equal(c.secret, "pw-2");
	channel_clear(&c);
	/* A robot with no secret stored may move without one. */
	channel w = make_channel("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k2", "");
	w.id = f->office_ch;
	w.topics = TOPIC_DAILY;
	assert_int_equal(channel_save(f->d, &w, NOW, &id, &msg), LEDGER_OK);
}

static void test_recipients_one_reading(void **state)
{
	char **v;
	int n = channel_recipients_parse(" a@example.gov.cn ,b@example.gov.cn,  c@x.cn", 20, &v);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "a@example.gov.cn");
	assert_string_equal(v[1], "b@example.gov.cn");
	assert_string_equal(v[2], "c@x.cn");
	channel_recipients_free(v, n);
	const char *bad[] = {"", " ", "a@b.cn,,c@d.cn", "a@b.cn, <c@d.cn>", "nobody", "a@b.cn;c@d.cn"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		assert_int_equal(channel_recipients_parse(bad[i], 20, &v), -1);
		assert_null(v);
		assert_false(channel_recipients_ok(bad[i], 20));
	}
	assert_int_equal(channel_recipients_parse("a@b.cn,c@d.cn,e@f.cn", 2, &v), -1);
	/* The To: header holds exactly the addresses read. */
	channel c = make_channel("email", "smtp://127.0.0.1:2525", "");
	c.sender = (char *)"notice@example.gov.cn";
	c.recipients = (char *)" a@example.gov.cn ,b@example.gov.cn,  c@x.cn";
	outbox_msg m = make_msg("t", "b");
	buf b = BUF_INIT;
	payload_email(&c, &m, NOW, &b);
	assert_non_null(strstr(b.data, "\r\nTo: a@example.gov.cn,\r\n b@example.gov.cn,\r\n c@x.cn\r\n"));
	buf_free(&b);
}

static void test_answers_throttled(void **state)
{
	char *err = NULL;
	struct {
		const char *kind;
		long status;
		const char *body;
		int want;
	} cases[] = {
		{"wecom", 200, "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}", PAYLOAD_THROTTLED},
		{"dingtalk", 200, "{\"errcode\":130101,\"errmsg\":\"send too fast\"}", PAYLOAD_THROTTLED},
		{"feishu", 200, "{\"code\":11232,\"msg\":\"frequency limited\"}", PAYLOAD_THROTTLED},
		{"feishu", 429, "{\"code\":99991400,\"msg\":\"request trigger frequency limit\"}", PAYLOAD_THROTTLED},
		{"webhook", 429, "", PAYLOAD_THROTTLED},
		/* The same codes on another platform mean nothing special. */
		{"dingtalk", 200, "{\"errcode\":45009,\"errmsg\":\"x\"}", -1},
		{"wecom", 200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}", -1},
		{"webhook", 503, "", -1},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int rc = payload_answer(cases[i].kind, cases[i].status, cases[i].body,
					strlen(cases[i].body), &err);
		if (rc != cases[i].want)
			fail_msg("case %zu: %d", i, rc);
		assert_non_null(err);
		free(err);
		err = NULL;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dingtalk_sign),
		cmocka_unit_test(test_feishu_sign),
		cmocka_unit_test(test_webhook_hmac),
		cmocka_unit_test(test_wecom_payload),
		cmocka_unit_test(test_wecom_long_text),
		cmocka_unit_test(test_split_no_broken_character),
		cmocka_unit_test(test_dingtalk_payload),
		cmocka_unit_test(test_feishu_payload),
		cmocka_unit_test(test_webhook_payload),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_answers_throttled),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_recipients_one_reading),
		cmocka_unit_test_setup_teardown(test_channel_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel_secret_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_target_needs_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel_list_for, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enqueue_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enqueue_joins_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_lease_reclaim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inactive_channel_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff_and_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abandoned_last_attempt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_text_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pacing_and_throttle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge_and_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_senders_fenced, setup_two, teardown_two),
		cmocka_unit_test_setup_teardown(test_lease_on_real_clock, setup_two, teardown_two),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
