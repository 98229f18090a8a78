/*
 * outbox.c — the messages waiting to be sent (see outbox.h): queueing them,
 * claiming one with a lease, and recording what the attempt came to.
 *
 * An attempt is counted when the message is claimed, not when it fails:
 * a message that makes the sender die (or hang past its lease) then
 * still reaches OUTBOX_MAX_ATTEMPTS and stops, instead of being claimed
 * for ever. Every write runs in db_transact, so it joins the caller's
 * transaction or goes through the server's group-commit writer.
 */
#include "ledger/outbox.h"
#include "ledger/ledger.h"
#include "base/utf8.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* The first retry waits this long; each further one twice as long, up to
 * RETRY_CAP. */
static int retry_base = 60;
#define RETRY_CAP (6 * 3600)
#define ERROR_MAX 500 /* bytes of last_error kept */

void outbox_set_retry_base(int seconds)
{
	retry_base = seconds > 0 ? seconds : 60;
}

int64_t outbox_backoff(int attempts)
{
	int64_t delay = retry_base;
	for (int i = 1; i < attempts && delay < RETRY_CAP; i++)
		delay *= 2;
	return delay < RETRY_CAP ? delay : RETRY_CAP;
}

void outbox_msg_clear(outbox_msg *m)
{
	free(m->channel_name);
	free(m->channel_kind);
	free(m->topic);
	free(m->idem_key);
	free(m->title);
	free(m->body);
	free(m->status);
	free(m->last_error);
	memset(m, 0, sizeof *m);
}

void outbox_list_free(outbox_msg *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outbox_msg_clear(&v[i]);
	free(v);
}

#define OB_COLS                                                                          \
	"o.id, o.channel_id, c.name, c.kind, o.topic, o.idem_key, o.title, o.body, o.status," \
	" o.attempts, o.next_at, o.lease_until, o.created_at, COALESCE(o.sent_at, 0), o.last_error"
#define OB_FROM " FROM outbox o JOIN channels c ON c.id = o.channel_id"

static void ob_read(db_stmt *q, outbox_msg *m)
{
	m->id = db_int(q, 0);
	m->channel_id = db_int(q, 1);
	m->channel_name = db_text_dup(q, 2);
	m->channel_kind = db_text_dup(q, 3);
	m->topic = db_text_dup(q, 4);
	m->idem_key = db_text_dup(q, 5);
	m->title = db_text_dup(q, 6);
	m->body = db_text_dup(q, 7);
	m->status = db_text_dup(q, 8);
	m->attempts = (int)db_int(q, 9);
	m->next_at = db_int(q, 10);
	m->lease_until = db_int(q, 11);
	m->created_at = db_int(q, 12);
	m->sent_at = db_int(q, 13);
	m->last_error = db_text_dup(q, 14);
}

/* ---- queueing ---- */

static bool topic_ok(const char *t)
{
	static const char *const names[] = {"daily", "weekly", "urge", "duty", "test"};
	for (size_t i = 0; t && i < ARRAY_LEN(names); i++)
		if (strcmp(names[i], t) == 0)
			return true;
	return false;
}

/* An idempotency key travels as an HTTP header value and inside a
 * Message-ID, so it is kept to printable ASCII without spaces, quotes or
 * angle brackets. */
static bool key_ok(const char *k)
{
	size_t n = k ? strlen(k) : 0;
	if (n == 0 || n > 200)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];
		if (c <= 0x20 || c >= 0x7f || strchr("<>\"\\", c))
			return false;
	}
	return true;
}

static bool text_ok(const char *s, size_t max_bytes, bool may_be_empty)
{
	size_t n = s ? strlen(s) : 0;
	return (n || may_be_empty) && s && n <= max_bytes && utf8_valid(s, n);
}

struct enqueue_ctx {
	int64_t channel_id, now;
	const char *topic, *key, *title, *body;
	bool created;
};

static int enqueue_tx(db *d, void *vctx)
{
	struct enqueue_ctx *x = vctx;
	if (!db_scalar(d, 0, "SELECT count(*) FROM channels WHERE id = ?", "i", x->channel_id))
		return LEDGER_NOT_FOUND;
	int r = db_exec(d, "INSERT INTO outbox(channel_id, topic, idem_key, title, body, next_at,"
			   " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
			   " ON CONFLICT(idem_key) DO NOTHING",
			"itttti" "i", x->channel_id, x->topic, x->key, x->title, x->body, x->now,
			x->now);
	if (r != DB_DONE)
		return r;
	x->created = db_changes(d) > 0;
	return LEDGER_OK;
}

int outbox_enqueue(db *d, int64_t channel_id, const char *topic, const char *idem_key,
		   const char *title, const char *body, int64_t now, bool *created)
{
	if (created)
		*created = false;
	if (!topic_ok(topic) || !key_ok(idem_key) || !text_ok(title, 600, false) ||
	    !text_ok(body, 256 * 1024, true)) {
		log_error("outbox: refused a message for channel %lld (topic, key, title or body)",
			  (long long)channel_id);
		return LEDGER_INVALID;
	}
	struct enqueue_ctx x = {channel_id, now, topic, idem_key, title, body, false};
	int r = db_transact(d, enqueue_tx, &x);
	if (r == LEDGER_NOT_FOUND)
		return r;
	if (r != LEDGER_OK)
		return LEDGER_ERROR;
	if (created)
		*created = x.created;
	return LEDGER_OK;
}

bool outbox_exists(db *d, const char *idem_key)
{
	return db_scalar(d, 0, "SELECT count(*) FROM outbox WHERE idem_key = ?", "t",
			 idem_key ? idem_key : "") > 0;
}

/* ---- sending ---- */

struct claim_ctx {
	int64_t now;
	int lease;
	outbox_msg *out;
	bool found;
};

static int claim_tx(db *d, void *vctx)
{
	struct claim_ctx *x = vctx;
	/* A transaction function may run more than once (busy retry), so the
	 * result starts afresh each time. */
	outbox_msg_clear(x->out);
	x->found = false;
	for (;;) {
		/* Messages of a switched-off channel are held, not dropped. */
		int64_t id = db_scalar(d, 0, "SELECT o.id" OB_FROM " WHERE o.status = 'pending'"
					     " AND o.next_at <= ? AND o.lease_until <= ? AND c.active = 1"
					     " ORDER BY o.next_at, o.id LIMIT 1", "ii", x->now, x->now);
		if (!id)
			return LEDGER_OK;
		int64_t attempts = db_scalar(d, 0, "SELECT attempts FROM outbox WHERE id = ?", "i", id);
		if (attempts >= OUTBOX_MAX_ATTEMPTS) {
			/* Its last attempt was claimed and never reported: the
			 * sender died or hung on it. */
			int r = db_exec(d, "UPDATE outbox SET status = 'failed', lease_until = 0,"
					   " last_error = ? WHERE id = ?", "ti",
					"发送中断（发送进程退出或超时），已达最多尝试次数", id);
			if (r != DB_DONE)
				return r;
			continue;
		}
		int r = db_exec(d, "UPDATE outbox SET lease_until = ?, attempts = attempts + 1"
				   " WHERE id = ?", "ii", x->now + x->lease, id);
		if (r != DB_DONE)
			return r;
		db_stmt *q = db_query(d, "SELECT " OB_COLS OB_FROM " WHERE o.id = ?", "i", id);
		r = db_step(q);
		if (r == DB_ROW)
			ob_read(q, x->out);
		db_done(q);
		if (r != DB_ROW)
			return r == DB_DONE ? DB_ERROR : r;
		x->found = true;
		return LEDGER_OK;
	}
}

int outbox_claim(db *d, int64_t now, int lease, outbox_msg *out)
{
	memset(out, 0, sizeof *out);
	struct claim_ctx x = {now, lease > 0 ? lease : 60, out, false};
	int r = db_transact(d, claim_tx, &x);
	if (r != LEDGER_OK) {
		outbox_msg_clear(out);
		return LEDGER_ERROR;
	}
	return x.found ? LEDGER_OK : LEDGER_NOT_FOUND;
}

struct mark_ctx {
	int64_t id, now;
	const char *error;
};

static int sent_tx(db *d, void *vctx)
{
	struct mark_ctx *x = vctx;
	int r = db_exec(d, "UPDATE outbox SET status = 'sent', sent_at = ?, lease_until = 0,"
			   " last_error = '' WHERE id = ? AND status = 'pending'", "ii", x->now, x->id);
	if (r != DB_DONE)
		return r;
	return db_changes(d) ? LEDGER_OK : LEDGER_NOT_FOUND;
}

int outbox_sent(db *d, int64_t id, int64_t now)
{
	struct mark_ctx x = {id, now, NULL};
	int r = db_transact(d, sent_tx, &x);
	return r == LEDGER_OK || r == LEDGER_NOT_FOUND ? r : LEDGER_ERROR;
}

static int failed_tx(db *d, void *vctx)
{
	struct mark_ctx *x = vctx;
	int64_t attempts = db_scalar(d, -1, "SELECT attempts FROM outbox WHERE id = ?"
					    " AND status = 'pending'", "i", x->id);
	if (attempts < 0)
		return LEDGER_NOT_FOUND;
	if (attempts >= OUTBOX_MAX_ATTEMPTS)
		return db_exec(d, "UPDATE outbox SET status = 'failed', lease_until = 0,"
				  " last_error = ? WHERE id = ?", "ti", x->error, x->id);
	return db_exec(d, "UPDATE outbox SET next_at = ?, lease_until = 0, last_error = ?"
			  " WHERE id = ?", "iti", x->now + outbox_backoff((int)attempts), x->error,
		       x->id);
}

int outbox_failed(db *d, int64_t id, const char *error, int64_t now)
{
	/* Kept short, whole characters, and never empty: the administrator's
	 * page shows it. */
	const char *e = str_empty(error) ? "发送失败" : error;
	size_t n = strlen(e);
	char *cut = utf8_valid(e, n) ? xstrndup(e, utf8_cut_bytes(e, n, ERROR_MAX))
				     : xstrdup("发送失败（错误信息含无效字符）");
	struct mark_ctx x = {id, now, cut};
	int r = db_transact(d, failed_tx, &x);
	free(cut);
	return r == LEDGER_OK || r == LEDGER_NOT_FOUND ? r : LEDGER_ERROR;
}

static int release_tx(db *d, void *vctx)
{
	struct mark_ctx *x = vctx;
	return db_exec(d, "UPDATE outbox SET lease_until = 0, attempts = CASE WHEN attempts > 0"
			  " THEN attempts - 1 ELSE 0 END"
			  " WHERE id = ? AND status = 'pending'", "i", x->id);
}

int outbox_release(db *d, int64_t id)
{
	struct mark_ctx x = {id, 0, NULL};
	return db_transact(d, release_tx, &x) == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

static int retry_tx(db *d, void *vctx)
{
	struct mark_ctx *x = vctx;
	const char *status = NULL;
	db_stmt *q = db_query(d, "SELECT status FROM outbox WHERE id = ?", "i", x->id);
	int r = db_step(q);
	bool sent = r == DB_ROW && strcmp(db_text(q, 0), "sent") == 0;
	status = r == DB_ROW ? "" : NULL;
	db_done(q);
	if (r < 0)
		return r;
	if (!status)
		return LEDGER_NOT_FOUND;
	if (sent)
		return LEDGER_BAD_STATE;
	/* A lease held by a sender at work is left alone: the message goes
	 * again once that attempt is reported or its lease runs out. */
	return db_exec(d, "UPDATE outbox SET status = 'pending', attempts = 0, next_at = ?"
			  " WHERE id = ?", "ii", x->now, x->id);
}

int outbox_retry(db *d, int64_t id, int64_t now)
{
	struct mark_ctx x = {id, now, NULL};
	int r = db_transact(d, retry_tx, &x);
	return r == LEDGER_OK || r == LEDGER_NOT_FOUND || r == LEDGER_BAD_STATE ? r : LEDGER_ERROR;
}

/* ---- the administrator's view ---- */

int outbox_list(db *d, const char *status, int limit, outbox_msg **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *q = db_query(d, "SELECT " OB_COLS OB_FROM " WHERE ? = '' OR o.status = ?"
				 " ORDER BY o.id DESC LIMIT ?", "tti", status ? status : "",
			      status ? status : "", (int64_t)(limit > 0 ? limit : 50));
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		memset(&(*out)[*n], 0, sizeof **out);
		ob_read(q, &(*out)[(*n)++]);
	}
	db_done(q);
	if (r != DB_DONE) {
		outbox_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

int outbox_counts(db *d, int64_t *pending, int64_t *sent, int64_t *failed)
{
	*pending = *sent = *failed = 0;
	db_stmt *q = db_query(d, "SELECT status, count(*) FROM outbox GROUP BY status", "");
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		const char *s = db_text(q, 0);
		int64_t c = db_int(q, 1);
		if (strcmp(s, "pending") == 0)
			*pending = c;
		else if (strcmp(s, "sent") == 0)
			*sent = c;
		else if (strcmp(s, "failed") == 0)
			*failed = c;
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}
