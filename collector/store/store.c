/*
 * store.c - one report into the database (see store.h).  Every statement is
 * prepared once, when the writer starts, and reset after each use.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/ingest/report_spans.h"
#include "collector/ingest/validate.h"
#include "collector/store/db.h"
#include "collector/store/incident.h"
#include "collector/store/mailfs.h"
#include "collector/store/pg_array.h"
#include "collector/store/store.h"
#include "common/hash.h"
#include "common/jsonutil.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

enum {
	S_DUP,
	S_HOST_UPSERT,
	S_REPORT,
	S_EVENT,
	S_GROUP,
	S_SIG,
	S_FLEET_SYSERR,
	S_SPOOL_DEL,
	S_SPOOL,
	S_FS_DEL,
	S_FS,
	S_MBOX_DEL,
	S_MBOX,
	S_CRON_DEL,
	S_CRON,
	S_QUEUED_DEL,
	S_QUEUED,
	S_FINDING_SAME,
	S_FINDING,
	S_STALE,
	S_RESOLVE,
	S_COUNTS,
	S_HOST_STATE,
	S_HOST_COUNT,
	S_STATE_GET,
	S_STATE_PUT,
	S_RET_EVENTS,
	S_RET_GROUPS,
	S_RET_HISTORY,
	S_RET_FINDINGS,
	S_RET_REPORTS,
	S_RET_SIGS,
	S_LABELS_GET,
	S_LABELS_SET,
	S_LABELS_DEL,
	S_LABEL,
	S_RET_FLEET,
	S_RET_LABEL_HIST,
	S_RET_FOLD,
	/* PostgreSQL's own (see sql_pg below) */
	S_PG_OPEN,
	S_PG_EVENTS,
	S_PG_SIGS,
	S_PG_SAME,
	S_PG_NEW,
	S_COUNT
};

static const char *const sql[S_COUNT] = {
    /* a UUID's hex digits have no case: stored and compared in lower
     * case, so an upper-cased resend is the same report */
    [S_DUP] = "SELECT 1 FROM reports WHERE report_id = lower(?1)",
    [S_HOST_UPSERT] =
        "INSERT INTO hosts (name, first_seen, last_seen, collected_at) "
        "VALUES (?1, ?2, ?2, -1) ON CONFLICT (name) DO UPDATE SET "
        "last_seen = max(last_seen, excluded.last_seen) "
        "RETURNING id, state_order",
    [S_REPORT] =
        "INSERT INTO reports (report_id, host_id, collected_at, received_at, "
        "events, findings) VALUES (lower(?1), ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT (report_id) DO NOTHING RETURNING id",
    [S_EVENT] = "INSERT INTO events (host_id, eid, ts, kind, signature, data) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (host_id, eid) DO "
                "NOTHING",
    [S_GROUP] =
        "INSERT INTO event_groups (host_id, report, signature, kind, count, "
        "first_ts, last_ts, example) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [S_SIG] =
        "INSERT INTO event_sigs (signature, host_id, kind, count, last_ts) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (signature, host_id) DO "
        "UPDATE SET count = event_sigs.count + excluded.count, last_ts = "
        "max(coalesce(event_sigs.last_ts, 0), coalesce(excluded.last_ts, "
        "0))",
    [S_FLEET_SYSERR] =
        "INSERT INTO fleet_history (metric, subject, ts, value) VALUES "
        "('syserr', '', ?1, ?2) ON CONFLICT (metric, subject, ts) DO UPDATE "
        "SET value = fleet_history.value + excluded.value",
    [S_SPOOL_DEL] = "DELETE FROM spools WHERE host_id = ?1",
    [S_SPOOL] =
        "INSERT INTO spools (host_id, path, role, present, owner, grp, "
        "mode, entries, orphans, oldest_age_s, dir_size_bytes, ok) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
        "ON CONFLICT (host_id, path) DO UPDATE SET role = excluded.role, "
        "present = excluded.present, owner = excluded.owner, "
        "grp = excluded.grp, mode = excluded.mode, "
        "entries = excluded.entries, orphans = excluded.orphans, "
        "oldest_age_s = excluded.oldest_age_s, "
        "dir_size_bytes = excluded.dir_size_bytes, ok = excluded.ok",
    [S_FS_DEL] = "DELETE FROM filesystems WHERE host_id = ?1",
    [S_FS] =
        "INSERT INTO filesystems (host_id, mount, device, fstype, "
        "inodes_total, inodes_used, inodes_free, inodes_used_pct, "
        "bytes_total, bytes_free, mail_fs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
        "?7, ?8, ?9, ?10, ?11) ON CONFLICT (host_id, mount) DO UPDATE SET "
        "device = excluded.device, fstype = excluded.fstype, "
        "inodes_total = excluded.inodes_total, "
        "inodes_used = excluded.inodes_used, "
        "inodes_free = excluded.inodes_free, "
        "inodes_used_pct = excluded.inodes_used_pct, "
        "bytes_total = excluded.bytes_total, "
        "bytes_free = excluded.bytes_free, mail_fs = excluded.mail_fs",
    [S_MBOX_DEL] = "DELETE FROM mailboxes WHERE host_id = ?1",
    [S_MBOX] =
        "INSERT INTO mailboxes (host_id, \"user\", path, messages, unread, "
        "bytes, oldest_ts, newest_ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
        "?8) ON CONFLICT (host_id, \"user\", path) DO UPDATE SET "
        "messages = excluded.messages, unread = excluded.unread, "
        "bytes = excluded.bytes, oldest_ts = excluded.oldest_ts, "
        "newest_ts = excluded.newest_ts",
    [S_CRON_DEL] = "DELETE FROM mail_cron WHERE host_id = ?1",
    [S_CRON] =
        "INSERT INTO mail_cron (host_id, command, \"user\", inbox, unread, "
        "queued, last_ts, subject, excerpt) VALUES (?1, ?2, ?3, ?4, ?9, ?5, "
        "?6, ?7, ?8) ON CONFLICT (host_id, command) DO UPDATE SET "
        "inbox = mail_cron.inbox + excluded.inbox, "
        "unread = mail_cron.unread + excluded.unread, "
        "queued = mail_cron.queued + excluded.queued, "
        "last_ts = max(coalesce(mail_cron.last_ts, 0), "
        "coalesce(excluded.last_ts, 0)), "
        "subject = coalesce(mail_cron.subject, excluded.subject), "
        "excerpt = coalesce(mail_cron.excerpt, excluded.excerpt)",
    [S_QUEUED_DEL] = "DELETE FROM mail_queued WHERE host_id = ?1",
    [S_QUEUED] =
        "INSERT INTO mail_queued (host_id, queue, qid, sender, rcpt, "
        "subject, created_ts, tries, status, cron_command) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (host_id, "
        "queue, qid) DO UPDATE SET sender = excluded.sender, "
        "rcpt = excluded.rcpt, subject = excluded.subject, "
        "created_ts = excluded.created_ts, tries = excluded.tries, "
        "status = excluded.status, cron_command = excluded.cron_command",
    /* a finding open with the same severity and role: its text and
     * last_seen only, so that no trigger of the counts runs (they are
     * UPDATE OF resolved_at, severity, symptom) */
    [S_FINDING_SAME] =
        "UPDATE findings SET message = ?5, evidence = ?6, remedy = ?7, "
        "last_seen = ?8, last_report = ?9, cause_code = ?10, "
        "cause_subject = ?11 WHERE host_id = ?1 AND code = ?2 AND "
        "subject = ?3 AND resolved_at IS NULL AND severity = ?4 AND "
        "symptom = ?12",
    [S_FINDING] =
        "INSERT INTO findings (host_id, code, subject, severity, message, "
        "evidence, remedy, first_seen, last_seen, last_report, cause_code, "
        "cause_subject, symptom) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11, ?12) "
        "ON CONFLICT (host_id, code, subject) WHERE resolved_at IS NULL "
        "DO UPDATE SET severity = excluded.severity, "
        "message = excluded.message, evidence = excluded.evidence, "
        "remedy = excluded.remedy, last_seen = excluded.last_seen, "
        "last_report = excluded.last_report, "
        "cause_code = excluded.cause_code, "
        "cause_subject = excluded.cause_subject, "
        "symptom = excluded.symptom",
    /* an open finding this report did not carry: the UPDATE below (its
     * triggers prepared in) runs only when there is one */
    [S_STALE] = "SELECT 1 FROM findings WHERE host_id = ?1 AND "
                "resolved_at IS NULL AND last_report <> ?2 LIMIT 1",
    [S_RESOLVE] = "UPDATE findings SET resolved_at = ?3 WHERE host_id = ?1 AND "
                  "resolved_at IS NULL AND last_report <> ?2",
    [S_COUNTS] = "SELECT count(*) FILTER (WHERE severity = 'critical'), "
                 "count(*) FILTER (WHERE severity = 'warning'), "
                 "count(*) FILTER (WHERE severity = 'info') FROM findings "
                 "WHERE host_id = ?1 AND resolved_at IS NULL",
    [S_HOST_STATE] =
        "UPDATE hosts SET os = ?2, kernel = ?3, agent_version = ?4, "
        "collected_at = ?5, state_order = ?17, interval_s = ?6, reports = "
        "reports + 1, "
        "last_report_id = lower(?7), mta_kind = ?8, mta_running = ?9, "
        "mta_listening = ?10, mta_down = ?11, queued_total = ?12, "
        "unread_total = ?13, open_critical = ?14, open_warning = ?15, "
        "open_info = ?16 WHERE id = ?1",
    [S_STATE_GET] = "SELECT hash FROM host_state WHERE host_id = ?1",
    [S_STATE_PUT] =
        "INSERT INTO host_state (host_id, hash, state) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (host_id) DO UPDATE SET hash = excluded.hash, "
        "state = excluded.state",
    [S_HOST_COUNT] = "UPDATE hosts SET reports = reports + 1 WHERE id = ?1",
    [S_RET_EVENTS] =
        "DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id "
        "LIMIT ?2) AND ts < ?1",
    [S_RET_GROUPS] =
        "DELETE FROM event_groups WHERE id IN (SELECT id FROM event_groups "
        "ORDER BY id LIMIT ?2) AND coalesce(last_ts, 0) < ?1",
    [S_RET_HISTORY] =
        "DELETE FROM history WHERE id IN (SELECT id FROM history ORDER BY id "
        "LIMIT ?2) AND ts < ?1",
    [S_RET_FINDINGS] =
        "DELETE FROM findings WHERE id IN (SELECT id FROM findings WHERE "
        "resolved_at IS NOT NULL AND resolved_at < ?1 LIMIT ?2)",
    [S_RET_REPORTS] =
        "DELETE FROM reports WHERE id IN (SELECT id FROM reports ORDER BY id "
        "LIMIT ?2) AND received_at < ?1",
    [S_RET_SIGS] =
        "DELETE FROM event_sigs WHERE (signature, host_id) IN (SELECT "
        "signature, host_id FROM event_sigs WHERE coalesce(last_ts, 0) < ?1 "
        "LIMIT ?2)",
    [S_LABELS_GET] = "SELECT labels FROM hosts WHERE id = ?1",
    [S_LABELS_SET] = "UPDATE hosts SET labels = ?2 WHERE id = ?1",
    [S_LABELS_DEL] = "DELETE FROM host_labels WHERE host_id = ?1",
    [S_LABEL] = "INSERT INTO host_labels (host_id, key, value) VALUES "
                "(?1, ?2, ?3)",
    [S_RET_FLEET] =
        "DELETE FROM fleet_history WHERE id IN (SELECT id FROM fleet_history "
        "ORDER BY id LIMIT ?2) AND ts < ?1",
    /* the label curves' minutes (schema version 5) */
    [S_RET_LABEL_HIST] =
        "DELETE FROM label_history WHERE (key, value, metric, subject, ts) IN "
        "(SELECT key, value, metric, subject, ts FROM label_history "
        "WHERE ts < ?1 LIMIT ?2)",
    /* SQLite's aggregates are one row per key: nothing to fold */
    [S_RET_FOLD] = "SELECT 0",
};

/*
 * PostgreSQL's text where it differs: an upsert there takes an identity
 * value even when it updates, so the host, the events and the finding
 * are updated or inserted in statements that insert only when nothing
 * was there (the writers' per-host lock makes that safe), and ids follow
 * one another as in SQLite.  The S_PG_* statements write many rows of a
 * report at once (arrays bound as one text parameter each, pg_array.h)
 * where SQLite runs one statement per row: fewer round trips, executor
 * start-ups and statement-level trigger calls on the server.  Where
 * both arguments of SQLite's max(a, b) are never NULL, GREATEST: the
 * schema's max() is a STRICT SQL function around GREATEST, which the
 * planner cannot inline (GREATEST is not strict), so each call ran the
 * SQL function executor (about 15 us).
 */
static const char *const sql_pg[S_COUNT] = {
    /* One round trip where SQLite runs S_DUP, S_HOST_UPSERT, S_REPORT,
     * S_STATE_GET and S_LABELS_GET: no row when report_id is stored;
     * else the host's id, state_order, labels and state hash (NULL: no
     * state yet) and the report's id (NULL: another collector stored
     * it since this transaction began), and whether the host has an
     * open finding (its counts, which every newest report sets from
     * its open findings under the host's lock; only its reports open
     * or resolve them). */
    [S_PG_OPEN] =
        "WITH d AS (SELECT 1 FROM reports WHERE report_id = lower(?1)), "
        "u AS (UPDATE hosts SET last_seen = GREATEST(last_seen, ?3) WHERE "
        "name = ?2 AND NOT EXISTS (SELECT 1 FROM d) RETURNING id, "
        "state_order, labels, open_critical + open_warning + open_info AS "
        "o), i AS (INSERT INTO hosts (name, first_seen, last_seen, "
        "collected_at) SELECT ?2, ?3, ?3, -1 WHERE NOT EXISTS (SELECT 1 "
        "FROM d) AND NOT EXISTS (SELECT 1 FROM u) RETURNING id, "
        "state_order, labels, 0 AS o), h AS (SELECT id, state_order, "
        "labels, o FROM u UNION ALL SELECT id, state_order, labels, o FROM "
        "i), r AS (INSERT "
        "INTO reports (report_id, host_id, collected_at, received_at, "
        "events, findings) SELECT lower(?1), id, CAST(?4 AS bigint), ?3, "
        "CAST(?5 AS bigint), CAST(?6 AS bigint) FROM h ON CONFLICT "
        "(report_id) DO NOTHING RETURNING id) SELECT h.id, h.state_order, "
        "h.labels, (SELECT hash FROM host_state WHERE host_id = h.id), "
        "(SELECT id FROM r), h.o > 0 FROM h",
    /* a report's events in one INSERT (arrays of ids, times, kinds,
     * signatures, texts): the first of each id, in the report's order,
     * inserted when the host does not have it yet; the ids inserted
     * come back in that order */
    [S_PG_EVENTS] =
        "INSERT INTO events (host_id, eid, ts, kind, signature, data) "
        "SELECT ?1, d.eid, d.ts, d.kind, d.sig, d.data FROM (SELECT "
        "DISTINCT ON (e.eid) e.* FROM unnest(CAST(?2 AS text[]), "
        "CAST(?3 AS bigint[]), CAST(?4 AS text[]), CAST(?5 AS text[]), "
        "CAST(?6 AS text[])) WITH ORDINALITY AS e(eid, ts, kind, sig, "
        "data, n) ORDER BY e.eid, e.n) d WHERE NOT EXISTS (SELECT 1 FROM "
        "events x WHERE x.host_id = ?1 AND x.eid = d.eid) ORDER BY d.n "
        "ON CONFLICT (host_id, eid) DO NOTHING RETURNING eid",
    /* a report's signature counts in one upsert (each signature once) */
    [S_PG_SIGS] =
        "INSERT INTO event_sigs (signature, host_id, kind, count, last_ts) "
        "SELECT g.sig, CAST(?1 AS bigint), g.kind, g.n, g.ts FROM "
        "unnest(CAST(?2 AS text[]), CAST(?3 AS text[]), CAST(?4 AS "
        "bigint[]), CAST(?5 AS bigint[])) WITH ORDINALITY AS g(sig, kind, "
        "n, ts, o) ORDER BY g.o ON CONFLICT (signature, host_id) DO "
        "UPDATE SET count = event_sigs.count + excluded.count, last_ts = "
        "GREATEST(coalesce(event_sigs.last_ts, 0), "
        "coalesce(excluded.last_ts, 0))",
    /* S_CRON with GREATEST for max (its arguments are never NULL) */
    [S_CRON] =
        "INSERT INTO mail_cron (host_id, command, \"user\", inbox, unread, "
        "queued, last_ts, subject, excerpt) VALUES (?1, ?2, ?3, ?4, ?9, ?5, "
        "?6, ?7, ?8) ON CONFLICT (host_id, command) DO UPDATE SET "
        "inbox = mail_cron.inbox + excluded.inbox, "
        "unread = mail_cron.unread + excluded.unread, "
        "queued = mail_cron.queued + excluded.queued, "
        "last_ts = GREATEST(coalesce(mail_cron.last_ts, 0), "
        "coalesce(excluded.last_ts, 0)), "
        "subject = coalesce(mail_cron.subject, excluded.subject), "
        "excerpt = coalesce(mail_cron.excerpt, excluded.excerpt)",
    /* S_FINDING_SAME for every finding of a report at once (each
     * (code, subject) once): the findings moved on come back by their
     * place in the report (1-based) */
    [S_PG_SAME] =
        "UPDATE findings f SET message = v.message, evidence = v.evidence, "
        "remedy = v.remedy, last_seen = ?2, last_report = ?3, cause_code = "
        "v.cc, cause_subject = v.cs FROM unnest(CAST(?4 AS text[]), "
        "CAST(?5 AS text[]), CAST(?6 AS text[]), CAST(?7 AS text[]), "
        "CAST(?8 AS text[]), CAST(?9 AS text[]), CAST(?10 AS text[]), "
        "CAST(?11 AS text[]), CAST(?12 AS bigint[])) WITH ORDINALITY AS "
        "v(code, subject, severity, message, evidence, remedy, cc, cs, "
        "symptom, n) WHERE f.host_id = ?1 AND f.code = v.code AND "
        "f.subject = v.subject AND f.resolved_at IS NULL AND f.severity = "
        "v.severity AND f.symptom = v.symptom RETURNING v.n",
    /* S_PG_SAME's arrays inserted, for a host without an open finding
     * (one open all the same, were the counts ever wrong, is left as
     * it was rather than failing every report of the host) */
    [S_PG_NEW] =
        "INSERT INTO findings (host_id, code, subject, severity, message, "
        "evidence, remedy, first_seen, last_seen, last_report, cause_code, "
        "cause_subject, symptom) SELECT CAST(?1 AS bigint), v.code, "
        "v.subject, v.severity, v.message, v.evidence, v.remedy, CAST(?2 AS "
        "bigint), CAST(?2 AS bigint), CAST(?3 AS bigint), v.cc, v.cs, "
        "v.symptom FROM unnest(CAST(?4 AS text[]), CAST(?5 AS text[]), "
        "CAST(?6 AS text[]), CAST(?7 AS text[]), CAST(?8 AS text[]), "
        "CAST(?9 AS text[]), CAST(?10 AS text[]), CAST(?11 AS text[]), "
        "CAST(?12 AS bigint[])) WITH ORDINALITY AS v(code, subject, "
        "severity, message, evidence, remedy, cc, cs, symptom, n) "
        "ORDER BY v.n ON CONFLICT (host_id, code, subject) WHERE "
        "resolved_at IS NULL DO NOTHING",
    /* into the batch's own part; its fleet sample (fleet_history.c)
     * adds it to fleet_history just before COMMIT, so that collectors
     * do not hold the minute's row for a whole batch */
    [S_FLEET_SYSERR] =
        "INSERT INTO fleet_syserr_part AS p (part, ts, n) VALUES "
        "(agg_part(), ?1, ?2) ON CONFLICT (part, ts) DO UPDATE SET n = "
        "p.n + excluded.n",
    [S_FINDING] =
        "WITH u AS (UPDATE findings SET severity = ?4, message = ?5, "
        "evidence = ?6, remedy = ?7, last_seen = ?8, last_report = ?9, "
        "cause_code = ?10::text, cause_subject = ?11::text, "
        "symptom = ?12::bigint "
        "WHERE host_id = ?1 AND code = ?2 AND subject = ?3 AND "
        "resolved_at IS NULL RETURNING 1) INSERT INTO findings (host_id, "
        "code, subject, severity, message, evidence, remedy, first_seen, "
        "last_seen, last_report, cause_code, cause_subject, symptom) "
        "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10::text, "
        "?11::text, ?12::bigint WHERE NOT EXISTS (SELECT 1 FROM u)",
    /* the aggregates' part rows of keys that add up to zero
     * (collector.pg.sql): at start, and here, so that a long-running
     * collector's parts do not grow with every vanished key */
    [S_RET_FOLD] = "SELECT agg_fold()",
    /* label_history is a view there: its kept rows, and the parts' old
     * minutes no batch has moved yet (fleet_history.c) */
    [S_RET_LABEL_HIST] =
        "WITH p AS (DELETE FROM label_history_part WHERE ts < ?1) "
        "DELETE FROM label_history_kept WHERE (key, value, metric, subject, "
        "ts) IN (SELECT key, value, metric, subject, ts FROM "
        "label_history_kept WHERE ts < ?1 LIMIT ?2)",
};

/* A report's history points are written together, HIST_ROWS rows to an
 * INSERT at most: one statement instead of one per point. */
#define HIST_ROWS 16

struct hist_point {
	const char *metric, *subject; /* static, or the report's strings */
	long long ts;
	double value;
};

/* The statements PostgreSQL does not use (S_PG_OPEN, S_PG_EVENTS and
 * S_PG_SAME do their work; S_STALE: S_RESOLVE runs anyway, its
 * statement-level triggers see no rows when nothing was stale). */
static const unsigned char sqlite_only[S_COUNT] = {
    [S_DUP] = 1,   [S_HOST_UPSERT] = 1, [S_REPORT] = 1,     [S_EVENT] = 1,
    [S_STALE] = 1, [S_STATE_GET] = 1,   [S_LABELS_GET] = 1,
};

/* The rows of a report's multi-row statements (PostgreSQL): one array
 * per column. */
enum { A_COLS = 9 };

/* A signature's counts of this report, as one row of S_SIG. */
struct sigrow {
	const char *sig, *kind;
	long long count, last_ts; /* last_ts -1: NULL */
};

struct store {
	sql_db *db;
	int pg; /* PostgreSQL: the S_PG_* statements */
	sql_stmt *st[S_COUNT];
	struct pg_array col[A_COLS];
	unsigned char *hit; /* S_PG_SAME: the findings moved on */
	size_t hit_cap;
	struct sigrow *rows; /* S_PG_SIGS' rows */
	size_t nrows, rows_cap;
	/* S_PG_OPEN's labels and state hash of the host */
	char *labels;
	size_t labels_cap;
	int have_labels, have_hash, have_open;
	long long hash;
	sql_stmt *hist[HIST_ROWS + 1]; /* [n]: n rows, prepared when needed */
	struct hist_point pend[HIST_ROWS];
	int npend;
	long long pend_host;
};

/* A signature seen in this report's events: how many were new, how many
 * were already stored (a resent event). */
struct sigacc {
	const char *sig;
	const char *kind;
	long long count, dups, last_ts;
};

/* The statements whose rows and sql_changes() store.c does not use:
 * deferred (PostgreSQL sends them without waiting, see sql.h); the
 * history INSERTs (hist_stmt) are too. */
static const unsigned char deferred[S_COUNT] = {
    [S_GROUP] = 1,      [S_SIG] = 1,        [S_FLEET_SYSERR] = 1,
    [S_SPOOL_DEL] = 1,  [S_SPOOL] = 1,      [S_FS_DEL] = 1,
    [S_FS] = 1,         [S_MBOX_DEL] = 1,   [S_MBOX] = 1,
    [S_CRON_DEL] = 1,   [S_CRON] = 1,       [S_QUEUED_DEL] = 1,
    [S_QUEUED] = 1,     [S_FINDING] = 1,    [S_RESOLVE] = 1,
    [S_HOST_STATE] = 1, [S_HOST_COUNT] = 1, [S_STATE_PUT] = 1,
    [S_LABELS_SET] = 1, [S_LABELS_DEL] = 1, [S_LABEL] = 1,
    [S_PG_SIGS] = 1,    [S_PG_NEW] = 1,
};

struct store *
store_new(sql_db *db, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof(*s));

	s->db = db;
	s->pg = sql_backend(db) == SQL_PG;
	for (int i = 0; i < S_COUNT; i++) {
		const char *text =
		    s->pg ? (sql_pg[i] ? sql_pg[i] : sql[i]) : sql[i];
		int flags = SQL_PREPARE_PERSISTENT |
		            (deferred[i] ? SQL_PREPARE_DEFERRED : 0);
		if (text == NULL || (s->pg && sqlite_only[i]))
			continue;
		if (sql_prepare(db, text, flags, &s->st[i]) != SQL_OK) {
			snprintf(err, errlen, "%s: %s",
			         sql_pick(db, "sqlite", "postgresql"),
			         sql_errmsg(db));
			store_free(s);
			return NULL;
		}
	}
	return s;
}

void
store_free(struct store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sql_finalize(s->st[i]);
	for (int i = 0; i <= HIST_ROWS; i++)
		sql_finalize(s->hist[i]);
	for (int i = 0; i < A_COLS; i++)
		pg_array_free(&s->col[i]);
	free(s->hit);
	free(s->rows);
	free(s->labels);
	free(s);
}

/* run - step a write statement to completion and reset it. */
static int
run(struct store *s, int i, char *err, size_t errlen)
{
	int rc = sql_step(s->st[i]);

	sql_reset(s->st[i]);
	sql_clear_bindings(s->st[i]);
	if (rc == SQL_DONE || rc == SQL_ROW)
		return SQL_OK;
	snprintf(err, errlen, "database: %s", sql_errmsg(s->db));
	return rc;
}

/* hist_stmt - the INSERT of n history rows. */
static sql_stmt *
hist_stmt(struct store *s, int n, char *err, size_t el)
{
	char text[96 + HIST_ROWS * 40];
	size_t len;

	if (s->hist[n])
		return s->hist[n];
	len = (size_t)snprintf(text, sizeof(text),
	                       "INSERT INTO history (host_id, metric, subject, "
	                       "ts, value) VALUES ");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		                        "%s(?%d, ?%d, ?%d, ?%d, ?%d)",
		                        i ? ", " : "", 5 * i + 1, 5 * i + 2,
		                        5 * i + 3, 5 * i + 4, 5 * i + 5);
	if (sql_prepare(s->db, text,
	                SQL_PREPARE_PERSISTENT | SQL_PREPARE_DEFERRED,
	                &s->hist[n]) != SQL_OK) {
		snprintf(err, el, "%s: %s",
		         sql_pick(s->db, "sqlite", "postgresql"),
		         sql_errmsg(s->db));
		s->hist[n] = NULL;
	}
	return s->hist[n];
}

/* history_flush - write the pending history points. */
static int
history_flush(struct store *s, char *err, size_t el)
{
	int n = s->npend, rc;
	sql_stmt *st;

	if (n == 0)
		return SQL_OK;
	s->npend = 0;
	if ((st = hist_stmt(s, n, err, el)) == NULL)
		return SQL_ERROR;
	for (int i = 0; i < n; i++) {
		const struct hist_point *h = &s->pend[i];
		sql_bind_int64(st, 5 * i + 1, s->pend_host);
		sql_bind_text(st, 5 * i + 2, h->metric, -1, SQL_STATIC);
		sql_bind_text(st, 5 * i + 3, h->subject, -1, SQL_STATIC);
		sql_bind_int64(st, 5 * i + 4, h->ts);
		sql_bind_double(st, 5 * i + 5, h->value);
	}
	rc = sql_step(st);
	sql_reset(st);
	sql_clear_bindings(st);
	if (rc == SQL_DONE)
		return SQL_OK;
	snprintf(err, el, "database: %s", sql_errmsg(s->db));
	return rc;
}

/* history - a point of host hid's curve (metric, subject), written by
 * history_flush before store_report returns.  subject must live as
 * long as the report. */
static int
history(struct store *s, long long hid, const char *metric, const char *subject,
        long long ts, double value, char *err, size_t el)
{
	int rc;

	if (s->npend == HIST_ROWS && (rc = history_flush(s, err, el)) != SQL_OK)
		return rc;
	s->pend_host = hid;
	s->pend[s->npend++] = (struct hist_point){metric, subject, ts, value};
	return SQL_OK;
}

/* fleet_syserr - add n SYSERR lines received at now to the fleet curve
 * of that minute (fleet_history). */
static int
fleet_syserr(struct store *s, long long now, long long n, char *err, size_t el)
{
	sql_stmt *st = s->st[S_FLEET_SYSERR];

	if (n <= 0)
		return SQL_OK;
	sql_bind_int64(st, 1, now - now % 60);
	sql_bind_double(st, 2, (double)n);
	return run(s, S_FLEET_SYSERR, err, el);
}

/* sigs_add - count one new event under its signature. */
static void
sigs_add(struct sigacc **v, size_t *n, const char *sig, const char *kind,
         long long ts, int dup)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i].sig, sig) == 0) {
			if (dup)
				(*v)[i].dups++;
			else
				(*v)[i].count++;
			if (ts > (*v)[i].last_ts)
				(*v)[i].last_ts = ts;
			return;
		}
	}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n] = (struct sigacc){sig, kind, !dup, dup, ts};
	(*n)++;
}

static long long
sigs_dups(const struct sigacc *v, size_t n, const char *sig)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].sig, sig) == 0)
			return v[i].dups;
	return 0;
}

static int
store_sig(struct store *s, long long hid, const char *sig, const char *kind,
          long long count, long long last_ts, char *err, size_t el)
{
	sql_stmt *st = s->st[S_SIG];

	sql_bind_text(st, 1, sig, -1, SQL_TRANSIENT);
	sql_bind_int64(st, 2, hid);
	db_bind_text(st, 3, kind);
	sql_bind_int64(st, 4, count);
	if (last_ts >= 0)
		sql_bind_int64(st, 5, last_ts);
	return run(s, S_SIG, err, el);
}

/* state_text - the report's latest-state parts as one JSON text (hashed
 * to tell whether the host's state changed). */
static char *
state_text(json_t *r)
{
	static const char *const keys[] = {"spools", "filesystems", "mta",
	                                   "mail",   "errors",      NULL};
	json_t *state = json_object();
	char *text;

	for (int k = 0; keys[k]; k++) {
		json_t *x = json_object_get(r, keys[k]);
		json_object_set(state, keys[k], x ? x : json_null());
	}
	text = json_dumps(state, JSON_COMPACT);
	json_decref(state);
	return text;
}

/* state_hash - FNV-1a of the state text, in 63 bits for an SQL integer. */
static long long
state_hash(const char *t)
{
	return (long long)(hash_fnv1a(HASH_FNV1A_BASIS, t, strlen(t)) >> 1);
}

/* prep_evidence - each finding's evidence as compact text (NULL: none),
 * dumped from the tree. */
static void
prep_evidence(json_t *r, struct report_prep *p)
{
	json_t *fs = json_object_get(r, "findings"), *f;
	size_t i;

	p->nfindings = json_array_size(fs);
	p->evidence = xcalloc(p->nfindings ? p->nfindings : 1, sizeof(char *));
	json_array_foreach(fs, i, f)
	{
		json_t *ev = json_object_get(f, "evidence");
		if (ev && !json_is_null(ev))
			p->evidence[i] =
			    json_dumps(ev, JSON_COMPACT | JSON_ENCODE_ANY);
	}
}

void
store_prepare(json_t *r, struct report_prep *p)
{
	json_t *events = json_object_get(r, "events"), *e;
	size_t i;

	p->state = state_text(r);
	p->hash = p->state ? state_hash(p->state) : 0;
	p->nevents = json_array_size(events);
	p->event_data = xcalloc(p->nevents ? p->nevents : 1, sizeof(char *));
	json_array_foreach(events, i, e) p->event_data[i] =
	    json_dumps(e, JSON_COMPACT);
	prep_evidence(r, p);
}

/* state_from_spans - state_text's object built from the report text. */
static char *
state_from_spans(const char *t, size_t len, const struct report_spans *sp)
{
	static const char *const keys[SPAN_STATE_N] = {
	    "{\"spools\":", ",\"filesystems\":", ",\"mta\":", ",\"mail\":",
	    ",\"errors\":"};
	struct strbuf b;

	/* at most the text and the keys */
	strbuf_init(&b, len + 64);
	for (int k = 0; k < SPAN_STATE_N; k++) {
		strbuf_appends(&b, keys[k]);
		if (sp->state[k].len) {
			char *v = compact_copy(t, sp->state[k]);
			strbuf_appends(&b, v);
			free(v);
		} else {
			strbuf_appends(&b, "null");
		}
	}
	strbuf_appendc(&b, '}');
	return strbuf_steal(&b);
}

void
store_prepare_text(json_t *r, const struct report_text *txt,
                   struct report_prep *p)
{
	struct report_spans sp;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (!txt->exact || report_spans(txt->text, txt->len, &sp) == -1) {
		store_prepare(r, p);
		return;
	}
	if (sp.nevents != json_array_size(json_object_get(r, "events")) ||
	    sp.nfindings != json_array_size(json_object_get(r, "findings"))) {
		report_spans_free(&sp);
		store_prepare(r, p);
		return;
	}
	p->state = state_from_spans(txt->text, txt->len, &sp);
	p->hash = state_hash(p->state);
	p->nevents = sp.nevents;
	p->event_data = xcalloc(p->nevents ? p->nevents : 1, sizeof(char *));
	for (i = 0; i < sp.nevents; i++)
		p->event_data[i] = compact_copy(txt->text, sp.events[i]);
	p->nfindings = sp.nfindings;
	p->evidence = xcalloc(p->nfindings ? p->nfindings : 1, sizeof(char *));
	for (i = 0; i < sp.nfindings; i++) {
		struct span e = sp.evidence[i];
		if (e.len &&
		    !(e.len == 4 && memcmp(txt->text + e.off, "null", 4) == 0))
			p->evidence[i] = compact_copy(txt->text, e);
	}
	report_spans_free(&sp);
}

void
store_prep_free(struct report_prep *p)
{
	if (p == NULL)
		return;
	free(p->state);
	for (size_t i = 0; p->event_data && i < p->nevents; i++)
		free(p->event_data[i]);
	free(p->event_data);
	for (size_t i = 0; p->evidence && i < p->nfindings; i++)
		free(p->evidence[i]);
	free(p->evidence);
	memset(p, 0, sizeof(*p));
}

/* sig_row - signature sig's new count in this report: S_SIG at once on
 * SQLite; on PostgreSQL a row of S_PG_SIGS (sig_rows_flush), a
 * signature seen again added to its row as S_SIG's upsert would. */
static int
sig_row(struct store *s, long long hid, const char *sig, const char *kind,
        long long count, long long last_ts, char *err, size_t el)
{
	struct sigrow *g;

	if (!s->pg)
		return store_sig(s, hid, sig, kind, count, last_ts, err, el);
	for (size_t i = 0; i < s->nrows; i++) {
		g = &s->rows[i];
		if (strcmp(g->sig, sig) != 0)
			continue;
		/* the upsert's count and max(coalesce(.., 0), ..) */
		g->count += count;
		if (g->last_ts < 0)
			g->last_ts = 0;
		if (last_ts > g->last_ts)
			g->last_ts = last_ts;
		return SQL_OK;
	}
	if (s->nrows == s->rows_cap) {
		s->rows_cap = s->rows_cap ? 2 * s->rows_cap : 16;
		s->rows = xrealloc(s->rows, s->rows_cap * sizeof(*s->rows));
	}
	s->rows[s->nrows++] = (struct sigrow){sig, kind, count, last_ts};
	return SQL_OK;
}

/* sig_rows_flush - PostgreSQL: sig_row's rows in one S_PG_SIGS. */
static int
sig_rows_flush(struct store *s, long long hid, char *err, size_t el)
{
	sql_stmt *st = s->st[S_PG_SIGS];
	struct pg_array *c = s->col;

	if (!s->pg || s->nrows == 0)
		return SQL_OK;
	for (int k = 0; k < 4; k++)
		pg_array_start(&c[k]);
	for (size_t i = 0; i < s->nrows; i++) {
		pg_array_text(&c[0], s->rows[i].sig);
		pg_array_text(&c[1], s->rows[i].kind);
		pg_array_int(&c[2], s->rows[i].count);
		if (s->rows[i].last_ts >= 0)
			pg_array_int(&c[3], s->rows[i].last_ts);
		else
			pg_array_null(&c[3]);
	}
	s->nrows = 0;
	sql_bind_int64(st, 1, hid);
	for (int k = 0; k < 4; k++)
		sql_bind_text(st, k + 2, pg_array_end(&c[k]), -1, SQL_STATIC);
	return run(s, S_PG_SIGS, err, el);
}

/* event_text - event i's stored text: prepared, or dumped here (*mine,
 * to free). */
static const char *
event_text(json_t *e, const struct report_prep *p, size_t i, char **mine)
{
	*mine = NULL;
	if (p && i < p->nevents && p->event_data[i])
		return p->event_data[i];
	return *mine = json_dumps(e, JSON_COMPACT);
}

/* events_pg - every event in one S_PG_EVENTS, stepped to its first
 * row: the ids inserted, in the report's order (events_new reads them). */
static int
events_pg(struct store *s, json_t *events, const struct report_prep *p,
          long long hid, char *err, size_t el)
{
	sql_stmt *st = s->st[S_PG_EVENTS];
	struct pg_array *c = s->col;
	size_t i;
	json_t *e;
	int rc;

	for (int k = 0; k < 5; k++)
		pg_array_start(&c[k]);
	json_array_foreach(events, i, e)
	{
		char *mine;
		const char *data = event_text(e, p, i, &mine);
		if (data == NULL) {
			snprintf(err, el, "out of memory");
			return SQL_NOMEM;
		}
		pg_array_text(&c[0], jsonutil_str(e, "id", NULL));
		pg_array_int(&c[1], json_ts(e, "ts", 0));
		pg_array_text(&c[2], jsonutil_str(e, "kind", "other"));
		pg_array_text(&c[3], jsonutil_str(e, "signature", NULL));
		pg_array_text(&c[4], data);
		free(mine);
	}
	sql_bind_int64(st, 1, hid);
	for (int k = 0; k < 5; k++)
		sql_bind_text(st, k + 2, pg_array_end(&c[k]), -1, SQL_STATIC);
	rc = sql_step(st);
	if (rc != SQL_ROW && rc != SQL_DONE) {
		sql_reset(st);
		snprintf(err, el, "database: %s", sql_errmsg(s->db));
		return rc;
	}
	return rc;
}

/* event_one - event i on SQLite: *dup when the host had its id. */
static int
event_one(struct store *s, json_t *e, const struct report_prep *p, size_t i,
          long long hid, int *dup, char *err, size_t el)
{
	sql_stmt *st = s->st[S_EVENT];
	char *mine;
	const char *data = event_text(e, p, i, &mine);
	int rc;

	if (data == NULL) {
		snprintf(err, el, "out of memory");
		return SQL_NOMEM;
	}
	sql_bind_int64(st, 1, hid);
	db_bind_jstr(st, 2, e, "id");
	sql_bind_int64(st, 3, json_ts(e, "ts", 0));
	sql_bind_text(st, 4, jsonutil_str(e, "kind", "other"), -1,
	              SQL_TRANSIENT);
	db_bind_text(st, 5, jsonutil_str(e, "signature", NULL));
	if (mine)
		sql_bind_text(st, 6, mine, -1, free);
	else
		sql_bind_text(st, 6, data, -1, SQL_STATIC);
	if ((rc = run(s, S_EVENT, err, el)) == SQL_OK)
		*dup = sql_changes(s->db) == 0;
	return rc;
}

/* store_events - events (deduplicated), groups, signatures; *syserr is
 * the number of SYSERR lines this report adds. */
static int
store_events(struct store *s, json_t *r, const struct report_prep *p,
             long long hid, long long rpk, long long *syserr, char *err,
             size_t el)
{
	json_t *events = json_object_get(r, "events");
	json_t *groups = json_object_get(r, "event_groups");
	struct sigacc *sigs = NULL;
	size_t nsigs = 0, i;
	json_t *e;
	int rc = SQL_OK, dup, row = SQL_DONE;
	int have_groups = json_array_size(groups) > 0;

	*syserr = 0;
	s->nrows = 0;
	if (s->pg && json_array_size(events) > 0 &&
	    (row = events_pg(s, events, p, hid, err, el)) != SQL_ROW &&
	    row != SQL_DONE)
		return row;
	json_array_foreach(events, i, e)
	{
		const char *sig = jsonutil_str(e, "signature", NULL);
		const char *kind = jsonutil_str(e, "kind", "other");

		if (s->pg) {
			/* new: the next id S_PG_EVENTS inserted is this one's
			 * (a later event of the same id is a duplicate) */
			sql_stmt *st = s->st[S_PG_EVENTS];
			dup = !(row == SQL_ROW &&
			        strcmp((const char *)sql_column_text(st, 0),
			               jsonutil_str(e, "id", "")) == 0);
			if (!dup)
				row = sql_step(st);
		} else if ((rc = event_one(s, e, p, i, hid, &dup, err, el)) !=
		           SQL_OK) {
			break;
		}
		if (!dup && !have_groups && strcmp(kind, "syserr") == 0)
			(*syserr)++;
		if (sig && *sig)
			sigs_add(&sigs, &nsigs, sig, kind, json_ts(e, "ts", 0),
			         dup);
	}
	if (s->pg && json_array_size(events) > 0) {
		sql_reset(s->st[S_PG_EVENTS]);
		sql_clear_bindings(s->st[S_PG_EVENTS]);
	}
	for (i = 0; rc == SQL_OK && !have_groups && i < nsigs; i++)
		if (sigs[i].count > 0)
			rc = sig_row(s, hid, sigs[i].sig, sigs[i].kind,
			             sigs[i].count, sigs[i].last_ts, err, el);
	if (rc != SQL_OK) {
		free(sigs);
		return rc;
	}
	/* Groups carry the counts (events[] may be capped); lines already
	 * stored from an earlier report are not counted again. */
	json_array_foreach(groups, i, e)
	{
		sql_stmt *st = s->st[S_GROUP];
		const char *kind = jsonutil_str(e, "kind", NULL);
		long long count =
		    jsonutil_int(e, "count", 0) -
		    sigs_dups(sigs, nsigs, jsonutil_str(e, "signature", ""));

		if (count <= 0)
			continue;

		sql_bind_int64(st, 1, hid);
		sql_bind_int64(st, 2, rpk);
		db_bind_jstr(st, 3, e, "signature");
		db_bind_text(st, 4, kind);
		sql_bind_int64(st, 5, count);
		db_bind_jts(st, 6, e, "first_ts");
		db_bind_jts(st, 7, e, "last_ts");
		db_bind_jstr(st, 8, e, "example");
		if ((rc = run(s, S_GROUP, err, el)) != SQL_OK)
			break;
		if (kind && strcmp(kind, "syserr") == 0)
			*syserr += count;
		rc = sig_row(s, hid, jsonutil_str(e, "signature", ""), kind,
		             count, json_ts(e, "last_ts", -1), err, el);
		if (rc != SQL_OK)
			break;
	}
	free(sigs);
	if (rc == SQL_OK)
		rc = sig_rows_flush(s, hid, err, el);
	return rc;
}

/* store_spools - the spools table (when tables) and the curve points. */
static int
store_spools(struct store *s, json_t *r, long long hid, long long ts,
             int tables, char *err, size_t el)
{
	json_t *sp;
	size_t i;
	int rc;

	if (tables) {
		sql_bind_int64(s->st[S_SPOOL_DEL], 1, hid);
		if ((rc = run(s, S_SPOOL_DEL, err, el)) != SQL_OK)
			return rc;
	}
	json_array_foreach(json_object_get(r, "spools"), i, sp)
	{
		sql_stmt *st = s->st[S_SPOOL];
		if (!tables)
			goto curve;
		sql_bind_int64(st, 1, hid);
		db_bind_jstr(st, 2, sp, "path");
		db_bind_jstr(st, 3, sp, "role");
		db_bind_jbool(st, 4, sp, "exists");
		db_bind_jstr(st, 5, sp, "owner");
		db_bind_jstr(st, 6, sp, "group");
		db_bind_jstr(st, 7, sp, "mode");
		db_bind_jint(st, 8, sp, "entries");
		db_bind_jint(st, 9, sp, "orphans");
		db_bind_jint(st, 10, sp, "oldest_age_s");
		db_bind_jint(st, 11, sp, "dir_size_bytes");
		db_bind_jbool(st, 12, sp, "ok");
		if ((rc = run(s, S_SPOOL, err, el)) != SQL_OK)
			return rc;
	curve:
		if (json_is_integer(json_object_get(sp, "entries")) &&
		    (rc = history(s, hid, "spool_entries",
		                  jsonutil_str(sp, "path", ""), ts,
		                  (double)jsonutil_int(sp, "entries", 0), err,
		                  el)) != SQL_OK)
			return rc;
	}
	return SQL_OK;
}

/* store_fs - the filesystems table (when tables) and the curve points. */
static int
store_fs(struct store *s, json_t *r, long long hid, long long ts, int tables,
         char *err, size_t el)
{
	json_t *fs;
	size_t i;
	int rc;

	if (tables) {
		sql_bind_int64(s->st[S_FS_DEL], 1, hid);
		if ((rc = run(s, S_FS_DEL, err, el)) != SQL_OK)
			return rc;
	}
	json_array_foreach(json_object_get(r, "filesystems"), i, fs)
	{
		sql_stmt *st = s->st[S_FS];
		json_t *pct = json_object_get(fs, "inodes_used_pct");
		if (!tables)
			goto curve;
		sql_bind_int64(st, 1, hid);
		db_bind_jstr(st, 2, fs, "mount");
		db_bind_jstr(st, 3, fs, "device");
		db_bind_jstr(st, 4, fs, "fstype");
		db_bind_jint(st, 5, fs, "inodes_total");
		db_bind_jint(st, 6, fs, "inodes_used");
		db_bind_jint(st, 7, fs, "inodes_free");
		db_bind_jreal(st, 8, fs, "inodes_used_pct");
		db_bind_jint(st, 9, fs, "bytes_total");
		db_bind_jint(st, 10, fs, "bytes_free");
		sql_bind_int(st, 11,
		             mailfs_can_fill(jsonutil_str(fs, "fstype", NULL),
		                             jsonutil_str(fs, "mount", NULL)));
		if ((rc = run(s, S_FS, err, el)) != SQL_OK)
			return rc;
	curve:
		if (json_is_number(pct) &&
		    (rc = history(s, hid, "inodes_used_pct",
		                  jsonutil_str(fs, "mount", ""), ts,
		                  json_number_value(pct), err, el)) != SQL_OK)
			return rc;
	}
	return SQL_OK;
}

/* Messages of one cron command: in the mailbox (of which unread), queued. */
struct cron_n {
	long long inbox, unread, queued;
};

/* mailbox_cron_n - a mailbox cron entry's counts: count messages, of
 * which the agent's unread (none when it says nothing; never more). */
static struct cron_n
mailbox_cron_n(json_t *cr)
{
	struct cron_n n = {jsonutil_int(cr, "count", 1),
	                   jsonutil_int(cr, "unread", 0), 0};

	if (n.inbox < 1)
		n.inbox = 1;
	if (n.unread < 0)
		n.unread = 0;
	if (n.unread > n.inbox)
		n.unread = n.inbox;
	return n;
}

static int
store_cron(struct store *s, long long hid, const char *command,
           const char *user, struct cron_n n, json_t *src, char *err, size_t el)
{
	sql_stmt *st = s->st[S_CRON];

	sql_bind_int64(st, 1, hid);
	sql_bind_text(st, 2, command, -1, SQL_TRANSIENT);
	db_bind_text(st, 3, user);
	sql_bind_int64(st, 4, n.inbox);
	sql_bind_int64(st, 5, n.queued);
	sql_bind_int64(st, 9, n.unread);
	if (n.inbox) {
		db_bind_jts(st, 6, src, "last_ts");
		db_bind_jstr(st, 7, src, "subject");
		db_bind_jstr(st, 8, src, "excerpt");
	} else {
		db_bind_jts(st, 6, src, "created_ts");
		db_bind_jstr(st, 7, src, "subject");
	}
	return run(s, S_CRON, err, el);
}

/* store_mail - mailboxes, cron groups, queued mail; totals out. */
static int
store_mail(struct store *s, json_t *r, long long hid, int tables,
           long long *queued, long long *unread, char *err, size_t el)
{
	json_t *mail = json_object_get(r, "mail");
	json_t *mb, *cr, *q;
	size_t i, j;
	int rc;

	*unread = 0;
	*queued = jsonutil_int(
	    mail, "queued_total",
	    (long long)json_array_size(json_object_get(mail, "queued")));
	if (!tables) {
		json_array_foreach(json_object_get(mail, "mailboxes"), i,
		                   mb) *unread += jsonutil_int(mb, "unread", 0);
		return SQL_OK;
	}
	for (int k = S_MBOX_DEL; k <= S_QUEUED_DEL; k += 2) {
		sql_bind_int64(s->st[k], 1, hid);
		if ((rc = run(s, k, err, el)) != SQL_OK)
			return rc;
	}
	json_array_foreach(json_object_get(mail, "mailboxes"), i, mb)
	{
		sql_stmt *st = s->st[S_MBOX];
		sql_bind_int64(st, 1, hid);
		db_bind_jstr(st, 2, mb, "user");
		sql_bind_text(st, 3, jsonutil_str(mb, "path", ""), -1,
		              SQL_TRANSIENT);
		db_bind_jint(st, 4, mb, "messages");
		db_bind_jint(st, 5, mb, "unread");
		db_bind_jint(st, 6, mb, "bytes");
		db_bind_jts(st, 7, mb, "oldest_ts");
		db_bind_jts(st, 8, mb, "newest_ts");
		if ((rc = run(s, S_MBOX, err, el)) != SQL_OK)
			return rc;
		*unread += jsonutil_int(mb, "unread", 0);
		json_array_foreach(json_object_get(mb, "cron"), j, cr)
		{
			rc = store_cron(
			    s, hid, jsonutil_str(cr, "command", ""),
			    jsonutil_str(cr, "user",
			                 jsonutil_str(mb, "user", NULL)),
			    mailbox_cron_n(cr), cr, err, el);
			if (rc != SQL_OK)
				return rc;
		}
	}
	json_array_foreach(json_object_get(mail, "queued"), i, q)
	{
		sql_stmt *st = s->st[S_QUEUED];
		json_t *to = json_object_get(q, "to");
		const char *cmd = jsonutil_str(q, "cron_command", NULL);
		sql_bind_int64(st, 1, hid);
		sql_bind_text(st, 2, jsonutil_str(q, "queue", ""), -1,
		              SQL_TRANSIENT);
		db_bind_jstr(st, 3, q, "id");
		db_bind_jstr(st, 4, q, "from");
		if (json_is_array(to))
			sql_bind_text(st, 5, json_dumps(to, JSON_COMPACT), -1,
			              free);
		db_bind_jstr(st, 6, q, "subject");
		db_bind_jts(st, 7, q, "created_ts");
		db_bind_jint(st, 8, q, "tries");
		db_bind_jstr(st, 9, q, "status");
		db_bind_text(st, 10, cmd);
		if ((rc = run(s, S_QUEUED, err, el)) != SQL_OK)
			return rc;
		if (cmd && *cmd &&
		    (rc = store_cron(s, hid, cmd, NULL,
		                     (struct cron_n){0, 0, 1}, q, err, el)) !=
		        SQL_OK)
			return rc;
	}
	return SQL_OK;
}

/* bind_finding - finding f of report rpk (seen at ts) as ?1..?12 of
 * S_FINDING_SAME and S_FINDING: evidence its compact text (or NULL),
 * caused_by as reported (?10, ?11) and whether it is a symptom of an open
 * cause, one of this report's findings (?12).  Text is bound without a
 * copy: f and evidence outlive the statement's reset. */
static void
bind_finding(sql_stmt *st, json_t *f, long long hid, long long rpk,
             long long ts, const char *evidence, long folded)
{
	json_t *cb = json_object_get(f, "caused_by");

	sql_bind_int64(st, 1, hid);
	db_bind_jstr(st, 2, f, "code");
	sql_bind_text(st, 3, jsonutil_str(f, "subject", ""), -1, SQL_STATIC);
	db_bind_jstr(st, 4, f, "severity");
	db_bind_jstr(st, 5, f, "message");
	db_bind_text(st, 6, evidence);
	db_bind_jstr(st, 7, f, "remedy");
	sql_bind_int64(st, 8, ts);
	sql_bind_int64(st, 9, rpk);
	db_bind_jstr(st, 10, cb, "code");
	db_bind_jstr(st, 11, cb, "subject");
	sql_bind_int(st, 12, folded >= 0);
}

/* store_finding - one finding: moved on in place when it is open with
 * the same severity and role (the usual report), else the upsert that
 * opens it or changes its severity or role; a host without a stored
 * state yet (fresh) has no finding to move on. */
static int
store_finding(struct store *s, json_t *f, const char *prepared, long long hid,
              long long rpk, long long ts, long folded, int fresh, char *err,
              size_t el)
{
	/* fresh: also a finding S_PG_SAME did not move on */
	json_t *ev = json_object_get(f, "evidence");
	char *mine = NULL;
	const char *evidence = prepared;
	int rc;

	if (evidence == NULL && ev && !json_is_null(ev) &&
	    (evidence = mine =
	         json_dumps(ev, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL) {
		snprintf(err, el, "out of memory");
		return SQL_NOMEM;
	}
	if (fresh) {
		rc = SQL_OK;
	} else {
		bind_finding(s->st[S_FINDING_SAME], f, hid, rpk, ts, evidence,
		             folded);
		rc = run(s, S_FINDING_SAME, err, el);
	}
	if (rc == SQL_OK && (fresh || sql_changes(s->db) == 0)) {
		bind_finding(s->st[S_FINDING], f, hid, rpk, ts, evidence,
		             folded);
		rc = run(s, S_FINDING, err, el);
	}
	free(mine);
	return rc;
}

/* keys_unique - no two findings of fs have the same (code, subject). */
static int
keys_unique(json_t *fs)
{
	size_t n = json_array_size(fs);

	for (size_t i = 0; i < n; i++) {
		json_t *a = json_array_get(fs, i);
		for (size_t j = i + 1; j < n; j++) {
			json_t *b = json_array_get(fs, j);
			if (strcmp(jsonutil_str(a, "code", ""),
			           jsonutil_str(b, "code", "")) == 0 &&
			    strcmp(jsonutil_str(a, "subject", ""),
			           jsonutil_str(b, "subject", "")) == 0)
				return 0;
		}
	}
	return 1;
}

/* findings_pg - every finding in one statement: S_PG_SAME (s->hit[i]
 * is 1 for each finding it moved on) or S_PG_NEW (all inserted). */
static int
findings_pg(struct store *s, int which, json_t *fs, const struct report_prep *p,
            const long *folds, long long hid, long long rpk, long long ts,
            char *err, size_t el)
{
	sql_stmt *st = s->st[which];
	struct pg_array *c = s->col;
	size_t n = json_array_size(fs), i;
	json_t *f;
	int rc;

	if (n > s->hit_cap) {
		s->hit_cap = n;
		s->hit = xrealloc(s->hit, n);
	}
	memset(s->hit, 0, n);
	for (int k = 0; k < 9; k++)
		pg_array_start(&c[k]);
	json_array_foreach(fs, i, f)
	{
		json_t *ev = json_object_get(f, "evidence");
		json_t *cb = json_object_get(f, "caused_by");
		const char *evidence =
		    p && i < p->nfindings ? p->evidence[i] : NULL;
		char *mine = NULL;

		if (evidence == NULL && ev && !json_is_null(ev) &&
		    (evidence = mine = json_dumps(
		         ev, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL) {
			snprintf(err, el, "out of memory");
			return SQL_NOMEM;
		}
		pg_array_text(&c[0], jsonutil_str(f, "code", NULL));
		pg_array_text(&c[1], jsonutil_str(f, "subject", ""));
		pg_array_text(&c[2], jsonutil_str(f, "severity", NULL));
		pg_array_text(&c[3], jsonutil_str(f, "message", NULL));
		pg_array_text(&c[4], evidence);
		pg_array_text(&c[5], jsonutil_str(f, "remedy", NULL));
		pg_array_text(&c[6], jsonutil_str(cb, "code", NULL));
		pg_array_text(&c[7], jsonutil_str(cb, "subject", NULL));
		pg_array_int(&c[8], folds[i] >= 0);
		free(mine);
	}
	sql_bind_int64(st, 1, hid);
	sql_bind_int64(st, 2, ts);
	sql_bind_int64(st, 3, rpk);
	for (int k = 0; k < 9; k++)
		sql_bind_text(st, k + 4, pg_array_end(&c[k]), -1, SQL_STATIC);
	if (which == S_PG_NEW)
		return run(s, S_PG_NEW, err, el);
	while ((rc = sql_step(st)) == SQL_ROW) {
		long long k = sql_column_int64(st, 0);
		if (k >= 1 && (size_t)k <= n)
			s->hit[k - 1] = 1;
	}
	sql_reset(st);
	sql_clear_bindings(st);
	if (rc != SQL_DONE) {
		snprintf(err, el, "database: %s", sql_errmsg(s->db));
		return rc;
	}
	return SQL_OK;
}

/* store_findings - upsert every finding, resolve the ones not carried;
 * *mta_down when an mta.down finding is open. */
static int
store_findings(struct store *s, json_t *r, const struct report_prep *p,
               long long hid, long long rpk, long long ts, int fresh,
               int *mta_down, char *err, size_t el)
{
	json_t *fs = json_object_get(r, "findings"), *f;
	long *folds = xcalloc(json_array_size(fs) + 1, sizeof(*folds));
	size_t i;
	int rc, multi;

	incident_folds(fs, folds);
	/* PostgreSQL: a host without an open finding gets all of them in
	 * one INSERT; else the usual report's findings all move on in one
	 * statement, then the others one by one */
	multi = s->pg && json_array_size(fs) > 0 && keys_unique(fs);
	if (multi &&
	    (rc = findings_pg(s, s->have_open ? S_PG_SAME : S_PG_NEW, fs, p,
	                      folds, hid, rpk, ts, err, el)) != SQL_OK) {
		free(folds);
		return rc;
	}
	if (multi && !s->have_open)
		memset(s->hit, 1, json_array_size(fs));
	json_array_foreach(fs, i, f)
	{
		const char *ev = p && i < p->nfindings ? p->evidence[i] : NULL;
		if ((!multi || !s->hit[i]) &&
		    (rc = store_finding(s, f, ev, hid, rpk, ts, folds[i],
		                        fresh || multi, err, el)) != SQL_OK) {
			free(folds);
			return rc;
		}
		if (strcmp(jsonutil_str(f, "code", ""), "mta.down") == 0)
			*mta_down = 1;
	}
	free(folds);
	if (s->pg && !s->have_open) /* every open one is this report's */
		return SQL_OK;
	if (s->pg) /* no S_STALE: see sqlite_only */
		goto resolve;
	sql_bind_int64(s->st[S_STALE], 1, hid);
	sql_bind_int64(s->st[S_STALE], 2, rpk);
	rc = sql_step(s->st[S_STALE]);
	sql_reset(s->st[S_STALE]);
	if (rc == SQL_DONE)
		return SQL_OK;
	if (rc != SQL_ROW) {
		snprintf(err, el, "database: %s", sql_errmsg(s->db));
		return rc;
	}
resolve:
	sql_bind_int64(s->st[S_RESOLVE], 1, hid);
	sql_bind_int64(s->st[S_RESOLVE], 2, rpk);
	sql_bind_int64(s->st[S_RESOLVE], 3, ts);
	return run(s, S_RESOLVE, err, el);
}

static int
store_host_state(struct store *s, json_t *r, long long hid, long long ts,
                 long long order, int mta_down, long long queued,
                 long long unread, char *err, size_t el)
{
	sql_stmt *st = s->st[S_HOST_STATE], *cnt = s->st[S_COUNTS];
	json_t *host = json_object_get(r, "host");
	json_t *mta = json_object_get(r, "mta");
	const char *kind = jsonutil_str(mta, "kind", NULL);
	long long crit = 0, warn = 0, info = 0;
	int rc;

	sql_bind_int64(cnt, 1, hid);
	if (sql_step(cnt) == SQL_ROW) {
		crit = sql_column_int64(cnt, 0);
		warn = sql_column_int64(cnt, 1);
		info = sql_column_int64(cnt, 2);
	}
	sql_reset(cnt);
	if ((rc = history(s, hid, "open_findings", "critical", ts, (double)crit,
	                  err, el)) != SQL_OK ||
	    (rc = history(s, hid, "open_findings", "warning", ts, (double)warn,
	                  err, el)) != SQL_OK ||
	    (rc = history(s, hid, "open_findings", "info", ts, (double)info,
	                  err, el)) != SQL_OK)
		return rc;
	/* mta_down is the open mta.down finding and nothing else: the
	 * overview's tile, /metrics and ?finding=mta.down count the same
	 * hosts (an MTA that is not running while no mail waits for it is
	 * no finding of the agent's, and no MTA down here either). */
	sql_bind_int64(st, 1, hid);
	db_bind_jstr(st, 2, host, "os");
	db_bind_jstr(st, 3, host, "kernel");
	db_bind_jstr(st, 4, json_object_get(r, "agent"), "version");
	sql_bind_int64(st, 5, ts);
	db_bind_jint(st, 6, r, "interval_s");
	db_bind_jstr(st, 7, r, "report_id");
	db_bind_text(st, 8, kind);
	db_bind_jbool(st, 9, mta, "daemon_running");
	db_bind_jbool(st, 10, mta, "smtp_listening");
	sql_bind_int(st, 11, mta_down);
	sql_bind_int64(st, 12, queued);
	sql_bind_int64(st, 13, unread);
	sql_bind_int64(st, 14, crit);
	sql_bind_int64(st, 15, warn);
	sql_bind_int64(st, 16, info);
	sql_bind_int64(st, 17, order);
	return run(s, S_HOST_STATE, err, el);
}

/*
 * store_labels - host.labels (none: {}) as hosts.labels, keys sorted, and
 * one host_labels row each; nothing is written when they did not change.
 */
static int
store_labels(struct store *s, json_t *r, long long hid, char *err, size_t el)
{
	json_t *l = json_object_get(json_object_get(r, "host"), "labels");
	sql_stmt *st = s->st[S_LABELS_GET];
	char *text;
	const char *k;
	json_t *v;
	int rc, same;

	if (!json_is_object(l))
		l = NULL;
	text = l ? json_dumps(l, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (l && text == NULL) {
		snprintf(err, el, "out of memory");
		return SQL_NOMEM;
	}
	if (s->pg) { /* read by S_PG_OPEN */
		same = s->have_labels &&
		       strcmp(s->labels, text ? text : "{}") == 0;
	} else {
		sql_bind_int64(st, 1, hid);
		rc = sql_step(st);
		same = rc == SQL_ROW && sql_column_type(st, 0) != SQL_NULL &&
		       strcmp((const char *)sql_column_text(st, 0),
		              text ? text : "{}") == 0;
		sql_reset(st);
	}
	if (same) {
		free(text);
		return SQL_OK;
	}
	sql_bind_int64(s->st[S_LABELS_SET], 1, hid);
	sql_bind_text(s->st[S_LABELS_SET], 2, text ? text : "{}", -1,
	              SQL_TRANSIENT);
	free(text);
	sql_bind_int64(s->st[S_LABELS_DEL], 1, hid);
	if ((rc = run(s, S_LABELS_SET, err, el)) != SQL_OK ||
	    (rc = run(s, S_LABELS_DEL, err, el)) != SQL_OK)
		return rc;
	json_object_foreach(l, k, v)
	{
		sql_bind_int64(s->st[S_LABEL], 1, hid);
		sql_bind_text(s->st[S_LABEL], 2, k, -1, SQL_STATIC);
		db_bind_text(s->st[S_LABEL], 3, json_string_value(v));
		if ((rc = run(s, S_LABEL, err, el)) != SQL_OK)
			return rc;
	}
	return SQL_OK;
}

/*
 * state_changed - store the host's latest state text if it differs from
 * the stored one (by hash); *changed tells whether the spools,
 * filesystems and mail tables must be rewritten too.
 */
static int
state_changed(struct store *s, json_t *r, const struct report_prep *p,
              long long hid, int *changed, char *err, size_t el)
{
	sql_stmt *st = s->st[S_STATE_GET];
	char *mine = NULL;
	const char *text;
	long long hash;
	int rc;

	if (p && p->state) {
		text = p->state;
		hash = p->hash;
	} else {
		text = mine = state_text(r);
		hash = mine ? state_hash(mine) : 0;
	}
	if (text == NULL) {
		snprintf(err, el, "out of memory");
		return SQL_NOMEM;
	}
	if (s->pg) { /* read by S_PG_OPEN */
		*changed = !s->have_hash || s->hash != hash;
	} else {
		sql_bind_int64(st, 1, hid);
		rc = sql_step(st);
		*changed = rc != SQL_ROW || sql_column_int64(st, 0) != hash;
		sql_reset(st);
		if (rc != SQL_ROW && rc != SQL_DONE) {
			free(mine);
			snprintf(err, el, "database: %s", sql_errmsg(s->db));
			return rc;
		}
	}
	if (*changed) {
		st = s->st[S_STATE_PUT];
		sql_bind_int64(st, 1, hid);
		sql_bind_int64(st, 2, hash);
		sql_bind_text(st, 3, text, -1, SQL_STATIC);
		rc = run(s, S_STATE_PUT, err, el);
	} else {
		rc = SQL_OK;
	}
	free(mine);
	return rc;
}

/* open_sqlite - the duplicate check, the host upsert and the report's
 * row: *hid, its state_order before (*prev, -1: no state yet) and the
 * report's id (*rpk, -1: a duplicate, nothing written). */
static int
open_sqlite(struct store *s, json_t *r, const char *rid, long long ts,
            long long now, long long *hid, long long *prev, long long *rpk,
            char *err, size_t el)
{
	sql_stmt *st = s->st[S_DUP];
	int rc;

	*rpk = -1;
	sql_bind_text(st, 1, rid, -1, SQL_TRANSIENT);
	rc = sql_step(st);
	sql_reset(st);
	if (rc == SQL_ROW)
		return SQL_OK;
	if (rc != SQL_DONE) {
		snprintf(err, el, "database: %s", sql_errmsg(s->db));
		return rc;
	}

	st = s->st[S_HOST_UPSERT];
	db_bind_jstr(st, 1, json_object_get(r, "host"), "name");
	sql_bind_int64(st, 2, now);
	rc = sql_step(st);
	if (rc != SQL_ROW) {
		snprintf(err, el, "database: %s", sql_errmsg(s->db));
		sql_reset(st);
		return rc == SQL_DONE ? SQL_ERROR : rc;
	}
	*hid = sql_column_int64(st, 0);
	*prev = sql_column_int64(st, 1);
	sql_step(st);
	sql_reset(st);

	st = s->st[S_REPORT];
	sql_bind_text(st, 1, rid, -1, SQL_TRANSIENT);
	sql_bind_int64(st, 2, *hid);
	sql_bind_int64(st, 3, ts);
	sql_bind_int64(st, 4, now);
	sql_bind_int64(
	    st, 5, (long long)json_array_size(json_object_get(r, "events")));
	sql_bind_int64(
	    st, 6, (long long)json_array_size(json_object_get(r, "findings")));
	rc = sql_step(st);
	*rpk = rc == SQL_ROW ? sql_column_int64(st, 0) : -1;
	if (rc == SQL_ROW)
		rc = sql_step(st);
	sql_reset(st);
	sql_clear_bindings(st);
	if (rc != SQL_DONE) {
		snprintf(err, el, "%s", sql_errmsg(s->db));
		return rc;
	}
	/* *rpk -1: another collector stored it since S_DUP looked (the
	 * host's lock made this one wait): the same duplicate */
	return SQL_OK;
}

/* open_pg - open_sqlite's work in one statement (S_PG_OPEN), which also
 * reads the host's labels and state hash for store_labels and
 * state_changed. */
static int
open_pg(struct store *s, json_t *r, const char *rid, long long ts,
        long long now, long long *hid, long long *prev, long long *rpk,
        char *err, size_t el)
{
	sql_stmt *st = s->st[S_PG_OPEN];
	int rc;

	*rpk = -1;
	sql_bind_text(st, 1, rid, -1, SQL_TRANSIENT);
	db_bind_jstr(st, 2, json_object_get(r, "host"), "name");
	sql_bind_int64(st, 3, now);
	sql_bind_int64(st, 4, ts);
	sql_bind_int64(
	    st, 5, (long long)json_array_size(json_object_get(r, "events")));
	sql_bind_int64(
	    st, 6, (long long)json_array_size(json_object_get(r, "findings")));
	rc = sql_step(st);
	if (rc == SQL_ROW) {
		*hid = sql_column_int64(st, 0);
		*prev = sql_column_int64(st, 1);
		s->have_labels = sql_column_type(st, 2) != SQL_NULL;
		if (s->have_labels) {
			size_t n = (size_t)sql_column_bytes(st, 2);
			if (n + 1 > s->labels_cap) {
				s->labels_cap = n + 1;
				s->labels = xrealloc(s->labels, n + 1);
			}
			memcpy(s->labels, sql_column_text(st, 2), n + 1);
		}
		s->have_hash = sql_column_type(st, 3) != SQL_NULL;
		s->hash = sql_column_int64(st, 3);
		if (sql_column_type(st, 4) != SQL_NULL)
			*rpk = sql_column_int64(st, 4);
		s->have_open = sql_column_int64(st, 5) != 0;
		rc = sql_step(st);
	}
	sql_reset(st);
	sql_clear_bindings(st);
	if (rc != SQL_DONE) {
		snprintf(err, el, "database: %s", sql_errmsg(s->db));
		return rc;
	}
	return SQL_OK;
}

int
store_report(struct store *s, json_t *r, const struct report_prep *p,
             long long now, int *duplicate, char *err, size_t el)
{
	const char *rid = jsonutil_str(r, "report_id", "");
	long long ts = json_ts(r, "collected_at", now);
	/* a report was not collected after it arrived: a clock ahead
	 * counts as now, so true reports after it are newer again */
	long long order = ts < now ? ts : now;
	long long hid = 0, prev = -1, rpk, syserr, queued = 0, unread = 0;
	int rc, newest, mta_down = 0, changed;

	*duplicate = 0;
	s->npend = 0;
	rc = s->pg
	         ? open_pg(s, r, rid, ts, now, &hid, &prev, &rpk, err, el)
	         : open_sqlite(s, r, rid, ts, now, &hid, &prev, &rpk, err, el);
	if (rc != SQL_OK)
		return rc;
	if (rpk < 0) {
		*duplicate = 1;
		return SQL_OK;
	}
	newest = order >= prev;

	if ((rc = store_events(s, r, p, hid, rpk, &syserr, err, el)) != SQL_OK)
		return rc;
	if ((rc = history(s, hid, "syserr", "", ts, (double)syserr, err, el)) !=
	        SQL_OK ||
	    (rc = fleet_syserr(s, now, syserr, err, el)) != SQL_OK)
		return rc;
	if (!newest) {
		/* An older report (e.g. from an agent's outbox): its events
		 * and curves count, the newer state stays. */
		sql_bind_int64(s->st[S_HOST_COUNT], 1, hid);
		if ((rc = history_flush(s, err, el)) != SQL_OK)
			return rc;
		return run(s, S_HOST_COUNT, err, el);
	}
	if ((rc = state_changed(s, r, p, hid, &changed, err, el)) != SQL_OK)
		return rc;
	if ((rc = store_spools(s, r, hid, ts, changed, err, el)) != SQL_OK ||
	    (rc = store_fs(s, r, hid, ts, changed, err, el)) != SQL_OK ||
	    (rc = store_mail(s, r, hid, changed, &queued, &unread, err, el)) !=
	        SQL_OK)
		return rc;
	if ((rc = history(s, hid, "queued_total", "", ts, (double)queued, err,
	                  el)) != SQL_OK ||
	    (rc = history(s, hid, "unread_total", "", ts, (double)unread, err,
	                  el)) != SQL_OK)
		return rc;
	if ((rc = store_findings(s, r, p, hid, rpk, ts, prev == -1, &mta_down,
	                         err, el)) != SQL_OK ||
	    (rc = store_labels(s, r, hid, err, el)) != SQL_OK)
		return rc;
	if ((rc = store_host_state(s, r, hid, ts, order, mta_down, queued,
	                           unread, err, el)) != SQL_OK)
		return rc;
	return history_flush(s, err, el);
}

/* fold - the aggregates' rows that add up to zero, deleted once the
 * rows retention deletes are gone: how many, or -1. */
static long
fold(struct store *s, char *err, size_t errlen)
{
	sql_stmt *st = s->st[S_RET_FOLD];
	long n = 0;
	int rc = sql_step(st);

	if (rc == SQL_ROW)
		n = (long)sql_column_int64(st, 0);
	sql_reset(st);
	if (rc != SQL_ROW) {
		snprintf(err, errlen, "database: %s", sql_errmsg(s->db));
		return -1;
	}
	return n;
}

long
store_retention(struct store *s, long long cutoff, int batch, char *err,
                size_t errlen)
{
	static const int order[] = {
	    S_RET_EVENTS,  S_RET_GROUPS, S_RET_HISTORY, S_RET_FINDINGS,
	    S_RET_REPORTS, S_RET_SIGS,   S_RET_FLEET,    S_RET_LABEL_HIST};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		sql_stmt *st = s->st[order[i]];
		int changes;
		sql_bind_int64(st, 1, cutoff);
		sql_bind_int(st, 2, batch);
		if (run(s, order[i], err, errlen) != SQL_OK)
			return -1;
		changes = sql_changes(s->db);
		if (changes > 0)
			return changes;
	}
	return fold(s, err, errlen);
}
