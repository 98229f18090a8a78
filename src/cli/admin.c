/*
 * admin.c — the administrator's subcommands: init, user add, apikey add.
 */
#include "cli/cli.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/user.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int install_defaults(db *d, void *ctx)
{
	(void)ctx;
	return catalog_install_defaults(d);
}

int cmd_init(int argc, char **argv)
{
	if (cli_wants_help(argc, argv,
			   "usage: taizhang init [--db URL]\n"
			   "Create the ledger's tables (or bring them up to date) and install the\n"
			   "default catalogue of categories with their deadlines. Safe to run again.\n"))
		return 0;
	char *err = NULL;
	config *cfg = config_load(NULL, &err);
	char *pos[1];
	int rc = 1;
	db *d = NULL;
	if (!cfg || cli_parse(argc, argv, cfg, NULL, pos, 0) < 0 || !(d = cli_open_db(cfg)))
		goto done;
	if (db_transact(d, install_defaults, NULL) != LEDGER_OK) {
		fprintf(stderr, "taizhang: installing the default categories failed\n");
		goto done;
	}
	printf("taizhang: ledger ready in %s (schema version %d)\n", config_get(cfg, "db", "taizhang.db"),
	       db_schema_version(d));
	rc = 0;
done:
	if (err)
		fprintf(stderr, "taizhang: %s\n", err);
	free(err);
	db_close(d);
	config_free(cfg);
	return rc;
}

/* Read one line (the password) from standard input, without its newline. */
static char *read_secret_line(void)
{
	char line[1024];
	if (!fgets(line, sizeof line, stdin))
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	return xstrdup(line);
}

static const char user_usage[] =
	"usage: taizhang user add LOGIN --role ROLE [--name NAME] [--department CODE] [--db URL]\n"
	"Create a staff account. The password is read from standard input (one line).\n"
	"ROLE is admin, leader, clerk, handler (needs --department) or observer.\n";

int cmd_user(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, user_usage))
		return 0;
	char *err = NULL;
	config *cfg = config_load(NULL, &err);
	char *pos[2], *password = NULL, *msg = NULL;
	int rc = 1, npos;
	db *d = NULL;
	if (!cfg || (npos = cli_parse(argc, argv, cfg, NULL, pos, 2)) < 0)
		goto done;
	if (npos != 2 || strcmp(pos[0], "add") != 0) {
		fputs(user_usage, stderr);
		goto done;
	}
	cli_apply_pwhash(cfg);
	if (!(d = cli_open_db(cfg)))
		goto done;
	if (!(password = read_secret_line())) {
		fprintf(stderr, "taizhang: no password on standard input\n");
		goto done;
	}
	int64_t id = 0;
	int r = user_add(d, pos[1], config_get(cfg, "name", pos[1]), config_get(cfg, "role", ""),
			 config_get(cfg, "department", NULL), password, time(NULL), &id, &msg);
	if (r != LEDGER_OK) {
		fprintf(stderr, "taizhang: %s\n", msg ? msg : "cannot create the user");
		goto done;
	}
	printf("taizhang: user %s created (id %lld)\n", pos[1], (long long)id);
	rc = 0;
done:
	if (password)
		memset(password, 0, strlen(password));
	free(password);
	free(msg);
	free(err);
	db_close(d);
	config_free(cfg);
	return rc;
}

static const char apikey_usage[] =
	"usage: taizhang apikey add NAME --role ROLE [--department CODE] [--db URL]\n"
	"Create an API key and print it as the last word of the output. Only its hash\n"
	"is stored: keep the key. ROLE is app (Open311 clients: submit only), admin,\n"
	"leader, clerk, handler (needs --department) or observer.\n";

int cmd_apikey(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, apikey_usage))
		return 0;
	char *err = NULL;
	config *cfg = config_load(NULL, &err);
	char *pos[2], *key = NULL, *msg = NULL;
	int rc = 1, npos;
	db *d = NULL;
	if (!cfg || (npos = cli_parse(argc, argv, cfg, NULL, pos, 2)) < 0)
		goto done;
	if (npos != 2 || strcmp(pos[0], "add") != 0) {
		fputs(apikey_usage, stderr);
		goto done;
	}
	if (!(d = cli_open_db(cfg)))
		goto done;
	if (apikey_add(d, pos[1], config_get(cfg, "role", ""), config_get(cfg, "department", NULL),
		       time(NULL), &key, &msg) != LEDGER_OK) {
		fprintf(stderr, "taizhang: %s\n", msg ? msg : "cannot create the key");
		goto done;
	}
	printf("taizhang: API key for %s: %s\n", pos[1], key);
	rc = 0;
done:
	free(key);
	free(msg);
	free(err);
	db_close(d);
	config_free(cfg);
	return rc;
}
