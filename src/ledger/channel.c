/*
 * channel.c — the office's notification channels (see channel.h): reading
 * them for the sender and the scheduler, and checking what an
 * administrator saves.
 *
 * A channel's secret (a robot's signing secret, a webhook's HMAC key, an
 * SMTP password) and the token inside a robot's URL (WeCom's key=,
 * DingTalk's access_token=, Feishu's hook path) are credentials: they are
 * stored, handed to the sender, and otherwise only ever shown masked
 * (channel_target_masked).
 */
#include "ledger/channel.h"
#include "ledger/ledger.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Each kind with its label and its pacing: pace, the seconds between two
 * requests to one channel; pause, how long a channel rests after the
 * platform answered "too frequent". Why these numbers: WeCom's group
 * robot and DingTalk's custom robot take 20 messages a minute (DingTalk
 * then blocks the robot for 10 minutes), Feishu's custom bot 100 a
 * minute and 5 a second (docs/notify.md cites them). The sender's clock
 * counts whole seconds, so two requests paced p seconds apart may be
 * just over p - 1 apart: 4 keeps WeCom and DingTalk at 20 a minute at
 * most, 1 keeps Feishu near 60. A webhook and e-mail have no documented
 * limit. */
static const struct {
	const char *kind, *label;
	int pace, pause;
} kinds[] = {
	{"wecom", "企业微信", 4, 60},  {"dingtalk", "钉钉", 4, 600}, {"feishu", "飞书", 1, 60},
	{"webhook", "Webhook", 0, 60}, {"email", "电子邮件", 0, 60},
};

static const struct {
	const char *name, *label;
	unsigned bit;
} topics[] = {
	{"daily", "日调度", TOPIC_DAILY},
	{"weekly", "周督导", TOPIC_WEEKLY},
	{"urge", "督办", TOPIC_URGE},
	{"duty", "定期任务", TOPIC_DUTY},
};

bool channel_kind_valid(const char *kind)
{
	for (size_t i = 0; kind && i < ARRAY_LEN(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return true;
	return false;
}

const char *channel_kind_label(const char *kind)
{
	for (size_t i = 0; kind && i < ARRAY_LEN(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return kinds[i].label;
	return "未知";
}

const char *channel_kind_at(size_t i)
{
	return i < ARRAY_LEN(kinds) ? kinds[i].kind : NULL;
}

int channel_pace_seconds(const char *kind)
{
	for (size_t i = 0; kind && i < ARRAY_LEN(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return kinds[i].pace;
	return 0;
}

int channel_pause_seconds(const char *kind)
{
	for (size_t i = 0; kind && i < ARRAY_LEN(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return kinds[i].pause;
	return 60;
}

int channel_topics_parse(const char *s)
{
	unsigned bits = 0;
	const char *p = s ? s : "";
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n) {
			size_t i;
			for (i = 0; i < ARRAY_LEN(topics); i++)
				if (strlen(topics[i].name) == n && memcmp(topics[i].name, p, n) == 0)
					break;
			if (i == ARRAY_LEN(topics))
				return -1;
			bits |= topics[i].bit;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return (int)bits;
}

void channel_topics_format(unsigned bits, char *out, size_t n)
{
	buf b = BUF_INIT;
	for (size_t i = 0; i < ARRAY_LEN(topics); i++)
		if (bits & topics[i].bit)
			buf_printf(&b, "%s%s", b.len ? "," : "", topics[i].name);
	snprintf(out, n, "%s", buf_str(&b));
	buf_free(&b);
}

const char *channel_topic_name(size_t i, const char **label, unsigned *bit)
{
	if (i >= ARRAY_LEN(topics))
		return NULL;
	if (label)
		*label = topics[i].label;
	if (bit)
		*bit = topics[i].bit;
	return topics[i].name;
}

void channel_target_masked(const char *target, buf *out)
{
	const char *t = target ? target : "";
	const char *sep = strstr(t, "://");
	if (!sep) {
		buf_puts(out, "…");
		return;
	}
	const char *host = sep + 3;
	size_t hn = strcspn(host, "/?#");
	/* user:password@ before the host is a credential too. */
	const char *at = memchr(host, '@', hn);
	if (at) {
		hn -= (size_t)(at + 1 - host);
		host = at + 1;
	}
	buf_append(out, t, (size_t)(sep + 3 - t));
	buf_append(out, host, hn);
	if (host[hn])
		buf_puts(out, "/…");
}

void channel_clear(channel *c)
{
	free(c->name);
	free(c->kind);
	free(c->department_name);
	free(c->target);
	if (c->secret)
		memset(c->secret, 0, strlen(c->secret));
	free(c->secret);
	free(c->username);
	free(c->sender);
	free(c->recipients);
	memset(c, 0, sizeof *c);
}

void channel_list_free(channel *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		channel_clear(&v[i]);
	free(v);
}

#define CH_COLS                                                                          \
	"c.id, c.name, c.kind, COALESCE(c.department_id, 0), COALESCE(dp.name, ''), c.target," \
	" c.secret, c.username, c.sender, c.recipients, c.topics, c.active, c.created_at"
#define CH_FROM " FROM channels c LEFT JOIN departments dp ON dp.id = c.department_id"

static void ch_read(db_stmt *q, channel *c)
{
	c->id = db_int(q, 0);
	c->name = db_text_dup(q, 1);
	c->kind = db_text_dup(q, 2);
	c->department_id = db_int(q, 3);
	c->department_name = db_text_dup(q, 4);
	c->target = db_text_dup(q, 5);
	c->secret = db_text_dup(q, 6);
	c->username = db_text_dup(q, 7);
	c->sender = db_text_dup(q, 8);
	c->recipients = db_text_dup(q, 9);
	int t = channel_topics_parse(db_text(q, 10));
	c->topics = t < 0 ? 0 : (unsigned)t;
	c->active = db_int(q, 11) != 0;
	c->created_at = db_int(q, 12);
}

/* Read every row of q into a new array. */
static int ch_read_all(db_stmt *q, channel **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		memset(&(*out)[*n], 0, sizeof **out);
		ch_read(q, &(*out)[(*n)++]);
	}
	db_done(q);
	if (r != DB_DONE) {
		channel_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

int channel_list(db *d, channel **out, size_t *n)
{
	db_stmt *q = db_query(d, "SELECT " CH_COLS CH_FROM
				 " ORDER BY c.department_id IS NOT NULL, dp.sort, c.department_id, c.id", "");
	return ch_read_all(q, out, n);
}

int channel_list_for(db *d, unsigned topic, int64_t department_id, channel **out, size_t *n)
{
	/* The topic filter is done here rather than in SQL: topics is a comma
	 * list, and matching it in C with channel_topics_parse keeps one
	 * reading of it. */
	channel *all = NULL;
	size_t k = 0;
	db_stmt *q = db_query(d, "SELECT " CH_COLS CH_FROM " WHERE c.active = 1"
				 " AND (c.department_id IS NULL OR (? > 0 AND c.department_id = ?))"
				 " ORDER BY c.department_id IS NOT NULL, c.id", "ii",
			      department_id, department_id);
	int rc = ch_read_all(q, &all, &k);
	*out = NULL;
	*n = 0;
	if (rc != LEDGER_OK)
		return rc;
	for (size_t i = 0; i < k; i++) {
		if (all[i].topics & topic) {
			all[(*n)++] = all[i];
		} else {
			channel_clear(&all[i]);
		}
	}
	if (*n) {
		*out = all;
	} else {
		free(all);
	}
	return LEDGER_OK;
}

int channel_load(db *d, int64_t id, channel *out)
{
	memset(out, 0, sizeof *out);
	db_stmt *q = db_query(d, "SELECT " CH_COLS CH_FROM " WHERE c.id = ?", "i", id);
	int r = db_step(q);
	if (r == DB_ROW)
		ch_read(q, out);
	db_done(q);
	return r == DB_ROW ? LEDGER_OK : r == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
}

/* ---- checking ---- */

/* Printable ASCII without spaces: what a URL, an address or a secret may
 * hold. Why so strict: these go into HTTP request lines and SMTP commands,
 * where a CR, LF or space would let a value smuggle in a header or a
 * command. */
static bool printable(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* The host of an URL with scheme length sl ("https://" is 8), in out. */
static bool url_host(const char *url, size_t sl, char *out, size_t n)
{
	const char *h = url + sl;
	size_t hn = strcspn(h, "/?#");
	if (memchr(h, '@', hn))
		return false; /* no user:password@ in a robot URL */
	if (hn == 0 || hn >= n)
		return false;
	memcpy(out, h, hn);
	out[hn] = '\0';
	/* Drop the port. [::1]:8080 keeps its brackets. */
	char *colon = strrchr(out, ':');
	if (colon && !strchr(colon, ']')) {
		if (colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1))
			return false;
		*colon = '\0';
	}
	return out[0] != '\0';
}

static bool loopback(const char *host)
{
	return strcasecmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
	       strcmp(host, "[::1]") == 0;
}

/* One e-mail address: local@domain, printable ASCII, no brackets, quotes
 * or commas (those would change the meaning of a header or an SMTP
 * command). */
static bool address_ok(const char *s, size_t n)
{
	if (n < 3 || n > 254)
		return false;
	const char *at = memchr(s, '@', n);
	if (!at || at == s || at == s + n - 1 || memchr(at + 1, '@', (size_t)(s + n - at - 1)))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"", c))
			return false;
	}
	return true;
}

void channel_recipients_free(char **v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int channel_recipients_parse(const char *list, int max, char ***out)
{
	int count = 0;
	const char *p = list ? list : "";
	*out = NULL;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, ",");
		size_t m = n;
		while (m && p[m - 1] == ' ')
			m--;
		if (!address_ok(p, m) || count >= max) {
			channel_recipients_free(*out, count);
			*out = NULL;
			return -1;
		}
		*out = xrealloc(*out, (size_t)(count + 1) * sizeof **out);
		(*out)[count++] = xstrndup(p, m);
		p += n;
		if (*p == ',')
			p++;
	}
	return count > 0 ? count : -1;
}

bool channel_recipients_ok(const char *list, int max)
{
	char **v;
	int n = channel_recipients_parse(list, max, &v);
	channel_recipients_free(v, n);
	return n > 0;
}

/* What is wrong with the target URL for this kind, or NULL. */
static const char *target_problem(const char *kind, const char *t)
{
	if (!printable(t, 1000))
		return "地址必填，不超过1000个字符，不能含空格或中文";
	char host[256];
	if (strcmp(kind, "email") == 0) {
		size_t sl = strncmp(t, "smtps://", 8) == 0 ? 8 : strncmp(t, "smtp://", 7) == 0 ? 7 : 0;
		if (!sl || !url_host(t, sl, host, sizeof host) || strchr(t + sl, '/'))
			return "邮件服务器地址应为 smtp://主机:端口 或 smtps://主机:端口";
		return NULL;
	}
	bool https = strncmp(t, "https://", 8) == 0, http = strncmp(t, "http://", 7) == 0;
	if ((!https && !http) || !url_host(t, https ? 8 : 7, host, sizeof host))
		return "地址应以 https:// 开头";
	/* Why robots need https: their URL carries the robot's token and the
	 * platforms serve https only; plain http is allowed to this machine
	 * (a local relay, tests). A generic webhook may use plain http, as
	 * receivers on an office intranet often do; its body is signed when
	 * it has a secret. */
	if (http && strcmp(kind, "webhook") != 0 && !loopback(host))
		return "机器人地址须以 https:// 开头";
	if (strcmp(kind, "wecom") == 0 && !strstr(t, "key="))
		return "企业微信机器人地址应包含 key=（在群机器人的“Webhook地址”中复制）";
	if (strcmp(kind, "dingtalk") == 0 && !strstr(t, "access_token="))
		return "钉钉机器人地址应包含 access_token=（在机器人的“Webhook”中复制）";
	return NULL;
}

static const char *channel_problem(db *d, const channel *c, bool change)
{
	if (str_empty(c->name) || !utf8_valid(c->name, strlen(c->name)) ||
	    utf8_count(c->name, strlen(c->name)) > 50 || utf8_blank(c->name))
		return "名称必填，不超过50字";
	if (!channel_kind_valid(c->kind))
		return "类型应为企业微信、钉钉、飞书、Webhook或电子邮件";
	if (c->department_id < 0 ||
	    (c->department_id &&
	     !db_scalar(d, 0, "SELECT count(*) FROM departments WHERE id = ?", "i", c->department_id)))
		return "所选单位不存在";
	/* On a change an empty target keeps the stored one. */
	if (!(change && str_empty(c->target))) {
		const char *p = target_problem(c->kind, c->target ? c->target : "");
		if (p)
			return p;
	}
	/* An SMTP password may hold spaces; a key that goes into a URL or
	 * a signature may not. Never a control character (CR, LF). */
	if (!str_empty(c->secret)) {
		bool email = strcmp(c->kind, "email") == 0;
		size_t n = strlen(c->secret);
		bool ok = n <= 200;
		for (size_t i = 0; ok && i < n; i++) {
			unsigned char ch = (unsigned char)c->secret[i];
			ok = ch < 0x7f && (ch > 0x20 || (email && ch == 0x20));
		}
		if (!ok)
			return email ? "密码不超过200个字符，不能含中文或控制字符"
				     : "密钥不超过200个字符，不能含空格或中文";
	}
	if (c->topics == 0 || (c->topics & ~(unsigned)(TOPIC_DAILY | TOPIC_WEEKLY | TOPIC_URGE | TOPIC_DUTY)))
		return "请至少选择一个接收内容";
	if (strcmp(c->kind, "email") == 0) {
		if (!str_empty(c->username) && !printable(c->username, 200))
			return "登录名不超过200个字符，不能含空格或中文";
		if (str_empty(c->sender) || !address_ok(c->sender, strlen(c->sender)))
			return "发件地址应为一个邮箱地址，如 notice@example.gov.cn";
		if (!channel_recipients_ok(c->recipients, CHANNEL_RECIPIENTS_MAX))
			return "收件地址应为1-20个邮箱地址，用逗号分隔";
	} else if (!str_empty(c->username) || !str_empty(c->sender) || !str_empty(c->recipients)) {
		return "登录名、发件和收件地址只用于电子邮件";
	}
	return NULL;
}

struct save_ctx {
	const channel *c;
	char topics[64];
	int64_t now, id;
	bool replace_secret; /* even with an empty one */
};

static int save_tx(db *d, void *vctx)
{
	struct save_ctx *x = vctx;
	const channel *c = x->c;
	const char *user = c->username ? c->username : "", *from = c->sender ? c->sender : "";
	const char *to = c->recipients ? c->recipients : "";
	if (c->id) {
		int r = db_exec(d, "UPDATE channels SET name = ?, kind = ?, department_id = ?,"
				   " secret = CASE WHEN ? <> '' OR ? = 1 THEN ?"
				   "  WHEN ? <> '' AND ? <> target THEN '' ELSE secret END,"
				   " target = CASE WHEN ? = '' THEN target ELSE ? END,"
				   " username = ?, sender = ?, recipients = ?, topics = ? WHERE id = ?",
				"ttztittttttttti", c->name, c->kind, c->department_id,
				c->secret ? c->secret : "", (int64_t)x->replace_secret,
				c->secret ? c->secret : "", c->target ? c->target : "",
				c->target ? c->target : "", c->target ? c->target : "",
				c->target ? c->target : "", user, from, to, x->topics, c->id);
		if (r != DB_DONE)
			return r;
		x->id = c->id;
		return db_changes(d) ? LEDGER_OK : LEDGER_NOT_FOUND;
	}
	db_stmt *q = db_query(d, "INSERT INTO channels(name, kind, department_id, target, secret,"
				 " username, sender, recipients, topics, active, created_at)"
				 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "ttzttttttii", c->name, c->kind, c->department_id, c->target,
			      c->secret ? c->secret : "", user, from, to, x->topics,
			      (int64_t)c->active, x->now);
	int r = db_step(q);
	if (r == DB_ROW)
		x->id = db_int(q, 0);
	db_done(q);
	return r == DB_ROW ? LEDGER_OK : r;
}

int channel_save(db *d, const channel *c, int64_t now, int64_t *id_out, char **msg)
{
	bool change = c->id != 0, kind_changed = false;
	if (change) {
		/* 4: the kind is the same; 2: the target too (or none given);
		 * 1: a secret is stored. */
		int64_t same = db_scalar(d, -1, "SELECT CASE WHEN kind = ? THEN 4 ELSE 0 END"
						" + CASE WHEN ? = '' OR target = ? THEN 2 ELSE 0 END"
						" + CASE WHEN secret <> '' THEN 1 ELSE 0 END"
						" FROM channels WHERE id = ?", "ttti",
					 c->kind ? c->kind : "", c->target ? c->target : "",
					 c->target ? c->target : "", c->id);
		if (same < 0)
			return LEDGER_NOT_FOUND;
		/* Why a changed kind needs a new target and drops the stored
		 * secret: a URL made for one platform would be sent another's
		 * format, and an SMTP password would become a webhook key. */
		if (!(same & 4) && str_empty(c->target)) {
			*msg = xstrdup("更改类型时须重新填写地址");
			return LEDGER_INVALID;
		}
		kind_changed = !(same & 4);
		/* Why a new target needs the secret again: the stored one was
		 * given for the old address, and an SMTP password or a signing
		 * key must never go to a server the administrator has just typed
		 * (a typo, or someone else's). */
		if (!kind_changed && !(same & 2) && (same & 1) && str_empty(c->secret)) {
			*msg = xstrdup("更改地址时须重新填写密钥（原密钥不会发往新地址）");
			return LEDGER_INVALID;
		}
	}
	const char *problem = channel_problem(d, c, change);
	if (problem) {
		*msg = xstrdup(problem);
		return LEDGER_INVALID;
	}
	struct save_ctx x = {.c = c, .now = now, .replace_secret = kind_changed};
	channel_topics_format(c->topics, x.topics, sizeof x.topics);
	int r = db_transact(d, save_tx, &x);
	if (r == LEDGER_NOT_FOUND)
		return r;
	if (r != LEDGER_OK)
		return LEDGER_ERROR;
	if (id_out)
		*id_out = x.id;
	return LEDGER_OK;
}

struct active_ctx {
	int64_t id;
	bool active;
};

static int active_tx(db *d, void *vctx)
{
	struct active_ctx *x = vctx;
	int r = db_exec(d, "UPDATE channels SET active = ? WHERE id = ?", "ii", (int64_t)x->active,
			x->id);
	if (r != DB_DONE)
		return r;
	return db_changes(d) ? LEDGER_OK : LEDGER_NOT_FOUND;
}

int channel_set_active(db *d, int64_t id, bool active)
{
	struct active_ctx x = {id, active};
	int r = db_transact(d, active_tx, &x);
	return r == LEDGER_OK || r == LEDGER_NOT_FOUND ? r : LEDGER_ERROR;
}
