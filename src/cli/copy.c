/*
 * copy.c — `taizhang copy`: move a whole ledger from one database into
 * another (SQLite to PostgreSQL and back, or SQLite to SQLite), verified by
 * counts and SHA-256 checksums of every table (store/copy.h), then rebuild
 * the target's search index (ledger/search.h). With --verify-only, compare
 * two ledgers and change nothing.
 *
 * The URLs are never printed: a PostgreSQL URL may hold a password.
 */
#include "cli/cli.h"
#include "ledger/ledger.h"
#include "ledger/search.h"
#include "store/copy.h"
#include "base/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char copy_usage[] =
	"usage: taizhang copy --from URL --to URL [--verify-only]\n"
	"Copy the whole ledger at --from into the empty database at --to: SQLite to\n"
	"PostgreSQL and back, or SQLite to SQLite. A URL is a SQLite path, sqlite:PATH or\n"
	"postgresql://USER@HOST:PORT/DATABASE. The target gets the ledger's tables when it\n"
	"has none and must hold no ledger data: a new file, or a database just made with\n"
	"CREATE DATABASE (not `taizhang init`, which installs the default categories).\n"
	"The source must be at this taizhang's schema version.\n"
	"\n"
	"Every table is copied, parents first, rows in key order, in batches of one\n"
	"transaction each; the search index is left out and rebuilt on the target at the\n"
	"end. Then every table is counted and checksummed (SHA-256) on both sides and the\n"
	"comparison printed. Progress goes to standard error.\n"
	"\n"
	"Running servers: stop them for a copy that holds every last change (the usual\n"
	"way to move a ledger). The source is read in one read transaction, so a copy\n"
	"taken while a server writes is the ledger as it stood when the copy began;\n"
	"what is written afterwards is not in it. Nothing must write to the target.\n"
	"\n"
	"--verify-only  compare the two ledgers table by table; change nothing.\n"
	"\n"
	"Exit status: 0 copied and verified (or, with --verify-only, equal);\n"
	"1 a database failed on the way (a SQLite file this run made is removed);\n"
	"2 a bad command line or URL; 3 refused, no ledger data written (no source ledger,\n"
	"schema versions differ, target not empty, tables this taizhang does not know);\n"
	"4 the counts or checksums differ (the target is kept for a look).\n";

enum {
	EXIT_COPIED = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_REFUSED = 3,
	EXIT_DIFFERENT = 4,
};

/* Progress on standard error: a line when a table is copied, one every few
 * seconds within a long table, and one when the checking begins. */
struct progress {
	time_t last;
	const char *phase;
};

static void show_progress(void *ctx, const char *phase, const char *table, int64_t done,
			  int64_t total)
{
	struct progress *p = ctx;
	time_t now = time(NULL);
	if (!p->phase || strcmp(p->phase, phase) != 0) {
		p->phase = phase;
		p->last = now;
		if (strcmp(phase, "verify") == 0)
			fprintf(stderr, "taizhang: counting and checksumming every table on both sides\n");
	}
	if (done != total && now - p->last < 3)
		return;
	p->last = now;
	if (total >= 0)
		fprintf(stderr, "taizhang: %s %s: %lld of %lld rows\n", phase, table, (long long)done,
			(long long)total);
	else
		fprintf(stderr, "taizhang: %s %s: %lld rows\n", phase, table, (long long)done);
}

/* The first 8 bytes of a checksum in hex. */
static void short_sum(const unsigned char *sum, char out[17])
{
	sodium_bin2hex(out, 17, sum, 8);
}

/* The table of tables: rows on both sides, checksum, verdict. */
static void print_report(const copy_report *r)
{
	char a[17], b[17];
	int differ = 0;
	printf("%-22s %12s %12s  %-16s  %s\n", "table", "source rows", "target rows",
	       "sha-256", "match");
	for (int i = 0; i < r->ntables; i++) {
		const copy_table_check *c = &r->tables[i];
		short_sum(c->sum[0], a);
		short_sum(c->sum[1], b);
		printf("%-22s %12lld %12lld  %-16s  %s", c->table, (long long)c->rows[0],
		       (long long)c->rows[1], a, c->same ? "ok" : "DIFFERENT");
		if (!c->same)
			printf(" (target %s)", b);
		putchar('\n');
		differ += !c->same;
	}
	printf("%d tables, %lld rows, schema version %d: %s\n", r->ntables, (long long)r->rows,
	       r->schema_version, differ ? "the ledgers DIFFER" : "all equal");
}

static int rebuild_search(db *d, void *ctx)
{
	(void)ctx;
	return search_rebuild(d);
}

/* Is url a SQLite one (copy_url_problem has let it pass)? */
static bool is_sqlite(const char *url)
{
	return !db_url_is_postgres(url);
}

/* The exit status of a copy_result. */
static int exit_of(int r)
{
	switch (r) {
	case COPY_OK: return EXIT_COPIED;
	case COPY_REFUSED: return EXIT_REFUSED;
	case COPY_DIFFERENT: return EXIT_DIFFERENT;
	default: return EXIT_FAILED;
	}
}

/* Check --from and --to; EXIT_COPIED when they may be used. */
static int check_urls(const char *from, const char *to, bool verify_only)
{
	const char *bad;
	if (str_empty(from) || str_empty(to)) {
		fputs(copy_usage, stderr);
		return EXIT_USAGE;
	}
	if ((bad = copy_url_problem(from))) {
		fprintf(stderr, "taizhang: --from: %s\n", bad);
		return EXIT_USAGE;
	}
	if ((bad = copy_url_problem(to))) {
		fprintf(stderr, "taizhang: --to: %s\n", bad);
		return EXIT_USAGE;
	}
	if (strcmp(from, to) == 0) {
		fprintf(stderr, "taizhang: --from and --to name the same ledger\n");
		return EXIT_USAGE;
	}
	if (is_sqlite(from) && !db_exists(from)) {
		fprintf(stderr, "taizhang: the source ledger (--from) does not exist\n");
		return EXIT_REFUSED;
	}
	if (verify_only && is_sqlite(to) && !db_exists(to)) {
		fprintf(stderr, "taizhang: the ledger to compare with (--to) does not exist\n");
		return EXIT_REFUSED;
	}
	return EXIT_COPIED;
}

static db *open_or_say(const char *url, const char *which)
{
	char *err = NULL;
	db *d = db_open(url, &err);
	if (!d)
		fprintf(stderr, "taizhang: cannot open the %s: %s\n", which, err ? err : "?");
	free(err);
	return d;
}

/* After a verified copy: the target's search index, built afresh. */
static int finish_target(db *to)
{
	fprintf(stderr, "taizhang: rebuilding the search index of the target\n");
	if (db_transact(to, rebuild_search, NULL) != LEDGER_OK) {
		fprintf(stderr, "taizhang: the ledger is copied and verified, but rebuilding its search"
				" index failed (logged above)\n");
		return EXIT_FAILED;
	}
	printf("taizhang: copied and verified; search index rebuilt\n");
	return EXIT_COPIED;
}

int cmd_copy(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, copy_usage))
		return 0;
	char *err = NULL, *pos[1];
	config *cfg = config_load(NULL, &err);
	db *from = NULL, *to = NULL;
	copy_report rep = {0};
	struct progress pr = {0};
	const char *src = NULL, *dst = NULL;
	bool made = false;
	int rc = EXIT_USAGE;
	if (!cfg || cli_parse(argc, argv, cfg, " verify-only ", pos, 0) < 0)
		goto done;
	src = config_get(cfg, "from", NULL);
	dst = config_get(cfg, "to", NULL);
	bool verify_only = config_get(cfg, "verify-only", NULL) != NULL;
	if ((rc = check_urls(src, dst, verify_only)) != EXIT_COPIED)
		goto done;
	rc = EXIT_FAILED;
	made = is_sqlite(dst) && !db_exists(dst);
	if (!(from = open_or_say(src, "source (--from)")) || !(to = open_or_say(dst, "target (--to)")))
		goto done;
	int r = verify_only ? copy_compare(from, to, show_progress, &pr, &rep, &err)
			    : copy_ledger(from, to, show_progress, &pr, &rep, &err);
	if (r == COPY_OK || r == COPY_DIFFERENT)
		print_report(&rep);
	if (r == COPY_DIFFERENT && !verify_only)
		fprintf(stderr, "taizhang: the copy differs from the source (see above); the target is"
				" kept as it is for a look\n");
	rc = r == COPY_OK && !verify_only ? finish_target(to) : exit_of(r);
done:
	if (err)
		fprintf(stderr, "taizhang: %s\n", err);
	free(err);
	copy_report_free(&rep);
	db_close(from);
	db_close(to);
	/* A new SQLite target that did not become a whole copy goes again, so
	 * that the next try finds no half-made ledger in its way. */
	if (made && (rc == EXIT_FAILED || rc == EXIT_REFUSED))
		db_remove(dst);
	config_free(cfg);
	return rc;
}
