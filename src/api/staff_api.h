/*
 * staff_api.h — the staff JSON API at /api/v1/ (see docs/api.md): the
 * handlers and the error writer named in the route table.
 *
 * Every handler answers JSON; every refusal is the one error shape of
 * v1_error.h, also for the dispatcher's and the server's own refusals
 * (give v1_error_writer to every /api/v1 row and to the error space).
 */
#ifndef TZ_API_STAFF_API_H
#define TZ_API_STAFF_API_H

#include "http/http.h"

/* The error writer of every /api/v1 route (v1_error.c). */
void v1_error_writer(request *rq, response *rs, int status, const char *hint);

/* Matters (v1_matters.c, v1_events.c, v1_actions.c). */
void v1_matters_list(request *rq, response *rs);   /* GET  /api/v1/matters */
void v1_matter_create(request *rq, response *rs);  /* POST /api/v1/matters */
void v1_matter_get(request *rq, response *rs);     /* GET  /api/v1/matters/{number} */
void v1_matter_events(request *rq, response *rs);  /* GET  .../{number}/events */
void v1_matter_action(request *rq, response *rs);  /* POST .../{number}/actions/{action} */
void v1_matter_similar(request *rq, response *rs); /* GET  .../{number}/similar (v1_similar.c) */

/* The three rates and the on-time rate (v1_rates.c). */
void v1_rates(request *rq, response *rs); /* GET /api/v1/rates */

/* Set-up, for administrators (v1_departments.c, v1_categories.c, v1_people.c). */
void v1_departments_list(request *rq, response *rs);  /* GET   /api/v1/departments */
void v1_department_create(request *rq, response *rs); /* POST  /api/v1/departments */
void v1_department_patch(request *rq, response *rs);  /* PATCH /api/v1/departments/{code} */
void v1_categories_list(request *rq, response *rs);   /* GET   /api/v1/categories */
void v1_category_create(request *rq, response *rs);   /* POST  /api/v1/categories */
void v1_category_patch(request *rq, response *rs);    /* PATCH /api/v1/categories/{code} */
void v1_person_create(request *rq, response *rs);     /* POST  /api/v1/people */

/* The OpenAPI 3.1 document of this API (v1_openapi.c). */
void v1_openapi(request *rq, response *rs); /* GET /api/v1/openapi.json */
/* The same document as JSON text (caller frees), for tests. */
char *v1_openapi_text(void);

#endif
