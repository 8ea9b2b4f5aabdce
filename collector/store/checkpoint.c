/*
 * checkpoint.c - the WAL checkpointer (see checkpoint.h).
 *
 * SQLite's default is an automatic checkpoint inside the COMMIT that
 * takes the log past 1000 pages: that commit copies every page of the
 * log into the database file and fsyncs it before its reports are
 * answered, and the whole queue waits behind it.  Here the writer only
 * appends to the log; after its commits this thread (own connection)
 * runs a PASSIVE checkpoint, which copies what no reader still needs
 * without taking any lock the writer waits for.  When the writer's next
 * transaction finds the log wholly copied, SQLite starts the log again
 * from its beginning.  Under a steady load a PASSIVE checkpoint rarely
 * catches up with the writer, so the log would grow without end; once
 * its file is larger than wal_max bytes, the writer itself runs one RESTART
 * checkpoint between two batches (checkpoint_restart: from this thread
 * it would wait for the write lock, which the busy writer takes again
 * at once after each commit, for ever), which copies the few frames the
 * last PASSIVE one left, syncs, and makes the next commit start the log
 * anew; the writer's journal_size_limit cuts the file back to wal_max.
 * It is not tried while the checkpointer's PASSIVE one runs (SQLite
 * would refuse it at once), but after the next batch.
 * The RESTART waits for readers of older snapshots only briefly; while
 * a long read holds one, the log stays longer and the RESTART is tried
 * again a second later, not at every batch.  A
 * checkpoint never changes what a commit made durable: the log's frames
 * stay valid until the database file holding them is synced.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "collector/limits.h"
#include "collector/store/checkpoint.h"
#include "collector/store/db.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

struct checkpointer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_mutex_t ck_mu; /* held while a checkpoint runs */
	int kicked;   /* a commit since the last checkpoint (under mu) */
	int stopping; /* under mu */
	sql_db *db;
	sql_stmt *passive;
	char *wal_path;   /* the log's file */
	long long wal_max; /* its bound, bytes */
	int64_t restart_after; /* writer's thread: no RESTART before (ms) */
};

/* checkpoint_once - one PASSIVE checkpoint. */
static void
checkpoint_once(struct checkpointer *c)
{
	pthread_mutex_lock(&c->ck_mu);
	if (sql_step(c->passive) != SQL_ROW)
		log_warnx("checkpoint: %s", sql_errmsg(c->db));
	sql_reset(c->passive);
	pthread_mutex_unlock(&c->ck_mu);
}

/* restart - a RESTART checkpoint on the writer's connection, waiting at
 * most CHECKPOINT_RESTART_WAIT_MS for readers of older snapshots: 1 if
 * the log was restarted, 0 if a reader still needs it, -1 on error. */
static int
restart(sql_db *writer)
{
	char sql[64];
	sql_stmt *st = NULL;
	int rc, busy = -1;

	snprintf(sql, sizeof(sql), "PRAGMA busy_timeout=%d",
	         CHECKPOINT_RESTART_WAIT_MS);
	if (sql_exec(writer, sql, NULL, 0) != SQL_OK)
		return -1;
	rc = sql_prepare(writer, "PRAGMA wal_checkpoint(RESTART)", 0, &st);
	if (rc == SQL_OK && sql_step(st) == SQL_ROW)
		busy = sql_column_int(st, 0);
	sql_finalize(st);
	snprintf(sql, sizeof(sql), "PRAGMA busy_timeout=%d",
	         DB_BUSY_TIMEOUT_MS);
	if (sql_exec(writer, sql, NULL, 0) != SQL_OK)
		return -1;
	return busy == -1 ? -1 : !busy;
}

void
checkpoint_restart(struct checkpointer *c, sql_db *writer)
{
	struct stat st;
	int64_t now = time_mono_ms();
	int r;

	if (now < c->restart_after || stat(c->wal_path, &st) == -1 ||
	    st.st_size <= c->wal_max)
		return;
	/* SQLite refuses a second checkpoint while one runs (busy, at
	 * once): with the checkpointer's in progress, the next batch tries */
	if (pthread_mutex_trylock(&c->ck_mu) != 0)
		return;
	r = restart(writer);
	pthread_mutex_unlock(&c->ck_mu);
	if (r == 1) {
		log_debug("checkpoint: the log restarts");
		return;
	}
	/* a long read holds an old snapshot (or an error): the log stays
	 * longer than wal_max for now; the writer does not wait again at
	 * every batch */
	c->restart_after = now + CHECKPOINT_RESTART_RETRY_MS;
	if (r == -1)
		log_warnx("checkpoint (restart): %s", sql_errmsg(writer));
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) == -1)
		;
}

static void *
checkpoint_main(void *arg)
{
	struct checkpointer *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->kicked && !c->stopping)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stopping)
			break;
		pthread_mutex_unlock(&c->mu);
		/* let a few commits gather: fewer, larger copies and syncs */
		sleep_ms(CHECKPOINT_DELAY_MS);
		pthread_mutex_lock(&c->mu);
		c->kicked = 0;
		pthread_mutex_unlock(&c->mu);
		checkpoint_once(c);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

static void
free_conn(struct checkpointer *c)
{
	sql_finalize(c->passive);
	sql_close(c->db);
	free(c->wal_path);
}

struct checkpointer *
checkpoint_start(const char *path, const char *synchronous,
                 long long wal_max, char *err, size_t errlen)
{
	struct checkpointer *c = xcalloc(1, sizeof(*c));
	size_t n = strlen(path);
	char sql[64];

	c->wal_path = xmalloc(n + sizeof("-wal"));
	memcpy(c->wal_path, path, n);
	memcpy(c->wal_path + n, "-wal", sizeof("-wal"));
	c->wal_max = wal_max;

	if ((c->db = db_open_rw(path, err, errlen)) == NULL)
		goto fail;
	/* the checkpoint syncs the database file before the log can be
	 * started again (NORMAL does so too; OFF would not) */
	snprintf(sql, sizeof(sql), "PRAGMA synchronous=%s",
	         strcmp(synchronous, "normal") == 0 ? "NORMAL" : "FULL");
	if (sql_exec(c->db, sql, err, errlen) != SQL_OK)
		goto fail;
	if ((c->passive = db_prepare(c->db, "PRAGMA wal_checkpoint(PASSIVE)",
	                             err, errlen)) == NULL)
		goto fail;
	pthread_mutex_init(&c->mu, NULL);
	pthread_mutex_init(&c->ck_mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (pthread_create(&c->thread, NULL, checkpoint_main, c) != 0) {
		snprintf(err, errlen, "cannot start the checkpoint thread");
		pthread_mutex_destroy(&c->mu);
		pthread_mutex_destroy(&c->ck_mu);
		pthread_cond_destroy(&c->cv);
		goto fail;
	}
	return c;
fail:
	free_conn(c);
	free(c);
	return NULL;
}

void
checkpoint_kick(struct checkpointer *c)
{
	pthread_mutex_lock(&c->mu);
	if (!c->kicked) {
		c->kicked = 1;
		pthread_cond_signal(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
}

void
checkpoint_stop(struct checkpointer *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->stopping = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	free_conn(c);
	pthread_mutex_destroy(&c->mu);
	pthread_mutex_destroy(&c->ck_mu);
	pthread_cond_destroy(&c->cv);
	free(c);
}
