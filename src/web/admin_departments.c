/*
 * admin_departments.c — 责任单位 (departments): the list, the create form
 * and, with ?edit=ID, the edit form (GET and POST
 * /staff/admin/departments). department_save() validates; on an error
 * the page comes back with the message and the input kept (400).
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/staff.h"

#define URL "/staff/admin/departments"

/* The table of every department with its edit link. */
static void dept_table(buf *b, const department *v, size_t n)
{
	if (n == 0) {
		buf_puts(b, "<div class=\"empty\"><p>还没有责任单位。请在下方新增。</p></div>\n");
		return;
	}
	buf_puts(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>代码</th><th>名称</th>"
		    "<th>联系电话</th><th>状态</th><th>操作</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "<tr><td class=\"mono\">%h</td><td>%h</td><td>%h</td><td>%s</td>"
			      "<td><a href=\"" URL "?edit=%lld#form\">编辑</a></td></tr>\n",
			   v[i].code, v[i].name, v[i].phone, v[i].active ? "启用" : "<span class=\"muted\">停用</span>",
			   (long long)v[i].id);
	buf_puts(b, "</tbody></table></div>\n");
}

/* The whole page: list, then the form showing `form` (id 0: create). */
static void render(request *rq, response *rs, int status, const department *form,
		   const char *error)
{
	department *v = NULL;
	size_t n = 0;
	if (department_list(rq->db, false, &v, &n) != LEDGER_OK) {
		resp_error(rq, rs, 500, "单位列表暂时无法读取，请稍后再试");
		return;
	}
	rs->status = status;
	admin_begin(rq, rs, "责任单位", "departments",
		    "承办群众诉求的单位（主办、协办）。停用的单位不再出现在派单列表中，历史事项不受影响。",
		    error);
	dept_table(&rs->body, v, n);
	const admin_field f[] = {
		{"code", "代码", AF_TEXT, form->code, false, NULL, "小写字母、数字、-、_，如 cgj", true},
		{"name", "名称", AF_TEXT, form->name, false, NULL, NULL, true},
		{"phone", "联系电话", AF_TEXT, form->phone, false, NULL, NULL, false},
		{"active", "启用", AF_CHECK, NULL, form->active, NULL, NULL, false},
	};
	admin_form(rq, &rs->body, URL, form->id ? "编辑责任单位" : "新增责任单位", "save", form->id,
		   f, ARRAY_LEN(f), form->id ? "保存" : "新增");
	page_end(rq, rs);
	department_list_free(v, n);
}

/* GET /staff/admin/departments[?edit=ID]. */
void page_admin_departments(request *rq, response *rs)
{
	department d;
	int64_t id;
	memset(&d, 0, sizeof d);
	d.active = true;
	if (!web_param_id(rq, "edit", &id)) {
		resp_error(rq, rs, 400, "单位编号不正确");
		return;
	}
	if (id) {
		int rc = department_get(rq->db, id, NULL, &d);
		if (rc != LEDGER_OK) {
			resp_error(rq, rs, ledger_http_status(rc), "没有找到这个单位");
			return;
		}
	}
	render(rq, rs, 200, &d, NULL);
	department_clear(&d);
}

/* POST /staff/admin/departments: create (id 0) or update a department. */
void page_admin_departments_post(request *rq, response *rs)
{
	department d;
	char *msg = NULL;
	memset(&d, 0, sizeof d);
	if (str_cmp0(rq_param(rq, "op"), "save") != 0 || !web_param_id(rq, "id", &d.id)) {
		resp_error(rq, rs, 400, "请求有误，请刷新后重试");
		return;
	}
	bool create = d.id == 0;
	d.code = xstrdup(rq_param(rq, "code"));
	d.name = xstrdup(rq_param(rq, "name"));
	d.phone = xstrdup(rq_param(rq, "phone"));
	d.active = admin_checked(rq, "active");
	int rc = department_save(rq->db, &d, &msg);
	if (rc == LEDGER_OK)
		resp_redirect(rs, create ? URL "?done=created" : URL "?done=saved");
	else if (rc == LEDGER_INVALID || rc == LEDGER_CONFLICT)
		render(rq, rs, 400, &d, msg ? msg : "填写的内容有误，请检查后重试");
	else
		resp_error(rq, rs, ledger_http_status(rc), msg ? msg : "保存没有成功，请稍后再试");
	free(msg);
	department_clear(&d);
}
