/*
 * digest.h — the office's two routine digests, in Chinese, as
 * Markdown-like text that a group robot (企业微信, 钉钉, 飞书) shows as
 * Markdown and an e-mail reads as plain text: headings (#), lists (-), no
 * tables.
 *
 *   日调度 (daily dispatch): as of now, what came in since the last working
 *     day's dispatch, what is due today, what is overdue by department
 *     with the worst items, the 督办 tiers, and the recurring duties due.
 *   周督导 (weekly review): the previous week (Monday to Sunday): the three
 *     rates and the on-time rate against the week before, the week's
 *     changes, the worst overdue, and a line per department.
 *
 * Each for the whole office (its channels) or one department (its own
 * channels, and what its handlers see on /staff/dispatch). Never a
 * resident's name, phone or contact: matters are named by number and
 * title, a private matter's title not even that (supervise_caption).
 *
 * digest_tick queues them (ledger/outbox.h) at their times: the daily one
 * on working days at daily-at (08:30), the weekly one on the first working
 * day of each week at weekly-at (09:00), once per channel and period.
 */
#ifndef TZ_REPORT_DIGEST_H
#define TZ_REPORT_DIGEST_H

#include <stdint.h>

#include "base/buf.h"
#include "store/db.h"

typedef enum digest_kind { DIGEST_DAILY, DIGEST_WEEKLY } digest_kind;

typedef struct digest_opts {
	digest_kind kind;
	int64_t now;           /* as of this instant */
	int64_t department_id; /* 0: the whole office */
	const char *office;    /* the office's name for the heading; NULL: none */
	/* The daily dispatch's time of day, minutes after midnight (Beijing):
	 * its "new" are the matters handed in since this time on the working
	 * day before today. */
	int daily_minutes;
	int worst; /* items in each list; 0: 5 */
} digest_opts;

/* Render the digest of o: a one-line title (for a robot's card or the
 * e-mail subject) and the body, appended to title and body. LEDGER_OK,
 * LEDGER_NOT_FOUND for an unknown department, LEDGER_ERROR. */
int digest_render(db *d, const digest_opts *o, buf *title, buf *body);

/* daily-at when nothing sets it: 08:30, in minutes after midnight. */
#define DIGEST_DAILY_DEFAULT (8 * 60 + 30)
/* weekly-at when nothing sets it: 09:00. */
#define DIGEST_WEEKLY_DEFAULT (9 * 60)

/* "08:30" -> 510; -1 when not a time HH:MM. */
int digest_parse_time(const char *hhmm);

/* When the digests go out. */
typedef struct digest_schedule {
	int daily_minutes;  /* daily-at, default 08:30 */
	int weekly_minutes; /* weekly-at, default 09:00 */
	const char *office; /* office-name */
	int worst;          /* 0: 5 */
} digest_schedule;

/* Queue what is due at `now` and not yet queued: the daily dispatch on a
 * working day from daily-at on, the weekly review on the week's first
 * working day from weekly-at on, to every active channel that receives
 * TOPIC_DAILY / TOPIC_WEEKLY (an office-wide channel the office's digest,
 * a department's its own), keys "daily/DATE/CHANNEL" and
 * "weekly/MONDAY/CHANNEL". A digest is rendered only when some channel
 * still lacks it, once per department. *queued: messages queued.
 * LEDGER_OK or LEDGER_ERROR. */
int digest_tick(db *d, int64_t now, const digest_schedule *s, int *queued);

#endif
