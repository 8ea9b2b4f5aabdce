/*
 * notify_metrics.h - the notifier's counters (atomics) and their
 * exposition in /metrics, with the queue's depth and age read from the
 * database: spoolwatch_notify_sent_total{target},
 * spoolwatch_notify_failures_total{target},
 * spoolwatch_notify_dropped_total{target}, spoolwatch_notify_queue{target}
 * and spoolwatch_notify_oldest_seconds{target}; spoolwatch_notify_leader
 * (1 while this collector's notifier leads, notify_lead.h).
 */
#ifndef SPOOLWATCH_NOTIFY_METRICS_H
#define SPOOLWATCH_NOTIFY_METRICS_H

#include <stddef.h>

#include "collector/store/sql.h"

#include "collector/notify/notify_scan.h"
#include "common/strbuf.h"

void notify_metrics_sent(enum notify_target t, long n);
void notify_metrics_failed(enum notify_target t);
void notify_metrics_dropped(enum notify_target t, long n);
/* notify_metrics_leader - whether this collector's notifier leads now. */
void notify_metrics_leader(int on);

/* notify_metrics_render - append the figures; -1 with err. */
int notify_metrics_render(struct strbuf *out, sql_db *db, long long now,
                          char *err, size_t errlen);

#endif
