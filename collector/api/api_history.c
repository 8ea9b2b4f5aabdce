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
 * curves to the hosts with those labels: each point is then the sum over
 * those hosts of each host's own point (its largest value in the
 * bucket) of the same metric, from history.
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

#define SERIES_SQL(table, where)                                               \
	"SELECT metric, subject, ts / ?3 AS bucket, max(value) "               \
	"FROM " table " WHERE " where "ts >= ?1 AND ts <= ?2 "                 \
	"GROUP BY metric, subject, bucket ORDER BY metric, subject, bucket"

/* scoped_prepare - the fleet's metrics summed over the hosts of lf. */
static sql_stmt *
scoped_prepare(struct api_req *rq, const struct label_filter *lf,
               long long from, long long width, char *err, size_t el)
{
	struct qb qb;
	sql_stmt *st;

	qb_init(&qb, "SELECT metric, subject, bucket, sum(v) FROM (SELECT "
	             "metric, subject, host_id, ts / ? AS bucket, max(value) "
	             "AS v FROM history");
	qb_int(&qb, width);
	qb_where(&qb, "metric IN ('queued_total', 'unread_total', 'syserr', "
	              "'open_findings')");
	qb_where(&qb, "ts >= ?");
	qb_int(&qb, from);
	qb_where(&qb, "ts <= ?");
	qb_int(&qb, rq->now);
	qb_labels(&qb, "host_id", lf);
	qb_tail(&qb, "GROUP BY metric, subject, host_id, bucket) t GROUP BY "
	             "metric, subject, bucket ORDER BY metric, subject, bucket");
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
	if (!(host && *host) && lf.n > 0)
		st = scoped_prepare(rq, &lf, from, width, err, sizeof(err));
	else
		st = db_prepare(rq->db,
		                host && *host
		                    ? SERIES_SQL("history", "host_id = ?4 AND ")
		                    : SERIES_SQL("fleet_history", ""),
		                err, sizeof(err));
	if (st == NULL) {
		api_db_error(ans, err);
		return;
	}
	if (host && *host) {
		sql_bind_int64(st, 4, hid);
	}
	if ((host && *host) || lf.n == 0) {
		sql_bind_int64(st, 1, from);
		sql_bind_int64(st, 2, rq->now);
		sql_bind_int64(st, 3, width);
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
