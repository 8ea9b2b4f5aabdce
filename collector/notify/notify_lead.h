/*
 * notify_lead.h - which collector's notifier notifies when several share
 * one PostgreSQL database: the one whose notifier connection holds a
 * session-level advisory lock (pg_try_advisory_lock).  The others try
 * again at every check; when the leader's session ends (the collector
 * died, its connection broke) the server releases the lock and the next
 * check of another collector takes it.  On SQLite (one collector per
 * database file) the notifier always leads.
 */
#ifndef SPOOLWATCH_NOTIFY_LEAD_H
#define SPOOLWATCH_NOTIFY_LEAD_H

#include <stddef.h>

#include "collector/store/sql.h"

struct notify_lead;

/* notify_lead_new - prepare the check on db (the notifier's own
 * connection); NULL with err. */
struct notify_lead *notify_lead_new(sql_db *db, char *err, size_t errlen);
void notify_lead_free(struct notify_lead *l);

/*
 * notify_lead_check - 1 if this connection holds the notifier's lock
 * now (taking it when free), 0 if another session holds it or the
 * database cannot be reached.  Holding it again after a reconnect takes
 * a new try: a session that was lost lost its lock with it.  Logs each
 * change of leadership.
 */
int notify_lead_check(struct notify_lead *l);

#endif
