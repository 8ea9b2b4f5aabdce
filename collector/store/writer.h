/*
 * writer.h - the single writer thread: a bounded queue of validated
 * reports, committed many per transaction (group commit); each job is
 * completed (callback) only after its transaction committed.  Retention
 * runs in the same thread, in small batches between ingest batches.
 */
#ifndef SPOOLWATCH_WRITER_H
#define SPOOLWATCH_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "collector/store/store.h"

struct ingest_job {
	json_t *report;          /* owned by the job's creator */
	struct report_prep prep; /* likewise (store_prepare) */
	long long received;      /* epoch seconds */
	/* results, valid when complete() is called */
	int status; /* 200, 503 (retryable) or 500 */
	int duplicate;
	char err[256];
	/* completion: called from the writer thread */
	void (*complete)(struct ingest_job *job);
	void *arg;
	struct ingest_job *next;
};

struct writer_params {
	const char *db_path;
	const char *synchronous;
	long long cache_size;
	long queue_max;
	long batch_max;
	long long retention_days;
	long long wal_max; /* SQLite: the log's bound, bytes (checkpoint.h) */
};

struct writer;

/* writer_start - open the database (schema included) and start the
 * thread.  NULL and a reason on error. */
struct writer *writer_start(const struct writer_params *p, char *err,
                            size_t errlen);
/* writer_reserve - take a place in the queue; -1 when it is full or the
 * writer is stopping (the caller answers 503).  writer_submit - queue job
 * in the reserved place; complete() is then called exactly once. */
int writer_reserve(struct writer *w);
void writer_submit(struct writer *w, struct ingest_job *job);
/* writer_failing - 1 while the last commit failed (disk full ...). */
int writer_failing(struct writer *w);
/* writer_last_error - why the last failed begin or commit failed, in
 * buf (returned). */
const char *writer_last_error(struct writer *w, char *buf, size_t len);
/* writer_depth - jobs queued now. */
long writer_depth(struct writer *w);
/* writer_stop - finish the queued jobs and stop the thread; further
 * reservations fail.  writer_free - then free it. */
void writer_stop(struct writer *w);
void writer_free(struct writer *w);

#endif
