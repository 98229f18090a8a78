/*
 * common.c — what the subcommands share: flags, opening the database,
 * password-hash cost.
 */
#include "cli/cli.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/user.h"
#include "base/util.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int cli_parse(int argc, char **argv, config *cfg, const char *booleans, char **pos, int maxpos)
{
	int npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (npos >= maxpos) {
				fprintf(stderr, "taizhang: unexpected argument '%s'\n", a);
				return -1;
			}
			pos[npos++] = argv[i];
			continue;
		}
		char key[64];
		const char *eq = strchr(a + 2, '=');
		size_t klen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		if (klen >= sizeof key) {
			fprintf(stderr, "taizhang: flag too long\n");
			return -1;
		}
		memcpy(key, a + 2, klen);
		key[klen] = '\0';
		char pattern[70];
		snprintf(pattern, sizeof pattern, " %s ", key);
		if (booleans && strstr(booleans, pattern)) {
			config_set(cfg, key, "1");
		} else if (eq) {
			config_set(cfg, key, eq + 1);
		} else if (i + 1 < argc) {
			config_set(cfg, key, argv[++i]);
		} else {
			fprintf(stderr, "taizhang: --%s needs a value\n", key);
			return -1;
		}
	}
	return npos;
}

db *cli_open_db(const config *cfg)
{
	char *err = NULL;
	const char *url = config_get(cfg, "db", "taizhang.db");
	db *d = db_open(url, &err);
	if (!d) {
		fprintf(stderr, "taizhang: %s\n", err);
		free(err);
		return NULL;
	}
	if (db_migrate(d) != 0) {
		fprintf(stderr, "taizhang: cannot bring the database schema up to date\n");
		db_close(d);
		return NULL;
	}
	return d;
}

db *cli_open_existing_db(const config *cfg)
{
	const char *url = config_get(cfg, "db", "taizhang.db");
	if (!db_exists(url)) {
		fprintf(stderr, "taizhang: %s does not exist\n", url);
		return NULL;
	}
	return cli_open_db(cfg);
}

int64_t cli_catalog_id(db *d, const config *cfg, const char *flag)
{
	const char *code = config_get(cfg, flag, NULL);
	int64_t id = 0;
	int r = LEDGER_OK;
	if (str_empty(code))
		return 0;
	if (strcmp(flag, "department") == 0) {
		department x = {0};
		if ((r = department_get(d, 0, code, &x)) == LEDGER_OK)
			id = x.id;
		department_clear(&x);
	} else if (strcmp(flag, "area") == 0) {
		area x = {0};
		if ((r = area_get(d, 0, code, &x)) == LEDGER_OK)
			id = x.id;
		area_clear(&x);
	} else {
		category x = {0};
		if ((r = category_get(d, 0, code, &x)) == LEDGER_OK)
			id = x.id;
		category_clear(&x);
	}
	if (r != LEDGER_OK) {
		fprintf(stderr, "taizhang: unknown --%s code '%s'\n", flag, code);
		return -1;
	}
	return id;
}

void cli_apply_pwhash(const config *cfg)
{
	/* Only for test suites under valgrind: the minimum argon2id cost. */
	if (strcmp(config_get(cfg, "pwhash", "interactive"), "min") == 0)
		user_set_hash_cost(crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
}

bool cli_wants_help(int argc, char **argv, const char *usage)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return true;
		}
	return false;
}
