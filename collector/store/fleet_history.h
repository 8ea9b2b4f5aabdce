/*
 * fleet_history.h - the fleet-wide curves (table fleet_history): once per
 * minute the writer samples the trigger-kept aggregates (fleet: queued
 * and unread mail; finding_counts: open findings per severity) and opens
 * the minute's SYSERR point at 0, to which each report received in that
 * minute adds its lines (store.c).
 */
#ifndef SPOOLWATCH_FLEET_HISTORY_H
#define SPOOLWATCH_FLEET_HISTORY_H

#include <stddef.h>

#include <sqlite3.h>

struct fleet_history;

struct fleet_history *fleet_history_new(sqlite3 *db, char *err, size_t errlen);
void fleet_history_free(struct fleet_history *fh);

/*
 * fleet_history_sample - the points of the minute that holds now, inside
 * the caller's transaction; a second sample of the same minute replaces
 * the gauges and keeps the SYSERR count.  SQLITE_OK or the SQLite error
 * code with a reason in err.
 */
int fleet_history_sample(struct fleet_history *fh, long long now, char *err,
                         size_t errlen);

#endif
