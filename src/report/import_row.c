/*
 * import_row.c — one data row of an imported sheet checked cell by cell
 * and turned into an import_matter: labels to the ledger's names (诉求 →
 * request, 办理中 → in_progress, 满意 → satisfied), catalogue names to ids,
 * dates in the forms offices type, progress notes "MM-DD note" one per
 * line, texts within the limits of the submission form. Every problem is
 * reported with the row and the sheet's own header.
 */
#include "report/import_int.h"
#include "report/xlsx_read.h"
#include "ledger/calendar.h"
#include "ledger/matter.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The row being checked. */
typedef struct rowck {
	const import_sheet *s;
	int64_t row;
	import_matter *m;
	bool ok;
	const char *header; /* of the cell being read */
	char *assignee;     /* looked up once the department is known */
	buf extra;          /* 整改措施, 责任领导, 备注: lines for the description */
	int status_given;   /* -1: no status in the row */
	unsigned filled;    /* IM_* bits of the non-empty cells */
} rowck;

static void err(rowck *c, char *text)
{
	import_msg_add(c->s->r, c->row, c->header, false, text);
	c->ok = false;
}

static void warn(rowck *c, char *text)
{
	import_msg_add(c->s->r, c->row, c->header, true, text);
}

/* Text of at most max characters without control characters (newlines
 * and tabs allowed when multiline). */
static bool text_fits(rowck *c, const char *v, size_t max, bool multiline)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) {
			err(c, xstrdup("含有不可见的控制字符"));
			return false;
		}
	if (utf8_count(v, strlen(v)) > max) {
		err(c, str_printf("超过%zu个字", max));
		return false;
	}
	return true;
}

/* A text cell; in a one-line field the line breaks and tabs a cell may
 * hold (Alt+Enter in Excel) become spaces. */
static char *text_field(rowck *c, const char *v, size_t max, bool multiline)
{
	char *t = xstrdup(v);
	for (char *p = t; !multiline && *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	if (text_fits(c, t, max, multiline))
		return t;
	free(t);
	return NULL;
}

/* ---- vocabularies: a label, or the stored name ---- */

static const char *kind_names[] = {"request", "wish", "petition", "inspection", "project"};
static const char *rating_names[] = {"satisfied", "basic", "dissatisfied"};
static const char *channel_names[] = {"web", "kiosk", "hotline", "box", "visit",
				      "petition", "inspection", "app", "import"};

static const char *by_label(const char *v, const char *const *names, size_t n,
			    const char *(*label)(const char *))
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0 || strcmp(v, label(names[i])) == 0)
			return names[i];
	return NULL;
}

static int status_by_label(const char *v)
{
	for (int st = 0; st < ST_COUNT; st++)
		if (strcmp(v, status_name(st)) == 0 || strcmp(v, status_label(st)) == 0)
			return st;
	/* What offices write in their own sheets. */
	static const struct {
		const char *label;
		int st;
	} more[] = {{"已完成", ST_RESOLVED}, {"已办理", ST_RESOLVED}, {"办结", ST_RESOLVED},
		    {"已解决", ST_RESOLVED}, {"正在办理", ST_IN_PROGRESS}, {"推进中", ST_IN_PROGRESS},
		    {"整改中", ST_IN_PROGRESS}, {"未完成", ST_IN_PROGRESS}, {"销号", ST_CLOSED},
		    {"已受理", ST_ACCEPTED}, {"未受理", ST_SUBMITTED}};
	for (size_t i = 0; i < ARRAY_LEN(more); i++)
		if (strcmp(v, more[i].label) == 0)
			return more[i].st;
	return -1;
}

/* ---- catalogue lookups by name (or code) ---- */

static int64_t department_by_name(const import_catalog *k, const char *v)
{
	for (size_t i = 0; i < k->ndeps; i++)
		if (strcmp(k->deps[i].name, v) == 0 || strcmp(k->deps[i].code, v) == 0)
			return k->deps[i].id;
	return 0;
}

static int64_t area_by_name(const import_catalog *k, const char *v)
{
	for (size_t i = 0; i < k->nareas; i++)
		if (strcmp(k->areas[i].name, v) == 0 || strcmp(k->areas[i].code, v) == 0)
			return k->areas[i].id;
	return 0;
}

static int64_t category_by_name(const import_catalog *k, const char *v)
{
	for (size_t i = 0; i < k->ncats; i++)
		if (strcmp(k->cats[i].name, v) == 0 || strcmp(k->cats[i].code, v) == 0)
			return k->cats[i].id;
	return 0;
}

/* A staff member called name who may be responsible in department dep
 * (its own staff, or a leader or administrator), as do_assign allows. */
static int64_t assignee_by_name(const import_catalog *k, const char *name, int64_t dep)
{
	for (size_t i = 0; i < k->nusers; i++) {
		const user *u = &k->users[i];
		if (u->active && strcmp(u->name, name) == 0 &&
		    (u->department_id == dep || strcmp(u->role, "leader") == 0 ||
		     strcmp(u->role, "admin") == 0))
			return u->id;
	}
	return 0;
}

/* ---- dates ---- */

/* "YYYY-MM-DD" of numbers already read (checked later by
 * calendar_date_valid; out of range fields give an invalid date). */
static void ymd(char out[11], int y, int m, int d)
{
	if (y < 0 || y > 9999 || m < 0 || m > 99 || d < 0 || d > 99)
		y = m = d = 0;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
}

/* Up to max digits at *p as a number; false when none. */
static bool digits(const char **p, int max, int *out)
{
	int n = 0, v = 0;
	while (n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	*out = v;
	return n > 0;
}

/* An optional " HH:MM[:SS]" (or "THH:MM") at p, to the end. */
static bool time_part(const char *p, int *minutes)
{
	int h = 0, m = 0, s = 0;
	*minutes = 0;
	while (*p == ' ' || *p == 'T')
		p++;
	if (!*p)
		return true;
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &m))
		return false;
	if (*p == ':' && (p++, !digits(&p, 2, &s)))
		return false;
	if (*p || h > 23 || m > 59 || s > 59)
		return false;
	*minutes = h * 60 + m;
	return true;
}

/* An Excel serial number (what a date cell gives when read as a number). */
static bool serial_date(const char *s, char date[11], int *minutes)
{
	char *end = NULL;
	double v = strtod(s, &end);
	char out[32];
	if (end == s || *end || v < 1 || v >= 100000)
		return false;
	if (!xlsx_serial_text(v, false, XLSX_FMT_DATETIME, out))
		return false;
	snprintf(date, 11, "%.10s", out);
	*minutes = out[10] ? atoi(out + 11) * 60 + atoi(out + 14) : 0;
	return true;
}

bool import_parse_date(const char *s, char date[11], int *minutes)
{
	const char *p = s;
	int y = 0, m = 0, d = 0;
	*minutes = 0;
	size_t len = strspn(s, "0123456789");
	if (len == 8 && s[8] == '\0') { /* 20261123 */
		sscanf(s, "%4d%2d%2d", &y, &m, &d);
		p = s + 8;
	} else if (len <= 5 && (!s[len] || (s[len] == '.' && s[len + 1] &&
					    !s[len + 1 + strspn(s + len + 1, "0123456789")]))) {
		return serial_date(s, date, minutes);
	} else {
		if (!digits(&p, 4, &y) || p - s != 4)
			return false;
		const char *sep = strncmp(p, "年", 3) == 0 ? "年" : NULL;
		if (sep)
			p += 3;
		else if (*p == '-' || *p == '/' || *p == '.')
			sep = p++;
		else
			return false;
		if (!digits(&p, 2, &m))
			return false;
		if (strncmp(sep, "年", 3) == 0) {
			if (strncmp(p, "月", 3) != 0)
				return false;
			p += 3;
		} else if (*p++ != *sep) {
			return false;
		}
		if (!digits(&p, 2, &d))
			return false;
		if (strncmp(p, "日", 3) == 0)
			p += 3;
	}
	ymd(date, y, m, d);
	return calendar_date_valid(date) && time_part(p, minutes);
}

/* A date cell into out (YYYY-MM-DD), or an error. */
static bool date_cell(rowck *c, const char *v, char out[11], int *minutes)
{
	int mins = 0;
	if (import_parse_date(v, out, minutes ? minutes : &mins))
		return true;
	err(c, str_printf("日期「%s」无法识别，请写成 YYYY-MM-DD、YYYY/M/D 或 YYYY年M月D日", v));
	return false;
}

/* An instant (登记时间, 办结时间) in Beijing time, or 0 after an error. */
static int64_t instant_cell(rowck *c, const char *v)
{
	char date[11];
	int minutes = 0;
	if (!date_cell(c, v, date, &minutes))
		return 0;
	int64_t t = calendar_day_start(date) + minutes * 60;
	if (t > c->s->now + 86400) {
		err(c, str_printf("时间「%s」在将来", v));
		return 0;
	}
	return t;
}

/* ---- progress notes ---- */

/* The date a note line starts with ("11-23 ", "2026-11-23 ", "11月23日"),
 * as an instant at noon (the year: the one that puts it not after now);
 * moves *p past it. 0 when the line has no date. */
static int64_t note_date(const char **p, int64_t now)
{
	const char *s = *p;
	int y = 0, m = 0, d = 0, n = 0;
	char today[11], date[11];
	ledger_today(now, today);
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10) {
	} else if (sscanf(s, "%2d-%2d%n", &m, &d, &n) == 2 && n >= 3 && n <= 5) {
		y = atoi(today);
	} else if (sscanf(s, "%2d月%2d日%n", &m, &d, &n) == 2) {
		y = atoi(today);
	} else {
		return 0;
	}
	ymd(date, y, m, d);
	if (y == atoi(today) && strcmp(date, today) > 0)
		ymd(date, y - 1, m, d);
	if (!calendar_date_valid(date))
		return 0;
	s += n;
	/* "12-15号楼漏水" is a note, not a date: a date ends the line or is
	 * followed by a blank or a colon. */
	if (*s && *s != ' ' && *s != ':' && strncmp(s, "：", 3) != 0)
		return 0;
	while (*s == ' ' || *s == ':' || strncmp(s, "：", 3) == 0)
		s += *s == ' ' || *s == ':' ? 1 : 3;
	*p = s;
	return calendar_day_start(date) + 12 * 3600;
}

static void progress_cell(rowck *c, const char *v)
{
	import_matter *m = c->m;
	for (const char *line = v; *line;) {
		size_t len = strcspn(line, "\r\n");
		char *one = xstrndup(line, len);
		const char *text = one;
		int64_t at = note_date(&text, c->s->now);
		if (!utf8_blank(text) && text_fits(c, text, 2000, false)) {
			m->notes = xrealloc(m->notes, (m->nnotes + 1) * sizeof *m->notes);
			m->notes[m->nnotes].at = at ? at : c->s->now;
			m->notes[m->nnotes++].text = xstrdup(text);
		}
		free(one);
		line += len;
		while (*line == '\r' || *line == '\n')
			line++;
	}
}

/* ---- one cell ---- */

static void codepartments_cell(rowck *c, const char *v)
{
	import_matter *m = c->m;
	char *copy = xstrdup(v);
	/* 、，,;；/ and line breaks separate the names. */
	static const char *const seps[] = {"、", "，", "；", ",", ";", "/", "\n", "\r"};
	for (size_t i = 0; i < ARRAY_LEN(seps); i++)
		for (char *p = strstr(copy, seps[i]); p; p = strstr(p, seps[i]))
			memset(p, '\x1f', strlen(seps[i]));
	for (char *tok = strtok(copy, "\x1f"); tok; tok = strtok(NULL, "\x1f")) {
		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		int64_t id = department_by_name(c->s->cat, tok);
		if (!id) {
			err(c, str_printf("没有这个单位「%s」", tok));
			continue;
		}
		m->codepartments = xrealloc(m->codepartments, (m->ncodepartments + 1) * sizeof(int64_t));
		m->codepartments[m->ncodepartments++] = id;
	}
	free(copy);
}

static void vocab_cell(rowck *c, int f, const char *v)
{
	import_matter *m = c->m;
	const char *name;
	if (f == IF_KIND) {
		if ((name = by_label(v, kind_names, ARRAY_LEN(kind_names), kind_label)))
			m->kind = xstrdup(name);
		else
			err(c, str_printf("没有这个类型「%s」（可用：诉求、微心愿、信访、检视问题、实事项目）", v));
	} else if (f == IF_SUBKIND) {
		if (subkind_valid(v))
			m->subkind = xstrdup(v);
		else
			err(c, str_printf("没有这个诉求类型「%s」（可用：咨询、求助、投诉、举报、建议）", v));
	} else if (f == IF_CHANNEL) {
		if ((name = by_label(v, channel_names, ARRAY_LEN(channel_names), channel_label)))
			m->channel = xstrdup(name);
		else
			err(c, str_printf("没有这个渠道「%s」", v));
	} else if (f == IF_RATING) {
		if ((name = by_label(v, rating_names, ARRAY_LEN(rating_names), rating_label)))
			m->rating = xstrdup(name);
		else
			err(c, str_printf("没有这个满意度「%s」（可用：满意、基本满意、不满意）", v));
	} else if (f == IF_STATUS) {
		int st = status_by_label(v);
		if (st < 0 || st == ST_MERGED)
			err(c, str_printf(st < 0 ? "没有这个状态「%s」" : "不能导入为「%s」", v));
		else
			c->status_given = m->status = st;
	}
}

static void catalog_cell(rowck *c, int f, const char *v)
{
	import_matter *m = c->m;
	const import_catalog *k = c->s->cat;
	if (f == IF_CATEGORY && !(m->category_id = category_by_name(k, v)))
		err(c, str_printf("没有这个类别「%s」", v));
	else if (f == IF_AREA && !(m->area_id = area_by_name(k, v)))
		err(c, str_printf("没有这个片区「%s」", v));
	else if (f == IF_DEPARTMENT && !(m->department_id = department_by_name(k, v)))
		err(c, str_printf("没有这个责任单位「%s」", v));
}

static void public_cell(rowck *c, const char *v)
{
	static const char *const yes[] = {"是", "公开", "TRUE", "true", "1", "Y", "y", "yes"};
	static const char *const no[] = {"否", "不公开", "FALSE", "false", "0", "N", "n", "no"};
	for (size_t i = 0; i < ARRAY_LEN(yes); i++)
		if (strcmp(v, yes[i]) == 0) {
			c->m->is_public = true;
			return;
		}
	for (size_t i = 0; i < ARRAY_LEN(no); i++)
		if (strcmp(v, no[i]) == 0) {
			c->m->is_public = false;
			return;
		}
	err(c, str_printf("「%s」应为「是」或「否」", v));
}

static void note_cell(rowck *c, int f, const char *v)
{
	buf_printf(&c->extra, "%s%s：%s", c->extra.len ? "\n" : "", import_field_header(f), v);
}

/* One non-empty cell v of field f. */
static void cell(rowck *c, int f, const char *v)
{
	import_matter *m = c->m;
	char date[11];
	switch (f) {
	case IF_NUMBER:
		m->number = text_field(c, v, 64, false);
		break;
	case IF_TITLE:
		m->title = text_field(c, v, 100, false);
		break;
	case IF_DESCRIPTION:
		m->description = text_field(c, v, 4000, true);
		break;
	case IF_ADDRESS:
		m->address = text_field(c, v, 200, false);
		break;
	case IF_RESULT:
		m->result = text_field(c, v, 4000, true);
		break;
	case IF_SUBMITTER:
		m->submitter_name = text_field(c, v, 50, false);
		break;
	case IF_PHONE:
		if (matter_phone_valid(v))
			m->submitter_phone = xstrdup(v);
		else
			err(c, str_printf("联系电话「%s」格式不正确", v));
		break;
	case IF_ASSIGNEE:
		c->assignee = text_field(c, v, 50, false);
		break;
	case IF_CREATED:
		m->created_at = instant_cell(c, v);
		break;
	case IF_RESOLVED:
		m->resolved_at = instant_cell(c, v);
		break;
	case IF_DEADLINE:
		if (date_cell(c, v, date, NULL))
			m->deadline = xstrdup(date);
		break;
	case IF_PROGRESS:
		progress_cell(c, v);
		break;
	case IF_CODEPARTMENTS:
		codepartments_cell(c, v);
		break;
	case IF_PUBLIC:
		public_cell(c, v);
		break;
	case IF_KIND: case IF_SUBKIND: case IF_CHANNEL: case IF_RATING: case IF_STATUS:
		vocab_cell(c, f, v);
		break;
	case IF_CATEGORY: case IF_AREA: case IF_DEPARTMENT:
		catalog_cell(c, f, v);
		break;
	case IF_MEASURES: case IF_LEADER: case IF_REMARK:
		note_cell(c, f, v);
		break;
	default: /* 序号, 是否超期 and ignored columns */
		break;
	}
}

/* ---- the row as a whole ---- */

/* The header of field f in this sheet (for messages about the row). */
static const char *header_of(const import_sheet *s, int f)
{
	for (size_t i = 0; i < s->ncols; i++)
		if (s->fields[i] == f)
			return s->headers[i];
	return import_field_header(f);
}

/* The title, when the sheet has none: the description's first line. */
static void derive_title(rowck *c)
{
	import_matter *m = c->m;
	const char *d = m->description ? m->description : "";
	size_t len = strcspn(d, "\r\n");
	len = utf8_truncate(d, len, 30);
	m->title = xstrndup(d, len);
}

/* What the fields say together: defaults and the rules between them. */
static void row_rules(rowck *c)
{
	import_matter *m = c->m;
	const import_sheet *s = c->s;
	if (s->derive_title && !m->title)
		derive_title(c);
	c->header = header_of(s, IF_TITLE);
	if (!m->title || utf8_blank(m->title))
		err(c, xstrdup("事项（标题）必填"));
	/* Defaults for a new matter. An update writes only the non-empty
	 * cells: an import adds and corrects, it never blanks a field (why:
	 * an empty cell in an office's sheet more often means "not filled in
	 * here" than "remove it"). */
	if (!m->kind)
		m->kind = xstrdup("request");
	if (!m->channel)
		m->channel = xstrdup("import");
	if (!m->description)
		m->description = xstrdup(m->title ? m->title : "");
	if (c->extra.len) {
		char *d = str_printf("%s%s%s", m->description, m->description[0] ? "\n" : "",
				     buf_str(&c->extra));
		free(m->description);
		m->description = d;
		c->header = header_of(s, IF_DESCRIPTION);
		text_fits(c, d, 4000, true);
	}
	if (c->status_given < 0)
		m->status = m->department_id ? ST_ASSIGNED : ST_SUBMITTED;
	if (s->derive_title && (c->filled & IM_DESCRIPTION))
		c->filled |= IM_TITLE;
	m->has &= c->filled;
	c->header = header_of(s, IF_STATUS);
	bool needs_dep = m->status != ST_SUBMITTED && m->status != ST_ACCEPTED &&
			 m->status != ST_REJECTED && m->status != ST_RETURNED;
	if (needs_dep && !m->department_id && (s->has & IM_DEPARTMENT))
		err(c, str_printf("「%s」的事项须填写责任单位", status_label(m->status)));
	c->header = header_of(s, IF_RATING);
	if (m->rating && m->status != ST_RESOLVED && m->status != ST_CLOSED)
		err(c, xstrdup("未办结的事项不能有满意度"));
	if (c->assignee && m->department_id) {
		c->header = header_of(s, IF_ASSIGNEE);
		m->assignee_id = assignee_by_name(s->cat, c->assignee, m->department_id);
		if (!m->assignee_id)
			warn(c, str_printf("「%s」不是该责任单位在本系统中的人员，责任人留空",
					   c->assignee));
	}
}

bool import_row_check(const import_sheet *s, int64_t row, char **cells, size_t n,
		      import_matter *m)
{
	memset(m, 0, sizeof *m);
	m->row = row;
	m->has = s->has;
	rowck c = {s, row, m, true, NULL, NULL, BUF_INIT, -1, 0};
	for (size_t i = 0; i < s->ncols; i++) {
		const char *v = i < n ? cells[i] : "";
		/* The export writes ' before a text that starts like a formula. */
		if (v[0] == '\'' && v[1] && strchr("=+-@", v[1]))
			v++;
		if (s->fields[i] < 0 || utf8_blank(v))
			continue;
		c.header = s->headers[i];
		c.filled |= import_has_bit(s->fields[i]);
		cell(&c, s->fields[i], v);
	}
	row_rules(&c);
	free(c.assignee);
	buf_free(&c.extra);
	return c.ok;
}
