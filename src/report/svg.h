/*
 * svg.h — server-rendered SVG charts for the wall chart (挂图作战) and the
 * briefing (简报): bars, stacked bars, a line chart, the workflow and a
 * rate meter.
 *
 * Every chart is one <svg> element with role="img", a <title> and a <desc>
 * (ids prefixed by the caller's `id`, unique within a page), sizes in
 * viewBox units only (it scales on a wall screen and prints), no script
 * and no external reference. Every label and number is written as text
 * beside its mark, so no chart relies on colour alone; every text goes
 * through buf_printf's %h escaping after control characters are dropped
 * (XML forbids them even escaped). The same data gives the same bytes.
 *
 * The output is well-formed XML on its own (xmlns is written), and can be
 * inlined in HTML or served as image/svg+xml.
 */
#ifndef TZ_REPORT_SVG_H
#define TZ_REPORT_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* One labelled count. */
typedef struct svg_item {
	const char *label;
	int64_t value;
} svg_item;

/* A bar chart of n items: horizontal bars (labels on the left), or
 * vertical columns (labels under them). "暂无数据" when n is 0. */
void svg_bars(buf *b, const char *id, const char *title, const char *desc, const svg_item *v,
	      size_t n, bool horizontal);

/* Stacked horizontal bars: one bar per row (e.g. a department), one
 * segment per series (e.g. a status); values[r * nseries + s]. A legend
 * names the series; each segment wide enough shows its number, every
 * segment has a tooltip title, and each bar ends with its total. */
void svg_stacked(buf *b, const char *id, const char *title, const char *desc,
		 const char *const *rows, size_t nrows, const char *const *series, size_t nseries,
		 const int64_t *values);

/* A line chart: nseries lines over nx points (e.g. weeks);
 * values[s * nx + x]. Each series has its own marker shape and dash
 * pattern besides its colour, and every point its number. */
void svg_lines(buf *b, const char *id, const char *title, const char *desc,
	       const char *const *xlabels, size_t nx, const char *const *series, size_t nseries,
	       const int64_t *values);

/* The workflow: stages left to right joined by arrows, each with its
 * count and its share of the first stage; under them the side paths
 * (退单, 延期, 重办 ...) with their counts. */
void svg_flow(buf *b, const char *id, const char *title, const char *desc,
	      const svg_item *stages, size_t n, const svg_item *side, size_t nside);

/* A donut meter for one rate num/den with its label, the percentage (one
 * decimal) and "num/den" in the middle; `empty` (e.g. "暂无评价") when den
 * is 0. */
void svg_meter(buf *b, const char *id, const char *label, int64_t num, int64_t den,
	       const char *empty);

#endif
