/*
 * pages.h — every page handler, declared for the route table (routes.c).
 * One file per page or resource; each handler's comment is in its file.
 */
#ifndef TZ_WEB_PAGES_H
#define TZ_WEB_PAGES_H

#include "http/http.h"

/* public: home.c, submit.c, track.c, board.c, screen.c, files.c, assets.c, health.c */
void page_home(request *rq, response *rs);
void page_submit_form(request *rq, response *rs);
void page_submit_post(request *rq, response *rs);
void page_track_lookup(request *rq, response *rs);
void page_track(request *rq, response *rs);
void page_track_rate(request *rq, response *rs);
void page_track_qr(request *rq, response *rs);
void page_board(request *rq, response *rs);
/* the elderly-friendly mode's switch (适老化): care.c */
void page_care_post(request *rq, response *rs);
/* the kiosk (电子屏公开查询): screen.c; its errors are a page that
 * reloads itself (the route's error writer) */
void page_screen(request *rq, response *rs);
void page_screen_error(request *rq, response *rs, int status, const char *hint);
/* The kiosk's slides, kept a short while for every screen and shared by
 * the worker threads (app.screen): made before the server starts, freed
 * after it stopped. */
typedef struct screen_cache screen_cache;
screen_cache *screen_cache_new(void);
void screen_cache_free(screen_cache *c);
void page_file(request *rq, response *rs);
void page_asset(request *rq, response *rs);
void page_healthz(request *rq, response *rs);
void page_metrics(request *rq, response *rs);

/* staff: login.c, dashboard.c, staff_list.c, intake.c, matter_page.c, admin_*.c */
void page_login_form(request *rq, response *rs);
void page_login_post(request *rq, response *rs);
void page_logout(request *rq, response *rs);
void page_dashboard(request *rq, response *rs);
void page_inbox(request *rq, response *rs);
void page_queue(request *rq, response *rs);
void page_overdue(request *rq, response *rs);
void page_matters(request *rq, response *rs);
/* the briefing (简报): briefing_page.c */
void page_briefing(request *rq, response *rs);
void page_briefing_pdf(request *rq, response *rs);
void page_briefing_txt(request *rq, response *rs);
/* the daily dispatch and weekly review (日调度, 周督导): dispatch_page.c */
void page_dispatch(request *rq, response *rs);
void page_intake_form(request *rq, response *rs);
void page_intake_post(request *rq, response *rs);
/* the callback desk (回访): callbacks.c; recurring duties (定期工作): duties.c */
void page_callbacks(request *rq, response *rs);
void page_callbacks_post(request *rq, response *rs);
void page_duties(request *rq, response *rs);
void page_duties_post(request *rq, response *rs);
void page_matter(request *rq, response *rs);
void page_matter_act(request *rq, response *rs);
void page_admin_departments(request *rq, response *rs);
void page_admin_departments_post(request *rq, response *rs);
void page_admin_areas(request *rq, response *rs);
void page_admin_areas_post(request *rq, response *rs);
void page_admin_categories(request *rq, response *rs);
void page_admin_categories_post(request *rq, response *rs);
void page_admin_users(request *rq, response *rs);
void page_admin_users_post(request *rq, response *rs);
/* notification channels and the outbox: admin_channels.c */
void page_admin_channels(request *rq, response *rs);
void page_admin_channels_post(request *rq, response *rs);
/* uploads: import.c (an office's Excel/CSV ledger in) */
void page_import_form(request *rq, response *rs);
void page_import_post(request *rq, response *rs);
/* downloads: export.c */
void page_staff_export(request *rq, response *rs);
void page_board_export(request *rq, response *rs);

/* The route table of the web pages. */
extern const route web_routes[];
extern const size_t web_nroutes;

#endif
