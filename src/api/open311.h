/*
 * open311.h — Open311 GeoReport v2 at /open311/v2/ (see docs/api.md):
 * the handlers and the error writer named in the route table.
 *
 * Every answer comes in the format the path's suffix names (.xml or .json;
 * XML for errors on a path that names neither). The handlers live one
 * concept per file: open311_services.c (discovery, services, service
 * definitions), open311_requests.c (GET requests, one request, tokens),
 * open311_post.c (POST requests), open311_updates.c (the
 * servicerequestupdates extension) and open311_error.c (the error list).
 */
#ifndef TZ_API_OPEN311_H
#define TZ_API_OPEN311_H

#include "http/http.h"

/* GET discovery.{xml,json}: the Service Discovery document. */
void open311_discovery(request *rq, response *rs);
/* GET services.{xml,json}: the active categories as services. */
void open311_services(request *rq, response *rs);
/* GET services/{code}.{xml,json}: one service definition (its attributes). */
void open311_service(request *rq, response *rs);
/* GET requests.{xml,json}: public service requests by ids, or by service,
 * status and a window of at most 90 days. */
void open311_requests(request *rq, response *rs);
/* GET requests/{id}.{xml,json}: one public service request. */
void open311_request(request *rq, response *rs);
/* GET tokens/{token}.{xml,json}: the service_request_id behind a token. */
void open311_token(request *rq, response *rs);
/* POST requests.{xml,json}: a new request from an app holding an api_key. */
void open311_post_request(request *rq, response *rs);
/* GET servicerequestupdates.{xml,json}: public updates in a window. */
void open311_updates(request *rq, response *rs);

/* The route table's error writer: the spec's error list, in the format of
 * the path's suffix. HTTP status 403 and 404 stay; every other client error
 * becomes 400 with the specific status as the code in the body. */
void open311_error(request *rq, response *rs, int status, const char *hint);

#endif
