/*
 * summary.c - GET /api/v1/summary: the fleet at a glance in one call.
 *
 * Every part is an index lookup or a scan of a small aggregate kept at
 * ingest by triggers (finding_counts, sig_fleet, cron_fleet, fleet),
 * never a scan of events, findings or hosts, so the answer stays fast on
 * a database of 100,000 hosts and millions of events.
 */
#include <stdio.h>
#include <string.h>

#include "collector/api.h"
#include "collector/db.h"
#include "common/jsonutil.h"

#define TOP_N 10

struct sctx {
	struct api_req *rq;
	char err[256];
	int failed;
};

static sqlite3_stmt *
prep(struct sctx *c, const char *sql)
{
	sqlite3_stmt *st;

	if (c->failed)
		return NULL;
	if ((st = db_prepare(c->rq->db, sql, c->err, sizeof(c->err))) == NULL)
		c->failed = 1;
	return st;
}

static void
finish(struct sctx *c, sqlite3_stmt *st, int rc)
{
	if (rc != SQLITE_DONE && rc != SQLITE_ROW && !c->failed) {
		snprintf(c->err, sizeof(c->err), "sqlite: %s",
		         sqlite3_errmsg(c->rq->db));
		c->failed = 1;
	}
	sqlite3_finalize(st);
}

static json_t *
hosts_part(struct sctx *c)
{
	long long cutoff = c->rq->now - c->rq->stale_after;
	sqlite3_stmt *st =
	    prep(c, "SELECT (SELECT count(*) FROM hosts), "
	            "(SELECT count(*) FROM hosts WHERE last_seen < ?1)");
	json_int_t total = 0, stale = 0;
	json_t *o, *silent = json_array();
	int rc;

	if (st == NULL)
		return silent;
	sqlite3_bind_int64(st, 1, cutoff);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		total = sqlite3_column_int64(st, 0);
		stale = sqlite3_column_int64(st, 1);
	}
	finish(c, st, rc);
	o = json_pack("{s:I,s:I,s:I,s:o}", "total", total, "reporting",
	              total - stale, "stale", stale, "silent", silent);
	/* the hosts that went silent most recently first */
	if ((st = prep(c, "SELECT name, last_seen FROM hosts WHERE "
	                  "last_seen < ?1 ORDER BY last_seen DESC LIMIT ?2")) ==
	    NULL)
		return o;
	sqlite3_bind_int64(st, 1, cutoff);
	sqlite3_bind_int(st, 2, TOP_N);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
		    silent, json_pack("{s:o,s:o}", "host", db_col_str(st, 0),
		                      "last_seen", db_col_time(st, 1)));
	finish(c, st, rc);
	return o;
}

static json_t *
findings_part(struct sctx *c)
{
	sqlite3_stmt *st =
	    prep(c, "SELECT code, severity, hosts FROM "
	            "finding_counts WHERE hosts > 0 ORDER BY hosts DESC, code, "
	            "severity");
	json_t *a = json_array();
	int rc;

	if (st == NULL)
		return a;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
		    a, json_pack("{s:o,s:o,s:I}", "code", db_col_str(st, 0),
		                 "severity", db_col_str(st, 1), "hosts",
		                 (json_int_t)sqlite3_column_int64(st, 2)));
	finish(c, st, rc);
	return a;
}

static json_t *
syserr_part(struct sctx *c)
{
	sqlite3_stmt *st =
	    prep(c, "SELECT signature, hosts, count, last_ts "
	            "FROM sig_fleet WHERE kind = 'syserr' ORDER BY hosts DESC, "
	            "count DESC LIMIT ?1");
	json_t *a = json_array();
	int rc;

	if (st == NULL)
		return a;
	sqlite3_bind_int(st, 1, TOP_N);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
		    a, json_pack(
		           "{s:o,s:I,s:I,s:o}", "signature", db_col_str(st, 0),
		           "hosts", (json_int_t)sqlite3_column_int64(st, 1),
		           "count", (json_int_t)sqlite3_column_int64(st, 2),
		           "last_ts",
		           sqlite3_column_int64(st, 3) > 0 ? db_col_time(st, 3)
		                                           : json_null()));
	finish(c, st, rc);
	return a;
}

static json_t *
inodes_part(struct sctx *c)
{
	sqlite3_stmt *st =
	    prep(c, "SELECT h.name, f.mount, "
	            "f.inodes_used_pct FROM filesystems f JOIN hosts h ON "
	            "h.id = f.host_id WHERE f.inodes_used_pct IS NOT NULL "
	            "ORDER BY f.inodes_used_pct DESC LIMIT ?1");
	json_t *a = json_array();
	int rc;

	if (st == NULL)
		return a;
	sqlite3_bind_int(st, 1, TOP_N);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
		    a, json_pack("{s:o,s:o,s:f}", "host", db_col_str(st, 0),
		                 "mount", db_col_str(st, 1), "inodes_used_pct",
		                 sqlite3_column_double(st, 2)));
	finish(c, st, rc);
	return a;
}

static json_t *
mail_part(struct sctx *c)
{
	sqlite3_stmt *st = prep(c, "SELECT queued, unread, hosts_with_queued "
	                           "FROM fleet WHERE id = 1");
	json_t *o, *top = json_array();
	int rc;

	o = json_pack("{s:I,s:I,s:I,s:o}", "queued_total", (json_int_t)0,
	              "unread_total", (json_int_t)0, "hosts_with_queued",
	              (json_int_t)0, "top_cron_commands", top);
	if (st == NULL)
		return o;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_object_set_new(o, "queued_total",
		                    json_integer(sqlite3_column_int64(st, 0)));
		json_object_set_new(o, "unread_total",
		                    json_integer(sqlite3_column_int64(st, 1)));
		json_object_set_new(o, "hosts_with_queued",
		                    json_integer(sqlite3_column_int64(st, 2)));
	}
	finish(c, st, rc);
	if ((st = prep(c,
	               "SELECT command, hosts, unread + queued FROM "
	               "cron_fleet ORDER BY unread + queued DESC LIMIT ?1")) ==
	    NULL)
		return o;
	sqlite3_bind_int(st, 1, TOP_N);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
		    top,
		    json_pack("{s:o,s:I,s:I}", "command", db_col_str(st, 0),
		              "hosts", (json_int_t)sqlite3_column_int64(st, 1),
		              "messages",
		              (json_int_t)sqlite3_column_int64(st, 2)));
	finish(c, st, rc);
	return o;
}

static json_t *
mta_part(struct sctx *c)
{
	sqlite3_stmt *st = prep(c, "SELECT count(*) FROM hosts WHERE "
	                           "mta_down = 1");
	json_t *ex = json_array();
	json_int_t n = 0;
	int rc;

	if (st == NULL)
		return json_pack("{s:I,s:o}", "hosts", n, "examples", ex);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	finish(c, st, rc);
	if ((st = prep(c, "SELECT name FROM hosts WHERE mta_down = 1 "
	                  "ORDER BY last_seen DESC LIMIT ?1")) != NULL) {
		sqlite3_bind_int(st, 1, TOP_N);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			json_array_append_new(ex, db_col_str(st, 0));
		finish(c, st, rc);
	}
	return json_pack("{s:I,s:o}", "hosts", n, "examples", ex);
}

void
api_summary(struct api_req *rq, struct api_answer *ans)
{
	struct sctx c = {rq, "", 0};
	json_t *o;

	/* one read transaction: every part sees the same snapshot */
	sqlite3_exec(rq->db, "BEGIN", NULL, NULL, NULL);
	o = json_object();
	json_object_set_new(o, "hosts", hosts_part(&c));
	json_object_set_new(o, "findings", findings_part(&c));
	json_object_set_new(o, "syserr_top", syserr_part(&c));
	json_object_set_new(o, "inodes_top", inodes_part(&c));
	json_object_set_new(o, "mail", mail_part(&c));
	json_object_set_new(o, "mta_down", mta_part(&c));
	json_object_set_new(o, "stale_after_s", json_integer(rq->stale_after));
	json_object_set_new(o, "generated_at", jsonutil_ts(rq->now));
	sqlite3_exec(rq->db, "COMMIT", NULL, NULL, NULL);
	if (c.failed) {
		json_decref(o);
		api_error(ans, 503, "database_unavailable", "%s", c.err);
		return;
	}
	ans->status = 200;
	ans->body = o;
}
