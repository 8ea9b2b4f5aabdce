/*
 * test_collector_api_summary.c - GET /api/v1/summary (api_summary.c) over
 * a real database filled through the store: an empty fleet, and twelve
 * hosts of the incident report, two of them stale.
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

/* A database that cannot be read answers 503 in the error shape. */
static void
test_broken_db(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};

	assert_int_equal(
	    sqlite3_exec(f->db, "DROP TABLE fleet", NULL, NULL, NULL), 0);
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
	    cmocka_unit_test_setup_teardown(test_broken_db, fx_setup,
	                                    fx_teardown),
	};

	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
