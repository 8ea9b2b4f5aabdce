/*
 * api_events.c - GET /api/v1/events: events of the fleet newest first by
 * (ts, id), which the indexes on events (ts), (signature, ts) and (kind,
 * ts) serve for the since/until, signature and kind filters; the cursor
 * is "<ts>.<id>" of the last event.  Also the shape of one event, which
 * the host endpoint shows too.
 */
#include <stdio.h>
#include <stdlib.h>

#include "collector/api/api.h"
#include "collector/store/db.h"
#include "collector/api/query.h"
#include "common/report_schema.h"

json_t *
api_event_json(sql_stmt *st, int with_host)
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

/* events_row - one event; ctx (long long[2]) keeps its ts and id. */
static json_t *
events_row(sql_stmt *st, void *ctx)
{
	long long *last = ctx;

	last[0] = sql_column_int64(st, 3);
	last[1] = sql_column_int64(st, 0);
	return api_event_json(st, 1);
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

/* events_cursor_arg - the "<ts>.<id>" cursor argument into at[2] (0, 0:
 * none); -1 with a 400. */
static int
events_cursor_arg(struct api_req *rq, struct api_answer *ans, long long at[2])
{
	const char *cur = rq->arg(rq->cls, "cursor");
	char *dot, *end;

	at[0] = at[1] = 0;
	if (cur == NULL || *cur == '\0')
		return 0;
	at[0] = strtoll(cur, &dot, 10);
	if (dot == cur || *dot != '.' || at[0] < 0 ||
	    (at[1] = strtoll(dot + 1, &end, 10)) <= 0 || *end) {
		api_bad_cursor(ans);
		return -1;
	}
	return 0;
}

/* events_text_where - the host, kind and signature filters. */
static void
events_text_where(struct api_req *rq, struct qb *qb)
{
	const char *host = rq->arg(rq->cls, "host");
	const char *kind = rq->arg(rq->cls, "kind");
	const char *sig = rq->arg(rq->cls, "signature");

	if (host && *host) {
		qb_where(qb, "e.host_id = (SELECT id FROM hosts WHERE "
		             "name = ?)");
		qb_text(qb, host);
	}
	if (kind && *kind) {
		qb_where(qb, "e.kind = ?");
		qb_text(qb, kind);
	}
	if (sig && *sig) {
		qb_where(qb, "e.signature = ?");
		qb_text(qb, sig);
	}
}

void
api_events(struct api_req *rq, struct api_answer *ans)
{
	struct label_filter lf;
	struct qb qb;
	long limit;
	long long at[2], last[2] = {0, 0}, since, until;
	int has_since, has_until;

	if (events_cursor_arg(rq, ans, at) == -1 ||
	    label_args(rq, ans, &lf) == -1 ||
	    list_args(rq, ans, &limit, NULL) == -1 ||
	    (has_since = time_arg(rq, ans, "since", &since)) == -1 ||
	    (has_until = time_arg(rq, ans, "until", &until)) == -1 ||
	    enum_arg(rq, ans, "kind", report_schema_kinds,
	             "syserr, deferred, bounced, warning, fatal, panic or "
	             "other") == -1)
		return;
	qb_init(&qb, "SELECT e.id, e.data, h.name, e.ts FROM events e "
	             "JOIN hosts h ON h.id = e.host_id");
	events_text_where(rq, &qb);
	qb_labels_probe(&qb, "e.host_id", &lf);
	if (has_since) {
		qb_where(&qb, "e.ts >= ?");
		qb_int(&qb, since);
	}
	if (has_until) {
		qb_where(&qb, "e.ts < ?");
		qb_int(&qb, until);
	}
	if (at[1]) {
		qb_where(&qb, "(e.ts, e.id) < (?, ?)");
		qb_int(&qb, at[0]);
		qb_int(&qb, at[1]);
	}
	qb_tail(&qb, "ORDER BY e.ts DESC, e.id DESC LIMIT ?");
	list_page(rq, ans, &qb, limit, events_row, events_cursor, last);
}
