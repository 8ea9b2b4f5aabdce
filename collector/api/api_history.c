/*
 * api_history.c - GET /api/v1/history?range=1h|24h|7d|30d[&host=NAME]:
 * the curves over the range up to now, the fleet's (fleet_history) or,
 * with host, that host's (history).  Each series is cut into
 * API_HISTORY_BUCKETS buckets of equal width (range / buckets, aligned
 * on multiples of the width, so a refresh moves no bucket); a point is
 * the largest value of a bucket that has one, stamped with the bucket's
 * start, so a series has at most API_HISTORY_BUCKETS points and a short
 * peak is never averaged away.  The grouping is one portable
 * GROUP BY over the series index.
 *
 * label=KEY:VALUE (repeatable, as on the lists) narrows the fleet's
 * curves to the hosts with those labels: per minute, the sum over those
 * hosts of each host's largest point of that minute, bucketed as the
 * fleet's minutes are.  One label reads the curves kept per label at
 * ingest (label_history: the hosts that carried the label when they
 * reported); several compute the same from history over the hosts that
 * have all of them now.
 */
#include <stdio.h>
#include <string.h>

#include "collector/api/api.h"
#include "collector/api/api_req.h"
#include "collector/api/query.h"
#include "collector/limits.h"
#include "collector/store/db.h"
#include "common/jsonutil.h"

struct range {
	const char *name;
	long long seconds;
};

static const struct range ranges[] = {
    {"1h", 3600},
    {"24h", 86400},
    {"7d", 7 * 86400},
    {"30d", 30 * 86400},
};

#define SERIES_SQL(col, table, where)                                          \
	"SELECT metric, subject, ts / ?3 AS bucket, max(" col ") "             \
	"FROM " table " WHERE " where "ts >= ?1 AND ts <= ?2 "                 \
	"GROUP BY metric, subject, bucket ORDER BY metric, subject, bucket"

/* scoped_prepare - the fleet's metrics over the hosts of lf (several
 * labels): per minute from the first at or after from, the sum of each
 * host's largest point of the minute, then the largest minute of each
 * bucket, as label_history gives for one label. */
static sql_stmt *
scoped_prepare(struct api_req *rq, const struct label_filter *lf,
               long long from, long long width, char *err, size_t el)
{
	struct qb qb;
	sql_stmt *st;

	qb_init(&qb,
	        "SELECT metric, subject, minute / ? AS bucket, max(v) "
	        "FROM (SELECT metric, subject, minute, sum(v) AS v FROM "
	        "(SELECT metric, subject, host_id, ts - ts % 60 AS minute, "
	        "max(value) AS v FROM history");
	qb_int(&qb, width);
	qb_where(&qb, "metric IN ('queued_total', 'unread_total', 'syserr', "
	              "'open_findings')");
	qb_where(&qb, "value IS NOT NULL");
	qb_where(&qb, "ts >= ?");
	qb_int(&qb, (from + 59) / 60 * 60);
	qb_where(&qb, "ts < ?");
	qb_int(&qb, rq->now - rq->now % 60 + 60);
	qb_labels(&qb, "host_id", lf);
	qb_tail(&qb, "GROUP BY metric, subject, host_id, minute) t GROUP BY "
	             "metric, subject, minute) u GROUP BY metric, subject, "
	             "bucket ORDER BY metric, subject, bucket");
	st = qb_prepare(&qb, rq->db, err, el);
	qb_free(&qb);
	return st;
}

/* range_arg - the range argument (default 24h); NULL with a 400. */
static const struct range *
range_arg(struct api_req *rq, struct api_answer *ans)
{
	const char *r = rq->arg(rq->cls, "range");

	if (r == NULL || *r == '\0')
		return &ranges[1];
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (strcmp(r, ranges[i].name) == 0)
			return &ranges[i];
	api_error(ans, 400, "bad_request",
	          "range: expected 1h, 24h, 7d or 30d");
	return NULL;
}

/* host_id - the id of the host named name into *hid: 1, 0 unknown, -1
 * with err. */
static int
host_id(sql_db *db, const char *name, long long *hid, char *err, size_t el)
{
	sql_stmt *st =
	    db_prepare(db, "SELECT id FROM hosts WHERE name = ?1", err, el);
	int rc;

	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, name, -1, SQL_TRANSIENT);
	rc = sql_step(st);
	if (rc == SQL_ROW)
		*hid = sql_column_int64(st, 0);
	else if (rc != SQL_DONE)
		snprintf(err, el, "database: %s", sql_errmsg(db));
	sql_finalize(st);
	return rc == SQL_ROW ? 1 : rc == SQL_DONE ? 0 : -1;
}

/* same_series - whether series (or NULL) is metric m of subject s. */
static int
same_series(json_t *series, const char *m, const char *s)
{
	return series != NULL &&
	       strcmp(m, json_string_value(
	                     json_object_get(series, "metric"))) == 0 &&
	       strcmp(s, json_string_value(
	                     json_object_get(series, "subject"))) == 0;
}

/* series_fill - run st (bound) and append its buckets to out as series
 * of points [bucket start, value]; -1 with err. */
static int
series_fill(sql_db *db, sql_stmt *st, long long width, json_t *out,
            char *err, size_t el)
{
	json_t *series = NULL, *points = NULL;
	int rc;

	while ((rc = sql_step(st)) == SQL_ROW) {
		const char *m = (const char *)sql_column_text(st, 0);
		const char *s = (const char *)sql_column_text(st, 1);
		if (m == NULL || s == NULL)
			continue;
		if (!same_series(series, m, s)) {
			points = json_array();
			series = json_pack("{s:s,s:s,s:o}", "metric", m,
			                   "subject", s, "points", points);
			json_array_append_new(out, series);
		}
		json_array_append_new(
		    points,
		    json_pack("[o,f]",
		              jsonutil_ts(sql_column_int64(st, 2) * width),
		              sql_column_double(st, 3)));
	}
	if (rc != SQL_DONE) {
		snprintf(err, el, "database: %s", sql_errmsg(db));
		return -1;
	}
	return 0;
}

/* series_prepare - the bound statement of the series asked for: host
 * hid's (hid > 0), one label's kept curves, several labels' computed
 * ones, or the fleet's; NULL with err. */
static sql_stmt *
series_prepare(struct api_req *rq, long long hid, const struct label_filter *lf,
               long long from, long long width, char *err, size_t el)
{
	sql_stmt *st;

	if (hid == 0 && lf->n > 1)
		return scoped_prepare(rq, lf, from, width, err, el);
	if (hid > 0)
		st = db_prepare(
		    rq->db, SERIES_SQL("value", "history", "host_id = ?4 AND "),
		    err, el);
	else if (lf->n == 1)
		st = db_prepare(rq->db,
		                SERIES_SQL("total", "label_history",
		                           "key = ?4 AND value = ?5 AND "),
		                err, el);
	else
		st = db_prepare(
		    rq->db, SERIES_SQL("value", "fleet_history", ""), err, el);
	if (st == NULL)
		return NULL;
	if (hid > 0) {
		sql_bind_int64(st, 4, hid);
	} else if (lf->n == 1) {
		sql_bind_text(st, 4, lf->l[0].key, -1, SQL_TRANSIENT);
		sql_bind_text(st, 5, lf->l[0].value, -1, SQL_TRANSIENT);
	}
	sql_bind_int64(st, 1, from);
	sql_bind_int64(st, 2, rq->now);
	sql_bind_int64(st, 3, width);
	return st;
}

void
api_history(struct api_req *rq, struct api_answer *ans)
{
	const struct range *r = range_arg(rq, ans);
	const char *host = rq->arg(rq->cls, "host");
	struct label_filter lf;
	long long width, from, hid = 0;
	sql_stmt *st;
	json_t *series;
	char err[256];
	int rc;

	if (r == NULL || label_args(rq, ans, &lf) == -1)
		return;
	if (host && *host) {
		rc = host_id(rq->db, host, &hid, err, sizeof(err));
		if (rc == 0)
			api_error(ans, 404, "not_found", "no host named '%s'",
			          host);
		if (rc != 1) {
			if (rc == -1)
				api_db_error(ans, err);
			return;
		}
	}
	/* from (a bucket's start) .. now: API_HISTORY_BUCKETS buckets, the
	 * last one the bucket of now */
	width = r->seconds / API_HISTORY_BUCKETS;
	from = (rq->now / width - (API_HISTORY_BUCKETS - 1)) * width;
	st = series_prepare(rq, host && *host ? hid : 0, &lf, from, width, err,
	                    sizeof(err));
	if (st == NULL) {
		api_db_error(ans, err);
		return;
	}
	series = json_array();
	rc = series_fill(rq->db, st, width, series, err, sizeof(err));
	sql_finalize(st);
	if (rc == -1) {
		json_decref(series);
		api_db_error(ans, err);
		return;
	}
	ans->status = 200;
	ans->body = json_pack("{s:s,s:o,s:o,s:o}", "range", r->name, "from",
	                      jsonutil_ts(from), "to", jsonutil_ts(rq->now),
	                      "series", series);
}
