/*
 * open311_record.c — a public matter as an Open311 service request: which
 * matters Open311 may show at all, and the <request> record.
 *
 * Open311 shows only what the public board shows. Matters are loaded with
 * matter_load(public_only) as an anonymous visitor, so the ledger itself
 * refuses private matters and blanks every personal field; this file never
 * reads a submitter column. A matter without a category has no service
 * and so no service_code, which GeoReport requires: such matters are not
 * service requests here.
 *
 * Mapping: status open for every status_is_open() status, closed for
 * resolved, closed, rejected and merged; status_notes the latest public
 * note on the timeline (why it was rejected, what was done); the lead
 * department as agency_responsible; the deadline as expected_datetime at
 * the end of that day; the area's code as address_id.
 */
#include "api/open311_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/isotime.h"
#include "base/util.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"

int o311_catalog_load(db *d, o311_catalog *c)
{
	memset(c, 0, sizeof *c);
	if (category_list(d, false, &c->cats, &c->ncats) == LEDGER_OK &&
	    area_list(d, false, &c->areas, &c->nareas) == LEDGER_OK)
		return LEDGER_OK;
	o311_catalog_free(c); /* what was read before the failure */
	return LEDGER_ERROR;
}

void o311_catalog_free(o311_catalog *c)
{
	if (c->cats)
		category_list_free(c->cats, c->ncats);
	if (c->areas)
		area_list_free(c->areas, c->nareas);
	memset(c, 0, sizeof *c);
}

const char *o311_category_code(const o311_catalog *c, int64_t id)
{
	for (size_t i = 0; id && i < c->ncats; i++)
		if (c->cats[i].id == id)
			return c->cats[i].code;
	return NULL;
}

/* The code of area id, or NULL. */
static const char *area_code(const o311_catalog *c, int64_t id)
{
	for (size_t i = 0; id && i < c->nareas; i++)
		if (c->areas[i].id == id)
			return c->areas[i].code;
	return NULL;
}

const char *o311_status(int st)
{
	return status_is_open(st) ? "open" : "closed";
}

int o311_matter_load(request *rq, const char *number, matter *m)
{
	actor anon;
	memset(&anon, 0, sizeof anon);
	anon.role = ROLE_NONE;
	char today[11];
	ledger_today(rq->now, today);
	memset(m, 0, sizeof *m);
	/* Why public_only and an anonymous reader: Open311 is public; the
	 * ledger then refuses private matters and blanks personal fields. */
	int rc = matter_load(rq->db, &anon, number, 0, true, today, m);
	if (rc == LEDGER_OK && m->category_id == 0) {
		matter_clear(m);
		rc = LEDGER_NOT_FOUND;
	}
	return rc;
}

/* The latest public note on m's timeline, copied into *out (caller
 * frees; NULL when there is none). */
static int latest_note(db *d, int64_t matter_id, char **out)
{
	event *ev = NULL;
	size_t n = 0;
	*out = NULL;
	if (event_list(d, matter_id, true, &ev, &n) != LEDGER_OK)
		return LEDGER_ERROR;
	for (size_t i = n; i-- > 0;) {
		if (!str_empty(ev[i].note)) {
			*out = xstrdup(ev[i].note);
			break;
		}
	}
	if (ev)
		event_list_free(ev, n);
	return LEDGER_OK;
}

/* The time fields of a request. */
static void add_times(o311_node *r, const matter *m)
{
	char t[ISOTIME_SIZE];
	isotime_format(m->created_at, t);
	o311_add_str(r, "requested_datetime", t);
	isotime_format(m->updated_at, t);
	o311_add_str(r, "updated_datetime", t);
	if (!str_empty(m->deadline)) {
		isotime_end_of_date(m->deadline, t);
		o311_add_str(r, "expected_datetime", t);
	} else {
		o311_add_str(r, "expected_datetime", NULL);
	}
}

int o311_add_request(request *rq, o311_node *list, const matter *m, const o311_catalog *c)
{
	char *notes;
	if (latest_note(rq->db, m->id, &notes) != LEDGER_OK)
		return LEDGER_ERROR;
	o311_node *r = o311_add_obj(list, "request");
	o311_add_str(r, "service_request_id", m->number);
	o311_add_str(r, "status", o311_status(m->status));
	o311_add_str(r, "status_notes", notes);
	o311_add_str(r, "service_name", m->category_name);
	o311_add_str(r, "service_code", o311_category_code(c, m->category_id));
	o311_add_str(r, "description", m->description);
	o311_add_str(r, "agency_responsible", m->department_name);
	o311_add_str(r, "service_notice", NULL);
	add_times(r, m);
	o311_add_str(r, "address", !str_empty(m->address) ? m->address : m->area_name);
	o311_add_str(r, "address_id", area_code(c, m->area_id));
	o311_add_str(r, "zipcode", NULL);
	o311_add_real(r, "lat", m->lat, m->has_point);
	o311_add_real(r, "long", m->lon, m->has_point);
	o311_add_str(r, "media_url", m->media_url);
	free(notes);
	return LEDGER_OK;
}
