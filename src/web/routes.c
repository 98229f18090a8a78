/*
 * routes.c — every URL of taizhang in one table: method, pattern, the roles
 * allowed (0: anyone) and the handler. The dispatcher (http/route.c) turns
 * this table into 404, 405 with Allow, 401/redirect and 403.
 */
#include "web/pages.h"

#define STAFF ROLE_STAFF
#define ACTORS (ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK | ROLE_HANDLER)
#define INTAKE (ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK)

const route web_routes[] = {
	/* residents and the public */
	{HTTP_GET, "/", 0, 0, page_home},
	{HTTP_GET, "/submit", 0, 0, page_submit_form},
	{HTTP_POST, "/submit", 0, 0, page_submit_post},
	{HTTP_GET, "/t", 0, 0, page_track_lookup},
	{HTTP_GET, "/t/{}", 0, 0, page_track},
	{HTTP_POST, "/t/{}/rate", 0, 0, page_track_rate},
	{HTTP_GET, "/t/{}/qr.svg", 0, 0, page_track_qr},
	{HTTP_GET, "/board", 0, 0, page_board},
	{HTTP_GET, "/files/{}", 0, 0, page_file},
	{HTTP_GET, "/static/{}", 0, 0, page_asset},
	{HTTP_GET, "/healthz", 0, 0, page_healthz},
	{HTTP_GET, "/metrics", 0, 0, page_metrics},

	/* staff */
	{HTTP_GET, "/login", 0, 0, page_login_form},
	{HTTP_POST, "/login", 0, 0, page_login_post},
	{HTTP_POST, "/logout", STAFF, 0, page_logout},
	{HTTP_GET, "/staff", STAFF, 0, page_dashboard},
	{HTTP_GET, "/staff/inbox", STAFF, 0, page_inbox},
	{HTTP_GET, "/staff/queue", STAFF, 0, page_queue},
	{HTTP_GET, "/staff/overdue", STAFF, 0, page_overdue},
	{HTTP_GET, "/staff/matters", STAFF, 0, page_matters},
	{HTTP_GET, "/staff/new", INTAKE, 0, page_intake_form},
	{HTTP_POST, "/staff/new", INTAKE, 0, page_intake_post},
	{HTTP_GET, "/staff/m/{}", STAFF, 0, page_matter},
	{HTTP_POST, "/staff/m/{}/act", ACTORS, 0, page_matter_act},
	{HTTP_GET, "/staff/admin/departments", ROLE_ADMIN, 0, page_admin_departments},
	{HTTP_POST, "/staff/admin/departments", ROLE_ADMIN, 0, page_admin_departments_post},
	{HTTP_GET, "/staff/admin/areas", ROLE_ADMIN, 0, page_admin_areas},
	{HTTP_POST, "/staff/admin/areas", ROLE_ADMIN, 0, page_admin_areas_post},
	{HTTP_GET, "/staff/admin/categories", ROLE_ADMIN, 0, page_admin_categories},
	{HTTP_POST, "/staff/admin/categories", ROLE_ADMIN, 0, page_admin_categories_post},
	{HTTP_GET, "/staff/admin/users", ROLE_ADMIN, 0, page_admin_users},
	{HTTP_POST, "/staff/admin/users", ROLE_ADMIN, 0, page_admin_users_post},
};
const size_t web_nroutes = sizeof web_routes / sizeof web_routes[0];
