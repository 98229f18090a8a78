/*
 * briefing_int.h — the prose of the briefing, shared by its writers
 * (briefing_text.c, briefing_html.c, briefing_pdf.c) so the three formats
 * say the same sentences. Private to report/.
 *
 * Every function appends plain UTF-8 text (no markup) to out; the HTML
 * writer escapes it.
 */
#ifndef TZ_REPORT_BRIEFING_INT_H
#define TZ_REPORT_BRIEFING_INT_H

#include "report/briefing.h"

/* "“我为群众办实事”工作简报", after the office's name when there is one. */
void briefing_title(buf *out, const briefing *b);
/* "2026年11月1日至11月30日". */
void briefing_period(buf *out, const char *from, const char *to);
/* The opening paragraph: totals, rates, the change against the previous
 * period and the overdue sentence. */
void briefing_lead(buf *out, const briefing *b);
/* "96.2%", or `empty` when the rate has no value. */
void briefing_rate(buf *out, rate r, const char *empty);
/* "，办结率提高1.2个百分点" (or 持平, 下降), or nothing when either period
 * has no value; differences of the printed, rounded numbers. */
void briefing_change_pp(buf *out, const char *name, rate now, rate before);
/* The words for a rate without value: 暂无评价 for satisfaction ... */
extern const char *const briefing_empty_response, *const briefing_empty_resolution,
	*const briefing_empty_satisfaction, *const briefing_empty_on_time,
	*const briefing_empty_completion;
/* A case's one-line description "标题（单位，类别，片区）". */
void briefing_case_head(buf *out, const stats_case *c);
/* The result of a case, on one line, at most 150 characters. */
void briefing_case_result(buf *out, const stats_case *c);
/* The categories and areas sentence, and the workflow sentence. */
void briefing_distribution(buf *out, const briefing *b);
void briefing_workflow(buf *out, const briefing *b);
/* Indexes of b->depts with overdue matters, most overdue first (then in
 * catalogue order); returns how many (*idx malloc'ed, caller frees). */
size_t briefing_overdue_order(const briefing *b, size_t **idx);

#endif
