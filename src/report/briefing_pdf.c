/*
 * briefing_pdf.c — the briefing as an A4 PDF, written with cairo's PDF
 * surface and laid out by pango with Noto Sans CJK SC, so the document
 * holds real, searchable, copyable text (not an image).
 *
 * A small flowing layout: paragraphs and table rows are placed top-down
 * and move to a new page when they do not fit (a table repeats its header
 * row there); every page ends with its number. Charts are drawn with
 * cairo directly as horizontal bars with their numbers written beside
 * them (the workflow and the top categories); the weekly trend is a table.
 *
 * Each document gets its own pango font map, released at the end, so
 * nothing is cached between documents or threads; cairo's static caches
 * are released by briefing_pdf_shutdown. (Fontconfig keeps its
 * process-wide configuration reachable until exit: not a leak.)
 */
#include "report/briefing_int.h"
#include "base/util.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.276 /* A4 in points */
#define PAGE_H 841.890
#define LEFT 56.0
#define WIDTH (PAGE_W - 2 * LEFT)
#define TOP 60.0
#define BOTTOM (PAGE_H - 64.0)
#define FONT "Noto Sans CJK SC"

typedef struct pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoFontMap *fonts;
	PangoContext *ctx;
	double y;
	int page;
} pdf;

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
	buf_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* A laid-out text: font "Noto Sans CJK SC [Bold] SIZE", wrapped at width. */
static PangoLayout *text_layout(pdf *p, const char *font, double width, const char *text,
				PangoAlignment align)
{
	PangoLayout *l = pango_layout_new(p->ctx);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, text ? text : "", -1);
	return l;
}

static double layout_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void draw_layout(pdf *p, PangoLayout *l, double x, double y)
{
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

/* The page number at the foot of the current page. */
static void footer(pdf *p)
{
	char s[32];
	snprintf(s, sizeof s, "第 %d 页", p->page);
	PangoLayout *l = text_layout(p, FONT " 9", WIDTH, s, PANGO_ALIGN_CENTER);
	cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	draw_layout(p, l, LEFT, PAGE_H - 40);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	g_object_unref(l);
}

static void new_page(pdf *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = TOP;
}

/* Make room for h points, on a new page when needed; true when it broke. */
static bool ensure(pdf *p, double h)
{
	if (p->y + h <= BOTTOM || p->y == TOP)
		return false;
	new_page(p);
	return true;
}

/* A paragraph in font, then `after` points of space. */
static void paragraph(pdf *p, const char *font, const char *text, PangoAlignment align,
		      double after)
{
	PangoLayout *l = text_layout(p, font, WIDTH, text, align);
	double h = layout_height(l);
	ensure(p, h);
	draw_layout(p, l, LEFT, p->y);
	p->y += h + after;
	g_object_unref(l);
}

/* A table being built: ncols columns of the given widths (points), cells
 * row by row; `right` marks numeric columns. */
typedef struct table {
	size_t ncols;
	const double *widths;
	const bool *right;
	char **cells;
	size_t n, cap;
} table;

static void cell(table *t, char *text)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 32;
		t->cells = xrealloc(t->cells, t->cap * sizeof *t->cells);
	}
	t->cells[t->n++] = text;
}

/* A cell with a rate: "96.2%" or the empty words. */
static void rate_cell(table *t, rate r, const char *empty)
{
	buf b = BUF_INIT;
	briefing_rate(&b, r, empty);
	cell(t, buf_steal(&b));
}

static void table_free(table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
}

/* One row of cells (header: bold on grey) at p->y. */
static void table_row(pdf *p, const table *t, char *const *cells, bool header)
{
	PangoLayout *l[16];
	double h = 0, x = LEFT;
	const char *font = header ? FONT " Bold 9.5" : FONT " 9.5";
	for (size_t c = 0; c < t->ncols && c < 16; c++) {
		l[c] = text_layout(p, font, t->widths[c] - 8, cells[c],
				   t->right[c] && !header ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
		h = layout_height(l[c]) > h ? layout_height(l[c]) : h;
	}
	h += 8;
	for (size_t c = 0; c < t->ncols && c < 16; c++) {
		cairo_rectangle(p->cr, x, p->y, t->widths[c], h);
		if (header) {
			cairo_set_source_rgb(p->cr, 0.92, 0.92, 0.92);
			cairo_fill_preserve(p->cr);
			cairo_set_source_rgb(p->cr, 0, 0, 0);
		}
		cairo_set_line_width(p->cr, 0.6);
		cairo_stroke(p->cr);
		draw_layout(p, l[c], x + 4, p->y + 4);
		g_object_unref(l[c]);
		x += t->widths[c];
	}
	p->y += h;
}

/* The table: header row `head` (ncols texts), then the cells; the header
 * is repeated at the top of each new page. */
static void table_draw(pdf *p, const table *t, char *const *head)
{
	ensure(p, 60);
	table_row(p, t, head, true);
	for (size_t i = 0; i + t->ncols <= t->n; i += t->ncols) {
		if (ensure(p, 24))
			table_row(p, t, head, true);
		table_row(p, t, t->cells + i, false);
	}
	p->y += 12;
}

static void pdf_overdue(pdf *p, const briefing *b)
{
	static const double w[] = {183.3, 80, 80, 69, 70};
	static const bool right[] = {false, true, true, true, true};
	static char *const head[] = {"单位", "超期件数", "受理", "办结", "办结率"};
	size_t *idx, n = briefing_overdue_order(b, &idx);
	table t = {5, w, right, NULL, 0, 0};
	paragraph(p, FONT " Bold 13", "一、超期未办结情况", PANGO_ALIGN_LEFT, 6);
	if (!n)
		paragraph(p, FONT " 10.5", "本期没有超期未办结的诉求。", PANGO_ALIGN_LEFT, 10);
	for (size_t i = 0; i < n; i++) {
		const briefing_dept *x = &b->depts[idx[i]];
		cell(&t, xstrdup(x->name));
		cell(&t, str_printf("%lld", (long long)x->r.overdue));
		cell(&t, str_printf("%lld", (long long)x->r.completion.den));
		cell(&t, str_printf("%lld", (long long)x->r.completion.num));
		rate_cell(&t, x->r.completion, briefing_empty_completion);
	}
	if (n)
		table_draw(p, &t, head);
	table_free(&t);
	free(idx);
}

/* One department's (or the total's) cells of the department table. */
static void dept_cells(table *t, const char *name, const rates *r)
{
	cell(t, xstrdup(name));
	cell(t, str_printf("%lld", (long long)r->completion.den));
	cell(t, str_printf("%lld", (long long)r->completion.num));
	rate_cell(t, r->completion, briefing_empty_completion);
	rate_cell(t, r->on_time, briefing_empty_on_time);
	rate_cell(t, r->response, briefing_empty_response);
	rate_cell(t, r->resolution, briefing_empty_resolution);
	rate_cell(t, r->satisfaction, briefing_empty_satisfaction);
	cell(t, str_printf("%lld", (long long)r->overdue));
}

static void pdf_departments(pdf *p, const briefing *b)
{
	static const double w[] = {99.3, 40, 40, 50, 54, 50, 54, 55, 40};
	static const bool right[] = {false, true, true, true, true, true, true, true, true};
	static char *const head[] = {"单位", "受理", "办结", "办结率", "按时办结率",
				     "响应率", "解决率", "满意率", "超期"};
	table t = {9, w, right, NULL, 0, 0};
	new_page(p);
	paragraph(p, FONT " Bold 13", "二、各责任单位办理情况", PANGO_ALIGN_LEFT, 6);
	for (size_t i = 0; i < b->ndepts; i++)
		dept_cells(&t, b->depts[i].name, &b->depts[i].r);
	dept_cells(&t, "合计", &b->total);
	table_draw(p, &t, head);
	table_free(&t);
}

static void pdf_cases(pdf *p, const briefing *b)
{
	paragraph(p, FONT " Bold 13", "三、典型案例", PANGO_ALIGN_LEFT, 6);
	if (!b->ncases)
		paragraph(p, FONT " 10.5", "本期暂无已办结并获群众好评的公开事项。", PANGO_ALIGN_LEFT, 10);
	for (size_t i = 0; i < b->ncases; i++) {
		buf t = BUF_INIT;
		buf_printf(&t, "%zu. ", i + 1);
		briefing_case_head(&t, &b->cases[i]);
		paragraph(p, FONT " Bold 10.5", buf_str(&t), PANGO_ALIGN_LEFT, 2);
		buf_reset(&t);
		buf_puts(&t, "办理结果：");
		briefing_case_result(&t, &b->cases[i]);
		buf_printf(&t, "\n群众评价：%s", rating_label(b->cases[i].rating));
		paragraph(p, FONT " 10.5", buf_str(&t), PANGO_ALIGN_LEFT, 8);
		buf_free(&t);
	}
}

/* Horizontal bars with a title: a label, a bar and its number per row. */
static void bars(pdf *p, const char *title, const char *const *labels, const int64_t *v,
		 size_t n)
{
	int64_t max = 1;
	for (size_t i = 0; i < n; i++)
		max = v[i] > max ? v[i] : max;
	ensure(p, 30 + 20.0 * (double)n);
	paragraph(p, FONT " Bold 10.5", title, PANGO_ALIGN_LEFT, 4);
	for (size_t i = 0; i < n; i++) {
		char num[32];
		double w = 300.0 * (double)(v[i] > 0 ? v[i] : 0) / (double)max;
		PangoLayout *l = text_layout(p, FONT " 9.5", 110, labels[i], PANGO_ALIGN_RIGHT);
		draw_layout(p, l, LEFT, p->y + 2);
		g_object_unref(l);
		cairo_rectangle(p->cr, LEFT + 118, p->y + 3, w, 13);
		cairo_set_source_rgb(p->cr, 0.0, 0.447, 0.698);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		snprintf(num, sizeof num, "%lld", (long long)v[i]);
		l = text_layout(p, FONT " Bold 9.5", 60, num, PANGO_ALIGN_LEFT);
		draw_layout(p, l, LEFT + 124 + w, p->y + 2);
		g_object_unref(l);
		p->y += 20;
	}
	p->y += 10;
}

static void pdf_charts(pdf *p, const briefing *b)
{
	const stats_flow *f = &b->flow;
	const char *stages[] = {"提交", "已受理", "已派单", "办理中", "已办结",
				"已销号", "退单", "延期", "重办", "不予受理"};
	int64_t sv[] = {f->handed_in, f->accepted, f->assigned, f->working, f->resolved,
			f->closed, f->returned, f->extended, f->reopened, f->rejected};
	bars(p, "图1 办理流程（件）", stages, sv, 10);
	const char **labels = xcalloc(b->ncategories + 1, sizeof *labels);
	int64_t *v = xcalloc(b->ncategories + 1, sizeof *v);
	for (size_t i = 0; i < b->ncategories; i++) {
		labels[i] = b->categories[i].name;
		v[i] = b->categories[i].count;
	}
	if (b->ncategories)
		bars(p, "图2 受理量居前的问题类别（件）", labels, v, b->ncategories);
	free(labels);
	free(v);

	static const double w[] = {161.3, 160, 160};
	static const bool right[] = {false, true, true};
	static char *const head[] = {"时段", "受理", "办结"};
	table t = {3, w, right, NULL, 0, 0};
	for (size_t i = 0; i < b->ntrend; i++) {
		char d[32];
		briefing_date(b->trend[i].start, b->to, d);
		cell(&t, str_printf("%s起%d天", d, b->trend[i].days));
		cell(&t, str_printf("%lld", (long long)b->trend[i].handed_in));
		cell(&t, str_printf("%lld", (long long)b->trend[i].resolved));
	}
	paragraph(p, FONT " Bold 10.5", "表 受理与办结趋势", PANGO_ALIGN_LEFT, 4);
	table_draw(p, &t, head);
	table_free(&t);
}

/* The whole document onto p. */
static void pdf_body(pdf *p, const briefing *b)
{
	buf t = BUF_INIT;
	briefing_title(&t, b);
	paragraph(p, FONT " Bold 18", buf_str(&t), PANGO_ALIGN_CENTER, 4);
	buf_reset(&t);
	buf_puts(&t, "（");
	briefing_period(&t, b->from, b->to);
	buf_puts(&t, "）");
	paragraph(p, FONT " 11", buf_str(&t), PANGO_ALIGN_CENTER, 16);
	buf_reset(&t);
	briefing_lead(&t, b);
	paragraph(p, FONT " 11", buf_str(&t), PANGO_ALIGN_LEFT, 14);
	pdf_overdue(p, b);
	pdf_departments(p, b);
	pdf_cases(p, b);
	paragraph(p, FONT " Bold 13", "四、问题分布与办理流程", PANGO_ALIGN_LEFT, 6);
	buf_reset(&t);
	briefing_distribution(&t, b);
	paragraph(p, FONT " 10.5", buf_str(&t), PANGO_ALIGN_LEFT, 4);
	buf_reset(&t);
	briefing_workflow(&t, b);
	paragraph(p, FONT " 10.5", buf_str(&t), PANGO_ALIGN_LEFT, 10);
	pdf_charts(p, b);
	buf_free(&t);
	footer(p);
}

int briefing_pdf(buf *out, const briefing *b, const char **err)
{
	pdf p = {0};
	int rc = -1;
	buf title = BUF_INIT;
	p.surface = cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
	p.cr = cairo_create(p.surface);
	p.fonts = pango_cairo_font_map_new();
	p.ctx = pango_font_map_create_context(p.fonts);
	pango_cairo_context_set_resolution(p.ctx, 72); /* 1 pt = 1 unit of the page */
	pango_cairo_update_context(p.cr, p.ctx);
	briefing_title(&title, b);
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE, buf_str(&title));
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR, "taizhang 台账");
	p.page = 1;
	p.y = TOP;
	pdf_body(&p, b);
	cairo_show_page(p.cr);
	cairo_surface_finish(p.surface);
	if (cairo_status(p.cr) != CAIRO_STATUS_SUCCESS ||
	    cairo_surface_status(p.surface) != CAIRO_STATUS_SUCCESS) {
		*err = "PDF 生成失败";
		goto done;
	}
	rc = 0;
done:
	buf_free(&title);
	g_object_unref(p.ctx);
	/* Why shut the font map down: it drops the fonts it caches now, so
	 * no cairo font is still alive when cairo's caches are reset at exit
	 * (briefing_pdf_shutdown), which aborted on an assertion in one
	 * valgrind run of test_briefing; 16 runs since, none did. */
	pango_fc_font_map_shutdown(PANGO_FC_FONT_MAP(p.fonts));
	g_object_unref(p.fonts);
	cairo_destroy(p.cr);
	cairo_surface_destroy(p.surface);
	return rc;
}

void briefing_pdf_shutdown(void)
{
	cairo_debug_reset_static_data();
}

/* LeakSanitizer's built-in suppressions (the runtime calls this when the
 * program is built with -fsanitize=address; otherwise nothing does). Why:
 * two leaks inside the Debian 12 libraries, not ours, that no call of ours
 * can free: cairo 1.16 loses about 800 bytes per embedded CFF font while
 * cairo_surface_finish subsets it, and fontconfig
 * 2.14 loses a few hundred bytes once while parsing its configuration
 * (FcInitLoadConfigAndFonts, on pango's first use). The libraries are
 * built without frame pointers, so LeakSanitizer's fast unwinder stops
 * inside them and only the module name is there to match. What this could
 * hide (a cairo object of ours never destroyed) valgrind still finds: it
 * unwinds fully, and tests/valgrind.supp matches only these two (an
 * allocation by cairo under cairo_surface_finish; one by fontconfig inside
 * its own parse of its configuration). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libcairo.so.2\nleak:libfontconfig.so.1\n";
}
