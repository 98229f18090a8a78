/*
 * care.c — the elderly-friendly mode (适老化) of the resident pages: larger
 * type, bigger touch targets and darker grey (the stylesheet's html.care).
 * A switch in the header of every public page posts to /care, which keeps
 * the choice in a cookie for a year and sends the visitor back to the page
 * they were on; page_begin reads the cookie. It works without scripts.
 *
 * A page that answers a POST (the submission form sent back with an error
 * and everything typed) cannot be gone back to: the way back is a GET,
 * which would bring an empty form. There the switch is hidden, and
 * form.js, when scripts run, shows it and switches in place (it posts the
 * same form without leaving the page), so nothing typed is lost.
 */
#include "web/pages.h"

#include <string.h>

#include "base/util.h"
#include "web/html.h"

#define CARE_COOKIE "tz_care"
#define CARE_MAX_AGE (365 * 24 * 3600)

bool web_care(const request *rq)
{
	return str_cmp0(kv_get(&rq->cookies, CARE_COOKIE), "1") == 0;
}

void html_care_switch(request *rq, buf *b)
{
	bool on = web_care(rq), answer = rq->method == HTTP_POST;
	buf back = BUF_INIT;
	web_self_url(rq, NULL, &back);
	buf_printf(b, "<form class=\"care-switch\" method=\"post\" action=\"/care\"%s>",
		   answer ? " data-inplace hidden" : "");
	form_csrf(rq, b);
	buf_printf(b, "<input type=\"hidden\" name=\"on\" value=\"%s\">"
		      "<input type=\"hidden\" name=\"back\" value=\"%h\">"
		      "<button type=\"submit\" aria-pressed=\"%s\">大字关怀版</button></form>",
		   on ? "0" : "1", buf_str(&back), on ? "true" : "false");
	buf_free(&back);
}

/* POST /care (on=1|0, back=PATH): switch the mode and go back (to a
 * path on this site only: web_local_path). */
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
	resp_redirect(rs, web_local_path(back) ? back : "/");
}
