/*
 * v1_rates.c — the three rates (三率) and the on-time rate in the staff API
 * (GET /api/v1/rates?from=&to=&department=).
 *
 * Each rate comes with its numerator and denominator, and the rate as a
 * percentage rounded to one decimal, or null when the denominator is 0
 * (nothing to rate yet is not 0 %). The formulas are rates_compute()'s
 * (ledger/rates.h); this file only reads the query and writes the answer.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/staff_api.h"
#include "api/v1_json.h"
#include "base/util.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "ledger/rates.h"

static const char *const rate_params[] = {"from", "to", "department", NULL};

/* {"rate": percent or null, "numerator": n, "denominator": d} */
static json_t *rate_json(rate r)
{
	double pct = rate_percent(r);
	json_t *value = r.den ? json_real(round(pct * 10.0) / 10.0) : json_null();
	return json_pack("{s:o, s:I, s:I}", "rate", value, "numerator", (json_int_t)r.num,
			 "denominator", (json_int_t)r.den);
}

/* The four rates as the answer's object. */
static json_t *rates_json(const rates *r)
{
	return json_pack("{s:o, s:o, s:o, s:o}", "response", rate_json(r->response), "resolution",
			 rate_json(r->resolution), "satisfaction", rate_json(r->satisfaction),
			 "on_time", rate_json(r->on_time));
}

/* A date parameter (YYYY-MM-DD); false when it answered. */
static bool date_param(const request *rq, response *rs, const char *name, const char **out)
{
	*out = v1_param(rq, name);
	if (*out && !calendar_date_valid(*out)) {
		v1_fail_param(rs, name, "日期应为 YYYY-MM-DD");
		return false;
	}
	return true;
}

/* Read the query into *f; false when it answered. */
static bool read_query(const request *rq, response *rs, const v1_catalog *c, rates_filter *f)
{
	const char *dept = v1_param(rq, "department");
	memset(f, 0, sizeof *f);
	if (!v1_params_known_or_400(rq, rs, rate_params) || !date_param(rq, rs, "from", &f->from) ||
	    !date_param(rq, rs, "to", &f->to))
		return false;
	if (f->from && f->to && strcmp(f->from, f->to) > 0) {
		v1_fail_param(rs, "to", "结束日期不能早于开始日期");
		return false;
	}
	if (dept && !(f->department_id = v1_department_id(c, dept))) {
		v1_fail_param(rs, "department", "参数 department 不是已有的单位代码");
		return false;
	}
	return true;
}

void v1_rates(request *rq, response *rs)
{
	v1_catalog c;
	rates_filter f;
	rates out;
	char today[11];
	v1_today(rq, today);
	if (v1_catalog_load(&c, rq->db) != LEDGER_OK) {
		v1_fail_ledger(rs, LEDGER_ERROR, NULL, V1_NO_SUCH_ENDPOINT);
	} else if (read_query(rq, rs, &c, &f)) {
		if (rates_compute(rq->db, &f, today, &out) != LEDGER_OK)
			v1_fail_ledger(rs, LEDGER_ERROR, NULL, V1_NO_SUCH_ENDPOINT);
		else
			v1_reply(rs, 200, rates_json(&out));
	}
	v1_catalog_free(&c);
}
