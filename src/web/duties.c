/*
 * duties.c — recurring duties (定期工作, GET and POST /staff/duties) and
 * the "我的定期工作" box of the wall chart (staff.h: html_my_duties).
 *
 * Every staff role reads the list: overdue first, then those in their
 * reminder window, then the rest, stopped ones last, each with its rule,
 * department, responsible person, next due date and latest completion.
 * ?show=ID adds a duty's records, ?edit=ID its edit form. The POST takes
 * one `op`: create, update, done, deactivate, activate. Who may do which
 * is the ledger's rule (ledger/duty.c): the page offers a form only where
 * the ledger would accept it, and answers a refused post with an error
 * page that changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/duty.h"
#include "ledger/ledger.h"
#include "ledger/user.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/staff.h"

#define URL "/staff/duties"
#define RECORDS_SHOWN 20
#define MINE_SHOWN 5

static bool keeps(const request *rq)
{
	return rq->who.role & (ROLE_ADMIN | ROLE_LEADER);
}

/* The due date cell: the date, marked when overdue or due soon. */
static void due_cell(buf *b, const duty *x)
{
	buf_puts(b, "<td>");
	if (x->overdue)
		buf_printf(b, "<strong class=\"overdue\">%h 已逾期</strong>", x->next_due);
	else if (x->due_soon)
		buf_printf(b, "<strong>%h</strong> <small>即将到期</small>", x->next_due);
	else
		buf_printf(b, "%h", x->active ? x->next_due : "—");
	buf_puts(b, "</td>");
}

/* The "标记完成" form of a duty, folded. */
static void done_form(request *rq, buf *b, const duty *x)
{
	buf_printf(b, "<details><summary>标记完成</summary><form class=\"stack\" method=\"post\" "
		      "action=\"" URL "\">");
	form_csrf(rq, b);
	buf_printf(b, "<input type=\"hidden\" name=\"op\" value=\"done\">"
		      "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
		      "<input type=\"hidden\" name=\"due\" value=\"%h\">"
		      "<div class=\"field\"><label for=\"dn-%lld\">完成情况 <span class=\"hint\">"
		      "可选，如谈话对象、时间、形式</span></label><textarea id=\"dn-%lld\" name=\"note\" "
		      "rows=\"2\" maxlength=\"1000\"></textarea></div><div class=\"form-actions\">"
		      "<button type=\"submit\">登记完成（%h）</button></div></form></details>",
		   (long long)x->id, x->next_due, (long long)x->id, (long long)x->id, x->next_due);
}

/* One row of the list. */
static void duty_row(request *rq, buf *b, const duty *x)
{
	char rule[128];
	duty_rule_text(x->recurrence, x->due_month, x->due_day, rule, sizeof rule);
	buf_printf(b, "<tr><td class=\"title\"><a href=\"" URL "?show=%lld#records\">%h</a>",
		   (long long)x->id, x->title);
	if (!str_empty(x->description))
		buf_printf(b, "<br><small>%h</small>", x->description);
	buf_printf(b, "</td><td>%h</td><td>%h</td><td>%h</td>", rule,
		   str_empty(x->department_name) ? "全办" : x->department_name,
		   str_empty(x->person_name) ? "未指定" : x->person_name);
	due_cell(b, x);
	buf_puts(b, "<td>");
	if (x->last_done_at > 0) {
		html_time(b, x->last_done_at);
		buf_printf(b, "<br><small>%h</small>", x->last_done_by);
	} else {
		buf_puts(b, "<span class=\"muted\">尚无记录</span>");
	}
	buf_puts(b, "</td><td>");
	if (x->active && duty_may_complete(&rq->who, x))
		done_form(rq, b, x);
	if (keeps(rq)) {
		buf_printf(b, " <a href=\"" URL "?edit=%lld#form\">编辑</a> ", (long long)x->id);
		admin_button(rq, b, URL, x->active ? "deactivate" : "activate", x->id, NULL, NULL,
			     x->active ? "停用" : "启用");
	}
	buf_puts(b, "</td></tr>\n");
}

/* One section of the list: the duties for which pick() holds. */
static void section(request *rq, buf *b, const duty *v, size_t n, const char *heading,
		    bool (*pick)(const duty *))
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += pick(&v[i]);
	if (count == 0)
		return;
	buf_printf(b, "<section><h2>%h（%zu 项）</h2>\n<div class=\"table-wrap\"><table class=\"duties\">"
		      "<thead><tr><th>工作</th><th>周期</th><th>责任单位</th><th>责任人</th>"
		      "<th>下次应完成</th><th>最近完成</th><th>操作</th></tr></thead><tbody>\n",
		   heading, count);
	for (size_t i = 0; i < n; i++)
		if (pick(&v[i]))
			duty_row(rq, b, &v[i]);
	buf_puts(b, "</tbody></table></div></section>\n");
}

static bool is_overdue(const duty *x) { return x->overdue; }
static bool is_soon(const duty *x) { return x->due_soon; }
static bool is_later(const duty *x) { return x->active && !x->overdue && !x->due_soon; }
static bool is_stopped(const duty *x) { return !x->active; }

/* The records of duty ?show=ID. */
static void records(request *rq, buf *b, int64_t id, const duty *v, size_t n)
{
	duty_record *r = NULL;
	size_t nr = 0;
	const duty *x = NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			x = &v[i];
	if (!x || duty_records(rq->db, id, RECORDS_SHOWN, &r, &nr) != LEDGER_OK)
		return;
	buf_printf(b, "<section class=\"card\" id=\"records\"><h2>完成记录：%h</h2>\n", x->title);
	if (nr == 0)
		buf_puts(b, "<p class=\"muted\">尚无完成记录。</p>");
	else
		buf_puts(b, "<ol class=\"timeline\">");
	for (size_t i = 0; i < nr; i++) {
		buf_puts(b, "<li><span class=\"when\">");
		html_time(b, r[i].done_at);
		buf_printf(b, " · %h</span><span class=\"what\">完成 %h 应完成的工作</span>",
			   r[i].actor_label, r[i].due);
		if (!str_empty(r[i].note))
			buf_printf(b, "<div class=\"note\">%h</div>", r[i].note);
		buf_puts(b, "</li>");
	}
	buf_puts(b, nr ? "</ol></section>\n" : "</section>\n");
	duty_records_free(r, nr);
}

/* ---- the create and edit form ---- */

static void department_options(request *rq, buf *o, int64_t selected)
{
	department *deps = NULL;
	size_t nd = 0;
	if (department_list(rq->db, true, &deps, &nd) == LEDGER_OK)
		form_department_options(o, deps, nd, selected, "全办（不限单位）");
	department_list_free(deps, nd);
}

static void person_options(request *rq, buf *o, int64_t selected)
{
	user *u = NULL;
	size_t n = 0;
	form_option(o, "", "不指定人员（可填写下方名称）", selected == 0);
	if (user_list(rq->db, &u, &n) != LEDGER_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!u[i].active)
			continue;
		buf_printf(o, "<option value=\"%lld\"%s>%h（%h%s%h）</option>", (long long)u[i].id,
			   u[i].id == selected ? " selected" : "", u[i].name,
			   role_label(role_from_name(u[i].role)), str_empty(u[i].department_name) ? "" : "·",
			   u[i].department_name ? u[i].department_name : "");
	}
	user_list_free(u, n);
}

static void recurrence_options(buf *o, int selected)
{
	for (int r = 0; r < DUTY_NRECURRENCES; r++)
		form_option(o, duty_recurrence_name(r), duty_recurrence_label(r), r == selected);
}

/* The form of a new duty (x NULL) or of x. */
static void duty_form(request *rq, buf *b, const duty *x)
{
	buf deps = BUF_INIT, people = BUF_INIT, recs = BUF_INIT;
	char month[8] = "", day[8] = "", lead[8] = "5";
	if (x) {
		if (x->due_month)
			snprintf(month, sizeof month, "%d", x->due_month);
		snprintf(day, sizeof day, "%d", x->due_day);
		snprintf(lead, sizeof lead, "%d", x->lead_days);
	}
	department_options(rq, &deps, x ? x->department_id : 0);
	person_options(rq, &people, x ? x->person_id : 0);
	recurrence_options(&recs, x ? x->recurrence : DUTY_YEARLY);
	const admin_field f[] = {
		{"title", "名称", AF_TEXT, x ? x->title : NULL, false, NULL, "如：村党组织书记谈话提醒", true},
		{"description", "说明", AF_TEXTAREA, x ? x->description : NULL, false, NULL,
		 "依据和要求，如《村级干部谈话提醒实施办法》：每年至少一次", false},
		{"department", "责任单位", AF_SELECT, NULL, false, buf_str(&deps), NULL, false},
		{"person", "责任人", AF_SELECT, NULL, false, buf_str(&people), NULL, false},
		{"person_name", "责任人名称", AF_TEXT, x && !x->person_id ? x->person_name : NULL, false,
		 NULL, "不是系统用户时填写，如：各村党组织书记；与上面的人员二选一", false},
		{"recurrence", "周期", AF_SELECT, NULL, false, buf_str(&recs), NULL, true},
		{"due_month", "完成月份", AF_NUMBER, month, false, NULL,
		 "每年：1-12；每半年：1-6（半年中的第几个月）；每季度：1-3（季度中的第几个月）；每月、每周不填", false},
		{"due_day", "完成日", AF_NUMBER, day, false, NULL,
		 "几号前完成，31 表示月底；每周：1-7 表示周一至周日", true},
		{"next_due", "下次应完成日期", AF_TEXT, x ? x->next_due : NULL, false, NULL,
		 "YYYY-MM-DD；留空则按周期从今天算起", false},
		{"lead_days", "提前提醒（工作日）", AF_NUMBER, lead, false, NULL, "0-60", true},
	};
	admin_form(rq, b, URL, x ? "修改定期工作" : "新增定期工作", x ? "update" : "create",
		   x ? x->id : 0, f, ARRAY_LEN(f), x ? "保存修改" : "新增");
	buf_free(&deps);
	buf_free(&people);
	buf_free(&recs);
}

/* ---- the page ---- */

static const char *done_text(const char *done)
{
	static const struct {
		const char *op, *text;
	} texts[] = {
		{"create", "已新增定期工作。"}, {"update", "已保存修改。"}, {"done", "已登记完成。"},
		{"deactivate", "已停用。"},     {"activate", "已启用。"},
	};
	for (size_t i = 0; done && i < ARRAY_LEN(texts); i++)
		if (strcmp(done, texts[i].op) == 0)
			return texts[i].text;
	return NULL;
}

static void render(request *rq, response *rs, const duty *v, size_t n, int64_t show,
		   const duty *edit)
{
	buf *b = &rs->body;
	page_begin(rq, rs, PAGE_STAFF, "定期工作", "duties");
	buf_puts(b, "<h1>定期工作</h1>\n<p class=\"muted\">按周期进行的工作，如每年对村党组织书记的谈话提醒、"
		    "年底的述职述廉。到期前按设定的工作日提醒，完成后登记，自动转到下一周期。</p>\n");
	const char *t = done_text(rq_param(rq, "done"));
	if (t)
		html_notice(b, "ok", t);
	if (n == 0)
		buf_puts(b, "<div class=\"empty\"><p>还没有定期工作。</p></div>\n");
	section(rq, b, v, n, "已逾期", is_overdue);
	section(rq, b, v, n, "即将到期", is_soon);
	section(rq, b, v, n, "其他在办", is_later);
	section(rq, b, v, n, "已停用", is_stopped);
	if (show)
		records(rq, b, show, v, n);
	if (keeps(rq))
		duty_form(rq, b, edit);
	page_end(rq, rs);
}

/* GET /staff/duties: the list, ?show=ID its records, ?edit=ID its form. */
void page_duties(request *rq, response *rs)
{
	char today[11];
	duty *v = NULL;
	size_t n = 0;
	int64_t show = 0, edit = 0;
	const duty *e = NULL;
	if (!web_param_id(rq, "show", &show) || !web_param_id(rq, "edit", &edit)) {
		resp_error(rq, rs, 400, "参数有误");
		return;
	}
	web_today(rq, today);
	if (duty_list(rq->db, today, false, &v, &n) != LEDGER_OK) {
		resp_error(rq, rs, 500, "定期工作暂时无法读取，请稍后再试");
		return;
	}
	for (size_t i = 0; edit && i < n; i++)
		if (v[i].id == edit)
			e = &v[i];
	if (edit && (!e || !keeps(rq)))
		resp_error(rq, rs, e ? 403 : 404, e ? "只有管理员和领导可以修改定期工作" : "没有这项定期工作");
	else
		render(rq, rs, v, n, show, e);
	duty_list_free(v, n);
}

/* ---- the post ---- */

/* A small integer field (empty: 0); false when malformed. */
static bool int_field(const request *rq, const char *name, int *out)
{
	const char *s = rq_param(rq, name);
	int64_t v = 0;
	if (!str_empty(s) && (!str_to_i64(s, &v) || v < -1000 || v > 1000))
		return false;
	*out = (int)v;
	return true;
}

/* The posted duty into *x (strings borrowed); NULL or the message. */
static const char *read_duty(const request *rq, duty *x)
{
	const char *next = rq_param(rq, "next_due"), *rec = rq_param(rq, "recurrence");
	memset(x, 0, sizeof *x);
	if (!web_param_id(rq, "id", &x->id) || !web_param_id(rq, "department", &x->department_id) ||
	    !web_param_id(rq, "person", &x->person_id))
		return "请从列表中选择责任单位和责任人";
	x->title = (char *)rq_param(rq, "title");
	x->description = (char *)rq_param(rq, "description");
	x->person_name = (char *)rq_param(rq, "person_name");
	if ((x->recurrence = duty_recurrence_from_name(rec)) < 0)
		return "请选择周期";
	if (!int_field(rq, "due_month", &x->due_month) || !int_field(rq, "due_day", &x->due_day) ||
	    !int_field(rq, "lead_days", &x->lead_days))
		return "月份、日期和提醒天数应为数字";
	if (!str_empty(next) && strlen(next) >= sizeof x->next_due)
		return "下次应完成日期应为 YYYY-MM-DD";
	snprintf(x->next_due, sizeof x->next_due, "%s", next ? next : "");
	x->active = true;
	return NULL;
}

/* The answer to a refused post. */
static void refused(request *rq, response *rs, int rc, const char *msg)
{
	switch (rc) {
	case LEDGER_FORBIDDEN:
		resp_error(rq, rs, 403, "您不能进行此操作：定期工作由管理员和领导维护，由责任人、本单位承办人、"
					"受理员或领导登记完成");
		break;
	case LEDGER_NOT_FOUND: resp_error(rq, rs, 404, "没有这项定期工作"); break;
	case LEDGER_BAD_STATE: resp_error(rq, rs, 409, "这项定期工作已停用"); break;
	case LEDGER_CONFLICT: resp_error(rq, rs, 409, "这项工作已由他人登记完成，请刷新后查看"); break;
	case LEDGER_INVALID: resp_error(rq, rs, 400, msg ? msg : "填写的内容有误"); break;
	default: resp_error(rq, rs, 500, "保存失败，请稍后再试"); break;
	}
}

/* Run the posted op; LEDGER_OK or the refusal (*msg for LEDGER_INVALID). */
static int apply_op(request *rq, const char *op, char **msg)
{
	int64_t id = 0;
	if (strcmp(op, "create") == 0 || strcmp(op, "update") == 0) {
		duty x;
		const char *bad = read_duty(rq, &x);
		if (!bad && (strcmp(op, "update") == 0) != (x.id > 0))
			bad = "请从列表中选择要修改的工作";
		if (bad) {
			*msg = xstrdup(bad);
			return LEDGER_INVALID;
		}
		return duty_save(rq->db, &rq->who, &x, rq->now, &id, msg);
	}
	if (!web_param_id(rq, "id", &id) || id == 0) {
		*msg = xstrdup("请从列表中选择定期工作");
		return LEDGER_INVALID;
	}
	if (strcmp(op, "done") == 0) {
		const char *due = rq_param(rq, "due");
		return duty_complete(rq->db, &rq->who, id, str_empty(due) ? NULL : due,
				     rq_param(rq, "note"), rq->now, msg);
	}
	return duty_set_active(rq->db, &rq->who, id, strcmp(op, "activate") == 0, rq->now);
}

/* POST /staff/duties: op create, update, done, deactivate or activate;
 * back to the list with a notice. */
void page_duties_post(request *rq, response *rs)
{
	static const char *const ops[] = {"create", "update", "done", "deactivate", "activate"};
	const char *op = rq_param(rq, "op");
	char *msg = NULL;
	bool known = false;
	for (size_t i = 0; op && i < ARRAY_LEN(ops); i++)
		known |= strcmp(op, ops[i]) == 0;
	if (!known) {
		resp_error(rq, rs, 400, "未知的操作");
		return;
	}
	int rc = apply_op(rq, op, &msg);
	if (rc == LEDGER_OK) {
		char *loc = str_printf(URL "?done=%u", op);
		resp_redirect(rs, loc);
		free(loc);
	} else {
		refused(rq, rs, rc, msg);
	}
	free(msg);
}

/* ---- the wall chart's box ---- */

void html_my_duties(request *rq, buf *b, const char *today)
{
	duty *v = NULL;
	size_t n = 0;
	if (duty_list_mine(rq->db, &rq->who, today, &v, &n) != LEDGER_OK || n == 0) {
		duty_list_free(v, n);
		return;
	}
	buf_puts(b, "<section class=\"card\"><h2>我的定期工作</h2>\n<ul>\n");
	for (size_t i = 0; i < n && i < MINE_SHOWN; i++) {
		const duty *x = &v[i];
		buf_printf(b, "<li><a href=\"" URL "?show=%lld#records\">%h</a> · ", (long long)x->id,
			   x->title);
		if (x->overdue)
			buf_printf(b, "<strong class=\"overdue\">%h 已逾期</strong>", x->next_due);
		else
			buf_printf(b, "%h 前完成%s", x->next_due, x->due_soon ? "（即将到期）" : "");
		buf_puts(b, "</li>\n");
	}
	buf_printf(b, "</ul>\n<p><a href=\"" URL "\">全部定期工作（我负责 %zu 项）</a></p></section>\n", n);
	duty_list_free(v, n);
}
