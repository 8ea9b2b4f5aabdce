/*
 * test_collector_notify_body.c - what notifications say (notify_body.c):
 * the webhook body's fields, an Alertmanager alert's labels (ours win a
 * clash with the host's; names Alertmanager refuses are left out) and
 * annotations, endsAt as sent: set for an
 * open alert, a resolve's kept, or pulled back to now when it lies in
 * the future.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "collector/notify/notify_body.h"

#define T0 1771147260 /* 2026-02-15T09:21:00Z */

static struct notify_finding
finding(json_t *labels, long long resolved)
{
	struct notify_finding f = {
	    42,
	    "host1",
	    "mta.down",
	    "sendmail",
	    "critical",
	    "MTA down",
	    "service sendmail start",
	    T0,
	    T0 + 60,
	    resolved,
	    labels,
	};
	return f;
}

static void
test_webhook_body(void **state)
{
	json_t *labels = json_pack("{s:s}", "env", "prod");
	struct notify_finding f = finding(labels, 0);
	char *text = webhook_body(&f, NOTIFY_OPENED, "d-1", T0 + 5);
	json_t *o = json_loads(text, 0, NULL), *fi;

	(void)state;
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "id")), "d-1");
	assert_string_equal(json_string_value(json_object_get(o, "event")),
	                    "opened");
	assert_string_equal(json_string_value(json_object_get(o, "created_at")),
	                    "2026-02-15T09:21:05Z");
	fi = json_object_get(o, "finding");
	assert_int_equal(json_integer_value(json_object_get(fi, "id")), 42);
	assert_string_equal(json_string_value(json_object_get(fi, "host")),
	                    "host1");
	assert_string_equal(json_string_value(json_object_get(fi, "state")),
	                    "open");
	assert_true(json_is_null(json_object_get(fi, "resolved_at")));
	assert_string_equal(
	    json_string_value(json_object_get(fi, "first_seen")),
	    "2026-02-15T09:21:00Z");
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(fi, "labels"), "env")),
	                    "prod");
	json_decref(o);
	free(text);

	f = finding(NULL, T0 + 120);
	text = webhook_body(&f, NOTIFY_RESOLVED, "d-2", T0 + 130);
	o = json_loads(text, 0, NULL);
	fi = json_object_get(o, "finding");
	assert_string_equal(json_string_value(json_object_get(o, "event")),
	                    "resolved");
	assert_string_equal(json_string_value(json_object_get(fi, "state")),
	                    "resolved");
	assert_int_equal(json_object_size(json_object_get(fi, "labels")), 0);
	json_decref(o);
	free(text);
	json_decref(labels);
}

static void
test_alert_labels(void **state)
{
	json_t *labels = json_pack(
	    "{s:s,s:s,s:i,s:s,s:s,s:s,s:s}", "env", "prod", "host", "spoof",
	    "n", 1, "bad-key", "v", "__meta", "v", "1dc", "v", "dc_2", "fra1");
	struct notify_finding f = finding(labels, 0);
	char *text = alert_body(&f, NOTIFY_OPENED);
	json_t *o = json_loads(text, 0, NULL);
	json_t *l = json_object_get(o, "labels");
	json_t *a = json_object_get(o, "annotations");

	(void)state;
	assert_string_equal(json_string_value(json_object_get(l, "alertname")),
	                    "mta.down");
	assert_string_equal(json_string_value(json_object_get(l, "host")),
	                    "host1");
	assert_string_equal(json_string_value(json_object_get(l, "subject")),
	                    "sendmail");
	assert_string_equal(json_string_value(json_object_get(l, "severity")),
	                    "critical");
	assert_string_equal(json_string_value(json_object_get(l, "env")),
	                    "prod");
	assert_null(json_object_get(l, "n")); /* not a string */
	/* names Alertmanager refuses (400 for the whole request) */
	assert_null(json_object_get(l, "bad-key"));
	assert_null(json_object_get(l, "__meta"));
	assert_null(json_object_get(l, "1dc"));
	assert_string_equal(json_string_value(json_object_get(l, "dc_2")),
	                    "fra1");
	assert_int_equal(json_object_size(l), 7);
	assert_string_equal(json_string_value(json_object_get(a, "remedy")),
	                    "service sendmail start");
	assert_string_equal(json_string_value(json_object_get(o, "startsAt")),
	                    "2026-02-15T09:21:00Z");
	assert_null(json_object_get(o, "endsAt"));
	json_decref(o);
	free(text);
	json_decref(labels);
}

static void
test_alert_ends(void **state)
{
	struct notify_finding open = finding(NULL, 0);
	struct notify_finding done = finding(NULL, T0 + 600);
	char *a = alert_body(&open, NOTIFY_STILL_OPEN);
	char *r = alert_body(&done, NOTIFY_RESOLVED);
	json_t *o;

	(void)state;
	o = alert_ends(a, T0 + 240, T0);
	assert_string_equal(json_string_value(json_object_get(o, "endsAt")),
	                    "2026-02-15T09:25:00Z");
	json_decref(o);
	/* a resolve sent after its time keeps it */
	o = alert_ends(r, T0 + 9999, T0 + 700);
	assert_string_equal(json_string_value(json_object_get(o, "endsAt")),
	                    "2026-02-15T09:31:00Z");
	json_decref(o);
	/* a resolve dated ahead of the collector's clock ends now */
	o = alert_ends(r, T0 + 9999, T0 + 60);
	assert_string_equal(json_string_value(json_object_get(o, "endsAt")),
	                    "2026-02-15T09:22:00Z");
	json_decref(o);
	assert_null(alert_ends("[1]", 0, 0));
	free(a);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_webhook_body),
	    cmocka_unit_test(test_alert_labels),
	    cmocka_unit_test(test_alert_ends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
