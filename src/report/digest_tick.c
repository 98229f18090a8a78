/*
 * digest_tick.c — when the digests go out (digest.h): the daily dispatch
 * on working days from daily-at, the weekly review on the first working
 * day of each week from weekly-at, once per channel and period.
 *
 * "Once" is the outbox's idempotency key ("daily/2026-12-02/3"): a tick
 * looks the key up before rendering, so the minutely tick of a running
 * server renders nothing once the day's digests are queued, and two
 * schedulers at once (cron beside serve) queue each message once. A tick
 * that runs late (the server was down at 08:30) still sends the day's
 * dispatch when it runs; a day missed entirely is not sent afterwards.
 */
#include "report/digest.h"
#include "ledger/calendar.h"
#include "ledger/channel.h"
#include "ledger/ledger.h"
#include "ledger/outbox.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* A digest rendered for one scope, kept for the other channels of it. */
typedef struct rendered {
	int64_t department_id;
	int rc;
	buf title, body;
} rendered;

typedef struct tick_ctx {
	db *d;
	int64_t now;
	const digest_schedule *s;
	rendered *cache;
	size_t ncache;
	int queued;
} tick_ctx;

/* The digest of `kind` for department_id, rendered once per tick. */
static rendered *render_for(tick_ctx *x, digest_kind kind, int64_t department_id)
{
	for (size_t i = 0; i < x->ncache; i++)
		if (x->cache[i].department_id == department_id)
			return &x->cache[i];
	x->cache = xrealloc(x->cache, (x->ncache + 1) * sizeof *x->cache);
	rendered *r = &x->cache[x->ncache++];
	memset(r, 0, sizeof *r);
	r->department_id = department_id;
	digest_opts o = {kind, x->now, department_id, x->s->office, x->s->daily_minutes,
			 x->s->worst};
	r->rc = digest_render(x->d, &o, &r->title, &r->body);
	if (r->rc != LEDGER_OK)
		log_error("rendering the %s digest for department %lld failed (%d)",
			  kind == DIGEST_DAILY ? "daily" : "weekly", (long long)department_id, r->rc);
	return r;
}

static void cache_clear(tick_ctx *x)
{
	for (size_t i = 0; i < x->ncache; i++) {
		buf_free(&x->cache[i].title);
		buf_free(&x->cache[i].body);
	}
	free(x->cache);
	x->cache = NULL;
	x->ncache = 0;
}

/* Queue `kind` for `period` (a date) to every active channel with the
 * topic that has not had it. LEDGER_OK, or the first error (the other
 * channels are still served). */
static int queue_kind(tick_ctx *x, const channel *ch, size_t n, digest_kind kind,
		      const char *period)
{
	unsigned bit = kind == DIGEST_DAILY ? TOPIC_DAILY : TOPIC_WEEKLY;
	const char *topic = kind == DIGEST_DAILY ? "daily" : "weekly";
	int rc = LEDGER_OK;
	for (size_t i = 0; i < n; i++) {
		if (!ch[i].active || !(ch[i].topics & bit))
			continue;
		char *key = str_printf("%s/%s/%lld", topic, period, (long long)ch[i].id);
		if (!outbox_exists(x->d, key)) {
			rendered *r = render_for(x, kind, ch[i].department_id);
			bool created = false;
			int e = r->rc != LEDGER_OK ? r->rc
						   : outbox_enqueue(x->d, ch[i].id, topic, key,
								    buf_str(&r->title), buf_str(&r->body),
								    x->now, &created);
			if (e != LEDGER_OK && rc == LEDGER_OK)
				rc = e;
			x->queued += created;
		}
		free(key);
	}
	cache_clear(x);
	return rc;
}

/* The first working day of the ISO week of t (Monday unless a holiday),
 * or an invalid date when the whole week is off. */
static tz_date first_working_day(const workday_cal *cal, tz_date t)
{
	tz_date monday = workday_date_add_days(t, 1 - workday_date_weekday(t)), first;
	/* (0 working days after a day: that day if it works, else the next) */
	if (workday_add(cal, monday, 0, &first) && workday_date_diff(monday, first) < 7)
		return first;
	return (tz_date){0, 0, 0};
}

int digest_tick(db *d, int64_t now, const digest_schedule *s, int *queued)
{
	char today[11], monday[11];
	tz_date t;
	ledger_today(now, today);
	if (queued)
		*queued = 0;
	if (!workday_date_parse(today, &t) || s->daily_minutes < 0 || s->weekly_minutes < 0)
		return LEDGER_ERROR;
	int minutes = (int)((now - calendar_day_start(today)) / 60);
	workday_cal *cal = calendar_load(d);
	bool daily = workday_is_working(cal, t) && minutes >= s->daily_minutes;
	bool weekly = workday_date_cmp(first_working_day(cal, t), t) == 0 &&
		      minutes >= s->weekly_minutes;
	workday_cal_free(cal);
	if (!daily && !weekly)
		return LEDGER_OK;
	channel *ch = NULL;
	size_t n = 0;
	int rc = channel_list(d, &ch, &n);
	tick_ctx x = {.d = d, .now = now, .s = s};
	if (rc == LEDGER_OK && daily)
		rc = queue_kind(&x, ch, n, DIGEST_DAILY, today);
	workday_date_format(workday_date_add_days(t, 1 - workday_date_weekday(t)), monday);
	if (weekly) {
		int e = queue_kind(&x, ch, n, DIGEST_WEEKLY, monday);
		if (rc == LEDGER_OK)
			rc = e;
	}
	channel_list_free(ch, n);
	if (queued)
		*queued = x.queued;
	return rc == LEDGER_OK ? LEDGER_OK : LEDGER_ERROR;
}
