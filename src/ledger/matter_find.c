/*
 * matter_find.c — finding matters with filters, and the counts behind the
 * dashboard and the board.
 *
 * The WHERE clause is assembled only from the literal fragments below, each
 * with its bound value: no data ever becomes SQL text.
 */
#include "ledger/matter.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "ledger/matter_row.h"
#include "base/buf.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>


matter_filter matter_filter_any(void)
{
	matter_filter f;
	memset(&f, 0, sizeof f);
	f.status = -1;
	f.count_cap = MATTER_COUNT_CAP;
	return f;
}

typedef struct where {
	buf sql;
	db_arg *args;
	int n, cap;
} where;

static void cond(where *w, const char *fragment)
{
	buf_puts(&w->sql, w->sql.len ? " AND " : " WHERE ");
	buf_puts(&w->sql, fragment);
}

static db_arg *arg_new(where *w)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->args = xrealloc(w->args, (size_t)w->cap * sizeof *w->args);
	}
	return &w->args[w->n++];
}

static void arg_i(where *w, int64_t v)
{
	*arg_new(w) = (db_arg){.type = 'i', .i = v};
}

static void arg_t(where *w, const char *t)
{
	*arg_new(w) = (db_arg){.type = 't', .t = t};
}

/* "column IN (?, ?, ...)" with n placeholders: only literal text. */
static void cond_in(where *w, const char *column, size_t n)
{
	cond(w, column);
	buf_puts(&w->sql, " IN (");
	for (size_t i = 0; i < n; i++)
		buf_puts(&w->sql, i ? ", ?" : "?");
	buf_puts(&w->sql, ")");
}

static const char open_statuses[] =
	"m.status NOT IN ('resolved', 'closed', 'rejected', 'merged')";
static const char closed_statuses[] =
	"m.status IN ('resolved', 'closed', 'rejected', 'merged')";

static void build_where(const matter_filter *f, const char *today, where *w, char *like)
{
	if (f->public_only)
		cond(w, "m.public = 1 AND m.status <> 'merged'");
	if (!str_empty(f->kind))
		cond(w, "m.kind = ?"), arg_t(w, f->kind);
	if (!str_empty(f->subkind))
		cond(w, "m.subkind = ?"), arg_t(w, f->subkind);
	if (f->status >= 0 && f->status < ST_COUNT)
		cond(w, "m.status = ?"), arg_t(w, status_name(f->status));
	if (f->open_only || f->overdue_only)
		cond(w, open_statuses);
	if (f->closed_only)
		cond(w, closed_statuses);
	if (f->categorized)
		cond(w, "m.category_id IS NOT NULL");
	if (f->nnumbers) {
		cond_in(w, "m.number", f->nnumbers);
		for (size_t i = 0; i < f->nnumbers; i++)
			arg_t(w, f->numbers[i]);
	}
	if (f->ncategory_ids) {
		cond_in(w, "m.category_id", f->ncategory_ids);
		for (size_t i = 0; i < f->ncategory_ids; i++)
			arg_i(w, f->category_ids[i]);
	}
	if (f->created_since)
		cond(w, "m.created_at >= ?"), arg_i(w, f->created_since);
	if (f->created_until)
		cond(w, "m.created_at <= ?"), arg_i(w, f->created_until);
	if (f->overdue_only)
		cond(w, "m.deadline < ?"), arg_t(w, today);
	if (f->category_id)
		cond(w, "m.category_id = ?"), arg_i(w, f->category_id);
	if (f->area_id)
		cond(w, "m.area_id = ?"), arg_i(w, f->area_id);
	if (f->department_id)
		cond(w, "m.department_id = ?"), arg_i(w, f->department_id);
	if (f->assignee_id)
		cond(w, "m.assignee_id = ?"), arg_i(w, f->assignee_id);
	if (!str_empty(f->from))
		cond(w, "m.created_at >= ?"), arg_i(w, calendar_day_start(f->from));
	if (!str_empty(f->to))
		cond(w, "m.created_at < ?"), arg_i(w, calendar_day_start(f->to) + 86400);
	if (like) {
		cond(w, "(m.number = ? OR m.title LIKE ? ESCAPE '\\' OR m.description LIKE ? ESCAPE '\\')");
		arg_t(w, f->q);
		arg_t(w, like);
		arg_t(w, like);
	}
}

/* "%text%" with LIKE's wildcards escaped. Caller frees. */
static char *like_pattern(const char *q)
{
	buf b = BUF_INIT;
	buf_putc(&b, '%');
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *q);
	}
	buf_putc(&b, '%');
	return buf_steal(&b);
}

int matter_find(db *d, const actor *who, const matter_filter *f, const char *today,
		matter_list *out)
{
	memset(out, 0, sizeof *out);
	if ((!str_empty(f->from) && !calendar_date_valid(f->from)) ||
	    (!str_empty(f->to) && !calendar_date_valid(f->to)))
		return LEDGER_INVALID;
	where w = {BUF_INIT, NULL, 0, 0};
	char *like = str_empty(f->q) ? NULL : like_pattern(f->q);
	build_where(f, today, &w, like);
	int rc = LEDGER_ERROR;
	char *count_sql =
		f->count_cap > 0
			? str_printf("SELECT count(*) FROM (SELECT 1 FROM matters m%s LIMIT %lld)",
				     buf_str(&w.sql), (long long)f->count_cap + 1)
			: str_printf("SELECT count(*) FROM matters m%s", buf_str(&w.sql));
	db_stmt *q = db_query_args(d, count_sql, w.args, w.n);
	if (db_step(q) == DB_ROW)
		out->total = db_int(q, 0);
	db_done(q);
	if (f->count_cap > 0 && out->total > f->count_cap) {
		out->total = f->count_cap;
		out->more = true;
	}
	int limit = f->limit <= 0 ? 50 : f->limit > MATTER_FIND_MAX ? MATTER_FIND_MAX : f->limit;
	int offset = f->offset < 0 ? 0 : f->offset;
	const char *order = f->overdue_only ? " ORDER BY m.deadline, m.id"
					 : " ORDER BY m.created_at DESC, m.id DESC";
	char *sql = str_printf("%s%s%s LIMIT %d OFFSET %d", matter_select_sql, buf_str(&w.sql),
			       order, limit, offset);
	q = db_query_args(d, sql, w.args, w.n);
	if (!q)
		goto done;
	size_t cap = 0;
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->items = xrealloc(out->items, cap * sizeof *out->items);
		}
		matter_row_read(q, who, today, &out->items[out->n++]);
	}
	db_done(q);
	rc = r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
done:
	free(sql);
	free(count_sql);
	free(like);
	free(w.args);
	buf_free(&w.sql);
	if (rc != LEDGER_OK)
		matter_list_free(out);
	return rc;
}

void matter_list_free(matter_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		matter_clear(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

static status_count *count_row(status_count **v, size_t *n, int64_t dept, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].department_id == dept)
			return &(*v)[i];
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	status_count *c = &(*v)[(*n)++];
	memset(c, 0, sizeof *c);
	c->department_id = dept;
	c->department_name = xstrdup(name ? name : "未派单");
	return c;
}

int matter_counts(db *d, const char *today, status_count **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	count_row(out, n, 0, "合计");
	db_stmt *q = db_query(
		d,
		"SELECT COALESCE(m.department_id, -1), dp.name, m.status, count(*),"
		" sum(CASE WHEN m.deadline < ? AND m.status NOT IN"
		" ('resolved','closed','rejected','merged') THEN 1 ELSE 0 END)"
		" FROM matters m LEFT JOIN departments dp ON dp.id = m.department_id"
		" GROUP BY COALESCE(m.department_id, -1), dp.name, m.status ORDER BY 1",
		"t", today);
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		int st = status_from_name(db_text(q, 2));
		if (st < 0)
			continue;
		status_count *total = &(*out)[0];
		status_count *c = count_row(out, n, db_int(q, 0), db_text(q, 1));
		total = &(*out)[0]; /* count_row may have moved the array */
		c->by_status[st] += db_int(q, 3);
		c->overdue += db_int(q, 4);
		total->by_status[st] += db_int(q, 3);
		total->overdue += db_int(q, 4);
	}
	db_done(q);
	if (r != DB_DONE) {
		status_counts_free(*out, *n);
		*out = NULL;
		*n = 0;
		return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

void status_counts_free(status_count *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].department_name);
	free(v);
}
