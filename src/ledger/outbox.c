/*
 * outbox.c — the messages waiting to be sent (see outbox.h): queueing them,
 * claiming one with a lease and a token, recording what the attempt came
 * to, and purging what was sent long ago.
 *
 * An attempt is counted when the message is claimed, not when it fails:
 * a message that makes the sender die (or hang past its lease) then
 * still reaches OUTBOX_MAX_ATTEMPTS and stops, instead of being claimed
 * for ever. Every write runs in db_transact, so it joins the caller's
 * transaction or goes through the server's group-commit writer.
 */
#include "ledger/outbox.h"
#include "ledger/channel.h"
#include "ledger/ledger.h"
#include "base/token.h"
#include "base/utf8.h"
#include "base/util.h"

#include <sodium.h>
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
	" o.attempts, o.next_at, o.lease_until, o.created_at, COALESCE(o.sent_at, 0), o.last_error," \
	" o.parts_sent, o.claim"
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
	m->parts_sent = (int)db_int(q, 15);
	m->claim = db_int(q, 16);
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

/* The oldest claimable message: each active channel that is open at wall
 * looks at its own oldest due message through the partial index
 * outbox_pending (WHERE status = 'pending'), so the messages held for a
 * switched-off, held or paced channel are never walked; the channels
 * themselves are a handful. Binds: now, wall, wall. */
#define PICK_SQL                                                                           \
	"SELECT o.id FROM channels c JOIN outbox o ON o.id = (SELECT p.id FROM outbox p"    \
	" WHERE p.channel_id = c.id AND p.status = 'pending' AND p.next_at <= ?"            \
	" AND p.lease_until <= ? ORDER BY p.next_at, p.id LIMIT 1)"                         \
	" WHERE c.active = 1 AND c.send_after <= ? ORDER BY o.next_at, o.id LIMIT 1"

struct claim_ctx {
	int64_t now, wall;
	int lease;
	outbox_msg *out;
	bool found;
};

/* A claim token: random, positive and never 0 (0 is "no claim"). */
static int64_t new_token(void)
{
	uint64_t r = 0;
	token_init();
	while (r == 0) {
		randombytes_buf(&r, sizeof r);
		r >>= 2;
	}
	return (int64_t)r;
}

static int claim_tx(db *d, void *vctx)
{
	struct claim_ctx *x = vctx;
	/* A transaction function may run more than once (busy retry), so the
	 * result starts afresh each time. */
	outbox_msg_clear(x->out);
	x->found = false;
	for (;;) {
		int64_t id = db_scalar(d, 0, PICK_SQL, "iii", x->now, x->wall, x->wall);
		if (!id)
			return LEDGER_OK;
		int64_t attempts = db_scalar(d, 0, "SELECT attempts FROM outbox WHERE id = ?", "i", id);
		if (attempts >= OUTBOX_MAX_ATTEMPTS) {
			/* Its last attempt was claimed and never reported: the
			 * sender died or hung on it. */
			int r = db_exec(d, "UPDATE outbox SET status = 'failed', lease_until = 0, claim = 0,"
					   " last_error = ? WHERE id = ?", "ti",
					"发送中断（发送进程退出或超时），已达最多尝试次数", id);
			if (r != DB_DONE)
				return r;
			continue;
		}
		int64_t until = x->wall + x->lease;
		int r = db_exec(d, "UPDATE outbox SET lease_until = ?, claim = ?, attempts = attempts + 1"
				   " WHERE id = ?", "iii", until, new_token(), id);
		if (r == DB_DONE)
			r = db_exec(d, "UPDATE channels SET send_after = ? WHERE id ="
				       " (SELECT channel_id FROM outbox WHERE id = ?)", "ii", until, id);
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

int outbox_claim(db *d, int64_t now, int64_t wall, int lease, outbox_msg *out)
{
	memset(out, 0, sizeof *out);
	/* Why a look first: the server's sender asks every second, and a
	 * write transaction each time would queue on the group-commit writer
	 * for nothing. The transaction looks again. */
	if (!db_in_transaction(d) && !db_scalar(d, 0, PICK_SQL, "iii", now, wall, wall))
		return LEDGER_NOT_FOUND;
	struct claim_ctx x = {now, wall, lease > 0 ? lease : 60, out, false};
	int r = db_transact(d, claim_tx, &x);
	if (r != LEDGER_OK) {
		outbox_msg_clear(out);
		return LEDGER_ERROR;
	}
	return x.found ? LEDGER_OK : LEDGER_NOT_FOUND;
}

/* What a claimant writes: the message m, the times, and for a channel
 * the real time from which it is open again. */
struct mark_ctx {
	const outbox_msg *m;
	int64_t now, wall, open_at, id;
	int parts;
	const char *error;
};

/* Open m's channel again at x->open_at, after the mark on m took effect
 * (db_changes of that statement in changes). */
static int reopen_channel(db *d, struct mark_ctx *x, int64_t changes)
{
	if (!changes)
		return LEDGER_CONFLICT;
	int r = db_exec(d, "UPDATE channels SET send_after = ? WHERE id = ?", "ii", x->open_at,
			x->m->channel_id);
	return r == DB_DONE ? LEDGER_OK : r;
}

/* The result of a mark: LEDGER_OK, LEDGER_CONFLICT (logged: a lost claim
 * is a race between senders, not a failure of the message) or
 * LEDGER_ERROR. */
static int mark(db *d, db_tx_fn fn, struct mark_ctx *x, const char *what)
{
	int r = db_transact(d, fn, x);
	if (r == LEDGER_CONFLICT)
		log_warn("outbox: message %lld: the claim was lost before it could be marked %s"
			 " (its lease ran out and another sender took it, or it was sent)",
			 (long long)x->m->id, what);
	return r == LEDGER_OK || r == LEDGER_CONFLICT ? r : LEDGER_ERROR;
}

static int progress_tx(db *d, void *vctx)
{
	struct mark_ctx *x = vctx;
	int r = db_exec(d, "UPDATE outbox SET parts_sent = ?, lease_until = ? WHERE id = ?"
			   " AND claim = ? AND status = 'pending'", "iiii", (int64_t)x->parts,
			x->open_at, x->m->id, x->m->claim);
	return r == DB_DONE ? reopen_channel(d, x, db_changes(d)) : r;
}

int outbox_progress(db *d, outbox_msg *m, int parts_sent, int64_t wall, int lease)
{
	int64_t until = wall + (lease > 0 ? lease : 60);
	struct mark_ctx x = {.m = m, .wall = wall, .open_at = until, .parts = parts_sent};
	int r = mark(d, progress_tx, &x, "in progress");
	if (r == LEDGER_OK) {
		m->parts_sent = parts_sent;
		m->lease_until = until;
	}
	return r;
}

static int sent_tx(db *d, void *vctx)
{
	struct mark_ctx *x = vctx;
	int r = db_exec(d, "UPDATE outbox SET status = 'sent', sent_at = ?, lease_until = 0,"
			   " claim = 0, parts_sent = ?, last_error = '' WHERE id = ? AND claim = ?"
			   " AND status = 'pending'", "iiii", x->wall, (int64_t)x->m->parts_sent,
			x->m->id, x->m->claim);
	return r == DB_DONE ? reopen_channel(d, x, db_changes(d)) : r;
}

int outbox_sent(db *d, const outbox_msg *m, int64_t wall)
{
	struct mark_ctx x = {.m = m, .wall = wall,
			     .open_at = wall + channel_pace_seconds(m->channel_kind)};
	return mark(d, sent_tx, &x, "sent");
}

static int failed_tx(db *d, void *vctx)
{
	struct mark_ctx *x = vctx;
	int64_t attempts = db_scalar(d, -1, "SELECT attempts FROM outbox WHERE id = ? AND claim = ?"
					    " AND status = 'pending'", "ii", x->m->id, x->m->claim);
	if (attempts < 0)
		return LEDGER_CONFLICT;
	int r;
	if (attempts >= OUTBOX_MAX_ATTEMPTS)
		r = db_exec(d, "UPDATE outbox SET status = 'failed', lease_until = 0, claim = 0,"
			       " parts_sent = ?, last_error = ? WHERE id = ?", "iti",
			    (int64_t)x->m->parts_sent, x->error, x->m->id);
	else
		r = db_exec(d, "UPDATE outbox SET next_at = ?, lease_until = 0, claim = 0,"
			       " parts_sent = ?, last_error = ? WHERE id = ?", "iiti",
			    x->now + outbox_backoff((int)attempts), (int64_t)x->m->parts_sent, x->error,
			    x->m->id);
	return r == DB_DONE ? reopen_channel(d, x, db_changes(d)) : r;
}

/* error kept short, whole characters, and never empty: the
 * administrator's page shows it. Caller frees. */
static char *error_text(const char *error, const char *dflt)
{
	const char *e = str_empty(error) ? dflt : error;
	size_t n = strlen(e);
	return utf8_valid(e, n) ? xstrndup(e, utf8_cut_bytes(e, n, ERROR_MAX))
				: xstrdup("发送失败（错误信息含无效字符）");
}

int outbox_failed(db *d, const outbox_msg *m, const char *error, int64_t now, int64_t wall)
{
	char *cut = error_text(error, "发送失败");
	struct mark_ctx x = {.m = m, .now = now, .wall = wall, .error = cut,
			     .open_at = wall + channel_pace_seconds(m->channel_kind)};
	int r = mark(d, failed_tx, &x, "failed");
	free(cut);
	return r;
}

static int deferred_tx(db *d, void *vctx)
{
	struct mark_ctx *x = vctx;
	int r = db_exec(d, "UPDATE outbox SET lease_until = 0, claim = 0, parts_sent = ?,"
			   " last_error = ?, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END"
			   " WHERE id = ? AND claim = ? AND status = 'pending'", "itii",
			(int64_t)x->m->parts_sent, x->error, x->m->id, x->m->claim);
	return r == DB_DONE ? reopen_channel(d, x, db_changes(d)) : r;
}

int outbox_deferred(db *d, const outbox_msg *m, const char *why, int64_t wall)
{
	char *cut = error_text(why, "发送过于频繁，稍后再发");
	struct mark_ctx x = {.m = m, .wall = wall, .error = cut,
			     .open_at = wall + channel_pause_seconds(m->channel_kind)};
	int r = mark(d, deferred_tx, &x, "deferred");
	free(cut);
	return r;
}

static int release_tx(db *d, void *vctx)
{
	struct mark_ctx *x = vctx;
	int r = db_exec(d, "UPDATE outbox SET lease_until = 0, claim = 0, parts_sent = ?,"
			   " attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END"
			   " WHERE id = ? AND claim = ? AND status = 'pending'", "iii",
			(int64_t)x->m->parts_sent, x->m->id, x->m->claim);
	return r == DB_DONE ? reopen_channel(d, x, db_changes(d)) : r;
}

int outbox_release(db *d, const outbox_msg *m, int64_t wall)
{
	struct mark_ctx x = {.m = m, .wall = wall,
			     .open_at = wall + channel_pace_seconds(m->channel_kind)};
	return mark(d, release_tx, &x, "given back");
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
	 * again once that attempt is reported or its lease runs out. The
	 * parts already delivered are not sent again. */
	return db_exec(d, "UPDATE outbox SET status = 'pending', attempts = 0, next_at = ?"
			  " WHERE id = ?", "ii", x->now, x->id);
}

int outbox_retry(db *d, int64_t id, int64_t now)
{
	struct mark_ctx x = {.id = id, .now = now};
	int r = db_transact(d, retry_tx, &x);
	return r == LEDGER_OK || r == LEDGER_NOT_FOUND || r == LEDGER_BAD_STATE ? r : LEDGER_ERROR;
}

int64_t outbox_next_open(db *d, int64_t now, int64_t wall)
{
	return db_scalar(d, 0, "SELECT COALESCE(min(c.send_after), 0) FROM channels c"
			       " WHERE c.active = 1 AND c.send_after > ? AND EXISTS (SELECT 1"
			       " FROM outbox p WHERE p.channel_id = c.id AND p.status = 'pending'"
			       " AND p.next_at <= ?)", "ii", wall, now);
}

/* ---- purging ---- */

#define PURGE_BATCH 500

struct purge_ctx {
	int64_t before, deleted;
};

static int purge_tx(db *d, void *vctx)
{
	struct purge_ctx *x = vctx;
	int r = db_exec(d, "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
			   " WHERE status = 'sent' AND sent_at < ? LIMIT ?)", "ii", x->before,
			(int64_t)PURGE_BATCH);
	if (r != DB_DONE)
		return r;
	x->deleted = db_changes(d);
	return LEDGER_OK;
}

int outbox_purge(db *d, int64_t before, int64_t *deleted)
{
	*deleted = 0;
	/* Why in batches: on the server every write goes through the
	 * group-commit writer, and the first purge of a large ledger would
	 * otherwise hold it for one long transaction. */
	for (;;) {
		struct purge_ctx x = {before, 0};
		if (db_transact(d, purge_tx, &x) != LEDGER_OK)
			return LEDGER_ERROR;
		*deleted += x.deleted;
		if (x.deleted < PURGE_BATCH)
			return LEDGER_OK;
	}
}

/* ---- the administrator's view ---- */

static bool status_ok(const char *s)
{
	return strcmp(s, "pending") == 0 || strcmp(s, "sent") == 0 || strcmp(s, "failed") == 0;
}

int outbox_list(db *d, const char *status, int limit, outbox_msg **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (status && !status_ok(status))
		return LEDGER_INVALID;
	int64_t lim = limit > 0 ? limit : 50;
	/* Two statements rather than "? = '' OR status = ?", which no index
	 * can serve: by status through outbox_status, else by id. */
	db_stmt *q = status ? db_query(d, "SELECT " OB_COLS OB_FROM " WHERE o.status = ?"
					  " ORDER BY o.id DESC LIMIT ?", "ti", status, lim)
			    : db_query(d, "SELECT " OB_COLS OB_FROM " ORDER BY o.id DESC LIMIT ?", "i",
				       lim);
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
	int64_t *slot[] = {pending, sent, failed};
	static const char *const names[] = {"pending", "sent", "failed"};
	for (size_t i = 0; i < ARRAY_LEN(slot); i++) {
		if (!slot[i])
			continue;
		/* A range of outbox_status: the sent ones are bounded by the
		 * purge (outbox-keep-days). */
		*slot[i] = db_scalar(d, -1, "SELECT count(*) FROM outbox WHERE status = ?", "t",
				     names[i]);
		if (*slot[i] < 0) {
			*slot[i] = 0;
			return LEDGER_ERROR;
		}
	}
	return LEDGER_OK;
}
