/*
 * export.c — `bench/export --db LEDGER [--dir DIR] [--formats csv,xlsx]`:
 * how fast and in how much memory taizhang exports a whole ledger
 * (report/export.h, as `taizhang export` does it: every matter, as an
 * administrator), beside a reference in the same run: the sqlite3 shell
 * dumping the same rows and columns with one SELECT (`sqlite3 -csv`).
 *
 * Each run is a child process, so its peak resident memory (ru_maxrss from
 * wait4) is its own: the export's against the shell's. Reported per run:
 * rows, seconds (wall clock), rows per second, peak RSS, output size, and
 * the ratio of its time to the reference's. Markdown on standard output.
 * The ledger is only read; the files go to DIR (default /tmp) and are
 * removed at the end.
 */
#include "base/util.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "report/export.h"
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: bench/export --db LEDGER [--dir DIR] [--formats csv,xlsx]\n"
	"Export the whole ledger as CSV and XLSX (as an administrator, every column) and,\n"
	"as the reference, dump the same rows with `sqlite3 -csv`; report rows, seconds,\n"
	"rows/s, peak RSS and the ratio to the reference, as markdown.\n";

/* The reference: the export's columns in one SELECT, in the same order
 * (created, then id), with the same joins, progress notes and co-handling
 * departments; dates as text. */
static const char ref_sql[] =
	"SELECT m.number, m.kind, m.subkind, m.title, m.description, c.name, a.name, m.address,"
	" m.channel, dp.name,"
	" (SELECT group_concat(d2.name, '、') FROM matter_codepartments mc"
	"   JOIN departments d2 ON d2.id = mc.department_id WHERE mc.matter_id = m.id),"
	" u.name, datetime(m.created_at, 'unixepoch', '+8 hours'), m.deadline,"
	" (SELECT group_concat(strftime('%m-%d', e.at, 'unixepoch', '+8 hours') || ' ' || e.note,"
	"   char(10)) FROM events e WHERE e.matter_id = m.id AND e.action = 'progress'"
	"   AND e.note <> ''),"
	" m.result, m.status, m.deadline < date('now', '+8 hours') AND m.status NOT IN"
	" ('resolved', 'closed', 'rejected', 'merged'),"
	" datetime(m.resolved_at, 'unixepoch', '+8 hours'), m.rating, m.public,"
	" m.submitter_name, m.submitter_phone"
	" FROM matters m LEFT JOIN categories c ON c.id = m.category_id"
	" LEFT JOIN areas a ON a.id = m.area_id LEFT JOIN departments dp ON dp.id = m.department_id"
	" LEFT JOIN users u ON u.id = m.assignee_id ORDER BY m.created_at, m.id;";

/* The same without the two per-matter subqueries (progress notes and
 * co-departments): what those cost the shell. */
static const char plain_sql[] =
	"SELECT m.number, m.kind, m.subkind, m.title, m.description, c.name, a.name, m.address,"
	" m.channel, dp.name, u.name, datetime(m.created_at, 'unixepoch', '+8 hours'), m.deadline,"
	" m.result, m.status, m.deadline < date('now', '+8 hours') AND m.status NOT IN"
	" ('resolved', 'closed', 'rejected', 'merged'),"
	" datetime(m.resolved_at, 'unixepoch', '+8 hours'), m.rating, m.public,"
	" m.submitter_name, m.submitter_phone"
	" FROM matters m LEFT JOIN categories c ON c.id = m.category_id"
	" LEFT JOIN areas a ON a.id = m.area_id LEFT JOIN departments dp ON dp.id = m.department_id"
	" LEFT JOIN users u ON u.id = m.assignee_id ORDER BY m.created_at, m.id;";

typedef struct result {
	const char *name;
	int64_t rows;
	double seconds;
	long maxrss_kb;
	long long bytes;
	bool ok;
} result;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* In the child: export the ledger to path; the row count to fd. */
static int child_export(const char *url, enum export_format fmt, const char *path, int fd)
{
	char *err = NULL, today[11];
	int64_t rows = 0;
	actor admin = {.role = ROLE_ADMIN};
	db *d = db_open(url, &err);
	if (!d) {
		fprintf(stderr, "bench/export: %s\n", err);
		return 1;
	}
	ledger_today((int64_t)time(NULL), today);
	matter_filter f = matter_filter_any();
	exporter *x = export_open(fmt, path, false, &admin, &err);
	int rc = x && export_matters(x, d, &f, today, &err) == LEDGER_OK ? 0 : 1;
	if (export_close(x, &rows, rc == 0 ? &err : NULL) < 0)
		rc = 1;
	if (err)
		fprintf(stderr, "bench/export: %s\n", err);
	free(err);
	db_close(d);
	if (write(fd, &rows, sizeof rows) != (ssize_t)sizeof rows)
		rc = 1;
	return rc;
}

/* Wait for pid; fill r's time and memory. */
static void reap(pid_t pid, double t0, result *r)
{
	int status = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	r->seconds = now_s() - t0;
	r->maxrss_kb = ru.ru_maxrss;
	r->ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void run_export(const char *url, enum export_format fmt, const char *path, result *r)
{
	int p[2];
	if (pipe(p) != 0)
		return;
	double t0 = now_s();
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(child_export(url, fmt, path, p[1]));
	}
	close(p[1]);
	if (read(p[0], &r->rows, sizeof r->rows) != (ssize_t)sizeof r->rows)
		r->rows = -1;
	close(p[0]);
	reap(pid, t0, r);
	r->bytes = file_size(path);
}

/* The reference: sqlite3 -csv LEDGER SQL > path. */
static void run_reference(const char *url, const char *sql, const char *path, result *r)
{
	double t0 = now_s();
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(1);
		execlp("sqlite3", "sqlite3", "-readonly", "-csv", url, sql, (char *)NULL);
		_exit(127);
	}
	reap(pid, t0, r);
	r->bytes = file_size(path);
	/* rows: lines that start a record are hard to count in CSV with
	 * embedded newlines; the shell dumps every matter, so count them. */
	char *err = NULL;
	db *d = db_open(url, &err);
	r->rows = d ? db_scalar(d, -1, "SELECT count(*) FROM matters", "") : -1;
	free(err);
	db_close(d);
}

static void report(const result *v, size_t n, const result *ref)
{
	printf("| run | rows | seconds | rows/s | peak RSS (MiB) | output (MiB) | time ÷ sqlite3 |\n"
	       "|---|---:|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < n; i++) {
		const result *r = &v[i];
		printf("| %s%s | %lld | %.1f | %.0f | %.1f | %.1f | %.2f |\n", r->name,
		       r->ok ? "" : " (FAILED)", (long long)r->rows, r->seconds,
		       r->seconds > 0 ? (double)r->rows / r->seconds : 0, r->maxrss_kb / 1024.0,
		       (double)r->bytes / 1048576.0, ref->seconds > 0 ? r->seconds / ref->seconds : 0);
	}
}

int main(int argc, char **argv)
{
	const char *url = NULL, *dir = "/tmp", *formats = "csv,xlsx";
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--db") == 0)
			url = argv[i + 1];
		else if (strcmp(argv[i], "--dir") == 0)
			dir = argv[i + 1];
		else if (strcmp(argv[i], "--formats") == 0)
			formats = argv[i + 1];
	}
	if (!url || !db_exists(url)) {
		fputs(usage, stderr);
		return 2;
	}
	log_set_quiet(true);
	result v[4];
	size_t n = 0;
	memset(v, 0, sizeof v);
	char *ref_path = str_printf("%s/bench-export-ref.csv", dir);
	v[n].name = "sqlite3 -csv (reference)";
	run_reference(url, ref_sql, ref_path, &v[n]);
	const result *ref = &v[n++];
	v[n].name = "sqlite3 -csv, no notes or co-departments";
	run_reference(url, plain_sql, ref_path, &v[n++]);
	static const struct { const char *name, *label; enum export_format fmt; } runs[] = {
		{"csv", "taizhang export CSV", EXPORT_CSV},
		{"xlsx", "taizhang export XLSX", EXPORT_XLSX},
	};
	for (size_t i = 0; i < ARRAY_LEN(runs); i++) {
		if (!strstr(formats, runs[i].name))
			continue;
		char *path = str_printf("%s/bench-export.%s", dir, runs[i].name);
		v[n].name = runs[i].label;
		run_export(url, runs[i].fmt, path, &v[n]);
		fprintf(stderr, "bench/export: %s done in %.1f s\n", runs[i].name, v[n].seconds);
		n++;
		unlink(path);
		free(path);
	}
	report(v, n, ref);
	unlink(ref_path);
	free(ref_path);
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		ok = ok && v[i].ok;
	return ok ? 0 : 1;
}
