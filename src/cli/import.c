/*
 * import.c — `taizhang import`: take an office's Excel (.xlsx) or CSV
 * ledger into the ledger, or with --dry-run only print what would happen.
 * The plan, every error and warning and a summary go to standard output;
 * the exit status is 0 when the import (or the dry run) found no error,
 * 1 otherwise, and then nothing was changed.
 */
#include "cli/cli.h"
#include "ledger/ledger.h"
#include "ledger/user.h"
#include "report/import.h"
#include "base/buf.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char import_usage[] =
	"usage: taizhang import [--db URL] [--dry-run] [--map 'HEADER=field,...'] [--as LOGIN] FILE\n"
	"Import an Excel (.xlsx) or CSV (UTF-8) ledger: one matter per row, found by the\n"
	"header row's names (编号 事项 内容 类别 片区 责任单位 完成时限 办理进展 状态 ...; see\n"
	"docs/import.md). A row whose 编号 names a matter already imported (or one of this\n"
	"ledger's numbers) updates it; the others are created. All or nothing: any error\n"
	"and nothing changes (exit status 1). --dry-run prints the plan and changes nothing.\n"
	"--map overrides the header table, e.g. --map '问题=title,牵头领导=ignore'.\n"
	"--as LOGIN records the import as that administrator's or clerk's.\n";

/* Largest file read. Why: the .xlsx reader caps what it unpacks; the file
 * itself is capped so a mistaken path (a backup, a video) fails at once. */
#define IMPORT_FILE_MAX (64u * 1024 * 1024)

static int read_file(const char *path, buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "taizhang: cannot open %s\n", path);
		return -1;
	}
	char chunk[65536];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (out->len + n > IMPORT_FILE_MAX) {
			fprintf(stderr, "taizhang: %s is larger than 64 MB\n", path);
			rc = -1;
			break;
		}
		buf_append(out, chunk, n);
	}
	if (ferror(f)) {
		fprintf(stderr, "taizhang: cannot read %s\n", path);
		rc = -1;
	}
	fclose(f);
	return rc;
}

/* Who the import is recorded as: --as LOGIN (an active administrator or
 * clerk), or the command line as an administrator. */
static int import_actor(db *d, const char *login, actor *who)
{
	memset(who, 0, sizeof *who);
	if (!login) {
		who->role = ROLE_ADMIN;
		snprintf(who->name, sizeof who->name, "命令行导入");
		return 0;
	}
	user u;
	if (user_find_login(d, login, &u) != LEDGER_OK) {
		fprintf(stderr, "taizhang: no user %s\n", login);
		return -1;
	}
	unsigned role = role_from_name(u.role);
	int rc = u.active && (role == ROLE_ADMIN || role == ROLE_CLERK) ? 0 : -1;
	if (rc)
		fprintf(stderr, "taizhang: %s is not an active administrator or clerk\n", login);
	who->user_id = u.id;
	who->role = role;
	snprintf(who->login, sizeof who->login, "%s", u.login);
	snprintf(who->name, sizeof who->name, "%s", u.name);
	user_clear(&u);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, import_usage))
		return 0;
	char *err = NULL;
	config *cfg = config_load(NULL, &err);
	char *pos[1];
	int rc = 1, npos;
	db *d = NULL;
	buf data = BUF_INIT, text = BUF_INIT;
	import_report r = {0};
	actor who;
	if (!cfg || (npos = cli_parse(argc, argv, cfg, " dry-run ", pos, 1)) < 0)
		goto done;
	if (npos != 1) {
		fputs(import_usage, stderr);
		goto done;
	}
	if (read_file(pos[0], &data) != 0 || !(d = cli_open_existing_db(cfg)) ||
	    import_actor(d, config_get(cfg, "as", NULL), &who) != 0)
		goto done;
	import_options o = {config_get(cfg, "map", NULL), config_get(cfg, "dry-run", NULL) != NULL};
	int r_rc = import_run(d, &who, data.data ? data.data : "", data.len, &o, time(NULL), &r);
	import_report_text(&r, o.dry_run, &text);
	fputs(buf_str(&text), stdout);
	rc = r_rc == LEDGER_OK ? 0 : 1;
done:
	if (err)
		fprintf(stderr, "taizhang: %s\n", err);
	free(err);
	import_report_free(&r);
	buf_free(&data);
	buf_free(&text);
	db_close(d);
	config_free(cfg);
	return rc;
}
