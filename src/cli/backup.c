/*
 * backup.c — `taizhang backup` and `taizhang restore`: a consistent copy of
 * the ledger taken while the server runs, and putting one back.
 *
 * Both go through store/ (db_backup, db_restore: SQLite's online backup
 * API). A backup never overwrites a file and is checked before it gets its
 * name; a restore checks that the file is a taizhang ledger and intact
 * before it touches the target, and never leaves the target half-written.
 */
#include "cli/cli.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char backup_usage[] =
	"usage: taizhang backup [--db URL] --out FILE\n"
	"Write a consistent copy of the ledger to FILE with SQLite's online backup,\n"
	"safe while the server runs and writes. FILE must not exist; the copy is\n"
	"checked (PRAGMA integrity_check) before it is given its name.\n";

static const char restore_usage[] =
	"usage: taizhang restore [--db URL] --from FILE [--force]\n"
	"Put the ledger in FILE (a copy made by taizhang backup) at URL. FILE must be\n"
	"a taizhang ledger that passes PRAGMA integrity_check. An existing ledger at\n"
	"URL is replaced only with --force, in one transaction. Stop the server first:\n"
	"it brings a ledger restored from an older version up to date as it starts.\n";

/* taizhang backup: open the ledger (which must exist: opening would
 * otherwise create an empty one), copy it, report. */
int cmd_backup(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, backup_usage))
		return 0;
	char *err = NULL, *pos[1];
	config *cfg = config_load(NULL, &err);
	db *d = NULL;
	int rc = 1;
	if (!cfg || cli_parse(argc, argv, cfg, NULL, pos, 0) < 0)
		goto done;
	const char *url = config_get(cfg, "db", "taizhang.db");
	const char *out = config_get(cfg, "out", NULL);
	if (str_empty(out)) {
		fputs(backup_usage, stderr);
		goto done;
	}
	if (!db_exists(url)) {
		fprintf(stderr, "taizhang: %s does not exist\n", url);
		goto done;
	}
	if (!(d = db_open(url, &err)))
		goto done;
	if (db_backup(d, out, &err) < 0)
		goto done;
	printf("taizhang: backup of %s written to %s (integrity ok)\n", url, out);
	rc = 0;
done:
	if (err)
		fprintf(stderr, "taizhang: %s\n", err);
	free(err);
	db_close(d);
	config_free(cfg);
	return rc;
}

/* taizhang restore: check the copy, then put it in place. */
int cmd_restore(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, restore_usage))
		return 0;
	char *err = NULL, *pos[1];
	config *cfg = config_load(NULL, &err);
	int rc = 1;
	if (!cfg || cli_parse(argc, argv, cfg, " force ", pos, 0) < 0)
		goto done;
	const char *url = config_get(cfg, "db", "taizhang.db");
	const char *from = config_get(cfg, "from", NULL);
	if (str_empty(from)) {
		fputs(restore_usage, stderr);
		goto done;
	}
	if (!db_exists(from)) {
		fprintf(stderr, "taizhang: %s does not exist\n", from);
		goto done;
	}
	bool force = strcmp(config_get(cfg, "force", "0"), "1") == 0;
	if (db_restore(url, from, force, &err) < 0)
		goto done;
	printf("taizhang: %s restored from %s\n", url, from);
	rc = 0;
done:
	if (err)
		fprintf(stderr, "taizhang: %s\n", err);
	free(err);
	config_free(cfg);
	return rc;
}
