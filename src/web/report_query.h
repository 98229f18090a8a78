/*
 * report_query.h — the filters of the wall chart (/staff) and the
 * briefing pages (/staff/briefing...): a period (from, to), a lead
 * department, an area and the wall-screen switch, read from the query
 * string, checked, and written back into links and the filter form.
 * Page-private to web/ (dashboard.c, briefing_page.c).
 */
#ifndef TZ_WEB_REPORT_QUERY_H
#define TZ_WEB_REPORT_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "http/http.h"

typedef struct report_query {
	char from[11], to[11]; /* YYYY-MM-DD */
	int64_t department_id; /* 0: all */
	int64_t area_id;       /* 0: all */
	bool screen;           /* ?screen=1: the wall-screen layout */
} report_query;

#define REPORT_DEFAULT_DAYS 30

/* Read from, to, department, area and screen from rq's query into q. A
 * missing `to` is today; a missing `from` is REPORT_DEFAULT_DAYS days up to
 * `to`. Returns NULL, or a Chinese message (a literal) for the first bad
 * parameter: the caller answers 400 with it. Department and area ids are
 * checked against the catalogue by briefing_load. */
const char *report_query_read(const request *rq, const char *today, report_query *q);

/* The query as URL parameters for an href ("from=...&amp;to=..."), without
 * the leading '?', escaped for an HTML attribute. */
void report_query_params(buf *b, const report_query *q);

/* The GET filter form to `action`: dates, department and area selects
 * (all departments and areas of the catalogue), the wall-screen switch
 * kept. */
void report_query_form(request *rq, buf *b, const char *action, const report_query *q);

#endif
