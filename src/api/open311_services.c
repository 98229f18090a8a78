/*
 * open311_services.c — what a client reads before it submits: the Service
 * Discovery document, the list of services and one service's definition.
 *
 * Services are the office's active categories: service_code is the
 * category's code, service_name its name, group its group, keywords its
 * space-separated keywords as a comma list, type realtime or batch (batch:
 * a POST answers with a token), metadata true when the category asks extra
 * questions, which services/{code} then defines in the spec's attribute
 * shape (kept in that shape by ledger/attribute.c).
 */
#include "api/open311.h"
#include "api/open311_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/isotime.h"
#include "base/util.h"
#include "ledger/ledger.h"
#include "web/app.h"

#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"

/* One endpoint of the discovery document: this server's GeoReport v2. */
static void discovery_endpoint(request *rq, o311_node *list, const char *changeset)
{
	const app *a = rq->app;
	char *url = str_printf("%s/open311/v2", a && a->base_url ? a->base_url : "");
	o311_node *e = o311_add_obj(list, "endpoint");
	o311_add_str(e, "specification", SPEC_URL);
	o311_add_str(e, "url", url);
	o311_add_str(e, "changeset", changeset);
	o311_add_str(e, "type", "production");
	o311_node *f = o311_add_list(e, "formats");
	o311_add_str(f, "format", "text/xml");
	o311_add_str(f, "format", "application/json");
	free(url);
}

/* GET discovery.{xml,json}. The changeset is the time of the answer: the
 * ledger keeps no time of its last catalogue change, and a changeset that
 * is never older than the services keeps every client's cache honest. */
void open311_discovery(request *rq, response *rs)
{
	const app *a = rq->app;
	char now[ISOTIME_SIZE];
	isotime_format(rq->now, now);
	char *contact = str_printf("%s：请通过办公室的群众来访窗口或 12345 热线联系。",
				   a && a->office_name ? a->office_name : "本单位");
	o311_node *root = o311_root_obj("discovery");
	o311_add_str(root, "changeset", now);
	o311_add_str(root, "contact", contact);
	o311_add_str(root, "key_service",
		     "提交诉求需要 api_key：请向办公室申请，由系统管理员用 taizhang apikey add"
		     " 命令发放（角色 app）。查询不需要 api_key。");
	discovery_endpoint(rq, o311_add_list(root, "endpoints"), now);
	o311_send(rs, root, o311_path_format(rq->path));
	o311_free(root);
	free(contact);
}

/* Does a category ask extra questions (a non-empty attribute array)? */
static bool has_metadata(const char *attributes)
{
	json_t *j = str_empty(attributes) ? NULL : json_loads(attributes, 0, NULL);
	bool yes = json_is_array(j) && json_array_size(j) > 0;
	json_decref(j);
	return yes;
}

/* One <service>. */
static void add_service(o311_node *list, const category *c)
{
	char *keywords = o311_keywords(c->keywords);
	o311_node *s = o311_add_obj(list, "service");
	o311_add_str(s, "service_code", c->code);
	o311_add_str(s, "service_name", c->name);
	o311_add_str(s, "description", c->description);
	o311_add_bool(s, "metadata", has_metadata(c->attributes));
	o311_add_str(s, "type", str_empty(c->type) ? "realtime" : c->type);
	o311_add_str(s, "keywords", keywords);
	o311_add_str(s, "group", c->group_name);
	free(keywords);
}

/* GET services.{xml,json}. */
void open311_services(request *rq, response *rs)
{
	if (!o311_jurisdiction_ok(rq, rs))
		return;
	category *cats = NULL;
	size_t n = 0;
	if (category_list(rq->db, true, &cats, &n) != LEDGER_OK) {
		resp_error(rq, rs, 500, NULL);
		return;
	}
	o311_node *root = o311_root_list("services");
	for (size_t i = 0; i < n; i++)
		add_service(root, &cats[i]);
	o311_send(rs, root, o311_path_format(rq->path));
	o311_free(root);
	category_list_free(cats, n);
}

/* One <attribute> from its canonical JSON definition. */
static void add_attribute(o311_node *list, json_t *a)
{
	o311_node *n = o311_add_obj(list, "attribute");
	o311_add_bool(n, "variable", json_is_true(json_object_get(a, "variable")));
	o311_add_str(n, "code", json_string_value(json_object_get(a, "code")));
	o311_add_str(n, "datatype", json_string_value(json_object_get(a, "datatype")));
	o311_add_bool(n, "required", json_is_true(json_object_get(a, "required")));
	o311_add_str(n, "datatype_description",
		     json_string_value(json_object_get(a, "datatype_description")));
	o311_add_int(n, "order", (int64_t)json_integer_value(json_object_get(a, "order")));
	o311_add_str(n, "description", json_string_value(json_object_get(a, "description")));
	o311_node *values = o311_add_list(n, "values");
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(a, "values"), i, v) {
		o311_node *o = o311_add_obj(values, "value");
		o311_add_str(o, "key", json_string_value(json_object_get(v, "key")));
		o311_add_str(o, "name", json_string_value(json_object_get(v, "name")));
	}
}

/* Answer the definition of c (attributes already in canonical form). */
static void send_definition(request *rq, response *rs, const category *c, enum o311_fmt fmt)
{
	json_t *defs = str_empty(c->attributes) ? json_array() : json_loads(c->attributes, 0, NULL);
	if (!json_is_array(defs)) {
		log_error("category %s: attributes are not a JSON array", c->code);
		json_decref(defs);
		resp_error(rq, rs, 500, NULL);
		return;
	}
	o311_node *root = o311_root_obj("service_definition");
	o311_add_str(root, "service_code", c->code);
	o311_node *list = o311_add_list(root, "attributes");
	size_t i;
	json_t *a;
	json_array_foreach(defs, i, a)
		add_attribute(list, a);
	o311_send(rs, root, fmt);
	o311_free(root);
	json_decref(defs);
}

/* GET services/{code}.{xml,json}. */
void open311_service(request *rq, response *rs)
{
	char *code = NULL;
	enum o311_fmt fmt;
	if (!o311_split_format(rq->nargs ? rq->args[0] : NULL, &code, &fmt)) {
		const char *desc = "网址须以 .xml 或 .json 结尾。";
		o311_errors(rq, rs, 400, &desc, 1);
		return;
	}
	category c;
	memset(&c, 0, sizeof c);
	int rc = LEDGER_NOT_FOUND;
	if (o311_jurisdiction_ok(rq, rs)) {
		rc = category_get(rq->db, 0, code, &c);
		if (rc == LEDGER_OK && !c.active)
			rc = LEDGER_NOT_FOUND;
		if (rc == LEDGER_OK) {
			send_definition(rq, rs, &c, fmt);
		} else if (rc == LEDGER_NOT_FOUND) {
			const char *desc = "service_code 不存在：请从 services 列表中选择。";
			o311_errors(rq, rs, 404, &desc, 1);
		} else {
			resp_error(rq, rs, 500, NULL);
		}
	}
	category_clear(&c);
	free(code);
}
