/*
 * v1_categories.c — categories (类别) in the staff API, for
 * administrators: the list (GET /api/v1/categories), a new one
 * (POST /api/v1/categories) and a change by code
 * (PATCH /api/v1/categories/{code}: only the fields given change).
 *
 * A category is an Open311 service: the same row, so what is set here
 * shows at /open311/v2/services at once. Its extra questions (attributes)
 * come in the Open311 shape and are checked and stored in canonical form
 * by category_save (ledger/attribute.c).
 */
#include <stdlib.h>
#include <string.h>

#include "api/staff_api.h"
#include "api/v1_json.h"
#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"

static const char *const cat_fields[] = {
	"code", "name", "group", "keywords", "department", "response_days", "resolve_days",
	"type", "attributes", NULL};

/* The category as the API shows it. */
static json_t *category_json(const v1_catalog *c, const category *x)
{
	json_t *attrs = x->attributes ? json_loads(x->attributes, 0, NULL) : NULL;
	if (!json_is_array(attrs)) {
		json_decref(attrs);
		attrs = json_array();
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:i, s:i, s:s, s:o, s:b}", "code", x->code,
			 "name", x->name, "group", x->group_name ? x->group_name : "", "keywords",
			 x->keywords ? x->keywords : "", "department",
			 v1_str_or_null(v1_department_code(c, x->department_id)), "response_days",
			 x->respond_days, "resolve_days", x->resolve_days, "type",
			 x->type ? x->type : "realtime", "attributes", attrs, "active", x->active);
}

void v1_categories_list(request *rq, response *rs)
{
	v1_catalog c;
	if (v1_catalog_load(&c, rq->db) != LEDGER_OK) {
		v1_fail_ledger(rs, LEDGER_ERROR, NULL, V1_CATEGORY_NOT_FOUND);
	} else {
		json_t *items = json_array();
		for (size_t i = 0; i < c.ncats; i++)
			json_array_append_new(items, category_json(&c, &c.cats[i]));
		v1_reply(rs, 200, json_pack("{s:o}", "items", items));
	}
	v1_catalog_free(&c);
}

/* The fields given (NULL / has_* false: unchanged). */
typedef struct cat_given {
	const char *code, *name, *group, *keywords, *type;
	bool has_department, has_respond, has_resolve;
	int64_t department_id;
	int respond_days, resolve_days;
	char *attributes; /* JSON text of the array, or NULL */
} cat_given;

/* department: a code, or null to clear it. */
static void read_department(v1_in *in, const v1_catalog *c, cat_given *g)
{
	json_t *v = json_object_get(in->obj, "department");
	const char *code = v1_in_str(in, "department", false);
	g->has_department = v != NULL;
	if (code && !(g->department_id = v1_department_id(c, code)))
		v1_in_fail(in, V1_FIELD_INVALID, "department", "不是已有的单位代码");
}

/* Read the body into *g; false when it answered. */
static bool read_category(v1_in *in, const v1_catalog *c, bool create, cat_given *g)
{
	memset(g, 0, sizeof *g);
	v1_in_known(in, cat_fields);
	g->code = v1_in_str(in, "code", create);
	g->name = v1_in_str(in, "name", create);
	g->group = v1_in_str(in, "group", false);
	g->keywords = v1_in_str(in, "keywords", false);
	g->type = v1_in_str(in, "type", false);
	if (g->type && strcmp(g->type, "realtime") != 0 && strcmp(g->type, "batch") != 0)
		v1_in_fail(in, V1_FIELD_INVALID, "type", "应为 realtime 或 batch");
	read_department(in, c, g);
	g->has_respond = v1_in_has(in, "response_days");
	g->respond_days = (int)v1_in_int(in, "response_days", 0, 60, 1);
	g->has_resolve = v1_in_has(in, "resolve_days");
	g->resolve_days = (int)v1_in_int(in, "resolve_days", 1, 365, 15);
	json_t *attrs = json_object_get(in->obj, "attributes");
	if (attrs && !json_is_array(attrs))
		v1_in_fail(in, V1_FIELD_INVALID, "attributes", "应为 Open311 属性数组");
	else if (attrs)
		g->attributes = json_dumps(attrs, JSON_COMPACT);
	return !in->failed;
}

/* Replace *field with a copy of value when given. */
static void set_text(char **field, const char *value)
{
	if (!value)
		return;
	free(*field);
	*field = xstrdup(value);
}

/* A create or a change, run in one transaction. */
typedef struct cat_write {
	const char *old_code; /* PATCH: the category changed; NULL: create */
	const cat_given *g;
	category row;
	char *msg;
} cat_write;

static int write_tx(db *d, void *vctx)
{
	cat_write *w = vctx;
	const cat_given *g = w->g;
	free(w->msg);
	w->msg = NULL;
	category_clear(&w->row);
	if (w->old_code) {
		int rc = category_get(d, 0, w->old_code, &w->row);
		if (rc != LEDGER_OK)
			return rc;
	} else {
		w->row = (category){.respond_days = 1, .resolve_days = 15, .active = true};
	}
	set_text(&w->row.code, g->code);
	set_text(&w->row.name, g->name);
	set_text(&w->row.group_name, g->group);
	set_text(&w->row.keywords, g->keywords);
	set_text(&w->row.type, g->type);
	set_text(&w->row.attributes, g->attributes);
	if (g->has_department)
		w->row.department_id = g->department_id;
	if (g->has_respond)
		w->row.respond_days = g->respond_days;
	if (g->has_resolve)
		w->row.resolve_days = g->resolve_days;
	if (w->row.code && db_scalar(d, 0, "SELECT count(*) FROM categories WHERE code = ? AND id <> ?",
				     "ti", w->row.code, w->row.id) > 0)
		return LEDGER_CONFLICT;
	int rc = category_save(d, &w->row, &w->msg);
	if (rc != LEDGER_OK)
		return rc;
	/* Read it back: the answer shows the attributes in canonical form. */
	int64_t id = w->row.id;
	category_clear(&w->row);
	return category_get(d, id, NULL, &w->row) == LEDGER_OK ? LEDGER_OK : LEDGER_ERROR;
}

/* Read the body and run the write; answers everything. */
static void category_write(request *rq, response *rs, const char *old_code)
{
	v1_catalog c;
	cat_given g = {0};
	cat_write w = {.old_code = old_code, .g = &g};
	json_t *body = v1_body_or_error(rq, rs);
	memset(&c, 0, sizeof c);
	if (!body)
		return;
	v1_in in = v1_in_start(rs, body, "");
	if (v1_catalog_load(&c, rq->db) != LEDGER_OK) {
		v1_fail_ledger(rs, LEDGER_ERROR, NULL, V1_CATEGORY_NOT_FOUND);
	} else if (read_category(&in, &c, !old_code, &g)) {
		int rc = db_transact(rq->db, write_tx, &w);
		if (rc == LEDGER_OK)
			v1_reply(rs, old_code ? 200 : 201, category_json(&c, &w.row));
		else if (rc == LEDGER_CONFLICT)
			v1_fail(rs, 409, V1_CODE_TAKEN, "类别代码已存在，请换一个",
				json_pack("{s:s}", "field", "code"));
		else if (rc == LEDGER_NOT_FOUND)
			v1_fail(rs, 404, V1_CATEGORY_NOT_FOUND, "没有这个类别代码", NULL);
		else
			v1_fail_ledger(rs, rc, w.msg, V1_CATEGORY_NOT_FOUND);
	}
	category_clear(&w.row);
	free(w.msg);
	free(g.attributes);
	v1_catalog_free(&c);
	json_decref(body);
}

void v1_category_create(request *rq, response *rs)
{
	category_write(rq, rs, NULL);
}

void v1_category_patch(request *rq, response *rs)
{
	category_write(rq, rs, rq->nargs > 0 ? rq->args[0] : "");
}
