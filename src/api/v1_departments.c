/*
 * v1_departments.c — departments (责任单位) in the staff API, for
 * administrators: the list (GET /api/v1/departments), a new one
 * (POST /api/v1/departments {code, name}) and a change by code
 * (PATCH /api/v1/departments/{code}: only the fields given change).
 *
 * `parent` is part of the contract, but departments have no parent
 * column yet: the field is refused with 422 field_unsupported rather than
 * accepted and dropped. Each write checks the code and saves in one
 * transaction, so two clients cannot take the same code or lose each
 * other's change.
 */
#include <stdlib.h>
#include <string.h>

#include "api/staff_api.h"
#include "api/v1_json.h"
#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"

static const char *const dept_fields[] = {"code", "name", "parent", NULL};

static json_t *department_json(const department *x)
{
	return json_pack("{s:s, s:s, s:b}", "code", x->code, "name", x->name, "active", x->active);
}

void v1_departments_list(request *rq, response *rs)
{
	department *v = NULL;
	size_t n = 0;
	if (department_list(rq->db, false, &v, &n) != LEDGER_OK) {
		v1_fail_ledger(rs, LEDGER_ERROR, NULL, V1_DEPARTMENT_NOT_FOUND);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, department_json(&v[i]));
	department_list_free(v, n);
	v1_reply(rs, 200, json_pack("{s:o}", "items", items));
}

/* A create or a change, run in one transaction. */
typedef struct dept_write {
	const char *old_code;      /* PATCH: the department changed; NULL: create */
	const char *code, *name;   /* the values given (NULL: unchanged) */
	department row;            /* the row as saved */
	char *msg;
} dept_write;

/* Is code taken by a department other than the one with id self? */
static bool code_taken(db *d, const char *code, int64_t self)
{
	return db_scalar(d, 0, "SELECT count(*) FROM departments WHERE code = ? AND id <> ?", "ti",
			 code, self) > 0;
}

static int write_tx(db *d, void *vctx)
{
	dept_write *w = vctx;
	free(w->msg);
	w->msg = NULL;
	department_clear(&w->row);
	if (w->old_code) {
		int rc = department_get(d, 0, w->old_code, &w->row);
		if (rc != LEDGER_OK)
			return rc;
	} else {
		w->row.active = true;
	}
	if (w->code) {
		free(w->row.code);
		w->row.code = xstrdup(w->code);
	}
	if (w->name) {
		free(w->row.name);
		w->row.name = xstrdup(w->name);
	}
	if (w->row.code && code_taken(d, w->row.code, w->row.id))
		return LEDGER_CONFLICT;
	return department_save(d, &w->row, &w->msg);
}

/* Read the body and run the write; answers everything. */
static void department_write(request *rq, response *rs, const char *old_code)
{
	dept_write w = {.old_code = old_code};
	json_t *body = v1_body_or_error(rq, rs);
	if (!body)
		return;
	v1_in in = v1_in_start(rs, body, "");
	v1_in_known(&in, dept_fields);
	if (v1_in_has(&in, "parent"))
		v1_in_fail(&in, V1_FIELD_UNSUPPORTED, "parent", "暂不支持：单位还没有上级单位一栏");
	w.code = v1_in_str(&in, "code", !old_code);
	w.name = v1_in_str(&in, "name", !old_code);
	if (!in.failed) {
		int rc = db_transact(rq->db, write_tx, &w);
		if (rc == LEDGER_OK)
			v1_reply(rs, old_code ? 200 : 201, department_json(&w.row));
		else if (rc == LEDGER_CONFLICT)
			v1_fail(rs, 409, V1_CODE_TAKEN, "单位代码已存在，请换一个",
				json_pack("{s:s}", "field", "code"));
		else if (rc == LEDGER_NOT_FOUND)
			v1_fail(rs, 404, V1_DEPARTMENT_NOT_FOUND, "没有这个单位代码", NULL);
		else
			v1_fail_ledger(rs, rc, w.msg, V1_DEPARTMENT_NOT_FOUND);
	}
	department_clear(&w.row);
	free(w.msg);
	json_decref(body);
}

void v1_department_create(request *rq, response *rs)
{
	department_write(rq, rs, NULL);
}

void v1_department_patch(request *rq, response *rs)
{
	department_write(rq, rs, rq->nargs > 0 ? rq->args[0] : "");
}
