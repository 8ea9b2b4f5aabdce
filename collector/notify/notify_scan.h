/*
 * notify_scan.h - from the findings to the notification queue, in one
 * transaction on the notifier's connection: per target, every finding
 * that became due (open long enough, severe enough, no acknowledgement
 * holding it back) is queued "opened" once, "still_open" again after the
 * target's repeat interval or when an acknowledgement stopped holding,
 * and "resolved" once after it resolved.  notify_state remembers what
 * was queued, so a restart repeats nothing and forgets nothing.  Also
 * drops acknowledgements that expired or whose evidence got worse.
 */
#ifndef SPOOLWATCH_NOTIFY_SCAN_H
#define SPOOLWATCH_NOTIFY_SCAN_H

#include <stddef.h>

#include "collector/store/sql.h"

#include "collector/notify/notify_config.h"

/* The targets, as notify_state.target and notify_queue.target name them. */
enum notify_target { TARGET_ALERTMANAGER, TARGET_WEBHOOK, TARGET_N };
const char *notify_target_name(enum notify_target t);

struct notify_scan;

/* notify_scan_new - prepare the statements on db (writable); NULL, err. */
struct notify_scan *notify_scan_new(sql_db *db, const struct notify_config *nc,
                                    char *err, size_t errlen);
void notify_scan_free(struct notify_scan *s);

/*
 * notify_scan_run - one pass at now for the targets in enabled (a bit
 * per target); the number of notifications queued, NOTIFY_SCAN_BUSY
 * when the writers' lock was not granted within DB_EXCLUSIVE_WAIT_MS
 * (another collector's batch holds it up: try again soon), or -1 with
 * err (nothing of the pass kept either way).
 */
#define NOTIFY_SCAN_BUSY (-2L)
long notify_scan_run(struct notify_scan *s, unsigned enabled, long long now,
                     char *err, size_t errlen);

#endif
