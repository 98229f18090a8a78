/*
 * tick.c — `taizhang tick`: one run of the scheduler, for cron or a
 * systemd timer; and the same run that the server's main thread makes
 * every --tick-seconds (wait.c).
 *
 * A tick, as of one instant (--now, or the clock):
 *   1. supervision (ledger/supervise.h): reminders, overdue notices, 督办 tiers
 *   2. matters resolved and never rated closed after --auto-close-days
 *      (ledger/callback.h)
 *   3. reminders of recurring duties (ledger/duty.h)
 *   4. the daily dispatch and the weekly review when due (report/digest.h)
 *   5. purging messages sent more than outbox-keep-days ago
 *      (notify/deliver.h: deliver_purge)
 *   6. sending what the outbox holds (notify/deliver.h), unless --no-send;
 *      the server never sends here: its sender thread does. The sending
 *      waits for the channels' pacing (WeCom's and DingTalk's robots take
 *      20 messages a minute) up to SEND_PATIENCE seconds; what is left
 *      goes at the next tick.
 * Every step is idempotent, so a tick may run as often as wanted, and two
 * at once (cron beside serve) write each thing once. A step that fails is
 * reported and the others still run.
 */
#include "cli/cli.h"
#include "ledger/callback.h"
#include "ledger/duty.h"
#include "ledger/ledger.h"
#include "notify/deliver.h"
#include "base/isotime.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEND_MAX 500     /* messages one tick sends at most; the rest next time */
#define SEND_PATIENCE 50 /* seconds a tick's sending waits for paced channels */

static const char tick_usage[] =
	"usage: taizhang tick [--db URL] [--now 2026-10-09T08:30:00+08:00] [--no-send]\n"
	"One run of the scheduler, for cron or a systemd timer (`taizhang serve` runs the\n"
	"same every --tick-seconds, default 60, but leaves sending to its own sender):\n"
	"deadline reminders, overdue notices and 督办 escalation; matters resolved and\n"
	"never rated closed after --auto-close-days; recurring duties' reminders; the\n"
	"daily dispatch (日调度) and the weekly review (周督导) when due; then sending\n"
	"what the outbox holds, unless --no-send (waiting up to 50 s for channels paced\n"
	"to their platform's limit; the rest goes next time). Safe to run at any time and\n"
	"as often as wanted, beside `taizhang serve` too: nothing is written or queued\n"
	"twice, and a message is sent by one sender at a time. Prints one line of what\n"
	"it did.\n"
	"--now TIME: act as of this instant (ISO 8601; without a zone, Beijing time);\n"
	"the sending's leases and pacing still run on the real clock.\n"
	"Settings (also from taizhang.conf and TAIZHANG_* variables; working days on the\n"
	"ledger's holiday calendar):\n"
	"  --remind-days N            remind N working days before a deadline (default 1)\n"
	"  --urge-daily-after N       日常督办 N working days past the deadline (default 1)\n"
	"  --urge-listed-after N      挂牌督办, marked on the public board (default 3)\n"
	"  --urge-interview-after N   约谈督办 (default 10); 0 for any tier: never by itself\n"
	"  --auto-close-days N        close resolved matters unrated after N working days\n"
	"                             (default 10; 0: never)\n"
	"  --daily-at HH:MM           the daily dispatch, on working days (default 08:30)\n"
	"  --weekly-at HH:MM          the weekly review, on the week's first working day\n"
	"                             (default 09:00)\n"
	"  --office-name NAME         the digests' heading; --base-url URL: links in messages\n"
	"  --notify-timeout-seconds N, --notify-retry-seconds N: sending (docs/notify.md)\n"
	"  --outbox-keep-days N       delete messages sent more than N days ago (default 90;\n"
	"                             0: keep them)\n"
	"See docs/supervision.md.\n";

/* An integer setting in [min, max]: false after saying what is wrong. */
static bool setting_int(const config *cfg, const char *key, int dflt, int min, int max, int *out)
{
	const char *v = config_get(cfg, key, NULL);
	int64_t n = dflt;
	if (v && (!str_to_i64(v, &n) || n < min || n > max)) {
		fprintf(stderr, "taizhang: --%s must be a whole number from %d to %d (got '%s')\n", key,
			min, max, v);
		return false;
	}
	*out = (int)n;
	return true;
}

/* A time of day HH:MM: false after saying what is wrong. */
static bool setting_time(const config *cfg, const char *key, int dflt, int *out)
{
	const char *v = config_get(cfg, key, NULL);
	if (!v) {
		*out = dflt;
		return true;
	}
	*out = digest_parse_time(v);
	if (*out < 0)
		fprintf(stderr, "taizhang: --%s must be a time of day HH:MM (got '%s')\n", key, v);
	return *out >= 0;
}

bool cli_tick_settings(const config *cfg, tick_settings *out)
{
	memset(out, 0, sizeof *out);
	supervise_config_default(&out->sv);
	supervise_config *sv = &out->sv;
	bool ok = setting_int(cfg, "remind-days", sv->remind_days, 0, 30, &sv->remind_days) &&
		  setting_int(cfg, "urge-daily-after", sv->urge_after[URGE_DAILY], 0, 250,
			      &sv->urge_after[URGE_DAILY]) &&
		  setting_int(cfg, "urge-listed-after", sv->urge_after[URGE_LISTED], 0, 250,
			      &sv->urge_after[URGE_LISTED]) &&
		  setting_int(cfg, "urge-interview-after", sv->urge_after[URGE_INTERVIEW], 0, 250,
			      &sv->urge_after[URGE_INTERVIEW]) &&
		  setting_int(cfg, "auto-close-days", 10, 0, 250, &out->auto_close_days) &&
		  setting_int(cfg, "tick-seconds", 60, 0, 86400, &out->every) &&
		  setting_time(cfg, "daily-at", DIGEST_DAILY_DEFAULT, &out->digest.daily_minutes) &&
		  setting_time(cfg, "weekly-at", DIGEST_WEEKLY_DEFAULT,
			       &out->digest.weekly_minutes);
	if (ok && supervise_config_check(sv)) {
		fprintf(stderr, "taizhang: %s\n", supervise_config_check(sv));
		ok = false;
	}
	sv->base_url = config_get(cfg, "base-url", NULL);
	out->digest.office = config_get(cfg, "office-name", "taizhang 台账"); /* as serve names it */
	return ok;
}

int cli_tick(db *d, const tick_settings *s, int64_t now, bool send, tick_summary *out)
{
	int failed = 0;
	memset(out, 0, sizeof *out);
	if (supervise_tick(d, now, &s->sv, &out->sv) != LEDGER_OK) {
		log_error("tick: supervision failed");
		failed++;
	}
	if (s->auto_close_days > 0 &&
	    callback_close_unrated(d, now, s->auto_close_days, &out->closed) != LEDGER_OK) {
		log_error("tick: closing unrated matters failed");
		failed++;
	}
	if (duty_tick(d, now, &out->duties) != LEDGER_OK) {
		log_error("tick: duty reminders failed");
		failed++;
	}
	if (digest_tick(d, now, &s->digest, &out->digests) != LEDGER_OK) {
		log_error("tick: queueing the digests failed");
		failed++;
	}
	if (deliver_purge(d, now) != LEDGER_OK)
		failed++;
	out->sent = -1;
	if (send && (out->sent = deliver_due(d, now, SEND_MAX, SEND_PATIENCE)) < 0) {
		log_error("tick: sending failed");
		failed++;
	}
	return failed ? LEDGER_ERROR : LEDGER_OK;
}

void cli_tick_describe(const tick_summary *t, buf *out)
{
	buf_printf(out, "%d reminded, %d overdue, %d urged (%d 督办 messages), %d closed unrated,"
			" %d duty reminders, %d digests queued",
		   t->sv.reminded, t->sv.overdue, t->sv.urged, t->sv.queued, t->closed, t->duties,
		   t->digests);
	if (t->sent >= 0)
		buf_printf(out, ", %d sent", t->sent);
}

int cmd_tick(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, tick_usage))
		return 0;
	char *err = NULL, *pos[1];
	config *cfg = config_load(NULL, &err);
	db *d = NULL;
	int rc = 1;
	tick_settings s;
	tick_summary sum;
	int64_t now = (int64_t)time(NULL);
	bool configured = false;
	if (!cfg || cli_parse(argc, argv, cfg, " no-send ", pos, 0) < 0)
		goto done;
	const char *when = config_get(cfg, "now", NULL);
	if (when && !isotime_parse(when, false, &now, NULL)) {
		fprintf(stderr, "taizhang: --now must be an ISO 8601 time such as "
				"2026-10-09T08:30:00+08:00 (got '%s')\n", when);
		goto done;
	}
	if (!cli_tick_settings(cfg, &s) || !(d = cli_open_existing_db(cfg)))
		goto done;
	bool send = !config_get(cfg, "no-send", NULL);
	deliver_configure(cfg); /* the purge's outbox-keep-days too */
	configured = true;
	int r = cli_tick(d, &s, now, send, &sum);
	char at[ISOTIME_SIZE];
	buf line = BUF_INIT;
	isotime_format(now, at);
	cli_tick_describe(&sum, &line);
	printf("taizhang: tick at %s: %s%s\n", at, buf_str(&line),
	       send ? "" : " (not sent: --no-send)");
	buf_free(&line);
	if (r != LEDGER_OK)
		fprintf(stderr, "taizhang: some steps of the tick failed (see the log above)\n");
	rc = r == LEDGER_OK ? 0 : 1;
done:
	if (err)
		fprintf(stderr, "taizhang: %s\n", err);
	free(err);
	db_close(d);
	if (configured)
		deliver_cleanup();
	config_free(cfg);
	return rc;
}
