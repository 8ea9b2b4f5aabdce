/*
 * metrics.c - counters and the Prometheus exposition (text format 0.0.4).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "collector/notify/notify_metrics.h"
#include "collector/store/db.h"
#include "collector/api/metrics.h"

static const char *const reject_names[REJ_COUNT] = {
    [REJ_MALFORMED] = "malformed",
    [REJ_INVALID] = "invalid",
    [REJ_GZIP] = "bad_gzip",
    [REJ_TOO_LARGE] = "too_large",
    [REJ_UNAUTHORIZED] = "unauthorized",
    [REJ_OVERLOADED] = "overloaded",
    [REJ_STORAGE] = "storage",
    [REJ_INTERNAL] = "internal",
    [REJ_TIMEOUT] = "timeout",
};

static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,   0.25,   0.5,   1,    2.5,   5};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

static atomic_ullong ingested, duplicates, rejects[REJ_COUNT];
static atomic_ullong lat_bucket[NBUCKETS + 1], lat_count, lat_sum_us;
static atomic_ullong batches, batch_reports, batch_sum_us;
static atomic_long queue_depth;
static atomic_ullong requests[6]; /* by status class 1xx..5xx */

void
metrics_reject(enum reject_reason r)
{
	if (r < REJ_COUNT)
		atomic_fetch_add(&rejects[r], 1);
}

void
metrics_ingested(int duplicate, double s)
{
	size_t b;

	atomic_fetch_add(duplicate ? &duplicates : &ingested, 1);
	for (b = 0; b < NBUCKETS && s > buckets[b]; b++)
		;
	atomic_fetch_add(&lat_bucket[b], 1);
	atomic_fetch_add(&lat_count, 1);
	atomic_fetch_add(&lat_sum_us, (unsigned long long)(s * 1e6));
}

void
metrics_batch(size_t n, double s)
{
	atomic_fetch_add(&batches, 1);
	atomic_fetch_add(&batch_reports, n);
	atomic_fetch_add(&batch_sum_us, (unsigned long long)(s * 1e6));
}

void
metrics_queue_depth(long d)
{
	atomic_store(&queue_depth, d);
}

void
metrics_request(int status)
{
	int c = status / 100;
	if (c >= 1 && c <= 5)
		atomic_fetch_add(&requests[c], 1);
}

static int
one(sql_db *db, const char *sql, long long arg, long long *out, char *err,
    size_t errlen)
{
	sql_stmt *st = db_prepare(db, sql, err, errlen);
	int rc;

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, arg);
	rc = sql_step(st);
	*out = rc == SQL_ROW ? sql_column_int64(st, 0) : 0;
	sql_finalize(st);
	if (rc != SQL_ROW && rc != SQL_DONE) {
		snprintf(err, errlen, "database: %s", sql_errmsg(db));
		return -1;
	}
	return 0;
}

/* label - a Prometheus label value with \, " and newline escaped. */
static void
label(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			strbuf_appendc(out, '\\');
		if (*s == '\n') {
			strbuf_appends(out, "\\n");
			continue;
		}
		strbuf_appendc(out, *s);
	}
}

static int
fleet(struct strbuf *out, sql_db *db, long long now, long long stale_after,
      char *err, size_t errlen)
{
	long long v;
	sql_stmt *st;
	int rc;

	/* PostgreSQL keeps the count (fleet's hosts, as the summary) */
	if (one(db,
	        sql_pick(db, "SELECT count(*) FROM hosts",
	                 "SELECT hosts FROM fleet WHERE id = 1"),
	        0, &v, err, errlen) == -1)
		return -1;
	strbuf_printf(
	    out,
	    "# HELP spoolwatch_hosts Hosts that ever "
	    "reported.\n# TYPE spoolwatch_hosts gauge\nspoolwatch_hosts %lld\n",
	    v);
	if (one(db, "SELECT count(*) FROM hosts WHERE last_seen < ?1",
	        now - stale_after, &v, err, errlen) == -1)
		return -1;
	strbuf_printf(out,
	              "# HELP spoolwatch_hosts_stale Hosts silent longer "
	              "than stale_after.\n# TYPE spoolwatch_hosts_stale gauge\n"
	              "spoolwatch_hosts_stale %lld\n",
	              v);
	if (one(db, "SELECT count(*) FROM hosts WHERE mta_down = 1", 0, &v, err,
	        errlen) == -1)
		return -1;
	strbuf_printf(out,
	              "# HELP spoolwatch_hosts_mta_down Hosts whose MTA "
	              "is down.\n# TYPE spoolwatch_hosts_mta_down gauge\n"
	              "spoolwatch_hosts_mta_down %lld\n",
	              v);
	if (one(db, "SELECT queued FROM fleet WHERE id = 1", 0, &v, err,
	        errlen) == -1)
		return -1;
	strbuf_printf(out,
	              "# HELP spoolwatch_mail_queued Messages queued "
	              "across the fleet.\n# TYPE spoolwatch_mail_queued gauge\n"
	              "spoolwatch_mail_queued %lld\n",
	              v);
	if (one(db, "SELECT unread FROM fleet WHERE id = 1", 0, &v, err,
	        errlen) == -1)
		return -1;
	strbuf_printf(out,
	              "# HELP spoolwatch_mail_unread Unread messages in "
	              "watched mailboxes across the fleet.\n"
	              "# TYPE spoolwatch_mail_unread gauge\n"
	              "spoolwatch_mail_unread %lld\n",
	              v);

	st = db_prepare(db,
	                "SELECT code, severity, hosts FROM finding_counts "
	                "WHERE hosts > 0 ORDER BY code, severity",
	                err, errlen);
	if (st == NULL)
		return -1;
	strbuf_appends(out, "# HELP spoolwatch_findings_open Hosts with an "
	                    "open finding, by code and severity.\n"
	                    "# TYPE spoolwatch_findings_open gauge\n");
	while ((rc = sql_step(st)) == SQL_ROW) {
		strbuf_appends(out, "spoolwatch_findings_open{code=\"");
		label(out, (const char *)sql_column_text(st, 0));
		strbuf_appends(out, "\",severity=\"");
		label(out, (const char *)sql_column_text(st, 1));
		strbuf_printf(out, "\"} %lld\n",
		              (long long)sql_column_int64(st, 2));
	}
	sql_finalize(st);
	if (rc != SQL_DONE) {
		snprintf(err, errlen, "database: %s", sql_errmsg(db));
		return -1;
	}
	return 0;
}

/* incidents - the open causes (incident_counts, README "Incidents") by
 * severity, and the hosts with any: one read of incident_counts (on
 * PostgreSQL a view that counts the open findings, so reading it once
 * per figure counted them four times). */
static int
incidents(struct strbuf *out, sql_db *db, char *err, size_t errlen)
{
	static const char *const sevs[] = {"critical", "warning", "info"};
	long long causes[3] = {0, 0, 0}, hosts = 0;
	sql_stmt *st = db_prepare(
	    db, "SELECT severity, causes, hosts FROM incident_counts", err,
	    errlen);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sql_step(st)) == SQL_ROW) {
		const char *sev = (const char *)sql_column_text(st, 0);
		if (sev == NULL)
			continue;
		if (*sev == '\0')
			hosts = sql_column_int64(st, 2);
		for (size_t i = 0; i < sizeof(sevs) / sizeof(sevs[0]); i++)
			if (strcmp(sev, sevs[i]) == 0)
				causes[i] = sql_column_int64(st, 1);
	}
	sql_finalize(st);
	if (rc != SQL_DONE) {
		snprintf(err, errlen, "database: %s", sql_errmsg(db));
		return -1;
	}
	strbuf_printf(out,
	              "# HELP spoolwatch_hosts_with_incidents Hosts with an "
	              "open incident.\n"
	              "# TYPE spoolwatch_hosts_with_incidents gauge\n"
	              "spoolwatch_hosts_with_incidents %lld\n"
	              "# HELP spoolwatch_incidents_open Open causes (findings "
	              "not folded under an open cause), by severity.\n"
	              "# TYPE spoolwatch_incidents_open gauge\n",
	              hosts);
	for (size_t i = 0; i < sizeof(sevs) / sizeof(sevs[0]); i++)
		strbuf_printf(out,
		              "spoolwatch_incidents_open{severity=\"%s\"} "
		              "%lld\n",
		              sevs[i], causes[i]);
	return 0;
}

/* render_latency - the ingest duration histogram. */
static void
render_latency(struct strbuf *out)
{
	unsigned long long cum = 0;

	strbuf_appends(out,
	               "# HELP spoolwatch_ingest_duration_seconds From the "
	               "last body byte to the answer, stored reports.\n"
	               "# TYPE spoolwatch_ingest_duration_seconds histogram\n");
	for (size_t b = 0; b <= NBUCKETS; b++) {
		cum += atomic_load(&lat_bucket[b]);
		if (b < NBUCKETS)
			strbuf_printf(out,
			              "spoolwatch_ingest_duration_seconds_"
			              "bucket{le=\"%g\"} %llu\n",
			              buckets[b], cum);
		else
			strbuf_printf(out,
			              "spoolwatch_ingest_duration_seconds_"
			              "bucket{le=\"+Inf\"} %llu\n",
			              cum);
	}
	strbuf_printf(out,
	              "spoolwatch_ingest_duration_seconds_sum %.6f\n"
	              "spoolwatch_ingest_duration_seconds_count %llu\n",
	              (double)atomic_load(&lat_sum_us) / 1e6,
	              atomic_load(&lat_count));
}

/* render_db_bytes - the size of the database file and its WAL
 * (PostgreSQL: of the database, as the server counts it). */
static void
render_db_bytes(struct strbuf *out, sql_db *db, const char *db_path)
{
	long long size = 0;
	struct stat sb;
	char wal[4096];
	sql_stmt *st;

	if (sql_backend(db) == SQL_PG) {
		if (sql_prepare(db, "SELECT pg_database_size(current_database())",
		                0, &st) == SQL_OK &&
		    sql_step(st) == SQL_ROW)
			size = sql_column_int64(st, 0);
		sql_finalize(st);
	} else {
		if (stat(db_path, &sb) == 0)
			size += sb.st_size;
		snprintf(wal, sizeof(wal), "%s-wal", db_path);
		if (stat(wal, &sb) == 0)
			size += sb.st_size;
	}
	strbuf_printf(
	    out,
	    "# HELP spoolwatch_db_bytes Database and WAL file "
	    "size.\n# TYPE spoolwatch_db_bytes gauge\nspoolwatch_db_bytes "
	    "%lld\n",
	    size);
}

int
metrics_render(struct strbuf *out, sql_db *db, long long now,
               long long stale_after, const char *db_path, char *err,
               size_t errlen)
{
	strbuf_printf(
	    out,
	    "# HELP spoolwatch_reports_ingested_total Reports "
	    "stored.\n# TYPE spoolwatch_reports_ingested_total counter\n"
	    "spoolwatch_reports_ingested_total %llu\n",
	    atomic_load(&ingested));
	strbuf_printf(out,
	              "# HELP spoolwatch_reports_duplicate_total Reports "
	              "answered as duplicates (report_id already stored).\n"
	              "# TYPE spoolwatch_reports_duplicate_total counter\n"
	              "spoolwatch_reports_duplicate_total %llu\n",
	              atomic_load(&duplicates));
	strbuf_appends(out,
	               "# HELP spoolwatch_reports_rejected_total Reports "
	               "refused, by reason.\n"
	               "# TYPE spoolwatch_reports_rejected_total counter\n");
	for (int r = 0; r < REJ_COUNT; r++)
		strbuf_printf(out,
		              "spoolwatch_reports_rejected_total{reason="
		              "\"%s\"} %llu\n",
		              reject_names[r], atomic_load(&rejects[r]));
	render_latency(out);
	strbuf_printf(
	    out,
	    "# HELP spoolwatch_write_batches_total Transactions "
	    "committed by the writer.\n"
	    "# TYPE spoolwatch_write_batches_total counter\n"
	    "spoolwatch_write_batches_total %llu\n"
	    "# HELP spoolwatch_write_batch_reports_total Reports in those "
	    "transactions.\n"
	    "# TYPE spoolwatch_write_batch_reports_total counter\n"
	    "spoolwatch_write_batch_reports_total %llu\n"
	    "# HELP spoolwatch_write_batch_seconds_total Time spent writing "
	    "and committing.\n"
	    "# TYPE spoolwatch_write_batch_seconds_total counter\n"
	    "spoolwatch_write_batch_seconds_total %.6f\n",
	    atomic_load(&batches), atomic_load(&batch_reports),
	    (double)atomic_load(&batch_sum_us) / 1e6);
	strbuf_printf(out,
	              "# HELP spoolwatch_ingest_queue_depth Reports "
	              "waiting for the writer.\n"
	              "# TYPE spoolwatch_ingest_queue_depth gauge\n"
	              "spoolwatch_ingest_queue_depth %ld\n",
	              atomic_load(&queue_depth));
	strbuf_appends(out, "# HELP spoolwatch_http_responses_total HTTP "
	                    "answers by status class.\n"
	                    "# TYPE spoolwatch_http_responses_total counter\n");
	for (int c = 1; c <= 5; c++)
		strbuf_printf(out,
		              "spoolwatch_http_responses_total{code="
		              "\"%dxx\"} %llu\n",
		              c, atomic_load(&requests[c]));
	render_db_bytes(out, db, db_path);
	if (notify_metrics_render(out, db, now, err, errlen) == -1)
		return -1;
	if (fleet(out, db, now, stale_after, err, errlen) == -1)
		return -1;
	return incidents(out, db, err, errlen);
}
