/*
 * group.c — group commit: the write transactions that arrive together are
 * committed together, by one writer thread, in one database transaction.
 *
 * Why: with synchronous=FULL every commit waits for the disk (an
 * acknowledged submission must survive a power cut), so a server that
 * commits each request on its own is bounded by the disk's flushes per
 * second. Here each request thread hands its transaction function to the
 * writer and waits; the writer takes every function queued so far, runs each
 * inside its own savepoint (a failing one undoes only itself), commits once,
 * and only then wakes the waiters with their results. One flush serves the
 * whole group, and nothing is acknowledged before it is durable: if the
 * commit fails, every function of the group gets the failure.
 *
 * The writer has its own connection; a transaction function always receives
 * the connection it must use as its first argument (db_transact's contract),
 * so functions written for db_transact run unchanged. A lone request is
 * committed at once: the writer never waits for company.
 */
#include "store/group.h"

#include <pthread.h>
#include <stdlib.h>

#include "base/util.h"

/* Why a cap: one group's transaction must stay short enough that readers
 * and the WAL checkpoint are not held up, and its retry cheap. */
#define GROUP_MAX 256

typedef struct group_job {
	db_tx_fn fn;
	void *ctx;
	int rc;
	bool done;
	struct group_job *next;
} group_job;

struct db_group {
	db *d; /* the writer's own connection */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake; /* jobs queued, or stopping */
	pthread_cond_t done; /* a group finished */
	group_job *head, *tail;
	bool stopping;
	/* counters for /metrics */
	uint64_t groups, jobs;
};

struct group_run {
	group_job *first;
	int n;
};

/* The whole group as one transaction: each job in its own savepoint. */
static int run_group(db *d, void *vctx)
{
	struct group_run *g = vctx;
	group_job *j = g->first;
	for (int i = 0; i < g->n; i++, j = j->next)
		j->rc = db_transact(d, j->fn, j->ctx);
	return 0;
}

/* Take up to GROUP_MAX queued jobs (lock held); returns how many. */
static int take_jobs(db_group *g, group_job **first)
{
	int n = 0;
	group_job *j = g->head, *last = NULL;
	*first = j;
	while (j && n < GROUP_MAX) {
		last = j;
		j = j->next;
		n++;
	}
	g->head = j;
	if (!j)
		g->tail = NULL;
	if (last)
		last->next = NULL;
	return n;
}

static void *writer_main(void *arg)
{
	db_group *g = arg;
	pthread_mutex_lock(&g->lock);
	for (;;) {
		while (!g->head && !g->stopping)
			pthread_cond_wait(&g->wake, &g->lock);
		if (!g->head)
			break; /* stopping, and nothing left to write */
		struct group_run run;
		run.n = take_jobs(g, &run.first);
		pthread_mutex_unlock(&g->lock);
		int rc = db_transact(g->d, run_group, &run);
		pthread_mutex_lock(&g->lock);
		group_job *j = run.first;
		for (int i = 0; i < run.n; i++) {
			group_job *next = j->next;
			if (rc < 0)
				j->rc = rc; /* the commit failed: nothing of it stands */
			j->done = true;
			j = next;
		}
		g->groups++;
		g->jobs += (uint64_t)run.n;
		pthread_cond_broadcast(&g->done);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

db_group *db_group_open(const char *url, char **err)
{
	db *d = db_open(url, err);
	if (!d)
		return NULL;
	db_group *g = xcalloc(1, sizeof *g);
	g->d = d;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->wake, NULL);
	pthread_cond_init(&g->done, NULL);
	if (pthread_create(&g->thread, NULL, writer_main, g) != 0) {
		*err = xstrdup("cannot start the writer thread");
		pthread_cond_destroy(&g->done);
		pthread_cond_destroy(&g->wake);
		pthread_mutex_destroy(&g->lock);
		db_close(d);
		free(g);
		return NULL;
	}
	return g;
}

void db_group_close(db_group *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	pthread_cond_destroy(&g->done);
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->lock);
	db_close(g->d);
	free(g);
}

int db_group_run(db_group *g, db_tx_fn fn, void *ctx)
{
	group_job j = {.fn = fn, .ctx = ctx};
	pthread_mutex_lock(&g->lock);
	if (g->stopping) {
		pthread_mutex_unlock(&g->lock);
		return DB_ERROR;
	}
	if (g->tail)
		g->tail->next = &j;
	else
		g->head = &j;
	g->tail = &j;
	pthread_cond_signal(&g->wake);
	while (!j.done)
		pthread_cond_wait(&g->done, &g->lock);
	pthread_mutex_unlock(&g->lock);
	return j.rc;
}

void group_stats(db_group *g, uint64_t *groups, uint64_t *jobs)
{
	pthread_mutex_lock(&g->lock);
	*groups = g->groups;
	*jobs = g->jobs;
	pthread_mutex_unlock(&g->lock);
}
