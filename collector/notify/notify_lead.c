/*
 * notify_lead.c - the notifier's leadership lock (see notify_lead.h).
 *
 * The check asks pg_locks first whether this session already holds the
 * lock: pg_try_advisory_lock stacks (each success must be matched by an
 * unlock), and asking every second would pile up counts for nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "collector/notify/notify_lead.h"
#include "common/log.h"
#include "common/xalloc.h"

/* The lock's two keys ("sw", "ntfy"): pg_locks shows them as classid and
 * objid with objsubid 2 (the two-int4 form). */
#define LEAD_K1 "29559"
#define LEAD_K2 "1853122169"

static const char lead_pg[] =
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE locktype = "
    "'advisory' AND pid = pg_backend_pid() AND granted AND classid = " LEAD_K1
    " AND objid = " LEAD_K2 " AND objsubid = 2) THEN 1 "
    "WHEN pg_try_advisory_lock(" LEAD_K1 ", " LEAD_K2 ") THEN 1 ELSE 0 END";

struct notify_lead {
	sql_db *db;
	sql_stmt *st;
	int leading; /* what the last check found, for the log */
};

struct notify_lead *
notify_lead_new(sql_db *db, char *err, size_t errlen)
{
	struct notify_lead *l = xcalloc(1, sizeof(*l));

	l->db = db;
	if (sql_backend(db) == SQL_SQLITE)
		return l;
	if (sql_prepare(db, lead_pg, SQL_PREPARE_PERSISTENT, &l->st) !=
	    SQL_OK) {
		snprintf(err, errlen, "notify: the leader lock: %s",
		         sql_errmsg(db));
		free(l);
		return NULL;
	}
	return l;
}

void
notify_lead_free(struct notify_lead *l)
{
	if (l == NULL)
		return;
	sql_finalize(l->st);
	free(l);
}

/* ask - 1 if the lock is this session's, 0 if not, -1 on an error. */
static int
ask(struct notify_lead *l)
{
	int rc = sql_step(l->st), held = -1;

	if (rc == SQL_ROW)
		held = sql_column_int(l->st, 0) == 1;
	sql_reset(l->st);
	return held;
}

int
notify_lead_check(struct notify_lead *l)
{
	int held;

	if (l->st == NULL)
		return 1;
	held = ask(l);
	if (held == -1)
		log_warnx("notify: the leader lock: %s", sql_errmsg(l->db));
	if (held == 1 && !l->leading)
		log_info("notify: this collector notifies now (it holds the "
		         "notifier lock)");
	else if (held != 1 && l->leading)
		log_info("notify: this collector no longer notifies (the "
		         "notifier lock is lost)");
	l->leading = held == 1;
	return l->leading;
}
