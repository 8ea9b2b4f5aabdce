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
	S_BEGIN,
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

#define FINDING_COLS                                                           \
	"f.id, h.name, f.code, f.subject, f.severity, f.message, f.remedy, "   \
	"f.first_seen, f.last_seen, f.resolved_at, h.labels"

/* The SQL; h.labels is the host's labels (a JSON object). */
static const char *const sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
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
        "INSERT INTO notify_state (finding_id, target, fired_at, last_sent) "
        "VALUES (?1, ?2, ?3, ?3) ON CONFLICT (finding_id, target) DO UPDATE "
        "SET last_sent = excluded.last_sent, silenced = 0",
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
	sqlite3 *db;
	const struct notify_config *nc;
	sqlite3_stmt *st[S_COUNT];
};

/* A finding copied out of a SELECT. */
struct row {
	struct notify_finding f;
	char *text[6]; /* host code subject severity message remedy */
	int known;     /* notify_state had it */
};

const char *
notify_target_name(enum notify_target t)
{
	return t == TARGET_ALERTMANAGER ? "alertmanager" : "webhook";
}

struct notify_scan *
notify_scan_new(sqlite3 *db, const struct notify_config *nc, char *err,
                size_t errlen)
{
	struct notify_scan *s = xcalloc(1, sizeof(*s));

	s->db = db;
	s->nc = nc;
	for (int i = 0; i < S_COUNT; i++) {
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		                       &s->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
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
		sqlite3_finalize(s->st[i]);
	free(s);
}

/* step - run statement i to its end and reset it; SQLITE_OK or error. */
static int
step(struct notify_scan *s, int i)
{
	int rc = sqlite3_step(s->st[i]);

	sqlite3_reset(s->st[i]);
	sqlite3_clear_bindings(s->st[i]);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static void
rows_free(struct row *v, long n)
{
	for (long k = 0; k < n; k++) {
		for (int j = 0; j < 6; j++)
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
	sqlite3_stmt *st = s->st[i];
	struct row *v = NULL;
	long n = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct row *r;
		const unsigned char *lab = sqlite3_column_text(st, 10);
		v = xrealloc(v, (size_t)(n + 1) * sizeof(*v));
		r = &v[n++];
		memset(r, 0, sizeof(*r));
		for (int k = 0; k < 6; k++)
			r->text[k] = col_dup(st, k + 1);
		r->f.id = sqlite3_column_int64(st, 0);
		r->f.host = r->text[0];
		r->f.code = r->text[1];
		r->f.subject = r->text[2];
		r->f.severity = r->text[3];
		r->f.message = r->text[4];
		r->f.remedy = r->text[5];
		r->f.first_seen = sqlite3_column_int64(st, 7);
		r->f.last_seen = sqlite3_column_int64(st, 8);
		r->f.resolved_at = sqlite3_column_int64(st, 9);
		r->f.labels =
		    lab ? json_loads((const char *)lab, 0, NULL) : NULL;
		r->known = sqlite3_column_int(st, 11);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	*out = v;
	if (rc != SQLITE_DONE) {
		rows_free(v, n);
		*out = NULL;
		return -1;
	}
	return n;
}

/* enqueue - one notification of f for target t; SQLITE_OK or error. */
static int
enqueue(struct notify_scan *s, enum notify_target t,
        const struct notify_finding *f, enum notify_event ev, long long now)
{
	sqlite3_stmt *st = s->st[S_QUEUE];
	char id[UUID_STR_LEN];
	char *body;

	if (uuid_v4(id) == -1)
		return SQLITE_ERROR;
	body = t == TARGET_WEBHOOK ? webhook_body(f, ev, id, now)
	                           : alert_body(f, ev);
	if (body == NULL)
		return SQLITE_NOMEM;
	sqlite3_bind_text(st, 1, notify_target_name(t), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, f->id);
	sqlite3_bind_text(st, 3, notify_event_name(ev), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, body, -1, free);
	sqlite3_bind_int64(st, 6, now);
	return step(s, S_QUEUE);
}

/* fire - queue the findings of target t that became due. */
static int
fire(struct notify_scan *s, enum notify_target t, long long now, long *queued)
{
	const struct notify_config *nc = s->nc;
	long long repeat = t == TARGET_ALERTMANAGER ? nc->resend_interval
	                                            : nc->repeat_interval;
	sqlite3_stmt *st = s->st[S_FIRE];
	struct row *v;
	long n;
	int rc = SQLITE_OK;

	sqlite3_bind_text(st, 1, notify_target_name(t), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now - nc->open_for);
	sqlite3_bind_int(st, 3, notify_severity_rank(nc->min_severity));
	sqlite3_bind_int64(st, 4, repeat);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int(st, 6, NOTIFY_SCAN_BATCH);
	if ((n = read_rows(s, S_FIRE, &v)) < 0)
		return sqlite3_errcode(s->db);
	for (long i = 0; i < n && rc == SQLITE_OK; i++) {
		sqlite3_stmt *p = s->st[S_STATE_PUT];
		rc = enqueue(s, t, &v[i].f,
		             v[i].known ? NOTIFY_STILL_OPEN : NOTIFY_OPENED,
		             now);
		if (rc != SQLITE_OK)
			break;
		sqlite3_bind_int64(p, 1, v[i].f.id);
		sqlite3_bind_text(p, 2, notify_target_name(t), -1,
		                  SQLITE_STATIC);
		sqlite3_bind_int64(p, 3, now);
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
	sqlite3_stmt *st = s->st[S_RESOLVED];
	struct row *v;
	long n;
	int rc = SQLITE_OK;

	sqlite3_bind_text(st, 1, notify_target_name(t), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, NOTIFY_SCAN_BATCH);
	if ((n = read_rows(s, S_RESOLVED, &v)) < 0)
		return sqlite3_errcode(s->db);
	for (long i = 0; i < n && rc == SQLITE_OK; i++) {
		sqlite3_stmt *d = s->st[S_STATE_DEL];
		if ((rc = enqueue(s, t, &v[i].f, NOTIFY_RESOLVED, now)) !=
		    SQLITE_OK)
			break;
		sqlite3_bind_int64(d, 1, v[i].f.id);
		sqlite3_bind_text(d, 2, notify_target_name(t), -1,
		                  SQLITE_STATIC);
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

	sqlite3_bind_int64(s->st[S_ACK_EXPIRED], 1, now);
	if ((rc = step(s, S_ACK_EXPIRED)) != SQLITE_OK ||
	    (rc = step(s, S_ACK_WORSE)) != SQLITE_OK ||
	    (rc = step(s, S_STATE_GONE)) != SQLITE_OK)
		return rc;
	for (int t = 0; t < TARGET_N; t++) {
		if (!(enabled & (1u << t)))
			continue;
		sqlite3_bind_text(s->st[S_SILENCE], 1,
		                  notify_target_name((enum notify_target)t), -1,
		                  SQLITE_STATIC);
		if ((rc = step(s, S_SILENCE)) != SQLITE_OK ||
		    (rc = resolve(s, (enum notify_target)t, now, queued)) !=
		        SQLITE_OK ||
		    (rc = fire(s, (enum notify_target)t, now, queued)) !=
		        SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

long
notify_scan_run(struct notify_scan *s, unsigned enabled, long long now,
                char *err, size_t errlen)
{
	long queued = 0;
	int rc;

	if ((rc = step(s, S_BEGIN)) != SQLITE_OK) {
		snprintf(err, errlen, "begin: %s", sqlite3_errstr(rc));
		return -1;
	}
	rc = pass(s, enabled, now, &queued);
	if (rc == SQLITE_OK)
		rc = step(s, S_COMMIT);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(s->db));
		step(s, S_ROLLBACK);
		return -1;
	}
	return queued;
}
