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
 *
 * Two clocks. `now` is the scheduler's time (the clock, or `taizhang tick
 * --now`): when a message is due, when it is retried, when it was sent.
 * `wall` is always the real time, read just before the call: when a
 * message was really sent, and leases and the channels' pacing, which
 * guard against senders that really run at once (the server's sender, `taizhang tick`, a second server), live on
 * it, so a fake clock can neither expire a lease early nor hold one for
 * ever.
 *
 * A claim carries a random token. Whatever the claimant writes afterwards
 * (progress, sent, failed, deferred, release) takes effect only while the
 * row still holds that token: a sender whose lease ran out and whose
 * message another sender has claimed since gets LEDGER_CONFLICT and
 * changes nothing.
 *
 * One message per channel is in flight at a time, across all senders:
 * the claim holds the channel (channels.send_after) for the lease, and
 * the mark opens it again after the platform's pace (channel_pace_seconds)
 * or, after a "too frequent" answer, its pause.
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
	int parts_sent; /* parts of a split message the platform accepted */
	int64_t next_at, lease_until, created_at, sent_at;
	int64_t claim; /* the token of the claim that returned it (0: none) */
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

/* Claim the oldest message due at now (pending, next_at <= now, no live
 * lease at wall) of a channel that is active and open at wall (not held
 * by another sender nor paced), for lease seconds of the real clock:
 * counts the attempt, draws a new claim token (out->claim) and holds the
 * channel. A message whose last allowed attempt was claimed and never
 * reported is marked failed instead. Looks first without writing, so an
 * empty outbox costs no write transaction. LEDGER_OK and *out,
 * LEDGER_NOT_FOUND when none. */
int outbox_claim(db *d, int64_t now, int64_t wall, int lease, outbox_msg *out);
/* parts_sent parts of the claimed message m went through and more follow:
 * record it (m->parts_sent too) and renew the lease, and the hold on the
 * channel, to wall + lease, so a long split message keeps its claim part
 * by part. LEDGER_OK, or LEDGER_CONFLICT when the claim was lost. */
int outbox_progress(db *d, outbox_msg *m, int parts_sent, int64_t wall, int lease);
/* The claimed message m was delivered (sent_at = wall: when it really
 * was, whatever the scheduler's clock). */
int outbox_sent(db *d, const outbox_msg *m, int64_t wall);
/* The attempt failed with error: try again at now + a backoff that grows
 * with the attempts, or mark it failed after OUTBOX_MAX_ATTEMPTS. Keeps
 * m->parts_sent, so the retry resumes at the part that failed. */
int outbox_failed(db *d, const outbox_msg *m, const char *error, int64_t now, int64_t wall);
/* The platform answered "too frequent": not the message's fault, so the
 * attempt is given back (it does not count toward OUTBOX_MAX_ATTEMPTS),
 * why is kept as its last error, and the channel rests for its pause
 * (channel_pause_seconds) before it is tried again. */
int outbox_deferred(db *d, const outbox_msg *m, const char *why, int64_t wall);
/* The claimed message was not tried after all (the sender is stopping):
 * its lease and the attempt counted for it are given back, so it goes
 * again at once after a restart (from m->parts_sent). */
int outbox_release(db *d, const outbox_msg *m, int64_t wall);
/* (outbox_sent, _failed, _deferred, _release: LEDGER_OK; LEDGER_CONFLICT
 * when the claim was lost, nothing changed; LEDGER_ERROR.) */

/* An administrator asks for a failed (or pending) message to be tried
 * again now, with its attempts counted afresh. LEDGER_BAD_STATE for a
 * message already sent, LEDGER_NOT_FOUND for an unknown id. */
int outbox_retry(db *d, int64_t id, int64_t now);

/* The earliest real time at which a channel now held or paced opens
 * while a message of it is due at now; 0 when no due message waits for
 * that. (A sender may wait for it instead of stopping.) */
int64_t outbox_next_open(db *d, int64_t now, int64_t wall);

/* Delete the messages sent before `before` (failed and pending ones are
 * kept), in batches, each its own transaction. *deleted: how many.
 * LEDGER_OK or LEDGER_ERROR. */
int outbox_purge(db *d, int64_t before, int64_t *deleted);

/* The newest messages (all statuses when status is NULL, or one of
 * pending|sent|failed), for the administrator's page: LEDGER_OK, or
 * LEDGER_INVALID for another status. Counts per status for the page and
 * /metrics, each by its index (a NULL pointer is not counted). */
int outbox_list(db *d, const char *status, int limit, outbox_msg **out, size_t *n);
int outbox_counts(db *d, int64_t *pending, int64_t *sent, int64_t *failed);

#endif
