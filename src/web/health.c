/*
 * health.c — the two endpoints for operators and monitoring: /healthz
 * (200 "ok" when the database answers, for load balancers) and /metrics
 * (Prometheus text exposition format 0.0.4: matters by status, overdue
 * matters, the group commit's counters, the outbox's pending and failed
 * notifications, and taizhang_up). Both are plain text, never cached, and carry
 * only aggregate counts: no titles, numbers or personal data.
 */
#include "web/pages.h"

#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/outbox.h"
#include "web/html.h"

/* GET /healthz: 200 "ok" when `SELECT 1` works, 503 otherwise. The one
 * place a page talks to the database directly: why, it checks the
 * connection itself, below any ledger logic. */
void page_healthz(request *rq, response *rs)
{
	rs->content_type = "text/plain; charset=utf-8";
	resp_header(rs, "Cache-Control", "no-store");
	if (rq->db && db_scalar(rq->db, -1, "SELECT 1", "") == 1) {
		buf_puts(&rs->body, "ok\n");
		return;
	}
	rs->status = 503;
	buf_puts(&rs->body, "database unavailable\n");
}

/* The row of the whole office in matter_counts' answer (department 0), or
 * NULL when the ledger gave none. */
static const status_count *total_row(const status_count *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].department_id == 0)
			return &v[i];
	return NULL;
}

/* Sum every row into *sum (used when there is no total row). */
static void sum_rows(const status_count *v, size_t n, status_count *sum)
{
	for (size_t i = 0; i < n; i++) {
		for (int s = 0; s < ST_COUNT; s++)
			sum->by_status[s] += v[i].by_status[s];
		sum->overdue += v[i].overdue;
	}
}

/* Write the gauges for one set of counts. */
static void write_metrics(buf *b, const status_count *c)
{
	buf_puts(b, "# HELP taizhang_matters Matters in the ledger by current status.\n"
		    "# TYPE taizhang_matters gauge\n");
	for (int s = 0; s < ST_COUNT; s++)
		buf_printf(b, "taizhang_matters{status=\"%s\"} %lld\n", status_name(s),
			   (long long)c->by_status[s]);
	buf_printf(b,
		   "# HELP taizhang_matters_overdue Open matters past their deadline.\n"
		   "# TYPE taizhang_matters_overdue gauge\n"
		   "taizhang_matters_overdue %lld\n",
		   (long long)c->overdue);
}

/* The group commit's counters: their ratio is the mean group size. */
static void write_group_metrics(buf *b, db *d)
{
	uint64_t groups, txs;
	if (!db_group_stats(d, &groups, &txs))
		return;
	buf_printf(b,
		   "# HELP taizhang_commit_groups_total Write groups committed (one disk flush each).\n"
		   "# TYPE taizhang_commit_groups_total counter\n"
		   "taizhang_commit_groups_total %llu\n"
		   "# HELP taizhang_commit_transactions_total Transactions committed in those groups.\n"
		   "# TYPE taizhang_commit_transactions_total counter\n"
		   "taizhang_commit_transactions_total %llu\n",
		   (unsigned long long)groups, (unsigned long long)txs);
}

/* The outbox (ledger/outbox.h): what waits to be sent and what failed
 * for good, for an alert on failed > 0. */
static void write_outbox_metrics(buf *b, db *d)
{
	int64_t pending, sent, failed;
	if (outbox_counts(d, &pending, &sent, &failed) != LEDGER_OK)
		return;
	buf_printf(b,
		   "# HELP taizhang_outbox_pending Notifications waiting to be sent (or retried).\n"
		   "# TYPE taizhang_outbox_pending gauge\n"
		   "taizhang_outbox_pending %lld\n"
		   "# HELP taizhang_outbox_failed Notifications that failed after every attempt.\n"
		   "# TYPE taizhang_outbox_failed gauge\n"
		   "taizhang_outbox_failed %lld\n",
		   (long long)pending, (long long)failed);
}

/* GET /metrics: Prometheus text format 0.0.4. When the ledger cannot be
 * read, 503 with taizhang_up 0 so the scrape shows why. */
void page_metrics(request *rq, response *rs)
{
	char today[11];
	status_count *v = NULL;
	size_t n = 0;
	web_today(rq, today);
	rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
	resp_header(rs, "Cache-Control", "no-store");
	if (matter_counts(rq->db, today, &v, &n) != LEDGER_OK) {
		rs->status = 503;
		buf_puts(&rs->body, "# TYPE taizhang_up gauge\ntaizhang_up 0\n");
		if (v)
			status_counts_free(v, n);
		return;
	}
	const status_count *total = total_row(v, n);
	status_count sum = {0};
	if (!total) {
		sum_rows(v, n, &sum);
		total = &sum;
	}
	write_metrics(&rs->body, total);
	write_group_metrics(&rs->body, rq->db);
	write_outbox_metrics(&rs->body, rq->db);
	buf_puts(&rs->body, "# HELP taizhang_up Whether taizhang can read its ledger.\n"
			    "# TYPE taizhang_up gauge\ntaizhang_up 1\n");
	status_counts_free(v, n);
}
