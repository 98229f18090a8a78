/*
 * export.c — `taizhang export`: the ledger, or part of it, as an XLSX or
 * CSV file in the shape offices keep their 台账 (report/export.h).
 *
 * Made as an administrator (every matter, the residents' names and
 * phones) unless --public, which gives exactly the public board. The file
 * is written under a temporary name beside --out, synced, and only then
 * renamed: a failed export leaves no half file, and an existing --out is
 * replaced only with --force.
 */
#include "cli/cli.h"
#include "base/util.h"
#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "report/export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char export_usage[] =
	"usage: taizhang export [--db URL] --format xlsx|csv --out FILE [--force] [--public]\n"
	"                       [--department CODE] [--area CODE] [--category CODE]\n"
	"                       [--status NAME|open|finished] [--kind KIND]\n"
	"                       [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--overdue] [--q WORDS]\n"
	"Write the ledger as a spreadsheet, one row per matter, oldest first, with the\n"
	"columns offices use (序号 编号 类型 ... 是否公开; docs/export.md). XLSX has a\n"
	"frozen bold header, an autofilter and real dates; CSV is UTF-8 with a BOM.\n"
	"The export is made as an administrator, with the residents' names and phones;\n"
	"--public gives exactly what the public board shows: public matters only, public\n"
	"progress notes only, no personal data. --from/--to select by registration date\n"
	"(inclusive); --overdue only open matters past their deadline; --q the matters\n"
	"the full-text search finds (as the lists' search box). --status takes a\n"
	"status name (submitted, accepted, rejected, assigned, in_progress, resolved,\n"
	"closed = 已销号, returned, reopened, merged), open (still being handled) or\n"
	"finished (resolved, closed, rejected or merged). FILE must not exist\n"
	"unless --force. Prints the number of rows written.\n";

/* The filters from the flags into f; false after printing an error. */
static bool read_filters(db *d, const config *cfg, matter_filter *f)
{
	const char *kind = config_get(cfg, "kind", NULL), *status = config_get(cfg, "status", NULL);
	*f = matter_filter_any();
	if ((f->department_id = cli_catalog_id(d, cfg, "department")) < 0 ||
	    (f->area_id = cli_catalog_id(d, cfg, "area")) < 0 ||
	    (f->category_id = cli_catalog_id(d, cfg, "category")) < 0)
		return false;
	if (!str_empty(kind) && !kind_valid(kind)) {
		fprintf(stderr, "taizhang: unknown --kind '%s' (request, wish, petition, inspection,"
				" project)\n", kind);
		return false;
	}
	f->kind = str_empty(kind) ? NULL : kind;
	if (!export_filter_status(f, status)) {
		fprintf(stderr, "taizhang: unknown --status '%s' (a status name, open or finished)\n",
			status);
		return false;
	}
	f->from = config_get(cfg, "from", NULL);
	f->to = config_get(cfg, "to", NULL);
	if ((!str_empty(f->from) && !calendar_date_valid(f->from)) ||
	    (!str_empty(f->to) && !calendar_date_valid(f->to))) {
		fprintf(stderr, "taizhang: --from and --to are dates YYYY-MM-DD\n");
		return false;
	}
	f->overdue_only = config_get(cfg, "overdue", NULL) != NULL;
	f->q = config_get(cfg, "q", NULL);
	return true;
}

/* Write the export to tmp, synced. Returns 0 and *rows, or -1 with *err. */
static int write_export(db *d, enum export_format fmt, const char *tmp, bool public_export,
			const matter_filter *f, int64_t *rows, char **err)
{
	actor admin = {.role = ROLE_ADMIN};
	char today[11];
	snprintf(admin.name, sizeof admin.name, "%s", "命令行");
	ledger_today((int64_t)time(NULL), today);
	exporter *x = export_open(fmt, tmp, public_export, &admin, err);
	if (!x)
		return -1;
	int rc = export_matters(x, d, f, today, err) == LEDGER_OK ? 0 : -1;
	if (export_close(x, rows, rc == 0 ? err : NULL) < 0)
		rc = -1;
	int fd = rc == 0 ? open(tmp, O_RDONLY) : -1;
	if (rc == 0 && (fd < 0 || fsync(fd) != 0)) {
		*err = str_printf("cannot sync %s: %s", tmp, strerror(errno));
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, export_usage))
		return 0;
	char *err = NULL, *pos[1], *tmp = NULL;
	config *cfg = config_load(NULL, &err);
	db *d = NULL;
	int rc = 1;
	enum export_format fmt;
	matter_filter f;
	int64_t rows = 0;
	struct stat st;
	if (!cfg || cli_parse(argc, argv, cfg, " public overdue force ", pos, 0) < 0)
		goto done;
	const char *out = config_get(cfg, "out", NULL);
	if (str_empty(out) || !export_format_parse(config_get(cfg, "format", NULL), &fmt)) {
		fprintf(stderr, "taizhang: export needs --format xlsx or csv and --out FILE\n%s",
			export_usage);
		goto done;
	}
	if (!config_get(cfg, "force", NULL) && stat(out, &st) == 0) {
		fprintf(stderr, "taizhang: %s exists (use --force to replace it)\n", out);
		goto done;
	}
	if (!(d = cli_open_existing_db(cfg)) || !read_filters(d, cfg, &f))
		goto done;
	tmp = str_printf("%s.tmp-XXXXXX", out);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "taizhang: cannot create a file beside %s: %s\n", out, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto done;
	}
	close(fd);
	bool public_export = config_get(cfg, "public", NULL) != NULL;
	if (write_export(d, fmt, tmp, public_export, &f, &rows, &err) < 0)
		goto done;
	if (rename(tmp, out) != 0) {
		err = str_printf("cannot rename to %s: %s", out, strerror(errno));
		goto done;
	}
	printf("taizhang: %lld rows written to %s\n", (long long)rows, out);
	rc = 0;
done:
	if (rc != 0 && tmp)
		unlink(tmp);
	if (err)
		fprintf(stderr, "taizhang: %s\n", err);
	free(err);
	free(tmp);
	db_close(d);
	config_free(cfg);
	return rc;
}
