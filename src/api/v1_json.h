/*
 * v1_json.h — private to the staff API (api/v1_*.c): reading a JSON body
 * and its fields, query parameters, writing a JSON answer, the catalogue's
 * codes, and a matter as JSON.
 *
 * The readers follow the `..._or_404` habit: a reader that finds a problem
 * writes the error answer itself and marks the input failed, so a handler
 * reads all its fields and then checks once:
 *
 *     v1_in in = v1_in_start(rs, body, "");
 *     const char *reason = v1_in_str(&in, "reason", true);
 *     if (in.failed) goto done;
 *
 * Only the first problem is answered. Strings handed out are borrowed from
 * the JSON object and live as long as it does.
 */
#ifndef TZ_API_V1_JSON_H
#define TZ_API_V1_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/v1_error.h"
#include "http/http.h"
#include "ledger/catalog.h"
#include "ledger/matter.h"

/* ---- the body ---- */

/* The request's body as a JSON object (caller json_decref()s it), or NULL
 * with the answer written: 415 when it is not application/json (a charset
 * other than UTF-8 included), 400 when it is not JSON or not an object. An
 * empty body reads as {} whatever its type, so `close` needs no body. */
json_t *v1_body_or_error(request *rq, response *rs);

/* ---- fields of a JSON object ---- */

typedef struct v1_in {
	response *rs;
	json_t *obj;
	const char *prefix; /* "submitter." inside a nested object, else "" */
	bool failed;        /* an error answer has been written */
} v1_in;

v1_in v1_in_start(response *rs, json_t *obj, const char *prefix);
/* Answer 422 for field `name` (with the prefix) and code, the hint
 * "字段 NAME WHAT" (only the first time). */
void v1_in_fail(v1_in *in, enum v1_code code, const char *name, const char *what);
/* Refuse a field not in names (a NULL-terminated list): 422 field_unknown.
 * Why: a misspelt optional field would otherwise be dropped silently. */
void v1_in_known(v1_in *in, const char *const *names);
/* Is the field present and not null? */
bool v1_in_has(const v1_in *in, const char *name);
/* A string field: NULL when absent or null (422 field_missing if
 * required) and on failure; 422 field_invalid when not a string. */
const char *v1_in_str(v1_in *in, const char *name, bool required);
/* A boolean field; dflt when absent or null. */
bool v1_in_bool(v1_in *in, const char *name, bool dflt);
/* An integer field in [min, max]; dflt when absent or null. */
int64_t v1_in_int(v1_in *in, const char *name, int64_t min, int64_t max, int64_t dflt);
/* A number field in [min, max] (integers too); 0 when absent or null. */
double v1_in_num(v1_in *in, const char *name, double min, double max);
/* A nested object: NULL when absent or null (422 if required). */
json_t *v1_in_obj(v1_in *in, const char *name, bool required);
/* An array of strings of at most max items: NULL when absent or null. */
json_t *v1_in_strings(v1_in *in, const char *name, size_t max);

/* ---- query parameters ---- */

/* A query parameter; NULL when absent or empty (empty means absent). */
const char *v1_param(const request *rq, const char *name);
/* Refuse (400 bad_parameter) a parameter not in names (NULL-terminated)
 * or given twice. Returns false when it answered. */
bool v1_params_known_or_400(const request *rq, response *rs, const char *const *names);

/* ---- answers ---- */

/* Answer status with j (taken) as the body. */
void v1_reply(response *rs, int status, json_t *j);
/* A string or null for NULL and "". */
json_t *v1_str_or_null(const char *s);
/* An instant as ISO 8601 in +08:00, or null for 0. */
json_t *v1_time_or_null(int64_t t);

/* ---- codes of the catalogue ---- */

/* Departments, areas and categories of this request, read once, to turn
 * ids into codes and back; and logins of users by id, read as needed. */
typedef struct v1_catalog {
	db *d;
	department *deps;
	size_t ndeps;
	area *areas;
	size_t nareas;
	category *cats;
	size_t ncats;
	struct v1_login {
		int64_t id;
		char *login;
	} *logins;
	size_t nlogins;
} v1_catalog;

/* Read the catalogue. LEDGER_OK or LEDGER_ERROR; free with v1_catalog_free
 * either way. */
int v1_catalog_load(v1_catalog *c, db *d);
void v1_catalog_free(v1_catalog *c);
/* Code of the row with this id, or NULL (id 0 or unknown). */
const char *v1_department_code(const v1_catalog *c, int64_t id);
const char *v1_area_code(const v1_catalog *c, int64_t id);
const char *v1_category_code(const v1_catalog *c, int64_t id);
/* Id of the row with this code, or 0 when there is none. */
int64_t v1_department_id(const v1_catalog *c, const char *code);
int64_t v1_area_id(const v1_catalog *c, const char *code);
int64_t v1_category_id(const v1_catalog *c, const char *code);
/* Login of user id, or NULL (id 0, unknown or a database failure). */
const char *v1_user_login(v1_catalog *c, int64_t id);

/* ---- matters ---- */

/* The API's rating names (satisfied, basically_satisfied, dissatisfied)
 * to the ledger's (satisfied, basic, dissatisfied) and back; NULL for an
 * unknown name. */
const char *v1_rating_to_ledger(const char *api);
const char *v1_rating_from_ledger(const char *ledger);

/* A matter as the API shows it (v1_view.c): codes for catalogue rows,
 * ISO 8601 times, and `submitter` only when actor_sees_personal(who).
 * NULL when the co-departments cannot be read (logged). */
json_t *v1_matter_json(v1_catalog *c, const actor *who, const matter *m);

/* Matter `number` as rq->who may see it (caller json_decref()s), or NULL
 * with the error answered (404 matter_not_found, 500). */
json_t *v1_matter_or_error(request *rq, response *rs, const char *number);
/* The same, answered with status. */
void v1_reply_matter(request *rq, response *rs, const char *number, int status);

/* Today in Beijing for the request's time. */
void v1_today(const request *rq, char out[11]);

/* Likely duplicates as the API shows them (v1_similar.c): an array of
 * {"number", "title", "status", "score"}, in the list's order. */
struct similar_list;
json_t *v1_similar_items(const struct similar_list *l);

#endif
