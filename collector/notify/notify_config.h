/*
 * notify_config.h - the [notify] section of collector.conf: where
 * notifications go (Alertmanager, a signed webhook), which findings
 * notify and when, and the delivery timings.  One cfg_def table.
 */
#ifndef SPOOLWATCH_NOTIFY_CONFIG_H
#define SPOOLWATCH_NOTIFY_CONFIG_H

#include <stddef.h>

#include "common/config.h"

struct notify_config {
	char *alertmanager_url;    /* base URL; alerts go to /api/v2/alerts */
	char *webhook_url;         /* full URL the JSON is POSTed to */
	char *webhook_secret_file; /* HMAC-SHA256 key, a file */
	char *min_severity;        /* info, warning or critical */
	long long open_for;        /* seconds a finding is open first */
	long long resend_interval; /* Alertmanager: re-sent this often */
	long long repeat_interval; /* webhook: still_open this often; 0 never */
	long long scan_interval;   /* findings looked at this often */
	long long retry_min;       /* first retry after at most this */
	long long retry_max;       /* retries at most this far apart */
	long long timeout;         /* one HTTP request, whole */
	long long max_age;         /* undelivered this long: dropped */
};

extern const struct cfg_def notify_cfg_defs[];

/* notify_severity_rank - 1 info, 2 warning, 3 critical, 0 anything else. */
int notify_severity_rank(const char *severity);

/* notify_config_check - values that a table cannot check; -1 with err. */
int notify_config_check(const struct notify_config *nc, char *err,
                        size_t errlen);

/* notify_config_enabled - 1 when a target is configured. */
int notify_config_enabled(const struct notify_config *nc);

#endif
