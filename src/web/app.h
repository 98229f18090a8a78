/*
 * app.h — settings shared by every handler (rq->app points to one).
 */
#ifndef TZ_WEB_APP_H
#define TZ_WEB_APP_H

#include <stddef.h>

typedef struct app {
	const char *office_name; /* shown in the header, e.g. "沧州经济开发区" */
	const char *base_url;    /* for QR codes: "http://127.0.0.1:8080" */
	const char *jurisdiction_id; /* Open311: this office's jurisdiction_id, or NULL */
	size_t max_photo;        /* bytes */
	int session_ttl;         /* seconds */
	/* Submissions per hour: from one address through the public form and
	 * from one API key through Open311 (0: no limit). */
	int submit_limit, app_submit_limit;
	/* The daily dispatch's time of day (daily-at), minutes after midnight:
	 * /staff/dispatch counts "new" from it, as the pushed digest does. */
	int daily_minutes;
	/* The kiosk's slides kept for every screen (web/screen.c); NULL:
	 * computed on each request. */
	struct screen_cache *screen;
} app;

#endif
