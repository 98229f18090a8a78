/*
 * v1_similar.c — likely duplicates in the staff API:
 * GET /api/v1/matters/{number}/similar answers
 *     {"items": [{"number", "title", "status", "score"}]}
 * best first (ledger/similar.h decides what counts), and the same list is
 * the `similar` member of the answer to POST /api/v1/matters.
 *
 * Only the number, title, status and score of each candidate are shown:
 * nothing personal, and a caller who may not see private matters (an app
 * key creating a matter) is never shown one.
 */
#include <stdlib.h>
#include <string.h>

#include "api/staff_api.h"
#include "api/v1_json.h"
#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/similar.h"

static const char *const similar_params[] = {"limit", NULL};

json_t *v1_similar_items(const similar_list *l)
{
	json_t *items = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const similar_item *it = &l->items[i];
		/* three decimals: a score, not a measurement */
		double score = (double)(int)(it->score * 1000 + 0.5) / 1000;
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:f}", "number", it->number,
						       "title", it->title ? it->title : "", "status",
						       status_name(it->status), "score", score));
	}
	return items;
}

/* The limit parameter (1..SIMILAR_LIMIT, default SIMILAR_LIMIT); false
 * when it answered 400. */
static bool read_limit(const request *rq, response *rs, int *limit)
{
	const char *v = v1_param(rq, "limit");
	int64_t n = SIMILAR_LIMIT;
	if (v && (!str_to_i64(v, &n) || n < 1 || n > SIMILAR_LIMIT)) {
		char *hint = str_printf("参数 limit 应为 1 到 %d 之间的整数", SIMILAR_LIMIT);
		v1_fail_param(rs, "limit", hint);
		free(hint);
		return false;
	}
	*limit = (int)n;
	return true;
}

void v1_matter_similar(request *rq, response *rs)
{
	char today[11];
	matter m;
	similar_list l;
	int limit = 0;
	memset(&m, 0, sizeof m);
	memset(&l, 0, sizeof l);
	if (!v1_params_known_or_400(rq, rs, similar_params) || !read_limit(rq, rs, &limit))
		return;
	v1_today(rq, today);
	int rc = matter_load(rq->db, &rq->who, rq->nargs > 0 ? rq->args[0] : NULL, 0, false, today,
			     &m);
	if (rc == LEDGER_OK)
		rc = similar_find_matter(rq->db, &rq->who, NULL, m.id, rq->now, limit, &l);
	if (rc != LEDGER_OK)
		v1_fail_ledger(rs, rc, "没有找到这个事项，请核对编号", V1_MATTER_NOT_FOUND);
	else
		v1_reply(rs, 200, json_pack("{s:o}", "items", v1_similar_items(&l)));
	similar_list_free(&l);
	matter_clear(&m);
}
