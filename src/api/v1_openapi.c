/*
 * v1_openapi.c — the OpenAPI 3.1 document of the staff API
 * (GET /api/v1/openapi.json).
 *
 * Two halves: the components (schemas of every body and answer, the
 * parameters, the error answers) as one JSON text below, and the paths
 * built from the table `ops`, one row per operation. A unit test
 * (tests/unit/test_api.c) keeps the document true: every /api/v1 route of
 * the route table is documented and every documented operation is routed,
 * the error codes are those of v1_error.h, and every $ref resolves; the
 * end-to-end test validates the API's answers against these schemas.
 */
#include <stdlib.h>
#include <string.h>

#include "api/staff_api.h"
#include "api/v1_json.h"
#include "base/util.h"
#include "ledger/ledger.h"

/* Error answers an operation may give besides 400, 401 and 403. */
enum {
	E404 = 1 << 0,
	E409 = 1 << 1,
	E413 = 1 << 2, /* with E415, E422: every operation with a body */
	E415 = 1 << 3,
	E422 = 1 << 4,
};
#define EBODY (E413 | E415 | E422)

typedef struct op_doc {
	const char *method, *path, *id, *summary, *roles;
	int ok;                 /* the status of success */
	const char *ok_schema;  /* its schema in components */
	const char *body;       /* the request body's schema, or NULL */
	bool body_optional;     /* an empty body reads as {} (actions) */
	const char *params;     /* component parameters, space-separated, or NULL */
	unsigned errors;        /* E404 ... */
} op_doc;

#define READERS "admin, leader, clerk, handler, observer"
#define ACTION(name, schema, roles)                                                         \
	{"post", "/api/v1/matters/{number}/actions/" name, "action_" name,                     \
	 "Action " name " on a matter; answers the updated matter", roles, 200, "Matter",      \
	 schema, true, "number", E404 | E409 | EBODY}

static const op_doc ops[] = {
	{"get", "/api/v1/matters", "listMatters", "List matters with filters, newest first", READERS,
	 200, "MatterList", NULL, false,
	 "status kind category department area overdue q from to page page_size", 0},
	{"post", "/api/v1/matters", "createMatter",
	 "Hand in a matter (staff intake, 代录; or an app's submission)",
	 "admin, leader, clerk, app", 201, "MatterCreated", "MatterNew", false, NULL, EBODY},
	{"get", "/api/v1/matters/{number}", "getMatter", "One matter", READERS, 200, "Matter", NULL,
	 false, "number", E404},
	{"get", "/api/v1/matters/{number}/events", "listEvents", "The matter's event log, oldest first",
	 READERS, 200, "EventList", NULL, false, "number", E404},
	{"get", "/api/v1/matters/{number}/similar", "listSimilar",
	 "Likely duplicates of the matter (same category and nearby area, open or closed within "
	 "30 days, alike texts), best first, with scores 0..1",
	 READERS, 200, "SimilarList", NULL, false, "number limit", E404},
	ACTION("accept", "ActionAccept", "admin, leader, clerk"),
	ACTION("reject", "ActionReject", "admin, leader, clerk"),
	ACTION("assign", "ActionAssign", "admin, leader, clerk"),
	ACTION("progress", "ActionProgress", "admin, leader, handler of the matter's department"),
	ACTION("extend", "ActionExtend", "admin, leader"),
	ACTION("return", "ActionReturn", "admin, handler of the matter's department"),
	ACTION("resolve", "ActionResolve", "admin, leader, handler of the matter's department"),
	ACTION("close", "ActionClose", "admin, leader"),
	ACTION("reopen", "ActionReopen", "admin, leader"),
	ACTION("merge", "ActionMerge", "admin, leader, clerk"),
	ACTION("rate", "ActionRate", "admin, leader, clerk"),
	ACTION("urge", "ActionUrge", "admin, leader"),
	ACTION("callback", "ActionCallback", "admin, leader, clerk"),
	{"get", "/api/v1/rates", "getRates",
	 "Response, resolution, satisfaction and on-time rates of the matters handed in within a "
	 "period", READERS, 200, "Rates", NULL, false, "from to department", 0},
	{"get", "/api/v1/departments", "listDepartments", "Every department, active or not", "admin",
	 200, "DepartmentList", NULL, false, NULL, 0},
	{"post", "/api/v1/departments", "createDepartment", "A new department", "admin", 201,
	 "Department", "DepartmentNew", false, NULL, E409 | EBODY},
	{"patch", "/api/v1/departments/{code}", "patchDepartment",
	 "Change a department: only the fields given", "admin", 200, "Department", "DepartmentPatch",
	 false, "code", E404 | E409 | EBODY},
	{"get", "/api/v1/categories", "listCategories",
	 "Every category (an Open311 service), active or not", "admin", 200, "CategoryList", NULL,
	 false, NULL, 0},
	{"post", "/api/v1/categories", "createCategory",
	 "A new category; it shows at /open311/v2/services at once", "admin", 201, "Category",
	 "CategoryNew", false, NULL, E409 | EBODY},
	{"patch", "/api/v1/categories/{code}", "patchCategory",
	 "Change a category: only the fields given", "admin", 200, "Category", "CategoryPatch", false,
	 "code", E404 | E409 | EBODY},
	{"post", "/api/v1/people", "createPerson",
	 "A staff account with a generated password, shown once", "admin", 201, "PersonCreated",
	 "PersonNew", false, NULL, E409 | EBODY},
	{"get", "/api/v1/openapi.json", "getOpenAPI", "This document", READERS, 200, "OpenAPI", NULL,
	 false, NULL, 0},
};

/* Error answers by status: the component that describes each (all in the
 * one error shape), and which operations may give it (0: all). */
static const struct {
	unsigned bit;
	const char *status, *component, *description;
} error_answers[] = {
	{0, "400", "BadRequest",
	 "Malformed request: bad JSON, not an object, or a bad query parameter."},
	{0, "401", "Unauthorized",
	 "No key, or an unknown or revoked key."},
	{0, "403", "Forbidden",
	 "The key's role may not do this (app keys may only POST /api/v1/matters)."},
	{E404, "404", "NotFound",
	 "No such matter, action, code or endpoint."},
	{E409, "409", "Conflict",
	 "Conflict: stale version, wrong state, or the code is taken."},
	{E413, "413", "TooLarge",
	 "The body is too large."},
	{E415, "415", "UnsupportedMedia",
	 "The body is not application/json."},
	{E422, "422", "Unprocessable",
	 "Well-formed JSON with wrong values."},
};

/* Components: security, parameters and schemas (the error answers are
 * added from error_answers), as JSON
 * text to be read as it is. Keep it in step with the handlers: the tests
 * validate every answer against it. */
static const char components_json[] =
	"{"
	  "\"securitySchemes\": {\"bearer\": {\"type\": \"http\", \"scheme\": \"bearer\"}},"
	  "\"parameters\": {"
	    "\"number\": {"
	      "\"name\": \"number\","
	      "\"in\": \"path\","
	      "\"required\": true,"
	      "\"description\": \"matter number, e.g. TZ-2026-000123\","
	      "\"schema\": {\"type\": \"string\"}"
	    "},"
	    "\"code\": {"
	      "\"name\": \"code\","
	      "\"in\": \"path\","
	      "\"required\": true,"
	      "\"schema\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9_-]{1,32}$\"}"
	    "},"
	    "\"status\": {"
	      "\"name\": \"status\","
	      "\"in\": \"query\","
	      "\"required\": false,"
	      "\"description\": \"status name\","
	      "\"schema\": {"
	        "\"type\": \"string\","
	        "\"enum\": ["
	          "\"submitted\", \"accepted\", \"rejected\", \"assigned\", \"in_progress\", \"resolved\","
	          "\"closed\", \"returned\", \"reopened\", \"merged\""
	        "]"
	      "}"
	    "},"
	    "\"kind\": {"
	      "\"name\": \"kind\","
	      "\"in\": \"query\","
	      "\"required\": false,"
	      "\"description\": \"kind\","
	      "\"schema\": {"
	        "\"type\": \"string\","
	        "\"enum\": [\"request\", \"wish\", \"petition\", \"inspection\", \"project\"]"
	      "}"
	    "},"
	    "\"category\": {"
	      "\"name\": \"category\","
	      "\"in\": \"query\","
	      "\"required\": false,"
	      "\"description\": \"category code\","
	      "\"schema\": {\"type\": \"string\"}"
	    "},"
	    "\"department\": {"
	      "\"name\": \"department\","
	      "\"in\": \"query\","
	      "\"required\": false,"
	      "\"description\": \"lead department code\","
	      "\"schema\": {\"type\": \"string\"}"
	    "},"
	    "\"area\": {"
	      "\"name\": \"area\","
	      "\"in\": \"query\","
	      "\"required\": false,"
	      "\"description\": \"area code\","
	      "\"schema\": {\"type\": \"string\"}"
	    "},"
	    "\"overdue\": {"
	      "\"name\": \"overdue\","
	      "\"in\": \"query\","
	      "\"required\": false,"
	      "\"description\": \"true: only open matters past their deadline (oldest deadline first)\","
	      "\"schema\": {\"type\": \"string\", \"enum\": [\"true\", \"false\"]}"
	    "},"
	    "\"q\": {"
	      "\"name\": \"q\","
	      "\"in\": \"query\","
	      "\"required\": false,"
	      "\"description\": \"words to search for (at most 100 characters): every word must occur in"
	      " the number, title, description, address, result or notes; Chinese is matched in its"
	      " folded form (traditional = simplified, full-width = half-width). Results are ranked by"
	      " relevance and recency among the newest 1000 matches; each carries a snippet.\","
	      "\"schema\": {\"type\": \"string\"}"
	    "},"
	    "\"from\": {"
	      "\"name\": \"from\","
	      "\"in\": \"query\","
	      "\"required\": false,"
	      "\"description\": \"handed in on or after: YYYY-MM-DD or an ISO 8601 date-time (rates: a date)\","
	      "\"schema\": {\"type\": \"string\"}"
	    "},"
	    "\"to\": {"
	      "\"name\": \"to\","
	      "\"in\": \"query\","
	      "\"required\": false,"
	      "\"description\": \"handed in on or before: a date includes the whole day (rates: a date)\","
	      "\"schema\": {\"type\": \"string\"}"
	    "},"
	    "\"page\": {"
	      "\"name\": \"page\","
	      "\"in\": \"query\","
	      "\"required\": false,"
	      "\"description\": \"page number from 1\","
	      "\"schema\": {\"type\": \"integer\", \"minimum\": 1, \"default\": 1}"
	    "},"
	    "\"page_size\": {"
	      "\"name\": \"page_size\","
	      "\"in\": \"query\","
	      "\"required\": false,"
	      "\"description\": \"items per page\","
	      "\"schema\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 1000, \"default\": 50}"
	    "},"
	    "\"limit\": {"
	      "\"name\": \"limit\","
	      "\"in\": \"query\","
	      "\"required\": false,"
	      "\"description\": \"most candidates answered\","
	      "\"schema\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 10, \"default\": 10}"
	    "}"
	  "},"
	  "\"schemas\": {"
	    "\"Version\": {"
	      "\"type\": \"integer\","
	      "\"minimum\": 1,"
	      "\"description\": \"The version last seen; a stale one answers 409 (4000).\""
	    "},"
	    "\"Error\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"code\": {"
	          "\"type\": \"integer\","
	          "\"enum\": ["
	            "1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1098, 1099, 2000, 2001,"
	            "2002, 2003, 2004, 3000, 3001, 3002, 3003, 4000, 4001, 4002, 5000, 5001,"
	            "5002, 5003, 5004"
	          "],"
	          "\"description\": \"Stable error code; see docs/api.md.\""
	        "},"
	        "\"hint\": {"
	          "\"type\": \"string\","
	          "\"description\": \"For people, in Chinese; never repeats the request.\""
	        "},"
	        "\"detail\": {"
	          "\"type\": [\"object\", \"null\"],"
	          "\"description\": \"null, or what was wrong: {field}, {parameter}.\""
	        "}"
	      "},"
	      "\"required\": [\"code\", \"hint\", \"detail\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"Submitter\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"name\": {\"type\": [\"string\", \"null\"]},"
	        "\"phone\": {\"type\": [\"string\", \"null\"]},"
	        "\"id_number\": {\"type\": [\"string\", \"null\"]},"
	        "\"contact\": {\"type\": [\"string\", \"null\"]}"
	      "},"
	      "\"required\": [\"name\", \"phone\", \"id_number\", \"contact\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"The resident's personal data; only for admin, leader, clerk and handler keys.\""
	    "},"
	    "\"Matter\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"number\": {\"type\": \"string\", \"pattern\": \"^TZ-[0-9]{4}-[0-9]{6}$\"},"
	        "\"kind\": {"
	          "\"type\": \"string\","
	          "\"enum\": [\"request\", \"wish\", \"petition\", \"inspection\", \"project\"]"
	        "},"
	        "\"category\": {\"type\": [\"string\", \"null\"], \"description\": \"category code\"},"
	        "\"title\": {\"type\": \"string\"},"
	        "\"description\": {\"type\": \"string\"},"
	        "\"area\": {\"type\": [\"string\", \"null\"], \"description\": \"area code\"},"
	        "\"address\": {\"type\": [\"string\", \"null\"]},"
	        "\"lat\": {\"type\": [\"number\", \"null\"]},"
	        "\"long\": {\"type\": [\"number\", \"null\"]},"
	        "\"channel\": {"
	          "\"type\": \"string\","
	          "\"enum\": ["
	            "\"web\", \"kiosk\", \"hotline\", \"box\", \"visit\", \"petition\", \"inspection\", \"app\""
	          "]"
	        "},"
	        "\"status\": {"
	          "\"type\": \"string\","
	          "\"enum\": ["
	            "\"submitted\", \"accepted\", \"rejected\", \"assigned\", \"in_progress\","
	            "\"resolved\", \"closed\", \"returned\", \"reopened\", \"merged\""
	          "]"
	        "},"
	        "\"department\": {"
	          "\"type\": [\"string\", \"null\"],"
	          "\"description\": \"lead department code\""
	        "},"
	        "\"co_departments\": {"
	          "\"type\": \"array\","
	          "\"items\": {\"type\": \"string\"},"
	          "\"description\": \"co-handling department codes\""
	        "},"
	        "\"person\": {"
	          "\"type\": [\"string\", \"null\"],"
	          "\"description\": \"login of the person responsible\""
	        "},"
	        "\"deadline\": {\"type\": [\"string\", \"null\"], \"format\": \"date\"},"
	        "\"overdue\": {\"type\": \"boolean\"},"
	        "\"urge_level\": {"
	          "\"type\": \"integer\","
	          "\"minimum\": 0,"
	          "\"maximum\": 3,"
	          "\"description\": \"督办 tier: 0 none, 1 日常督办, 2 挂牌督办 (marked on the public board), 3 约谈督办; raised by the scheduler after working days past the deadline or by a leader's urge, never lowered while open\""
	        "},"
	        "\"public\": {\"type\": \"boolean\"},"
	        "\"version\": {\"type\": \"integer\", \"minimum\": 1},"
	        "\"created_at\": {\"type\": \"string\", \"format\": \"date-time\"},"
	        "\"updated_at\": {\"type\": \"string\", \"format\": \"date-time\"},"
	        "\"result\": {\"type\": [\"string\", \"null\"]},"
	        "\"rating\": {"
	          "\"type\": [\"string\", \"null\"],"
	          "\"enum\": [\"satisfied\", \"basically_satisfied\", \"dissatisfied\", null]"
	        "},"
	        "\"suggested_department\": {"
	          "\"type\": [\"object\", \"null\"],"
	          "\"properties\": {"
	            "\"code\": {\"type\": \"string\"},"
	            "\"name\": {\"type\": \"string\"},"
	            "\"confidence\": {\"type\": \"number\", \"minimum\": 0, \"maximum\": 1},"
	            "\"source\": {\"type\": \"string\", \"enum\": [\"model\", \"keywords\"]}"
	          "},"
	          "\"required\": [\"code\", \"name\", \"confidence\", \"source\"],"
	          "\"additionalProperties\": false,"
	          "\"description\": \"Routing suggestion (建议责任单位): the department that a model"
	          " trained on the office's routed matters (source model) or the categories' keywords"
	          " (source keywords) proposes, with the model's probability or the keywords' score;"
	          " null when there is none, and always for app keys.\""
	        "},"
	        "\"suggested_category\": {"
	          "\"type\": [\"object\", \"null\"],"
	          "\"properties\": {"
	            "\"code\": {\"type\": \"string\"},"
	            "\"name\": {\"type\": \"string\"}"
	          "},"
	          "\"required\": [\"code\", \"name\"],"
	          "\"additionalProperties\": false,"
	          "\"description\": \"The category suggested with it; null when there is none, and"
	          " always for app keys.\""
	        "},"
	        "\"submitter\": {\"$ref\": \"#/components/schemas/Submitter\"},"
	        "\"snippet\": {"
	          "\"type\": \"object\","
	          "\"description\": \"Only in a list searched with q: the passage where the words were"
	          " found, and each hit as [start, end) code-point offsets into it.\","
	          "\"properties\": {"
	            "\"text\": {\"type\": \"string\"},"
	            "\"hits\": {\"type\": \"array\", \"items\": {\"type\": \"array\","
	              " \"items\": {\"type\": \"integer\", \"minimum\": 0}, \"minItems\": 2, \"maxItems\": 2}}"
	          "},"
	          "\"required\": [\"text\", \"hits\"],"
	          "\"additionalProperties\": false"
	        "},"
	        "\"secret\": {"
	          "\"type\": \"string\","
	          "\"description\": \"The resident's 查询码: only in the answer to POST /api/v1/matters, once.\""
	        "},"
	        "\"similar\": {"
	          "\"type\": \"array\", \"items\": {\"$ref\": \"#/components/schemas/Similar\"},"
	          "\"description\": \"Likely duplicates of the new matter, best first: only in the answer to POST /api/v1/matters. Never a refusal.\""
	        "}"
	      "},"
	      "\"required\": ["
	        "\"number\", \"kind\", \"category\", \"title\", \"description\", \"area\", \"address\","
	        "\"lat\", \"long\", \"channel\", \"status\", \"department\", \"co_departments\", \"person\","
	        "\"deadline\", \"overdue\", \"urge_level\", \"public\", \"version\", \"created_at\","
	        "\"updated_at\","
	        "\"result\", \"rating\", \"suggested_department\", \"suggested_category\""
	      "],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"MatterCreated\": {"
	      "\"allOf\": [{\"$ref\": \"#/components/schemas/Matter\"}, {\"required\": [\"secret\", \"similar\"]}]"
	    "},"
	    "\"MatterList\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"items\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/components/schemas/Matter\"}},"
	        "\"total\": {\"type\": \"integer\", \"minimum\": 0}"
	      "},"
	      "\"required\": [\"items\", \"total\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"MatterNew\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"kind\": {"
	          "\"type\": \"string\","
	          "\"enum\": [\"request\", \"wish\", \"petition\", \"inspection\", \"project\"]"
	        "},"
	        "\"category\": {"
	          "\"type\": \"string\","
	          "\"pattern\": \"^[a-z0-9_-]{1,32}$\","
	          "\"description\": \"category code\""
	        "},"
	        "\"title\": {\"type\": \"string\", \"maxLength\": 100},"
	        "\"description\": {\"type\": \"string\", \"maxLength\": 4000},"
	        "\"area\": {"
	          "\"type\": \"string\","
	          "\"pattern\": \"^[a-z0-9_-]{1,32}$\","
	          "\"description\": \"area code\""
	        "},"
	        "\"address\": {\"type\": \"string\", \"maxLength\": 200},"
	        "\"lat\": {\"type\": \"number\", \"minimum\": -90, \"maximum\": 90},"
	        "\"long\": {\"type\": \"number\", \"minimum\": -180, \"maximum\": 180},"
	        "\"channel\": {"
	          "\"type\": \"string\","
	          "\"enum\": ["
	            "\"web\", \"kiosk\", \"hotline\", \"box\", \"visit\", \"petition\", \"inspection\", \"app\""
	          "],"
	          "\"description\": \"Required of staff keys; app keys may only send app (the default for them).\""
	        "},"
	        "\"public\": {\"type\": \"boolean\", \"default\": false},"
	        "\"submitter\": {"
	          "\"type\": \"object\","
	          "\"properties\": {"
	            "\"name\": {\"type\": \"string\", \"maxLength\": 50},"
	            "\"phone\": {\"type\": \"string\", \"maxLength\": 20},"
	            "\"id_number\": {\"type\": \"string\", \"maxLength\": 30},"
	            "\"contact\": {\"type\": \"string\", \"maxLength\": 200}"
	          "},"
	          "\"required\": [\"name\", \"phone\"],"
	          "\"additionalProperties\": false"
	        "}"
	      "},"
	      "\"required\": [\"kind\", \"title\", \"description\", \"submitter\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"Event\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"at\": {\"type\": \"string\", \"format\": \"date-time\"},"
	        "\"actor\": {\"type\": [\"string\", \"null\"]},"
	        "\"action\": {\"type\": \"string\"},"
	        "\"from\": {"
	          "\"type\": [\"string\", \"null\"],"
	          "\"enum\": ["
	            "\"submitted\", \"accepted\", \"rejected\", \"assigned\", \"in_progress\","
	            "\"resolved\", \"closed\", \"returned\", \"reopened\", \"merged\", null"
	          "]"
	        "},"
	        "\"to\": {"
	          "\"type\": \"string\","
	          "\"enum\": ["
	            "\"submitted\", \"accepted\", \"rejected\", \"assigned\", \"in_progress\","
	            "\"resolved\", \"closed\", \"returned\", \"reopened\", \"merged\""
	          "]"
	        "},"
	        "\"note\": {\"type\": \"string\"},"
	        "\"public\": {\"type\": \"boolean\"},"
	        "\"data\": {"
	          "\"type\": \"object\","
	          "\"description\": \"Details: department, person, deadline, previous, into, rating ...\""
	        "}"
	      "},"
	      "\"required\": [\"at\", \"actor\", \"action\", \"from\", \"to\", \"note\", \"public\", \"data\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"Similar\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"number\": {\"type\": \"string\"},"
	        "\"title\": {\"type\": \"string\"},"
	        "\"status\": {\"type\": \"string\"},"
	        "\"score\": {\"type\": \"number\", \"minimum\": 0, \"maximum\": 1}"
	      "},"
	      "\"required\": [\"number\", \"title\", \"status\", \"score\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"SimilarList\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"items\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/components/schemas/Similar\"}}"
	      "},"
	      "\"required\": [\"items\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"EventList\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"items\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/components/schemas/Event\"}}"
	      "},"
	      "\"required\": [\"items\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"Rate\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"rate\": {"
	          "\"type\": [\"number\", \"null\"],"
	          "\"minimum\": 0,"
	          "\"maximum\": 100,"
	          "\"description\": \"percent, one decimal; null when the denominator is 0\""
	        "},"
	        "\"numerator\": {\"type\": \"integer\", \"minimum\": 0},"
	        "\"denominator\": {\"type\": \"integer\", \"minimum\": 0}"
	      "},"
	      "\"required\": [\"rate\", \"numerator\", \"denominator\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"Rates\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"response\": {\"$ref\": \"#/components/schemas/Rate\"},"
	        "\"resolution\": {\"$ref\": \"#/components/schemas/Rate\"},"
	        "\"satisfaction\": {\"$ref\": \"#/components/schemas/Rate\"},"
	        "\"on_time\": {\"$ref\": \"#/components/schemas/Rate\"}"
	      "},"
	      "\"required\": [\"response\", \"resolution\", \"satisfaction\", \"on_time\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"Department\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"code\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9_-]{1,32}$\"},"
	        "\"name\": {\"type\": \"string\"},"
	        "\"active\": {\"type\": \"boolean\"}"
	      "},"
	      "\"required\": [\"code\", \"name\", \"active\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"DepartmentList\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"items\": {"
	          "\"type\": \"array\","
	          "\"items\": {\"$ref\": \"#/components/schemas/Department\"}"
	        "}"
	      "},"
	      "\"required\": [\"items\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"DepartmentNew\": {"
	      "\"allOf\": [{\"$ref\": \"#/components/schemas/DepartmentPatch\"}],"
	      "\"required\": [\"code\", \"name\"]"
	    "},"
	    "\"DepartmentPatch\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"code\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9_-]{1,32}$\"},"
	        "\"name\": {\"type\": \"string\", \"maxLength\": 100},"
	        "\"parent\": {"
	          "\"type\": \"string\","
	          "\"pattern\": \"^[a-z0-9_-]{1,32}$\","
	          "\"description\": \"Not supported yet: refused with 422 (5003).\""
	        "}"
	      "},"
	      "\"additionalProperties\": false"
	    "},"
	    "\"AttributeValue\": {"
	      "\"type\": \"object\","
	      "\"properties\": {\"key\": {\"type\": \"string\"}, \"name\": {\"type\": \"string\"}},"
	      "\"required\": [\"key\", \"name\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"Attribute\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"code\": {\"type\": \"string\"},"
	        "\"datatype\": {"
	          "\"type\": \"string\","
	          "\"enum\": ["
	            "\"string\", \"number\", \"datetime\", \"text\", \"singlevaluelist\","
	            "\"multivaluelist\""
	          "]"
	        "},"
	        "\"required\": {\"type\": \"boolean\"},"
	        "\"variable\": {\"type\": \"boolean\"},"
	        "\"description\": {\"type\": \"string\"},"
	        "\"datatype_description\": {\"type\": \"string\"},"
	        "\"order\": {\"type\": \"integer\"},"
	        "\"values\": {"
	          "\"type\": \"array\","
	          "\"items\": {\"$ref\": \"#/components/schemas/AttributeValue\"}"
	        "}"
	      "},"
	      "\"required\": [\"code\", \"datatype\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"An Open311 service attribute (an extra question).\""
	    "},"
	    "\"Category\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"code\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9_-]{1,32}$\"},"
	        "\"name\": {\"type\": \"string\"},"
	        "\"group\": {\"type\": \"string\"},"
	        "\"keywords\": {\"type\": \"string\"},"
	        "\"department\": {"
	          "\"type\": [\"string\", \"null\"],"
	          "\"description\": \"usual lead department code\""
	        "},"
	        "\"response_days\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 60},"
	        "\"resolve_days\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 365},"
	        "\"type\": {\"type\": \"string\", \"enum\": [\"realtime\", \"batch\"]},"
	        "\"attributes\": {"
	          "\"type\": \"array\","
	          "\"items\": {\"$ref\": \"#/components/schemas/Attribute\"}"
	        "},"
	        "\"active\": {\"type\": \"boolean\"}"
	      "},"
	      "\"required\": ["
	        "\"code\", \"name\", \"group\", \"keywords\", \"department\", \"response_days\","
	        "\"resolve_days\", \"type\", \"attributes\", \"active\""
	      "],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"CategoryList\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"items\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/components/schemas/Category\"}}"
	      "},"
	      "\"required\": [\"items\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"CategoryNew\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"code\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9_-]{1,32}$\"},"
	        "\"name\": {\"type\": \"string\", \"maxLength\": 50},"
	        "\"group\": {\"type\": \"string\"},"
	        "\"keywords\": {\"type\": \"string\"},"
	        "\"department\": {"
	          "\"type\": \"string\","
	          "\"pattern\": \"^[a-z0-9_-]{1,32}$\","
	          "\"description\": \"department code\""
	        "},"
	        "\"response_days\": {"
	          "\"type\": \"integer\","
	          "\"minimum\": 0,"
	          "\"maximum\": 60,"
	          "\"default\": 1"
	        "},"
	        "\"resolve_days\": {"
	          "\"type\": \"integer\","
	          "\"minimum\": 1,"
	          "\"maximum\": 365,"
	          "\"default\": 15"
	        "},"
	        "\"type\": {"
	          "\"type\": \"string\","
	          "\"enum\": [\"realtime\", \"batch\"],"
	          "\"default\": \"realtime\""
	        "},"
	        "\"attributes\": {"
	          "\"type\": \"array\","
	          "\"items\": {\"$ref\": \"#/components/schemas/Attribute\"},"
	          "\"maxItems\": 20"
	        "}"
	      "},"
	      "\"required\": [\"code\", \"name\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"CategoryPatch\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"code\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9_-]{1,32}$\"},"
	        "\"name\": {\"type\": \"string\", \"maxLength\": 50},"
	        "\"group\": {\"type\": \"string\"},"
	        "\"keywords\": {\"type\": \"string\"},"
	        "\"department\": {"
	          "\"type\": [\"string\", \"null\"],"
	          "\"description\": \"department code; null clears it\""
	        "},"
	        "\"response_days\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 60},"
	        "\"resolve_days\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 365},"
	        "\"type\": {\"type\": \"string\", \"enum\": [\"realtime\", \"batch\"]},"
	        "\"attributes\": {"
	          "\"type\": \"array\","
	          "\"items\": {\"$ref\": \"#/components/schemas/Attribute\"},"
	          "\"maxItems\": 20"
	        "}"
	      "},"
	      "\"additionalProperties\": false"
	    "},"
	    "\"PersonNew\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"login\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9_.-]{2,32}$\"},"
	        "\"name\": {\"type\": \"string\", \"maxLength\": 50},"
	        "\"role\": {"
	          "\"type\": \"string\","
	          "\"enum\": [\"admin\", \"leader\", \"clerk\", \"handler\", \"observer\"]"
	        "},"
	        "\"department\": {"
	          "\"type\": \"string\","
	          "\"pattern\": \"^[a-z0-9_-]{1,32}$\","
	          "\"description\": \"department code; required for handlers\""
	        "}"
	      "},"
	      "\"required\": [\"login\", \"name\", \"role\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"PersonCreated\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"login\": {\"type\": \"string\"},"
	        "\"name\": {\"type\": \"string\"},"
	        "\"role\": {\"type\": \"string\"},"
	        "\"department\": {\"type\": [\"string\", \"null\"]},"
	        "\"password\": {"
	          "\"type\": \"string\","
	          "\"description\": \"Generated; shown only in this answer.\""
	        "}"
	      "},"
	      "\"required\": [\"login\", \"name\", \"role\", \"department\", \"password\"],"
	      "\"additionalProperties\": false"
	    "},"
	    "\"OpenAPI\": {\"type\": \"object\", \"required\": [\"openapi\", \"paths\"]},"
	    "\"ActionAccept\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"}"
	      "},"
	      "\"additionalProperties\": false,"
	      "\"description\": \"accept (受理). Roles: admin, leader, clerk. From: submitted, returned.\""
	    "},"
	    "\"ActionReject\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"},"
	        "\"reason\": {\"type\": \"string\", \"maxLength\": 2000}"
	      "},"
	      "\"required\": [\"reason\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"reject (不予受理). Roles: admin, leader, clerk. From: submitted, returned, accepted.\""
	    "},"
	    "\"ActionAssign\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"},"
	        "\"department\": {"
	          "\"type\": \"string\","
	          "\"pattern\": \"^[a-z0-9_-]{1,32}$\","
	          "\"description\": \"lead department code\""
	        "},"
	        "\"person\": {"
	          "\"type\": \"string\","
	          "\"description\": \"login of the person responsible (of that department)\""
	        "},"
	        "\"deadline\": {"
	          "\"type\": \"string\","
	          "\"format\": \"date\","
	          "\"pattern\": \"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\","
	          "\"description\": \"default: the category's working days from today\""
	        "},"
	        "\"co_departments\": {"
	          "\"type\": \"array\","
	          "\"items\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9_-]{1,32}$\"},"
	          "\"maxItems\": 20,"
	          "\"description\": \"co-handling department codes; replaces the earlier ones\""
	        "}"
	      "},"
	      "\"required\": [\"department\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"assign (派单). Roles: admin, leader, clerk. From: submitted, accepted, returned, reopened, assigned, in_progress.\""
	    "},"
	    "\"ActionProgress\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"},"
	        "\"note\": {\"type\": \"string\", \"maxLength\": 2000},"
	        "\"public\": {\"type\": \"boolean\", \"default\": false}"
	      "},"
	      "\"required\": [\"note\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"progress (办理进展). Roles: admin, leader, handler of the department. From: assigned, in_progress, reopened.\""
	    "},"
	    "\"ActionExtend\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"},"
	        "\"until\": {"
	          "\"type\": \"string\","
	          "\"format\": \"date\","
	          "\"pattern\": \"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\""
	        "},"
	        "\"reason\": {\"type\": \"string\", \"maxLength\": 2000}"
	      "},"
	      "\"required\": [\"until\", \"reason\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"extend (延期). Roles: admin, leader. From: assigned, in_progress, reopened.\""
	    "},"
	    "\"ActionReturn\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"},"
	        "\"reason\": {\"type\": \"string\", \"maxLength\": 2000}"
	      "},"
	      "\"required\": [\"reason\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"return (退单). Roles: admin, handler of the department. From: assigned, in_progress.\""
	    "},"
	    "\"ActionResolve\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"},"
	        "\"result\": {\"type\": \"string\", \"maxLength\": 4000}"
	      "},"
	      "\"required\": [\"result\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"resolve (办结). Roles: admin, leader, handler of the department. From: assigned, in_progress, reopened.\""
	    "},"
	    "\"ActionClose\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"}"
	      "},"
	      "\"additionalProperties\": false,"
	      "\"description\": \"close (销号). Roles: admin, leader. From: resolved.\""
	    "},"
	    "\"ActionReopen\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"},"
	        "\"reason\": {\"type\": \"string\", \"maxLength\": 2000}"
	      "},"
	      "\"required\": [\"reason\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"reopen (重办). Roles: admin, leader. From: resolved, closed.\""
	    "},"
	    "\"ActionMerge\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"},"
	        "\"into\": {\"type\": \"string\", \"description\": \"number of the matter that stays\"}"
	      "},"
	      "\"required\": [\"into\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"merge (合并). Roles: admin, leader, clerk. From: any open status.\""
	    "},"
	    "\"ActionUrge\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"},"
	        "\"level\": {"
	          "\"type\": \"integer\","
	          "\"minimum\": 1,"
	          "\"maximum\": 3,"
	          "\"description\": \"1 日常督办, 2 挂牌督办 (marked on the public board), 3 约谈督办; not below the matter's urge_level\""
	        "},"
	        "\"note\": {\"type\": \"string\", \"maxLength\": 2000, \"description\": \"the instruction; public from level 2 on, so no personal data\"}"
	      "},"
	      "\"required\": [\"level\", \"note\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"urge (督办). Roles: admin, leader. From: any open status; the status stays. The department's and the office's channels are told.\""
	    "},"
	    "\"ActionRate\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"},"
	        "\"rating\": {"
	          "\"type\": \"string\","
	          "\"enum\": [\"satisfied\", \"basically_satisfied\", \"dissatisfied\"]"
	        "}"
	      "},"
	      "\"required\": [\"rating\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"rate (评价). Roles: admin, leader, clerk. From: resolved, not yet rated; dissatisfied reopens it.\""
	    "},"
	    "\"ActionCallback\": {"
	      "\"type\": \"object\","
	      "\"properties\": {"
	        "\"version\": {\"$ref\": \"#/components/schemas/Version\"},"
	        "\"outcome\": {"
	          "\"type\": \"string\","
	          "\"enum\": [\"reached\", \"no_answer\", \"busy\", \"refused\", \"wrong_number\", \"unreachable\"],"
	          "\"description\": \"reached 已接通, or why not: 无人接听, 占线, 拒接, 号码错误或空号, 关机或停机\""
	        "},"
	        "\"solved\": {\"type\": \"boolean\", \"description\": \"reached only (required then): does the resident say the problem is solved\"},"
	        "\"rating\": {"
	          "\"type\": \"string\","
	          "\"enum\": [\"satisfied\", \"basically_satisfied\", \"dissatisfied\"],"
	          "\"description\": \"reached only (required then)\""
	        "},"
	        "\"note\": {\"type\": \"string\", \"maxLength\": 500, \"description\": \"what the resident said (required when not solved or dissatisfied; never public), or the clerk's note on a missed call\"}"
	      "},"
	      "\"required\": [\"outcome\"],"
	      "\"additionalProperties\": false,"
	      "\"description\": \"callback (回访). Roles: admin, leader, clerk. From: resolved, not yet rated. Reached: rates the matter as rate does and reopens it (重办) when not solved or dissatisfied. Not reached: an internal callback_missed event counting the attempt; solved and rating must be absent.\""
	    "}"
	  "}"
	"}";

/* {"$ref": "#/components/KIND/NAME"} */
static json_t *ref(const char *kind, const char *name)
{
	char *r = str_printf("#/components/%s/%s", kind, name);
	json_t *j = json_pack("{s:s}", "$ref", r);
	free(r);
	return j;
}

/* {"application/json": {"schema": {"$ref": ...}}} */
static json_t *json_content(const char *schema)
{
	return json_pack("{s:{s:o}}", "application/json", "schema", ref("schemas", schema));
}

/* The parameters named (space-separated) as references. */
static json_t *parameters(const char *names)
{
	json_t *a = json_array();
	while (names && *names) {
		size_t n = strcspn(names, " ");
		char *name = xstrndup(names, n);
		json_array_append_new(a, ref("parameters", name));
		free(name);
		names += n + (names[n] == ' ');
	}
	return a;
}

static json_t *operation(const op_doc *o)
{
	char *roles = str_printf("Roles: %s.", o->roles), ok[4];
	json_t *j = json_pack("{s:s, s:s, s:s}", "operationId", o->id, "summary", o->summary,
			      "description", roles), *answers = json_object();
	free(roles);
	snprintf(ok, sizeof ok, "%d", o->ok);
	json_object_set_new(answers, ok, json_pack("{s:s, s:o}", "description", "Success", "content",
						  json_content(o->ok_schema)));
	for (size_t i = 0; i < ARRAY_LEN(error_answers); i++)
		if (!error_answers[i].bit || (o->errors & error_answers[i].bit))
			json_object_set_new(answers, error_answers[i].status,
					    ref("responses", error_answers[i].component));
	json_object_set_new(j, "responses", answers);
	if (o->params)
		json_object_set_new(j, "parameters", parameters(o->params));
	if (o->body)
		json_object_set_new(j, "requestBody",
				    json_pack("{s:b, s:o}", "required", !o->body_optional, "content",
					      json_content(o->body)));
	return j;
}

/* The error answers as components, all with the Error schema. */
static json_t *error_responses(void)
{
	json_t *r = json_object();
	for (size_t i = 0; i < ARRAY_LEN(error_answers); i++)
		json_object_set_new(r, error_answers[i].component,
				    json_pack("{s:s, s:o}", "description", error_answers[i].description,
					      "content", json_content("Error")));
	return r;
}

char *v1_openapi_text(void)
{
	json_error_t err;
	json_t *components = json_loads(components_json, 0, &err), *paths = json_object();
	if (!components) {
		log_error("openapi components: %s at line %d", err.text, err.line);
		json_decref(paths);
		return NULL;
	}
	json_object_set_new(components, "responses", error_responses());
	for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
		json_t *item = json_object_get(paths, ops[i].path);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, ops[i].path, item);
		}
		json_object_set_new(item, ops[i].method, operation(&ops[i]));
	}
	json_t *doc = json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:[{s:[]}], s:o, s:o}", "openapi", "3.1.0", "info", "title",
		"taizhang staff API", "version", "1", "description",
		"The staff JSON API of taizhang (台账). Authorization: Bearer KEY (taizhang apikey "
		"add). Every error is {code, hint, detail} with a stable code; see docs/api.md.",
		"security", "bearer", "paths", paths, "components", components);
	char *text = doc ? json_dumps(doc, JSON_INDENT(1)) : NULL;
	json_decref(doc);
	return text;
}

void v1_openapi(request *rq, response *rs)
{
	char *text = v1_openapi_text();
	if (!text) {
		v1_fail_ledger(rs, LEDGER_ERROR, NULL, V1_NO_SUCH_ENDPOINT);
		return;
	}
	rs->status = 200;
	rs->content_type = "application/json; charset=utf-8";
	buf_reset(&rs->body);
	buf_puts(&rs->body, text);
	free(text);
}
