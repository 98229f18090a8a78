/*
 * routes.c — every URL of taizhang in one table: method, pattern, the roles
 * allowed (0: anyone) and the handler. The dispatcher (http/route.c) turns
 * this table into 404, 405 with Allow, 401/redirect and 403.
 */
#include "web/pages.h"
#include "api/open311.h"
#include "api/staff_api.h"

#define STAFF ROLE_STAFF
#define ACTORS (ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK | ROLE_HANDLER)
#define INTAKE (ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK)

const route web_routes[] = {
	/* Open311 GeoReport v2 (api/open311*.c) */
	{HTTP_GET, "/open311/v2/discovery.xml", 0, ROUTE_JSON, open311_discovery, open311_error},
	{HTTP_GET, "/open311/v2/discovery.json", 0, ROUTE_JSON, open311_discovery, open311_error},
	{HTTP_GET, "/open311/v2/services.xml", 0, ROUTE_JSON, open311_services, open311_error},
	{HTTP_GET, "/open311/v2/services.json", 0, ROUTE_JSON, open311_services, open311_error},
	{HTTP_GET, "/open311/v2/services/{}", 0, ROUTE_JSON, open311_service, open311_error},
	{HTTP_GET, "/open311/v2/requests.xml", 0, ROUTE_JSON, open311_requests, open311_error},
	{HTTP_GET, "/open311/v2/requests.json", 0, ROUTE_JSON, open311_requests, open311_error},
	{HTTP_POST, "/open311/v2/requests.xml", 0, ROUTE_JSON | ROUTE_NO_CSRF, open311_post_request,
	 open311_error},
	{HTTP_POST, "/open311/v2/requests.json", 0, ROUTE_JSON | ROUTE_NO_CSRF, open311_post_request,
	 open311_error},
	{HTTP_GET, "/open311/v2/requests/{}", 0, ROUTE_JSON, open311_request, open311_error},
	{HTTP_GET, "/open311/v2/tokens/{}", 0, ROUTE_JSON, open311_token, open311_error},
	{HTTP_GET, "/open311/v2/servicerequestupdates.xml", 0, ROUTE_JSON, open311_updates,
	 open311_error},
	{HTTP_GET, "/open311/v2/servicerequestupdates.json", 0, ROUTE_JSON, open311_updates,
	 open311_error},
	/* error space: unknown paths under /open311/v2/ get the spec's error list */
	{HTTP_GET, "/open311/v2/*", 0, ROUTE_JSON, NULL, open311_error},

	/* staff JSON API (api/v1*.c) */
	{HTTP_GET, "/api/v1/matters", STAFF, ROUTE_JSON, v1_matters_list, v1_error_writer},
	{HTTP_POST, "/api/v1/matters", INTAKE | ROLE_APP, ROUTE_JSON | ROUTE_NO_CSRF,
	 v1_matter_create, v1_error_writer},
	{HTTP_GET, "/api/v1/matters/{}", STAFF, ROUTE_JSON, v1_matter_get, v1_error_writer},
	{HTTP_GET, "/api/v1/matters/{}/events", STAFF, ROUTE_JSON, v1_matter_events,
	 v1_error_writer},
	{HTTP_GET, "/api/v1/matters/{}/similar", STAFF, ROUTE_JSON, v1_matter_similar,
	 v1_error_writer},
	{HTTP_POST, "/api/v1/matters/{}/actions/{}", ACTORS, ROUTE_JSON | ROUTE_NO_CSRF,
	 v1_matter_action, v1_error_writer},
	{HTTP_GET, "/api/v1/rates", STAFF, ROUTE_JSON, v1_rates, v1_error_writer},
	{HTTP_GET, "/api/v1/departments", ROLE_ADMIN, ROUTE_JSON, v1_departments_list,
	 v1_error_writer},
	{HTTP_POST, "/api/v1/departments", ROLE_ADMIN, ROUTE_JSON | ROUTE_NO_CSRF,
	 v1_department_create, v1_error_writer},
	{HTTP_PATCH, "/api/v1/departments/{}", ROLE_ADMIN, ROUTE_JSON | ROUTE_NO_CSRF,
	 v1_department_patch, v1_error_writer},
	{HTTP_GET, "/api/v1/categories", ROLE_ADMIN, ROUTE_JSON, v1_categories_list,
	 v1_error_writer},
	{HTTP_POST, "/api/v1/categories", ROLE_ADMIN, ROUTE_JSON | ROUTE_NO_CSRF,
	 v1_category_create, v1_error_writer},
	{HTTP_PATCH, "/api/v1/categories/{}", ROLE_ADMIN, ROUTE_JSON | ROUTE_NO_CSRF,
	 v1_category_patch, v1_error_writer},
	{HTTP_POST, "/api/v1/people", ROLE_ADMIN, ROUTE_JSON | ROUTE_NO_CSRF, v1_person_create,
	 v1_error_writer},
	{HTTP_GET, "/api/v1/openapi.json", STAFF, ROUTE_JSON, v1_openapi, v1_error_writer},
	/* error spaces: unknown paths under /api/v1 get the API's 404 */
	{HTTP_GET, "/api/v1", 0, ROUTE_JSON, NULL, v1_error_writer},
	{HTTP_GET, "/api/v1/", 0, ROUTE_JSON, NULL, v1_error_writer},
	{HTTP_GET, "/api/v1/*", 0, ROUTE_JSON, NULL, v1_error_writer},

	/* residents and the public */
	{HTTP_GET, "/", 0, 0, page_home, NULL},
	{HTTP_GET, "/submit", 0, 0, page_submit_form, NULL},
	{HTTP_POST, "/submit", 0, 0, page_submit_post, NULL},
	{HTTP_GET, "/t", 0, 0, page_track_lookup, NULL},
	{HTTP_GET, "/t/{}", 0, 0, page_track, NULL},
	{HTTP_POST, "/t/{}/rate", 0, 0, page_track_rate, NULL},
	{HTTP_GET, "/t/{}/qr.svg", 0, 0, page_track_qr, NULL},
	{HTTP_GET, "/board", 0, 0, page_board, NULL},
	{HTTP_GET, "/board/export.xlsx", 0, 0, page_board_export, NULL},
	{HTTP_GET, "/board/export.csv", 0, 0, page_board_export, NULL},
	/* the kiosk, 电子屏公开查询 (screen.c): its errors reload themselves */
	{HTTP_GET, "/screen", 0, 0, page_screen, page_screen_error},
	/* the elderly-friendly mode's switch, 适老化 (care.c) */
	{HTTP_POST, "/care", 0, 0, page_care_post, NULL},
	{HTTP_GET, "/files/{}", 0, 0, page_file, NULL},
	{HTTP_GET, "/static/{}", 0, 0, page_asset, NULL},
	{HTTP_GET, "/healthz", 0, 0, page_healthz, NULL},
	{HTTP_GET, "/metrics", 0, 0, page_metrics, NULL},

	/* staff */
	{HTTP_GET, "/login", 0, 0, page_login_form, NULL},
	{HTTP_POST, "/login", 0, 0, page_login_post, NULL},
	{HTTP_POST, "/logout", STAFF, 0, page_logout, NULL},
	{HTTP_GET, "/staff", STAFF, 0, page_dashboard, NULL},
	{HTTP_GET, "/staff/inbox", STAFF, 0, page_inbox, NULL},
	{HTTP_GET, "/staff/queue", STAFF, 0, page_queue, NULL},
	{HTTP_GET, "/staff/overdue", STAFF, 0, page_overdue, NULL},
	{HTTP_GET, "/staff/matters", STAFF, 0, page_matters, NULL},
	/* the briefing (简报): every staff role, see briefing_page.c */
	/* the daily dispatch and weekly review (日调度, 周督导): every staff
	 * role, a handler their department's; see dispatch_page.c */
	{HTTP_GET, "/staff/dispatch", STAFF, 0, page_dispatch, NULL},
	{HTTP_GET, "/staff/briefing", STAFF, 0, page_briefing, NULL},
	{HTTP_GET, "/staff/briefing.pdf", STAFF, 0, page_briefing_pdf, NULL},
	{HTTP_GET, "/staff/briefing.txt", STAFF, 0, page_briefing_txt, NULL},
	{HTTP_GET, "/staff/export.xlsx", STAFF, 0, page_staff_export, NULL},
	{HTTP_GET, "/staff/export.csv", STAFF, 0, page_staff_export, NULL},
	{HTTP_GET, "/staff/new", INTAKE, 0, page_intake_form, NULL},
	{HTTP_POST, "/staff/new", INTAKE, 0, page_intake_post, NULL},
	{HTTP_GET, "/staff/import", ROLE_ADMIN | ROLE_CLERK, 0, page_import_form, NULL},
	{HTTP_POST, "/staff/import", ROLE_ADMIN | ROLE_CLERK, 0, page_import_post, NULL},
	/* the callback desk, 回访 (callbacks.c), and recurring duties (duties.c:
	 * every staff role reads; observers write nothing; the ledger decides
	 * who of the others may change what) */
	{HTTP_GET, "/staff/callbacks", INTAKE, 0, page_callbacks, NULL},
	{HTTP_POST, "/staff/callbacks", INTAKE, 0, page_callbacks_post, NULL},
	{HTTP_GET, "/staff/duties", STAFF, 0, page_duties, NULL},
	{HTTP_POST, "/staff/duties", ACTORS, 0, page_duties_post, NULL},
	{HTTP_GET, "/staff/m/{}", STAFF, 0, page_matter, NULL},
	{HTTP_POST, "/staff/m/{}/act", ACTORS, 0, page_matter_act, NULL},
	{HTTP_GET, "/staff/admin/departments", ROLE_ADMIN, 0, page_admin_departments, NULL},
	{HTTP_POST, "/staff/admin/departments", ROLE_ADMIN, 0, page_admin_departments_post, NULL},
	{HTTP_GET, "/staff/admin/areas", ROLE_ADMIN, 0, page_admin_areas, NULL},
	{HTTP_POST, "/staff/admin/areas", ROLE_ADMIN, 0, page_admin_areas_post, NULL},
	{HTTP_GET, "/staff/admin/categories", ROLE_ADMIN, 0, page_admin_categories, NULL},
	{HTTP_POST, "/staff/admin/categories", ROLE_ADMIN, 0, page_admin_categories_post, NULL},
	{HTTP_GET, "/staff/admin/users", ROLE_ADMIN, 0, page_admin_users, NULL},
	{HTTP_POST, "/staff/admin/users", ROLE_ADMIN, 0, page_admin_users_post, NULL},
	/* notification channels and what became of each message (admin_channels.c) */
	{HTTP_GET, "/staff/admin/channels", ROLE_ADMIN, 0, page_admin_channels, NULL},
	{HTTP_POST, "/staff/admin/channels", ROLE_ADMIN, 0, page_admin_channels_post, NULL},
};
const size_t web_nroutes = sizeof web_routes / sizeof web_routes[0];
