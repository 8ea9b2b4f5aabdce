/*
 * notifier.h - the notifier thread: every scan_interval it turns the
 * findings into queued notifications (notify_scan.h), and every tick it
 * delivers what is due from the durable queue (notify_queue): webhook
 * bodies one by one, signed (X-Spoolwatch-Signature: sha256=HMAC of the
 * body), alerts to Alertmanager in batches.  A row leaves the queue only
 * on a 2xx answer; otherwise it is retried with exponential back-off
 * (retry_min doubling up to retry_max, jittered), until max_age.  The
 * notifications of one finding go out in the order they were queued.
 */
#ifndef SPOOLWATCH_NOTIFIER_H
#define SPOOLWATCH_NOTIFIER_H

#include <stddef.h>

#include "collector/notify/notify_config.h"

struct notifier;

/* notifier_start - read the webhook secret, open the database at
 * db_path and start the thread; NULL with err.  nc must outlive it. */
struct notifier *notifier_start(const struct notify_config *nc,
                                const char *db_path, char *err, size_t errlen);
/* notifier_stop - stop (a request in flight is abandoned; its row stays
 * queued), join and free.  NULL is fine. */
void notifier_stop(struct notifier *n);

#endif
