/*
 * metrics.h - the collector's own counters (lock-free atomics) and the
 * Prometheus text exposition of them and of the fleet (GET /metrics).
 */
#ifndef SPOOLWATCH_METRICS_H
#define SPOOLWATCH_METRICS_H

#include <stddef.h>

#include "collector/store/sql.h"

#include "common/strbuf.h"

enum reject_reason {
	REJ_MALFORMED,    /* not JSON, not an object */
	REJ_INVALID,      /* a field fails validation */
	REJ_GZIP,         /* bad or truncated gzip */
	REJ_TOO_LARGE,    /* body or decoded body over the limit */
	REJ_UNAUTHORIZED, /* missing or wrong token */
	REJ_OVERLOADED,   /* writer queue full */
	REJ_STORAGE,      /* disk full, I/O error */
	REJ_INTERNAL,
	REJ_TIMEOUT, /* body not received in time */
	REJ_COUNT
};

void metrics_reject(enum reject_reason r);
void metrics_ingested(int duplicate, double seconds);
void metrics_batch(size_t reports, double seconds);
void metrics_queue_depth(long depth);
void metrics_request(int status);

/*
 * metrics_render - the exposition text into out: the collector's figures,
 * then the fleet's read through db (stale_after in seconds, db_path for
 * the file size).  -1 with err if the database cannot be read.
 */
int metrics_render(struct strbuf *out, sql_db *db, long long now,
                   long long stale_after, const char *db_path, char *err,
                   size_t errlen);

#endif
