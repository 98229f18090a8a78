/*
 * catalog.c — departments, areas and categories: listing, loading,
 * validating and saving; and the default catalogue of categories that
 * `taizhang init` installs.
 */
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "base/utf8.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* ---- validation shared by the three ---- */

static bool code_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

static bool name_ok(const char *s, size_t max)
{
	if (str_empty(s))
		return false;
	size_t n = strlen(s);
	if (!utf8_valid(s, n) || utf8_count(s, n) > max)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20)
			return false;
	return true;
}

/* Map a write's result: a UNIQUE violation is the user's duplicate code. */
static int saved(int r, char **msg)
{
	if (r == DB_CONSTRAINT)
		return ledger_invalid(msg, "代码已存在，请换一个");
	return r == DB_DONE || r == DB_ROW ? LEDGER_OK : LEDGER_ERROR;
}

/* ---- departments ---- */

#define DEPT_COLS "id, code, name, phone, active"

static void dept_read(db_stmt *q, department *x)
{
	x->id = db_int(q, 0);
	x->code = db_text_dup(q, 1);
	x->name = db_text_dup(q, 2);
	x->phone = xstrdup(db_is_null(q, 3) ? "" : db_text(q, 3));
	x->active = db_int(q, 4) != 0;
}

void department_clear(department *x)
{
	free(x->code);
	free(x->name);
	free(x->phone);
	memset(x, 0, sizeof *x);
}

int department_list(db *d, bool active_only, department **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *q = db_query(d, "SELECT " DEPT_COLS " FROM departments WHERE active = 1 OR ? = 0"
				 " ORDER BY sort, id", "i", (int64_t)active_only);
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		dept_read(q, &(*out)[(*n)++]);
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

void department_list_free(department *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		department_clear(&v[i]);
	free(v);
}

int department_get(db *d, int64_t id, const char *code, department *out)
{
	memset(out, 0, sizeof *out);
	db_stmt *q = db_query(d, "SELECT " DEPT_COLS " FROM departments WHERE id = ? OR code = ?",
			      "it", id, code ? code : "");
	int r = db_step(q);
	if (r == DB_ROW)
		dept_read(q, out);
	db_done(q);
	return r == DB_ROW ? LEDGER_OK : r == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
}

int department_save(db *d, department *x, char **msg)
{
	if (!code_ok(x->code))
		return ledger_invalid(msg, "代码须为1-32位小写字母、数字、-或_");
	if (!name_ok(x->name, 100))
		return ledger_invalid(msg, "名称必填，不超过100字");
	if (x->phone && !str_empty(x->phone) && !name_ok(x->phone, 30))
		return ledger_invalid(msg, "电话不超过30字");
	if (x->id)
		return saved(db_exec(d, "UPDATE departments SET code = ?, name = ?, phone = ?, active = ?"
					" WHERE id = ?", "tttii", x->code, x->name, x->phone,
				     (int64_t)x->active, x->id), msg);
	db_stmt *q = db_query(d, "INSERT INTO departments(code, name, phone, active, sort)"
				 " VALUES (?, ?, ?, ?, (SELECT COALESCE(max(sort), 0) + 1 FROM departments))"
				 " RETURNING id", "ttti", x->code, x->name, x->phone, (int64_t)x->active);
	int r = db_step(q);
	if (r == DB_ROW)
		x->id = db_int(q, 0);
	db_done(q);
	return saved(r, msg);
}

/* ---- areas ---- */

#define AREA_COLS "id, code, name, kind, parent_id, active"

static const char *const area_kinds[] = {"street", "village", "community", "estate", "zone"};

static void area_read(db_stmt *q, area *x)
{
	x->id = db_int(q, 0);
	x->code = db_text_dup(q, 1);
	x->name = db_text_dup(q, 2);
	x->kind = db_text_dup(q, 3);
	x->parent_id = db_int(q, 4);
	x->active = db_int(q, 5) != 0;
}

void area_clear(area *x)
{
	free(x->code);
	free(x->name);
	free(x->kind);
	memset(x, 0, sizeof *x);
}

int area_list(db *d, bool active_only, area **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *q = db_query(d, "SELECT " AREA_COLS " FROM areas WHERE active = 1 OR ? = 0"
				 " ORDER BY sort, id", "i", (int64_t)active_only);
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		area_read(q, &(*out)[(*n)++]);
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

void area_list_free(area *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		area_clear(&v[i]);
	free(v);
}

int area_get(db *d, int64_t id, const char *code, area *out)
{
	memset(out, 0, sizeof *out);
	db_stmt *q = db_query(d, "SELECT " AREA_COLS " FROM areas WHERE id = ? OR code = ?", "it", id,
			      code ? code : "");
	int r = db_step(q);
	if (r == DB_ROW)
		area_read(q, out);
	db_done(q);
	return r == DB_ROW ? LEDGER_OK : r == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
}

int area_save(db *d, area *x, char **msg)
{
	bool kind_ok = false;
	for (size_t i = 0; i < ARRAY_LEN(area_kinds); i++)
		kind_ok |= x->kind && strcmp(x->kind, area_kinds[i]) == 0;
	if (!code_ok(x->code))
		return ledger_invalid(msg, "代码须为1-32位小写字母、数字、-或_");
	if (!name_ok(x->name, 100))
		return ledger_invalid(msg, "名称必填，不超过100字");
	if (!kind_ok)
		return ledger_invalid(msg, "片区类型无效");
	if (x->parent_id && (x->parent_id == x->id ||
			     !db_scalar(d, 0, "SELECT count(*) FROM areas WHERE id = ?", "i", x->parent_id)))
		return ledger_invalid(msg, "上级片区无效");
	if (x->id)
		return saved(db_exec(d, "UPDATE areas SET code = ?, name = ?, kind = ?, parent_id = ?,"
					" active = ? WHERE id = ?", "tttzii", x->code, x->name, x->kind,
				     x->parent_id, (int64_t)x->active, x->id), msg);
	db_stmt *q = db_query(d, "INSERT INTO areas(code, name, kind, parent_id, active, sort)"
				 " VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(max(sort), 0) + 1 FROM areas))"
				 " RETURNING id", "tttzi", x->code, x->name, x->kind, x->parent_id,
			      (int64_t)x->active);
	int r = db_step(q);
	if (r == DB_ROW)
		x->id = db_int(q, 0);
	db_done(q);
	return saved(r, msg);
}
