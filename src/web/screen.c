/*
 * screen.c — the kiosk 电子屏公开查询 (GET /screen): the public board made
 * for an electronic screen in the village office, 1920×1080 or portrait
 * 1080×1920, that nobody touches. Three slides: the public matters being
 * handled, the ones closed (销号) in the last 30 days struck through, and
 * the three rates (三率) of the year so far.
 *
 * The page is complete without scripts (every slide one under the other,
 * reloaded by a <noscript> refresh). /static/screen.js turns it into slides
 * that page by themselves and, every `refresh` seconds, fetches this same
 * page and swaps in its #slides, so the data changes without a reload
 * flash; while the server is away it keeps the last content and shows
 * "连接中断，正在重试…" until an answer comes back. One renderer, here, for
 * the first paint and every refresh.
 *
 * Public fields only, loaded as the anonymous reader: number, title,
 * category, area, department, status, deadline. Why: the screen hangs in a
 * public room; a resident's name or phone must never reach it (the ledger
 * blanks them for this reader, and this file never prints them).
 */
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/rates.h"
#include "web/html.h"

#define OPEN_MAX 120           /* newest open matters the screen pages through */
#define CLOSED_SCAN 200        /* newest closed matters looked at for the last 30 days */
#define CLOSED_DAYS 30
#define REFRESH_DEFAULT 60     /* seconds between data refreshes */
#define EVERY_DEFAULT 12       /* seconds a slide stays */

/* An optional whole number of seconds from the query, within [lo, hi]; the
 * default when absent. Returns false for anything else (answered 400). */
static bool seconds_param(const request *rq, const char *name, int lo, int hi, int dflt,
			  int *out)
{
	const char *v = rq_param(rq, name);
	int64_t n;
	*out = dflt;
	if (str_empty(v))
		return true;
	if (!str_to_i64(v, &n) || n < lo || n > hi)
		return false;
	*out = (int)n;
	return true;
}

/* The category · area · department line of a matter. */
static void meta_line(buf *b, const matter *m)
{
	buf_printf(b, "<span class=\"k-meta\">%h · %h · %h</span>",
		   str_empty(m->category_name) ? "未分类" : m->category_name,
		   str_empty(m->area_name) ? "—" : m->area_name,
		   str_empty(m->department_name) ? "待派单" : m->department_name);
}

/* One open matter: number, title, where and who, status, deadline. */
static void open_row(buf *b, const matter *m)
{
	buf_printf(b, "<li%s><span class=\"k-no\">%h</span><span class=\"k-title\">%h</span>",
		   m->overdue ? " class=\"k-overdue\"" : "", m->number, m->title);
	meta_line(b, m);
	buf_puts(b, "<span class=\"k-state\">");
	html_status(b, m->status);
	buf_puts(b, " ");
	html_deadline(b, m->deadline, m->overdue);
	buf_puts(b, "</span></li>");
}

/* One closed matter, struck through (销号), with the day it was closed. */
static void closed_row(buf *b, const matter *m)
{
	buf_printf(b, "<li class=\"k-closed\"><span class=\"k-no\">%h</span>"
		      "<span class=\"k-title\"><s>%h</s></span>",
		   m->number, m->title);
	meta_line(b, m);
	buf_puts(b, "<span class=\"k-state\">");
	html_status(b, m->status);
	buf_puts(b, " <span class=\"deadline\">");
	html_time(b, m->closed_at);
	buf_puts(b, "</span></span></li>");
}

/* The slide of matters being handled. Returns false on a database error. */
static bool slide_open(request *rq, buf *b, const actor *anon, const char *today)
{
	matter_filter f = matter_filter_any();
	matter_list l = {0};
	f.public_only = true; /* why: a public screen; private matters never show */
	f.open_only = true;
	f.limit = OPEN_MAX;
	if (matter_find(rq->db, anon, &f, today, &l) != LEDGER_OK) {
		matter_list_free(&l);
		return false;
	}
	buf_printf(b, "<section class=\"slide\" data-slide=\"open\" aria-labelledby=\"s-open\">"
		      "<h2 id=\"s-open\">正在办理 <small>共 %lld%s 件</small>"
		      "<span class=\"k-page\"></span></h2>",
		   (long long)l.total, html_more(&l));
	if (l.n == 0)
		buf_puts(b, "<p class=\"empty\">暂无正在办理的公开事项</p>");
	else
		buf_puts(b, "<ol class=\"k-list\">");
	for (size_t i = 0; i < l.n; i++)
		open_row(b, &l.items[i]);
	buf_puts(b, l.n ? "</ol></section>" : "</section>");
	matter_list_free(&l);
	return true;
}

/* Closed at most CLOSED_DAYS days before now, newest closing first:
 * qsort's order on closed_at. */
static int by_closed_desc(const void *a, const void *b)
{
	int64_t x = ((const matter *)a)->closed_at, y = ((const matter *)b)->closed_at;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* The slide of matters closed (销号) in the last CLOSED_DAYS days, among
 * the newest CLOSED_SCAN closed ones. Returns false on a database error. */
static bool slide_closed(request *rq, buf *b, const actor *anon, const char *today)
{
	matter_filter f = matter_filter_any();
	matter_list l = {0};
	f.public_only = true;
	f.status = ST_CLOSED;
	f.limit = CLOSED_SCAN;
	if (matter_find(rq->db, anon, &f, today, &l) != LEDGER_OK) {
		matter_list_free(&l);
		return false;
	}
	size_t n = 0;
	for (size_t i = 0; i < l.n; i++) /* keep the recent ones at the front */
		if (l.items[i].closed_at >= rq->now - CLOSED_DAYS * 86400) {
			matter t = l.items[n];
			l.items[n++] = l.items[i];
			l.items[i] = t;
		}
	if (n > 1) /* qsort wants a real array, and an empty list has none */
		qsort(l.items, n, sizeof l.items[0], by_closed_desc);
	buf_printf(b, "<section class=\"slide\" data-slide=\"closed\" aria-labelledby=\"s-closed\">"
		      "<h2 id=\"s-closed\">近%d天销号 <small>共 %zu 件</small>"
		      "<span class=\"k-page\"></span></h2>",
		   CLOSED_DAYS, n);
	if (n == 0)
		buf_puts(b, "<p class=\"empty\">暂无近期销号的事项</p>");
	else
		buf_puts(b, "<ol class=\"k-list\">");
	for (size_t i = 0; i < n; i++)
		closed_row(b, &l.items[i]);
	buf_puts(b, n ? "</ol></section>" : "</section>");
	matter_list_free(&l);
	return true;
}

/* One rate: the percentage, its name and what it counts; 暂无 without a
 * denominator (never 0 %). */
static void rate_box(buf *b, const char *name, rate r, const char *what)
{
	char pct[16];
	rate_format(r, pct);
	if (!pct[0])
		buf_printf(b, "<li><b>暂无</b><span>%h</span><small>%h：暂无</small></li>", name,
			   what);
	else
		buf_printf(b, "<li><b>%s%%</b><span>%h</span><small>%h %lld / %lld 件</small></li>",
			   pct, name, what, (long long)r.num, (long long)r.den);
}

/* The slide of the three rates of the year so far. Returns false on a
 * database error. */
static bool slide_rates(request *rq, buf *b, const char *today)
{
	char from[11];
	rates r;
	snprintf(from, sizeof from, "%.4s-01-01", today);
	rates_filter f = {from, today, 0, 0, 0};
	if (rates_compute(rq->db, &f, today, &r) != LEDGER_OK)
		return false;
	buf_printf(b, "<section class=\"slide\" data-slide=\"rates\" aria-labelledby=\"s-rates\">"
		      "<h2 id=\"s-rates\">%.4s年办理成效（三率）<span class=\"k-page\"></span></h2>"
		      "<ul class=\"k-rates\">",
		   today);
	rate_box(b, "响应率", r.response, "按时响应");
	rate_box(b, "解决率", r.resolution, "已解决");
	rate_box(b, "满意率", r.satisfaction, "满意和基本满意");
	buf_printf(b, "</ul><p class=\"k-note\">统计 %h 至 %h 受理的群众诉求。当前超期 %lld 件。</p>"
		      "</section>",
		   from, today, (long long)r.overdue);
	return true;
}

/* GET /screen[?refresh=S&every=S]: the kiosk page. refresh (2..3600,
 * default 60) is how often the data is fetched again, every (2..600,
 * default 12) how long a slide stays; both only read by screen.js. */
void page_screen(request *rq, response *rs)
{
	int refresh, every;
	if (!seconds_param(rq, "refresh", 2, 3600, REFRESH_DEFAULT, &refresh) ||
	    !seconds_param(rq, "every", 2, 600, EVERY_DEFAULT, &every)) {
		resp_error(rq, rs, 400, "刷新间隔不正确，应为秒数");
		return;
	}
	actor anon = {.role = ROLE_NONE};
	char today[11];
	buf slides = BUF_INIT;
	web_today(rq, today);
	if (!slide_open(rq, &slides, &anon, today) || !slide_closed(rq, &slides, &anon, today) ||
	    !slide_rates(rq, &slides, today)) {
		resp_error(rq, rs, 500, "电子屏暂时无法显示，请稍后再试");
		goto done;
	}
	buf *b = &rs->body;
	buf_printf(b,
		   "<!doctype html>\n<html lang=\"zh-CN\" class=\"kiosk\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		   "<title>电子屏公开查询 · %h</title>"
		   "<link rel=\"icon\" href=\"data:,\">"
		   "<link rel=\"stylesheet\" href=\"/static/style.css\">"
		   "<script src=\"/static/screen.js\" defer></script>"
		   "<noscript><meta http-equiv=\"refresh\" content=\"%d\"></noscript></head>\n"
		   "<body data-refresh=\"%d\" data-every=\"%d\">"
		   "<header class=\"k-head\"><h1><span class=\"brand-mark\" aria-hidden=\"true\">台</span>"
		   "%h · 群众诉求办理公开</h1><p class=\"k-stamp\" id=\"stamp\">数据更新于 ",
		   web_office_name(rq), refresh, refresh, every, web_office_name(rq));
	html_time(b, rq->now);
	buf_puts(b, "</p></header>\n<main id=\"slides\">");
	buf_append(b, slides.data, slides.len);
	buf_puts(b, "</main>\n<p id=\"conn\" class=\"k-conn\" role=\"status\" hidden>连接中断，正在重试…</p>"
		    "<footer class=\"k-foot\"><p>查询办理进度：手机打开本站“进度查询”，输入事项编号和查询码。"
		    "公开内容不含任何个人信息。</p></footer>\n</body></html>\n");
done:
	buf_free(&slides);
}
