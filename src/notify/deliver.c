/*
 * deliver.c — the sender (see deliver.h): claim, build, send, mark.
 *
 * Nothing is sent inside a database transaction: the claim commits a
 * lease first, the request goes out, and the result is written in a
 * second transaction. A crash between the two leaves a leased row that is
 * claimed again when the lease runs out: delivery is at least once, with
 * the same idempotency key (Idempotency-Key, Message-ID) every time.
 *
 * Two clocks (ledger/outbox.h). The caller's `now` says what is due; it
 * moves on with the real clock while a round runs, so a retry after a
 * slow round is still a backoff ahead of the failure, not of the round's
 * start. Leases and pacing are read from the real clock at the moment of
 * each claim and mark. A claim covers one request; a WeCom message split
 * into parts renews it (outbox_progress) before each further part, after
 * the channel's pace, and records the parts that went through, so a retry
 * resumes at the part that failed and a sender that dies mid-message
 * frees it within one request's lease.
 *
 * What is logged names the message and channel by id and kind, never a
 * URL (a robot's URL carries its token), a secret or a message's text.
 */
#include "notify/deliver.h"
#include "notify/payload.h"
#include "notify/send.h"
#include "ledger/channel.h"
#include "ledger/ledger.h"
#include "ledger/outbox.h"
#include "base/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int send_timeout = 20;
static int keep_days = 90;

/* An integer setting in [min, max], else dflt with a warning. */
static int setting(const config *cfg, const char *key, int dflt, int min, int max)
{
	long v = config_int(cfg, key, dflt);
	if (v < min || v > max) {
		log_warn("notify: %s must be from %d to %d; using %d", key, min, max, dflt);
		return dflt;
	}
	return (int)v;
}

void deliver_configure(const config *cfg)
{
	send_timeout = setting(cfg, "notify-timeout-seconds", 20, 1, 600);
	outbox_set_retry_base(setting(cfg, "notify-retry-seconds", 60, 1, 86400));
	keep_days = setting(cfg, "outbox-keep-days", 90, 0, 36500);
	if (send_init() != 0)
		log_error("notify: libcurl could not be set up");
}

void deliver_cleanup(void)
{
	send_cleanup();
}

int deliver_purge(db *d, int64_t now)
{
	int64_t n = 0;
	if (keep_days <= 0)
		return LEDGER_OK;
	int rc = outbox_purge(d, now - (int64_t)keep_days * 86400, &n);
	if (rc != LEDGER_OK)
		log_error("notify: the outbox could not be purged");
	else if (n > 0)
		log_info("notify: %lld messages sent more than %d days ago purged from the outbox",
			 (long long)n, keep_days);
	return rc;
}

/* Milliseconds on the wall clock: the platforms check a signature's
 * timestamp against their own clock, so it is the real time even when
 * the caller's `now` is a test's. */
static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The real clock in seconds: leases and pacing. */
static int64_t wall_now(void)
{
	return (int64_t)time(NULL);
}

/* A round of deliver_due: the caller's time and the real time at its
 * start. */
typedef struct send_round {
	int64_t now0, wall0;
} send_round;

/* The caller's clock at real time wall: its start plus what has passed. */
static int64_t round_now(const send_round *r, int64_t wall)
{
	return r->now0 + (wall - r->wall0);
}

/* What send_message returns besides 0, -1, SEND_CANCELLED and
 * PAYLOAD_THROTTLED: the claim was lost (or could not be renewed) between
 * two parts; nothing more is written for this attempt. */
#define CLAIM_LOST (-3)

/* The lease of one request: its timeout, the pace before it, a margin. */
static int lease_for(const char *kind)
{
	return send_timeout + channel_pace_seconds(kind) + 10;
}

/* One message over its robot or webhook: the parts not yet delivered, in
 * order, paced, the claim renewed before each further part. */
static int send_over_http(db *d, const channel *c, outbox_msg *m, char **err)
{
	payload_http *rq = NULL;
	size_t n = 0;
	if (payload_http_build(c, m, wall_ms(), &rq, &n, err) != 0)
		return -1;
	int rc = 0;
	for (size_t i = (size_t)m->parts_sent; i < n && rc == 0; i++) {
		long status = 0;
		buf answer = BUF_INIT;
		char *e = NULL;
		rc = send_http(&rq[i], send_timeout, &status, &answer, &e);
		if (rc == 0)
			rc = payload_answer(c->kind, status, answer.data, answer.len, &e);
		buf_free(&answer);
		if (rc != 0 && n > 1) {
			*err = str_printf("第%zu/%zu段：%s", i + 1, n, e);
			free(e);
		} else if (rc != 0) {
			*err = e;
		}
		if (rc != 0)
			break;
		if (i + 1 == n) {
			m->parts_sent = (int)n;
			break;
		}
		/* More parts follow: record this one and keep the claim, then
		 * wait the channel's pace. */
		int p = outbox_progress(d, m, (int)i + 1, wall_now(), lease_for(c->kind));
		if (p != LEDGER_OK) {
			*err = xstrdup(p == LEDGER_CONFLICT ? "认领已失效" : "数据库不可用");
			rc = p == LEDGER_CONFLICT ? CLAIM_LOST : -1;
		} else {
			rc = send_pause(channel_pace_seconds(c->kind));
			if (rc != 0)
				*err = xstrdup("发送中断：服务停止");
		}
	}
	payload_http_free(rq, n);
	return rc;
}

static int send_message(db *d, const channel *c, outbox_msg *m, char **err)
{
	if (strcmp(c->kind, "email") != 0)
		return send_over_http(d, c, m, err);
	buf msg = BUF_INIT;
	payload_email(c, m, wall_now(), &msg);
	int rc = send_smtp(c, msg.data, msg.len, send_timeout, err);
	buf_free(&msg);
	return rc;
}

/* Send the claimed message m and write what came of it, as of the real
 * time when it came. Returns 1 when delivered, 0 when not, SEND_CANCELLED
 * when the sender is stopping, -1 when the database failed. */
static int deliver_one(db *d, outbox_msg *m, const send_round *r)
{
	channel c;
	char *err = NULL;
	int rc, res = 0;
	int64_t wall;
	if (channel_load(d, m->channel_id, &c) != LEDGER_OK) {
		wall = wall_now();
		rc = outbox_failed(d, m, "渠道不存在或无法读取", round_now(r, wall), wall);
		return rc == LEDGER_ERROR ? -1 : 0;
	}
	int sent = send_message(d, &c, m, &err);
	wall = wall_now();
	if (sent == 0) {
		res = 1;
		log_info("notify: message %lld (%s) sent to channel %lld (%s)", (long long)m->id,
			 m->topic, (long long)c.id, c.kind);
		rc = outbox_sent(d, m, wall);
	} else if (sent == SEND_CANCELLED) {
		res = SEND_CANCELLED;
		rc = outbox_release(d, m, wall);
	} else if (sent == PAYLOAD_THROTTLED) {
		log_warn("notify: message %lld to channel %lld (%s): the platform says too frequent"
			 " (%s); the channel rests %d s, the attempt is not counted",
			 (long long)m->id, (long long)c.id, c.kind, err, channel_pause_seconds(c.kind));
		char *why = str_printf("平台限流（发送过于频繁），%d秒后自动再发：%s",
				       channel_pause_seconds(c.kind), err);
		rc = outbox_deferred(d, m, why, wall);
		free(why);
	} else if (sent == CLAIM_LOST) {
		log_warn("notify: message %lld to channel %lld (%s): stopped after part %d, the claim"
			 " was lost", (long long)m->id, (long long)c.id, c.kind, m->parts_sent);
		rc = LEDGER_OK;
	} else {
		log_warn("notify: message %lld to channel %lld (%s), attempt %d: %s",
			 (long long)m->id, (long long)c.id, c.kind, m->attempts, err);
		rc = outbox_failed(d, m, err, round_now(r, wall), wall);
	}
	free(err);
	channel_clear(&c);
	return rc == LEDGER_ERROR ? -1 : res;
}

int deliver_due(db *d, int64_t now, int max, int patience)
{
	send_round r = {now, wall_now()};
	int delivered = 0, tried = 0;
	while (tried < max) {
		outbox_msg m;
		int64_t wall = wall_now();
		/* The claim's first request has no pace before it. */
		int rc = outbox_claim(d, round_now(&r, wall), wall, send_timeout + 10, &m);
		if (rc == LEDGER_NOT_FOUND) {
			/* What is due may only wait for its channel's pace. */
			int64_t open = patience > 0 ? outbox_next_open(d, round_now(&r, wall), wall) : 0;
			if (open <= wall || open > r.wall0 + patience ||
			    send_pause((int)(open - wall)) != 0)
				break;
			continue;
		}
		if (rc != LEDGER_OK)
			return -1;
		tried++;
		int res = deliver_one(d, &m, &r);
		outbox_msg_clear(&m);
		if (res == SEND_CANCELLED)
			break;
		if (res < 0)
			return -1;
		delivered += res;
	}
	return delivered;
}

/* ---- the server's sender thread ---- */

struct deliver_sender {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	char *db_url;
	db_group *writer;
};

/* How many messages one round tries before looking at the stop flag. */
#define ROUND_MAX 20

static void *sender_main(void *vs)
{
	deliver_sender *s = vs;
	char *err = NULL;
	db *d = db_open(s->db_url, &err);
	if (!d) {
		log_error("notify: the sender cannot open the ledger: %s", err ? err : "?");
		free(err);
		return NULL;
	}
	/* Why through the writer: the server's requests write through it;
	 * a second writing connection would queue for the lock behind it. */
	db_use_group(d, s->writer);
	pthread_mutex_lock(&s->lock);
	while (!s->stopping) {
		pthread_mutex_unlock(&s->lock);
		/* Patience 0: a paced channel is looked at again next second. */
		int n = deliver_due(d, (int64_t)time(NULL), ROUND_MAX, 0);
		if (n < 0)
			log_error("notify: the outbox could not be read or written; trying again");
		pthread_mutex_lock(&s->lock);
		if (n == ROUND_MAX || s->stopping)
			continue; /* more may be due */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&s->wake, &s->lock, &until);
	}
	pthread_mutex_unlock(&s->lock);
	db_close(d);
	return NULL;
}

deliver_sender *deliver_start(const char *db_url, db_group *writer)
{
	deliver_sender *s = xcalloc(1, sizeof *s);
	s->db_url = xstrdup(db_url);
	s->writer = writer;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	send_cancel(false);
	if (pthread_create(&s->thread, NULL, sender_main, s) != 0) {
		log_error("notify: cannot start the sender thread");
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->wake);
		free(s->db_url);
		free(s);
		return NULL;
	}
	return s;
}

void deliver_stop(deliver_sender *s)
{
	if (!s)
		return;
	send_cancel(true);
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s->db_url);
	free(s);
}
