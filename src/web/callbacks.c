/*
 * callbacks.c — the callback desk (回访台, GET and POST /staff/callbacks)
 * for clerks, leaders and administrators, and the callback form it shares
 * with the matter's page (staff.h: staff_callback_fields,
 * staff_callback_read).
 *
 * The desk lists the resolved matters nobody has rated yet, oldest
 * resolution first: how long each has waited in working days, the calls
 * that did not reach the resident so far, and the resident's name and
 * phone for those who may see them (ledger/callback.c decides, per
 * matter). Each row unfolds the callback form; its POST records one call
 * through matter_act(ACT_CALLBACK) with the version the clerk saw, and
 * comes back to the list with the same filters. Anything refused is an
 * error page and changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/callback.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "ledger/matter.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/staff.h"

#define PAGE_SIZE 50

/* ---- the form, shared with matter_page.c ---- */

/* One fieldset of radio buttons `name` with values and their labels. */
static void radios(buf *b, const char *id, const char *name, const char *legend, const char *hint,
		   const char *const *values, const char *const *labels, size_t n, bool required)
{
	buf_printf(b, "<fieldset><legend>%h%s", legend, required ? " <span class=\"req\">*</span>" : "");
	if (hint)
		buf_printf(b, " <span class=\"hint\">%h</span>", hint);
	buf_puts(b, "</legend><div class=\"choices\">");
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "<label class=\"choice\" for=\"%h-%h-%zu\"><input type=\"radio\" "
			      "id=\"%h-%h-%zu\" name=\"%h\" value=\"%h\"%s> %h</label>",
			   id, name, i, id, name, i, name, values[i], required ? " required" : "",
			   labels[i]);
	buf_puts(b, "</div></fieldset>\n");
}

void staff_callback_fields(buf *b, const char *id, int64_t attempts)
{
	const char *ov[8], *ol[8];
	size_t no = 0;
	for (const char *o; no < ARRAY_LEN(ov) && (o = callback_outcome((int)no)); no++) {
		ov[no] = o;
		ol[no] = callback_outcome_label(o);
	}
	if (attempts > 0)
		buf_printf(b, "<p class=\"hint\">此前已回访未接通 %lld 次。</p>\n", (long long)attempts);
	radios(b, id, "outcome", "回访结果", NULL, ov, ol, no, true);
	static const char *const sv[] = {"yes", "no"}, *const sl[] = {"已解决", "未解决"};
	radios(b, id, "solved", "问题是否已解决", "接通时填写", sv, sl, 2, false);
	static const char *const rv[] = {"satisfied", "basic", "dissatisfied"};
	const char *rl[3];
	for (size_t i = 0; i < 3; i++)
		rl[i] = rating_label(rv[i]);
	radios(b, id, "rating", "群众满意度", "接通时填写", rv, rl, 3, false);
	buf_printf(b, "<div class=\"field\"><label for=\"%h-note\">回访记录 <span class=\"hint\">"
		      "接通时记下群众的意见（未解决或不满意时必填，不公开）；未接通时可记录情况</span>"
		      "</label><textarea id=\"%h-note\" name=\"note\" rows=\"3\" maxlength=\"500\">"
		      "</textarea></div>\n<p class=\"hint\">未解决或不满意的，事项转回原责任单位重办。</p>\n",
		   id, id);
}

void staff_callback_read(const request *rq, action_input *in)
{
	const char *solved = rq_param(rq, "solved"), *rating = rq_param(rq, "rating");
	in->outcome = rq_param(rq, "outcome");
	in->solved = str_empty(solved) ? NULL : solved;
	in->rating = str_empty(rating) ? NULL : rating;
	/* Why: the resident's words never go on the public timeline; the
	 * ledger keeps them in the event's data and the rating note. */
	in->note_public = false;
}

/* ---- the desk ---- */

/* The desk's filters, as read from the query (or the posted form). */
typedef struct desk_query {
	int64_t department_id;
	const char *attempts; /* "", "0", "1", "3" */
	int offset;
} desk_query;

/* Read the filters; NULL or the message for a bad one. */
static const char *desk_read(const request *rq, desk_query *q, callback_filter *f)
{
	const char *a = rq_param(rq, "attempts"), *off = rq_param(rq, "offset");
	int64_t o = 0;
	memset(q, 0, sizeof *q);
	memset(f, 0, sizeof *f);
	if (!web_param_id(rq, "department", &q->department_id))
		return "请从列表中选择责任单位";
	q->attempts = str_empty(a) ? "" : a;
	f->department_id = q->department_id;
	f->attempts_max = -1;
	if (strcmp(q->attempts, "0") == 0)
		f->attempts_max = 0;
	else if (strcmp(q->attempts, "1") == 0)
		f->attempts_min = 1;
	else if (strcmp(q->attempts, "3") == 0)
		f->attempts_min = 3;
	else if (q->attempts[0])
		return "回访次数的筛选条件有误";
	if (!str_empty(off) && (!str_to_i64(off, &o) || o < 0 || o > 1000000))
		return "页码有误";
	q->offset = (int)o;
	f->offset = q->offset;
	f->limit = PAGE_SIZE;
	return NULL;
}

/* The desk's URL with the filters (without offset), and `extra` (a
 * literal "offset" or "done" parameter name, or NULL) = value; the caller
 * frees. */
static char *desk_url(const desk_query *q, const char *extra, const char *value)
{
	buf p = BUF_INIT;
	char sep = '?';
	buf_puts(&p, "/staff/callbacks");
	if (q->department_id > 0) {
		buf_printf(&p, "%cdepartment=%lld", sep, (long long)q->department_id);
		sep = '&';
	}
	if (q->attempts[0]) {
		buf_printf(&p, "%cattempts=%u", sep, q->attempts);
		sep = '&';
	}
	if (extra)
		buf_printf(&p, "%c%s=%u", sep, extra, value);
	return buf_steal(&p);
}

static void desk_counts(buf *b, const callback_counts *c)
{
	buf_puts(b, "<ul class=\"stats\">\n");
	buf_printf(b, "<li><a href=\"/staff/callbacks\"><b>%lld</b><span>待回访</span></a></li>\n"
		      "<li><a href=\"/staff/callbacks?attempts=0\"><b>%lld</b><span>尚未回访</span></a></li>\n"
		      "<li><a href=\"/staff/callbacks?attempts=1\"><b>%lld</b><span>已回访未接通</span></a></li>\n"
		      "<li><b>%lld</b><span>今日已接通回访</span></li>\n</ul>\n",
		   (long long)c->waiting, (long long)c->untried, (long long)c->tried,
		   (long long)c->reached_today);
}

static void desk_filters(request *rq, buf *b, const desk_query *q)
{
	department *deps = NULL;
	size_t nd = 0;
	static const char *const av[] = {"", "0", "1", "3"};
	static const char *const al[] = {"全部", "尚未回访", "已回访未接通", "未接通3次及以上"};
	buf_puts(b, "<form method=\"get\" action=\"/staff/callbacks\" class=\"filters\">");
	if (department_list(rq->db, false, &deps, &nd) == LEDGER_OK) {
		buf_puts(b, "<div class=\"field\"><label for=\"f-dep\">责任单位</label>"
			    "<select id=\"f-dep\" name=\"department\">");
		form_department_options(b, deps, nd, q->department_id, "全部单位");
		buf_puts(b, "</select></div>");
		department_list_free(deps, nd);
	}
	buf_puts(b, "<div class=\"field\"><label for=\"f-att\">回访次数</label>"
		    "<select id=\"f-att\" name=\"attempts\">");
	for (size_t i = 0; i < ARRAY_LEN(av); i++)
		form_option(b, av[i], al[i], strcmp(q->attempts, av[i]) == 0);
	buf_puts(b, "</select></div><div class=\"form-actions\"><button type=\"submit\">筛选</button>"
		    "</div></form>\n");
}

/* The resident's name and phone cell: only what the ledger handed over. */
static void contact_cell(buf *b, const callback_task *t)
{
	buf_puts(b, "<td>");
	if (str_empty(t->submitter_name) && str_empty(t->submitter_phone)) {
		buf_puts(b, "<span class=\"muted\">—</span></td>");
		return;
	}
	buf_printf(b, "%h", str_empty(t->submitter_name) ? "未留姓名" : t->submitter_name);
	if (str_empty(t->submitter_phone))
		buf_puts(b, "<br><small>未留电话</small>");
	else
		buf_printf(b, "<br><a href=\"tel:%h\">%h</a>", t->submitter_phone, t->submitter_phone);
	buf_puts(b, "</td>");
}

/* One row: the matter, its wait, its attempts, the contact and the form. */
static void desk_row(request *rq, buf *b, const callback_task *t, const char *action)
{
	char id[32];
	snprintf(id, sizeof id, "cb%lld", (long long)t->matter_id);
	buf_printf(b, "<tr><td class=\"mono\"><a href=\"/staff/m/%u\">%h</a></td>"
		      "<td class=\"title\"><a href=\"/staff/m/%u\">%h</a>%s</td><td>%h</td><td>",
		   t->number, t->number, t->number, t->title,
		   t->is_public ? "" : " <small>（不公开）</small>",
		   str_empty(t->department_name) ? "—" : t->department_name);
	html_time(b, t->resolved_at);
	buf_printf(b, "<br><small>已等待 %d 个工作日</small></td><td class=\"num\">%d", t->waited,
		   t->attempts);
	if (t->attempts > 0 && !str_empty(t->last_note))
		buf_printf(b, "<br><small>%h</small>", t->last_note);
	buf_puts(b, "</td>");
	contact_cell(b, t);
	buf_printf(b, "<td><details><summary>记录回访</summary>"
		      "<form class=\"stack\" method=\"post\" action=\"%h\">", action);
	form_csrf(rq, b);
	buf_printf(b, "<input type=\"hidden\" name=\"number\" value=\"%h\">"
		      "<input type=\"hidden\" name=\"version\" value=\"%lld\">\n",
		   t->number, (long long)t->version);
	staff_callback_fields(b, id, 0);
	buf_puts(b, "<div class=\"form-actions\"><button type=\"submit\">保存回访</button></div>"
		    "</form></details></td></tr>\n");
}

static void desk_table(request *rq, buf *b, const callback_task *v, size_t n, const char *action)
{
	if (n == 0) {
		buf_puts(b, "<div class=\"empty\"><p>没有待回访的事项。</p></div>\n");
		return;
	}
	buf_puts(b, "<div class=\"table-wrap\"><table class=\"callbacks\">\n<thead><tr>"
		    "<th>编号</th><th>标题</th><th>责任单位</th><th>办结时间</th>"
		    "<th class=\"num\">未接通次数</th><th>联系人</th><th>回访</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++)
		desk_row(rq, b, &v[i], action);
	buf_puts(b, "</tbody></table></div>\n");
}

/* One paging link of the desk. */
static void pager_link(buf *b, const desk_query *q, int offset, const char *label)
{
	char off[16];
	snprintf(off, sizeof off, "%d", offset);
	char *url = desk_url(q, "offset", off);
	buf_printf(b, "<a href=\"%h\">%h</a> ", url, label);
	free(url);
}

/* The paging links of the desk. */
static void desk_pager(buf *b, const desk_query *q, int64_t total)
{
	if (total <= PAGE_SIZE)
		return;
	buf_puts(b, "<p class=\"pager\">");
	if (q->offset > 0)
		pager_link(b, q, q->offset > PAGE_SIZE ? q->offset - PAGE_SIZE : 0, "上一页");
	if (q->offset + PAGE_SIZE < total)
		pager_link(b, q, q->offset + PAGE_SIZE, "下一页");
	buf_puts(b, "</p>\n");
}

/* The notice after a recorded call (?done=NUMBER). */
static void desk_notice(request *rq, buf *b)
{
	const char *done = rq_param(rq, "done");
	if (str_empty(done) || strlen(done) > 31 || strspn(done, "TZ-0123456789") != strlen(done))
		return;
	char *text = str_printf("已记录 %s 的回访。", done);
	html_notice(b, "ok", text);
	free(text);
}

/* GET /staff/callbacks: the callback desk. */
void page_callbacks(request *rq, response *rs)
{
	desk_query q;
	callback_filter f;
	callback_counts c;
	callback_task *v = NULL;
	size_t n = 0;
	int64_t total = 0;
	const char *err = desk_read(rq, &q, &f);
	if (err) {
		resp_error(rq, rs, 400, err);
		return;
	}
	if (callback_count(rq->db, rq->now, &c) != LEDGER_OK ||
	    callback_list(rq->db, &rq->who, &f, rq->now, &v, &n, &total) != LEDGER_OK) {
		resp_error(rq, rs, 500, "回访任务暂时无法读取，请稍后再试");
		return;
	}
	char *action = desk_url(&q, NULL, NULL);
	buf *b = &rs->body;
	page_begin(rq, rs, PAGE_STAFF, "回访", "callbacks");
	buf_puts(b, "<h1>回访</h1>\n<p class=\"muted\">已办结、尚未评价的事项，按办结先后排列。"
		    "请电话联系反映人，记录是否接通、问题是否解决和满意度；未解决或不满意的转回原单位重办。"
		    "逾期未评价的事项将由系统自动销号。</p>\n");
	desk_notice(rq, b);
	desk_counts(b, &c);
	desk_filters(rq, b, &q);
	if (total > 0)
		buf_printf(b, "<p>共 <strong>%lld</strong> 件</p>\n", (long long)total);
	desk_table(rq, b, v, n, action);
	desk_pager(b, &q, total);
	page_end(rq, rs);
	free(action);
	callback_tasks_free(v, n);
}

/* POST /staff/callbacks: record one call, then back to the desk. */
void page_callbacks_post(request *rq, response *rs)
{
	desk_query q;
	callback_filter f;
	action_input in;
	char *msg = NULL;
	const char *number = rq_param(rq, "number"), *err = desk_read(rq, &q, &f);
	memset(&in, 0, sizeof in);
	in.act = ACT_CALLBACK;
	in.note = rq_param(rq, "note");
	staff_callback_read(rq, &in);
	if (!err && (!str_to_i64(rq_param(rq, "version"), &in.version) || in.version <= 0))
		err = "页面已过期，请刷新后重试";
	if (!err && str_empty(number))
		err = "请从列表中选择事项";
	if (err) {
		resp_error(rq, rs, 400, err);
		return;
	}
	int rc = matter_act(rq->db, &rq->who, number, &in, rq->now, NULL, &msg);
	if (rc == LEDGER_OK) {
		char *loc = desk_url(&q, "done", number);
		resp_redirect(rs, loc);
		free(loc);
	} else {
		resp_error(rq, rs, ledger_http_status(rc),
			   msg ? msg : rc == LEDGER_CONFLICT ? "该事项已被他人更新，请刷新后重试"
			   : rc == LEDGER_NOT_FOUND ? "没有找到这个事项" : "回访没有保存成功，请稍后再试");
	}
	free(msg);
}
