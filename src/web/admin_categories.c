/*
 * admin_categories.c — 类别 (categories) with their default deadlines in
 * working days (respond_days: 响应期限, resolve_days: 办理期限) and the
 * usual lead department that intake suggests when assigning: the list, the
 * create form and, with ?edit=ID, the edit form (GET and POST
 * /staff/admin/categories). category_save() validates; on an error the
 * page comes back with the message and the input kept (400).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/staff.h"

#define URL "/staff/admin/categories"

/* The name of department `id` in the list ("" when none). */
static const char *dept_name(const department *v, size_t n, int64_t id)
{
	for (size_t i = 0; id && i < n; i++)
		if (v[i].id == id)
			return v[i].name;
	return "";
}

/* The table of every category with its edit link. */
static void cat_table(buf *b, const category *v, size_t n, const department *deps, size_t nd)
{
	if (n == 0) {
		buf_puts(b, "<div class=\"empty\"><p>还没有类别。请在下方新增。</p></div>\n");
		return;
	}
	buf_puts(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>代码</th><th>名称</th>"
		    "<th>分组</th><th class=\"num\">响应期限</th><th class=\"num\">办理期限</th>"
		    "<th>默认责任单位</th><th>状态</th><th>操作</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "<tr><td class=\"mono\">%h</td><td>%h</td><td>%h</td>"
			      "<td class=\"num\">%d 个工作日</td><td class=\"num\">%d 个工作日</td>"
			      "<td>%h</td><td>%s</td><td><a href=\"" URL "?edit=%lld#form\">编辑</a>"
			      "</td></tr>\n",
			   v[i].code, v[i].name, v[i].group_name, v[i].respond_days, v[i].resolve_days,
			   dept_name(deps, nd, v[i].department_id),
			   v[i].active ? "启用" : "<span class=\"muted\">停用</span>",
			   (long long)v[i].id);
	buf_puts(b, "</tbody></table></div>\n");
}

/* The form for `form` (id 0: create). */
static void cat_form(request *rq, buf *b, const category *form, const department *deps,
		     size_t nd)
{
	buf options = BUF_INIT;
	char respond[24] = "", resolve[24] = "";
	if (form->respond_days >= 0)
		snprintf(respond, sizeof respond, "%d", form->respond_days);
	if (form->resolve_days >= 0)
		snprintf(resolve, sizeof resolve, "%d", form->resolve_days);
	form_department_options(&options, deps, nd, form->department_id, "无");
	buf types = BUF_INIT;
	bool batch = str_cmp0(form->type, "batch") == 0;
	buf_printf(&types, "<option value=\"realtime\"%s>即时受理（realtime）</option>"
			   "<option value=\"batch\"%s>批量受理（batch）</option>",
		   batch ? "" : " selected", batch ? " selected" : "");
	const admin_field f[] = {
		{"code", "代码", AF_TEXT, form->code, false, NULL, "小写字母、数字、-、_，如 shirong", true},
		{"name", "名称", AF_TEXT, form->name, false, NULL, NULL, true},
		{"group_name", "分组", AF_TEXT, form->group_name, false, NULL, "如 城市管理、民生服务",
		 false},
		{"keywords", "关键词", AF_TEXT, form->keywords, false, NULL,
		 "用空格分隔，用于自动建议类别和责任单位", false},
		{"respond_days", "响应期限（工作日）", AF_NUMBER, respond, false, NULL,
		 "受理后多少个工作日内首次响应", true},
		{"resolve_days", "办理期限（工作日）", AF_NUMBER, resolve, false, NULL,
		 "派单后多少个工作日内办结；派单时可另行指定", true},
		{"department", "默认责任单位", AF_SELECT, NULL, false, buf_str(&options),
		 "派单时默认选中", false},
		{"description", "说明", AF_TEXTAREA, form->description, false, NULL,
		 "向群众和 Open311 应用说明这一类别", false},
		{"type", "Open311 受理方式", AF_SELECT, NULL, false, buf_str(&types),
		 "批量受理：应用先拿到凭证，稍后凭凭证查询编号", false},
		{"attributes", "附加问题（JSON）", AF_TEXTAREA, form->attributes, false, NULL,
		 "Open311 属性格式：code、datatype、required、description、order、values", false},
		{"active", "启用", AF_CHECK, NULL, form->active, NULL, NULL, false},
	};
	admin_form(rq, b, URL, form->id ? "编辑类别" : "新增类别", "save", form->id, f,
		   ARRAY_LEN(f), form->id ? "保存" : "新增");
	buf_free(&options);
	buf_free(&types);
}

/* The whole page: list, then the form showing `form`. */
static void render(request *rq, response *rs, int status, const category *form,
		   const char *error)
{
	category *v = NULL;
	department *deps = NULL;
	size_t n = 0, nd = 0;
	if (category_list(rq->db, false, &v, &n) != LEDGER_OK ||
	    department_list(rq->db, false, &deps, &nd) != LEDGER_OK) {
		resp_error(rq, rs, 500, "类别列表暂时无法读取，请稍后再试");
	} else {
		rs->status = status;
		admin_begin(rq, rs, "类别与期限", "categories",
			    "事项的类别、默认办理期限（按工作日计算，节假日和调休按日历自动顺延）"
			    "和默认责任单位。",
			    error);
		cat_table(&rs->body, v, n, deps, nd);
		cat_form(rq, &rs->body, form, deps, nd);
		page_end(rq, rs);
	}
	category_list_free(v, n);
	department_list_free(deps, nd);
}

/* GET /staff/admin/categories[?edit=ID]. */
void page_admin_categories(request *rq, response *rs)
{
	category c;
	int64_t id;
	memset(&c, 0, sizeof c);
	c.active = true;
	c.respond_days = 1;
	c.resolve_days = 5;
	if (!web_param_id(rq, "edit", &id)) {
		resp_error(rq, rs, 400, "类别编号不正确");
		return;
	}
	if (id) {
		int rc = category_get(rq->db, id, NULL, &c);
		if (rc != LEDGER_OK) {
			resp_error(rq, rs, ledger_http_status(rc), "没有找到这个类别");
			return;
		}
	}
	render(rq, rs, 200, &c, NULL);
	category_clear(&c);
}

/* A whole number of days 0..365 from parameter name; -1 otherwise (the
 * ledger then names the problem). */
static int days_param(const request *rq, const char *name)
{
	int64_t v;
	if (!str_to_i64(rq_param(rq, name), &v) || v < 0 || v > 365)
		return -1;
	return (int)v;
}

/* POST /staff/admin/categories: create (id 0) or update a category. */
void page_admin_categories_post(request *rq, response *rs)
{
	category c;
	char *msg = NULL;
	memset(&c, 0, sizeof c);
	if (str_cmp0(rq_param(rq, "op"), "save") != 0 || !web_param_id(rq, "id", &c.id) ||
	    !web_param_id(rq, "department", &c.department_id)) {
		resp_error(rq, rs, 400, "请求有误，请刷新后重试");
		return;
	}
	bool create = c.id == 0;
	c.code = xstrdup(rq_param(rq, "code"));
	c.name = xstrdup(rq_param(rq, "name"));
	c.group_name = xstrdup(rq_param(rq, "group_name"));
	c.keywords = xstrdup(rq_param(rq, "keywords"));
	c.respond_days = days_param(rq, "respond_days");
	c.resolve_days = days_param(rq, "resolve_days");
	c.active = admin_checked(rq, "active");
	c.description = xstrdup(rq_param(rq, "description"));
	c.type = xstrdup(rq_param(rq, "type"));
	c.attributes = xstrdup(rq_param(rq, "attributes"));
	int rc = category_save(rq->db, &c, &msg);
	if (rc == LEDGER_OK)
		resp_redirect(rs, create ? URL "?done=created" : URL "?done=saved");
	else if (rc == LEDGER_INVALID || rc == LEDGER_CONFLICT)
		render(rq, rs, 400, &c, msg ? msg : "填写的内容有误，请检查后重试");
	else
		resp_error(rq, rs, ledger_http_status(rc), msg ? msg : "保存没有成功，请稍后再试");
	free(msg);
	category_clear(&c);
}
