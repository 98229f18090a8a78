/*
 * serve.c — `taizhang serve` and `taizhang demo`: run the web server on a
 * ledger until SIGINT or SIGTERM.
 */
#include "cli/cli.h"
#include "demo/demo.h"
#include "ledger/ledger.h"
#include "ledger/routing.h"
#include "ledger/similar.h"
#include "notify/deliver.h"
#include "http/http.h"
#include "web/app.h"
#include "web/pages.h"
#include "base/buf.h"
#include "base/token.h"
#include "base/util.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char serve_usage[] =
	"usage: taizhang serve [--db URL] [--listen HOST:PORT] [--threads N]\n"
	"                      [--office-name NAME] [--base-url URL] [--max-photo-mb N]\n"
	"                      [--jurisdiction-id ID] [--submit-limit N]\n"
	"                      [--app-submit-limit N] [--trusted-proxy ADDRESS]\n"
	"Serve the ledger over HTTP (default 127.0.0.1:8080). Settings may also come\n"
	"from taizhang.conf and TAIZHANG_* environment variables. Prints\n"
	"\"taizhang: listening on http://HOST:PORT\" once it accepts connections.\n"
	"--submit-limit: submissions per hour from one address through the public\n"
	"form (default 30); --app-submit-limit: per API key through Open311\n"
	"(default 1000); 0 lifts the limit.\n"
	"--trusted-proxy ADDRESS: the reverse proxy in front (e.g. 127.0.0.1), whose\n"
	"X-Forwarded-For names the client for limits and sign-in throttling.\n"
	"--max-connections N: open connections at most (default 2000);\n"
	"--max-connections-per-ip N: from one address (default 256; 0: no limit, for\n"
	"a proxy in front); --connection-timeout SECONDS: an idle or slow connection\n"
	"is closed after this long (default 30).\n"
	"--retrain-check SECONDS: how often to see whether the ledger has grown enough\n"
	"to retrain the routing suggestions (default 600; 0: never; see taizhang train).\n"
	"--tick-seconds N: run the scheduler (reminders, 督办, digests; see taizhang tick\n"
	"--help for its settings) every N seconds (default 60; 0: never, e.g. when cron\n"
	"runs taizhang tick).\n"
	"--notify-timeout-seconds N: the longest one notification request may take\n"
	"(default 20); --notify-retry-seconds N: the wait before a failed notification\n"
	"is tried again (default 60, doubling each time; see docs/notify.md).\n";

int cli_serve_db(const config *cfg)
{
	char *err = NULL;
	const char *listen = config_get(cfg, "listen", "127.0.0.1:8080");
	/* The scheduler's settings (tick.c), checked before serving: a wrong
	 * one is said now rather than found out at the first tick. */
	tick_settings ticks;
	if (!cli_tick_settings(cfg, &ticks))
		return 1;
	app settings = {
		.office_name = config_get(cfg, "office-name", "taizhang 台账"),
		.base_url = config_get(cfg, "base-url", NULL),
		.jurisdiction_id = config_get(cfg, "jurisdiction-id", NULL),
		.max_photo = (size_t)config_int(cfg, "max-photo-mb", 5) * 1024 * 1024,
		.session_ttl = (int)config_int(cfg, "session-hours", 12) * 3600,
		.submit_limit = (int)config_int(cfg, "submit-limit", 30),
		.app_submit_limit = (int)config_int(cfg, "app-submit-limit", 1000),
		.daily_minutes = ticks.digest.daily_minutes,
		.screen = screen_cache_new(),
	};
	http_config hc = {
		.listen = listen,
		.db_url = config_get(cfg, "db", "taizhang.db"),
		.threads = (int)config_int(cfg, "threads", 4),
		.max_body = settings.max_photo + 256 * 1024,
		.routes = web_routes,
		.nroutes = web_nroutes,
		.app = &settings,
		/* Why: a base URL on https:// means the site is served over TLS
		 * (by a proxy in front of us), so cookies must never travel in
		 * the clear; over plain http:// a Secure cookie would be lost. */
		.trusted_proxy = config_get(cfg, "trusted-proxy", NULL),
		.secure_cookies = settings.base_url &&
				  strncasecmp(settings.base_url, "https://", 8) == 0,
		.max_connections = (int)config_int(cfg, "max-connections", 2000),
		.max_per_ip = (int)config_int(cfg, "max-connections-per-ip", 256),
		.conn_timeout = (int)config_int(cfg, "connection-timeout", 30),
	};
	/* Why: SIGINT and SIGTERM are blocked before the server's threads
	 * exist, so they inherit the mask and the signal can only be taken by
	 * sigwait below; a handler plus pause() would miss a signal delivered
	 * to a worker thread or between the check and the pause. */
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Why: past a file-size limit a write must fail (and be answered as
	 * "storage unavailable"), not kill the server with its requests. */
	signal(SIGXFSZ, SIG_IGN);
	deliver_configure(cfg); /* before any thread: it sets up libcurl */
	http_server *s = http_start(&hc, &err);
	if (!s) {
		fprintf(stderr, "taizhang: %s\n", err ? err : "cannot start the server");
		free(err);
		screen_cache_free(settings.screen);
		return 1;
	}
	char *base = NULL;
	if (!settings.base_url) {
		const char *colon = strrchr(listen, ':');
		char *host = xstrndup(listen, colon ? (size_t)(colon - listen) : strlen(listen));
		base = str_printf("http://%s:%d", host, http_port(s));
		free(host);
		settings.base_url = base;
	}
	printf("taizhang: listening on %s\n", settings.base_url);
	fflush(stdout);
	/* The outbox's sender (notify/deliver.h), stopped before the server
	 * so its last writes still reach the writer. */
	deliver_sender *sender = deliver_start(hc.db_url, http_writer(s));
	cli_wait_serving(cfg, &stop_signals, http_writer(s));
	deliver_stop(sender);
	http_stop(s);
	deliver_cleanup();
	screen_cache_free(settings.screen); /* after http_stop: no thread reads it now */
	free(base);
	printf("taizhang: stopped\n");
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, serve_usage))
		return 0;
	char *err = NULL, *pos[1];
	config *cfg = config_load(NULL, &err);
	int rc = 1;
	db *d = NULL;
	if (!cfg || cli_parse(argc, argv, cfg, NULL, pos, 0) < 0 || !(d = cli_open_db(cfg)))
		goto done;
	/* A ledger from before duplicate detection: give every matter its
	 * signature before serving, once. Measured with bench/gen's ledgers:
	 * about 60 s per 100,000 matters, 318 s for 1,000,000; until then the
	 * server does not listen, so plan the upgrade of a large ledger. */
	int64_t indexed = 0;
	if (similar_backfill(d, 500, &indexed) != LEDGER_OK)
		fprintf(stderr, "taizhang: duplicate signatures incomplete; serving anyway\n");
	else if (indexed > 0)
		printf("taizhang: duplicate signatures written for %lld matters\n", (long long)indexed);
	db_close(d); /* migrated; each server thread opens its own connection */
	d = NULL;
	rc = cli_serve_db(cfg);
done:
	if (err)
		fprintf(stderr, "taizhang: %s\n", err);
	free(err);
	config_free(cfg);
	return rc;
}

static const char demo_usage[] =
	"usage: taizhang demo [--db PATH] [--listen HOST:PORT] [--seed N] [--matters N] [--no-serve]\n"
	"Create a fresh demo ledger (default ./taizhang-demo.db; the file must not exist),\n"
	"print the demo accounts and serve it (default 127.0.0.1:8080).\n";

static int load_demo(db *d, void *ctx)
{
	void **x = ctx;
	const config *cfg = x[0];
	return demo_load(d, (unsigned)config_int(cfg, "seed", 2026),
			 (int)config_int(cfg, "matters", 300), (int64_t)time(NULL), x[1]);
}

int cmd_demo(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, demo_usage))
		return 0;
	char *err = NULL, *pos[1];
	config *cfg = config_load(NULL, &err);
	buf accounts = BUF_INIT;
	int rc = 1;
	db *d = NULL;
	if (!cfg || cli_parse(argc, argv, cfg, " no-serve ", pos, 0) < 0)
		goto done;
	config_set(cfg, "db", config_get(cfg, "db", "taizhang-demo.db"));
	const char *path = config_get(cfg, "db", NULL);
	if (db_exists(path)) {
		fprintf(stderr, "taizhang: %s already exists; the demo needs a fresh database\n", path);
		goto done;
	}
	cli_apply_pwhash(cfg);
	if (!(d = cli_open_db(cfg)))
		goto done;
	void *ctx[2] = {cfg, &accounts};
	if (db_transact(d, load_demo, ctx) != 0) {
		fprintf(stderr, "taizhang: loading the demo ledger failed\n");
		db_close(d);
		d = NULL;
		/* Leave no half-made ledger behind: a retry should just work. */
		db_remove(path);
		goto done;
	}
	/* So that the demo shows the model's suggestions, not only keywords. */
	routing_report trained[ROUTING_TARGETS];
	if (routing_train(d, (int64_t)time(NULL), trained) != LEDGER_OK)
		fprintf(stderr, "taizhang: training the routing suggestions failed\n");
	db_close(d);
	d = NULL;
	printf("taizhang: demo ledger in %s\n\n演示账号 (demo accounts):\n%s\n", path, buf_str(&accounts));
	fflush(stdout);
	rc = config_get(cfg, "no-serve", NULL) ? 0 : cli_serve_db(cfg);
done:
	if (err)
		fprintf(stderr, "taizhang: %s\n", err);
	free(err);
	buf_free(&accounts);
	db_close(d);
	config_free(cfg);
	return rc;
}
