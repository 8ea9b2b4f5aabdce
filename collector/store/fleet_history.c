/*
 * fleet_history.c - sampling the fleet-wide curves (see fleet_history.h).
 * Three statements, each one INSERT ... ON CONFLICT over the unique
 * (metric, subject, ts): portable SQL, no scan of hosts or findings
 * (PostgreSQL's syserr one also takes the batch's SYSERR lines).  On
 * PostgreSQL a fourth moves the batch's label curve deltas of older
 * minutes from its part into label_history_kept (collector.pg.sql).
 */
#include <stdio.h>
#include <stdlib.h>

#include "collector/store/db.h"
#include "collector/store/fleet_history.h"
#include "common/xalloc.h"

enum { F_MAIL, F_FINDINGS, F_SYSERR, F_COUNT };

static const char *const fsql[F_COUNT] = {
    [F_MAIL] =
        "INSERT INTO fleet_history (metric, subject, ts, value) "
        "SELECT 'queued_total', '', CAST(?1 AS bigint), queued FROM fleet WHERE id = 1 "
        "UNION ALL "
        "SELECT 'unread_total', '', CAST(?1 AS bigint), unread FROM fleet WHERE id = 1 "
        "ON CONFLICT (metric, subject, ts) DO UPDATE SET value = "
        "excluded.value",
    [F_FINDINGS] =
        "INSERT INTO fleet_history (metric, subject, ts, value) "
        "SELECT 'open_findings', sev.s, CAST(?1 AS bigint), coalesce((SELECT sum(c.hosts) "
        "FROM finding_counts c WHERE c.severity = sev.s), 0) "
        "FROM (SELECT 'critical' AS s UNION ALL SELECT 'warning' "
        "UNION ALL SELECT 'info') sev WHERE sev.s IS NOT NULL "
        "ON CONFLICT (metric, subject, ts) DO UPDATE SET value = "
        "excluded.value",
    [F_SYSERR] = "INSERT INTO fleet_history (metric, subject, ts, value) "
                 "VALUES ('syserr', '', ?1, 0) "
                 "ON CONFLICT (metric, subject, ts) DO NOTHING",
};

/* PostgreSQL: also the batch's SYSERR lines, kept in its part of
 * fleet_syserr_part (store.c) until now. */
static const char fsql_pg_syserr[] =
    "WITH p AS (DELETE FROM fleet_syserr_part WHERE part = agg_part() "
    "RETURNING ts, n) INSERT INTO fleet_history (metric, subject, ts, value) "
    "SELECT 'syserr', '', ts, sum(n) FROM (SELECT ts, n FROM p UNION ALL "
    "SELECT CAST(?1 AS bigint), 0) x GROUP BY ts "
    "ON CONFLICT (metric, subject, ts) DO UPDATE SET value = "
    "fleet_history.value + excluded.value";

/* PostgreSQL: the minutes of the batch's part of the label curves that
 * ended two minutes ago or more, added to the kept rows in key order (so
 * that two batches lock shared rows in the same order).  The recent
 * minutes stay in the part: every batch of every collector adds to them,
 * and a kept row of theirs would be locked by each batch from its move
 * to its commit, one batch after the other. */
static const char fsql_pg_labels[] =
    "WITH p AS (DELETE FROM label_history_part WHERE part = agg_part() "
    "AND ts < CAST(?1 AS bigint) - 120 "
    "RETURNING key, value, metric, subject, ts, total) "
    "INSERT INTO label_history_kept AS k (key, value, metric, subject, ts, "
    "total) SELECT key, value, metric, subject, ts, sum(total) FROM p "
    "GROUP BY key, value, metric, subject, ts "
    "ORDER BY key, value, metric, subject, ts "
    "ON CONFLICT (key, value, metric, subject, ts) DO UPDATE SET total = "
    "k.total + excluded.total";

struct fleet_history {
	sql_db *db;
	sql_stmt *st[F_COUNT];
	sql_stmt *labels; /* PostgreSQL: fsql_pg_labels */
};

struct fleet_history *
fleet_history_new(sql_db *db, char *err, size_t errlen)
{
	struct fleet_history *fh = xcalloc(1, sizeof(*fh));

	fh->db = db;
	for (int i = 0; i < F_COUNT; i++) {
		const char *q = i == F_SYSERR
		                    ? sql_pick(db, fsql[i], fsql_pg_syserr)
		                    : fsql[i];
		if ((fh->st[i] = db_prepare(db, q, err, errlen)) == NULL) {
			fleet_history_free(fh);
			return NULL;
		}
	}
	if (sql_backend(db) == SQL_PG &&
	    (fh->labels = db_prepare(db, fsql_pg_labels, err, errlen)) ==
	        NULL) {
		fleet_history_free(fh);
		return NULL;
	}
	return fh;
}

void
fleet_history_free(struct fleet_history *fh)
{
	if (fh == NULL)
		return;
	for (int i = 0; i < F_COUNT; i++)
		sql_finalize(fh->st[i]);
	sql_finalize(fh->labels);
	free(fh);
}

/* labels_move - PostgreSQL: the batch's part's label curve deltas of
 * minutes before minute - 120 s into the kept rows (nothing to do on
 * SQLite, whose trigger writes them there). */
static int
labels_move(struct fleet_history *fh, long long minute, char *err,
            size_t errlen)
{
	int rc;

	if (fh->labels == NULL)
		return SQL_OK;
	sql_bind_int64(fh->labels, 1, minute);
	rc = sql_step(fh->labels);
	sql_reset(fh->labels);
	if (rc != SQL_DONE) {
		snprintf(err, errlen, "label history: %s", sql_errmsg(fh->db));
		return rc;
	}
	return SQL_OK;
}

int
fleet_history_sample(struct fleet_history *fh, long long now, char *err,
                     size_t errlen)
{
	long long minute = now - now % 60;

	for (int i = 0; i < F_COUNT; i++) {
		sql_stmt *st = fh->st[i];
		int rc;
		sql_bind_int64(st, 1, minute);
		rc = sql_step(st);
		sql_reset(st);
		if (rc != SQL_DONE) {
			snprintf(err, errlen, "fleet history: %s",
			         sql_errmsg(fh->db));
			return rc;
		}
	}
	return labels_move(fh, minute, err, errlen);
}
