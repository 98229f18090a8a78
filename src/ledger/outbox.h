/*
 * outbox.h — messages waiting to be sent, and what became of them.
 *
 * A message is written to the outbox in the transaction that decides it
 * (a digest, a 督办 notice), one row per channel, and sent afterwards by a
 * sender (notify/deliver.h): claim, send, mark. Nothing acknowledged is
 * lost: a sender that dies holding a claim leaves a row whose lease runs
 * out and is claimed again; the idempotency key travels with every
 * attempt, so delivery is at least once and a receiver may drop repeats.
 * A failed attempt is tried again with backoff; after OUTBOX_MAX_ATTEMPTS
 * the row is marked failed and shown to the administrator, who may retry
 * it.
 */
#ifndef TZ_LEDGER_OUTBOX_H
#define TZ_LEDGER_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

#define OUTBOX_MAX_ATTEMPTS 8

typedef struct outbox_msg {
	int64_t id, channel_id;
	char *channel_name, *channel_kind;
	char *topic, *idem_key, *title, *body;
	char *status; /* pending sent failed */
	int attempts;
	int64_t next_at, lease_until, created_at, sent_at;
	char *last_error;
} outbox_msg;

/* The first retry waits `seconds` (default 60, the setting
 * notify-retry-seconds), each further one twice as long, up to six hours.
 * Set once at start-up, before any sender runs. */
void outbox_set_retry_base(int seconds);
/* The wait before the next try after `attempts` attempts (1, 2, ...). */
int64_t outbox_backoff(int attempts);

void outbox_msg_clear(outbox_msg *m);
void outbox_list_free(outbox_msg *v, size_t n);

/* Queue a message for a channel. idem_key names it for good (e.g.
 * "daily/2026-12-02/3"): a second enqueue with the same key changes
 * nothing and answers LEDGER_OK with *created false. Joins the caller's
 * transaction when there is one. */
int outbox_enqueue(db *d, int64_t channel_id, const char *topic, const char *idem_key,
		   const char *title, const char *body, int64_t now, bool *created);
/* (LEDGER_INVALID when the topic is not daily|weekly|urge|duty|test, the
 * key is empty, longer than 200 or not printable ASCII, or the title or
 * body is not UTF-8; LEDGER_NOT_FOUND for an unknown channel.) */
/* Has a message with this key been queued (whatever became of it)? */
bool outbox_exists(db *d, const char *idem_key);

/* Claim the oldest due message (pending, next_at <= now, lease run out,
 * its channel active) for lease seconds, counting the attempt. A message
 * whose last allowed attempt was claimed and never reported is marked
 * failed instead. LEDGER_OK and *out, LEDGER_NOT_FOUND when none. */
int outbox_claim(db *d, int64_t now, int lease, outbox_msg *out);
/* The claimed message was delivered. */
int outbox_sent(db *d, int64_t id, int64_t now);
/* The attempt failed with error: try again after a backoff that grows
 * with the attempts, or mark it failed after OUTBOX_MAX_ATTEMPTS. */
int outbox_failed(db *d, int64_t id, const char *error, int64_t now);
/* The claimed message was not tried after all (the sender is stopping):
 * its lease and the attempt counted for it are given back, so it goes
 * again at once after a restart. */
int outbox_release(db *d, int64_t id);
/* An administrator asks for a failed (or pending) message to be tried
 * again now, with its attempts counted afresh. LEDGER_BAD_STATE for a
 * message already sent, LEDGER_NOT_FOUND for an unknown id. */
int outbox_retry(db *d, int64_t id, int64_t now);

/* The newest messages (all statuses, or one status when not NULL), for
 * the administrator's page. Counts per status for /metrics. */
int outbox_list(db *d, const char *status, int limit, outbox_msg **out, size_t *n);
int outbox_counts(db *d, int64_t *pending, int64_t *sent, int64_t *failed);

#endif
