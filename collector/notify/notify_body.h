/*
 * notify_body.h - what a notification says: the webhook's JSON body and
 * one Alertmanager v2 alert, built from a finding.  Pure functions, no
 * I/O; the notifier stores the text in notify_queue and sends it as it
 * is (an alert's endsAt is set when it is sent: alert_ends).
 */
#ifndef SPOOLWATCH_NOTIFY_BODY_H
#define SPOOLWATCH_NOTIFY_BODY_H

#include <jansson.h>

/* A finding as the notifier read it; strings may be NULL. */
struct notify_finding {
	long long id;
	const char *host, *code, *subject, *severity, *message, *remedy;
	long long first_seen, last_seen;
	long long resolved_at; /* 0: open */
	json_t *labels;        /* the host's labels (object) or NULL */
};

/* notify_event_name - "opened", "still_open" or "resolved". */
enum notify_event { NOTIFY_OPENED, NOTIFY_STILL_OPEN, NOTIFY_RESOLVED };
const char *notify_event_name(enum notify_event ev);

/*
 * webhook_body - {"id", "event", "created_at", "finding": {...}} as
 * compact JSON text (to free), delivery being its UUID; NULL if out of
 * memory.
 */
char *webhook_body(const struct notify_finding *f, enum notify_event ev,
                   const char *delivery, long long now);

/*
 * alert_body - one Alertmanager alert {labels, annotations, startsAt,
 * endsAt (resolved: its time; open: left for alert_ends)} as text.
 * Labels: alertname (the code), host, code, subject, severity, then the
 * host's labels that do not clash with those and whose names are valid
 * Prometheus label names.
 */
char *alert_body(const struct notify_finding *f, enum notify_event ev);

/* alert_ends - alert text as sent at now: endsAt set to ends unless it
 * has one (a resolve), and a resolve's endsAt no later than now (the
 * host's clock may run ahead; Alertmanager would keep the alert active
 * until then).  A new reference, NULL if the text is not an object. */
json_t *alert_ends(const char *alert, long long ends, long long now);

#endif
