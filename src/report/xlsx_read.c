/*
 * xlsx_read.c — the .xlsx reader behind xlsx_read.h: a zip archive in
 * memory opened through minizip's I/O callbacks, each XML part streamed
 * through its own expat parser in 64 KB chunks, the sheet's rows handed
 * on as they end. One struct (xlsx) holds what the parts tell each other:
 * shared strings, which styles are dates, the 1904 date system, limits and
 * the first error.
 */
#include "report/xlsx_read.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/util.h"

#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unzip.h>

/* ---- cell references, formats and serial dates (pure) ---- */

bool xlsx_cell_ref(const char *ref, size_t *col, int64_t *row)
{
	size_t c = 0, i = 0;
	for (; ref[i] >= 'A' && ref[i] <= 'Z'; i++) {
		c = c * 26 + (size_t)(ref[i] - 'A' + 1);
		if (c > 16384)
			return false;
	}
	if (i == 0)
		return false;
	int64_t r = 0;
	size_t j = i;
	for (; ref[j] >= '0' && ref[j] <= '9'; j++) {
		r = r * 10 + (ref[j] - '0');
		if (r > 1048576)
			return false;
	}
	if (ref[j] != '\0' || (j > i && r == 0))
		return false;
	*col = c - 1;
	*row = r;
	return true;
}

void xlsx_col_name(size_t col, char out[8])
{
	char tmp[8];
	int n = 0;
	for (size_t c = col + 1; c > 0 && n < 7; c = (c - 1) / 26)
		tmp[n++] = (char)('A' + (c - 1) % 26);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

int xlsx_format_kind(int id, const char *code)
{
	if (id >= 14 && id <= 17)
		return XLSX_FMT_DATE;
	if (id == 22)
		return XLSX_FMT_DATETIME;
	if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47))
		return XLSX_FMT_TIME;
	if (!code)
		return XLSX_FMT_NUMBER;
	/* Look at the format's letters outside "quoted text", [colours or
	 * locales] and \escaped characters: y/d (and m next to them) make a
	 * date, h or s a time. */
	bool date = false, time = false;
	for (const char *p = code; *p; p++) {
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');
			if (!q)
				break;
			p = q;
		} else if (*p == '[') {
			const char *q = strchr(p + 1, ']');
			if (!q)
				break;
			p = q;
		} else if (*p == '\\' && p[1]) {
			p++;
		} else if (strchr("yYdD", *p)) {
			date = true;
		} else if (strchr("hHsS", *p)) {
			time = true;
		} else if (strchr("mM", *p) && !time) {
			date = true; /* m alone is a month; after h it is minutes */
		}
	}
	if (date && time)
		return XLSX_FMT_DATETIME;
	return date ? XLSX_FMT_DATE : time ? XLSX_FMT_TIME : XLSX_FMT_NUMBER;
}

/* Civil date of a day count from 1970-01-01 (Howard Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

bool xlsx_serial_text(double serial, bool date1904, int kind, char out[32])
{
	if (!isfinite(serial) || serial < 0 || serial > 2958466)
		return false;
	/* To the nearest second (a serial is a binary fraction of a day),
	 * then the minute it falls in, as a clock shows it. */
	int64_t minutes = (int64_t)llround(serial * 86400.0) / 60;
	int64_t days = minutes / 1440, mins = minutes % 1440;
	if (kind == XLSX_FMT_TIME) {
		snprintf(out, 32, "%02d:%02d", (int)(mins / 60), (int)(mins % 60));
		return true;
	}
	/* Excel counts 1900-02-29, which never was: serials from 61 on are
	 * days since 1899-12-30, the ones before since 1899-12-31. */
	int64_t unix_days;
	if (date1904)
		unix_days = days - 24107;
	else if (days >= 61)
		unix_days = days - 25569;
	else if (days >= 1)
		unix_days = days - 25568;
	else
		return false;
	int y, m, d;
	civil_from_days(unix_days, &y, &m, &d);
	if (y > 9999)
		return false;
	if (kind == XLSX_FMT_DATETIME && mins)
		snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", y, m, d, (int)(mins / 60),
			 (int)(mins % 60));
	else
		snprintf(out, 32, "%04d-%02d-%02d", y, m, d);
	return true;
}

/* ---- the zip archive in memory ---- */

typedef struct mem_file {
	const unsigned char *p;
	size_t n, pos;
} mem_file;

static voidpf ZCALLBACK mem_open(voidpf opaque, const void *name, int mode)
{
	(void)name;
	if (mode & ZLIB_FILEFUNC_MODE_WRITE)
		return NULL;
	mem_file *f = xmalloc(sizeof *f);
	*f = *(const mem_file *)opaque;
	f->pos = 0;
	return f;
}

static uLong ZCALLBACK mem_read(voidpf opaque, voidpf stream, void *out, uLong size)
{
	mem_file *f = stream;
	size_t left = f->n - f->pos, k = size < left ? size : left;
	memcpy(out, f->p + f->pos, k);
	f->pos += k;
	return (uLong)k;
}

static uLong ZCALLBACK mem_write(voidpf opaque, voidpf stream, const void *p, uLong size)
{
	return 0;
}

static ZPOS64_T ZCALLBACK mem_tell(voidpf opaque, voidpf stream)
{
	return ((mem_file *)stream)->pos;
}

static long ZCALLBACK mem_seek(voidpf opaque, voidpf stream, ZPOS64_T off, int origin)
{
	mem_file *f = stream;
	uint64_t base = origin == ZLIB_FILEFUNC_SEEK_SET ? 0
			: origin == ZLIB_FILEFUNC_SEEK_CUR ? f->pos : f->n;
	if (off > f->n || base + off > f->n)
		return -1;
	f->pos = (size_t)(base + off);
	return 0;
}

static int ZCALLBACK mem_close(voidpf opaque, voidpf stream)
{
	free(stream);
	return 0;
}

static int ZCALLBACK mem_error(voidpf opaque, voidpf stream)
{
	return 0;
}

/* ---- the reader's state ---- */

typedef struct xlsx {
	unzFile uf;
	const sheet_limits *lim;
	uint64_t total; /* bytes unpacked so far, all parts */
	char *err;      /* the first error (Chinese) */
	int rc;         /* the callback's non-zero answer */
	XML_Parser parser;
	char **strings; /* shared strings */
	size_t nstrings, capstrings;
	int *xf_kind; /* per cell style: XLSX_FMT_* */
	size_t nxf;
	bool date1904;
} xlsx;

/* Record the first error and stop the parser now working. Takes msg. */
static void halt(xlsx *x, char *msg)
{
	if (!x->err)
		x->err = msg;
	else
		free(msg);
	if (x->parser)
		XML_StopParser(x->parser, XML_FALSE);
}

/* The name without its namespace prefix ("x:row" is "row"). */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

/* The value of the attribute with this local name, or NULL. */
static const char *attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

static void XMLCALL refuse_dtd(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	/* Why: no part of a real workbook has a DTD; refusing any keeps
	 * entity expansion (billion laughs) and external entities out. */
	halt(*(xlsx **)ud, xstrdup("文件中含有 DTD（实体定义），不是正常的 Excel 文件，拒绝导入"));
}

/* A parser for one part, with ud as user data (it starts with an xlsx *). */
static XML_Parser new_parser(xlsx *x, void *ud, XML_StartElementHandler start,
			     XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	XML_Parser p = XML_ParserCreate(NULL);
	if (!p) {
		log_error("XML_ParserCreate failed");
		abort();
	}
	XML_SetUserData(p, ud);
	XML_SetElementHandler(p, start, end);
	if (text)
		XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, refuse_dtd);
#ifdef XML_DTD
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(p, 10.0f);
#endif
	x->parser = p;
	return p;
}

static int corrupt(xlsx *x, const char *name)
{
	halt(x, str_printf("文件已损坏：无法解压 %s", name));
	return -1;
}

/* Feed one chunk to the parser; -1 when it stopped or failed. */
static int feed(xlsx *x, XML_Parser p, const char *name, const char *chunk, int n, bool last)
{
	if (XML_Parse(p, chunk, n, last) != XML_STATUS_ERROR)
		return 0;
	if (!x->err && !x->rc)
		x->err = str_printf("文件中的 %s 不是有效的 XML（第%lu行：%s）", name,
				    (unsigned long)XML_GetCurrentLineNumber(p),
				    XML_ErrorString(XML_GetErrorCode(p)));
	return -1;
}

/* Unpack the part `name` through parser p, counting bytes against the
 * limits. 1 when the archive has no such part, 0 when parsed, -1 on
 * error (x->err or x->rc set). Frees p. */
static int parse_part(xlsx *x, const char *name, XML_Parser p)
{
	int rc = 0;
	char *chunk = NULL;
	if (unzLocateFile(x->uf, name, 2) != UNZ_OK) {
		rc = 1;
		goto done;
	}
	if (unzOpenCurrentFile(x->uf) != UNZ_OK) {
		rc = corrupt(x, name);
		goto done;
	}
	chunk = xmalloc(65536);
	uint64_t entry = 0;
	for (;;) {
		int n = unzReadCurrentFile(x->uf, chunk, 65536);
		if (n < 0) {
			rc = corrupt(x, name);
			break;
		}
		entry += (uint64_t)n;
		x->total += (uint64_t)n;
		if (entry > x->lim->max_entry_bytes || x->total > x->lim->max_total_bytes) {
			/* Why: a zip bomb unpacks a few KB into gigabytes; stop
			 * counting at what a real ledger never reaches. */
			halt(x, str_printf("文件解压后超过 %llu MB，拒绝导入",
					   (unsigned long long)(x->lim->max_total_bytes >> 20)));
			rc = -1;
			break;
		}
		if ((rc = feed(x, p, name, chunk, n, n == 0)) != 0 || n == 0)
			break;
	}
	if (unzCloseCurrentFile(x->uf) == UNZ_CRCERROR && !rc)
		rc = corrupt(x, name);
done:
	free(chunk);
	XML_ParserFree(p);
	x->parser = NULL;
	return rc;
}

/* ---- xl/workbook.xml and its relationships: where the first sheet is ---- */

typedef struct wb_ctx {
	xlsx *x;
	char *rid;    /* r:id of the first <sheet> */
	char *target; /* from the relationships */
} wb_ctx;

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	wb_ctx *w = ud;
	const char *n = local(name), *v;
	if (strcmp(n, "workbookPr") == 0 && (v = attr(atts, "date1904")))
		w->x->date1904 = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
	if (strcmp(n, "sheet") == 0 && !w->rid && (v = attr(atts, "id")))
		w->rid = xstrdup(v);
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	wb_ctx *w = ud;
	const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
	if (strcmp(local(name), "Relationship") == 0 && id && target && !w->target && w->rid &&
	    strcmp(id, w->rid) == 0)
		w->target = target[0] == '/' ? xstrdup(target + 1) : str_printf("xl/%s", target);
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
}

/* The part name of the first worksheet (caller frees), or NULL with
 * x->err set. */
static char *first_sheet(xlsx *x)
{
	wb_ctx w = {x, NULL, NULL};
	int rc = parse_part(x, "xl/workbook.xml", new_parser(x, &w, wb_start, no_end, NULL));
	if (rc == 1)
		halt(x, xstrdup("这不是 Excel 工作簿（.xlsx）：缺少 xl/workbook.xml"));
	if (rc == 0 && w.rid)
		rc = parse_part(x, "xl/_rels/workbook.xml.rels",
				new_parser(x, &w, rels_start, no_end, NULL));
	if (rc < 0) {
		free(w.rid);
		free(w.target);
		return NULL;
	}
	free(w.rid);
	/* A workbook that names no sheet: try the usual part name. */
	return w.target ? w.target : xstrdup("xl/worksheets/sheet1.xml");
}

/* ---- xl/sharedStrings.xml ---- */

typedef struct sst_ctx {
	xlsx *x;
	buf s;
	bool in_si, in_t;
	int rph; /* inside phonetic runs (ruby), whose text is not the cell's */
} sst_ctx;

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	sst_ctx *c = ud;
	const char *n = local(name);
	if (strcmp(n, "si") == 0) {
		c->in_si = true;
		buf_reset(&c->s);
	} else if (strcmp(n, "rPh") == 0) {
		c->rph++;
	} else if (strcmp(n, "t") == 0 && c->in_si && !c->rph) {
		c->in_t = true;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	sst_ctx *c = ud;
	xlsx *x = c->x;
	const char *n = local(name);
	if (strcmp(n, "t") == 0) {
		c->in_t = false;
	} else if (strcmp(n, "rPh") == 0) {
		c->rph--;
	} else if (strcmp(n, "si") == 0 && c->in_si) {
		c->in_si = false;
		if (x->nstrings == x->capstrings) {
			x->capstrings = x->capstrings ? x->capstrings * 2 : 64;
			x->strings = xrealloc(x->strings, x->capstrings * sizeof *x->strings);
		}
		x->strings[x->nstrings++] = xstrdup(buf_str(&c->s));
	}
}

/* Text of a cell being collected into b, capped (bytes: 4 per character). */
static void collect(xlsx *x, buf *b, const XML_Char *s, int len)
{
	if (b->len + (size_t)len > x->lim->max_cell_chars * 4) {
		halt(x, str_printf("单元格超过%zu个字符", x->lim->max_cell_chars));
		return;
	}
	buf_append(b, s, (size_t)len);
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
	sst_ctx *c = ud;
	if (c->in_t)
		collect(c->x, &c->s, s, len);
}

static int read_shared_strings(xlsx *x)
{
	sst_ctx c = {x, BUF_INIT, false, false, 0};
	int rc = parse_part(x, "xl/sharedStrings.xml", new_parser(x, &c, sst_start, sst_end, sst_text));
	buf_free(&c.s);
	return rc < 0 ? -1 : 0;
}

/* ---- xl/styles.xml: which cell styles show dates ---- */

typedef struct fmt {
	int id;
	char *code;
} fmt;

typedef struct styles_ctx {
	xlsx *x;
	fmt *fmts;
	size_t nfmts;
	int *xf_ids;
	size_t nxf, capxf;
	bool in_xfs;
} styles_ctx;

static int atoi_attr(const char **atts, const char *name)
{
	const char *v = attr(atts, name);
	int64_t n = 0;
	return v && str_to_i64(v, &n) && n >= 0 && n < 100000 ? (int)n : 0;
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	styles_ctx *c = ud;
	const char *n = local(name);
	if (strcmp(n, "numFmt") == 0 && attr(atts, "formatCode") && c->nfmts < 1000) {
		c->fmts = xrealloc(c->fmts, (c->nfmts + 1) * sizeof *c->fmts);
		c->fmts[c->nfmts].id = atoi_attr(atts, "numFmtId");
		c->fmts[c->nfmts++].code = xstrdup(attr(atts, "formatCode"));
	} else if (strcmp(n, "cellXfs") == 0) {
		c->in_xfs = true;
	} else if (strcmp(n, "xf") == 0 && c->in_xfs && c->nxf < 65536) {
		if (c->nxf == c->capxf) {
			c->capxf = c->capxf ? c->capxf * 2 : 16;
			c->xf_ids = xrealloc(c->xf_ids, c->capxf * sizeof *c->xf_ids);
		}
		c->xf_ids[c->nxf++] = atoi_attr(atts, "numFmtId");
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	styles_ctx *c = ud;
	if (strcmp(local(name), "cellXfs") == 0)
		c->in_xfs = false;
}

static int read_styles(xlsx *x)
{
	styles_ctx c = {x, NULL, 0, NULL, 0, 0, false};
	int rc = parse_part(x, "xl/styles.xml", new_parser(x, &c, styles_start, styles_end, NULL));
	x->xf_kind = xcalloc(c.nxf + 1, sizeof *x->xf_kind);
	x->nxf = c.nxf;
	for (size_t i = 0; i < c.nxf; i++) {
		const char *code = NULL;
		for (size_t j = 0; j < c.nfmts; j++)
			if (c.fmts[j].id == c.xf_ids[i])
				code = c.fmts[j].code;
		x->xf_kind[i] = xlsx_format_kind(c.xf_ids[i], code);
	}
	for (size_t j = 0; j < c.nfmts; j++)
		free(c.fmts[j].code);
	free(c.fmts);
	free(c.xf_ids);
	return rc < 0 ? -1 : 0;
}

/* ---- the worksheet ---- */

typedef struct sheet_ctx {
	xlsx *x;
	sheet_row_fn fn;
	void *ctx;
	buf *cells; /* [lim->max_cols] */
	size_t ncells; /* columns set in this row: cells[0..ncells) */
	int64_t row, rows;
	size_t col;    /* the current cell's column */
	char ref[16];  /* the current cell's reference, for messages */
	char type[12]; /* its t attribute */
	size_t style;  /* its s attribute */
	buf value;
	bool in_v, in_is, in_t;
	int rph;
} sheet_ctx;

static void cell_start(sheet_ctx *c, const char **atts)
{
	xlsx *x = c->x;
	const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
	size_t col = c->ncells ? c->col + 1 : 0;
	int64_t row = 0, style = 0;
	if (r && (!xlsx_cell_ref(r, &col, &row) || (row && row != c->row))) {
		halt(x, str_printf("文件已损坏：第%lld行的单元格位置无效", (long long)c->row));
		return;
	}
	if (col >= x->lim->max_cols) {
		halt(x, str_printf("第%lld行：列数超过%zu列", (long long)c->row, x->lim->max_cols));
		return;
	}
	c->col = col;
	char letters[8];
	xlsx_col_name(col, letters);
	snprintf(c->ref, sizeof c->ref, "%s%lld", letters, (long long)c->row);
	snprintf(c->type, sizeof c->type, "%s", t ? t : "n");
	c->style = s && str_to_i64(s, &style) && style >= 0 ? (size_t)style : 0;
	buf_reset(&c->value);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	sheet_ctx *c = ud;
	xlsx *x = c->x;
	const char *n = local(name);
	if (strcmp(n, "row") == 0) {
		const char *r = attr(atts, "r");
		int64_t row = c->row + 1;
		if (r && (!str_to_i64(r, &row) || row < 1 || row > 1048576)) {
			halt(x, xstrdup("文件已损坏：行号无效"));
			return;
		}
		c->row = row;
		c->ncells = 0;
	} else if (strcmp(n, "c") == 0) {
		cell_start(c, atts);
	} else if (strcmp(n, "f") == 0) {
		halt(x, str_printf("单元格 %s 是公式，请在 Excel 中把公式“选择性粘贴”为数值后再导入",
				   c->ref));
	} else if (strcmp(n, "v") == 0) {
		c->in_v = true;
	} else if (strcmp(n, "is") == 0) {
		c->in_is = true;
	} else if (strcmp(n, "rPh") == 0) {
		c->rph++;
	} else if (strcmp(n, "t") == 0 && c->in_is && !c->rph) {
		c->in_t = true;
	}
}

/* A number cell's text: a date when its style says so, else the number
 * in plain notation. NULL (after halt) when it is not a number. */
static char *number_text(sheet_ctx *c, const char *v)
{
	xlsx *x = c->x;
	char *end = NULL;
	double d = strtod(v, &end);
	if (!*v || *end || !isfinite(d)) {
		halt(x, str_printf("单元格 %s 的数字无效", c->ref));
		return NULL;
	}
	int kind = c->style < x->nxf ? x->xf_kind[c->style] : XLSX_FMT_NUMBER;
	char out[32];
	if (kind != XLSX_FMT_NUMBER) {
		if (!xlsx_serial_text(d, x->date1904, kind, out)) {
			halt(x, str_printf("单元格 %s 的日期超出范围", c->ref));
			return NULL;
		}
	} else if (d == floor(d) && fabs(d) < 1e15) {
		snprintf(out, sizeof out, "%.0f", d);
	} else {
		snprintf(out, sizeof out, "%.15g", d);
	}
	return xstrdup(out);
}

/* The text of the cell that just ended, by its type; NULL after halt. */
static char *cell_text(sheet_ctx *c)
{
	xlsx *x = c->x;
	const char *v = buf_str(&c->value);
	int64_t i = 0;
	if (strcmp(c->type, "s") == 0) {
		if (!str_to_i64(v, &i) || i < 0 || (size_t)i >= x->nstrings) {
			halt(x, str_printf("文件已损坏：单元格 %s 引用的共享字符串不存在", c->ref));
			return NULL;
		}
		return xstrdup(x->strings[i]);
	}
	if (strcmp(c->type, "inlineStr") == 0 || strcmp(c->type, "str") == 0)
		return xstrdup(v);
	if (strcmp(c->type, "b") == 0)
		return xstrdup(strcmp(v, "1") == 0 ? "TRUE" : "FALSE");
	if (strcmp(c->type, "e") == 0) {
		halt(x, str_printf("单元格 %s 是错误值 %s", c->ref, v));
		return NULL;
	}
	if (strcmp(c->type, "d") == 0) {
		char *s = xstrndup(v, 16);
		char *t = strchr(s, 'T');
		if (t)
			*t = ' ';
		return s;
	}
	if (!*v)
		return xstrdup("");
	return number_text(c, v);
}

static void cell_end(sheet_ctx *c)
{
	xlsx *x = c->x;
	char *text = cell_text(c);
	if (!text)
		return;
	if (utf8_count(text, strlen(text)) > x->lim->max_cell_chars) {
		halt(x, str_printf("单元格 %s 超过%zu个字符", c->ref, x->lim->max_cell_chars));
		free(text);
		return;
	}
	for (size_t i = c->ncells; i <= c->col; i++)
		buf_reset(&c->cells[i]);
	if (c->col + 1 > c->ncells)
		c->ncells = c->col + 1;
	buf_reset(&c->cells[c->col]);
	buf_puts(&c->cells[c->col], text);
	free(text);
}

static void row_end(sheet_ctx *c)
{
	xlsx *x = c->x;
	bool blank = true;
	for (size_t i = 0; i < c->ncells && blank; i++)
		blank = c->cells[i].len == 0;
	if (blank)
		return;
	if (++c->rows > (int64_t)x->lim->max_rows) {
		halt(x, str_printf("行数超过%zu行", x->lim->max_rows));
		return;
	}
	char **v = xcalloc(c->ncells, sizeof *v);
	for (size_t i = 0; i < c->ncells; i++)
		v[i] = (char *)buf_str(&c->cells[i]);
	int rc = c->fn(c->ctx, c->row, v, c->ncells);
	free(v);
	if (rc) {
		x->rc = rc;
		XML_StopParser(x->parser, XML_FALSE);
	}
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	sheet_ctx *c = ud;
	const char *n = local(name);
	if (strcmp(n, "v") == 0)
		c->in_v = false;
	else if (strcmp(n, "t") == 0)
		c->in_t = false;
	else if (strcmp(n, "is") == 0)
		c->in_is = false;
	else if (strcmp(n, "rPh") == 0)
		c->rph--;
	else if (strcmp(n, "c") == 0)
		cell_end(c);
	else if (strcmp(n, "row") == 0)
		row_end(c);
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
	sheet_ctx *c = ud;
	if (c->in_v || (c->in_is && c->in_t))
		collect(c->x, &c->value, s, len);
}

static int read_sheet(xlsx *x, const char *part, sheet_row_fn fn, void *ctx)
{
	sheet_ctx c = {x, fn, ctx, xcalloc(x->lim->max_cols, sizeof(buf)), 0, 0, 0, 0, "", "",
		       0, BUF_INIT, false, false, false, 0};
	int rc = parse_part(x, part, new_parser(x, &c, sheet_start, sheet_end, sheet_text));
	if (rc == 1)
		halt(x, xstrdup("文件中没有工作表"));
	for (size_t i = 0; i < x->lim->max_cols; i++)
		buf_free(&c.cells[i]);
	free(c.cells);
	buf_free(&c.value);
	return rc;
}

int xlsx_read(const void *data, size_t n, const sheet_limits *lim, sheet_row_fn fn, void *ctx,
	      char **err)
{
	sheet_limits dflt = sheet_default_limits();
	xlsx x = {0};
	x.lim = lim ? lim : &dflt;
	mem_file mf = {data, n, 0};
	zlib_filefunc64_def ff = {mem_open, mem_read, mem_write, mem_tell, mem_seek,
				  mem_close, mem_error, &mf};
	char *part = NULL;
	x.uf = unzOpen2_64("memory", &ff);
	if (!x.uf) {
		x.err = xstrdup("不是有效的 Excel 文件（.xlsx）：无法作为 zip 文件打开");
		goto done;
	}
	if (!(part = first_sheet(&x)) || read_shared_strings(&x) || read_styles(&x))
		goto done;
	read_sheet(&x, part, fn, ctx);
done:
	if (x.uf)
		unzClose(x.uf);
	free(part);
	for (size_t i = 0; i < x.nstrings; i++)
		free(x.strings[i]);
	free(x.strings);
	free(x.xf_kind);
	if (x.err) {
		*err = x.err;
		return -1;
	}
	return x.rc;
}
