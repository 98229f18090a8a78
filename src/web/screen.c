/*
 * screen.c — the kiosk 电子屏公开查询 (GET /screen): the public board made
 * for an electronic screen in the village office, 1920×1080 or portrait
 * 1080×1920, that nobody touches. Three slides: the public matters being
 * handled, the ones closed (销号) in the last 30 days struck through, and
 * the three rates (三率) of the year so far with the public matters
 * overdue now.
 *
 * The page is complete without scripts (every slide one under the other,
 * reloaded by a <noscript> refresh). /static/screen.js turns it into slides
 * that page by themselves and, every `refresh` seconds, fetches this same
 * page and swaps in its #slides, so the data changes without a reload
 * flash; while the server is away it keeps the last content and shows
 * "连接中断，正在重试…" until an answer comes back. One renderer, here, for
 * the first paint and every refresh.
 *
 * The slides are the same for every screen, so they are computed once and
 * kept (screen_cache, one per server, shared by the worker threads) for
 * CACHE_FACTOR times what computing them took, between CACHE_MIN and
 * CACHE_MAX seconds. Why: the page is public and its rates read a year of
 * the ledger (about 3 s at 1,000,000 matters); without this, a few screens,
 * or anyone reloading it in a loop, would keep the worker threads busy.
 * One thread computes while the others show the slides kept so far (or,
 * when there are none yet for today, wait for it). Only the page's frame
 * depends on the query (refresh, every), never the slides.
 *
 * An error on this route answers a small page that reloads itself after
 * RETRY_MIN to 2 × RETRY_MIN seconds (page_screen_error), so a screen that
 * caught a 500 or 503 does not stay on it, and hundreds of screens do not
 * come back all at once.
 *
 * Public fields only, loaded as the anonymous reader: number, title,
 * category, area, department, status, deadline. Why: the screen hangs in a
 * public room; a resident's name or phone must never reach it (the ledger
 * blanks them for this reader, and this file never prints them).
 */
#include "web/pages.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/rates.h"
#include "web/app.h"
#include "web/html.h"

#define OPEN_MAX 120           /* newest open matters the screen pages through */
#define CLOSED_MAX 200         /* latest closed matters it pages through */
#define CLOSED_DAYS 30
#define REFRESH_DEFAULT 60     /* seconds between data refreshes */
#define EVERY_DEFAULT 12       /* seconds a slide stays */
#define CACHE_MIN 2            /* seconds the slides are kept, at least */
#define CACHE_MAX 60           /* and at most */
#define CACHE_FACTOR 20        /* times what computing them took */
#define RETRY_MIN 30           /* the error page reloads after 30 to 60 s */

/* The slides kept for every screen (see the top of the file). */
struct screen_cache {
	pthread_mutex_t lock;     /* guards the fields below */
	pthread_mutex_t building; /* held by the one thread computing the slides */
	char *slides;             /* their HTML; NULL before the first */
	char day[11];             /* the day they are of */
	int64_t at;               /* when they were computed: 数据更新于 */
	int64_t keep;             /* seconds they stay fresh */
};

screen_cache *screen_cache_new(void)
{
	screen_cache *c = xmalloc(sizeof *c);
	memset(c, 0, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->building, NULL);
	return c;
}

void screen_cache_free(screen_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->building);
	free(c->slides);
	free(c);
}

/* A copy of the kept slides (*out, caller frees) and their time, when they
 * are of today and, with fresh_only, computed less than their keep before
 * or after now (a clock set back does not keep them for good). */
static bool cache_get(screen_cache *c, const char *today, int64_t now, bool fresh_only,
		      char **out, int64_t *at)
{
	pthread_mutex_lock(&c->lock);
	bool ok = c->slides && strcmp(c->day, today) == 0 &&
		  (!fresh_only || (now - c->at < c->keep && c->at - now < c->keep));
	if (ok) {
		*out = xstrdup(c->slides);
		*at = c->at;
	}
	pthread_mutex_unlock(&c->lock);
	return ok;
}

/* Keep slides of today computed at `at`, which took `cost` seconds. */
static void cache_put(screen_cache *c, const char *today, int64_t at, double cost,
		      const char *slides)
{
	int64_t keep = (int64_t)(cost * CACHE_FACTOR + 0.5);
	keep = keep < CACHE_MIN ? CACHE_MIN : keep > CACHE_MAX ? CACHE_MAX : keep;
	char *copy = xstrdup(slides);
	pthread_mutex_lock(&c->lock);
	free(c->slides);
	c->slides = copy;
	snprintf(c->day, sizeof c->day, "%s", today);
	c->at = at;
	c->keep = keep;
	pthread_mutex_unlock(&c->lock);
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

/* A slide's rows, one row() each, or what to say when there are none;
 * closes the slide's section. */
static void slide_rows(buf *b, const matter_list *l, void (*row)(buf *, const matter *),
		       const char *empty)
{
	if (l->n == 0) {
		buf_printf(b, "<p class=\"empty\">%h</p></section>", empty);
		return;
	}
	buf_puts(b, "<ol class=\"k-list\">");
	for (size_t i = 0; i < l->n; i++)
		row(b, &l->items[i]);
	buf_puts(b, "</ol></section>");
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
	slide_rows(b, &l, open_row, "暂无正在办理的公开事项");
	matter_list_free(&l);
	return true;
}

/* The slide of the public matters closed (销号) in the last CLOSED_DAYS
 * days, the latest first (at most CLOSED_MAX of them, all counted).
 * Returns false on a database error. */
static bool slide_closed(request *rq, buf *b, const actor *anon, const char *today)
{
	matter_filter f = matter_filter_any();
	matter_list l = {0};
	f.public_only = true;
	f.status = ST_CLOSED;
	f.closed_since = rq->now - CLOSED_DAYS * 86400;
	f.order_closed = true;
	f.limit = CLOSED_MAX;
	f.count_cap = 0; /* a month of closings: a range of the index matters_closed */
	if (matter_find(rq->db, anon, &f, today, &l) != LEDGER_OK) {
		matter_list_free(&l);
		return false;
	}
	buf_printf(b, "<section class=\"slide\" data-slide=\"closed\" aria-labelledby=\"s-closed\">"
		      "<h2 id=\"s-closed\">近%d天销号 <small>共 %lld 件",
		   CLOSED_DAYS, (long long)l.total);
	if (l.total > (int64_t)l.n)
		buf_printf(b, "，显示最近 %zu 件", l.n);
	buf_puts(b, "</small><span class=\"k-page\"></span></h2>");
	slide_rows(b, &l, closed_row, "暂无近期销号的事项");
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

/* The public matters open and past their deadline now, whenever they
 * were handed in: *n. Returns false on a database error. */
static bool overdue_count(request *rq, const actor *anon, const char *today, int64_t *n)
{
	matter_filter f = matter_filter_any();
	matter_list l = {0};
	f.public_only = true;
	f.overdue_only = true;
	f.limit = 1;     /* the count is what is wanted */
	f.count_cap = 0; /* the open statuses' index ranges (matter_find.c) */
	bool ok = matter_find(rq->db, anon, &f, today, &l) == LEDGER_OK;
	*n = l.total;
	matter_list_free(&l);
	return ok;
}

/* The slide of the three rates of the year so far and the public matters
 * overdue now. Returns false on a database error. */
static bool slide_rates(request *rq, buf *b, const actor *anon, const char *today)
{
	char from[11];
	rates r;
	int64_t overdue;
	snprintf(from, sizeof from, "%.4s-01-01", today);
	rates_filter f = {from, today, 0, 0, 0};
	if (rates_compute(rq->db, &f, today, &r) != LEDGER_OK ||
	    !overdue_count(rq, anon, today, &overdue))
		return false;
	buf_printf(b, "<section class=\"slide\" data-slide=\"rates\" aria-labelledby=\"s-rates\">"
		      "<h2 id=\"s-rates\">%.4s年办理成效（三率）<span class=\"k-page\"></span></h2>"
		      "<ul class=\"k-rates\">",
		   today);
	rate_box(b, "响应率", r.response, "按时响应");
	rate_box(b, "解决率", r.resolution, "已解决");
	rate_box(b, "满意率", r.satisfaction, "满意和基本满意");
	buf_printf(b, "</ul><p class=\"k-note\">三率统计 %h 至 %h 受理的群众诉求。"
		      "公开事项当前超期 %lld 件。</p></section>",
		   from, today, (long long)overdue);
	return true;
}

/* The three slides into b. Returns false on a database error. */
static bool slides_build(request *rq, buf *b, const char *today)
{
	actor anon = {.role = ROLE_NONE};
	return slide_open(rq, b, &anon, today) && slide_closed(rq, b, &anon, today) &&
	       slide_rates(rq, b, &anon, today);
}

/* Seconds from t0 to t1. */
static double seconds_between(const struct timespec *t0, const struct timespec *t1)
{
	return (double)(t1->tv_sec - t0->tv_sec) + (double)(t1->tv_nsec - t0->tv_nsec) / 1e9;
}

/* The slides of today (*out, caller frees) and when they were computed
 * (*at): the ones kept when still fresh, else computed now by this thread
 * or, when another is at it, the ones kept meanwhile (see the top of the
 * file). Returns false on a database error. */
static bool screen_slides(request *rq, const char *today, char **out, int64_t *at)
{
	const app *a = rq->app;
	screen_cache *c = a ? a->screen : NULL;
	if (c && cache_get(c, today, rq->now, true, out, at))
		return true;
	if (c && pthread_mutex_trylock(&c->building) != 0) {
		if (cache_get(c, today, rq->now, false, out, at))
			return true;
		pthread_mutex_lock(&c->building);
	}
	/* Computed by the thread this one waited for, or just before the lock. */
	if (c && cache_get(c, today, rq->now, true, out, at)) {
		pthread_mutex_unlock(&c->building);
		return true;
	}
	struct timespec t0, t1;
	buf b = BUF_INIT;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bool ok = slides_build(rq, &b, today);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ok) {
		if (c)
			cache_put(c, today, rq->now, seconds_between(&t0, &t1), buf_str(&b));
		*at = rq->now;
		*out = buf_steal(&b);
	}
	buf_free(&b);
	if (c)
		pthread_mutex_unlock(&c->building);
	return ok;
}

/* The head of a kiosk page up to its title, the stylesheet and icon. */
static void kiosk_head(buf *b, const char *title)
{
	buf_printf(b,
		   "<!doctype html>\n<html lang=\"zh-CN\" class=\"kiosk\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		   "<title>%h</title>"
		   "<link rel=\"icon\" href=\"data:,\">"
		   "<link rel=\"stylesheet\" href=\"/static/style.css\">",
		   title);
}

/* GET /screen[?refresh=S&every=S]: the kiosk page. refresh (2..3600,
 * default 60) is how often the data is fetched again, every (2..600,
 * default 12) how long a slide stays; both only read by screen.js. */
void page_screen(request *rq, response *rs)
{
	int64_t refresh, every;
	if (!web_param_int(rq, "refresh", 2, 3600, REFRESH_DEFAULT, &refresh) ||
	    !web_param_int(rq, "every", 2, 600, EVERY_DEFAULT, &every)) {
		resp_error(rq, rs, 400, "刷新间隔不正确，应为秒数");
		return;
	}
	char today[11];
	char *slides = NULL;
	int64_t at = 0;
	web_today(rq, today);
	if (!screen_slides(rq, today, &slides, &at)) {
		resp_error(rq, rs, 500, "电子屏暂时无法显示，请稍后再试");
		return;
	}
	buf *b = &rs->body;
	buf title = BUF_INIT;
	buf_printf(&title, "电子屏公开查询 · %s", web_office_name(rq));
	kiosk_head(b, buf_str(&title));
	buf_free(&title);
	buf_printf(b,
		   "<script src=\"/static/screen.js\" defer></script>"
		   "<noscript><meta http-equiv=\"refresh\" content=\"%lld\"></noscript></head>\n"
		   "<body data-refresh=\"%lld\" data-every=\"%lld\">"
		   "<header class=\"k-head\"><h1><span class=\"brand-mark\" aria-hidden=\"true\">台</span>"
		   "%h · 群众诉求办理公开</h1><p class=\"k-stamp\" id=\"stamp\">数据更新于 ",
		   (long long)refresh, (long long)refresh, (long long)every, web_office_name(rq));
	html_time(b, at);
	buf_puts(b, "</p></header>\n<main id=\"slides\">");
	buf_puts(b, slides);
	buf_puts(b, "</main>\n<p id=\"conn\" class=\"k-conn\" role=\"status\" hidden>连接中断，正在重试…</p>"
		    "<footer class=\"k-foot\"><p>查询办理进度：手机打开本站“进度查询”，输入事项编号和查询码。"
		    "公开内容不含任何个人信息。</p></footer>\n</body></html>\n");
	free(slides);
}

/* The route's errors (http_error_writer): a small kiosk page with the
 * hint; for a 5xx or 429 it reloads itself after RETRY_MIN to
 * 2 × RETRY_MIN seconds, a different wait on each screen (why: so a
 * screen never stays on the error, and screens that failed together do
 * not all come back at the same second). A 4xx stays: the address is
 * wrong and reloading cannot mend it. Never echoes the request. */
void page_screen_error(request *rq, response *rs, int status, const char *hint)
{
	bool retry = status >= 500 || status == 429;
	buf *b = &rs->body;
	rs->content_type = "text/html; charset=utf-8";
	kiosk_head(b, "电子屏公开查询");
	if (retry)
		buf_printf(b, "<meta http-equiv=\"refresh\" content=\"%d\">",
			   RETRY_MIN + (int)randombytes_uniform(RETRY_MIN + 1));
	buf_printf(b, "</head>\n<body><main class=\"k-error\"><h1>电子屏公开查询</h1><p>%h</p>%s"
		      "</main></body></html>\n",
		   hint, retry ? "<p>本页稍后自动重试。</p>" : "");
}
