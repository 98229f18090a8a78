/*
 * open311_updates.c — GET servicerequestupdates.{xml,json}, the widely
 * used extension (mySociety's, which FixMyStreet and its open311-adapter
 * speak) that lets a client follow what happened to requests:
 *
 *   <service_request_updates><request_update>
 *     <update_id/> <service_request_id/> <status/> <updated_datetime/>
 *     <description/> <media_url/>
 *   </request_update></service_request_updates>
 *
 * An update is an entry of a public matter's public timeline: update_id
 * the event's id, status open or closed after it, description its note.
 * start_date and end_date pick updated_datetime like the requests search
 * (at most 90 days, the most recent 90 by default); at most 1000 updates,
 * oldest first, so a client rolls start_date forward to read on.
 */
#include "api/open311.h"
#include "api/open311_int.h"

#include <stdio.h>
#include <string.h>

#include "base/isotime.h"
#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"

/* One <request_update>. */
static void add_update(o311_node *list, const feed_event *u)
{
	char id[24], at[ISOTIME_SIZE];
	snprintf(id, sizeof id, "%lld", (long long)u->id);
	isotime_format(u->at, at);
	int st = status_from_name(u->to_status);
	o311_node *r = o311_add_obj(list, "request_update");
	o311_add_str(r, "update_id", id);
	o311_add_str(r, "service_request_id", u->number);
	o311_add_str(r, "status", st >= 0 ? o311_status(st) : NULL);
	o311_add_str(r, "updated_datetime", at);
	o311_add_str(r, "description", u->note);
	o311_add_str(r, "media_url", NULL);
}

void open311_updates(request *rq, response *rs)
{
	if (!o311_jurisdiction_ok(rq, rs))
		return;
	int64_t from, to;
	const char *why = o311_window(o311_arg(rq, "start_date"), o311_arg(rq, "end_date"),
				      rq->now, &from, &to);
	if (why) {
		o311_errors(rq, rs, 400, &why, 1);
		return;
	}
	feed_event *v = NULL;
	size_t n = 0;
	if (event_feed_public(rq->db, from, to, O311_MAX, &v, &n) != LEDGER_OK) {
		resp_error(rq, rs, 500, NULL);
		return;
	}
	o311_node *root = o311_root_list("service_request_updates");
	for (size_t i = 0; i < n; i++)
		add_update(root, &v[i]);
	o311_send(rs, root, o311_path_format(rq->path));
	o311_free(root);
	event_feed_free(v, n);
}
