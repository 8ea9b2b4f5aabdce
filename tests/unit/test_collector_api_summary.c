/*
 * test_collector_api_summary.c - GET /api/v1/summary (api_summary.c) over
 * a real database filled through the store: an empty fleet, twelve
 * hosts of the incident report, two of them stale; "MTA down" counted as
 * the mta.down finding is; pseudo filesystems left out of inodes_top.
 */
#include "tests/unit/collector_fixture.h"

static json_t *
part(json_t *s, const char *key)
{
	json_t *x = json_object_get(s, key);

	assert_non_null(x);
	return x;
}

static void
test_empty(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *s = fx_call(f, api_summary, &a, NULL, 200);

	assert_int_equal(fx_num(part(s, "hosts"), "total"), 0);
	assert_int_equal(fx_num(part(s, "hosts"), "stale"), 0);
	assert_int_equal(json_array_size(part(part(s, "hosts"), "silent")), 0);
	assert_int_equal(json_array_size(part(s, "findings")), 0);
	assert_int_equal(json_array_size(part(s, "syserr_top")), 0);
	assert_int_equal(json_array_size(part(s, "inodes_top")), 0);
	assert_int_equal(fx_num(part(s, "mail"), "queued_total"), 0);
	assert_int_equal(fx_num(part(s, "mta_down"), "hosts"), 0);
	assert_int_equal(fx_num(s, "stale_after_s"), FX_STALE_AFTER);
	assert_string_equal(json_string_value(part(s, "generated_at")),
	                    "2026-02-15T09:23:20Z");
	json_decref(s);
}

static void
test_fleet(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *s, *x;

	fx_fleet(f, 12);
	s = fx_call(f, api_summary, &a, NULL, 200);
	x = part(s, "hosts");
	assert_int_equal(fx_num(x, "total"), 12);
	assert_int_equal(fx_num(x, "stale"), 2);
	assert_int_equal(fx_num(x, "reporting"), 10);
	/* the silent hosts: the two that reported last long ago */
	assert_int_equal(json_array_size(part(x, "silent")), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *h = json_array_get(part(x, "silent"), i);
		const char *n = json_string_value(json_object_get(h, "host"));
		assert_true(strcmp(n, "web010") == 0 ||
		            strcmp(n, "web011") == 0);
		assert_string_equal(
		    json_string_value(json_object_get(h, "last_seen")),
		    "2026-02-15T07:20:00Z");
	}
	/* 8 codes x severities, each on all 12 hosts */
	assert_int_equal(json_array_size(part(s, "findings")), 8);
	x = json_array_get(part(s, "findings"), 0);
	assert_int_equal(fx_num(x, "hosts"), 12);
	x = json_array_get(part(s, "syserr_top"), 0);
	assert_int_equal(fx_num(x, "hosts"), 12);
	assert_non_null(strstr(
	    json_string_value(json_object_get(x, "signature")), "SYSERR"));
	x = json_array_get(part(s, "inodes_top"), 0);
	assert_true(json_real_value(json_object_get(x, "inodes_used_pct")) >
	            95.0);
	assert_string_equal(json_string_value(json_object_get(x, "mount")),
	                    "/var");
	assert_int_equal(json_array_size(part(s, "inodes_top")), API_TOP_N);
	x = part(s, "mail");
	assert_int_equal(fx_num(x, "hosts_with_queued"), 12);
	assert_int_equal(fx_num(x, "queued_total"), 24);
	assert_int_equal(fx_num(x, "unread_total"), 12 * 5209);
	x = json_array_get(part(x, "top_cron_commands"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "command")),
	                    "/bin/freemem.py");
	assert_int_equal(fx_num(x, "hosts"), 12);
	assert_int_equal(fx_num(x, "messages"), 12 * (5102 + 1));
	x = part(s, "mta_down");
	assert_int_equal(fx_num(x, "hosts"), 12);
	assert_int_equal(json_array_size(part(x, "examples")), API_TOP_N);
	json_decref(s);
}

/* without_finding - drop the findings of code from report v. */
static void
without_finding(json_t *v, const char *code)
{
	json_t *fs = json_object_get(v, "findings");

	for (size_t i = json_array_size(fs); i-- > 0;)
		if (strcmp(json_string_value(json_object_get(
		               json_array_get(fs, i), "code")),
		           code) == 0)
			json_array_remove(fs, i);
}

/* pseudo_fs - a full filesystem of fstype at mount added to v. */
static void
pseudo_fs(json_t *v, const char *mount, const char *fstype)
{
	json_array_append_new(
	    json_object_get(v, "filesystems"),
	    json_pack("{s:s,s:s,s:s,s:i,s:i,s:i,s:f}", "mount", mount,
	              "device", fstype, "fstype", fstype, "inodes_total", 100,
	              "inodes_used", 100, "inodes_free", 0, "inodes_used_pct",
	              100.0));
}

static void
test_one_definition(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *s, *x, *v;
	long long finding_hosts = -1;
	size_t i;

	fx_fleet(f, 3);
	/* sendmail not running, nothing waiting: the agent raised no
	 * mta.down, so the host is not "MTA down" anywhere */
	v = fx_variant(f->incident, 50, "idle", NULL);
	without_finding(v, "mta.down");
	json_object_set_new(json_object_get(v, "mail"), "queued",
	                    json_array());
	json_object_set_new(json_object_get(v, "mail"), "queued_total",
	                    json_integer(0));
	pseudo_fs(v, "/dev", "devtmpfs");
	pseudo_fs(v, "/dev/shm", "tmpfs");
	pseudo_fs(v, "/sys/fs/cgroup", "cgroup2");
	pseudo_fs(v, "/run/user/0", "tmpfs");
	pseudo_fs(v, "/var/spool/big", "xfs");
	fx_put(f, v, 1771147300);
	json_decref(v);

	s = fx_call(f, api_summary, &a, NULL, 200);
	json_array_foreach(part(s, "findings"), i, x)
	    if (strcmp(json_string_value(json_object_get(x, "code")),
	               "mta.down") == 0) finding_hosts = fx_num(x, "hosts");
	assert_int_equal(finding_hosts, 3);
	x = part(s, "mta_down");
	assert_int_equal(fx_num(x, "hosts"), finding_hosts);
	json_array_foreach(part(x, "examples"), i, v)
	    assert_string_not_equal(json_string_value(v), "idle");
	assert_int_equal(fx_count(f, "SELECT count(*) FROM hosts WHERE "
	                             "mta_down = 1"), finding_hosts);

	/* the full xfs spool first; no /dev, /sys, /run pseudo mount */
	x = json_array_get(part(s, "inodes_top"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "mount")),
	                    "/var/spool/big");
	json_array_foreach(part(s, "inodes_top"), i, x)
	{
		const char *m = json_string_value(json_object_get(x, "mount"));
		assert_true(strcmp(m, "/") == 0 || strcmp(m, "/var") == 0 ||
		            strcmp(m, "/var/spool/big") == 0);
	}
	json_decref(s);
}

/* A database that cannot be read answers 503 in the error shape. */
static void
test_broken_db(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};

	assert_int_equal(
	    sql_exec(f->db,
	             /* PostgreSQL's fleet is a view over fleet_part */
	             sql_pick(f->db, "DROP TABLE fleet", "DROP VIEW fleet"),
	             NULL, 0),
	    0);
	assert_string_equal(
	    fx_error_code(fx_call(f, api_summary, &a, NULL, 503)),
	    "database_unavailable");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_empty, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_fleet, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_one_definition, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_broken_db, fx_setup,
	                                    fx_teardown),
	};

	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
