/*
 * board.c — the public board 公开栏 (挂牌销号): every public matter with its
 * category, area, responsible department, status and deadline; matters
 * under 挂牌督办 or 约谈督办 marked (ledger/supervise.h); closed matters
 * struck through. Filters by kind, category, area, department,
 * status ("open" for everything still being handled) and overdue, 20 per
 * page. A table on desktops, cards on phones. Only public matters, loaded
 * as the anonymous actor, and no personal data is ever printed.
 */
#include "web/pages.h"

#include <string.h>

#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "web/html.h"

#define PAGE_SIZE 20
#define OFFSET_MAX 1000000

static const char *const kinds[] = {"request", "wish", "petition", "inspection", "project"};

/* The catalogues the filter form offers. */
typedef struct board_lists {
	department *deps;
	area *areas;
	category *cats;
	size_t ndeps, nareas, ncats;
} board_lists;

/* Load the active catalogues. Returns false on a database error. */
static bool lists_load(request *rq, board_lists *l)
{
	memset(l, 0, sizeof *l);
	return department_list(rq->db, true, &l->deps, &l->ndeps) == LEDGER_OK &&
	       area_list(rq->db, true, &l->areas, &l->nareas) == LEDGER_OK &&
	       category_list(rq->db, true, &l->cats, &l->ncats) == LEDGER_OK;
}

static void lists_free(board_lists *l)
{
	if (l->deps)
		department_list_free(l->deps, l->ndeps);
	if (l->areas)
		area_list_free(l->areas, l->nareas);
	if (l->cats)
		category_list_free(l->cats, l->ncats);
}

/* Read the filters from the query into *f. Returns NULL or the message
 * for a bad value (answered with 400). */
static const char *read_filter(request *rq, matter_filter *f)
{
	*f = matter_filter_any();
	f->public_only = true; /* why: the board is public; private matters never show */
	f->limit = PAGE_SIZE;
	const char *kind = rq_param(rq, "kind"), *status = rq_param(rq, "status");
	const char *offset = rq_param(rq, "offset");
	if (!str_empty(kind) && !kind_valid(kind))
		return "类型不正确";
	f->kind = str_empty(kind) ? NULL : kind;
	if (!web_param_id(rq, "category", &f->category_id) || !web_param_id(rq, "area", &f->area_id) ||
	    !web_param_id(rq, "department", &f->department_id))
		return "筛选条件不正确";
	if (str_cmp0(status, "open") == 0)
		f->open_only = true;
	else if (!str_empty(status) && (f->status = status_from_name(status)) < 0)
		return "状态不正确";
	f->overdue_only = !str_empty(rq_param(rq, "overdue"));
	if (!web_param_urge(rq, true, &f->urge_min))
		return "督办筛选不正确";
	/* 挂牌督办 is marked while the matter is open (挂牌销号) */
	f->open_only = f->open_only || f->urge_min > 0;
	f->q = str_empty(rq_param(rq, "q")) ? NULL : rq_param(rq, "q");
	int64_t off = 0;
	if (!str_empty(offset) && (!str_to_i64(offset, &off) || off < 0 || off > OFFSET_MAX))
		return "页码不正确";
	f->offset = (int)off;
	return NULL;
}

/* The kind and status selects of the filter form. */
static void filter_kind_status(buf *b, const matter_filter *f, const char *status)
{
	buf_puts(b, "<div class=\"field\"><label for=\"f-kind\">类型</label><select id=\"f-kind\" name=\"kind\">");
	form_option(b, "", "全部", f->kind == NULL);
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		form_option(b, kinds[i], kind_label(kinds[i]), str_cmp0(f->kind, kinds[i]) == 0);
	buf_puts(b, "</select></div><div class=\"field\"><label for=\"f-status\">状态</label>"
		    "<select id=\"f-status\" name=\"status\">");
	form_option(b, "", "全部", str_empty(status));
	form_option(b, "open", "未办结", f->open_only);
	for (int s = 0; s < ST_COUNT; s++)
		form_option(b, status_name(s), status_label(s), !f->open_only && f->status == s);
	buf_puts(b, "</select></div>");
}

/* The filter form (GET, so a filtered board can be bookmarked). */
static void filter_form(request *rq, buf *b, const matter_filter *f, const board_lists *l)
{
	buf_printf(b, "<form class=\"filters\" method=\"get\" action=\"/board\" aria-label=\"筛选\">"
		      "<div class=\"field\"><label for=\"f-q\">搜索</label>"
		      "<input type=\"search\" id=\"f-q\" name=\"q\" value=\"%h\" maxlength=\"100\" "
		      "placeholder=\"如：井盖、路灯、垃圾清运\"></div>",
		   f->q);
	filter_kind_status(b, f, rq_param(rq, "status"));
	buf_puts(b, "<div class=\"field\"><label for=\"f-category\">分类</label><select id=\"f-category\" name=\"category\">");
	form_category_options(b, l->cats, l->ncats, f->category_id, "全部");
	buf_puts(b, "</select></div><div class=\"field\"><label for=\"f-area\">片区</label><select id=\"f-area\" name=\"area\">");
	form_area_options(b, l->areas, l->nareas, f->area_id, "全部");
	buf_puts(b, "</select></div><div class=\"field\"><label for=\"f-dep\">责任单位</label>"
		    "<select id=\"f-dep\" name=\"department\">");
	form_department_options(b, l->deps, l->ndeps, f->department_id, "全部");
	buf_printf(b,
		   "</select></div><div class=\"form-actions\">"
		   "<label class=\"choice\"><input type=\"checkbox\" name=\"overdue\" value=\"1\"%s> 只看超期</label>"
		   "<label class=\"choice\"><input type=\"checkbox\" name=\"urge\" value=\"2\"%s> 只看挂牌督办</label>"
		   "<button type=\"submit\">筛选</button>"
		   "<a class=\"button secondary\" href=\"/board\">清除条件</a></div></form>",
		   f->overdue_only ? " checked" : "", f->urge_min ? " checked" : "");
}

/* One row (a card on phones). Closed matters are struck through: 销号. */
static void board_row(buf *b, const matter *m)
{
	buf_printf(b,
		   "<tr%s><td class=\"mono\" data-label=\"编号\"><a href=\"/t/%u\">%h</a></td>"
		   "<td class=\"title\"><a href=\"/t/%u\">%h</a>",
		   m->status == ST_CLOSED ? " class=\"closed\"" : "", m->number, m->number, m->number,
		   m->title);
	html_snippet(b, m->snippet);
	buf_printf(b,
		   "</td><td data-label=\"分类\">%h</td><td data-label=\"片区\">%h</td>"
		   "<td data-label=\"责任单位\">%h</td><td data-label=\"状态\">",
		   str_empty(m->category_name) ? "—" : m->category_name,
		   str_empty(m->area_name) ? "—" : m->area_name,
		   str_empty(m->department_name) ? "待派单" : m->department_name);
	html_status(b, m->status);
	html_urge(b, m->urge_level, m->status, true); /* 挂牌督办: the public mark */
	buf_puts(b, "</td><td data-label=\"办理时限\">");
	html_deadline(b, m->deadline, m->overdue);
	buf_puts(b, "</td></tr>");
}

/* The list of matters, or the empty state. */
static void board_table(buf *b, const matter_list *list)
{
	if (list->n == 0) {
		buf_puts(b, "<p class=\"empty\">暂无符合条件的事项</p>");
		return;
	}
	buf_puts(b, "<div class=\"table-wrap\"><table class=\"board\"><thead><tr><th>编号</th><th>事项</th>"
		    "<th>分类</th><th>片区</th><th>责任单位</th><th>状态</th><th>办理时限</th></tr></thead><tbody>");
	for (size_t i = 0; i < list->n; i++)
		board_row(b, &list->items[i]);
	buf_puts(b, "</tbody></table></div>");
}

/* GET /board: the public board. */
void page_board(request *rq, response *rs)
{
	matter_filter f;
	const char *err = read_filter(rq, &f);
	if (err) {
		resp_error(rq, rs, 400, err);
		return;
	}
	board_lists l;
	matter_list list = {0};
	actor anon = {.role = ROLE_NONE};
	char today[11];
	web_today(rq, today);
	if (!lists_load(rq, &l) || matter_find(rq->db, &anon, &f, today, &list) != LEDGER_OK) {
		resp_error(rq, rs, 500, "公开栏暂时无法打开，请稍后再试");
		goto done;
	}
	page_begin(rq, rs, PAGE_PUBLIC, "公开栏", "board");
	buf_puts(&rs->body, "<h1>公开栏</h1><p class=\"muted\">挂牌督办，办结销号。这里公开群众反映事项的办理情况，"
			    "不含任何个人信息；超期未办结、列为挂牌督办或约谈督办的事项标出督办等级，"
			    "已销号的事项以删除线标出。</p>");
	filter_form(rq, &rs->body, &f, &l);
	html_export_links(rq, &rs->body, "/board/export", NULL); /* public rules: web/export.c */
	board_table(&rs->body, &list);
	html_pager(rq, &rs->body, &list, f.offset, PAGE_SIZE);
	page_end(rq, rs);
done:
	matter_list_free(&list);
	lists_free(&l);
}
