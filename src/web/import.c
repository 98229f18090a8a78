/*
 * import.c — 导入台账: an administrator or clerk uploads the office's own
 * Excel or CSV ledger (GET and POST /staff/import).
 *
 * The first POST carries the file: it is checked as a dry run
 * (report/import.h) and the page shows the columns found, what each row
 * would do (新建, 更新, 不变) and every error and warning with its row and
 * column. The file is kept in the ledger under a random token
 * (import_upload_save), so that "确认导入" imports exactly the bytes that
 * were checked without sending them again; the confirmation POST carries
 * only the token, works only for the user who uploaded, and runs the real
 * import — all or nothing, so a file that changed nothing can be fixed
 * and uploaded again.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/matter_import.h"
#include "report/import.h"
#include "web/html.h"
#include "web/pages.h"

/* The upload form, with an optional message above it. */
static void import_form(request *rq, response *rs, int status, const char *msg)
{
	buf *b = &rs->body;
	rs->status = status;
	page_begin(rq, rs, PAGE_STAFF, "导入台账", "import");
	buf_puts(b, "<h1>导入台账</h1>\n<p class=\"muted\">上传本单位原有的 Excel（.xlsx）或 CSV（UTF-8）"
		    "台账，每行一件事项。先检查、列出每行将新建还是更新，确认后才导入；"
		    "有任何错误则一件也不导入。编号相同的行再次导入时更新原事项。</p>\n");
	if (msg)
		html_notice(b, "error", msg);
	buf_puts(b, "<form class=\"stack card\" method=\"post\" action=\"/staff/import\" "
		    "enctype=\"multipart/form-data\">\n");
	form_csrf(rq, b);
	buf_puts(b, "<label>台账文件（.xlsx 或 .csv）<input type=\"file\" name=\"file\" "
		    "accept=\".xlsx,.csv\" required></label>\n"
		    "<label>表头对应（可选）<input type=\"text\" name=\"map\" "
		    "placeholder=\"问题=title,牵头领导=ignore\"></label>\n"
		    "<div class=\"form-actions\"><button type=\"submit\">检查</button></div>\n</form>\n");
	buf_puts(b, "<h2>认得的表头</h2>\n<div class=\"table-wrap\"><table>\n"
		    "<thead><tr><th>字段</th><th>表头</th><th>也认得</th></tr></thead><tbody>\n");
	for (size_t i = 1; i < import_ncolumns; i++)
		buf_printf(b, "<tr><td>%h</td><td>%h</td><td>%h</td></tr>\n", import_columns[i].name,
			   import_columns[i].header, import_columns[i].aliases);
	buf_puts(b, "</tbody></table></div>\n");
	page_end(rq, rs);
}

/* GET /staff/import: the form. */
void page_import_form(request *rq, response *rs)
{
	import_form(rq, rs, 200, NULL);
}

static const char *action_label(int a)
{
	return a == IMPORT_CREATE ? "新建" : a == IMPORT_UPDATE ? "更新" : "不变";
}

static void html_mapping(buf *b, const import_report *r)
{
	buf_printf(b, "<h2>表头（第%lld行）</h2>\n<div class=\"table-wrap\"><table class=\"mapping\">\n"
		      "<thead><tr><th>表头</th><th>导入为</th></tr></thead><tbody>\n",
		   (long long)r->header_row);
	for (size_t i = 0; i < r->ncols; i++)
		if (r->cols[i].header[0])
			buf_printf(b, "<tr><td>%h</td><td>%h</td></tr>\n", r->cols[i].header,
				   r->cols[i].field > 0 ? import_field_header(r->cols[i].field)
							: "（不导入）");
	buf_puts(b, "</tbody></table></div>\n");
}

static void html_plan(buf *b, const import_report *r)
{
	if (!r->nplan)
		return;
	buf_puts(b, "<h2>每行的处理</h2>\n<div class=\"table-wrap\"><table class=\"plan\">\n"
		    "<thead><tr><th>行</th><th>操作</th><th>编号</th><th>原编号</th><th>事项</th>"
		    "<th>变化</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < r->nplan; i++) {
		const import_plan *p = &r->plan[i];
		buf_printf(b, "<tr><td>%lld</td><td>%s</td><td>%h</td><td>%h</td><td>%h</td>"
			      "<td>%h</td></tr>\n",
			   (long long)p->row, action_label(p->action), p->number,
			   p->external ? p->external : "", p->title, p->changes ? p->changes : "");
	}
	buf_puts(b, "</tbody></table></div>\n");
}

static void html_messages(buf *b, const import_report *r)
{
	if (!r->nmsgs)
		return;
	buf_puts(b, "<h2>问题</h2>\n<div class=\"table-wrap\"><table class=\"problems\">\n"
		    "<thead><tr><th>行</th><th>列</th><th>类别</th><th>说明</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < r->nmsgs; i++) {
		const import_msg *m = &r->msgs[i];
		buf_printf(b, "<tr class=\"%s\"><td>", m->warning ? "warning" : "error");
		if (m->row)
			buf_printf(b, "%lld", (long long)m->row);
		buf_printf(b, "</td><td>%h</td><td>%s</td><td>%h</td></tr>\n",
			   m->column ? m->column : "", m->warning ? "提醒" : "错误", m->text);
	}
	buf_puts(b, "</tbody></table></div>\n");
	if (r->errors + r->warnings > r->nmsgs)
		buf_printf(b, "<p class=\"muted\">另有 %zu 个问题未列出。</p>\n",
			   r->errors + r->warnings - r->nmsgs);
}

/* The summary line of a report. */
static void html_summary(buf *b, const import_report *r, bool applied)
{
	char *text = str_printf("%s新建 %zu 件，更新 %zu 件，不变 %zu 件；错误 %zu 个，提醒 %zu 个。",
				applied ? "已导入：" : r->errors ? "有错误，不能导入。检查结果：将"
								 : "检查结果：将",
				r->created, r->updated, r->skipped, r->errors, r->warnings);
	html_notice(b, applied ? "ok" : r->errors ? "error" : "info", text);
	free(text);
}

/* The page of a checked or imported file; token: the confirmation's. */
static void report_page(request *rq, response *rs, const import_report *r, const char *filename,
			const char *token, const char *map)
{
	buf *b = &rs->body;
	rs->status = r->errors ? 422 : 200;
	page_begin(rq, rs, PAGE_STAFF, r->applied ? "导入完成" : "导入检查", "import");
	buf_printf(b, "<h1>%s</h1>\n<p class=\"muted\">文件：%h</p>\n",
		   r->applied ? "导入完成" : "导入检查", filename ? filename : "");
	html_summary(b, r, r->applied);
	if (token && !r->errors) {
		buf_puts(b, "<form class=\"card\" method=\"post\" action=\"/staff/import\">\n");
		form_csrf(rq, b);
		buf_printf(b, "<input type=\"hidden\" name=\"op\" value=\"apply\">"
			      "<input type=\"hidden\" name=\"token\" value=\"%h\">"
			      "<input type=\"hidden\" name=\"map\" value=\"%h\">"
			      "<button type=\"submit\">确认导入</button> "
			      "<a class=\"button secondary\" href=\"/staff/import\">取消</a></form>\n",
			   token, map ? map : "");
	} else if (!r->applied) {
		buf_puts(b, "<p><a class=\"button secondary\" href=\"/staff/import\">改好后重新上传</a></p>\n");
	}
	if (r->ncols)
		html_mapping(b, r);
	html_plan(b, r);
	html_messages(b, r);
	page_end(rq, rs);
}

/* The confirmation: import the kept upload for real. */
static void import_apply(request *rq, response *rs)
{
	void *data = NULL;
	size_t n = 0;
	char *filename = NULL;
	const char *token = rq_param(rq, "token");
	import_report r = {0};
	int rc = import_upload_load(rq->db, rq->who.user_id, token, rq->now, &data, &n, &filename);
	if (rc == LEDGER_NOT_FOUND) {
		import_form(rq, rs, 400, "上传的文件已过期或不存在，请重新上传");
		return;
	}
	if (rc != LEDGER_OK) {
		resp_error(rq, rs, 500, "暂时无法导入，请稍后再试");
		return;
	}
	import_options o = {rq_param(rq, "map"), false};
	rc = import_run(rq->db, &rq->who, data, n, &o, rq->now, &r);
	if (rc == LEDGER_ERROR)
		resp_error(rq, rs, 500, "导入失败，未做任何改动，请稍后再试");
	else if (rc == LEDGER_OK && import_upload_delete(rq->db, token) != LEDGER_OK)
		resp_error(rq, rs, 500, "导入已完成，但清理上传文件失败");
	else
		report_page(rq, rs, &r, filename, NULL, NULL);
	import_report_free(&r);
	free(data);
	free(filename);
}

/* POST /staff/import: check an uploaded file (op absent) or import the
 * one checked before (op=apply with its token). */
void page_import_post(request *rq, response *rs)
{
	const char *op = rq_param(rq, "op");
	if (op && strcmp(op, "apply") == 0) {
		import_apply(rq, rs);
		return;
	}
	const upload *up = rq_upload(rq, "file");
	if (!up || up->data.len == 0) {
		import_form(rq, rs, 400, "请选择要导入的文件");
		return;
	}
	const char *map = rq_param(rq, "map");
	import_options o = {str_empty(map) ? NULL : map, true};
	import_report r = {0};
	char token[48] = "";
	int rc = import_run(rq->db, &rq->who, up->data.data, up->data.len, &o, rq->now, &r);
	if (rc == LEDGER_OK && import_upload_save(rq->db, rq->who.user_id, up->filename,
						  up->data.data, up->data.len, rq->now,
						  token) != LEDGER_OK)
		rc = LEDGER_ERROR;
	if (rc == LEDGER_ERROR)
		resp_error(rq, rs, 500, "暂时无法检查文件，请稍后再试");
	else
		report_page(rq, rs, &r, up->filename, token[0] ? token : NULL, o.map);
	import_report_free(&r);
}
