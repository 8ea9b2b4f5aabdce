/*
 * fleet_history.c - sampling the fleet-wide curves (see fleet_history.h).
 * Three statements, each one INSERT ... ON CONFLICT over the unique
 * (metric, subject, ts): portable SQL, no scan of hosts or findings.
 */
#include <stdio.h>
#include <stdlib.h>

#include "collector/store/db.h"
#include "collector/store/fleet_history.h"
#include "common/xalloc.h"

enum { F_MAIL, F_FINDINGS, F_SYSERR, F_COUNT };

static const char *const fsql[F_COUNT] = {
    [F_MAIL] = "INSERT INTO fleet_history (metric, subject, ts, value) "
               "SELECT 'queued_total', '', ?1, queued FROM fleet WHERE id = 1 "
               "UNION ALL "
               "SELECT 'unread_total', '', ?1, unread FROM fleet WHERE id = 1 "
               "ON CONFLICT (metric, subject, ts) DO UPDATE SET value = "
               "excluded.value",
    [F_FINDINGS] =
        "INSERT INTO fleet_history (metric, subject, ts, value) "
        "SELECT 'open_findings', sev.s, ?1, coalesce((SELECT sum(c.hosts) "
        "FROM finding_counts c WHERE c.severity = sev.s), 0) "
        "FROM (SELECT 'critical' AS s UNION ALL SELECT 'warning' "
        "UNION ALL SELECT 'info') sev WHERE sev.s IS NOT NULL "
        "ON CONFLICT (metric, subject, ts) DO UPDATE SET value = "
        "excluded.value",
    [F_SYSERR] = "INSERT INTO fleet_history (metric, subject, ts, value) "
                 "VALUES ('syserr', '', ?1, 0) "
                 "ON CONFLICT (metric, subject, ts) DO NOTHING",
};

struct fleet_history {
	sqlite3 *db;
	sqlite3_stmt *st[F_COUNT];
};

struct fleet_history *
fleet_history_new(sqlite3 *db, char *err, size_t errlen)
{
	struct fleet_history *fh = xcalloc(1, sizeof(*fh));

	fh->db = db;
	for (int i = 0; i < F_COUNT; i++) {
		if ((fh->st[i] = db_prepare(db, fsql[i], err, errlen)) ==
		    NULL) {
			fleet_history_free(fh);
			return NULL;
		}
	}
	return fh;
}

void
fleet_history_free(struct fleet_history *fh)
{
	if (fh == NULL)
		return;
	for (int i = 0; i < F_COUNT; i++)
		sqlite3_finalize(fh->st[i]);
	free(fh);
}

int
fleet_history_sample(struct fleet_history *fh, long long now, char *err,
                     size_t errlen)
{
	long long minute = now - now % 60;

	for (int i = 0; i < F_COUNT; i++) {
		sqlite3_stmt *st = fh->st[i];
		int rc;
		sqlite3_bind_int64(st, 1, minute);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			snprintf(err, errlen, "fleet history: %s",
			         sqlite3_errmsg(fh->db));
			return rc;
		}
	}
	return SQLITE_OK;
}
