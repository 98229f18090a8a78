/*
 * open311_requests.c — reading service requests: GET requests (a list of
 * ids, or a search by service, status and window), GET requests/{id} and
 * GET tokens/{token} (the id behind a batch service's token).
 *
 * The search follows the spec: service_request_id overrides every other
 * argument; service_code and status are comma lists (and may be repeated);
 * start_date and end_date pick requested_datetime within at most 90 days,
 * the most recent 90 days by default; at most 1000 requests per answer,
 * newest first, with page and page_size (1-1000, default 1000) to go on.
 * Only public, categorised matters appear (open311_record.c).
 */
#include "api/open311.h"
#include "api/open311_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"

#define MAX_CODES 100  /* service codes in one search */
#define MAX_PAGE 1000000

/* Append the matter named by number when Open311 may show it. LEDGER_OK
 * (also when it may not) or LEDGER_ERROR. */
static int add_matter(request *rq, o311_node *list, const o311_catalog *c, const char *number)
{
	matter m;
	int rc = o311_matter_load(rq, number, &m);
	if (rc == LEDGER_NOT_FOUND)
		return LEDGER_OK;
	if (rc == LEDGER_OK)
		rc = o311_add_request(rq, list, &m, c);
	matter_clear(&m);
	return rc;
}

/* Answer the requests named by numbers, in their order, each once. */
static void send_numbers(request *rq, response *rs, const o311_catalog *c,
			 const o311_list *numbers)
{
	o311_node *root = o311_root_list("service_requests");
	int rc = LEDGER_OK;
	for (size_t i = 0; rc == LEDGER_OK && i < numbers->n; i++) {
		bool again = false;
		for (size_t j = 0; j < i; j++)
			again = again || strcmp(numbers->v[j], numbers->v[i]) == 0;
		if (!again)
			rc = add_matter(rq, root, c, numbers->v[i]);
	}
	if (rc == LEDGER_OK)
		o311_send(rs, root, o311_path_format(rq->path));
	else
		resp_error(rq, rs, 500, NULL);
	o311_free(root);
}

/* Run the search q through the ledger and answer the list: public,
 * categorised, unmerged matters read as an anonymous visitor. */
static void send_search(request *rq, response *rs, const o311_catalog *c, const o311_query *q)
{
	size_t ncodes = q->codes ? q->codes->n : 0;
	int64_t *cats = xcalloc(ncodes + 1, sizeof *cats);
	for (size_t i = 0; i < ncodes; i++)
		for (size_t j = 0; j < c->ncats; j++)
			if (strcmp(c->cats[j].code, q->codes->v[i]) == 0)
				cats[i] = c->cats[j].id;
	matter_filter f = matter_filter_any();
	f.count_cap = 1; /* the answer carries no count */
	f.public_only = f.categorized = true;
	f.category_ids = cats;
	f.ncategory_ids = ncodes;
	f.created_since = q->from;
	f.created_until = q->to;
	f.open_only = q->status == O311_OPEN;
	f.closed_only = q->status == O311_CLOSED;
	f.limit = q->limit;
	f.offset = q->offset;
	actor anonymous = {.role = ROLE_NONE};
	char today[11];
	ledger_today(rq->now, today);
	matter_list l;
	int found = matter_find(rq->db, &anonymous, &f, today, &l), rc = found;
	o311_node *root = o311_root_list("service_requests");
	for (size_t i = 0; rc == LEDGER_OK && i < l.n; i++)
		rc = o311_add_request(rq, root, &l.items[i], c);
	if (rc == LEDGER_OK)
		o311_send(rs, root, o311_path_format(rq->path));
	else
		resp_error(rq, rs, 500, NULL);
	o311_free(root);
	if (found == LEDGER_OK)
		matter_list_free(&l);
	free(cats);
}

/* Read service_code and status into q (problems into p). */
static void read_codes_status(request *rq, const o311_catalog *c, o311_list *codes,
			      o311_query *q, o311_problems *p)
{
	o311_list status;
	if (!o311_list_arg(rq, "service_code", MAX_CODES, codes))
		o311_problem(p, "service_code 最多 %d 个", MAX_CODES);
	for (size_t i = 0; i < codes->n; i++) {
		bool known = false;
		for (size_t j = 0; !known && j < c->ncats; j++)
			known = strcmp(c->cats[j].code, codes->v[i]) == 0;
		if (!known) {
			o311_problem(p, "service_code 中有不存在的服务代码：请从 services 列表中选择");
			break;
		}
	}
	bool open = false, closed = false, bad = !o311_list_arg(rq, "status", 10, &status);
	for (size_t i = 0; i < status.n; i++) {
		open = open || strcmp(status.v[i], "open") == 0;
		closed = closed || strcmp(status.v[i], "closed") == 0;
		bad = bad || (strcmp(status.v[i], "open") != 0 && strcmp(status.v[i], "closed") != 0);
	}
	if (bad)
		o311_problem(p, "status 只能是 open、closed 或二者（逗号分隔）");
	q->status = open == closed ? O311_ANY : open ? O311_OPEN : O311_CLOSED;
	o311_list_free(&status);
}

/* Read page and page_size into q (problems into p). */
static void read_page(request *rq, o311_query *q, o311_problems *p)
{
	const char *page = o311_arg(rq, "page"), *size = o311_arg(rq, "page_size");
	int64_t pg = 1, sz = O311_MAX;
	if (page && (!str_to_i64(page, &pg) || pg < 1 || pg > MAX_PAGE))
		o311_problem(p, "page 须为 1 到 %d 的整数", MAX_PAGE);
	if (size && (!str_to_i64(size, &sz) || sz < 1))
		o311_problem(p, "page_size 须为正整数（最多 %d）", O311_MAX);
	if (sz > O311_MAX)
		sz = O311_MAX; /* the spec's cap: at most 1000 in one answer */
	q->limit = (int)sz;
	q->offset = (int)((pg - 1) * sz);
}

/* The search: filters, window, page; answers a problem list or the list. */
static void search(request *rq, response *rs, const o311_catalog *c)
{
	o311_query q;
	o311_list codes;
	o311_problems p = {{0}, 0};
	memset(&q, 0, sizeof q);
	read_codes_status(rq, c, &codes, &q, &p);
	const char *why = o311_window(o311_arg(rq, "start_date"), o311_arg(rq, "end_date"),
				      rq->now, &q.from, &q.to);
	if (why)
		o311_problem(&p, "%s", why);
	read_page(rq, &q, &p);
	if (!o311_problems_answer(rq, rs, &p)) {
		q.codes = &codes;
		send_search(rq, rs, c, &q);
	}
	o311_list_free(&codes);
}

/* GET requests.{xml,json}. */
void open311_requests(request *rq, response *rs)
{
	if (!o311_jurisdiction_ok(rq, rs))
		return;
	o311_catalog c;
	if (o311_catalog_load(rq->db, &c) != LEDGER_OK) {
		resp_error(rq, rs, 500, NULL);
		return;
	}
	o311_list ids;
	if (!o311_list_arg(rq, "service_request_id", O311_MAX, &ids)) {
		const char *desc = "service_request_id 一次最多 1000 个";
		o311_errors(rq, rs, 400, &desc, 1);
	} else if (ids.n) {
		send_numbers(rq, rs, &c, &ids); /* overrides all other arguments */
	} else {
		search(rq, rs, &c);
	}
	o311_list_free(&ids);
	o311_catalog_free(&c);
}

/* The stem of the path argument, or NULL after answering 400. */
static char *path_stem(request *rq, response *rs)
{
	char *stem = NULL;
	enum o311_fmt fmt;
	if (!o311_split_format(rq->nargs ? rq->args[0] : NULL, &stem, &fmt)) {
		const char *desc = "网址须以 .xml 或 .json 结尾。";
		o311_errors(rq, rs, 400, &desc, 1);
	}
	return stem;
}

/* Answer 404 (or 500 for rc LEDGER_ERROR) with desc. */
static void not_found(request *rq, response *rs, int rc, const char *desc)
{
	if (rc == LEDGER_ERROR)
		resp_error(rq, rs, 500, NULL);
	else
		o311_errors(rq, rs, 404, &desc, 1);
}

/* GET requests/{id}.{xml,json}. */
void open311_request(request *rq, response *rs)
{
	char *number = path_stem(rq, rs);
	if (!number || !o311_jurisdiction_ok(rq, rs)) {
		free(number);
		return;
	}
	o311_catalog c;
	matter m;
	int rc = o311_catalog_load(rq->db, &c);
	if (rc == LEDGER_OK && (rc = o311_matter_load(rq, number, &m)) == LEDGER_OK) {
		o311_node *root = o311_root_list("service_requests");
		rc = o311_add_request(rq, root, &m, &c);
		if (rc == LEDGER_OK)
			o311_send(rs, root, o311_path_format(rq->path));
		o311_free(root);
		matter_clear(&m);
	}
	if (rc != LEDGER_OK)
		not_found(rq, rs, rc, "service_request_id 不存在或未公开。");
	o311_catalog_free(&c);
	free(number);
}

/* GET tokens/{token}.{xml,json}. */
void open311_token(request *rq, response *rs)
{
	char *token = path_stem(rq, rs);
	if (!token || !o311_jurisdiction_ok(rq, rs)) {
		free(token);
		return;
	}
	char number[32] = "";
	matter m;
	int rc = matter_token_lookup(rq->db, token, number);
	/* Why load it too: a token must not reveal a matter Open311 would not
	 * show. */
	if (rc == LEDGER_OK && (rc = o311_matter_load(rq, number, &m)) == LEDGER_OK) {
		o311_node *root = o311_root_list("service_requests");
		o311_node *r = o311_add_obj(root, "request");
		o311_add_str(r, "service_request_id", m.number);
		o311_add_str(r, "token", token);
		o311_send(rs, root, o311_path_format(rq->path));
		o311_free(root);
		matter_clear(&m);
	}
	if (rc != LEDGER_OK)
		not_found(rq, rs, rc, "token 不存在。");
	free(token);
}
