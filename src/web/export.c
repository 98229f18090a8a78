/*
 * export.c — downloads of the ledger as XLSX or CSV (report/export.h):
 * GET /staff/export.xlsx|.csv for every staff list, with the list's own
 * filters, and GET /board/export.xlsx|.csv for the public board.
 *
 * The file is written to an unlinked temporary file and answered from its
 * descriptor (resp_file), so a large export never sits in memory. Who sees
 * what is the exporter's business: the board's export is public (public
 * matters, public notes, no personal columns); a staff export keeps the
 * rules of the staff lists (no personal columns for observers, a handler's
 * queue and overdue lists are their own department's, and a handler gets
 * the residents of their own department's matters only).
 */
#include "web/pages.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "report/export.h"
#include "web/html.h"

/* Which list a staff export copies (the `list` parameter). */
enum export_list { LIST_MATTERS, LIST_INBOX, LIST_QUEUE, LIST_OVERDUE };

void html_export_links(request *rq, buf *b, const char *base, const char *list)
{
	buf q = BUF_INIT;
	if (list)
		buf_printf(&q, "?list=%u", list);
	for (size_t i = 0; i < rq->query.n; i++) {
		const kv *p = &rq->query.items[i];
		if (strcmp(p->name, "offset") == 0 || strcmp(p->name, "list") == 0 || !*p->value)
			continue;
		buf_printf(&q, "%s%u=%u", q.len ? "&" : "?", p->name, p->value);
	}
	buf_printf(b, "<p class=\"export\">导出："
		      "<a href=\"%h.xlsx%h\" download>导出 Excel</a> "
		      "<a href=\"%h.csv%h\" download>导出 CSV</a></p>\n",
		   base, buf_str(&q), base, buf_str(&q));
	buf_free(&q);
}

/* The format from the path's extension. */
static enum export_format path_format(const request *rq)
{
	size_t n = strlen(rq->path);
	return n > 4 && strcmp(rq->path + n - 4, ".csv") == 0 ? EXPORT_CSV : EXPORT_XLSX;
}

/* The filters every export takes; a Chinese message for the first bad
 * one, or NULL. */
static const char *read_filter(const request *rq, matter_filter *f)
{
	const char *kind = rq_param(rq, "kind");
	*f = matter_filter_any();
	if (!str_empty(kind) && !kind_valid(kind))
		return "事项类型不正确";
	f->kind = str_empty(kind) ? NULL : kind;
	if (!export_filter_status(f, rq_param(rq, "status")))
		return "状态不正确";
	if (!web_param_id(rq, "category", &f->category_id) ||
	    !web_param_id(rq, "area", &f->area_id) ||
	    !web_param_id(rq, "department", &f->department_id))
		return "筛选条件不正确";
	f->from = str_empty(rq_param(rq, "from")) ? NULL : rq_param(rq, "from");
	f->to = str_empty(rq_param(rq, "to")) ? NULL : rq_param(rq, "to");
	if ((f->from && !calendar_date_valid(f->from)) || (f->to && !calendar_date_valid(f->to)))
		return "日期格式应为 年-月-日，例如 2026-11-23";
	f->overdue_only = !str_empty(rq_param(rq, "overdue"));
	f->q = str_empty(rq_param(rq, "q")) ? NULL : rq_param(rq, "q");
	/* the 督办 filter of the overdue list and the board; the board's
	 * export checks it again with the public rule */
	if (!web_param_urge(rq, false, &f->urge_min))
		return "督办筛选不正确";
	return NULL;
}

/* The headers of the download: type and a Chinese file name with an
 * ASCII fallback for old clients. */
static void download_headers(request *rq, response *rs, enum export_format fmt,
			     const char *name, const char *ascii)
{
	char today[11];
	buf v = BUF_INIT, file = BUF_INIT;
	web_today(rq, today);
	buf_printf(&file, "%s-%s.%s", name, today, export_extension(fmt));
	buf_printf(&v, "attachment; filename=\"%s-%s.%s\"; filename*=UTF-8''%u", ascii, today,
		   export_extension(fmt), buf_str(&file));
	rs->content_type = export_content_type(fmt);
	resp_header(rs, "Content-Disposition", buf_str(&v));
	buf_free(&v);
	buf_free(&file);
}

/* Write the export of filters f[0..n) into an unlinked temporary file and
 * answer it. public_export: the board's rules. */
static void write_export(request *rq, response *rs, bool public_export, const matter_filter *f,
			 size_t n, const char *name, const char *ascii)
{
	enum export_format fmt = path_format(rq);
	const char *tmpdir = getenv("TMPDIR");
	char *path = str_printf("%s/taizhang-export-XXXXXX", str_empty(tmpdir) ? "/tmp" : tmpdir);
	char today[11], *err = NULL;
	int64_t rows = 0;
	int status = 500, fd = mkstemp(path);
	struct stat st;
	exporter *x = NULL;
	if (fd < 0) {
		log_error("export: cannot create a temporary file: %s", strerror(errno));
		free(path);
		resp_error(rq, rs, 500, NULL);
		return;
	}
	close(fd);
	fd = -1;
	web_today(rq, today);
	if (!(x = export_open(fmt, path, public_export, &rq->who, &err)))
		goto done;
	for (size_t i = 0; i < n; i++) {
		int r = export_matters(x, rq->db, &f[i], today, &err);
		if (r != LEDGER_OK) {
			status = r == LEDGER_INVALID ? 400 : 500;
			goto done;
		}
	}
	int r = export_close(x, &rows, &err);
	x = NULL;
	if (r < 0 || (fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) != 0)
		goto done;
	status = 200;
done:
	export_close(x, NULL, NULL);
	unlink(path); /* the open descriptor keeps the file until it is sent */
	if (status != 200) {
		if (fd >= 0)
			close(fd);
		if (status == 500 && err)
			log_error("export: %s", err);
		resp_error(rq, rs, status, status == 400 ? err : NULL);
	} else {
		download_headers(rq, rs, fmt, name, ascii);
		resp_file(rs, fd, (uint64_t)st.st_size);
	}
	free(err);
	free(path);
}

/* Exports being written now, public and staff, and how many may be at
 * once. Why: writing a whole county's ledger takes a worker thread for
 * tens of seconds; the board's export is open to anyone, so without a
 * bound a few visitors could hold every worker and stop the server
 * answering. One public and two staff exports at a time leave the others
 * free; one more waits for a 429 and tries again. */
static atomic_int exports_running[2];
static const int exports_max[2] = {2, 1};

/* Write the export of filters f[0..n) into an unlinked temporary file and
 * answer it, or 429 when too many are being written. public_export: the
 * board's rules. */
static void answer_export(request *rq, response *rs, bool public_export, const matter_filter *f,
			  size_t n, const char *name, const char *ascii)
{
	atomic_int *running = &exports_running[public_export];
	if (atomic_fetch_add(running, 1) >= exports_max[public_export]) {
		atomic_fetch_sub(running, 1);
		resp_error(rq, rs, 429, "正在导出的文件较多，请稍后再试");
		resp_retry_after(rs, 30);
		return;
	}
	write_export(rq, rs, public_export, f, n, name, ascii);
	atomic_fetch_sub(running, 1);
}

/* The list named by the `list` parameter; -1 when unknown. */
static int read_list(const request *rq)
{
	static const char *const names[] = {"matters", "inbox", "queue", "overdue"};
	const char *v = rq_param(rq, "list");
	if (str_empty(v))
		return LIST_MATTERS;
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcmp(v, names[i]) == 0)
			return (int)i;
	return -1;
}

/* GET /staff/export.xlsx and /staff/export.csv: the staff list named by
 * `list` (matters, inbox, queue, overdue) with its filters, as a file. */
void page_staff_export(request *rq, response *rs)
{
	matter_filter f[2];
	size_t n = 1;
	int list = read_list(rq);
	const char *err = list < 0 ? "列表不正确" : read_filter(rq, &f[0]);
	if (err) {
		resp_error(rq, rs, 400, err);
		return;
	}
	if (list == LIST_INBOX) { /* the inbox: new submissions, then returned ones */
		f[0].status = ST_SUBMITTED;
		f[1] = f[0];
		f[1].status = ST_RETURNED;
		n = 2;
	} else if (list == LIST_QUEUE || list == LIST_OVERDUE) {
		f[0].open_only = true;
		f[0].overdue_only = list == LIST_OVERDUE;
		/* Why: as on the list pages, a handler's queue is their own
		 * department's, whatever the link says. */
		if (rq->who.role == ROLE_HANDLER && rq->who.department_id > 0)
			f[0].department_id = rq->who.department_id;
	}
	answer_export(rq, rs, false, f, n, "台账", "taizhang");
}

/* GET /board/export.xlsx and /board/export.csv: the public board with its
 * filters, as a file (public rules: report/export.h). */
void page_board_export(request *rq, response *rs)
{
	matter_filter f;
	const char *err = read_filter(rq, &f);
	if (err) {
		resp_error(rq, rs, 400, err);
		return;
	}
	int urge = 0;
	if (!web_param_urge(rq, true, &urge)) { /* why: 日常督办 is internal */
		resp_error(rq, rs, 400, "督办筛选不正确");
		return;
	}
	f.open_only = f.open_only || urge > 0;
	f.public_only = true; /* why: the board is public; so is its export */
	answer_export(rq, rs, true, &f, 1, "公开栏", "board");
}
