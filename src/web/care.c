/*
 * care.c — the elderly-friendly mode (适老化) of the resident pages: larger
 * type, bigger touch targets and darker grey (the stylesheet's html.care).
 * A switch in the header of every public page posts to /care, which keeps
 * the choice in a cookie for a year and sends the visitor back to the page
 * they were on; page_begin reads the cookie. It works without scripts.
 */
#include "web/pages.h"

#include <string.h>

#include "base/util.h"
#include "web/html.h"

#define CARE_COOKIE "tz_care"
#define CARE_MAX_AGE (365 * 24 * 3600)
#define BACK_MAX 2000

bool web_care(const request *rq)
{
	return str_cmp0(kv_get(&rq->cookies, CARE_COOKIE), "1") == 0;
}

/* The page to return to: a path on this site with its query, as the
 * browser asked for it. */
static void back_href(const request *rq, buf *b)
{
	const char *sep = "?";
	buf_puts(b, rq->path ? rq->path : "/");
	for (size_t i = 0; i < rq->query.n; i++) {
		buf_printf(b, "%s%u=%u", sep, rq->query.items[i].name, rq->query.items[i].value);
		sep = "&";
	}
}

void html_care_switch(request *rq, buf *b)
{
	bool on = web_care(rq);
	buf back = BUF_INIT;
	back_href(rq, &back);
	buf_puts(b, "<form class=\"care-switch\" method=\"post\" action=\"/care\">");
	form_csrf(rq, b);
	buf_printf(b, "<input type=\"hidden\" name=\"on\" value=\"%s\">"
		      "<input type=\"hidden\" name=\"back\" value=\"%h\">"
		      "<button type=\"submit\" aria-pressed=\"%s\">大字关怀版</button></form>",
		   on ? "0" : "1", buf_str(&back), on ? "true" : "false");
	buf_free(&back);
}

/* Is back a path on this site? Why: the redirect target comes from the
 * form, and "//evil.example" or "/\evil.example" would send the visitor
 * to another site (an open redirect). */
static bool back_ok(const char *back)
{
	size_t n = back ? strlen(back) : 0;
	if (n == 0 || n > BACK_MAX || back[0] != '/' || back[1] == '/' || back[1] == '\\')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)back[i] < 0x21 || back[i] == 0x7f || back[i] == '\\')
			return false;
	return true;
}

/* POST /care (on=1|0, back=PATH): switch the mode and go back. */
void page_care_post(request *rq, response *rs)
{
	const char *on = rq_param(rq, "on"), *back = rq_param(rq, "back");
	if (str_cmp0(on, "1") != 0 && str_cmp0(on, "0") != 0) {
		resp_error(rq, rs, 400, "请选择开启或关闭大字关怀版");
		return;
	}
	if (strcmp(on, "1") == 0)
		resp_set_cookie(rs, CARE_COOKIE, "1", CARE_MAX_AGE);
	else
		resp_set_cookie(rs, CARE_COOKIE, "", 0);
	resp_redirect(rs, back_ok(back) ? back : "/");
}
