/*
 * supervise.h — supervision (督办): deadlines that bite. The scheduler's
 * part (supervise_tick) writes, once per deadline, a reminder before a
 * matter falls due and a notice when it is overdue, and raises the 督办
 * tier of an overdue matter after working-day thresholds:
 *
 *   日常督办 (1)  the department is chased in the ordinary way
 *   挂牌督办 (2)  listed: marked on the public board until it is closed
 *   约谈督办 (3)  the department's head is called in for a talk
 *
 * counted on the ledger's working-day calendar (holidays and 调休), so a
 * holiday week never escalates. Each change is an event on the matter in
 * the transaction that changes it (by "督办系统", no user). The tiers a
 * tick raised go to the channels that take 督办 (ledger/outbox.h) as one
 * message per channel and tick: the counts by tier and the most urgent
 * matters of the channel's scope (the department's, or the office's).
 * The tier is never lowered while the matter is open; an extension (a
 * new deadline) brings a new reminder and a new overdue notice, and tiers
 * count from the new date. 重办 (the matter reopened after its
 * resolution) starts afresh: no tier, and a new reminder and overdue
 * notice for the new deadline (action_apply.c). A leader may urge by hand
 * too (ACT_URGE, lifecycle.h): one message about that matter. Thresholds,
 * defaults and why: docs/supervision.md.
 */
#ifndef TZ_LEDGER_SUPERVISE_H
#define TZ_LEDGER_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "store/db.h"

enum urge_level {
	URGE_NONE = 0,
	URGE_DAILY = 1,     /* 日常督办 */
	URGE_LISTED = 2,    /* 挂牌督办: public mark */
	URGE_INTERVIEW = 3, /* 约谈督办 */
	URGE_LEVELS
};

/* The statuses still being handled (status_is_open), as SQL text for
 * "status IN " SUPERVISE_OPEN_SQL: written out so that SQLite reads them
 * along the (status, deadline) index. */
#define SUPERVISE_OPEN_SQL \
	"('submitted', 'accepted', 'returned', 'assigned', 'in_progress', 'reopened')"

/* 日常督办 挂牌督办 约谈督办, "" for none or an unknown level. */
const char *urge_label(int level);

/* The scheduler's settings (taizhang.conf keys in brackets). */
typedef struct supervise_config {
	/* [remind-days] remind when the deadline is this many working days
	 * away or less (0: on the day itself). Default 1. */
	int remind_days;
	/* [urge-daily-after, urge-listed-after, urge-interview-after] the
	 * tier a matter reaches once it is this many working days past its
	 * deadline; 0: the scheduler never raises to that tier (a leader
	 * still may). Defaults 1, 3, 10. Index 0 is unused. */
	int urge_after[URGE_LEVELS];
	/* The site's address for links in messages ("https://..."); NULL: no
	 * links. */
	const char *base_url;
} supervise_config;

/* The defaults above. */
void supervise_config_default(supervise_config *c);

/* NULL when c is sound (remind-days 0..30, each threshold 0..250 and the
 * ones in use not decreasing with the tier), else what is wrong (a
 * literal, in English, for the command line). */
const char *supervise_config_check(const supervise_config *c);

typedef struct supervise_result {
	int reminded; /* reminders written */
	int overdue;  /* overdue notices written */
	int urged;    /* matters whose tier the scheduler raised */
	int queued;   /* 督办 messages queued (at most one per channel) */
} supervise_result;

/* One run of the scheduler as of `now` (never the clock: the caller's, so
 * tests can move it). Idempotent: a second run at the same `now` changes
 * nothing. Works in batches, each its own transaction, so a first run on a
 * large ledger never holds the writer long; then tells each channel that
 * takes 督办 of the open matters raised to a tier since it was last told
 * (matters.urge_notified behind urge_level, whoever raised them), in one
 * message with the key "urge/<today>/<channel id>/e<newest urge event>",
 * and marks them told in that transaction. LEDGER_OK (with *out) or
 * LEDGER_ERROR; what was done before an error stays done. */
int supervise_tick(db *d, int64_t now, const supervise_config *c, supervise_result *out);

/* Queue the 督办 message about matter_id at `level` to the channels that
 * receive TOPIC_URGE for its department (and the office's), inside the
 * caller's transaction: one per channel, idempotency key
 * "<key_stem>/<channel id>". A leader's urge (ACT_URGE), which also sets
 * urge_notified so the scheduler does not tell of it again. why: the
 * reason (a sentence); base_url as in supervise_config. *queued (may be
 * NULL) counts the new rows. LEDGER_OK or an error. */
int supervise_notify_urge(db *d, int64_t matter_id, int level, const char *why,
			  const char *key_stem, const char *base_url, int64_t now, int *queued);

/* Append s for Markdown-like text (messages, digests, duty reminders):
 * line breaks become spaces and the marks that make links, emphasis,
 * headings, quotes or tables their full-width forms, so text that a
 * person typed (a resident's title, a duty's description) cannot put a
 * link or a heading into an office's group chat. */
void supervise_plain(buf *out, const char *s);

/* A matter as messages and digests name it: its title when it is public;
 * a private matter's title may hold what its resident told the office
 * alone, so "不公开事项（CATEGORY）" instead. Through supervise_plain. */
void supervise_caption(buf *out, const char *title, bool is_public, const char *category);

/* A matter as a list item of a message or digest, with a line break:
 * "- TZ-2026-000123 黄河路井盖松动（城市管理局，超期3个工作日，挂牌督办）".
 * department NULL or "": 未派单; overdue_days < 0: not said; level 0: no
 * tier said. */
void supervise_item(buf *out, const char *number, const char *title, bool is_public,
		    const char *category, const char *department, int overdue_days, int level);

#endif
