/*
 * test_collector_api_hosts.c - GET /api/v1/hosts and /api/v1/hosts/{name}
 * (api_hosts.c) over a real database filled through the store: the item
 * shape, keyset pages that stay stable while hosts arrive, the finding,
 * severity, stale and q filters, bad arguments, and one host's state,
 * open findings, events and curves.
 */
#include "tests/unit/collector_fixture.h"

static void
test_list_item(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *body, *h;

	fx_fleet(f, 12);
	body = fx_call(f, api_hosts, &a, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(body, "items")), 12);
	assert_true(json_is_null(json_object_get(body, "next_cursor")));
	h = json_array_get(json_object_get(body, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(h, "name")),
	                    "web000");
	assert_true(json_is_false(json_object_get(h, "stale")));
	assert_string_equal(
	    json_string_value(json_object_get(h, "collected_at")),
	    "2026-02-15T09:21:00Z");
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(h, "mta"), "kind")),
	                    "sendmail");
	assert_true(json_is_false(
	    json_object_get(json_object_get(h, "mta"), "daemon_running")));
	assert_true(json_is_true(json_object_get(h, "mta_down")));
	assert_int_equal(fx_num(h, "queued_total"), 2);
	assert_int_equal(fx_num(h, "unread_total"), 5209);
	assert_int_equal(fx_num(json_object_get(h, "findings"), "critical"), 5);
	assert_int_equal(fx_num(json_object_get(h, "findings"), "warning"), 3);
	assert_int_equal(fx_num(json_object_get(h, "findings"), "info"), 0);
	h = json_array_get(json_object_get(body, "items"), 11);
	assert_string_equal(json_string_value(json_object_get(h, "name")),
	                    "web011");
	assert_true(json_is_true(json_object_get(h, "stale")));
	json_decref(body);
}

static void
test_pages_and_filters(void **state)
{
	struct fx *f = *state;
	struct fx_args a;

	fx_fleet(f, 12);
	/* "zz-late" arrives after the first page and sorts last: seen */
	memset(&a, 0, sizeof(a));
	assert_int_equal(fx_walk(f, api_hosts, &a, 1), 13);
	memset(&a, 0, sizeof(a));
	fx_set(&a, "stale", "true");
	assert_int_equal(fx_walk(f, api_hosts, &a, 0), 2);
	fx_set(&a, "stale", "false");
	assert_int_equal(fx_walk(f, api_hosts, &a, 0), 11);
	memset(&a, 0, sizeof(a));
	fx_set(&a, "q", "web01");
	assert_int_equal(fx_walk(f, api_hosts, &a, 0), 2); /* web010, 011 */
	fx_set(&a, "q", "web_0");                          /* _ is literal */
	assert_int_equal(fx_walk(f, api_hosts, &a, 0), 0);
	memset(&a, 0, sizeof(a));
	fx_set(&a, "finding", "mta.down");
	assert_int_equal(fx_walk(f, api_hosts, &a, 0), 13);
	fx_set(&a, "severity", "info");
	assert_int_equal(fx_walk(f, api_hosts, &a, 0), 0);
	fx_set(&a, "severity", "critical");
	assert_int_equal(fx_walk(f, api_hosts, &a, 0), 13);
	memset(&a, 0, sizeof(a));
	fx_set(&a, "severity", "warning");
	assert_int_equal(fx_walk(f, api_hosts, &a, 0), 13);
	fx_set(&a, "severity", "info");
	assert_int_equal(fx_walk(f, api_hosts, &a, 0), 0);
}

static void
test_bad_arguments(void **state)
{
	struct fx *f = *state;
	static const char *const bad[][2] = {
	    {"severity", "fatal"}, {"stale", "maybe"}, {"cursor", "zz"},
	    {"cursor", "7"},       {"cursor", "00"},   {"limit", "0"},
	    {"limit", "-3"},       {"limit", "x"},
	};
	struct fx_args a;
	json_t *body;

	fx_fleet(f, 3);
	fx_bad_args(f, api_hosts, bad, sizeof(bad) / sizeof(bad[0]));
	/* a limit above the maximum is capped, not refused */
	memset(&a, 0, sizeof(a));
	fx_set(&a, "limit", "5000");
	body = fx_call(f, api_hosts, &a, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(body, "items")), 3);
	json_decref(body);
}

static void
test_one_host(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *h, *x;

	fx_fleet(f, 6);
	h = fx_call(f, api_host, &a, "web004", 200);
	assert_string_equal(json_string_value(json_object_get(h, "name")),
	                    "web004");
	assert_string_equal(
	    json_string_value(json_object_get(h, "last_report_id")),
	    "5f0c6a0e-3b7d-4c2a-9d1e-000000000104");
	assert_int_equal(fx_num(h, "reports"), 1);
	assert_int_equal(
	    fx_num(h, "interval_s"),
	    json_integer_value(json_object_get(f->incident, "interval_s")));
	assert_int_equal(json_array_size(json_object_get(h, "spools")), 3);
	assert_int_equal(json_array_size(json_object_get(h, "filesystems")), 2);
	/* open findings, critical first, without a host field */
	x = json_object_get(h, "open_findings");
	assert_int_equal(json_array_size(x), 8);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(x, 0), "severity")),
	                    "critical");
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(x, 7), "severity")),
	                    "warning");
	assert_null(json_object_get(json_array_get(x, 0), "host"));
	x = json_object_get(h, "recent_events");
	assert_int_equal(json_array_size(x), json_array_size(json_object_get(
	                                         f->incident, "events")));
	/* curves: syserr, queued_total, unread_total, spools, inodes */
	x = json_object_get(h, "history");
	assert_true(json_array_size(x) >= 5);
	assert_true(json_array_size(
	                json_object_get(json_array_get(x, 0), "points")) >= 1);
	json_decref(h);

	/* history_hours=0: no point is newer than now */
	fx_set(&a, "history_hours", "0");
	h = fx_call(f, api_host, &a, "web004", 200);
	assert_int_equal(json_array_size(json_object_get(h, "history")), 0);
	json_decref(h);
	fx_set(&a, "history_hours", "9000");
	assert_string_equal(
	    fx_error_code(fx_call(f, api_host, &a, "web004", 400)),
	    "bad_request");
	memset(&a, 0, sizeof(a));
	assert_string_equal(
	    fx_error_code(fx_call(f, api_host, &a, "nope", 404)), "not_found");
	/* a name that is not UTF-8 (from the path): still the error shape */
	assert_string_equal(
	    fx_error_code(fx_call(f, api_host, &a, "\xff\xfe", 404)),
	    "not_found");
	/* a message cut by API_MSG_MAX in the middle of a character */
	char name[API_MSG_MAX];
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (size_t i = 480; i + 1 < sizeof(name) - 1; i += 2)
		memcpy(name + i, "\xc3\xa9", 2);
	assert_string_equal(
	    fx_error_code(fx_call(f, api_host, &a, name, 404)), "not_found");
}

/* More points than API_HISTORY_POINTS are thinned, keeping the last. */
static void
test_history_thinned(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	char sql[256];
	json_t *h, *pts;
	long long hid;

	fx_fleet(f, 1);
	hid = fx_count(f, "SELECT id FROM hosts");
	snprintf(sql, sizeof(sql),
	         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
	         "FROM n WHERE i < 1200) INSERT INTO history (host_id, "
	         "metric, subject, ts, value) SELECT %lld, 'zz', '', "
	         "%d - 1200 + i, i FROM n",
	         hid, FX_NOW);
	assert_int_equal(sql_exec(f->db, sql, NULL, 0), 0);
	h = fx_call(f, api_host, &a, "web000", 200);
	pts = json_object_get(
	    json_array_get(json_object_get(h, "history"),
	                   json_array_size(json_object_get(h, "history")) - 1),
	    "points");
	assert_true(json_array_size(pts) <= API_HISTORY_POINTS);
	assert_true(json_array_size(pts) >= API_HISTORY_POINTS / 2);
	assert_true(json_real_value(json_array_get(
	                json_array_get(pts, json_array_size(pts) - 1), 1)) ==
	            1200.0);
	json_decref(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_list_item, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_pages_and_filters, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_arguments, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_one_host, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_history_thinned, fx_setup,
	                                    fx_teardown),
	};

	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
