/*
 * admin_areas.c — 片区 (areas: streets, villages, communities, estates,
 * zones): the list, the create form and, with ?edit=ID, the edit form
 * (GET and POST /staff/admin/areas). area_save() validates; on an error
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

#define URL "/staff/admin/areas"

static const struct {
	const char *name, *label;
} area_kinds[] = {
	{"street", "街道"}, {"village", "村"}, {"community", "社区"},
	{"estate", "小区"}, {"zone", "园区"},
};

/* The Chinese label of an area kind ("" when unknown). */
static const char *kind_text(const char *kind)
{
	for (size_t i = 0; kind && i < ARRAY_LEN(area_kinds); i++)
		if (strcmp(kind, area_kinds[i].name) == 0)
			return area_kinds[i].label;
	return "";
}

/* The name of the area `id` in the list v ("" when none). */
static const char *area_name(const area *v, size_t n, int64_t id)
{
	for (size_t i = 0; id && i < n; i++)
		if (v[i].id == id)
			return v[i].name;
	return "";
}

/* The table of every area with its edit link. */
static void area_table(buf *b, const area *v, size_t n)
{
	if (n == 0) {
		buf_puts(b, "<div class=\"empty\"><p>还没有片区。请在下方新增。</p></div>\n");
		return;
	}
	buf_puts(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>代码</th><th>名称</th>"
		    "<th>类型</th><th>上级片区</th><th>状态</th><th>操作</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "<tr><td class=\"mono\">%h</td><td>%h</td><td>%h</td><td>%h</td>"
			      "<td>%s</td><td><a href=\"" URL "?edit=%lld#form\">编辑</a></td></tr>\n",
			   v[i].code, v[i].name, kind_text(v[i].kind), area_name(v, n, v[i].parent_id),
			   v[i].active ? "启用" : "<span class=\"muted\">停用</span>",
			   (long long)v[i].id);
	buf_puts(b, "</tbody></table></div>\n");
}

/* The form for `form` (id 0: create), with the kind and parent selects. */
static void area_form(request *rq, buf *b, const area *form, const area *v, size_t n)
{
	buf kinds = BUF_INIT, parents = BUF_INIT;
	for (size_t i = 0; i < ARRAY_LEN(area_kinds); i++)
		form_option(&kinds, area_kinds[i].name, area_kinds[i].label,
			    str_cmp0(form->kind, area_kinds[i].name) == 0);
	form_area_options(&parents, v, n, form->parent_id, "无（顶级）");
	const admin_field f[] = {
		{"code", "代码", AF_TEXT, form->code, false, NULL, "小写字母、数字、-、_，如 dongguan", true},
		{"name", "名称", AF_TEXT, form->name, false, NULL, NULL, true},
		{"kind", "类型", AF_SELECT, NULL, false, buf_str(&kinds), NULL, true},
		{"parent", "上级片区", AF_SELECT, NULL, false, buf_str(&parents), "如村所属的街道", false},
		{"active", "启用", AF_CHECK, NULL, form->active, NULL, NULL, false},
	};
	admin_form(rq, b, URL, form->id ? "编辑片区" : "新增片区", "save", form->id, f,
		   ARRAY_LEN(f), form->id ? "保存" : "新增");
	buf_free(&kinds);
	buf_free(&parents);
}

/* The whole page: list, then the form showing `form`. */
static void render(request *rq, response *rs, int status, const area *form, const char *error)
{
	area *v = NULL;
	size_t n = 0;
	if (area_list(rq->db, false, &v, &n) != LEDGER_OK) {
		resp_error(rq, rs, 500, "片区列表暂时无法读取，请稍后再试");
		return;
	}
	rs->status = status;
	admin_begin(rq, rs, "片区", "areas",
		    "群众反映事项所在的街道、村、社区、小区和园区。停用后不再出现在提交表单中。", error);
	area_table(&rs->body, v, n);
	area_form(rq, &rs->body, form, v, n);
	page_end(rq, rs);
	area_list_free(v, n);
}

/* GET /staff/admin/areas[?edit=ID]. */
void page_admin_areas(request *rq, response *rs)
{
	area a;
	int64_t id;
	memset(&a, 0, sizeof a);
	a.active = true;
	if (!web_param_id(rq, "edit", &id)) {
		resp_error(rq, rs, 400, "片区编号不正确");
		return;
	}
	if (id) {
		int rc = area_get(rq->db, id, NULL, &a);
		if (rc != LEDGER_OK) {
			resp_error(rq, rs, ledger_http_status(rc), "没有找到这个片区");
			return;
		}
	} else {
		a.kind = xstrdup("village");
	}
	render(rq, rs, 200, &a, NULL);
	area_clear(&a);
}

/* POST /staff/admin/areas: create (id 0) or update an area. */
void page_admin_areas_post(request *rq, response *rs)
{
	area a;
	char *msg = NULL;
	memset(&a, 0, sizeof a);
	if (str_cmp0(rq_param(rq, "op"), "save") != 0 || !web_param_id(rq, "id", &a.id) ||
	    !web_param_id(rq, "parent", &a.parent_id)) {
		resp_error(rq, rs, 400, "请求有误，请刷新后重试");
		return;
	}
	bool create = a.id == 0;
	a.code = xstrdup(rq_param(rq, "code"));
	a.name = xstrdup(rq_param(rq, "name"));
	a.kind = xstrdup(rq_param(rq, "kind"));
	a.active = admin_checked(rq, "active");
	int rc = area_save(rq->db, &a, &msg);
	if (rc == LEDGER_OK)
		resp_redirect(rs, create ? URL "?done=created" : URL "?done=saved");
	else if (rc == LEDGER_INVALID || rc == LEDGER_CONFLICT)
		render(rq, rs, 400, &a, msg ? msg : "填写的内容有误，请检查后重试");
	else
		resp_error(rq, rs, ledger_http_status(rc), msg ? msg : "保存没有成功，请稍后再试");
	free(msg);
	area_clear(&a);
}
