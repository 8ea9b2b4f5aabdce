/*
 * api.c - routing of the read API and the list endpoints: hosts, one
 * host, findings, events, mail.  Lists are keyset-paginated (a cursor is
 * the last key returned), so pages stay stable while reports arrive.
 * Events come newest first by (ts, id), which the indexes on events
 * (ts), (signature, ts) and (kind, ts) serve for the since/until,
 * signature and kind filters.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api.h"
#include "collector/db.h"
#include "collector/query.h"
#include "common/hex.h"
#include "common/report_schema.h"
#include "common/xalloc.h"

void
api_error(struct api_answer *ans, int status, const char *code, const char *fmt,
          ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ans->status = status;
	ans->body =
	    json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
}

static void
db_error(struct api_answer *ans, const char *err)
{
	api_error(ans, 503, "database_unavailable", "%s", err);
}

static void
list_answer(struct api_answer *ans, json_t *items, json_t *next)
{
	ans->status = 200;
	ans->body = json_pack("{s:o,s:o}", "items", items, "next_cursor",
	                      next ? next : json_null());
}

static json_t *
id_cursor(long long id)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", id);
	return json_string(buf);
}

/*
 * list_page - the shared end of every list endpoint: bind LIMIT limit + 1,
 * prepare, let item() build each of the first limit rows, and when one
 * more row exists let cursor() make next_cursor from the last item (item
 * may keep in ctx what the cursor needs).  Answers the page or the
 * database error; frees qb.
 */
static void
list_page(struct api_req *rq, struct api_answer *ans, struct qb *qb, long limit,
          json_t *(*item)(sqlite3_stmt *st, void *ctx),
          json_t *(*cursor)(const json_t *last, void *ctx), void *ctx)
{
	char err[256];
	sqlite3_stmt *st;
	json_t *items, *next = NULL;
	long n = 0;
	int rc;

	qb_int(qb, limit + 1);
	st = qb_prepare(qb, rq->db, err, sizeof(err));
	qb_free(qb);
	if (st == NULL) {
		db_error(ans, err);
		return;
	}
	items = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			next = cursor(
			    json_array_get(items, json_array_size(items) - 1),
			    ctx);
			break;
		}
		json_array_append_new(items, item(st, ctx));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		json_decref(items);
		json_decref(next);
		db_error(ans, sqlite3_errmsg(rq->db));
		return;
	}
	list_answer(ans, items, next);
}

/* --- hosts --------------------------------------------------------------- */

#define HOST_COLS                                                              \
	"SELECT h.name, h.first_seen, h.last_seen, h.collected_at, h.os, "     \
	"h.mta_kind, h.mta_running, h.mta_listening, h.mta_down, "             \
	"h.queued_total, h.unread_total, h.open_critical, h.open_warning, "    \
	"h.open_info, h.reports, h.agent_version, h.kernel, h.interval_s, "    \
	"h.last_report_id, h.id"
#define HOST_FROM " FROM hosts h"

static json_t *
host_item(sqlite3_stmt *st, long long now, long long stale_after)
{
	return json_pack(
	    "{s:o,s:o,s:o,s:o,s:b,s:o,s:o,s:{s:o,s:o,s:o},"
	    "s:b,s:I,s:I,s:{s:I,s:I,s:I}}",
	    "name", db_col_str(st, 0), "first_seen", db_col_time(st, 1),
	    "last_seen", db_col_time(st, 2), "collected_at",
	    sqlite3_column_int64(st, 3) < 0 ? json_null() : db_col_time(st, 3),
	    "stale", sqlite3_column_int64(st, 2) < now - stale_after, "os",
	    db_col_str(st, 4), "kernel", db_col_str(st, 16), "mta", "kind",
	    db_col_str(st, 5), "daemon_running", db_col_bool(st, 6),
	    "smtp_listening", db_col_bool(st, 7), "mta_down",
	    sqlite3_column_int(st, 8), "queued_total",
	    (json_int_t)sqlite3_column_int64(st, 9), "unread_total",
	    (json_int_t)sqlite3_column_int64(st, 10), "findings", "critical",
	    (json_int_t)sqlite3_column_int64(st, 11), "warning",
	    (json_int_t)sqlite3_column_int64(st, 12), "info",
	    (json_int_t)sqlite3_column_int64(st, 13));
}

static json_t *
hosts_row(sqlite3_stmt *st, void *ctx)
{
	const struct api_req *rq = ctx;
	return host_item(st, rq->now, rq->stale_after);
}

/* hosts_cursor - the hex of the last host's name. */
static json_t *
hosts_cursor(const json_t *last, void *ctx)
{
	char *h =
	    hex_encode_str(json_string_value(json_object_get(last, "name")));
	json_t *c = json_string(h);

	(void)ctx;
	free(h);
	return c;
}

void
api_hosts(struct api_req *rq, struct api_answer *ans)
{
	const char *finding = rq->arg(rq->cls, "finding");
	const char *sev = rq->arg(rq->cls, "severity");
	const char *stale = rq->arg(rq->cls, "stale");
	const char *q = rq->arg(rq->cls, "q");
	const char *cur = rq->arg(rq->cls, "cursor");
	char *after = NULL;
	struct qb qb;
	long limit;

	if (list_args(rq, ans, &limit, NULL) == -1)
		return;
	if (sev && *sev && !one_of(sev, report_schema_severities)) {
		api_error(ans, 400, "bad_request",
		          "severity: expected info, warning or critical");
		return;
	}
	if (stale && *stale && strcmp(stale, "true") != 0 &&
	    strcmp(stale, "false") != 0) {
		api_error(ans, 400, "bad_request",
		          "stale: expected true or false");
		return;
	}
	if (cur && *cur && (after = hex_decode_str(cur)) == NULL) {
		api_error(ans, 400, "bad_request",
		          "cursor: not a cursor this endpoint returned");
		return;
	}
	qb_init(&qb, HOST_COLS HOST_FROM);
	if (finding && *finding) {
		/* the severity, if any, narrows the same finding */
		if (sev && *sev) {
			qb_where(&qb,
			         "EXISTS (SELECT 1 FROM findings f WHERE "
			         "f.host_id = h.id AND f.code = ? AND "
			         "f.resolved_at IS NULL AND f.severity = ?)");
			qb_text(&qb, finding);
			qb_text(&qb, sev);
		} else {
			qb_where(&qb, "EXISTS (SELECT 1 FROM findings f WHERE "
			              "f.host_id = h.id AND f.code = ? AND "
			              "f.resolved_at IS NULL)");
			qb_text(&qb, finding);
		}
	} else if (sev && *sev) {
		qb_where(&qb,
		         strcmp(sev, "critical") == 0  ? "h.open_critical > 0"
		         : strcmp(sev, "warning") == 0 ? "h.open_warning > 0"
		                                       : "h.open_info > 0");
	}
	if (stale && *stale) {
		qb_where(&qb, strcmp(stale, "true") == 0 ? "h.last_seen < ?"
		                                         : "h.last_seen >= ?");
		qb_int(&qb, rq->now - rq->stale_after);
	}
	if (q && *q) {
		char *e = like_escape(q);
		char *pat = xasprintf("%%%s%%", e);
		qb_where(&qb, "h.name LIKE ? ESCAPE '\\'");
		qb_text(&qb, pat);
		free(pat);
		free(e);
	}
	if (after) {
		qb_where(&qb, "h.name > ?");
		qb_text(&qb, after);
		free(after);
	}
	qb_tail(&qb, "ORDER BY h.name LIMIT ?");
	list_page(rq, ans, &qb, limit, hosts_row, hosts_cursor, rq);
}

/* host_findings - open findings of a host. */
static json_t *
finding_item(sqlite3_stmt *st, int with_host)
{
	json_t *o = json_pack(
	    "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s}", "code",
	    db_col_str(st, 1), "subject", db_col_str(st, 2), "severity",
	    db_col_str(st, 3), "message", db_col_str(st, 4), "evidence",
	    db_col_json(st, 5), "remedy", db_col_str(st, 6), "first_seen",
	    db_col_time(st, 7), "last_seen", db_col_time(st, 8), "resolved_at",
	    db_col_time(st, 9), "id", json_integer(sqlite3_column_int64(st, 0)),
	    "state",
	    sqlite3_column_type(st, 9) == SQLITE_NULL ? "open" : "resolved");
	if (with_host)
		json_object_set_new(o, "host", db_col_str(st, 10));
	return o;
}

#define FINDING_COLS                                                           \
	"SELECT f.id, f.code, f.subject, f.severity, f.message, f.evidence, "  \
	"f.remedy, f.first_seen, f.last_seen, f.resolved_at, h.name "          \
	"FROM findings f JOIN hosts h ON h.id = f.host_id"

static int
fill_rows(sqlite3 *db, const char *sql, long long a, long long b, json_t *arr,
          json_t *(*item)(sqlite3_stmt *, int), char *err, size_t el)
{
	sqlite3_stmt *st = db_prepare(db, sql, err, el);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, item(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, el, "sqlite: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static json_t *
event_item(sqlite3_stmt *st, int with_host)
{
	json_t *o = db_col_json(st, 1);

	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	if (with_host)
		json_object_set_new(o, "host", db_col_str(st, 2));
	return o;
}

/* history - curves of a host since `since`, at most 500 points each
 * (evenly thinned). */
static int
host_history(sqlite3 *db, long long hid, long long since, json_t *out,
             char *err, size_t el)
{
	sqlite3_stmt *st =
	    db_prepare(db,
	               "SELECT metric, subject, ts, value "
	               "FROM history WHERE host_id = ?1 AND ts >= ?2 "
	               "ORDER BY metric, subject, ts",
	               err, el);
	json_t *series = NULL, *points = NULL;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, hid);
	sqlite3_bind_int64(st, 2, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		const char *s = (const char *)sqlite3_column_text(st, 1);
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
		                                sqlite3_column_double(st, 3)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, el, "sqlite: %s", sqlite3_errmsg(db));
		return -1;
	}
	/* thin long series to at most 500 points, keeping the last */
	for (size_t i = 0; i < json_array_size(out); i++) {
		json_t *p = json_object_get(json_array_get(out, i), "points");
		size_t n = json_array_size(p);
		if (n <= 500)
			continue;
		json_t *thin = json_array();
		size_t step = (n + 499) / 500;
		for (size_t k = (n - 1) % step; k < n; k += step)
			json_array_append(thin, json_array_get(p, k));
		json_object_set_new(json_array_get(out, i), "points", thin);
	}
	return 0;
}

void
api_host(struct api_req *rq, const char *name, struct api_answer *ans)
{
	char err[256];
	sqlite3_stmt *st = db_prepare(
	    rq->db,
	    HOST_COLS ", (SELECT state FROM host_state WHERE "
	              "host_id = h.id)" HOST_FROM " WHERE h.name = ?1",
	    err, sizeof(err));
	json_t *o, *state, *arr;
	long long hid, hours = 24;
	const char *hh = rq->arg(rq->cls, "history_hours");
	int rc;

	if (st == NULL) {
		db_error(ans, err);
		return;
	}
	if (hh && *hh) {
		char *end;
		hours = strtoll(hh, &end, 10);
		if (*end || hours < 0 || hours > 24 * 366) {
			sqlite3_finalize(st);
			api_error(ans, 400, "bad_request",
			          "history_hours: expected 0 to 8784");
			return;
		}
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE)
			api_error(ans, 404, "not_found", "no host named '%s'",
			          name);
		else
			db_error(ans, sqlite3_errmsg(rq->db));
		return;
	}
	o = host_item(st, rq->now, rq->stale_after);
	json_object_set_new(o, "reports",
	                    json_integer(sqlite3_column_int64(st, 14)));
	json_object_set_new(o, "agent_version", db_col_str(st, 15));
	json_object_set_new(o, "interval_s", db_col_int(st, 17));
	json_object_set_new(o, "last_report_id", db_col_str(st, 18));
	hid = sqlite3_column_int64(st, 19);
	state = db_col_json(st, 20);
	sqlite3_finalize(st);
	if (json_is_object(state)) {
		json_object_update(o, state);
	} else {
		static const char *const keys[] = {
		    "spools", "filesystems", "mta", "mail", "errors", NULL};
		for (int k = 0; keys[k]; k++)
			if (strcmp(keys[k], "mta") != 0)
				json_object_set_new(o, keys[k], json_null());
	}
	json_decref(state);

	arr = json_array();
	json_object_set_new(o, "open_findings", arr);
	if (fill_rows(rq->db,
	              FINDING_COLS
	              " WHERE f.host_id = ?1 AND "
	              "f.resolved_at IS NULL AND ?2 = ?2 ORDER BY f.severity = "
	              "'critical' DESC, f.severity = 'warning' DESC, f.id",
	              hid, 0, arr, finding_item, err, sizeof(err)) == -1)
		goto fail;
	arr = json_array();
	json_object_set_new(o, "recent_events", arr);
	if (fill_rows(rq->db,
	              "SELECT e.id, e.data FROM events e WHERE "
	              "e.host_id = ?1 ORDER BY e.id DESC LIMIT ?2",
	              hid, 50, arr, event_item, err, sizeof(err)) == -1)
		goto fail;
	arr = json_array();
	json_object_set_new(o, "history", arr);
	if (host_history(rq->db, hid, rq->now - hours * 3600, arr, err,
	                 sizeof(err)) == -1)
		goto fail;
	ans->status = 200;
	ans->body = o;
	return;
fail:
	json_decref(o);
	db_error(ans, err);
}

/* --- findings, events ------------------------------------------------------
 */

/* findings_row - one finding; ctx keeps its id for the cursor. */
static json_t *
findings_row(sqlite3_stmt *st, void *ctx)
{
	*(long long *)ctx = sqlite3_column_int64(st, 0);
	return finding_item(st, 1);
}

static json_t *
findings_cursor(const json_t *last, void *ctx)
{
	(void)last;
	return id_cursor(*(long long *)ctx);
}

void
api_findings(struct api_req *rq, struct api_answer *ans)
{
	const char *code = rq->arg(rq->cls, "code");
	const char *sev = rq->arg(rq->cls, "severity");
	const char *state = rq->arg(rq->cls, "state");
	const char *host = rq->arg(rq->cls, "host");
	static const char *const states[] = {"open", "resolved", NULL};
	struct qb qb;
	long limit;
	long long cursor, last = 0;

	if (list_args(rq, ans, &limit, &cursor) == -1)
		return;
	if (sev && *sev && !one_of(sev, report_schema_severities)) {
		api_error(ans, 400, "bad_request",
		          "severity: expected info, warning or critical");
		return;
	}
	if (state && *state && !one_of(state, states)) {
		api_error(ans, 400, "bad_request",
		          "state: expected open or resolved");
		return;
	}
	qb_init(&qb, FINDING_COLS);
	if (code && *code) {
		qb_where(&qb, "f.code = ?");
		qb_text(&qb, code);
	}
	if (sev && *sev) {
		qb_where(&qb, "f.severity = ?");
		qb_text(&qb, sev);
	}
	if (state && *state)
		qb_where(&qb, strcmp(state, "open") == 0
		                  ? "f.resolved_at IS NULL"
		                  : "f.resolved_at IS NOT NULL");
	if (host && *host) {
		qb_where(&qb, "f.host_id = (SELECT id FROM hosts WHERE "
		              "name = ?)");
		qb_text(&qb, host);
	}
	if (cursor) {
		qb_where(&qb, "f.id < ?");
		qb_int(&qb, cursor);
	}
	qb_tail(&qb, "ORDER BY f.id DESC LIMIT ?");
	list_page(rq, ans, &qb, limit, findings_row, findings_cursor, &last);
}

/* events_row - one event; ctx (long long[2]) keeps its ts and id. */
static json_t *
events_row(sqlite3_stmt *st, void *ctx)
{
	long long *last = ctx;

	last[0] = sqlite3_column_int64(st, 3);
	last[1] = sqlite3_column_int64(st, 0);
	return event_item(st, 1);
}

/* events_cursor - "<ts>.<id>" of the last event. */
static json_t *
events_cursor(const json_t *item, void *ctx)
{
	const long long *last = ctx;
	char buf[64];

	(void)item;
	snprintf(buf, sizeof(buf), "%lld.%lld", last[0], last[1]);
	return json_string(buf);
}

void
api_events(struct api_req *rq, struct api_answer *ans)
{
	const char *host = rq->arg(rq->cls, "host");
	const char *kind = rq->arg(rq->cls, "kind");
	const char *sig = rq->arg(rq->cls, "signature");
	struct qb qb;
	const char *cur = rq->arg(rq->cls, "cursor");
	long limit;
	long long cur_ts = 0, cur_id = 0, last[2] = {0, 0};
	long long since, until;
	int has_since, has_until;

	if (cur && *cur) {
		/* cursor: "<ts>.<id>" of the last item returned */
		char *dot, *end;
		cur_ts = strtoll(cur, &dot, 10);
		if (dot == cur || *dot != '.' || cur_ts < 0 ||
		    (cur_id = strtoll(dot + 1, &end, 10)) <= 0 || *end) {
			api_error(
			    ans, 400, "bad_request",
			    "cursor: not a cursor this endpoint returned");
			return;
		}
	}
	if (list_args(rq, ans, &limit, NULL) == -1 ||
	    (has_since = time_arg(rq, ans, "since", &since)) == -1 ||
	    (has_until = time_arg(rq, ans, "until", &until)) == -1)
		return;
	if (kind && *kind && !one_of(kind, report_schema_kinds)) {
		api_error(ans, 400, "bad_request",
		          "kind: expected syserr, "
		          "deferred, bounced, warning, fatal, panic or other");
		return;
	}
	qb_init(&qb, "SELECT e.id, e.data, h.name, e.ts FROM events e "
	             "JOIN hosts h ON h.id = e.host_id");
	if (host && *host) {
		qb_where(&qb, "e.host_id = (SELECT id FROM hosts WHERE "
		              "name = ?)");
		qb_text(&qb, host);
	}
	if (kind && *kind) {
		qb_where(&qb, "e.kind = ?");
		qb_text(&qb, kind);
	}
	if (sig && *sig) {
		qb_where(&qb, "e.signature = ?");
		qb_text(&qb, sig);
	}
	if (has_since) {
		qb_where(&qb, "e.ts >= ?");
		qb_int(&qb, since);
	}
	if (has_until) {
		qb_where(&qb, "e.ts < ?");
		qb_int(&qb, until);
	}
	if (cur_id) {
		qb_where(&qb, "(e.ts, e.id) < (?, ?)");
		qb_int(&qb, cur_ts);
		qb_int(&qb, cur_id);
	}
	qb_tail(&qb, "ORDER BY e.ts DESC, e.id DESC LIMIT ?");
	list_page(rq, ans, &qb, limit, events_row, events_cursor, last);
}

/* --- mail ------------------------------------------------------------------
 */

/* mail_hosts - a few hosts behind one command. */
static json_t *
mail_hosts(sqlite3 *db, const char *command)
{
	sqlite3_stmt *st;
	json_t *a = json_array();

	if (sqlite3_prepare_v2(db,
	                       "SELECT h.name FROM mail_cron m JOIN hosts "
	                       "h ON h.id = m.host_id WHERE m.command = ?1 "
	                       "ORDER BY m.unread + "
	                       "m.queued DESC LIMIT 10",
	                       -1, &st, NULL) != SQLITE_OK)
		return a;
	sqlite3_bind_text(st, 1, command, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, db_col_str(st, 0));
	sqlite3_finalize(st);
	return a;
}

struct mail_ctx {
	sqlite3 *db;
	int by_host;     /* rows of mail_cron for one host */
	const char *cmd; /* the command filter, if any */
};

/* mail_row - one cron command: per host with its latest mail, or fleet
 * wide with example hosts when a command is asked for. */
static json_t *
mail_row(sqlite3_stmt *st, void *ctx)
{
	const struct mail_ctx *mc = ctx;
	json_t *o =
	    json_pack("{s:o,s:I,s:I,s:I,s:I}", "command", db_col_str(st, 0),
	              "hosts", (json_int_t)sqlite3_column_int64(st, 1),
	              "messages", (json_int_t)sqlite3_column_int64(st, 4),
	              "unread", (json_int_t)sqlite3_column_int64(st, 2),
	              "queued", (json_int_t)sqlite3_column_int64(st, 3));

	if (mc->by_host) {
		json_object_set_new(o, "user", db_col_str(st, 5));
		json_object_set_new(o, "last_ts", db_col_time(st, 6));
		json_object_set_new(o, "subject", db_col_str(st, 7));
		json_object_set_new(o, "excerpt", db_col_str(st, 8));
	} else if (mc->cmd && *mc->cmd) {
		json_object_set_new(o, "host_examples",
		                    mail_hosts(mc->db, mc->cmd));
	}
	return o;
}

/* mail_cursor - "<messages>.<hex command>" of the last item. */
static json_t *
mail_cursor(const json_t *last, void *ctx)
{
	char *h =
	    hex_encode_str(json_string_value(json_object_get(last, "command")));
	char *c = xasprintf(
	    "%lld.%s",
	    (long long)json_integer_value(json_object_get(last, "messages")),
	    h);
	json_t *j = json_string(c);

	(void)ctx;
	free(c);
	free(h);
	return j;
}

void
api_mail(struct api_req *rq, struct api_answer *ans)
{
	const char *host = rq->arg(rq->cls, "host");
	const char *cmd = rq->arg(rq->cls, "command");
	const char *cur = rq->arg(rq->cls, "cursor");
	char err[256], *after = NULL;
	long long after_n = 0;
	struct qb qb;
	sqlite3_stmt *st;
	long limit;
	int by_host = host && *host;
	struct mail_ctx mc = {rq->db, by_host, cmd};

	if (list_args(rq, ans, &limit, NULL) == -1)
		return;
	if (cur && *cur) {
		/* cursor: "<messages>.<hex command>" of the last item */
		char *dot = strchr(cur, '.'), *end;
		after_n = strtoll(cur, &end, 10);
		if (dot == NULL || end != dot || after_n < 0 ||
		    (after = hex_decode_str(dot + 1)) == NULL) {
			api_error(
			    ans, 400, "bad_request",
			    "cursor: not a cursor this endpoint returned");
			return;
		}
	}
	if (by_host)
		qb_init(&qb, "SELECT m.command, 1, m.unread, m.queued, "
		             "m.unread + m.queued AS msgs, m.user, m.last_ts, "
		             "m.subject, m.excerpt FROM mail_cron m");
	else
		qb_init(&qb,
		        "SELECT m.command, m.hosts, m.unread, m.queued, "
		        "m.unread + m.queued AS msgs, NULL, NULL, NULL, NULL "
		        "FROM cron_fleet m");
	if (by_host) {
		qb_where(&qb, "m.host_id = (SELECT id FROM hosts WHERE "
		              "name = ?)");
		qb_text(&qb, host);
	}
	if (cmd && *cmd) {
		qb_where(&qb, "m.command = ?");
		qb_text(&qb, cmd);
	}
	if (after) {
		qb_where(&qb, "(m.unread + m.queued < ? OR (m.unread + "
		              "m.queued = ? AND m.command > ?))");
		qb_int(&qb, after_n);
		qb_int(&qb, after_n);
		qb_text(&qb, after);
		free(after);
	}
	qb_tail(&qb, "ORDER BY msgs DESC, m.command LIMIT ?");
	list_page(rq, ans, &qb, limit, mail_row, mail_cursor, &mc);
	if (ans->status != 200)
		return;
	/* totals for the same scope */
	st = db_prepare(
	    rq->db,
	    by_host ? "SELECT queued_total, unread_total, "
	              "queued_total > 0 FROM hosts WHERE name = ?1"
	            : "SELECT queued, "
	              "unread, hosts_with_queued FROM fleet WHERE id = 1",
	    err, sizeof(err));
	if (st) {
		if (by_host)
			sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW)
			json_object_set_new(
			    ans->body, "totals",
			    json_pack("{s:I,s:I,s:I}", "queued_total",
			              (json_int_t)sqlite3_column_int64(st, 0),
			              "unread_total",
			              (json_int_t)sqlite3_column_int64(st, 1),
			              "hosts_with_queued",
			              (json_int_t)sqlite3_column_int64(st, 2)));
		sqlite3_finalize(st);
	}
}

/* --- routing ---------------------------------------------------------------
 */

int
api_get(struct api_req *rq, const char *path, struct api_answer *ans)
{
	static const char pfx[] = "/api/v1/";
	const char *p;

	ans->status = 500;
	ans->body = NULL;
	if (strncmp(path, pfx, sizeof(pfx) - 1) != 0)
		return -1;
	p = path + sizeof(pfx) - 1;
	if (strcmp(p, "summary") == 0)
		api_summary(rq, ans);
	else if (strcmp(p, "hosts") == 0)
		api_hosts(rq, ans);
	else if (strncmp(p, "hosts/", 6) == 0 && p[6] &&
	         strchr(p + 6, '/') == NULL)
		api_host(rq, p + 6, ans);
	else if (strcmp(p, "findings") == 0)
		api_findings(rq, ans);
	else if (strcmp(p, "events") == 0)
		api_events(rq, ans);
	else if (strcmp(p, "mail") == 0)
		api_mail(rq, ans);
	else
		return -1;
	return 0;
}
