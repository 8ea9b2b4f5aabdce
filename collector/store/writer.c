/*
 * writer.c - the writer thread (see writer.h).
 *
 * Loop: take up to batch_max jobs, BEGIN IMMEDIATE, store them, COMMIT,
 * then complete every job.  Should one report fail, the batch is redone
 * with a SAVEPOINT per report, so that only the failing one is refused.
 * If COMMIT fails nothing of the batch was stored and every job gets 503
 * (disk full, I/O error: the agent retries) or 500.  When the queue is
 * idle, or between batches, one retention batch of at most
 * RETENTION_BATCH rows runs in its own short transaction.  Every batch
 * samples the fleet curves of its minute (fleet_history.c) before its
 * COMMIT, so a minute's point is its last state; a minute without a
 * batch is sampled once, in a short transaction of its own.  On SQLite
 * the commits never checkpoint the log themselves (wal_autocheckpoint
 * off): after each the checkpointer's thread is told (checkpoint.c).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/store/checkpoint.h"
#include "collector/store/db.h"
#include "collector/store/fleet_history.h"
#include "collector/limits.h"
#include "collector/api/metrics.h"
#include "collector/store/store.h"
#include "collector/store/writer.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

/* the statements that end a transaction or mark a report in it, the
 * same text on both backends (a transaction begins with the backend's
 * own: sql_begin_write_keys, sql_begin_write_within) */
enum { T_COMMIT, T_ROLLBACK, T_SAVE, T_RELEASE, T_UNDO, T_N };
static const char *const tx_sql[T_N] = {
    "COMMIT",         "ROLLBACK",           "SAVEPOINT report",
    "RELEASE report", "ROLLBACK TO report",
};

struct writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ingest_job *head, *tail;
	long depth;
	long reserved; /* places taken by writer_reserve() */
	int stopping;
	int stopped;
	atomic_int failing;
	char last_err[256]; /* under mu */
	struct writer_params p;
	char *db_path;
	sql_db *db;
	struct store *store;
	struct fleet_history *fleet;
	struct checkpointer *ckpt; /* SQLite's log (NULL on PostgreSQL) */
	sql_stmt *tx[T_N];
	const char **keys;        /* a batch's host names (batch_max) */
	long long next_retention; /* epoch seconds */
	long long sampled_minute; /* the fleet curves' last minute */
};

/* begin_batch - the batch's write transaction, which writes the rows of
 * its hosts (sql_begin_write_keys: on PostgreSQL, collectors write
 * different hosts at once). */
static int
begin_batch(struct writer *w, struct ingest_job *jobs)
{
	size_t n = 0;

	for (struct ingest_job *j = jobs; j; j = j->next)
		w->keys[n++] = json_string_value(json_object_get(
		    json_object_get(j->report, "host"), "name"));
	return sql_begin_write_keys(w->db, w->keys, n);
}

static int
tx(struct writer *w, int which)
{
	int rc = sql_step(w->tx[which]);

	sql_reset(w->tx[which]);
	return rc == SQL_DONE ? SQL_OK : rc;
}

/* fleet_sample - the fleet curves' points of this minute, in the open
 * transaction.  A failure is logged and costs that point only. */
static void
fleet_sample(struct writer *w)
{
	long long now = (long long)time(NULL);
	char err[256];

	w->sampled_minute = now - now % 60;
	/* a savepoint: on PostgreSQL a failed statement would otherwise
	 * abort the whole batch's transaction */
	sql_exec(w->db, "SAVEPOINT fleet_sample", NULL, 0);
	if (fleet_history_sample(w->fleet, now, err, sizeof(err)) != SQL_OK) {
		log_warnx("%s", err);
		sql_exec(w->db, "ROLLBACK TO fleet_sample", NULL, 0);
	}
	sql_exec(w->db, "RELEASE fleet_sample", NULL, 0);
}

/* fleet_step - fleet_sample in a transaction of its own, for a minute
 * in which no batch ran: a batch's transaction without hosts (on
 * PostgreSQL the writers' lock shared and a part), as the sample is in
 * a batch.  Exclusive, it waited at each minute's start for every batch
 * of every collector in progress, and they all for it. */
static void
fleet_step(struct writer *w)
{
	int rc;

	if ((rc = sql_begin_write_keys(w->db, NULL, 0)) != SQL_OK) {
		log_warnx("fleet history: cannot begin: %s", sql_errstr(rc));
		return;
	}
	fleet_sample(w);
	if (tx(w, T_COMMIT) != SQL_OK) {
		log_warnx("fleet history: commit: %s", sql_errmsg(w->db));
		tx(w, T_ROLLBACK);
	}
}

/* note_error - keep the connection's error for /healthz. */
static void
note_error(struct writer *w, const char *what)
{
	pthread_mutex_lock(&w->mu);
	snprintf(w->last_err, sizeof(w->last_err), "%s: %s", what,
	         sql_errmsg(w->db));
	pthread_mutex_unlock(&w->mu);
}

const char *
writer_last_error(struct writer *w, char *buf, size_t len)
{
	pthread_mutex_lock(&w->mu);
	snprintf(buf, len, "%s", w->last_err);
	pthread_mutex_unlock(&w->mu);
	return buf;
}

/*
 * attempt - the batch in one transaction.  Careless (the usual case): no
 * savepoints, so SQLite keeps no statement journal; if a report fails,
 * everything is rolled back and -1 asks for a careful attempt, where each
 * report has its own savepoint and a failing one is rolled back alone.
 */
static int
attempt(struct writer *w, struct ingest_job *jobs, int careful)
{
	struct ingest_job *j;
	int rc;

	rc = begin_batch(w, jobs);
	if (rc != SQL_OK) {
		note_error(w, "begin");
		atomic_store(&w->failing, 1);
		for (j = jobs; j; j = j->next) {
			j->status = sql_retryable(rc) ? 503 : 500;
			snprintf(j->err, sizeof(j->err), "cannot begin: %s",
			         sql_errmsg(w->db));
		}
		return 0;
	}
	for (j = jobs; j; j = j->next) {
		char err[256] = "";
		j->duplicate = 0;
		if (careful && (rc = tx(w, T_SAVE)) != SQL_OK)
			snprintf(err, sizeof(err), "savepoint: %s",
			         sql_errstr(rc));
		else if ((rc = store_report(w->store, j->report, &j->prep,
		                            j->received, &j->duplicate, err,
		                            sizeof(err))) == SQL_OK &&
		         careful && (rc = sql_flush(w->db)) != SQL_OK)
			snprintf(err, sizeof(err), "database: %s",
			         sql_errmsg(w->db));
		if (rc == SQL_OK) {
			if (careful)
				tx(w, T_RELEASE);
			j->status = 200;
		} else if (!careful) {
			tx(w, T_ROLLBACK);
			return -1;
		} else {
			tx(w, T_UNDO);
			tx(w, T_RELEASE);
			j->status = sql_retryable(rc) ? 503 : 500;
			snprintf(j->err, sizeof(j->err), "%s", err);
			log_warnx("writer: report not stored: %s", err);
		}
	}
	/* careless: the deferred statements' errors (sql.h), before the
	 * batch can commit */
	if (!careful && sql_flush(w->db) != SQL_OK) {
		tx(w, T_ROLLBACK);
		return -1;
	}
	fleet_sample(w);
	rc = tx(w, T_COMMIT);
	atomic_store(&w->failing, rc != SQL_OK);
	if (w->ckpt)
		checkpoint_kick(w->ckpt);
	if (rc != SQL_OK) {
		note_error(w, "commit");
		log_warnx("writer: commit failed: %s", sql_errmsg(w->db));
		tx(w, T_ROLLBACK);
		for (j = jobs; j; j = j->next) {
			if (j->status != 200)
				continue;
			j->status = sql_retryable(rc) ? 503 : 500;
			j->duplicate = 0;
			snprintf(j->err, sizeof(j->err), "commit failed: %s",
			         sql_errstr(rc));
		}
	}
	return 0;
}

static void
run_batch(struct writer *w, struct ingest_job *jobs, size_t n)
{
	int64_t t0 = time_mono_ms();
	struct ingest_job *j;

	if (attempt(w, jobs, 0) == -1)
		attempt(w, jobs, 1);
	metrics_batch(n, (double)(time_mono_ms() - t0) / 1000.0);
	while (jobs) {
		j = jobs;
		jobs = j->next;
		j->next = NULL;
		j->complete(j);
	}
	/* once the batch is answered: the log's RESTART, if it is due */
	if (w->ckpt)
		checkpoint_restart(w->ckpt, w->db);
}

/* retention_step - one small batch; 1 if there may be more.  The
 * writers' lock is waited for DB_EXCLUSIVE_WAIT_MS at most
 * (sql_begin_write_within): while a batch on another collector is held
 * up longer, retention waits for the writer's next idle turn, not in the
 * lock's queue, where every batch after it would wait too. */
static int
retention_step(struct writer *w)
{
	char err[256];
	long n;
	long long cutoff = (long long)time(NULL) - w->p.retention_days * 86400;
	int rc = sql_begin_write_within(w->db, DB_EXCLUSIVE_WAIT_MS);

	if (rc == SQL_BUSY) {
		w->next_retention = (long long)time(NULL) + WRITER_IDLE_WAIT_S;
		return 0;
	}
	if (rc != SQL_OK)
		return 0;
	n = store_retention(w->store, cutoff, RETENTION_BATCH, err,
	                    sizeof(err));
	if (n < 0 || tx(w, T_COMMIT) != SQL_OK) {
		if (n < 0)
			log_warnx("retention: %s", err);
		tx(w, T_ROLLBACK);
		return 0;
	}
	if (n > 0)
		log_debug("retention: deleted %ld rows", n);
	return n > 0;
}

/*
 * probe_server - PostgreSQL: an idle writer whose last begin or commit
 * failed tries its connection (reconnecting, with the back-off), so that
 * /healthz is right again once the server is back, before the next
 * report arrives.  (SQLite's /healthz probes the disk itself.)
 */
static void
probe_server(struct writer *w)
{
	char err[256];

	if (sql_healthy(w->db, err, sizeof(err)) == SQL_OK)
		atomic_store(&w->failing, 0);
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	int retention_pending = 0;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct ingest_job *jobs, *last;
		size_t n = 0;
		long long now = (long long)time(NULL);

		if (!retention_pending && now >= w->next_retention) {
			retention_pending = 1;
			w->next_retention = now + RETENTION_EVERY_S;
		}
		if (now - now % 60 != w->sampled_minute) {
			pthread_mutex_unlock(&w->mu);
			fleet_step(w);
			pthread_mutex_lock(&w->mu);
		}
		if (w->head == NULL) {
			struct timespec ts;
			if (w->stopping && w->reserved == 0)
				break;
			if (retention_pending) {
				pthread_mutex_unlock(&w->mu);
				retention_pending = retention_step(w);
				pthread_mutex_lock(&w->mu);
				continue;
			}
			if (atomic_load(&w->failing) &&
			    sql_backend(w->db) == SQL_PG) {
				pthread_mutex_unlock(&w->mu);
				probe_server(w);
				pthread_mutex_lock(&w->mu);
			}
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += WRITER_IDLE_WAIT_S;
			pthread_cond_timedwait(&w->cv, &w->mu, &ts);
			continue;
		}
		jobs = last = w->head;
		for (n = 1; n < (size_t)w->p.batch_max && last->next; n++)
			last = last->next;
		w->head = last->next;
		if (w->head == NULL)
			w->tail = NULL;
		last->next = NULL;
		w->depth -= (long)n;
		metrics_queue_depth(w->depth);
		pthread_mutex_unlock(&w->mu);
		run_batch(w, jobs, n);
		if (retention_pending)
			retention_pending = retention_step(w);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* start_checkpointer - SQLite: the writer's commits leave the log to
 * the checkpointer, and a log restarted past wal_max is cut back to it. */
static int
start_checkpointer(struct writer *w, char *err, size_t errlen)
{
	char sql[128];

	snprintf(sql, sizeof(sql),
	         "PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=%lld;",
	         w->p.wal_max);
	if (sql_exec(w->db, sql, err, errlen) != SQL_OK)
		return -1;
	w->ckpt = checkpoint_start(w->p.db_path, w->p.synchronous,
	                           w->p.wal_max, err, errlen);
	return w->ckpt ? 0 : -1;
}

struct writer *
writer_start(const struct writer_params *p, char *err, size_t errlen)
{
	struct writer *w = xcalloc(1, sizeof(*w));

	w->p = *p;
	w->db_path = xstrdup(p->db_path);
	w->p.db_path = w->db_path;
	w->keys = xcalloc((size_t)p->batch_max, sizeof(*w->keys));
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->db =
	    db_open(p->db_path, 1, p->synchronous, p->cache_size, err, errlen);
	if (w->db == NULL)
		goto fail;
	if ((w->store = store_new(w->db, err, errlen)) == NULL ||
	    (w->fleet = fleet_history_new(w->db, err, errlen)) == NULL)
		goto fail;
	for (int i = 0; i < T_N; i++)
		if ((w->tx[i] = db_prepare(w->db, tx_sql[i], err, errlen)) ==
		    NULL)
			goto fail;
	if (sql_backend(w->db) == SQL_SQLITE && start_checkpointer(w, err, errlen) == -1)
		goto fail;
	w->next_retention = (long long)time(NULL) + RETENTION_FIRST_S;
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		snprintf(err, errlen, "cannot start the writer thread");
		goto fail;
	}
	return w;
fail:
	checkpoint_stop(w->ckpt);
	for (int i = 0; i < T_N; i++)
		sql_finalize(w->tx[i]);
	fleet_history_free(w->fleet);
	store_free(w->store);
	sql_close(w->db);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->db_path);
	free(w->keys);
	free(w);
	return NULL;
}

int
writer_reserve(struct writer *w)
{
	pthread_mutex_lock(&w->mu);
	if (w->stopping || w->depth + w->reserved >= w->p.queue_max) {
		pthread_mutex_unlock(&w->mu);
		return -1;
	}
	w->reserved++;
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int
writer_failing(struct writer *w)
{
	return atomic_load(&w->failing);
}

void
writer_submit(struct writer *w, struct ingest_job *job)
{
	pthread_mutex_lock(&w->mu);
	w->reserved--;
	job->next = NULL;
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	w->depth++;
	metrics_queue_depth(w->depth);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

long
writer_depth(struct writer *w)
{
	long d;

	pthread_mutex_lock(&w->mu);
	d = w->depth;
	pthread_mutex_unlock(&w->mu);
	return d;
}

void
writer_stop(struct writer *w)
{
	if (w == NULL || w->stopped)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	w->stopped = 1;
}

void
writer_free(struct writer *w)
{
	if (w == NULL)
		return;
	writer_stop(w);
	checkpoint_stop(w->ckpt);
	for (int i = 0; i < T_N; i++)
		sql_finalize(w->tx[i]);
	fleet_history_free(w->fleet);
	store_free(w->store);
	if (sql_backend(w->db) == SQL_SQLITE)
		sql_exec(w->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, 0);
	sql_close(w->db);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->db_path);
	free(w->keys);
	free(w);
}
