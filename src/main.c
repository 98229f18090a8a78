/*
 * main.c — the taizhang program: a CLI whose subcommands live in cli/.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"taizhang — 台账: the ledger of \"我为群众办实事\" (requests, wishes, complaints,\n"
	"their handling, public disclosure and closing).\n"
	"\n"
	"usage: taizhang COMMAND [--db URL] [options]\n"
	"\n"
	"commands:\n"
	"  serve     run the web server          (taizhang serve --db URL --listen HOST:PORT)\n"
	"  init      create an empty ledger      (taizhang init --db URL)\n"
	"  user      manage staff accounts       (taizhang user add NAME --role ROLE [--department CODE])\n"
	"  apikey    manage API keys             (taizhang apikey add NAME --role ROLE [--department CODE])\n"
	"  demo      load the demo ledger into a fresh database and serve it\n"
	"  backup    copy the ledger, live       (taizhang backup --db URL --out FILE)\n"
	"  restore   put a backup in place       (taizhang restore --db URL --from FILE [--force])\n"
	"  routes    print the route table as JSON (taizhang routes [--array])\n"
	"  train     train the routing suggestions (taizhang train --db URL)\n"
	"  export    the ledger as XLSX or CSV   (taizhang export --db URL --format xlsx --out FILE)\n"
	"  import    an Excel/CSV ledger in      (taizhang import --db URL [--dry-run] FILE)\n"
	"  report    the briefing (简报) of a period (taizhang report --db URL --from DATE --to DATE\n"
	"            [--format text|html|pdf] [--department CODE] [--out FILE])\n"
	"  tick      one run of the scheduler: reminders, 督办, digests, sending\n"
	"            (taizhang tick --db URL [--now TIME] [--no-send]; serve runs it itself)\n"
	"  copy      a whole ledger into another database, verified (SQLite <-> PostgreSQL)\n"
	"            (taizhang copy --from URL --to URL [--verify-only])\n"
	"\n"
	"Every command takes --help. URL is a SQLite file path (default ./taizhang.db)\n"
	"or a PostgreSQL URL (postgresql://USER@HOST:PORT/DB, libpq's multi-host form too).\n"
	"Settings come from taizhang.conf, TAIZHANG_* environment variables and flags.\n";

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} commands[] = {
		{"serve", cmd_serve}, {"init", cmd_init}, {"user", cmd_user},
		{"apikey", cmd_apikey}, {"demo", cmd_demo},
		{"backup", cmd_backup}, {"restore", cmd_restore}, {"routes", cmd_routes},
		{"train", cmd_train}, {"export", cmd_export}, {"import", cmd_import},
		{"report", cmd_report}, {"tick", cmd_tick}, {"copy", cmd_copy},
	};
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "taizhang: unknown command '%s'\n\n%s", argv[1], usage);
	return 2;
}
