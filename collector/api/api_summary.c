/*
 * api_summary.c - GET /api/v1/summary: the fleet at a glance in one call.
 *
 * Every part is an index lookup or a scan of a small aggregate kept at
 * ingest by triggers (finding_counts, incident_counts, sig_fleet,
 * cron_fleet, fleet), never a scan of events, findings or hosts, so the
 * answer stays fast on a database of 100,000 hosts and millions of
 * events.  label= and group_by=label:KEY are api_summary_labels.c's.
 */
#include <stdio.h>

#include "collector/api/api.h"
#include "collector/api/api_summary.h"
#include "collector/store/db.h"
#include "common/jsonutil.h"

struct sctx {
	struct api_req *rq;
	char err[256];
	int failed;
};

static sql_stmt *
prep(struct sctx *c, const char *sql)
{
	sql_stmt *st;

	if (c->failed)
		return NULL;
	if ((st = db_prepare(c->rq->db, sql, c->err, sizeof(c->err))) == NULL)
		c->failed = 1;
	return st;
}

static void
finish(struct sctx *c, sql_stmt *st, int rc)
{
	if (rc != SQL_DONE && rc != SQL_ROW && !c->failed) {
		snprintf(c->err, sizeof(c->err), "database: %s",
		         sql_errmsg(c->rq->db));
		c->failed = 1;
	}
	sql_finalize(st);
}

/* one_row - the first row of sql (:cutoff bound) as integers into v[n];
 * zeros when there is none. */
static void
one_row(struct sctx *c, const char *sql, long long *v, int n)
{
	sql_stmt *st = prep(c, sql);
	int i, rc;

	for (i = 0; i < n; i++)
		v[i] = 0;
	if (st == NULL)
		return;
	if ((i = sql_bind_parameter_index(st, ":cutoff")) > 0)
		sql_bind_int64(st, i, c->rq->now - c->rq->stale_after);
	if ((rc = sql_step(st)) == SQL_ROW)
		for (i = 0; i < n; i++)
			v[i] = sql_column_int64(st, i);
	finish(c, st, rc);
}

/* top_list - row() of every row of sql (:top is API_TOP_N, :cutoff the
 * stale cutoff) as an array. */
static json_t *
top_list(struct sctx *c, const char *sql, json_t *(*row)(sql_stmt *st))
{
	sql_stmt *st = prep(c, sql);
	json_t *a = json_array();
	int i, rc;

	if (st == NULL)
		return a;
	if ((i = sql_bind_parameter_index(st, ":top")) > 0)
		sql_bind_int(st, i, API_TOP_N);
	if ((i = sql_bind_parameter_index(st, ":cutoff")) > 0)
		sql_bind_int64(st, i, c->rq->now - c->rq->stale_after);
	while ((rc = sql_step(st)) == SQL_ROW)
		json_array_append_new(a, row(st));
	finish(c, st, rc);
	return a;
}

json_t *
silent_row(sql_stmt *st)
{
	return json_pack("{s:o,s:o}", "host", db_col_str(st, 0), "last_seen",
	                 db_col_time(st, 1));
}

static json_t *
hosts_part(struct sctx *c)
{
	long long n[2];

	/* PostgreSQL keeps the count (fleet's hosts): its count(*)
	 * reads every host */
	one_row(c,
	        sql_pick(c->rq->db,
	                 "SELECT (SELECT count(*) FROM hosts), "
	                 "(SELECT count(*) FROM hosts WHERE last_seen < "
	                 ":cutoff)",
	                 "SELECT (SELECT hosts FROM fleet WHERE id = 1), "
	                 "(SELECT count(*) FROM hosts WHERE last_seen < "
	                 ":cutoff)"),
	        n, 2);
	/* the hosts that went silent most recently first */
	return json_pack(
	    "{s:I,s:I,s:I,s:o}", "total", (json_int_t)n[0], "reporting",
	    (json_int_t)(n[0] - n[1]), "stale", (json_int_t)n[1], "silent",
	    top_list(c,
	             "SELECT name, last_seen FROM hosts WHERE last_seen < "
	             ":cutoff ORDER BY last_seen DESC, name LIMIT :top",
	             silent_row));
}

json_t *
finding_row(sql_stmt *st)
{
	return json_pack("{s:o,s:o,s:I,s:I}", "code", db_col_str(st, 0),
	                 "severity", db_col_str(st, 1), "hosts",
	                 (json_int_t)sql_column_int64(st, 2), "symptoms",
	                 (json_int_t)sql_column_int64(st, 3));
}

json_t *
incidents_rows(sql_stmt *st, int *rc)
{
	static const char *const sevs[] = {"critical", "warning", "info"};
	json_t *by = json_object();
	long long all[2] = {0, 0};

	for (size_t i = 0; i < sizeof(sevs) / sizeof(sevs[0]); i++)
		json_object_set_new(by, sevs[i],
		                    json_pack("{s:I,s:I}", "open",
		                              (json_int_t)0, "hosts",
		                              (json_int_t)0));
	*rc = SQL_DONE;
	while (st && (*rc = sql_step(st)) == SQL_ROW) {
		const char *sev = (const char *)sql_column_text(st, 0);
		json_t *one = sev ? json_object_get(by, sev) : NULL;

		if (sev && sev[0] == '\0') {
			all[0] = sql_column_int64(st, 1);
			all[1] = sql_column_int64(st, 2);
		} else if (one) {
			json_object_set_new(
			    one, "open",
			    json_integer(sql_column_int64(st, 1)));
			json_object_set_new(
			    one, "hosts",
			    json_integer(sql_column_int64(st, 2)));
		}
	}
	return json_pack("{s:I,s:I,s:o}", "open", (json_int_t)all[0], "hosts",
	                 (json_int_t)all[1], "by_severity", by);
}

/* incidents_part - the open causes fleet-wide (incident_counts): how
 * many, on how many hosts, and both per severity. */
static json_t *
incidents_part(struct sctx *c)
{
	sql_stmt *st = prep(c, "SELECT severity, causes, hosts FROM "
	                           "incident_counts");
	int rc;
	json_t *o = incidents_rows(st, &rc);

	if (st)
		finish(c, st, rc);
	return o;
}

json_t *
syserr_row(sql_stmt *st)
{
	return json_pack(
	    "{s:o,s:I,s:I,s:o}", "signature", db_col_str(st, 0), "hosts",
	    (json_int_t)sql_column_int64(st, 1), "count",
	    (json_int_t)sql_column_int64(st, 2), "last_ts",
	    sql_column_int64(st, 3) > 0 ? db_col_time(st, 3) : json_null());
}

json_t *
inodes_row(sql_stmt *st)
{
	return json_pack("{s:o,s:o,s:f}", "host", db_col_str(st, 0), "mount",
	                 db_col_str(st, 1), "inodes_used_pct",
	                 sql_column_double(st, 2));
}

json_t *
cron_row(sql_stmt *st)
{
	return json_pack("{s:o,s:I,s:I}", "command", db_col_str(st, 0), "hosts",
	                 (json_int_t)sql_column_int64(st, 1), "messages",
	                 (json_int_t)sql_column_int64(st, 2));
}

static json_t *
mail_part(struct sctx *c)
{
	long long n[3];

	one_row(c,
	        "SELECT queued, unread, hosts_with_queued FROM fleet "
	        "WHERE id = 1",
	        n, 3);
	return json_pack(
	    "{s:I,s:I,s:I,s:o}", "queued_total", (json_int_t)n[0],
	    "unread_total", (json_int_t)n[1], "hosts_with_queued",
	    (json_int_t)n[2], "top_cron_commands",
	    top_list(c,
	             "SELECT command, hosts, inbox + queued FROM cron_fleet "
	             "ORDER BY inbox + queued DESC, command LIMIT :top",
	             cron_row));
}

json_t *
name_row(sql_stmt *st)
{
	return db_col_str(st, 0);
}

static json_t *
mta_part(struct sctx *c)
{
	long long n;

	one_row(c, "SELECT count(*) FROM hosts WHERE mta_down = 1", &n, 1);
	return json_pack("{s:I,s:o}", "hosts", (json_int_t)n, "examples",
	                 top_list(c,
	                          "SELECT name FROM hosts WHERE mta_down = 1 "
	                          "ORDER BY last_seen DESC, name LIMIT :top",
	                          name_row));
}

void
api_summary(struct api_req *rq, struct api_answer *ans)
{
	struct sctx c = {rq, "", 0};
	struct label_filter lf;
	char gkey[LABEL_KEY_MAX + 1];
	const char *group_by;
	json_t *o, *groups = NULL;

	if (label_args(rq, ans, &lf) == -1 ||
	    group_by_arg(rq, ans, gkey, &group_by) == -1)
		return;
	/* one read transaction: every part sees the same snapshot */
	sql_begin_read(rq->db);
	o = json_object();
	json_object_set_new(o, "hosts", hosts_part(&c));
	json_object_set_new(
	    o, "findings",
	    top_list(&c,
	             "SELECT code, severity, hosts, symptoms FROM "
	             "finding_counts WHERE hosts > 0 ORDER BY hosts DESC, "
	             "code, severity",
	             finding_row));
	json_object_set_new(o, "incidents", incidents_part(&c));
	json_object_set_new(
	    o, "syserr_top",
	    top_list(&c,
	             "SELECT signature, hosts, count, last_ts FROM sig_fleet "
	             "WHERE kind = 'syserr' ORDER BY hosts DESC, count DESC, "
	             "signature "
	             "LIMIT :top",
	             syserr_row));
	json_object_set_new(
	    o, "inodes_top",
	    top_list(&c,
	             "SELECT h.name, f.mount, f.inodes_used_pct FROM "
	             "filesystems f JOIN hosts h ON h.id = f.host_id WHERE "
	             "f.mail_fs = 1 AND f.inodes_used_pct IS NOT NULL ORDER BY "
	             "f.inodes_used_pct DESC, h.name, f.mount LIMIT :top",
	             inodes_row));
	json_object_set_new(o, "mail", mail_part(&c));
	json_object_set_new(o, "mta_down", mta_part(&c));
	json_object_set_new(o, "stale_after_s", json_integer(rq->stale_after));
	json_object_set_new(o, "generated_at", jsonutil_ts(rq->now));
	if (!c.failed && lf.n > 0 &&
	    summary_scope(rq, &lf, o, c.err, sizeof(c.err)) == -1)
		c.failed = 1;
	if (!c.failed && group_by &&
	    (groups = summary_groups(rq, &lf, group_by, c.err,
	                             sizeof(c.err))) == NULL)
		c.failed = 1;
	if (groups) {
		char by[LABEL_KEY_MAX + 8];
		snprintf(by, sizeof(by), "label:%s", group_by);
		json_object_set_new(o, "group_by", json_string(by));
		json_object_set_new(o, "groups", groups);
	}
	sql_exec(rq->db, "COMMIT", NULL, 0);
	if (c.failed) {
		json_decref(o);
		api_db_error(ans, c.err);
		return;
	}
	ans->status = 200;
	ans->body = o;
}
