/*
 * report.c — `taizhang report`: the briefing (简报) of a period as plain
 * text, a printable HTML page or a PDF (report/briefing.h).
 *
 * Text and HTML go to standard output unless --out names a file; a PDF
 * needs --out (binary on a terminal helps nobody). The figures are as the
 * ledger stands today, or on --today DATE (for reproducible output).
 */
#include "cli/cli.h"
#include "base/util.h"
#include "ledger/calendar.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "report/briefing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char report_usage[] =
	"usage: taizhang report [--db URL] --from DATE --to DATE [--format text|html|pdf]\n"
	"                       [--department CODE] [--area CODE] [--scope 全区] [--out FILE]\n"
	"                       [--today DATE]\n"
	"Write the briefing (简报) of the matters handed in from DATE to DATE (YYYY-MM-DD):\n"
	"totals, the three rates with the change against the previous period of the same\n"
	"length, overdue matters and the table by department, typical resolved cases and\n"
	"the charts. text (default) and html go to standard output unless --out is given;\n"
	"pdf needs --out. --scope names the whole (全区, 全镇 ...); --today fixes the day\n"
	"the figures are taken on (default: today in Beijing).\n";

/* Write b to path (NULL: standard output). 0 or -1 (reported). */
static int write_all(const char *path, const buf *b)
{
	FILE *f = path ? fopen(path, "wb") : stdout;
	if (!f) {
		perror(path);
		return -1;
	}
	size_t n = fwrite(b->data ? b->data : "", 1, b->len, f);
	int bad = n != b->len || fflush(f) != 0;
	if (path && fclose(f) != 0)
		bad = 1;
	if (bad)
		fprintf(stderr, "taizhang: cannot write %s\n", path ? path : "standard output");
	return bad ? -1 : 0;
}

/* Render b in the chosen format into out. 0 or -1 (reported). */
static int render(const char *format, const briefing *b, buf *out)
{
	const char *err = NULL;
	if (strcmp(format, "text") == 0)
		briefing_text(out, b);
	else if (strcmp(format, "html") == 0)
		briefing_html(out, b, true);
	else if (briefing_pdf(out, b, &err) < 0) {
		fprintf(stderr, "taizhang: %s\n", err);
		return -1;
	}
	return 0;
}

/* Check the flags that need no database; NULL or a message. */
static const char *check_flags(const config *cfg, const char *format, const char *today)
{
	const char *out = config_get(cfg, "out", NULL);
	if (strcmp(format, "text") && strcmp(format, "html") && strcmp(format, "pdf"))
		return "--format must be text, html or pdf";
	if (strcmp(format, "pdf") == 0 && str_empty(out))
		return "a pdf needs --out FILE";
	if (!calendar_date_valid(today))
		return "--today must be a date YYYY-MM-DD";
	return briefing_check_period(config_get(cfg, "from", NULL), config_get(cfg, "to", NULL))
		       ? "--from and --to must be dates YYYY-MM-DD, from not after to"
		       : NULL;
}

int cmd_report(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, report_usage))
		return 0;
	char *err = NULL, *pos[1], now[11], today[11];
	const char *msg = NULL;
	config *cfg = config_load(NULL, &err);
	db *d = NULL;
	briefing b = {0};
	buf out = BUF_INIT;
	int rc = 1;
	if (!cfg || cli_parse(argc, argv, cfg, NULL, pos, 0) < 0)
		goto done;
	ledger_today((int64_t)time(NULL), now);
	const char *format = config_get(cfg, "format", "text");
	snprintf(today, sizeof today, "%s", config_get(cfg, "today", now));
	if ((msg = check_flags(cfg, format, today))) {
		fprintf(stderr, "taizhang: %s\n\n%s", msg, report_usage);
		goto done;
	}
	if (!(d = cli_open_existing_db(cfg)))
		goto done;
	briefing_opts o = {config_get(cfg, "from", NULL), config_get(cfg, "to", NULL),
			   cli_catalog_id(d, cfg, "department"), cli_catalog_id(d, cfg, "area"),
			   config_get(cfg, "office-name", NULL), config_get(cfg, "scope", NULL), 0, false};
	if (o.department_id < 0 || o.area_id < 0)
		goto done;
	if (briefing_load(d, &o, today, &b, &msg) != LEDGER_OK) {
		fprintf(stderr, "taizhang: %s\n", msg ? msg : "cannot read the ledger");
		goto done;
	}
	if (render(format, &b, &out) == 0 && write_all(config_get(cfg, "out", NULL), &out) == 0)
		rc = 0;
done:
	if (err)
		fprintf(stderr, "taizhang: %s\n", err);
	free(err);
	buf_free(&out);
	briefing_free(&b);
	db_close(d);
	config_free(cfg);
	briefing_pdf_shutdown();
	return rc;
}
