/*
 * matter_similar.c — the 疑似重复 card of the staff matter page: the likely
 * duplicates of the matter (ledger/similar.h) with their scores and links,
 * and for each a one-click merge: the merge action of the page's own
 * action route (POST /staff/m/NUMBER/act) with the candidate filled in, so
 * the ledger's rules, version check and event are those of any merge.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "ledger/matter.h"
#include "ledger/similar.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/staff.h"

/* One candidate: number and title linking to its page, status, score,
 * and the merge button when the visitor may merge this matter now. */
static void candidate_row(request *rq, buf *b, const matter *m, const similar_item *it,
			  bool can_merge)
{
	buf_printf(b, "<li><a class=\"mono\" href=\"/staff/m/%u\">%h</a> %h · ", it->number,
		   it->number, it->title);
	html_status(b, it->status);
	buf_printf(b, " · 相似度 <strong>%.2f</strong>%s", it->score,
		   it->is_public ? "" : " · 不公开");
	if (can_merge && it->status != ST_MERGED) {
		buf_printf(b, "<form class=\"inline\" method=\"post\" action=\"/staff/m/%u/act\">",
			   m->number);
		form_csrf(rq, b);
		/* The action rides on the button, as in the routing hint, so
		 * this small form is not taken for the full merge form. */
		buf_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\">"
			      "<input type=\"hidden\" name=\"merge_into\" value=\"%h\">"
			      "<button type=\"submit\" class=\"secondary\" name=\"action\" value=\"merge\">"
			      "合并到 %h</button></form>",
			   (long long)m->version, it->number, it->number);
	}
	buf_puts(b, "</li>\n");
}

void html_similar_card(request *rq, buf *b, const matter *m)
{
	similar_list l;
	if (similar_find_matter(rq->db, &rq->who, NULL, m->id, rq->now, 0, &l) != LEDGER_OK)
		return; /* logged by the store; the page is still worth showing */
	if (l.n > 0) {
		bool can_merge = (lifecycle_available(&rq->who, m) & (1u << ACT_MERGE)) != 0;
		buf_puts(b, "<section class=\"card similar\" id=\"similar\"><h2>疑似重复</h2>\n<ul>\n");
		for (size_t i = 0; i < l.n; i++)
			candidate_row(rq, b, m, &l.items[i], can_merge);
		buf_puts(b, "</ul>\n<p class=\"hint\">同一类别、相邻片区、文字相近的在办或30天内办结的事项，"
			    "相似度 0–1。确认是同一诉求后可将本事项合并到其中一件，本事项即为“已合并”。</p>"
			    "</section>\n");
	}
	similar_list_free(&l);
}
