/*
 * test_collector_notify_scan.c - findings into the notification queue
 * (notify_scan.c) on a real database filled by the store: each due
 * finding queued "opened" once per target, nothing again on the next
 * pass or after a restart (a new scan on the same file), re-sends only
 * after the interval and not while one still waits, min_severity and
 * open_for, an acknowledgement holding a finding back and letting it go
 * when it expires or the evidence gets worse, and "resolved" once when a
 * report drops a finding.
 */
#include "tests/unit/collector_fixture.h"

#include "collector/notify/notify_scan.h"

#define T0 1771147260 /* the incident report's collected_at */
#define BOTH ((1u << TARGET_ALERTMANAGER) | (1u << TARGET_WEBHOOK))

static struct notify_config
config(void)
{
	struct notify_config nc;

	memset(&nc, 0, sizeof(nc));
	nc.min_severity = "warning";
	nc.open_for = 0;
	nc.resend_interval = 60;
	nc.repeat_interval = 0;
	return nc;
}

static long
run(struct fx *f, const struct notify_config *nc, unsigned en, long long now)
{
	char err[256];
	struct notify_scan *s = notify_scan_new(f->db, nc, err, sizeof(err));
	long n;

	if (s == NULL)
		fail_msg("notify_scan_new: %s", err);
	n = notify_scan_run(s, en, now, err, sizeof(err));
	if (n < 0)
		fail_msg("notify_scan_run: %s", err);
	notify_scan_free(s);
	return n;
}

static long long
queued(struct fx *f, const char *target, const char *event)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM notify_queue WHERE target = '%s' AND "
	         "event = '%s'",
	         target, event);
	return fx_count(f, sql);
}

static void
test_open_once_then_resend(void **state)
{
	struct fx *f = *state;
	struct notify_config nc = config();

	fx_put(f, f->incident, T0 + 5);
	assert_int_equal(run(f, &nc, BOTH, T0 + 10), 16);
	assert_int_equal(queued(f, "webhook", "opened"), 8);
	assert_int_equal(queued(f, "alertmanager", "opened"), 8);
	/* the next pass, and a restart, queue nothing again */
	assert_int_equal(run(f, &nc, BOTH, T0 + 11), 0);
	/* past the resend interval, but the first ones still wait */
	assert_int_equal(run(f, &nc, BOTH, T0 + 100), 0);
	/* delivered: Alertmanager's are re-sent, the webhook's (repeat 0)
	 * are not */
	sql_exec(f->db, "DELETE FROM notify_queue", NULL, 0);
	assert_int_equal(run(f, &nc, BOTH, T0 + 100), 8);
	assert_int_equal(queued(f, "alertmanager", "still_open"), 8);
	assert_int_equal(queued(f, "webhook", "still_open"), 0);
	/* a webhook repeat interval re-sends there too */
	sql_exec(f->db, "DELETE FROM notify_queue", NULL, 0);
	nc.repeat_interval = 3600;
	assert_int_equal(run(f, &nc, 1u << TARGET_WEBHOOK, T0 + 1000), 0);
	assert_int_equal(run(f, &nc, 1u << TARGET_WEBHOOK, T0 + 3700), 8);
	assert_int_equal(queued(f, "webhook", "still_open"), 8);
}

static void
test_severity_and_open_for(void **state)
{
	struct fx *f = *state;
	struct notify_config nc = config();

	fx_put(f, f->incident, T0 + 5);
	nc.min_severity = "critical";
	nc.open_for = 300;
	assert_int_equal(run(f, &nc, BOTH, T0 + 299), 0);
	assert_int_equal(run(f, &nc, 1u << TARGET_WEBHOOK, T0 + 300), 5);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM notify_queue q JOIN findings f "
	                "ON f.id = q.finding_id WHERE f.severity <> "
	                "'critical'"),
	    0);
	/* the warnings come when the threshold is lowered */
	nc.min_severity = "warning";
	assert_int_equal(run(f, &nc, 1u << TARGET_WEBHOOK, T0 + 301), 3);
}

static void
test_ack_holds_then_expires(void **state)
{
	struct fx *f = *state;
	struct notify_config nc = config();

	fx_put(f, f->incident, T0 + 5);
	/* mta.down acknowledged for an hour of the real clock, which
	 * ack.h reads (as api_ack stores it) */
	assert_int_equal(
	    sql_exec(f->db,
	                 "INSERT INTO acks SELECT host_id, code, subject, id, "
	                 "'ops', 'planned', 1771147260, unixepoch() + 3600, "
	                 "severity, 1 FROM findings "
	                 "WHERE code = 'mta.down'", NULL, 0),
	    0);
	assert_int_equal(run(f, &nc, 1u << TARGET_WEBHOOK, T0 + 10), 7);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM notify_queue q JOIN findings f "
	                "ON f.id = q.finding_id WHERE f.code = 'mta.down'"),
	    0);
	/* an until in the past ends it (and the ack is dropped) */
	sql_exec(f->db, "UPDATE acks SET until = 1", NULL, 0);
	assert_int_equal(run(f, &nc, 1u << TARGET_WEBHOOK, T0 + 20), 1);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM acks"), 0);
}

/* Acknowledged after it fired: held back; more hosts with the code end
 * the ack, and it is re-sent at once although repeat_interval is 0. */
static void
test_ack_after_firing_then_worse(void **state)
{
	struct fx *f = *state;
	struct notify_config nc = config();
	json_t *h2 = fx_variant(f->incident, 8, "host2", NULL);

	fx_put(f, f->incident, T0 + 5);
	assert_int_equal(run(f, &nc, 1u << TARGET_WEBHOOK, T0 + 10), 8);
	sql_exec(f->db, "DELETE FROM notify_queue", NULL, 0);
	assert_int_equal(
	    sql_exec(f->db,
	                 "INSERT INTO acks SELECT host_id, code, subject, id, "
	                 "'ops', 'known', 1771147260, NULL, severity, 1 FROM "
	                 "findings WHERE code = 'mta.down'", NULL, 0),
	    0);
	assert_int_equal(run(f, &nc, 1u << TARGET_WEBHOOK, T0 + 20), 0);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM notify_state WHERE silenced = 1"), 1);
	fx_put(f, h2, T0 + 30);
	assert_int_equal(run(f, &nc, 1u << TARGET_WEBHOOK, T0 + 40), 9);
	assert_int_equal(queued(f, "webhook", "still_open"), 1);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM acks"), 0);
	json_decref(h2);
}

static void
test_resolved_once(void **state)
{
	struct fx *f = *state;
	struct notify_config nc = config();
	json_t *fixed =
	    fx_variant(f->incident, 7, NULL, "2026-02-15T09:31:00Z");
	json_t *all = json_object_get(fixed, "findings");

	fx_put(f, f->incident, T0 + 5);
	assert_int_equal(run(f, &nc, BOTH, T0 + 10), 16);
	/* the next report keeps only the first two findings */
	while (json_array_size(all) > 2)
		json_array_remove(all, json_array_size(all) - 1);
	json_object_set_new(fixed, "events", json_array());
	json_object_set_new(fixed, "event_groups", json_array());
	fx_put(f, fixed, T0 + 605);
	assert_int_equal(run(f, &nc, BOTH, T0 + 610), 12);
	assert_int_equal(queued(f, "webhook", "resolved"), 6);
	assert_int_equal(queued(f, "alertmanager", "resolved"), 6);
	assert_int_equal(run(f, &nc, BOTH, T0 + 611), 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM notify_state"), 4);
	json_decref(fixed);
}

static void
test_symptoms_wait_for_their_cause(void **state)
{
	struct fx *f = *state;
	struct notify_config nc = config();
	json_t *r = fx_variant(f->incident, 8, NULL, NULL);
	json_t *alone =
	    fx_variant(f->incident, 9, NULL, "2026-02-15T09:31:00Z");

	/* log.syserr under the spool, mail.undelivered under mta.down */
	fx_set_cause(r, "log.syserr", "spool.not_writable_by_mta",
	          "/var/spool/clientmqueue");
	fx_set_cause(r, "mail.undelivered", "mta.down", "sendmail");
	fx_put(f, r, T0 + 5);
	assert_int_equal(run(f, &nc, 1u << TARGET_WEBHOOK, T0 + 10), 6);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM notify_queue q JOIN findings f "
	                "ON f.id = q.finding_id WHERE f.code IN "
	                "('log.syserr', 'mail.undelivered')"),
	    0);
	/* mta.down resolves while the mail still waits: the symptom,
	 * alone now, notifies (its caused_by names nothing open) */
	fx_set_cause(alone, "log.syserr", "spool.not_writable_by_mta",
	          "/var/spool/clientmqueue");
	fx_set_cause(alone, "mail.undelivered", "mta.down", "sendmail");
	fx_drop(alone, "mta.down");
	fx_put(f, alone, T0 + 605);
	assert_int_equal(run(f, &nc, 1u << TARGET_WEBHOOK, T0 + 610), 2);
	assert_int_equal(queued(f, "webhook", "resolved"), 1);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM notify_queue q JOIN findings f "
	                "ON f.id = q.finding_id WHERE q.event = 'opened' AND "
	                "f.code = 'mail.undelivered'"),
	    1);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM notify_queue q JOIN findings f "
	                "ON f.id = q.finding_id WHERE f.code = 'log.syserr'"),
	    0);
	json_decref(r);
	json_decref(alone);
}

/* labelled - r with host.labels {"env": env}. */
static json_t *
labelled(json_t *r, int n, const char *collected, const char *env)
{
	json_t *c = fx_variant(r, n, NULL, collected);

	json_object_set_new(json_object_get(c, "host"), "labels",
	                    json_pack("{s:s}", "env", env));
	return c;
}

/* bodies - how many queued bodies of target/event hold text. */
static long long
bodies(struct fx *f, const char *target, const char *event, const char *text)
{
	char sql[384];

	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM notify_queue WHERE target = '%s' AND "
	         "event = '%s' AND body LIKE '%%%s%%'",
	         target, event, text);
	return fx_count(f, sql);
}

static void
test_resolve_keeps_fired_labels(void **state)
{
	struct fx *f = *state;
	struct notify_config nc = config();
	json_t *prod = labelled(f->incident, 10, NULL, "prod");
	json_t *moved = labelled(f->incident, 11, "2026-02-15T09:31:00Z",
	                         "staging");
	json_t *all = json_object_get(moved, "findings");

	fx_put(f, prod, T0 + 5);
	assert_int_equal(run(f, &nc, BOTH, T0 + 10), 16);
	assert_int_equal(bodies(f, "alertmanager", "opened",
	                        "\"env\":\"prod\""),
	                 8);
	sql_exec(f->db, "DELETE FROM notify_queue", NULL, 0);
	/* the host is relabelled, and six of its findings resolve: each
	 * resolve (and each re-send of the two still open) carries the
	 * labels its alert fired with, or Alertmanager would not know
	 * which alert it ends */
	while (json_array_size(all) > 2)
		json_array_remove(all, json_array_size(all) - 1);
	json_object_set_new(moved, "events", json_array());
	json_object_set_new(moved, "event_groups", json_array());
	fx_put(f, moved, T0 + 605);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM hosts WHERE labels LIKE "
	                "'%staging%'"),
	    1);
	assert_int_equal(run(f, &nc, BOTH, T0 + 610), 14);
	assert_int_equal(bodies(f, "alertmanager", "resolved",
	                        "\"env\":\"prod\""),
	                 6);
	assert_int_equal(bodies(f, "webhook", "resolved",
	                        "\"env\":\"prod\""),
	                 6);
	assert_int_equal(bodies(f, "alertmanager", "still_open",
	                        "\"env\":\"prod\""),
	                 2);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM notify_queue WHERE body LIKE "
	                "'%staging%'"),
	    0);
	json_decref(prod);
	json_decref(moved);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_once_then_resend,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_severity_and_open_for,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_ack_holds_then_expires,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_ack_after_firing_then_worse,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_resolved_once, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_symptoms_wait_for_their_cause,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_keeps_fired_labels,
	                                    fx_setup, fx_teardown),
	};
	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
