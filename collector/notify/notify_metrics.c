/*
 * notify_metrics.c - the notifier's counters and their exposition (see
 * notify_metrics.h).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "collector/notify/notify_metrics.h"

static atomic_llong sent[TARGET_N], failed[TARGET_N], dropped[TARGET_N];
static atomic_int leader;

void
notify_metrics_leader(int on)
{
	atomic_store(&leader, on != 0);
}

void
notify_metrics_sent(enum notify_target t, long n)
{
	atomic_fetch_add(&sent[t], n);
}

void
notify_metrics_failed(enum notify_target t)
{
	atomic_fetch_add(&failed[t], 1);
}

void
notify_metrics_dropped(enum notify_target t, long n)
{
	atomic_fetch_add(&dropped[t], n);
}

static void
counter(struct strbuf *out, const char *name, const char *help, atomic_llong *v)
{
	strbuf_printf(out, "# HELP %s %s\n# TYPE %s counter\n", name, help,
	              name);
	for (int t = 0; t < TARGET_N; t++)
		strbuf_printf(out, "%s{target=\"%s\"} %lld\n", name,
		              notify_target_name((enum notify_target)t),
		              (long long)atomic_load(&v[t]));
}

int
notify_metrics_render(struct strbuf *out, sql_db *db, long long now, char *err,
                      size_t errlen)
{
	long long depth[TARGET_N] = {0}, oldest[TARGET_N] = {0};
	sql_stmt *st = NULL;
	int rc;

	counter(out, "spoolwatch_notify_sent_total",
	        "Notifications the receiver took (2xx).", sent);
	counter(out, "spoolwatch_notify_failures_total",
	        "Delivery attempts that failed (to be retried).", failed);
	counter(out, "spoolwatch_notify_dropped_total",
	        "Notifications given up after [notify] max_age.", dropped);
	if (sql_prepare(db,
	                       "SELECT target, count(*), min(created) FROM "
	                       "notify_queue GROUP BY target", 0, &st) != SQL_OK) {
		snprintf(err, errlen, "database: %s", sql_errmsg(db));
		return -1;
	}
	while ((rc = sql_step(st)) == SQL_ROW) {
		const char *t = (const char *)sql_column_text(st, 0);
		for (int i = 0; t && i < TARGET_N; i++) {
			if (strcmp(t, notify_target_name(
			                  (enum notify_target)i)) != 0)
				continue;
			depth[i] = sql_column_int64(st, 1);
			oldest[i] = now - sql_column_int64(st, 2);
		}
	}
	sql_finalize(st);
	if (rc != SQL_DONE) {
		snprintf(err, errlen, "database: %s", sql_errmsg(db));
		return -1;
	}
	strbuf_appends(out, "# HELP spoolwatch_notify_queue Notifications "
	                    "waiting for delivery.\n# TYPE "
	                    "spoolwatch_notify_queue gauge\n");
	for (int t = 0; t < TARGET_N; t++)
		strbuf_printf(
		    out, "spoolwatch_notify_queue{target=\"%s\"} %lld\n",
		    notify_target_name((enum notify_target)t), depth[t]);
	strbuf_appends(out, "# HELP spoolwatch_notify_oldest_seconds Age of "
	                    "the oldest waiting notification.\n# TYPE "
	                    "spoolwatch_notify_oldest_seconds gauge\n");
	for (int t = 0; t < TARGET_N; t++)
		strbuf_printf(out,
		              "spoolwatch_notify_oldest_seconds{target=\"%s\"} "
		              "%lld\n",
		              notify_target_name((enum notify_target)t),
		              oldest[t] > 0 ? oldest[t] : 0);
	strbuf_printf(out,
	              "# HELP spoolwatch_notify_leader 1 while this "
	              "collector's notifier is the one that notifies.\n"
	              "# TYPE spoolwatch_notify_leader gauge\n"
	              "spoolwatch_notify_leader %d\n",
	              atomic_load(&leader));
	return 0;
}
