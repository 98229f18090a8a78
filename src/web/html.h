/*
 * html.h — the page layout and form helpers every page uses. All HTML goes
 * through buf_printf's %h escaping; these helpers add the shared frame
 * (head, header with navigation, footer) and the pieces that recur.
 */
#ifndef TZ_WEB_HTML_H
#define TZ_WEB_HTML_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "http/http.h"
#include "ledger/catalog.h"
#include "ledger/matter.h"

enum page_kind {
	PAGE_PUBLIC, /* residents: mobile first, resident navigation */
	PAGE_STAFF,  /* staff: desktop, staff navigation with the user's name */
};

/* Start a page: doctype, head (title escaped, the stylesheet), header with
 * the navigation for this kind of page and visitor. `active` names the nav
 * item to highlight (NULL: none). Public: "home", "submit", "track",
 * "board", "login". Staff: "staff", "inbox", "queue", "overdue", "matters", "dispatch", "briefing",
 * "new", "import", "callbacks", "duties", "departments", "areas", "categories",
 * "users", "channels". */
void page_begin(request *rq, response *rs, enum page_kind kind, const char *title,
		const char *active);
/* Close the page (footer, closing tags). */
void page_end(request *rq, response *rs);

/* <input type=hidden name=csrf value=...> for every POST form. */
void form_csrf(request *rq, buf *b);
/* <option>s for a catalogue, with `selected` preselected (0: none) and an
 * optional first empty option labelled `empty_label` (NULL: none). */
void form_department_options(buf *b, const department *v, size_t n, int64_t selected,
			     const char *empty_label);
void form_area_options(buf *b, const area *v, size_t n, int64_t selected, const char *empty_label);
void form_category_options(buf *b, const category *v, size_t n, int64_t selected,
			   const char *empty_label);
/* The category and area <select> fields of a matter form, with the given
 * choices preselected and the labels of their empty options. Returns false
 * when the catalogue cannot be read. */
bool form_catalog_fields(request *rq, buf *b, int64_t category_id, int64_t area_id,
			 const char *category_empty, const char *area_empty);
/* A status badge: <span class="status st-NAME">待受理</span>. */
void html_status(buf *b, int status);
/* A 督办 badge: <span class="urge urge-2">挂牌督办</span>; nothing for no
 * tier. On public pages (public_view) only 挂牌督办 and 约谈督办, and only
 * while the matter is open: those are what the board marks (挂牌销号). */
void html_urge(buf *b, int level, int status, bool public_view);
/* The optional `urge` filter parameter, a 督办 tier (matters at it or
 * above): absent or "" gives 0 and true; "1" to "3" (on public pages only
 * "2" and "3": 日常督办 is internal) gives it and true; anything else
 * false (the caller answers 400). */
bool web_param_urge(const request *rq, bool public_view, int *out);
/* An instant (unix seconds) as "2026-11-23 14:05" in Asia/Shanghai. */
void html_time(buf *b, int64_t t);
/* A notice box (kind: "ok", "error", "info") with escaped text. */
void html_notice(buf *b, const char *kind, const char *text);
/* Paging links "上一页 / 下一页" keeping the current query parameters. */
void html_pager(request *rq, buf *b, const matter_list *l, int offset, int limit);
/* "+" when a list has more rows than it counted (matter_list.more), else "". */
const char *html_more(const matter_list *l);

/* A search snippet (matter.snippet): the text escaped, each hit in <mark>,
 * in <small class="snippet">; nothing when snippet is NULL. */
void html_snippet(buf *b, const char *snippet);

/* Today's date in Asia/Shanghai as YYYY-MM-DD for the request's time. */
void web_today(const request *rq, char out[11]);

/* A deadline: "2026-11-30", in red with "已超期" when overdue; "—" when
 * there is none. */
void html_deadline(buf *b, const char *deadline, bool overdue);
/* One <option value="VALUE">LABEL</option>, preselected when `selected`. */
void form_option(buf *b, const char *value, const char *label, bool selected);
/* An optional id parameter (form, then query): absent or "" gives *out = 0
 * and true; a positive decimal integer gives it and true; anything else
 * gives false (the caller answers 400). */
bool web_param_id(const request *rq, const char *name, int64_t *out);
/* An optional whole-number parameter (form, then query) within [lo, hi]:
 * absent or "" gives *out = dflt and true; a decimal integer in range
 * gives it and true; anything else gives false (the caller answers 400). */
bool web_param_int(const request *rq, const char *name, int64_t lo, int64_t hi, int64_t dflt,
		   int64_t *out);
/* The address of the current page into b, not escaped (%h it for HTML):
 * the path, then the query's parameters URL-encoded and joined by "&",
 * leaving out empty ones and the one named drop (NULL: none). Returns the
 * separator for one more parameter: '?' or '&'. */
char web_self_url(const request *rq, const char *drop, buf *b);
/* The longest local path web_local_path accepts. */
#define WEB_PATH_MAX 2000
/* Is p a path on this site that a redirect may go to (the page to return
 * to after signing in or switching the large type)? A non-empty path of
 * at most WEB_PATH_MAX bytes starting with one "/", never "//" or "/\",
 * with no control character, space or backslash. */
bool web_local_path(const char *p);
/* The "导出 Excel" and "导出 CSV" links of a list (export.c): to
 * BASE.xlsx and BASE.csv with the request's own query parameters (without
 * offset) and, when list is not NULL, list=LIST. */
void html_export_links(request *rq, buf *b, const char *base, const char *list);
/* The office's name for headings: app->office_name or "taizhang 台账". */
const char *web_office_name(const request *rq);

/* The elderly-friendly mode (适老化, care.c): is it on for this visitor
 * (the tz_care cookie)? */
bool web_care(const request *rq);
/* The header's switch for it: a POST form to /care that comes back to
 * the current page. On a page answering a POST it is hidden, for form.js
 * to show and switch in place (going back would lose what was typed). */
void html_care_switch(request *rq, buf *b);

#endif
