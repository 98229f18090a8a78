/*
 * cli.h — the subcommands of the taizhang program and what they share:
 * argument parsing into a config, opening and migrating the database.
 */
#ifndef TZ_CLI_CLI_H
#define TZ_CLI_CLI_H

#include <signal.h>

#include "base/buf.h"
#include "base/config.h"
#include "ledger/supervise.h"
#include "report/digest.h"
#include "store/db.h"

/* Parse "--key value" and "--key=value" flags into cfg; positional
 * arguments are collected into pos (at most maxpos). Flags named in
 * `booleans` take no value ("1"). Returns the number of positionals, or -1
 * after printing an error for a malformed command line. */
int cli_parse(int argc, char **argv, config *cfg, const char *booleans, char **pos, int maxpos);

/* When argv asks for --help (or -h), print usage to standard output and
 * return true: the subcommand then exits 0. */
bool cli_wants_help(int argc, char **argv, const char *usage);

/* Open the database named by --db (default ./taizhang.db) and bring its
 * schema up to date; prints the error and returns NULL on failure. */
db *cli_open_db(const config *cfg);

/* The same for a command that reads or changes a ledger that must be there
 * already: a mistyped --db says so instead of making an empty ledger. */
db *cli_open_existing_db(const config *cfg);

/* The id of the department, area or category (flag "department", "area",
 * anything else: category) whose code the flag gives; 0 when the flag is
 * not given; -1 after printing that the code is unknown. */
int64_t cli_catalog_id(db *d, const config *cfg, const char *flag);

/* Apply the password-hash cost from --pwhash / TAIZHANG_PWHASH
 * ("interactive", the default, or "min" for tests). */
void cli_apply_pwhash(const config *cfg);

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_apikey(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_backup(int argc, char **argv);  /* backup.c */
int cmd_restore(int argc, char **argv); /* backup.c */
int cmd_routes(int argc, char **argv); /* routes.c: the route table as JSON */
int cmd_train(int argc, char **argv);  /* train.c: the routing suggestions */
int cmd_export(int argc, char **argv); /* export.c: the ledger as XLSX or CSV */
int cmd_import(int argc, char **argv); /* import.c: an office's XLSX or CSV ledger in */
int cmd_report(int argc, char **argv); /* report.c: the briefing (简报) */
int cmd_tick(int argc, char **argv);   /* tick.c: one run of the scheduler */
int cmd_copy(int argc, char **argv);   /* copy.c: a whole ledger into another database */

/* Run the HTTP server on an open database until SIGINT/SIGTERM. */
int cli_serve_db(const config *cfg);

/* The server's main thread (wait.c): wait for one of the stop signals,
 * meanwhile every second indexing the matters queued for search
 * (search_catch_up), every --tick-seconds (default 60; 0: never) running
 * the scheduler's tick without sending (cli_tick), and retraining the
 * routing models when the ledger has grown (looked at every
 * --retrain-check seconds, default 600; 0: never). Its writes go through
 * the server's group-commit writer. */
void cli_wait_serving(const config *cfg, const sigset_t *stop, db_group *writer);

/* The scheduler's settings (tick.c), from flags, environment and
 * taizhang.conf: supervision (remind-days, urge-*-after, base-url), the
 * digests (daily-at, weekly-at, office-name), auto-close-days and, for the
 * server, tick-seconds. */
typedef struct tick_settings {
	supervise_config sv;
	digest_schedule digest;
	int auto_close_days; /* 0: never */
	int every;           /* tick-seconds: the server's tick; 0: none */
} tick_settings;
/* Read and check them: false after printing what is wrong. The strings
 * point into cfg. */
bool cli_tick_settings(const config *cfg, tick_settings *out);

/* What one tick did. */
typedef struct tick_summary {
	supervise_result sv;
	int closed;  /* resolved matters closed for want of a rating */
	int duties;  /* duty reminders queued */
	int digests; /* digest messages queued */
	int sent;    /* messages delivered; -1: not sending */
} tick_summary;
/* One tick as of `now` (see tick.c): every step, even after one fails.
 * LEDGER_OK, or LEDGER_ERROR when any step failed (logged). */
int cli_tick(db *d, const tick_settings *s, int64_t now, bool send, tick_summary *out);
/* "2 reminded, 1 overdue, ..." for the summary line and the log. */
void cli_tick_describe(const tick_summary *t, buf *out);

#endif
