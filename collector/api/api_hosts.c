/*
 * api_hosts.c - GET /api/v1/hosts (the list, by name, keyset-paginated
 * on the hex of the last name; filters finding, severity, stale, q,
 * label) and
 * GET /api/v1/hosts/{name} (one host: its latest state, open findings,
 * recent events and curves).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api/api.h"
#include "collector/store/db.h"
#include "collector/api/query.h"
#include "common/hex.h"
#include "common/report_schema.h"
#include "common/xalloc.h"

#define HOST_COLS                                                              \
	"SELECT h.name, h.first_seen, h.last_seen, h.collected_at, h.os, "     \
	"h.mta_kind, h.mta_running, h.mta_listening, h.mta_down, "             \
	"h.queued_total, h.unread_total, h.open_critical, h.open_warning, "    \
	"h.open_info, h.reports, h.agent_version, h.kernel, h.interval_s, "    \
	"h.last_report_id, h.id, h.labels"
#define HOST_FROM " FROM hosts h"

/* host_labels - the labels column (20) as an object ({} if none). */
static json_t *
host_labels(sql_stmt *st)
{
	json_t *l = db_col_json(st, 20);

	if (json_is_object(l))
		return l;
	json_decref(l);
	return json_object();
}

static json_t *
host_item(sql_stmt *st, long long now, long long stale_after)
{
	return json_pack(
	    "{s:o,s:o,s:o,s:o,s:b,s:o,s:o,s:{s:o,s:o,s:o},"
	    "s:b,s:I,s:I,s:{s:I,s:I,s:I},s:o}",
	    "name", db_col_str(st, 0), "first_seen", db_col_time(st, 1),
	    "last_seen", db_col_time(st, 2), "collected_at",
	    sql_column_int64(st, 3) < 0 ? json_null() : db_col_time(st, 3),
	    "stale", sql_column_int64(st, 2) < now - stale_after, "os",
	    db_col_str(st, 4), "kernel", db_col_str(st, 16), "mta", "kind",
	    db_col_str(st, 5), "daemon_running", db_col_bool(st, 6),
	    "smtp_listening", db_col_bool(st, 7), "mta_down",
	    sql_column_int(st, 8), "queued_total",
	    (json_int_t)sql_column_int64(st, 9), "unread_total",
	    (json_int_t)sql_column_int64(st, 10), "findings", "critical",
	    (json_int_t)sql_column_int64(st, 11), "warning",
	    (json_int_t)sql_column_int64(st, 12), "info",
	    (json_int_t)sql_column_int64(st, 13), "labels",
	    host_labels(st));
}

/* --- the list ------------------------------------------------------------ */

static json_t *
hosts_row(sql_stmt *st, void *ctx)
{
	const struct api_req *rq = ctx;
	return host_item(st, rq->now, rq->stale_after);
}

/* hosts_cursor - the hex of the last host's name. */
static json_t *
hosts_cursor(const json_t *last, void *ctx)
{
	char *h = hex_encode_str(json_string_value(json_object_get(last, "name")));
	json_t *c = json_string(h);

	(void)ctx;
	free(h);
	return c;
}

/* hosts_finding_where - the finding and severity filters: hosts with that
 * open finding (of that severity), or with any open finding of it. */
static void
hosts_finding_where(struct qb *qb, const char *finding, const char *sev)
{
	if (finding && *finding && sev && *sev) {
		qb_where(qb, "EXISTS (SELECT 1 FROM findings f WHERE "
		             "f.host_id = h.id AND f.code = ? AND "
		             "f.resolved_at IS NULL AND f.severity = ?)");
		qb_text(qb, finding);
		qb_text(qb, sev);
	} else if (finding && *finding) {
		qb_where(qb, "EXISTS (SELECT 1 FROM findings f WHERE "
		             "f.host_id = h.id AND f.code = ? AND "
		             "f.resolved_at IS NULL)");
		qb_text(qb, finding);
	} else if (sev && *sev) {
		qb_where(qb,
		         strcmp(sev, "critical") == 0  ? "h.open_critical > 0"
		         : strcmp(sev, "warning") == 0 ? "h.open_warning > 0"
		                                       : "h.open_info > 0");
	}
}

/* hosts_where - the stale and q filters and the cursor (after). */
static void
hosts_where(struct api_req *rq, struct qb *qb, const char *after)
{
	const char *stale = rq->arg(rq->cls, "stale");
	const char *q = rq->arg(rq->cls, "q");

	if (stale && *stale) {
		qb_where(qb, strcmp(stale, "true") == 0 ? "h.last_seen < ?"
		                                        : "h.last_seen >= ?");
		qb_int(qb, rq->now - rq->stale_after);
	}
	if (q && *q) {
		char *e = like_escape(q);
		char *pat = xasprintf("%%%s%%", e);
		qb_where(qb, "h.name LIKE ? ESCAPE '\\'");
		qb_text(qb, pat);
		free(pat);
		free(e);
	}
	if (after) {
		qb_where(qb, "h.name > ?");
		qb_text(qb, after);
	}
}

void
api_hosts(struct api_req *rq, struct api_answer *ans)
{
	static const char *const bools[] = {"true", "false", NULL};
	const char *cur = rq->arg(rq->cls, "cursor");
	char *after = NULL;
	struct label_filter lf;
	struct qb qb;
	long limit;

	if (list_args(rq, ans, &limit, NULL) == -1 ||
	    label_args(rq, ans, &lf) == -1 ||
	    enum_arg(rq, ans, "severity", report_schema_severities,
	             "info, warning or critical") == -1 ||
	    enum_arg(rq, ans, "stale", bools, "true or false") == -1)
		return;
	if (cur && *cur && (after = hex_decode_str(cur)) == NULL) {
		api_bad_cursor(ans);
		return;
	}
	qb_init(&qb, HOST_COLS HOST_FROM);
	hosts_finding_where(&qb, rq->arg(rq->cls, "finding"),
	                    rq->arg(rq->cls, "severity"));
	hosts_where(rq, &qb, after);
	qb_labels_probe(&qb, "h.id", &lf);
	free(after);
	qb_tail(&qb, "ORDER BY h.name LIMIT ?");
	list_page(rq, ans, &qb, limit, hosts_row, hosts_cursor, rq);
}

/* --- one host ------------------------------------------------------------ */

/* fill_rows - append item() of every row of sql (bound to a, b) to arr. */
static int
fill_rows(sql_db *db, const char *sql, long long a, long long b, json_t *arr,
          json_t *(*item)(sql_stmt *, int), char *err, size_t el)
{
	sql_stmt *st = db_prepare(db, sql, err, el);
	int rc;

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, a);
	sql_bind_int64(st, 2, b);
	while ((rc = sql_step(st)) == SQL_ROW)
		json_array_append_new(arr, item(st, 0));
	sql_finalize(st);
	if (rc != SQL_DONE) {
		snprintf(err, el, "database: %s", sql_errmsg(db));
		return -1;
	}
	return 0;
}

/* history_thin - cut every series of out longer than API_HISTORY_POINTS
 * to evenly spaced points, keeping the last. */
static void
history_thin(json_t *out)
{
	for (size_t i = 0; i < json_array_size(out); i++) {
		json_t *p = json_object_get(json_array_get(out, i), "points");
		size_t n = json_array_size(p);
		if (n <= API_HISTORY_POINTS)
			continue;
		json_t *thin = json_array();
		size_t step = (n + API_HISTORY_POINTS - 1) / API_HISTORY_POINTS;
		for (size_t k = (n - 1) % step; k < n; k += step)
			json_array_append(thin, json_array_get(p, k));
		json_object_set_new(json_array_get(out, i), "points", thin);
	}
}

/* host_history - the curves of host hid since `since` into out, one
 * {metric, subject, points} per series, thinned (history_thin). */
static int
host_history(sql_db *db, long long hid, long long since, json_t *out,
             char *err, size_t el)
{
	sql_stmt *st =
	    db_prepare(db,
	               "SELECT metric, subject, ts, value "
	               "FROM history WHERE host_id = ?1 AND ts >= ?2 "
	               "ORDER BY metric, subject, ts",
	               err, el);
	json_t *series = NULL, *points = NULL;
	int rc;

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, hid);
	sql_bind_int64(st, 2, since);
	while ((rc = sql_step(st)) == SQL_ROW) {
		const char *m = (const char *)sql_column_text(st, 0);
		const char *s = (const char *)sql_column_text(st, 1);
		if (series == NULL ||
		    strcmp(m, json_string_value(
		                  json_object_get(series, "metric"))) != 0 ||
		    strcmp(s, json_string_value(
		                  json_object_get(series, "subject"))) != 0) {
			points = json_array();
			series = json_pack("{s:s,s:s,s:o}", "metric", m,
			                   "subject", s, "points", points);
			json_array_append_new(out, series);
		}
		json_array_append_new(points,
		                      json_pack("[o,f]", db_col_time(st, 2),
		                                sql_column_double(st, 3)));
	}
	sql_finalize(st);
	if (rc != SQL_DONE) {
		snprintf(err, el, "database: %s", sql_errmsg(db));
		return -1;
	}
	history_thin(out);
	return 0;
}

/* host_hours - the history_hours argument into *hours; -1 with a 400. */
static int
host_hours(struct api_req *rq, struct api_answer *ans, long long *hours)
{
	const char *hh = rq->arg(rq->cls, "history_hours");
	char *end;

	*hours = API_HISTORY_HOURS;
	if (hh == NULL || *hh == '\0')
		return 0;
	*hours = strtoll(hh, &end, 10);
	if (*end || *hours < 0 || *hours > API_HISTORY_HOURS_MAX) {
		api_error(ans, 400, "bad_request",
		          "history_hours: expected 0 to %d",
		          API_HISTORY_HOURS_MAX);
		return -1;
	}
	return 0;
}

/* host_state - the host row (st, stepped) as the answer object: the list
 * item, the report figures and the stored state; *hid its id. */
static json_t *
host_state(struct api_req *rq, sql_stmt *st, long long *hid)
{
	json_t *o = host_item(st, rq->now, rq->stale_after);
	json_t *state;

	json_object_set_new(o, "reports",
	                    json_integer(sql_column_int64(st, 14)));
	json_object_set_new(o, "agent_version", db_col_str(st, 15));
	json_object_set_new(o, "interval_s", db_col_int(st, 17));
	json_object_set_new(o, "last_report_id", db_col_str(st, 18));
	*hid = sql_column_int64(st, 19);
	state = db_col_json(st, 21);
	if (json_is_object(state)) {
		json_object_update(o, state);
	} else {
		/* no report stored its state yet; mta stays the list's */
		static const char *const keys[] = {"spools", "filesystems",
		                                   "mail", "errors", NULL};
		for (int k = 0; keys[k]; k++)
			json_object_set_new(o, keys[k], json_null());
	}
	json_decref(state);
	return o;
}

/* host_lists - open_findings (and the incidents they make),
 * recent_events and history of host hid. */
static int
host_lists(struct api_req *rq, json_t *o, long long hid, long long hours,
           char *err, size_t el)
{
	json_t *arr = json_array();

	json_object_set_new(o, "open_findings", arr);
	if (fill_rows(rq->db,
	              API_FINDING_COLS
	              " WHERE f.host_id = ?1 AND "
	              "f.resolved_at IS NULL AND CAST(?2 AS BIGINT) = ?2 "
	              "ORDER BY f.severity = "
	              "'critical' DESC, f.severity = 'warning' DESC, f.id",
	              hid, 0, arr, api_finding_json, err, el) == -1)
		return -1;
	json_object_set_new(o, "incidents", api_incidents(arr));
	arr = json_array();
	json_object_set_new(o, "recent_events", arr);
	if (fill_rows(rq->db,
	              "SELECT e.id, e.data FROM events e WHERE "
	              "e.host_id = ?1 ORDER BY e.id DESC LIMIT ?2",
	              hid, API_HOST_EVENTS, arr, api_event_json, err, el) == -1)
		return -1;
	arr = json_array();
	json_object_set_new(o, "history", arr);
	return host_history(rq->db, hid, rq->now - hours * 3600, arr, err, el);
}

void
api_host(struct api_req *rq, struct api_answer *ans)
{
	const char *name = rq->param ? rq->param : "";
	char err[256];
	sql_stmt *st;
	json_t *o;
	long long hid, hours;
	int rc;

	if (host_hours(rq, ans, &hours) == -1)
		return;
	/* stored names are UTF-8 (they came in JSON): another name is no
	 * host, on either backend (PostgreSQL refuses such a parameter) */
	if ((o = json_string(name)) == NULL) {
		api_error(ans, 404, "not_found", "no host named '%s'", name);
		return;
	}
	json_decref(o);
	st = db_prepare(rq->db,
	                HOST_COLS ", (SELECT state FROM host_state WHERE "
	                          "host_id = h.id)" HOST_FROM
	                          " WHERE h.name = ?1",
	                err, sizeof(err));
	if (st == NULL) {
		api_db_error(ans, err);
		return;
	}
	sql_bind_text(st, 1, name, -1, SQL_TRANSIENT);
	rc = sql_step(st);
	if (rc != SQL_ROW) {
		sql_finalize(st);
		if (rc == SQL_DONE)
			api_error(ans, 404, "not_found", "no host named '%s'",
			          name);
		else
			api_db_error(ans, sql_errmsg(rq->db));
		return;
	}
	o = host_state(rq, st, &hid);
	sql_finalize(st);
	if (host_lists(rq, o, hid, hours, err, sizeof(err)) == -1) {
		json_decref(o);
		api_db_error(ans, err);
		return;
	}
	ans->status = 200;
	ans->body = o;
}
