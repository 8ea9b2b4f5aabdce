/*
 * notify_scan.c - findings into the notification queue (see
 * notify_scan.h).
 *
 * A symptom whose cause is open (findings.symptom) does not notify: its
 * cause does, for both.  A symptom alone, its cause gone, notifies.
 *
 * A pass reads at most NOTIFY_SCAN_BATCH findings per target and kind
 * (the rest wait for the next pass), copies them out, and then writes:
 * SQLite does not promise what a SELECT still sees while its own
 * connection changes the rows under it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/limits.h"
#include "collector/notify/notify_body.h"
#include "collector/notify/notify_scan.h"
#include "collector/store/ack.h"
#include "common/log.h"
#include "common/uuid.h"
#include "common/xalloc.h"

#define NOTIFY_SCAN_BATCH 1000 /* findings per target and kind per pass */

enum {
	S_COMMIT,
	S_ROLLBACK,
	S_ACK_EXPIRED,
	S_ACK_WORSE,
	S_FIRE,
	S_RESOLVED,
	S_SILENCE,
	S_STATE_PUT,
	S_STATE_DEL,
	S_STATE_GONE,
	S_QUEUE,
	S_COUNT
};

/* The labels a finding notifies with: those it first fired with
 * (notify_state.labels, n), else the host's now (h.labels, a JSON
 * object).  A resolve, or a re-send, carries the labels of the alert it
 * ends or repeats even when the host's labels changed meanwhile:
 * Alertmanager knows an alert by its label set. */
#define FINDING_COLS                                                           \
	"f.id, h.name, f.code, f.subject, f.severity, f.message, f.remedy, "   \
	"f.first_seen, f.last_seen, f.resolved_at, "                           \
	"coalesce(n.labels, h.labels)"

/* The SQL. */
static const char *const sql[S_COUNT] = {
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_ACK_EXPIRED] =
        "DELETE FROM acks WHERE (until IS NOT NULL AND until <= ?1) OR "
        "(until IS NULL AND NOT EXISTS (SELECT 1 FROM findings f WHERE "
        "f.id = acks.finding_id AND f.resolved_at IS NULL))",
    [S_ACK_WORSE] =
        "DELETE FROM acks WHERE (host_id, code, subject) IN (SELECT "
        "a.host_id, a.code, a.subject FROM acks a JOIN findings f ON "
        "f.host_id = a.host_id AND f.code = a.code AND f.subject = "
        "a.subject AND f.resolved_at IS NULL WHERE " ACK_WORSE ")",
    /* ?1 target, ?2 first_seen at most, ?3 least severity rank, ?4 the
     * repeat interval (0: never), ?5 now */
    [S_FIRE] =
        "SELECT " FINDING_COLS ", n.finding_id IS NOT NULL "
        "FROM findings f JOIN hosts h ON h.id = f.host_id "
        "LEFT JOIN notify_state n ON n.finding_id = f.id AND n.target = ?1 "
        "WHERE f.resolved_at IS NULL AND f.symptom = 0 AND "
        "f.first_seen <= ?2 AND " ACK_SEV_RANK(
            "f.severity") " >= ?3 AND (n.finding_id IS NULL OR "
                          "n.silenced = 1 OR (?4 > 0 AND n.last_sent <= ?5 - "
                          "?4)) AND "
                          "NOT EXISTS (SELECT 1 FROM acks a WHERE " ACK_HOLDS
                          ") AND "
                          "NOT EXISTS (SELECT 1 FROM notify_queue q WHERE "
                          "q.target = ?1 AND "
                          "q.finding_id = f.id AND q.event <> 'resolved') "
                          "ORDER BY f.id LIMIT ?6",
    [S_RESOLVED] = "SELECT " FINDING_COLS ", 1 FROM notify_state n "
                   "JOIN findings f ON f.id = n.finding_id "
                   "JOIN hosts h ON h.id = f.host_id "
                   "WHERE n.target = ?1 AND f.resolved_at IS NOT NULL "
                   "ORDER BY f.id LIMIT ?2",
    [S_SILENCE] =
        "UPDATE notify_state SET silenced = 1 WHERE target = ?1 AND "
        "silenced = 0 AND finding_id IN (SELECT f.id FROM findings f JOIN "
        "acks a ON " ACK_HOLDS " WHERE f.resolved_at IS NULL)",
    [S_STATE_PUT] =
        "INSERT INTO notify_state (finding_id, target, fired_at, last_sent, "
        "labels) VALUES (?1, ?2, ?3, ?3, ?4) ON CONFLICT (finding_id, "
        "target) DO UPDATE SET last_sent = excluded.last_sent, silenced = "
        "0, labels = coalesce(notify_state.labels, excluded.labels)",
    [S_STATE_DEL] =
        "DELETE FROM notify_state WHERE finding_id = ?1 AND target = ?2",
    [S_STATE_GONE] =
        "DELETE FROM notify_state WHERE NOT EXISTS (SELECT 1 FROM findings "
        "f WHERE f.id = notify_state.finding_id)",
    [S_QUEUE] = "INSERT INTO notify_queue (target, finding_id, event, "
                "delivery, body, created, next_at) VALUES (?1, ?2, ?3, ?4, "
                "?5, ?6, ?6)",
};

struct notify_scan {
	sql_db *db;
	const struct notify_config *nc;
	sql_stmt *st[S_COUNT];
};

/* A finding copied out of a SELECT. */
struct row {
	struct notify_finding f;
	char *text[7]; /* host code subject severity message remedy labels */
	int known;     /* notify_state had it */
};

const char *
notify_target_name(enum notify_target t)
{
	return t == TARGET_ALERTMANAGER ? "alertmanager" : "webhook";
}

struct notify_scan *
notify_scan_new(sql_db *db, const struct notify_config *nc, char *err,
                size_t errlen)
{
	struct notify_scan *s = xcalloc(1, sizeof(*s));

	s->db = db;
	s->nc = nc;
	for (int i = 0; i < S_COUNT; i++) {
		if (sql_prepare(db, sql[i], SQL_PREPARE_PERSISTENT,
		                &s->st[i]) != SQL_OK) {
			snprintf(err, errlen, "%s: %s",
			         sql_pick(db, "sqlite", "postgresql"),
			         sql_errmsg(db));
			notify_scan_free(s);
			return NULL;
		}
	}
	return s;
}

void
notify_scan_free(struct notify_scan *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sql_finalize(s->st[i]);
	free(s);
}

/* step - run statement i to its end and reset it; SQL_OK or error. */
static int
step(struct notify_scan *s, int i)
{
	int rc = sql_step(s->st[i]);

	sql_reset(s->st[i]);
	sql_clear_bindings(s->st[i]);
	return rc == SQL_DONE || rc == SQL_ROW ? SQL_OK : rc;
}

static char *
col_dup(sql_stmt *st, int i)
{
	const unsigned char *t = sql_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static void
rows_free(struct row *v, long n)
{
	for (long k = 0; k < n; k++) {
		for (int j = 0; j < 7; j++)
			free(v[k].text[j]);
		json_decref(v[k].f.labels);
	}
	free(v);
}

/* read_rows - the rows of a prepared SELECT (FINDING_COLS, known) into
 * *out; their number, or -1 on an SQLite error. */
static long
read_rows(struct notify_scan *s, int i, struct row **out)
{
	sql_stmt *st = s->st[i];
	struct row *v = NULL;
	long n = 0;
	int rc;

	while ((rc = sql_step(st)) == SQL_ROW) {
		struct row *r;
		v = xrealloc(v, (size_t)(n + 1) * sizeof(*v));
		r = &v[n++];
		memset(r, 0, sizeof(*r));
		for (int k = 0; k < 6; k++)
			r->text[k] = col_dup(st, k + 1);
		r->text[6] = col_dup(st, 10);
		r->f.id = sql_column_int64(st, 0);
		r->f.host = r->text[0];
		r->f.code = r->text[1];
		r->f.subject = r->text[2];
		r->f.severity = r->text[3];
		r->f.message = r->text[4];
		r->f.remedy = r->text[5];
		r->f.first_seen = sql_column_int64(st, 7);
		r->f.last_seen = sql_column_int64(st, 8);
		r->f.resolved_at = sql_column_int64(st, 9);
		r->f.labels =
		    r->text[6] ? json_loads(r->text[6], 0, NULL) : NULL;
		r->known = sql_column_int(st, 11);
	}
	sql_reset(st);
	sql_clear_bindings(st);
	*out = v;
	if (rc != SQL_DONE) {
		rows_free(v, n);
		*out = NULL;
		return -1;
	}
	return n;
}

/* enqueue - one notification of f for target t; SQL_OK or error. */
static int
enqueue(struct notify_scan *s, enum notify_target t,
        const struct notify_finding *f, enum notify_event ev, long long now)
{
	sql_stmt *st = s->st[S_QUEUE];
	char id[UUID_STR_LEN];
	char *body;

	if (uuid_v4(id) == -1)
		return SQL_ERROR;
	body = t == TARGET_WEBHOOK ? webhook_body(f, ev, id, now)
	                           : alert_body(f, ev);
	if (body == NULL)
		return SQL_NOMEM;
	sql_bind_text(st, 1, notify_target_name(t), -1, SQL_STATIC);
	sql_bind_int64(st, 2, f->id);
	sql_bind_text(st, 3, notify_event_name(ev), -1, SQL_STATIC);
	sql_bind_text(st, 4, id, -1, SQL_TRANSIENT);
	sql_bind_text(st, 5, body, -1, free);
	sql_bind_int64(st, 6, now);
	return step(s, S_QUEUE);
}

/* fire - queue the findings of target t that became due. */
static int
fire(struct notify_scan *s, enum notify_target t, long long now, long *queued)
{
	const struct notify_config *nc = s->nc;
	long long repeat = t == TARGET_ALERTMANAGER ? nc->resend_interval
	                                            : nc->repeat_interval;
	sql_stmt *st = s->st[S_FIRE];
	struct row *v;
	long n;
	int rc = SQL_OK;

	sql_bind_text(st, 1, notify_target_name(t), -1, SQL_STATIC);
	sql_bind_int64(st, 2, now - nc->open_for);
	sql_bind_int(st, 3, notify_severity_rank(nc->min_severity));
	sql_bind_int64(st, 4, repeat);
	sql_bind_int64(st, 5, now);
	sql_bind_int(st, 6, NOTIFY_SCAN_BATCH);
	if ((n = read_rows(s, S_FIRE, &v)) < 0)
		return sql_errcode(s->db);
	for (long i = 0; i < n && rc == SQL_OK; i++) {
		sql_stmt *p = s->st[S_STATE_PUT];
		rc = enqueue(s, t, &v[i].f,
		             v[i].known ? NOTIFY_STILL_OPEN : NOTIFY_OPENED,
		             now);
		if (rc != SQL_OK)
			break;
		sql_bind_int64(p, 1, v[i].f.id);
		sql_bind_text(p, 2, notify_target_name(t), -1,
		                  SQL_STATIC);
		sql_bind_int64(p, 3, now);
		if (v[i].text[6])
			sql_bind_text(p, 4, v[i].text[6], -1, SQL_STATIC);
		else
			sql_bind_null(p, 4);
		rc = step(s, S_STATE_PUT);
		(*queued)++;
	}
	rows_free(v, n);
	return rc;
}

/* resolve - queue "resolved" for target t's notified findings that
 * resolved, and forget them. */
static int
resolve(struct notify_scan *s, enum notify_target t, long long now,
        long *queued)
{
	sql_stmt *st = s->st[S_RESOLVED];
	struct row *v;
	long n;
	int rc = SQL_OK;

	sql_bind_text(st, 1, notify_target_name(t), -1, SQL_STATIC);
	sql_bind_int(st, 2, NOTIFY_SCAN_BATCH);
	if ((n = read_rows(s, S_RESOLVED, &v)) < 0)
		return sql_errcode(s->db);
	for (long i = 0; i < n && rc == SQL_OK; i++) {
		sql_stmt *d = s->st[S_STATE_DEL];
		if ((rc = enqueue(s, t, &v[i].f, NOTIFY_RESOLVED, now)) !=
		    SQL_OK)
			break;
		sql_bind_int64(d, 1, v[i].f.id);
		sql_bind_text(d, 2, notify_target_name(t), -1,
		                  SQL_STATIC);
		rc = step(s, S_STATE_DEL);
		(*queued)++;
	}
	rows_free(v, n);
	return rc;
}

/* pass - the statements of one pass, inside the transaction. */
static int
pass(struct notify_scan *s, unsigned enabled, long long now, long *queued)
{
	int rc;

	sql_bind_int64(s->st[S_ACK_EXPIRED], 1, now);
	if ((rc = step(s, S_ACK_EXPIRED)) != SQL_OK ||
	    (rc = step(s, S_ACK_WORSE)) != SQL_OK ||
	    (rc = step(s, S_STATE_GONE)) != SQL_OK)
		return rc;
	for (int t = 0; t < TARGET_N; t++) {
		if (!(enabled & (1u << t)))
			continue;
		sql_bind_text(s->st[S_SILENCE], 1,
		                  notify_target_name((enum notify_target)t), -1,
		                  SQL_STATIC);
		if ((rc = step(s, S_SILENCE)) != SQL_OK ||
		    (rc = resolve(s, (enum notify_target)t, now, queued)) !=
		        SQL_OK ||
		    (rc = fire(s, (enum notify_target)t, now, queued)) !=
		        SQL_OK)
			return rc;
	}
	return SQL_OK;
}

long
notify_scan_run(struct notify_scan *s, unsigned enabled, long long now,
                char *err, size_t errlen)
{
	long queued = 0;
	int rc;

	/* bounded: a waiting exclusive request holds up every batch of
	 * every collector behind it (sql_begin_write_within) */
	if ((rc = sql_begin_write_within(s->db, DB_EXCLUSIVE_WAIT_MS)) ==
	    SQL_BUSY)
		return NOTIFY_SCAN_BUSY;
	if (rc != SQL_OK) {
		snprintf(err, errlen, "begin: %s", sql_errstr(rc));
		return -1;
	}
	rc = pass(s, enabled, now, &queued);
	if (rc == SQL_OK)
		rc = step(s, S_COMMIT);
	if (rc != SQL_OK) {
		snprintf(err, errlen, "%s: %s",
		         sql_pick(s->db, "sqlite", "postgresql"),
		         sql_errmsg(s->db));
		step(s, S_ROLLBACK);
		return -1;
	}
	return queued;
}
