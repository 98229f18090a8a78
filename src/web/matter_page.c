/*
 * matter_page.c — the staff page of one matter (GET /staff/m/NUMBER) and
 * its actions (POST /staff/m/NUMBER/act).
 *
 * The page shows every field (the submitter only to roles that may see
 * personal data: matter_load blanks it for the others anyway), the
 * deadline and overdue flag, the whole event timeline marking which
 * entries the public sees, the photos, and one form per action the
 * visitor may take now (lifecycle_available). Each form posts the action
 * name, the version the visitor saw and the CSRF token; matter_act()
 * refuses a stale version, so two clerks acting at once cannot overwrite
 * each other. The handler only parses the fields and calls matter_act()
 * once: the ledger validates and changes nothing on error.
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
#include "ledger/supervise.h"
#include "ledger/user.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/staff.h"

/* Set by intake.c: "NUMBER.CODE" of a matter just entered by a clerk. */
#define INTAKE_COOKIE "tz_intake"
#define MAX_CODEPARTMENTS 20

/* The order the action forms appear in; the first available one is
 * opened, the others folded. */
static const int action_order[] = {
	ACT_ACCEPT, ACT_ASSIGN, ACT_PROGRESS, ACT_RESOLVE, ACT_CALLBACK, ACT_RATE, ACT_CLOSE,
	ACT_URGE, ACT_EXTEND, ACT_REQUEST_EXTENSION, ACT_REOPEN, ACT_RETURN, ACT_REJECT, ACT_MERGE,
};

/* ---------- the facts ---------- */

/* One <dt>/<dd> pair with escaped text; nothing when the text is empty. */
static void fact(buf *b, const char *label, const char *text)
{
	if (!str_empty(text))
		buf_printf(b, "<dt>%h</dt><dd>%h</dd>\n", label, text);
}

/* One <dt>/<dd> pair with a long text kept with its line breaks. */
static void fact_note(buf *b, const char *label, const char *text)
{
	if (!str_empty(text))
		buf_printf(b, "<dt>%h</dt><dd class=\"note\">%h</dd>\n", label, text);
}

/* One <dt>/<dd> pair with a time; nothing for 0. */
static void fact_time(buf *b, const char *label, int64_t t)
{
	if (t <= 0)
		return;
	buf_printf(b, "<dt>%h</dt><dd>", label);
	html_time(b, t);
	buf_puts(b, "</dd>\n");
}

/* What the matter is about: kind, category, area, channel, visibility. */
static void facts_what(buf *b, const matter *m)
{
	buf_printf(b, "<dt>编号</dt><dd class=\"mono\">%h</dd>\n<dt>类型</dt><dd>%h", m->number,
		   kind_label(m->kind));
	if (!str_empty(m->subkind))
		buf_printf(b, " · %h", m->subkind);
	buf_puts(b, "</dd>\n");
	fact(b, "类别", m->category_name);
	fact(b, "片区", m->area_name);
	fact(b, "地址", m->address);
	if (m->has_point)
		buf_printf(b, "<dt>位置</dt><dd>%.6f, %.6f</dd>\n", m->lat, m->lon);
	fact(b, "受理渠道", channel_label(m->channel));
	buf_printf(b, "<dt>紧急程度</dt><dd>%s</dd>\n<dt>公开</dt><dd>%s</dd>\n",
		   m->priority > 0 ? "<strong class=\"overdue\">紧急</strong>" : "一般",
		   m->is_public ? "在公开栏公开（不含个人信息）" : "不公开");
}

/* Who handles it and by when. */
static void facts_who(buf *b, const matter *m)
{
	fact(b, "责任单位", m->department_name);
	fact(b, "承办人", m->assignee_name);
	buf_puts(b, "<dt>办理期限</dt><dd>");
	html_deadline(b, m->deadline, m->overdue);
	if (m->extensions > 0)
		buf_printf(b, " <small>（已延期 %d 次）</small>", m->extensions);
	buf_puts(b, "</dd>\n");
	if (!str_empty(m->extension_request))
		buf_printf(b, "<dt>申请延期</dt><dd>申请延期至 %h，待领导审批</dd>\n",
			   m->extension_request);
	if (m->urge_level > URGE_NONE) {
		buf_puts(b, "<dt>督办</dt><dd>");
		html_urge(b, m->urge_level, m->status, false);
		if (m->urge_level >= URGE_LISTED)
			buf_puts(b, " <small>（在公开栏标出，办结销号后摘牌）</small>");
		buf_puts(b, "</dd>\n");
	}
	fact(b, "响应期限", m->respond_by);
	fact_time(b, "提交时间", m->created_at);
	fact_time(b, "首次响应", m->responded_at);
	fact_time(b, "办结时间", m->resolved_at);
	fact_time(b, "销号时间", m->closed_at);
	fact_time(b, "最近更新", m->updated_at);
}

/* How it ended: result, reason, rating, merge. The resident's comment on
 * the rating goes only to those who may see the resident's data, as in the
 * staff API's event log. */
static void facts_outcome(buf *b, const matter *m, bool personal)
{
	fact_note(b, "办理结果", m->result);
	fact_note(b, "理由", m->reason);
	if (!str_empty(m->rating)) {
		buf_printf(b, "<dt>群众评价</dt><dd>%h", rating_label(m->rating));
		if (personal && !str_empty(m->rating_note))
			buf_printf(b, "：%h", m->rating_note);
		buf_puts(b, "</dd>\n");
	} else if (personal && !str_empty(m->rating_note)) {
		/* Sent back by the resident (评价或回访): what they said, for the
		 * department that works on it again. */
		fact_note(b, "群众意见", m->rating_note);
	}
	if (!str_empty(m->merged_into_number))
		buf_printf(b, "<dt>合并到</dt><dd><a class=\"mono\" href=\"/staff/m/%u\">%h</a></dd>\n",
			   m->merged_into_number, m->merged_into_number);
}

/* The submitter, only for roles that may see personal data. */
static void facts_submitter(request *rq, buf *b, const matter *m)
{
	/* Why: residents' name and phone are for the staff who must contact
	 * them; observers never see them (matter_load blanks them too). */
	if (!actor_sees_personal_of(&rq->who, m->department_id))
		return;
	buf_puts(b, "<section class=\"card private\"><h2>反映人（仅工作人员可见）</h2>"
		    "<dl class=\"facts\">\n");
	buf_printf(b, "<dt>类型</dt><dd>%s</dd>\n",
		   str_cmp0(m->submitter_kind, "enterprise") == 0 ? "企业" : "群众");
	buf_printf(b, "<dt>姓名</dt><dd>%h</dd>\n",
		   str_empty(m->submitter_name) ? "未留姓名" : m->submitter_name);
	if (str_empty(m->submitter_phone))
		buf_puts(b, "<dt>电话</dt><dd>未留电话</dd>\n");
	else
		buf_printf(b, "<dt>电话</dt><dd><a href=\"tel:%h\">%h</a></dd>\n", m->submitter_phone,
			   m->submitter_phone);
	fact(b, "证件号码", m->submitter_id_number);
	fact(b, "其他联系方式", m->submitter_contact);
	buf_puts(b, "</dl></section>\n");
}

/* ---------- timeline and photos ---------- */

/* The Chinese label of an event's action (the lifecycle's, or the
 * events that are not actions: submit, merged_in, import). */
static const char *event_label(const char *action)
{
	int act = action_from_name(action);
	if (act >= 0)
		return action_label(act);
	if (str_cmp0(action, "submit") == 0)
		return "提交";
	if (str_cmp0(action, "merged_in") == 0)
		return "合并重复事项";
	if (str_cmp0(action, "callback_missed") == 0)
		return "回访未接通";
	if (str_cmp0(action, "import") == 0)
		return "台账导入";
	/* the scheduler's (ledger/supervise.h) */
	if (str_cmp0(action, "remind") == 0)
		return "到期提醒";
	if (str_cmp0(action, "overdue") == 0)
		return "超期";
	return action ? action : "";
}

/* The whole timeline, oldest first, marking public and internal entries. */
static void timeline(buf *b, const event *v, size_t n)
{
	buf_puts(b, "<section class=\"card\"><h2>办理过程</h2>\n");
	if (n == 0) {
		buf_puts(b, "<p class=\"muted\">暂无记录。</p></section>\n");
		return;
	}
	buf_puts(b, "<ol class=\"timeline\">\n");
	for (size_t i = 0; i < n; i++) {
		const event *e = &v[i];
		buf_puts(b, "<li><span class=\"when\">");
		html_time(b, e->at);
		buf_printf(b, " · %h · %s</span><span class=\"what\">%h</span>", e->actor_label,
			   e->is_public ? "公开" : "<strong>内部</strong>", event_label(e->action));
		if (!str_empty(e->to_status) && str_cmp0(e->from_status, e->to_status) != 0)
			buf_printf(b, " <small>%h → %h</small>",
				   e->from_status ? status_label(status_from_name(e->from_status)) : "",
				   status_label(status_from_name(e->to_status)));
		if (!str_empty(e->note))
			buf_printf(b, "<div class=\"note\">%h</div>", e->note);
		buf_puts(b, "</li>\n");
	}
	buf_puts(b, "</ol>\n<p class=\"hint\">标为“公开”的记录会显示在群众的查询页和公开栏；"
		    "“内部”记录仅工作人员可见。</p></section>\n");
}

/* Photos as thumbnails linking to the file; other files as links. */
static void attachments(buf *b, const attachment *v, size_t n)
{
	if (n == 0)
		return;
	buf_puts(b, "<section class=\"card\"><h2>照片与附件</h2>\n<div class=\"photos\">\n");
	for (size_t i = 0; i < n; i++) {
		const attachment *a = &v[i];
		if (a->content_type && strncmp(a->content_type, "image/", 6) == 0)
			buf_printf(b, "<a href=\"/files/%lld\"><img src=\"/files/%lld\" alt=\"%h\" "
				      "loading=\"lazy\"></a>\n",
				   (long long)a->id, (long long)a->id, a->filename);
		else
			buf_printf(b, "<a href=\"/files/%lld\">%h</a> <small>%zu 字节</small>\n",
				   (long long)a->id, a->filename, a->size);
	}
	buf_puts(b, "</div>\n<p class=\"hint\">群众上传和代录的照片默认不公开。</p></section>\n");
}

/* ---------- action forms ---------- */

/* Open a field: <div class=field><label for="a-ACT-NAME">, the required
 * mark and the hint. Ids carry the action because one page holds several
 * forms with the same field names. */
static void field_open(buf *b, int act, const char *name, const char *label, const char *hint,
		       bool required)
{
	buf_printf(b, "<div class=\"field\"><label for=\"a-%d-%s\">%h%s", act, name, label,
		   required ? " <span class=\"req\">*</span>" : "");
	if (hint)
		buf_printf(b, " <span class=\"hint\">%h</span>", hint);
	buf_puts(b, "</label>");
}

/* A labelled textarea `note`. */
static void note_field(buf *b, int act, const char *label, const char *hint, bool required)
{
	field_open(b, act, "note", label, hint, required);
	buf_printf(b, "<textarea id=\"a-%d-note\" name=\"note\" rows=\"3\" maxlength=\"4000\"%s>"
		      "</textarea></div>\n",
		   act, required ? " required" : "");
}

/* A labelled date input `deadline` with an optional value. */
static void deadline_field(buf *b, int act, const char *label, const char *hint,
			   const char *value, bool required)
{
	field_open(b, act, "deadline", label, hint, required);
	buf_printf(b, "<input type=\"date\" id=\"a-%d-deadline\" name=\"deadline\" value=\"%h\"%s>"
		      "</div>\n",
		   act, value, required ? " required" : "");
}

/* The handler select of the assign form: every active handler, grouped
 * by department (the ledger refuses one of another department). */
static void assignee_select(request *rq, buf *b, int64_t selected)
{
	user *u = NULL;
	size_t n = 0;
	const char *group = NULL;
	if (user_list(rq->db, &u, &n) != LEDGER_OK)
		return;
	field_open(b, ACT_ASSIGN, "assignee", "承办人", "可不指定，由责任单位自行安排", false);
	buf_printf(b, "<select id=\"a-%d-assignee\" name=\"assignee\">", ACT_ASSIGN);
	form_option(b, "", "暂不指定", selected == 0);
	for (size_t i = 0; i < n; i++) {
		if (!u[i].active || str_cmp0(u[i].role, "handler") != 0)
			continue;
		if (str_cmp0(group, u[i].department_name) != 0) {
			buf_printf(b, "%s<optgroup label=\"%h\">", group ? "</optgroup>" : "",
				   u[i].department_name ? u[i].department_name : "");
			group = u[i].department_name ? u[i].department_name : "";
		}
		buf_printf(b, "<option value=\"%lld\"%s>%h</option>", (long long)u[i].id,
			   u[i].id == selected ? " selected" : "", u[i].name);
	}
	buf_puts(b, group ? "</optgroup></select></div>\n" : "</select></div>\n");
	user_list_free(u, n);
}

/* The department suggested for an assignment: the current one, else the
 * routing suggestion (ledger/routing.h), else the category's usual lead
 * department. */
static int64_t suggested_department(request *rq, const matter *m)
{
	category c;
	int64_t id = 0;
	if (m->department_id)
		return m->department_id;
	if (m->suggested_department_id)
		return m->suggested_department_id;
	if (m->category_id && category_get(rq->db, m->category_id, NULL, &c) == LEDGER_OK) {
		id = c.department_id;
		category_clear(&c);
	}
	return id;
}

/* Fields of the assign form. */
static void assign_fields(request *rq, buf *b, const matter *m)
{
	department *deps = NULL;
	size_t nd = 0;
	if (department_list(rq->db, true, &deps, &nd) != LEDGER_OK)
		return;
	field_open(b, ACT_ASSIGN, "department", "责任单位（主办）", NULL, true);
	buf_printf(b, "<select id=\"a-%d-department\" name=\"department\" required>", ACT_ASSIGN);
	form_department_options(b, deps, nd, suggested_department(rq, m), "请选择");
	buf_puts(b, "</select></div>\n");
	assignee_select(rq, b, m->assignee_id);
	deadline_field(b, ACT_ASSIGN, "办理期限", "留空按类别默认期限（工作日）计算", NULL, false);
	field_open(b, ACT_ASSIGN, "codepartment", "协办单位", "可多选（按住 Ctrl 或 ⌘ 点选），可不选",
		   false);
	buf_printf(b, "<select id=\"a-%d-codepartment\" name=\"codepartment\" multiple size=\"4\">",
		   ACT_ASSIGN);
	form_department_options(b, deps, nd, 0, NULL);
	buf_puts(b, "</select></div>\n");
	note_field(b, ACT_ASSIGN, "派单说明", "可选", false);
	department_list_free(deps, nd);
}

/* Fields of the rate form: a rating the resident gave in person or in
 * writing (a telephone callback has its own form, 回访). */
static void rate_fields(buf *b)
{
	buf_puts(b, "<fieldset><legend>群众评价 <span class=\"req\">*</span></legend>"
		    "<div class=\"choices\">");
	static const char *const r[] = {"satisfied", "basic", "dissatisfied"};
	for (size_t i = 0; i < ARRAY_LEN(r); i++)
		buf_printf(b, "<label class=\"choice\"><input type=\"radio\" name=\"rating\" "
			      "value=\"%s\" required> %h</label>",
			   r[i], rating_label(r[i]));
	buf_puts(b, "</div><p class=\"hint\">选择“不满意”将转为重办。</p></fieldset>\n");
	note_field(b, ACT_RATE, "群众意见", "可选，记录群众的意见（不公开）", false);
}

/* Fields of the urge form (督办): the tier, from the current one up (a
 * tier is never lowered while the matter is open), and the leader's
 * instruction, public from 挂牌督办 on. */
static void urge_fields(buf *b, const matter *m)
{
	field_open(b, ACT_URGE, "urge_level", "督办等级", "不低于当前等级", true);
	buf_printf(b, "<select id=\"a-%d-urge_level\" name=\"urge_level\" required>", ACT_URGE);
	for (int k = URGE_DAILY; k < URGE_LEVELS; k++) {
		char v[16];
		if (k < m->urge_level)
			continue;
		snprintf(v, sizeof v, "%d", k);
		form_option(b, v, urge_label(k), k == (m->urge_level > URGE_DAILY ? m->urge_level
									     : URGE_DAILY));
	}
	buf_puts(b, "</select></div>\n");
	note_field(b, ACT_URGE, "督办意见",
		   "挂牌督办、约谈督办的意见将在公开栏显示，请勿写入个人信息", true);
}

/* The fields that action `act` needs. */
static void action_fields(request *rq, buf *b, const matter *m, int act)
{
	char id[16];
	switch (act) {
	case ACT_ACCEPT: note_field(b, act, "受理说明", "可选", false); break;
	case ACT_REJECT: note_field(b, act, "不予受理的理由", "将告知群众", true); break;
	case ACT_ASSIGN: assign_fields(rq, b, m); break;
	case ACT_PROGRESS:
		note_field(b, act, "办理进展", "如联系群众、现场核查、整改措施", true);
		buf_puts(b, "<div><label class=\"choice\"><input type=\"checkbox\" name=\"note_public\" "
			    "value=\"1\" checked> 公开显示</label></div>\n");
		break;
	case ACT_REQUEST_EXTENSION:
		deadline_field(b, act, "申请延期至", "应晚于原办理期限", NULL, true);
		note_field(b, act, "延期理由", NULL, true);
		break;
	case ACT_EXTEND:
		deadline_field(b, act, "延期至",
			       str_empty(m->extension_request) ? "应晚于原办理期限"
							       : "已填入承办单位申请的日期",
			       m->extension_request, true);
		note_field(b, act, "延期理由", NULL, true);
		break;
	case ACT_RETURN:
		note_field(b, act, "退单理由", "如不属于本单位职责，请说明应由哪个单位办理", true);
		break;
	case ACT_RESOLVE:
		note_field(b, act, "办理结果",
			   m->is_public ? "将在公开栏显示，请勿写入个人信息" : NULL, true);
		break;
	case ACT_RATE: rate_fields(b); break;
	case ACT_CALLBACK:
		snprintf(id, sizeof id, "a-%d", act);
		staff_callback_fields(b, id, callback_attempts(rq->db, m->id));
		break;
	case ACT_URGE: urge_fields(b, m); break;
	case ACT_CLOSE: note_field(b, act, "核验说明", "可选，如现场核验情况", false); break;
	case ACT_REOPEN: note_field(b, act, "重办理由", NULL, true); break;
	case ACT_MERGE:
		field_open(b, act, "merge_into", "合并到事项编号", "本事项将作为重复事项并入该事项",
			   true);
		buf_printf(b, "<input type=\"text\" id=\"a-%d-merge_into\" name=\"merge_into\" "
			      "required placeholder=\"TZ-2026-000001\" autocomplete=\"off\"></div>\n",
			   act);
		break;
	}
}

/* One folded form for action `act`; `open` unfolds it. */
static void action_form(request *rq, buf *b, const matter *m, int act, bool open)
{
	buf_printf(b, "<details class=\"card\"%s><summary><strong>%h</strong></summary>\n",
		   open ? " open" : "", action_label(act));
	buf_printf(b, "<form class=\"stack\" method=\"post\" action=\"/staff/m/%u/act\">\n",
		   m->number);
	form_csrf(rq, b);
	buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"%h\">"
		      "<input type=\"hidden\" name=\"version\" value=\"%lld\">\n",
		   action_name(act), (long long)m->version);
	action_fields(rq, b, m, act);
	buf_printf(b, "<div class=\"form-actions\"><button type=\"submit\"%s>%h</button></div>\n"
		      "</form></details>\n",
		   act == ACT_REJECT || act == ACT_RETURN || act == ACT_MERGE ? " class=\"secondary\""
									       : "",
		   action_label(act));
}

/* The routing suggestion of a matter not yet routed, with a one-click
 * assign: the assign action of the forms below, department filled in. */
static void routing_hint(request *rq, buf *b, const matter *m)
{
	if (m->department_id || !status_is_open(m->status) || str_empty(m->suggestion_source))
		return;
	const char *how = strcmp(m->suggestion_source, "model") == 0 ? "模型" : "关键词";
	buf_puts(b, "<section class=\"card suggestion\"><h2>派单建议</h2>\n");
	if (m->suggested_department_id)
		buf_printf(b, "<p>建议责任单位：<strong>%h</strong>（置信度 %.0f%%，%s）</p>\n",
			   m->suggested_department_name, 100 * m->suggestion_confidence, how);
	if (m->suggested_category_id)
		buf_printf(b, "<p>建议类别：%h%s</p>\n", m->suggested_category_name,
			   m->category_id == m->suggested_category_id ? "（与所选类别一致）" : "");
	if (m->suggested_department_id && (lifecycle_available(&rq->who, m) & (1u << ACT_ASSIGN))) {
		buf_printf(b, "<form method=\"post\" action=\"/staff/m/%u/act\">\n", m->number);
		form_csrf(rq, b);
		/* The action rides on the button, so this form is not mistaken
		 * for the full assign form below by what reads the page. */
		buf_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\">"
			      "<input type=\"hidden\" name=\"department\" value=\"%lld\">\n"
			      "<button type=\"submit\" name=\"action\" value=\"assign\">"
			      "采纳建议，派单给%h</button></form>\n",
			   (long long)m->version, (long long)m->suggested_department_id,
			   m->suggested_department_name);
	}
	buf_puts(b, "<p class=\"hint\">根据本单位已办事项的文字自动推荐（无把握时按类别关键词），"
		    "仅供参考；也可在下方“派单”中另选单位、承办人和期限。</p></section>\n");
}

/* Every action the visitor may take now, the first one unfolded. */
static void action_forms(request *rq, buf *b, const matter *m)
{
	unsigned bits = lifecycle_available(&rq->who, m);
	bool first = true;
	buf_puts(b, "<section><h2>办理操作</h2>\n");
	if (!bits) {
		buf_printf(b, "<p class=\"muted\">当前状态（%h）下您没有可进行的操作。</p></section>\n",
			   status_label(m->status));
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(action_order); i++) {
		if (!(bits & (1u << action_order[i])))
			continue;
		action_form(rq, b, m, action_order[i], first);
		first = false;
	}
	buf_puts(b, "</section>\n");
}

/* ---------- the page ---------- */

/* The 查询码 of a matter a clerk has just entered, once: read from the
 * intake cookie when it names this matter, then cleared. */
static bool intake_code(request *rq, response *rs, const matter *m)
{
	const char *c = kv_get(&rq->cookies, INTAKE_COOKIE);
	const char *dot = c ? strrchr(c, '.') : NULL;
	size_t n = m->number ? strlen(m->number) : 0;
	if (!dot || (size_t)(dot - c) != n || strncmp(c, m->number, n) != 0)
		return false;
	buf_printf(&rs->body, "<div class=\"success-box\"><h2>已登记</h2><dl class=\"codes\">"
			      "<dt>事项编号</dt><dd>%h</dd><dt>查询码</dt><dd>%h</dd></dl>"
			      "<p>请将编号和查询码告知反映人（电话告知或写在回执上），凭此查询进度和评价。"
			      "查询码只显示这一次。</p></div>\n",
		   m->number, dot + 1);
	resp_set_cookie(rs, INTAKE_COOKIE, "", 0);
	return true;
}

/* The notice after an action (?done=NAME). */
static void done_notice(request *rq, buf *b)
{
	const char *done = rq_param(rq, "done");
	int act = action_from_name(done);
	if (str_cmp0(done, "submit") == 0)
		html_notice(b, "ok", "已登记。");
	if (act < 0)
		return;
	char *text = str_printf("已完成“%s”。", action_label(act));
	html_notice(b, "ok", text);
	free(text);
}

/* The heading, facts, timeline, photos and forms of a loaded matter. */
static void render_matter(request *rq, response *rs, const matter *m, const event *ev,
			  size_t nev, const attachment *att, size_t natt)
{
	buf *b = &rs->body;
	page_begin(rq, rs, PAGE_STAFF, m->title, "matters");
	buf_printf(b, "<p class=\"muted\"><a href=\"/staff/matters\">台账</a> › <span "
		      "class=\"mono\">%h</span></p>\n<h1>%h</h1>\n<p>",
		   m->number, m->title);
	html_status(b, m->status);
	html_urge(b, m->urge_level, m->status, false);
	if (m->overdue)
		buf_puts(b, " <span class=\"overdue\">已超期</span>");
	buf_puts(b, "</p>\n");
	if (!intake_code(rq, rs, m))
		done_notice(rq, b);
	buf_puts(b, "<div class=\"two-col\"><div>\n<section class=\"card\"><h2>事项内容</h2>");
	buf_printf(b, "<p class=\"note\">%h</p>\n<dl class=\"facts\">\n", m->description);
	facts_what(b, m);
	buf_puts(b, "</dl></section>\n<section class=\"card\"><h2>办理情况</h2><dl class=\"facts\">\n");
	facts_who(b, m);
	facts_outcome(b, m, actor_sees_personal_of(&rq->who, m->department_id));
	buf_puts(b, "</dl></section>\n");
	html_answers(rq, b, m);
	facts_submitter(rq, b, m);
	attachments(b, att, natt);
	timeline(b, ev, nev);
	buf_puts(b, "</div><div>\n");
	routing_hint(rq, b, m);
	html_similar_card(rq, b, m);
	action_forms(rq, b, m);
	buf_puts(b, "</div></div>\n");
	page_end(rq, rs);
}

/* GET /staff/m/NUMBER: the staff page of one matter. */
void page_matter(request *rq, response *rs)
{
	char today[11];
	matter m;
	event *ev = NULL;
	attachment *att = NULL;
	size_t nev = 0, natt = 0;

	web_today(rq, today);
	memset(&m, 0, sizeof m);
	int rc = matter_load(rq->db, &rq->who, rq->nargs > 0 ? rq->args[0] : NULL, 0, false, today,
			     &m);
	if (rc == LEDGER_NOT_FOUND) {
		resp_error(rq, rs, 404, "没有找到这个事项，请核对编号");
		return;
	}
	if (rc != LEDGER_OK || event_list(rq->db, m.id, false, &ev, &nev) != LEDGER_OK ||
	    attachment_list(rq->db, m.id, false, &att, &natt) != LEDGER_OK)
		resp_error(rq, rs, 500, "事项暂时无法读取，请稍后再试");
	else
		render_matter(rq, rs, &m, ev, nev, att, natt);
	event_list_free(ev, nev);
	attachment_list_free(att, natt);
	matter_clear(&m);
}

/* ---------- the action ---------- */

/* The co-handling departments ticked in the assign form (every
 * `codepartment` field). Returns false on a malformed id or too many;
 * *out is the caller's to free. */
static bool read_codepartments(const request *rq, int64_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < rq->form.n; i++) {
		const kv *f = &rq->form.items[i];
		int64_t id;
		if (strcmp(f->name, "codepartment") != 0 || str_empty(f->value))
			continue;
		if (!str_to_i64(f->value, &id) || id <= 0 || *n >= MAX_CODEPARTMENTS)
			return false;
		if (!*out)
			*out = xcalloc(MAX_CODEPARTMENTS, sizeof **out);
		(*out)[(*n)++] = id;
	}
	return true;
}

/* A copy of s without leading and trailing white space, or NULL when
 * nothing is left (the caller frees). */
static char *trimmed(const char *s)
{
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n ? xstrndup(s, n) : NULL;
}

/* Read the posted action into *in (strings borrowed from rq, except
 * *merge and *codeps which the caller frees). Returns NULL or a message
 * for a malformed field. */
static const char *read_action(const request *rq, action_input *in, char **merge,
			       int64_t **codeps)
{
	const char *deadline = rq_param(rq, "deadline");
	memset(in, 0, sizeof *in);
	in->act = action_from_name(rq_param(rq, "action"));
	if (in->act < 0)
		return "未知的操作";
	if (!str_to_i64(rq_param(rq, "version"), &in->version) || in->version <= 0)
		return "页面已过期，请刷新后重试";
	in->note = rq_param(rq, "note");
	/* Only a progress note may be kept internal; the ledger decides for
	 * the others (results and reasons are public by rule). */
	in->note_public = in->act != ACT_PROGRESS || !str_empty(rq_param(rq, "note_public"));
	if (!web_param_id(rq, "department", &in->department_id) ||
	    !web_param_id(rq, "assignee", &in->assignee_id))
		return "请从列表中选择责任单位和承办人";
	in->deadline = str_empty(deadline) ? NULL : deadline;
	in->rating = rq_param(rq, "rating");
	if (in->act == ACT_URGE) {
		int64_t level = 0;
		const char *v = rq_param(rq, "urge_level");
		if (!str_to_i64(v, &level) || level < URGE_DAILY || level >= URGE_LEVELS)
			return "请选择督办等级";
		in->urge_level = (int)level;
	}
	if (in->act == ACT_CALLBACK)
		staff_callback_read(rq, in);
	in->merge_into = *merge = trimmed(rq_param(rq, "merge_into"));
	if (!read_codepartments(rq, codeps, &in->ncodepartments))
		return "协办单位选择有误";
	in->codepartments = *codeps;
	return NULL;
}

/* The message for a refused action. */
static const char *refusal(int rc, const char *msg)
{
	switch (rc) {
	case LEDGER_CONFLICT: return "该事项已被他人更新，请刷新后重试";
	case LEDGER_NOT_FOUND: return "没有找到这个事项，请核对编号";
	case LEDGER_FORBIDDEN: return msg ? msg : "您无权对该事项进行此操作";
	case LEDGER_BAD_STATE: return msg ? msg : "该事项当前状态下不能进行此操作，请刷新后查看";
	case LEDGER_INVALID: return msg ? msg : "填写的内容有误，请检查后重试";
	default: return "操作没有成功，请稍后再试";
	}
}

/* POST /staff/m/NUMBER/act: apply one action, then back to the matter
 * with a notice; any refusal is an error page and changes nothing. */
void page_matter_act(request *rq, response *rs)
{
	const char *number = rq->nargs > 0 ? rq->args[0] : NULL;
	action_input in;
	char *merge = NULL, *msg = NULL;
	int64_t *codeps = NULL, version = 0;
	const char *err = read_action(rq, &in, &merge, &codeps);

	if (err) {
		resp_error(rq, rs, 400, err);
	} else {
		int rc = matter_act(rq->db, &rq->who, number, &in, rq->now, &version, &msg);
		if (rc == LEDGER_OK) {
			char *loc = str_printf("/staff/m/%u?done=%u", number, action_name(in.act));
			resp_redirect(rs, loc);
			free(loc);
		} else {
			resp_error(rq, rs, ledger_http_status(rc), refusal(rc, msg));
		}
	}
	free(msg);
	free(merge);
	free(codeps);
}
