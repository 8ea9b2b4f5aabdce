/*
 * test_collector_fleet_history.c - the fleet curves (fleet_history.c and
 * the SYSERR lines store.c adds): a sample holds the trigger-kept
 * aggregates of its minute (mail totals, open findings per severity),
 * a second sample of the same minute replaces the gauges and keeps the
 * SYSERR lines, each report adds its SYSERR lines to the minute it was
 * received in, a host's open findings per severity become its curve,
 * and retention removes old points.
 */
#include "tests/unit/collector_fixture.h"

#include "collector/store/fleet_history.h"

/* value of metric/subject at ts, -1 when there is no such point */
static long long
point(struct fx *f, const char *metric, const char *subject, long long ts)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT coalesce((SELECT CAST(value AS "
	    "INTEGER) FROM fleet_history WHERE metric = '%s' AND subject = "
	    "'%s' AND ts = %lld), -1)", metric, subject, ts);
	return fx_count(f, sql);
}

static void
sample(struct fx *f, long long now)
{
	struct fleet_history *fh;
	char err[256];

	fh = fleet_history_new(f->db, err, sizeof(err));
	assert_non_null(fh);
	assert_int_equal(fleet_history_sample(fh, now, err, sizeof(err)),
	    SQL_OK);
	fleet_history_free(fh);
}

static void
test_sample_is_the_aggregates(void **state)
{
	struct fx *f = *state;
	long long now = 1771147300, minute = now - now % 60;

	sample(f, now);
	assert_int_equal(point(f, "queued_total", "", minute), 0);
	assert_int_equal(point(f, "open_findings", "critical", minute), 0);
	assert_int_equal(point(f, "syserr", "", minute), 0);

	fx_fleet(f, 3);
	sample(f, now + 1);
	assert_true(fx_count(f, "SELECT queued FROM fleet") > 0);
	assert_int_equal(point(f, "queued_total", "", minute),
	    fx_count(f, "SELECT queued FROM fleet"));
	assert_int_equal(point(f, "unread_total", "", minute),
	    fx_count(f, "SELECT unread FROM fleet"));
	static const char *const sev[] = {"critical", "warning", "info"};
	for (int i = 0; i < 3; i++) {
		char sql[160];
		snprintf(sql, sizeof(sql), "SELECT coalesce(sum(hosts), 0) "
		    "FROM finding_counts WHERE severity = '%s'", sev[i]);
		assert_int_equal(point(f, "open_findings", sev[i], minute),
		    fx_count(f, sql));
	}
	assert_true(point(f, "open_findings", "critical", minute) > 0);
	/* one point per series and minute */
	assert_int_equal(fx_count(f, "SELECT count(*) FROM fleet_history "
	    "WHERE ts = " "1771147260"), 6);
}

static void
test_syserr_lines_per_minute(void **state)
{
	struct fx *f = *state;
	long long now = 1771147300, minute = now - now % 60;

	fx_put(f, f->incident, now);
	long long lines = fx_count(f, "SELECT CAST(sum(value) AS INTEGER) "
	    "FROM history WHERE metric = 'syserr'");
	assert_true(lines > 0);
	/* the batch's sample, before its commit (writer.c), has them (on
	 * PostgreSQL they wait in the batch's part until then) */
	sample(f, now);
	assert_int_equal(point(f, "syserr", "", minute), lines);
	/* a later sample of the same minute keeps them */
	sample(f, now + 10);
	assert_int_equal(point(f, "syserr", "", minute), lines);
	/* a report received in the next minute counts there */
	json_t *v = fx_variant(f->incident, 2, "other", NULL);
	fx_put(f, v, now + 60);
	json_decref(v);
	sample(f, now + 60);
	assert_int_equal(point(f, "syserr", "", minute), lines);
	assert_int_equal(point(f, "syserr", "", minute + 60), lines);
}

static void
test_host_open_findings_curve(void **state)
{
	struct fx *f = *state;

	fx_put(f, f->incident, 1771147300);
	assert_int_equal(fx_count(f, "SELECT CAST(value AS INTEGER) FROM "
	    "history WHERE metric = 'open_findings' AND subject = 'critical'"),
	    fx_count(f, "SELECT open_critical FROM hosts"));
	assert_true(fx_count(f, "SELECT open_critical FROM hosts") > 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM history WHERE "
	    "metric = 'open_findings'"), 3);
}

/* labelled - a variant of the incident report of host, collected at
 * collected, with labels env=prod (and role=mta when mta). */
static json_t *
labelled(struct fx *f, int n, const char *host, const char *collected,
         int mta)
{
	json_t *v = fx_variant(f->incident, n, host, collected);

	json_object_set_new(json_object_get(v, "host"), "labels",
	    mta ? json_pack("{s:s,s:s}", "env", "prod", "role", "mta")
	        : json_pack("{s:s}", "env", "prod"));
	return v;
}

/* label curve at the minute of the hosts' reports, -1 when none */
static long long
label_point(struct fx *f, const char *key, const char *value,
            const char *metric, const char *subject)
{
	char sql[384];

	snprintf(sql, sizeof(sql), "SELECT coalesce((SELECT CAST(total AS "
	    "INTEGER) FROM label_history WHERE key = '%s' AND value = '%s' "
	    "AND metric = '%s' AND subject = '%s' AND ts = (SELECT min(ts - "
	    "ts %% 60) FROM history)), -1)", key, value, metric, subject);
	return fx_count(f, sql);
}

static void
test_label_curves(void **state)
{
	struct fx *f = *state;
	long long now = 1771147300;
	json_t *a = labelled(f, 2, "a", "2026-02-15T09:20:02Z", 1);
	json_t *b = labelled(f, 3, "b", "2026-02-15T09:20:30Z", 0);
	json_t *a2 = labelled(f, 4, "a", "2026-02-15T09:20:40Z", 1);

	fx_put(f, a, now);
	fx_put(f, b, now);
	/* the same host again in the same minute: its largest point of the
	 * minute counts, not the sum of its points */
	fx_put(f, a2, now);
	sample(f, now);
	long long q = fx_count(f, "SELECT CAST(max(value) AS INTEGER) FROM "
	    "history h JOIN hosts n ON n.id = h.host_id WHERE n.name = 'a' "
	    "AND metric = 'queued_total'");
	long long crit = fx_count(f, "SELECT CAST(max(value) AS INTEGER) FROM "
	    "history h JOIN hosts n ON n.id = h.host_id WHERE n.name = 'a' "
	    "AND metric = 'open_findings' AND subject = 'critical'");
	assert_true(q > 0 && crit > 0);
	assert_int_equal(label_point(f, "role", "mta", "queued_total", ""), q);
	assert_int_equal(label_point(f, "env", "prod", "queued_total", ""),
	    2 * q);
	assert_int_equal(label_point(f, "env", "prod", "open_findings",
	    "critical"), 2 * crit);
	/* no label curve of a metric other than the fleet's four */
	assert_int_equal(fx_count(f, "SELECT count(*) FROM label_history "
	    "WHERE metric NOT IN ('queued_total', 'unread_total', 'syserr', "
	    "'open_findings')"), 0);
	json_decref(a);
	json_decref(b);
	json_decref(a2);
}

static void
test_retention(void **state)
{
	struct fx *f = *state;
	char err[256];

	sample(f, 1771147300);
	fx_put(f, f->incident, 1771147300);
	assert_true(fx_count(f, "SELECT count(*) FROM fleet_history") >= 6);
	json_t *v = labelled(f, 5, "l", NULL, 0);
	fx_put(f, v, 1771147300);
	json_decref(v);
	sample(f, 1771147300);
	assert_true(fx_count(f, "SELECT count(*) FROM label_history") >= 6);
	while (store_retention(f->st, 1800000000, 100, err, sizeof(err)) > 0)
		;
	assert_int_equal(fx_count(f, "SELECT count(*) FROM fleet_history"), 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM label_history"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sample_is_the_aggregates,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_syserr_lines_per_minute,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_host_open_findings_curve,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_label_curves, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_retention, fx_setup,
	                                    fx_teardown),
	};
	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
