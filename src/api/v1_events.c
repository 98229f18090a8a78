/*
 * v1_events.c — a matter's event log in the staff API
 * (GET /api/v1/matters/{number}/events): every entry, oldest first, with
 * whether the public timeline shows it.
 *
 * An event's details (its data column) are shown in the API's terms:
 * department and person by code and login instead of row ids, ratings by
 * the API's names. A resident's comment with a rating stays with the roles
 * that may see personal data.
 */
#include <stdlib.h>
#include <string.h>

#include "api/staff_api.h"
#include "api/v1_json.h"
#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"

/* Rewrite one detail in place: ids to codes, ratings to API names. */
static void detail(json_t *out, v1_catalog *c, const char *key, json_t *value)
{
	int64_t id = json_is_integer(value) ? (int64_t)json_integer_value(value) : 0;
	if (strcmp(key, "department_id") == 0)
		json_object_set_new(out, "department", v1_str_or_null(v1_department_code(c, id)));
	else if (strcmp(key, "assignee_id") == 0)
		json_object_set_new(out, "person", v1_str_or_null(v1_user_login(c, id)));
	else if (strcmp(key, "rating") == 0 && json_is_string(value))
		json_object_set_new(out, "rating",
				    v1_str_or_null(v1_rating_from_ledger(json_string_value(value))));
	else
		json_object_set(out, key, value);
}

/* The details of an event as an object ({} when it has none); personal:
 * may the reader see the matter's personal data. */
static json_t *details(v1_catalog *c, bool personal, const char *data)
{
	json_t *in = data ? json_loads(data, 0, NULL) : NULL, *out = json_object(), *value;
	const char *key;
	json_object_foreach(in, key, value) {
		/* Why: the resident's words with a rating may name people or
		 * give a phone number; observers read the rating only. */
		if (strcmp(key, "comment") == 0 && !personal)
			continue;
		detail(out, c, key, value);
	}
	json_decref(in);
	return out;
}

static json_t *event_json(v1_catalog *c, bool personal, const event *e)
{
	json_t *j = json_object();
	json_object_set_new(j, "at", v1_time_or_null(e->at));
	json_object_set_new(j, "actor", v1_str_or_null(e->actor_label));
	json_object_set_new(j, "action", v1_str_or_null(e->action));
	json_object_set_new(j, "from", v1_str_or_null(e->from_status));
	json_object_set_new(j, "to", v1_str_or_null(e->to_status));
	json_object_set_new(j, "note", json_string(e->note ? e->note : ""));
	json_object_set_new(j, "public", json_boolean(e->is_public));
	json_object_set_new(j, "data", details(c, personal, e->data));
	return j;
}

void v1_matter_events(request *rq, response *rs)
{
	char today[11];
	matter m;
	v1_catalog c;
	event *ev = NULL;
	size_t n = 0;
	memset(&m, 0, sizeof m);
	memset(&c, 0, sizeof c);
	v1_today(rq, today);
	int rc = matter_load(rq->db, &rq->who, rq->nargs > 0 ? rq->args[0] : NULL, 0, false, today,
			     &m);
	if (rc == LEDGER_OK)
		rc = event_list(rq->db, m.id, false, &ev, &n);
	if (rc == LEDGER_OK)
		rc = v1_catalog_load(&c, rq->db);
	if (rc != LEDGER_OK) {
		v1_fail_ledger(rs, rc, "没有找到这个事项，请核对编号", V1_MATTER_NOT_FOUND);
	} else {
		json_t *items = json_array();
		bool personal = actor_sees_personal_of(&rq->who, m.department_id);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(items, event_json(&c, personal, &ev[i]));
		v1_reply(rs, 200, json_pack("{s:o}", "items", items));
	}
	event_list_free(ev, n);
	v1_catalog_free(&c);
	matter_clear(&m);
}
