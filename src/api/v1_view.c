/*
 * v1_view.c — a matter as the staff API shows it (see v1_json.h), and the
 * API's names for ratings.
 *
 * Catalogue rows appear by code (the same codes the filters and bodies
 * take), people by login, instants as ISO 8601 in +08:00, deadlines as
 * civil dates. The submitter appears only for roles that may see
 * residents' personal data; for the others the key is left out entirely,
 * not just emptied (matter_load has blanked the fields already).
 */
#include "api/v1_json.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/calendar.h"
#include "ledger/codepartment.h"
#include "ledger/ledger.h"

/* The API's rating names beside the ledger's (vocab.c). */
static const struct {
	const char *api, *ledger;
} ratings[] = {
	{"satisfied", "satisfied"},
	{"basically_satisfied", "basic"},
	{"dissatisfied", "dissatisfied"},
};

const char *v1_rating_to_ledger(const char *api)
{
	for (size_t i = 0; api && i < ARRAY_LEN(ratings); i++)
		if (strcmp(ratings[i].api, api) == 0)
			return ratings[i].ledger;
	return NULL;
}

const char *v1_rating_from_ledger(const char *ledger)
{
	for (size_t i = 0; ledger && i < ARRAY_LEN(ratings); i++)
		if (strcmp(ratings[i].ledger, ledger) == 0)
			return ratings[i].api;
	return NULL;
}

/* The codes of the co-handling departments, or NULL on a database
 * failure. */
static json_t *codepartments(v1_catalog *c, const matter *m)
{
	int64_t *ids = NULL;
	size_t n = 0;
	if (codepartment_ids(c->d, m->id, &ids, &n) != LEDGER_OK) {
		log_error("cannot read the co-departments of matter %lld", (long long)m->id);
		return NULL;
	}
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *code = v1_department_code(c, ids[i]);
		if (code)
			json_array_append_new(a, json_string(code));
	}
	free(ids);
	return a;
}

/* The submitter's personal data. Only for actors who may see it. */
static json_t *submitter(const matter *m)
{
	json_t *s = json_object();
	json_object_set_new(s, "name", v1_str_or_null(m->submitter_name));
	json_object_set_new(s, "phone", v1_str_or_null(m->submitter_phone));
	json_object_set_new(s, "id_number", v1_str_or_null(m->submitter_id_number));
	json_object_set_new(s, "contact", v1_str_or_null(m->submitter_contact));
	return s;
}

/* What the matter is and where. */
static void what_where(json_t *j, v1_catalog *c, const matter *m)
{
	json_object_set_new(j, "number", json_string(m->number));
	json_object_set_new(j, "kind", json_string(m->kind));
	json_object_set_new(j, "category", v1_str_or_null(v1_category_code(c, m->category_id)));
	json_object_set_new(j, "title", json_string(m->title));
	json_object_set_new(j, "description", json_string(m->description));
	json_object_set_new(j, "area", v1_str_or_null(v1_area_code(c, m->area_id)));
	json_object_set_new(j, "address", v1_str_or_null(m->address));
	json_object_set_new(j, "lat", m->has_point ? json_real(m->lat) : json_null());
	json_object_set_new(j, "long", m->has_point ? json_real(m->lon) : json_null());
	json_object_set_new(j, "channel", json_string(m->channel));
}

/* Who handles it, by when, and how it ended. */
static void handling(json_t *j, v1_catalog *c, const matter *m)
{
	json_object_set_new(j, "status", json_string(status_name(m->status)));
	json_object_set_new(j, "department",
			    v1_str_or_null(v1_department_code(c, m->department_id)));
	json_object_set_new(j, "person", v1_str_or_null(v1_user_login(c, m->assignee_id)));
	json_object_set_new(j, "deadline", v1_str_or_null(m->deadline));
	json_object_set_new(j, "overdue", json_boolean(m->overdue));
	json_object_set_new(j, "urge_level", json_integer(m->urge_level));
	json_object_set_new(j, "public", json_boolean(m->is_public));
	json_object_set_new(j, "version", json_integer(m->version));
	json_object_set_new(j, "created_at", v1_time_or_null(m->created_at));
	json_object_set_new(j, "updated_at", v1_time_or_null(m->updated_at));
	json_object_set_new(j, "result", v1_str_or_null(m->result));
	json_object_set_new(j, "rating", v1_str_or_null(v1_rating_from_ledger(m->rating)));
}

/* The routing suggestion (ledger/routing.h): the department with its
 * confidence and where it came from, and the category; null when there is
 * none. Why staff only: an app that hands in a matter has no business
 * with how the office routes it. */
static void suggestions(json_t *j, v1_catalog *c, const actor *who, const matter *m)
{
	bool staff = (who->role & ROLE_STAFF) != 0;
	const char *dcode = staff ? v1_department_code(c, m->suggested_department_id) : NULL;
	const char *ccode = staff ? v1_category_code(c, m->suggested_category_id) : NULL;
	json_t *d = json_null(), *k = json_null();
	if (dcode)
		d = json_pack("{s:s,s:s,s:f,s:s}", "code", dcode, "name",
			      m->suggested_department_name ? m->suggested_department_name : "",
			      "confidence", m->suggestion_confidence, "source",
			      m->suggestion_source ? m->suggestion_source : "");
	if (ccode)
		k = json_pack("{s:s,s:s}", "code", ccode, "name",
			      m->suggested_category_name ? m->suggested_category_name : "");
	json_object_set_new(j, "suggested_department", d);
	json_object_set_new(j, "suggested_category", k);
}

json_t *v1_matter_json(v1_catalog *c, const actor *who, const matter *m)
{
	json_t *co = codepartments(c, m);
	if (!co)
		return NULL;
	json_t *j = json_object();
	what_where(j, c, m);
	handling(j, c, m);
	json_object_set_new(j, "co_departments", co);
	suggestions(j, c, who, m);
	/* Why: residents' name, phone, ID number and contact are for the
	 * staff who must reach them; observers, apps and handlers of other
	 * departments never get the key. */
	if (actor_sees_personal_of(who, m->department_id))
		json_object_set_new(j, "submitter", submitter(m));
	return j;
}

json_t *v1_matter_or_error(request *rq, response *rs, const char *number)
{
	char today[11];
	matter m;
	v1_catalog c;
	memset(&m, 0, sizeof m);
	memset(&c, 0, sizeof c);
	v1_today(rq, today);
	int rc = matter_load(rq->db, &rq->who, number, 0, false, today, &m);
	if (rc == LEDGER_OK)
		rc = v1_catalog_load(&c, rq->db);
	json_t *j = rc == LEDGER_OK ? v1_matter_json(&c, &rq->who, &m) : NULL;
	if (rc == LEDGER_NOT_FOUND)
		v1_fail(rs, 404, V1_MATTER_NOT_FOUND, "没有找到这个事项，请核对编号", NULL);
	else if (!j)
		v1_fail_ledger(rs, LEDGER_ERROR, NULL, V1_MATTER_NOT_FOUND);
	v1_catalog_free(&c);
	matter_clear(&m);
	return j;
}

void v1_reply_matter(request *rq, response *rs, const char *number, int status)
{
	json_t *j = v1_matter_or_error(rq, rs, number);
	if (j)
		v1_reply(rs, status, j);
}
