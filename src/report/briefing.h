/*
 * briefing.h — the briefing (简报): a Chinese report on one period, as the
 * offices write them ("截至11月23日，全区共受理群众诉求156件，已办结150件，
 * 办结率96.2%……"), with the rates and their change against the previous
 * period of the same length, the overdue matters by department, the
 * per-department table, typical resolved cases and the charts.
 *
 * briefing_load gathers every figure once (ledger/rates.h and
 * ledger/stats.h); the writers only arrange them: briefing_text.c (plain
 * UTF-8), briefing_html.c (a printable A4 page or a fragment for the
 * staff page), briefing_pdf.c (cairo + pango with Noto Sans CJK: real
 * text, tables with borders, page numbers). The wall chart (web/
 * dashboard.c) draws from the same gathered figures.
 *
 * Nothing here reads residents' personal data; typical cases are public
 * matters and show title, category, area, department and result only.
 */
#ifndef TZ_REPORT_BRIEFING_H
#define TZ_REPORT_BRIEFING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "ledger/matter.h"
#include "ledger/rates.h"
#include "ledger/stats.h"
#include "store/db.h"

/* What to report on. */
typedef struct briefing_opts {
	const char *from, *to; /* YYYY-MM-DD, both required, from <= to */
	int64_t department_id; /* lead department; 0: all */
	int64_t area_id;       /* 0: all */
	const char *office;    /* the office's name for the heading; NULL: none */
	const char *scope;     /* "全区", "全镇" ...; NULL: 全区 */
	int cases;             /* typical cases wanted; 0: 3 */
	/* The figures only, as the wall chart shows them: no comparison with
	 * the previous period (prev stays zero) and no typical cases. */
	bool figures_only;
} briefing_opts;

/* One department's row (department_id 0: not yet given to one). */
typedef struct briefing_dept {
	int64_t department_id;
	char *name;
	rates r;
	int64_t by_status[ST_COUNT];
} briefing_dept;

typedef struct briefing {
	char from[11], to[11];           /* the period */
	char prev_from[11], prev_to[11]; /* the period of the same length before it */
	char today[11];                  /* figures as of this day */
	char *office, *scope;            /* heading and the subject ("全区", a department) */
	rates total, prev;               /* this period and the previous one */
	briefing_dept *depts;            /* in catalogue order, "未派单" last */
	size_t ndepts;
	stats_bucket *trend;
	size_t ntrend;
	stats_top *categories, *areas;   /* the five largest of each */
	size_t ncategories, nareas;
	stats_flow flow;
	stats_case *cases;
	size_t ncases;
} briefing;

/* Largest period a briefing or the wall chart covers, in days. */
#define BRIEFING_MAX_DAYS 3700

/* Check a period: NULL when from and to are real dates, from <= to and the
 * period at most BRIEFING_MAX_DAYS long; else a Chinese message for the
 * visitor (a literal). */
const char *briefing_check_period(const char *from, const char *to);

/* Gather the figures of o as of today (YYYY-MM-DD) into *out (free with
 * briefing_free, also after a failure). LEDGER_OK; LEDGER_INVALID with
 * *msg (a literal) for a bad period or an unknown department or area;
 * LEDGER_ERROR. */
int briefing_load(db *d, const briefing_opts *o, const char *today, briefing *out,
		  const char **msg);
void briefing_free(briefing *b);

/* "12月1日" for 2026-12-01; with the year ("2025年12月1日") when it is not
 * `year_of`'s year (NULL: never). */
void briefing_date(const char *date, const char *year_of, char out[32]);

/* The plain-text briefing (UTF-8, lines ending in \n). */
void briefing_text(buf *out, const briefing *b);

/* The briefing as HTML: standalone, a whole printable A4 document with its
 * own print styles; otherwise an <article> for a page of the staff frame.
 * Every text through %h. */
void briefing_html(buf *out, const briefing *b, bool standalone);

/* The briefing's charts (inline SVG): status by department, the weekly
 * trend, top categories, the workflow. Shared by the HTML briefing and the
 * wall chart; `idp` prefixes the ids. */
void briefing_chart_departments(buf *out, const briefing *b, const char *idp);
void briefing_chart_trend(buf *out, const briefing *b, const char *idp);
void briefing_chart_categories(buf *out, const briefing *b, const char *idp);
void briefing_chart_areas(buf *out, const briefing *b, const char *idp);
void briefing_chart_flow(buf *out, const briefing *b, const char *idp);

/* The briefing as a PDF document appended to out (A4, Noto Sans CJK SC,
 * real text; the charts are drawn as tables of the same numbers). 0, or -1
 * with *err (a literal) when cairo fails. */
int briefing_pdf(buf *out, const briefing *b, const char **err);

/* Release cairo's static caches, so leak checkers see only our own
 * memory; call once at exit (never while another thread may render). */
void briefing_pdf_shutdown(void);

#endif
