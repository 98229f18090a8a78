/*
 * svg.c — the charts of svg.h, written straight into a buf.
 *
 * Layout is computed in viewBox units from the data alone (label widths
 * are estimated: a CJK character is one em, other characters a little
 * over half), numbers are printed with fixed decimals in the C locale, and
 * nothing depends on the clock or on memory addresses: the same data
 * always gives the same bytes. Labels are cleaned (control characters
 * dropped, ill-formed UTF-8 replaced, long ones shortened with "…") and
 * then escaped with %h.
 */
#include "report/svg.h"
#include "ledger/rates.h"
#include "base/utf8.h"

#include <math.h>
#include <string.h>

#define FONT "'Noto Sans CJK SC','Noto Sans CJK','Source Han Sans SC',sans-serif"

/* Okabe–Ito colours: distinguishable with the common colour-vision
 * deficiencies; the text beside every mark carries the meaning anyway. */
static const char *const palette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
				      "#56B4E9", "#CC79A7", "#F0E442", "#7F7F7F"};
#define NCOLOURS (sizeof palette / sizeof palette[0])

/* Write s cleaned and shortened to max_chars characters (0: no limit),
 * HTML/XML-escaped. */
static void put_label(buf *b, const char *s, size_t max_chars)
{
	buf t = BUF_INIT;
	size_t n = s ? strlen(s) : 0, chars = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (max_chars && chars == max_chars) {
			buf_puts(&t, "…");
			break;
		}
		if (cp == UTF8_BAD)
			buf_puts(&t, "\xEF\xBF\xBD");
		else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xFFFE ||
			 cp == 0xFFFF)
			buf_putc(&t, ' ');
		else
			buf_append(&t, s + i, k);
		chars++;
		i += k;
	}
	buf_printf(b, "%h", buf_str(&t));
	buf_free(&t);
}

/* Estimated width of s in viewBox units at font size fs (after
 * shortening to max_chars). */
static double text_width(const char *s, double fs, size_t max_chars)
{
	double w = 0;
	size_t n = s ? strlen(s) : 0, chars = 0;
	for (size_t i = 0; i < n && (!max_chars || chars <= max_chars); chars++) {
		uint32_t cp;
		i += utf8_decode(s + i, n - i, &cp);
		w += cp >= 0x2E80 && cp != UTF8_BAD ? fs : 0.6 * fs;
	}
	return w;
}

/* <svg ...><title/><desc/>: the head of every chart. */
static void svg_open(buf *b, const char *id, int w, int h, const char *title, const char *desc)
{
	buf_printf(b,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %d\""
		   " role=\"img\" aria-labelledby=\"%h-t %h-d\" font-family=\"%s\" font-size=\"14\">"
		   "<title id=\"%h-t\">",
		   w, h, id, id, FONT, id);
	put_label(b, title, 0);
	buf_printf(b, "</title><desc id=\"%h-d\">", id);
	put_label(b, desc, 0);
	buf_puts(b, "</desc>");
}

/* "暂无数据" in the middle of an empty chart, and the closing tag. */
static void svg_empty(buf *b, int w, int h)
{
	buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">暂无数据</text>"
		      "</svg>\n",
		   w / 2, h / 2);
}

/* The largest value of v (at least 1, so scales never divide by 0). */
static int64_t max_of(const int64_t *v, size_t n)
{
	int64_t m = 1;
	for (size_t i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

/* The top of an axis at or above m with four whole steps, each step 1, 2
 * or 5 times a power of ten (so the gridlines read 0 10 20 30 40). */
static int64_t nice_max(int64_t m)
{
	int64_t step = (m + 3) / 4, p = 1;
	while (p * 10 <= step)
		p *= 10;
	step = step <= p ? p : step <= 2 * p ? 2 * p : step <= 5 * p ? 5 * p : 10 * p;
	return 4 * step;
}

static void bars_horizontal(buf *b, const svg_item *v, size_t n, int64_t max)
{
	double lw = 0;
	for (size_t i = 0; i < n; i++)
		lw = fmax(lw, text_width(v[i].label, 14, 12));
	lw = fmin(lw, 200) + 12;
	double span = 640 - lw - 70;
	for (size_t i = 0; i < n; i++) {
		double y = 10 + 30.0 * (double)i, w = span * (double)(v[i].value > 0 ? v[i].value : 0) /
						       (double)max;
		buf_puts(b, "<g><title>");
		put_label(b, v[i].label, 0);
		buf_printf(b, "：%lld</title><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
			   (long long)v[i].value, lw - 8, y + 17);
		put_label(b, v[i].label, 12);
		buf_printf(b, "</text><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"22\""
			      " fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\">%lld</text></g>",
			   lw, y, w, palette[0], lw + w + 6, y + 17, (long long)v[i].value);
	}
}

static void bars_vertical(buf *b, const svg_item *v, size_t n, int64_t max)
{
	double slot = 600.0 / (double)n, bw = fmin(slot * 0.7, 80);
	for (size_t i = 0; i < n; i++) {
		double x = 20 + slot * (double)i + (slot - bw) / 2;
		double h = 200.0 * (double)(v[i].value > 0 ? v[i].value : 0) / (double)max;
		buf_puts(b, "<g><title>");
		put_label(b, v[i].label, 0);
		buf_printf(b, "：%lld</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
			      " fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\""
			      " font-weight=\"bold\">%lld</text><text x=\"%.1f\" y=\"250\""
			      " text-anchor=\"middle\" font-size=\"12\">",
			   (long long)v[i].value, x, 225 - h, bw, h, palette[0], x + bw / 2, 219 - h,
			   (long long)v[i].value, x + bw / 2);
		put_label(b, v[i].label, slot >= 90 ? 7 : 4);
		buf_puts(b, "</text></g>");
	}
}

void svg_bars(buf *b, const char *id, const char *title, const char *desc, const svg_item *v,
	      size_t n, bool horizontal)
{
	int w = horizontal ? 640 : 640, h = horizontal ? 20 + 30 * (int)(n ? n : 2) : 260;
	int64_t max = 1;
	svg_open(b, id, w, h, title, desc);
	if (n == 0) {
		svg_empty(b, w, h);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].value > max)
			max = v[i].value;
	if (horizontal)
		bars_horizontal(b, v, n, max);
	else
		bars_vertical(b, v, n, max);
	buf_puts(b, "</svg>\n");
}

/* A legend row at y: a swatch and the name of each series. */
static void legend(buf *b, const char *const *series, size_t n, double y, bool lines)
{
	double x = 10;
	for (size_t s = 0; s < n; s++) {
		if (lines)
			buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
				      " stroke-width=\"3\"%s/>",
				   x, y - 5, x + 22, y - 5, palette[s % NCOLOURS],
				   s % 2 ? " stroke-dasharray=\"6 3\"" : "");
		else
			buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"%s\"/>",
				   x, y - 12, palette[s % NCOLOURS]);
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\">", x + (lines ? 27 : 18), y);
		put_label(b, series[s], 8);
		buf_puts(b, "</text>");
		x += (lines ? 36 : 26) + text_width(series[s], 13, 8);
	}
}

/* One stacked bar: row r at y, starting at x0 with `span` for max. */
static void stacked_row(buf *b, const char *row, const char *const *series, size_t ns,
			const int64_t *v, double x0, double y, double span, int64_t max)
{
	int64_t total = 0;
	double x = x0;
	buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", x0 - 8, y + 17);
	put_label(b, row, 10);
	buf_puts(b, "</text>");
	for (size_t s = 0; s < ns; s++) {
		if (v[s] <= 0)
			continue;
		double w = span * (double)v[s] / (double)max;
		buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"22\" fill=\"%s\""
			      " stroke=\"#fff\" stroke-width=\"0.5\"><title>",
			   x, y, w, palette[s % NCOLOURS]);
		put_label(b, row, 0);
		buf_puts(b, " · ");
		put_label(b, series[s], 0);
		buf_printf(b, "：%lld</title></rect>", (long long)v[s]);
		if (w >= 10.0 * (double)(1 + (v[s] >= 10) + (v[s] >= 100)))
			buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\""
				      " fill=\"%s\">%lld</text>",
				   x + w / 2, y + 16, s % NCOLOURS == 1 || s % NCOLOURS == 4 || s % NCOLOURS == 6 ? "#000" : "#fff",
				   (long long)v[s]);
		x += w;
		total += v[s];
	}
	buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\">%lld</text>", x + 6, y + 17,
		   (long long)total);
}

void svg_stacked(buf *b, const char *id, const char *title, const char *desc,
		 const char *const *rows, size_t nrows, const char *const *series, size_t nseries,
		 const int64_t *values)
{
	int w = 760, h = 50 + 30 * (int)(nrows ? nrows : 2);
	int64_t max = 1;
	double lw = 0;
	svg_open(b, id, w, h, title, desc);
	if (nrows == 0 || nseries == 0) {
		svg_empty(b, w, h);
		return;
	}
	for (size_t r = 0; r < nrows; r++) {
		int64_t t = 0;
		for (size_t s = 0; s < nseries; s++)
			t += values[r * nseries + s] > 0 ? values[r * nseries + s] : 0;
		if (t > max)
			max = t;
		lw = fmax(lw, text_width(rows[r], 14, 10));
	}
	lw = fmin(lw, 160) + 12;
	legend(b, series, nseries, 22, false);
	for (size_t r = 0; r < nrows; r++)
		stacked_row(b, rows[r], series, nseries, values + r * nseries, lw,
			    40 + 30.0 * (double)r, w - lw - 60, max);
	buf_puts(b, "</svg>\n");
}

/* A point marker of series s at (x, y): circle, square, diamond, triangle. */
static void marker(buf *b, size_t s, double x, double y)
{
	const char *c = palette[s % NCOLOURS];
	switch (s % 4) {
	case 0:
		buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>", x, y, c);
		break;
	case 1:
		buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"9\" height=\"9\" fill=\"%s\"/>",
			   x - 4.5, y - 4.5, c);
		break;
	case 2:
		buf_printf(b, "<path d=\"M%.1f %.1fl5 5l-5 5l-5 -5z\" fill=\"%s\"/>", x, y - 5, c);
		break;
	default:
		buf_printf(b, "<path d=\"M%.1f %.1fl5 9h-10z\" fill=\"%s\"/>", x, y - 5, c);
	}
}

/* The y axis: gridlines and numbers at quarters of top. */
static void y_axis(buf *b, int64_t top, double x0, double x1, double y0, double h)
{
	for (int i = 0; i <= 4; i++) {
		double y = y0 + h - h * i / 4.0;
		buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\""
			      " stroke-width=\"1\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\""
			      " font-size=\"12\" fill=\"#555\">%lld</text>",
			   x0, y, x1, y, x0 - 6, y + 4, (long long)(top * i / 4));
	}
}

void svg_lines(buf *b, const char *id, const char *title, const char *desc,
	       const char *const *xlabels, size_t nx, const char *const *series, size_t nseries,
	       const int64_t *values)
{
	const double x0 = 50, x1 = 700, y0 = 40, ph = 200;
	int w = 720, h = 290;
	svg_open(b, id, w, h, title, desc);
	if (nx == 0 || nseries == 0) {
		svg_empty(b, w, h);
		return;
	}
	int64_t top = nice_max(max_of(values, nx * nseries));
	double step = nx > 1 ? (x1 - x0 - 20) / (double)(nx - 1) : 0;
	size_t every = nx <= 14 ? 1 : (nx + 13) / 14;
	legend(b, series, nseries, 20, true);
	y_axis(b, top, x0, x1, y0, ph);
	for (size_t x = 0; x < nx; x += every) {
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\">",
			   x0 + 10 + step * (double)x, y0 + ph + 20);
		put_label(b, xlabels[x], 8);
		buf_puts(b, "</text>");
	}
	for (size_t s = 0; s < nseries; s++) {
		const int64_t *v = values + s * nx;
		buf_printf(b, "<g><title>");
		put_label(b, series[s], 0);
		buf_printf(b, "</title><polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"%s"
			      " points=\"",
			   palette[s % NCOLOURS], s % 2 ? " stroke-dasharray=\"6 3\"" : "");
		for (size_t x = 0; x < nx; x++)
			buf_printf(b, "%s%.1f,%.1f", x ? " " : "", x0 + 10 + step * (double)x,
				   y0 + ph - ph * (double)(v[x] > 0 ? v[x] : 0) / (double)top);
		buf_puts(b, "\"/>");
		for (size_t x = 0; x < nx; x++) {
			double px = x0 + 10 + step * (double)x;
			double py = y0 + ph - ph * (double)(v[x] > 0 ? v[x] : 0) / (double)top;
			marker(b, s, px, py);
			if (nx <= 14)
				buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\""
					      " font-size=\"11\" fill=\"%s\">%lld</text>",
					   px, s % 2 ? py + 17 : py - 8, palette[s % NCOLOURS],
					   (long long)v[x]);
		}
		buf_puts(b, "</g>");
	}
	buf_puts(b, "</svg>\n");
}

/* One box of the workflow at x: label, count and share of `first`. */
static void flow_box(buf *b, const svg_item *it, double x, double y, double w, int64_t first,
		     bool side)
{
	char pct[16];
	rate r = {it->value, first};
	rate_format(r, pct);
	buf_puts(b, "<g><title>");
	put_label(b, it->label, 0);
	buf_printf(b, "：%lld</title>", (long long)it->value);
	buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"6\""
		      " fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"%s/>"
		      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"14\">",
		   x, y, w, side ? 56 : 92, side ? "#fff" : "#eaf2fa", side ? "#D55E00" : "#0072B2",
		   side ? " stroke-dasharray=\"5 3\"" : "", x + w / 2, y + 22);
	put_label(b, it->label, 6);
	buf_printf(b, "</text><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"%d\""
		      " font-weight=\"bold\">%lld</text>",
		   x + w / 2, y + (side ? 46 : 56), side ? 18 : 26, (long long)it->value);
	if (!side && pct[0])
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\""
			      " fill=\"#555\">%s%%</text>",
			   x + w / 2, y + 80, pct);
	buf_puts(b, "</g>");
}

void svg_flow(buf *b, const char *id, const char *title, const char *desc,
	      const svg_item *stages, size_t n, const svg_item *side, size_t nside)
{
	int w = 960, h = nside ? 210 : 130;
	svg_open(b, id, w, h, title, desc);
	if (n == 0) {
		svg_empty(b, w, h);
		return;
	}
	double slot = (double)(w - 20) / (double)n, bw = slot - 28;
	for (size_t i = 0; i < n; i++) {
		double x = 10 + slot * (double)i;
		flow_box(b, &stages[i], x, 14, bw, stages[0].value, false);
		if (i + 1 < n)
			buf_printf(b, "<path d=\"M%.1f 60h16l-6 -6m6 6l-6 6\" fill=\"none\""
				      " stroke=\"#333\" stroke-width=\"2\"/>",
				   x + bw + 6);
	}
	if (nside) {
		double sw = fmin(160, (double)(w - 20) / (double)nside - 16);
		buf_puts(b, "<text x=\"10\" y=\"134\" font-size=\"13\" fill=\"#555\">其中</text>");
		for (size_t i = 0; i < nside; i++)
			flow_box(b, &side[i], 50 + (sw + 16) * (double)i, 142, sw, 0, true);
	}
	buf_puts(b, "</svg>\n");
}

void svg_meter(buf *b, const char *id, const char *label, int64_t num, int64_t den,
	       const char *empty)
{
	const double r = 52, c = 2 * 3.14159265358979 * r;
	char pct[16];
	rate x = {num, den};
	rate_format(x, pct);
	buf *t = &(buf)BUF_INIT;
	buf_printf(t, "%s：%s", label ? label : "", pct[0] ? pct : (empty ? empty : "暂无数据"));
	if (pct[0])
		buf_printf(t, "%%（%lld/%lld）", (long long)num, (long long)den);
	svg_open(b, id, 160, 170, label, buf_str(t));
	buf_free(t);
	double frac = den > 0 ? fmin(fmax((double)num / (double)den, 0), 1) : 0;
	buf_printf(b, "<circle cx=\"80\" cy=\"72\" r=\"%.0f\" fill=\"none\" stroke=\"#e3e3e3\""
		      " stroke-width=\"16\"/>",
		   r);
	if (den > 0)
		buf_printf(b, "<circle cx=\"80\" cy=\"72\" r=\"%.0f\" fill=\"none\" stroke=\"%s\""
			      " stroke-width=\"16\" stroke-dasharray=\"%.2f %.2f\""
			      " transform=\"rotate(-90 80 72)\"/>",
			   r, frac >= 0.9 ? palette[2] : frac >= 0.6 ? palette[0] : palette[3],
			   c * frac, c);
	if (pct[0])
		buf_printf(b, "<text x=\"80\" y=\"76\" text-anchor=\"middle\" font-size=\"22\""
			      " font-weight=\"bold\">%s%%</text><text x=\"80\" y=\"96\""
			      " text-anchor=\"middle\" font-size=\"12\" fill=\"#555\">%lld/%lld</text>",
			   pct, (long long)num, (long long)den);
	else {
		buf_puts(b, "<text x=\"80\" y=\"78\" text-anchor=\"middle\" font-size=\"14\" fill=\"#555\">");
		put_label(b, empty ? empty : "暂无数据", 6);
		buf_puts(b, "</text>");
	}
	buf_puts(b, "<text x=\"80\" y=\"160\" text-anchor=\"middle\" font-size=\"15\">");
	put_label(b, label, 8);
	buf_puts(b, "</text></svg>\n");
}
