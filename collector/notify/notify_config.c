/*
 * notify_config.c - the [notify] section's table and checks (see
 * notify_config.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "collector/notify/notify_config.h"

#define OFF(f) offsetof(struct notify_config, f)

const struct cfg_def notify_cfg_defs[] = {
    {"alertmanager_url", CFG_STR, NULL, OFF(alertmanager_url), 0, 0,
     "Prometheus Alertmanager base URL (alerts go to /api/v2/alerts)"},
    {"webhook_url", CFG_STR, NULL, OFF(webhook_url), 0, 0,
     "URL the JSON notifications are POSTed to"},
    {"webhook_secret_file", CFG_STR, NULL, OFF(webhook_secret_file), 0, 0,
     "file holding the HMAC-SHA256 key of X-Spoolwatch-Signature"},
    {"min_severity", CFG_STR, "warning", OFF(min_severity), 0, 0,
     "findings of this severity or higher notify (info, warning, "
     "critical)"},
    {"open_for", CFG_DURATION, "0", OFF(open_for), 0, 30 * 86400,
     "a finding notifies once it has been open this long"},
    {"resend_interval", CFG_DURATION, "1m", OFF(resend_interval), 1, 86400,
     "Alertmanager: open findings are re-sent this often"},
    {"repeat_interval", CFG_DURATION, "4h", OFF(repeat_interval), 0, 30 * 86400,
     "webhook: a still_open notification this often; 0: never"},
    {"scan_interval", CFG_DURATION, "10s", OFF(scan_interval), 1, 3600,
     "how often the findings are looked at"},
    {"retry_min", CFG_DURATION, "5s", OFF(retry_min), 1, 86400,
     "first retry of a failed delivery after at most this"},
    {"retry_max", CFG_DURATION, "10m", OFF(retry_max), 1, 86400,
     "retries of one delivery at most this far apart"},
    {"timeout", CFG_DURATION, "10s", OFF(timeout), 1, 600,
     "one delivery request, connect to answer"},
    {"max_age", CFG_DURATION, "7d", OFF(max_age), 60, 365 * 86400,
     "a notification not delivered for this long is dropped (logged)"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

int
notify_severity_rank(const char *s)
{
	if (s == NULL)
		return 0;
	if (strcmp(s, "info") == 0)
		return 1;
	if (strcmp(s, "warning") == 0)
		return 2;
	if (strcmp(s, "critical") == 0)
		return 3;
	return 0;
}

/* url_ok - http:// or https:// and something after it. */
static int
url_ok(const char *u)
{
	return (strncmp(u, "http://", 7) == 0 && u[7]) ||
	       (strncmp(u, "https://", 8) == 0 && u[8]);
}

int
notify_config_check(const struct notify_config *nc, char *err, size_t errlen)
{
	if (notify_severity_rank(nc->min_severity) == 0) {
		snprintf(err, errlen,
		         "[notify] min_severity: '%s' is not info, warning or "
		         "critical",
		         nc->min_severity);
		return -1;
	}
	if (nc->alertmanager_url && !url_ok(nc->alertmanager_url)) {
		snprintf(err, errlen,
		         "[notify] alertmanager_url: '%s' is not an http:// or "
		         "https:// URL",
		         nc->alertmanager_url);
		return -1;
	}
	if (nc->webhook_url && !url_ok(nc->webhook_url)) {
		snprintf(err, errlen,
		         "[notify] webhook_url: '%s' is not an http:// or "
		         "https:// URL",
		         nc->webhook_url);
		return -1;
	}
	if (nc->webhook_url && nc->webhook_secret_file == NULL) {
		snprintf(err, errlen,
		         "[notify] webhook_url needs webhook_secret_file (the "
		         "HMAC-SHA256 key the receiver checks)");
		return -1;
	}
	if (nc->retry_max < nc->retry_min) {
		snprintf(err, errlen,
		         "[notify] retry_max may not be below retry_min");
		return -1;
	}
	return 0;
}

int
notify_config_enabled(const struct notify_config *nc)
{
	return nc->alertmanager_url != NULL || nc->webhook_url != NULL;
}
