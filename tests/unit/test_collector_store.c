/*
 * test_collector_store.c - reports into a real SQLite file through the
 * store: idempotency on report_id,
 * events stored once per (host, id), the findings lifecycle (open,
 * last_seen, resolved, reopened), an older report not overwriting newer
 * state, the fleet aggregates kept by triggers, unchanged state not
 * rewritten, retention in batches.  The read API over such a database is
 * tested in test_collector_api_*.c.
 */
#include "tests/unit/collector_fixture.h"

static void
test_idempotent(void **state)
{
	struct fx *f = *state;
	long long now = 1771147300;

	assert_int_equal(fx_put(f, f->incident, now), 0);
	long long ev = fx_count(f, "SELECT count(*) FROM events");
	long long hist = fx_count(f, "SELECT count(*) FROM history");
	assert_true(ev > 0);
	assert_int_equal(fx_put(f, f->incident, now + 5), 1);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM reports"), 1);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM events"), ev);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM history"), hist);
	assert_int_equal(fx_count(f, "SELECT reports FROM hosts"), 1);

	/* the same id upper-cased (a UUID has no case): a duplicate */
	json_t *up = json_deep_copy(f->incident);
	char id[40];
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(
	                                   f->incident, "report_id")));
	for (char *c = id; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	json_object_set_new(up, "report_id", json_string(id));
	assert_int_equal(fx_put(f, up, now + 6), 1);
	json_decref(up);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM reports"), 1);

	/* a new report carrying the same events (the agent lost its
	 * offsets): stored once, and not counted again in the aggregates */
	long long sigs = fx_count(f, "SELECT sum(count) FROM sig_fleet");
	assert_true(sigs > 0);
	json_t *v = fx_variant(f->incident, 2, NULL, "2026-02-15T09:22:00Z");
	assert_int_equal(fx_put(f, v, now + 60), 0);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM events"), ev);
	assert_int_equal(fx_count(f, "SELECT sum(count) FROM sig_fleet"), sigs);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM reports"), 2);
	assert_int_equal(fx_count(f, "SELECT reports FROM hosts"), 2);
}

/* aggregates_consistent - the trigger-kept tables equal a recount. */
static void
aggregates_consistent(struct fx *f)
{
	assert_int_equal(fx_count(f, "SELECT count(*) FROM (SELECT code, "
	    "severity, count(DISTINCT host_id) AS n FROM findings WHERE "
	    "resolved_at IS NULL GROUP BY 1, 2) g FULL JOIN (SELECT * FROM "
	    "finding_counts WHERE hosts > 0) c USING (code, severity) "
	    "WHERE g.n IS DISTINCT FROM c.hosts"), 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM fleet WHERE "
	    "queued <> (SELECT sum(queued_total) FROM hosts) OR unread <> "
	    "(SELECT sum(unread_total) FROM hosts) OR hosts_with_queued <> "
	    "(SELECT count(*) FILTER (WHERE queued_total > 0) FROM hosts)"),
	    0);
}

static void
test_findings_lifecycle(void **state)
{
	struct fx *f = *state;
	long long now = 1771147300;
	json_t *v;

	assert_int_equal(fx_put(f, f->incident, now), 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM findings WHERE "
	    "resolved_at IS NULL"), 8);
	assert_int_equal(fx_count(f, "SELECT open_critical FROM hosts"), 5);
	assert_int_equal(fx_count(f, "SELECT mta_down FROM hosts"), 1);

	/* still there a minute later: last_seen moves, first_seen stays */
	v = fx_variant(f->incident, 2, NULL, "2026-02-15T09:22:00Z");
	fx_put(f, v, now + 60);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM findings"), 8);
	assert_int_equal(fx_count(f, "SELECT first_seen FROM findings WHERE "
	    "code = 'mta.down'"), 1771147260);
	assert_int_equal(fx_count(f, "SELECT last_seen FROM findings WHERE "
	    "code = 'mta.down'"), 1771147320);

	/* fixed: a newer report without mta.down resolves it */
	v = fx_variant(f->incident, 3, NULL, "2026-02-15T09:23:00Z");
	json_t *fs = json_object_get(v, "findings");
	for (size_t i = 0; i < json_array_size(fs); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(fs,
		    i), "code")), "mta.down") == 0)
			json_array_remove(fs, i--);
	json_object_set_new(json_object_get(v, "mta"), "daemon_running",
	    json_true());
	fx_put(f, v, now + 120);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT resolved_at FROM findings WHERE "
	    "code = 'mta.down'"), 1771147380);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM findings WHERE "
	    "resolved_at IS NULL"), 7);
	assert_int_equal(fx_count(f, "SELECT mta_down FROM hosts"), 0);

	/* an older report (from an outbox) does not bring the state back */
	v = fx_variant(f->incident, 4, NULL, "2026-02-15T09:20:30Z");
	fx_put(f, v, now + 130);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM findings WHERE "
	    "resolved_at IS NULL"), 7);
	assert_int_equal(fx_count(f, "SELECT mta_down FROM hosts"), 0);
	assert_int_equal(fx_count(f, "SELECT reports FROM hosts"), 4);
	aggregates_consistent(f);

	/* it comes back: a new occurrence opens, the old stays resolved */
	v = fx_variant(f->incident, 5, NULL, "2026-02-15T09:24:00Z");
	fx_put(f, v, now + 180);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM findings WHERE "
	    "code = 'mta.down'"), 2);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM findings WHERE "
	    "code = 'mta.down' AND resolved_at IS NULL"), 1);
	aggregates_consistent(f);

	/* a severity change moves the host between counts */
	v = fx_variant(f->incident, 6, NULL, "2026-02-15T09:25:00Z");
	json_object_set_new(json_array_get(json_object_get(v, "findings"), 0),
	    "severity", json_string("info"));
	json_object_set_new(json_object_get(v, "mail"), "queued_total",
	    json_integer(0));
	fx_put(f, v, now + 240);
	json_decref(v);
	aggregates_consistent(f);
	assert_int_equal(fx_count(f, "SELECT queued FROM fleet"), 0);
}

static void
test_fleet_aggregates(void **state)
{
	struct fx *f = *state;
	char host[32], date[32];
	json_t *v;

	for (int i = 0; i < 5; i++) {
		snprintf(host, sizeof(host), "h%02d", i);
		v = fx_variant(f->incident, 10 + i, host, NULL);
		fx_put(f, v, 1771147300);
		json_decref(v);
	}
	/* twice for one host: replaced, not added */
	snprintf(date, sizeof(date), "2026-02-15T09:30:00Z");
	v = fx_variant(f->incident, 99, "h00", date);
	fx_put(f, v, 1771147400);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT hosts FROM cron_fleet WHERE "
	    "command = '/bin/freemem.py'"), 5);
	assert_int_equal(fx_count(f, "SELECT sum(unread) FROM cron_fleet"),
	    fx_count(f, "SELECT sum(unread) FROM mail_cron"));
	assert_int_equal(fx_count(f, "SELECT sum(queued) FROM cron_fleet"),
	    fx_count(f, "SELECT sum(queued) FROM mail_cron"));
	assert_int_equal(fx_count(f, "SELECT max(hosts) FROM sig_fleet WHERE "
	    "kind = 'syserr'"), 5);
	aggregates_consistent(f);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM sig_fleet s WHERE "
	    "hosts <> (SELECT count(*) FROM event_sigs e WHERE "
	    "e.signature = s.signature) OR count <> (SELECT sum(count) FROM "
	    "event_sigs e WHERE e.signature = s.signature)"), 0);
}

static void
test_unchanged_state(void **state)
{
	struct fx *f = *state;
	json_t *v;
	long long hist;

	fx_put(f, f->incident, 1771147300);
	/* mark the derived rows: a report with the same state must leave
	 * them alone, one with a changed state must rewrite them */
	assert_int_equal(sql_exec(f->db, "UPDATE spools SET orphans = 77", NULL, 0), 0);
	hist = fx_count(f, "SELECT count(*) FROM history");
	v = fx_variant(f->incident, 2, NULL, "2026-02-15T09:22:00Z");
	fx_put(f, v, 1771147360);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM spools WHERE "
	    "orphans = 77"), 3);
	assert_true(fx_count(f, "SELECT count(*) FROM history") > hist);
	assert_int_equal(fx_count(f, "SELECT reports FROM hosts"), 2);
	assert_int_equal(fx_count(f, "SELECT queued_total FROM hosts"),
	    json_integer_value(json_object_get(json_object_get(f->incident,
	    "mail"), "queued_total")));

	v = fx_variant(f->incident, 3, NULL, "2026-02-15T09:23:00Z");
	json_object_set_new(json_array_get(json_object_get(v, "spools"), 0),
	    "entries", json_integer(12345));
	fx_put(f, v, 1771147420);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM spools WHERE "
	    "orphans = 77"), 0);
	assert_int_equal(fx_count(f, "SELECT entries FROM spools WHERE path = "
	    "'/var/spool/clientmqueue'"), 12345);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM host_state WHERE "
	    "state LIKE '%12345%'"), 1);
	aggregates_consistent(f);
}

/* Every history point of a report is stored, also past the HIST_ROWS
 * rows of one INSERT (40 filesystems), in the report's order. */
static void
test_history_points(void **state)
{
	struct fx *f = *state;
	json_t *v = fx_variant(f->incident, 2, NULL, "2026-02-15T09:22:00Z");
	json_t *fss = json_object_get(v, "filesystems");
	json_t *fs0 = json_deep_copy(json_array_get(fss, 0));
	long long per_report;
	char mount[32];

	fx_put(f, f->incident, 1771147300);
	per_report = fx_count(f, "SELECT count(*) FROM history");
	json_array_clear(fss);
	for (int i = 0; i < 40; i++) {
		json_t *c = json_deep_copy(fs0);
		snprintf(mount, sizeof(mount), "/m%02d", i);
		json_object_set_new(c, "mount", json_string(mount));
		json_object_set_new(c, "inodes_used_pct", json_real(i + 0.5));
		json_array_append_new(fss, c);
	}
	json_decref(fs0);
	fx_put(f, v, 1771147360);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM history WHERE "
	    "metric = 'inodes_used_pct' AND ts = 1771147320"), 40);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM history WHERE "
	    "metric = 'inodes_used_pct' AND ts = 1771147320 AND "
	    "value = CAST(substr(subject, 3) AS REAL) + 0.5"), 40);
	/* in the report's order: the mounts' ids ascend with their names */
	assert_int_equal(fx_count(f, "SELECT count(*) FROM history a JOIN "
	    "history b ON a.metric = b.metric AND a.ts = b.ts AND "
	    "a.subject < b.subject AND a.id > b.id WHERE a.metric = "
	    "'inodes_used_pct'"), 0);
	/* the other curves as in the first report: its points minus its
	 * filesystems', plus these 40 */
	assert_int_equal(fx_count(f, "SELECT count(*) FROM history WHERE "
	    "ts = 1771147320"),
	    per_report - fx_count(f, "SELECT count(*) FROM history WHERE "
	    "metric = 'inodes_used_pct' AND ts <> 1771147320") + 40);
	aggregates_consistent(f);
}

/* A report whose clock was a day ahead does not freeze the host: the
 * true reports after it replace its state. */
static void
test_clock_ahead(void **state)
{
	struct fx *f = *state;
	long long now = 1771147300; /* 2026-02-15T09:21:40Z */
	json_t *v;

	v = fx_variant(f->incident, 2, NULL, "2026-02-16T09:00:00Z");
	fx_put(f, v, now);
	json_decref(v);
	v = fx_variant(f->incident, 3, NULL, "2026-02-15T09:22:40Z");
	json_object_set_new(json_array_get(json_object_get(v, "spools"), 0),
	    "entries", json_integer(4242));
	fx_put(f, v, now + 60);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT entries FROM spools WHERE path = "
	    "'/var/spool/clientmqueue'"), 4242);
	assert_int_equal(fx_count(f, "SELECT collected_at FROM hosts"),
	    now + 60);
	assert_int_equal(fx_count(f, "SELECT reports FROM hosts"), 2);

	/* an agent's outbox resending an older report still does not roll
	 * the state back */
	v = fx_variant(f->incident, 4, NULL, "2026-02-15T09:00:00Z");
	json_object_set_new(json_array_get(json_object_get(v, "spools"), 0),
	    "entries", json_integer(1));
	fx_put(f, v, now + 120);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT entries FROM spools WHERE path = "
	    "'/var/spool/clientmqueue'"), 4242);
}

static void
test_retention(void **state)
{
	struct fx *f = *state;
	char err[256];
	long n, total = 0;

	fx_put(f, f->incident, 1771147300);
	long long ev = fx_count(f, "SELECT count(*) FROM events");
	assert_true(ev > 0);
	/* nothing is older than a cutoff before the data */
	assert_int_equal(store_retention(f->st, 1000, 2, err, sizeof(err)),
	    0);
	/* a cutoff after everything: batches of 2 until nothing is left */
	while ((n = store_retention(f->st, 1800000000, 2, err, sizeof(err)))
	    > 0) {
		assert_true(n <= 2);
		total += n;
	}
	assert_int_equal(n, 0);
	assert_true(total >= ev);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM events"), 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM history"), 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM sig_fleet"), 0);
	/* the latest state of the host is not history: it stays */
	assert_int_equal(fx_count(f, "SELECT count(*) FROM hosts"), 1);
}

/* ev - an event of the tests below. */
static json_t *
ev(const char *id, const char *ts, const char *kind, const char *sig)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "ts", ts, "kind",
	                 kind, "signature", sig, "message", sig);
}

/*
 * test_rows_of_a_report - what a report has many of, written as one
 * statement each on PostgreSQL (store.c, S_PG_*), stored as SQLite
 * stores it row by row: an event id twice in one report is one event
 * (the first), counted once; ids follow the report's order; text that
 * an array literal must quote (quotes, braces, commas, backslashes, the
 * word NULL) stored as it was; a resent event not counted again; a
 * signature in two groups of one report summed; two findings of one
 * (code, subject) in a report: one open finding, the last one's text.
 */
static void
test_rows_of_a_report(void **state)
{
	struct fx *f = *state;
	long long now = 1771147300;
	const char *odd = "SYSERR \"quoted\" {a,b} back\\slash NULL";
	json_t *v, *e, *fs;

	v = fx_variant(f->incident, 2, NULL, "2026-02-15T09:21:00Z");
	e = json_array();
	json_array_append_new(e, ev("e1", "2026-02-15T09:00:00Z", "syserr",
	                            "SIG-A"));
	json_array_append_new(e, ev("e2", "2026-02-15T09:00:01Z", "syserr",
	                            "SIG-A"));
	json_array_append_new(e, ev("e1", "2026-02-15T09:00:02Z", "syserr",
	                            "SIG-A"));
	json_array_append_new(e, ev("e3", "2026-02-15T09:00:03Z", "deferred",
	                            odd));
	json_object_set_new(v, "events", e);
	json_object_set_new(v, "event_groups", json_array());
	assert_int_equal(fx_put(f, v, now), 0);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM events"), 3);
	assert_int_equal(fx_count(f, "SELECT ts FROM events WHERE eid = 'e1'"),
	                 1771146000);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM events a, events b, "
	                             "events c WHERE a.eid = 'e1' AND b.eid = "
	                             "'e2' AND c.eid = 'e3' AND a.id < b.id AND "
	                             "b.id < c.id"),
	                 1);
	assert_int_equal(fx_count(f, "SELECT count FROM sig_fleet WHERE "
	                             "signature = 'SIG-A'"),
	                 2);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM events e JOIN "
	                             "event_sigs s USING (signature) WHERE "
	                             "s.signature = 'SYSERR \"quoted\" {a,b} "
	                             "back\\slash NULL' AND s.count = 1"),
	                 1);

	/* resent e2 with a new e4: only e4 counts */
	v = fx_variant(f->incident, 3, NULL, "2026-02-15T09:22:00Z");
	e = json_array();
	json_array_append_new(e, ev("e2", "2026-02-15T09:00:01Z", "syserr",
	                            "SIG-A"));
	json_array_append_new(e, ev("e4", "2026-02-15T09:01:00Z", "syserr",
	                            "SIG-A"));
	json_object_set_new(v, "events", e);
	json_object_set_new(v, "event_groups", json_array());
	assert_int_equal(fx_put(f, v, now + 60), 0);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM events"), 4);
	assert_int_equal(fx_count(f, "SELECT count FROM sig_fleet WHERE "
	                             "signature = 'SIG-A'"),
	                 3);

	/* groups: one signature twice; findings: one key twice */
	v = fx_variant(f->incident, 4, NULL, "2026-02-15T09:23:00Z");
	json_object_set_new(v, "events", json_array());
	e = json_array();
	json_array_append_new(
	    e, json_pack("{s:s,s:s,s:i,s:s,s:s}", "signature", "G1", "kind",
	                 "syserr", "count", 2, "first_ts",
	                 "2026-02-15T09:02:00Z", "last_ts",
	                 "2026-02-15T09:03:00Z"));
	json_array_append_new(
	    e, json_pack("{s:s,s:s,s:i,s:s,s:s}", "signature", "G1", "kind",
	                 "syserr", "count", 3, "first_ts",
	                 "2026-02-15T09:01:00Z", "last_ts",
	                 "2026-02-15T09:02:30Z"));
	json_object_set_new(v, "event_groups", e);
	fs = json_array();
	json_array_append_new(
	    fs, json_pack("{s:s,s:s,s:s,s:s}", "code", "spool.permissions",
	                  "subject", "/x", "severity", "warning", "message",
	                  "m1"));
	json_array_append_new(
	    fs, json_pack("{s:s,s:s,s:s,s:s}", "code", "spool.permissions",
	                  "subject", "/x", "severity", "warning", "message",
	                  "m2"));
	json_object_set_new(v, "findings", fs);
	assert_int_equal(fx_put(f, v, now + 120), 0);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT count FROM event_sigs WHERE "
	                             "signature = 'G1'"),
	                 5);
	assert_int_equal(fx_count(f, "SELECT last_ts FROM event_sigs WHERE "
	                             "signature = 'G1'"),
	                 1771146180);
	assert_int_equal(fx_count(f, "SELECT count FROM sig_fleet WHERE "
	                             "signature = 'G1'"),
	                 5);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM event_groups"), 2);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM findings WHERE "
	                             "resolved_at IS NULL"),
	                 1);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM findings WHERE "
	                             "resolved_at IS NULL AND subject = '/x' "
	                             "AND message = 'm2'"),
	                 1);
	aggregates_consistent(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_idempotent, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_findings_lifecycle, fx_setup,
		fx_teardown),
	    cmocka_unit_test_setup_teardown(test_fleet_aggregates, fx_setup,
		fx_teardown),
	    cmocka_unit_test_setup_teardown(test_unchanged_state, fx_setup,
		fx_teardown),
	    cmocka_unit_test_setup_teardown(test_history_points, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_clock_ahead, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_retention, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_rows_of_a_report, fx_setup,
	                                    fx_teardown),
	};
	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
