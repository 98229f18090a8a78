/*
 * deliver.c — the sender (see deliver.h): claim, build, send, mark.
 *
 * Nothing is sent inside a database transaction: the claim commits a
 * lease first, the request goes out, and the result is written in a
 * second transaction. A crash between the two leaves a leased row that is
 * claimed again when the lease runs out: delivery is at least once, with
 * the same idempotency key (Idempotency-Key, Message-ID) every time.
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

void deliver_configure(const config *cfg)
{
	long t = config_int(cfg, "notify-timeout-seconds", 20);
	send_timeout = t >= 1 && t <= 600 ? (int)t : 20;
	long base = config_int(cfg, "notify-retry-seconds", 60);
	outbox_set_retry_base(base >= 1 && base <= 86400 ? (int)base : 60);
	if (send_init() != 0)
		log_error("notify: libcurl could not be set up");
}

void deliver_cleanup(void)
{
	send_cleanup();
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

/* One message over its robot or webhook: every part in order. */
static int send_over_http(const channel *c, const outbox_msg *m, char **err)
{
	payload_http *rq = NULL;
	size_t n = 0;
	if (payload_http_build(c, m, wall_ms(), &rq, &n, err) != 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
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
	}
	payload_http_free(rq, n);
	return rc;
}

static int send_message(const channel *c, const outbox_msg *m, char **err)
{
	if (strcmp(c->kind, "email") != 0)
		return send_over_http(c, m, err);
	buf msg = BUF_INIT;
	payload_email(c, m, (int64_t)time(NULL), &msg);
	int rc = send_smtp(c, msg.data, msg.len, send_timeout, err);
	buf_free(&msg);
	return rc;
}

/* Send the claimed message m and write what came of it. Returns 1 when
 * delivered, 0 when not, SEND_CANCELLED when the sender is stopping, -1
 * when the database failed. */
static int deliver_one(db *d, outbox_msg *m, int64_t now)
{
	channel c;
	char *err = NULL;
	int rc, sent = 0;
	if (channel_load(d, m->channel_id, &c) != LEDGER_OK) {
		rc = outbox_failed(d, m->id, "渠道不存在或无法读取", now);
		return rc == LEDGER_ERROR ? -1 : 0;
	}
	rc = send_message(&c, m, &err);
	if (rc == 0) {
		sent = 1;
		log_info("notify: message %lld (%s) sent to channel %lld (%s)", (long long)m->id,
			 m->topic, (long long)c.id, c.kind);
		rc = outbox_sent(d, m->id, now);
	} else if (rc == SEND_CANCELLED) {
		sent = SEND_CANCELLED;
		rc = outbox_release(d, m->id);
	} else {
		log_warn("notify: message %lld to channel %lld (%s), attempt %d: %s",
			 (long long)m->id, (long long)c.id, c.kind, m->attempts, err);
		rc = outbox_failed(d, m->id, err, now);
	}
	free(err);
	channel_clear(&c);
	return rc == LEDGER_ERROR ? -1 : sent;
}

int deliver_due(db *d, int64_t now, int max)
{
	int delivered = 0;
	for (int i = 0; i < max; i++) {
		outbox_msg m;
		int rc = outbox_claim(d, now, send_timeout + 10, &m);
		if (rc == LEDGER_NOT_FOUND)
			break;
		if (rc != LEDGER_OK)
			return -1;
		int r = deliver_one(d, &m, now);
		outbox_msg_clear(&m);
		if (r == SEND_CANCELLED)
			break;
		if (r < 0)
			return -1;
		delivered += r;
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
		int n = deliver_due(d, (int64_t)time(NULL), ROUND_MAX);
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
