/*
 * test_collector_api_findings.c - GET /api/v1/findings (api_findings.c)
 * over a real database filled through the store: the item shape, pages
 * by id that new findings do not shift, the code, severity, state and
 * host filters (a resolved finding included), bad arguments.
 */
#include "tests/unit/collector_fixture.h"

static void
test_item(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *body, *x;

	fx_fleet(f, 1);
	fx_set(&a, "code", "fs.inodes_high");
	body = fx_call(f, api_findings, &a, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(body, "items")), 1);
	x = json_array_get(json_object_get(body, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "code")),
	                    "fs.inodes_high");
	assert_string_equal(json_string_value(json_object_get(x, "subject")),
	                    "/var");
	assert_string_equal(json_string_value(json_object_get(x, "severity")),
	                    "critical");
	assert_string_equal(json_string_value(json_object_get(x, "state")),
	                    "open");
	assert_string_equal(json_string_value(json_object_get(x, "host")),
	                    "web000");
	assert_true(json_is_object(json_object_get(x, "evidence")));
	assert_true(json_is_string(json_object_get(x, "message")));
	assert_true(json_is_string(json_object_get(x, "remedy")));
	assert_true(json_is_integer(json_object_get(x, "id")));
	assert_string_equal(json_string_value(json_object_get(x, "first_seen")),
	                    "2026-02-15T09:21:00Z");
	assert_true(json_is_null(json_object_get(x, "resolved_at")));
	json_decref(body);
}

static void
test_pages_and_filters(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *v, *fs;

	fx_fleet(f, 12);
	/* 12 hosts x 8 findings; findings stored meanwhile have newer ids
	 * and so are not in this walk (newest first) */
	assert_int_equal(fx_walk(f, api_findings, &a, 1), 96);
	assert_int_equal(fx_walk_with(f, api_findings, NULL, NULL, NULL, NULL),
	                 104);
	assert_int_equal(fx_walk_with(f, api_findings, "code", "fs.inodes_high",
	                              "state", "open"),
	                 13);
	assert_int_equal(
	    fx_walk_with(f, api_findings, "severity", "critical", NULL, NULL),
	    13 * 5);
	assert_int_equal(
	    fx_walk_with(f, api_findings, "host", "web003", NULL, NULL), 8);
	assert_int_equal(
	    fx_walk_with(f, api_findings, "host", "nope", NULL, NULL), 0);
	assert_int_equal(
	    fx_walk_with(f, api_findings, "state", "resolved", NULL, NULL), 0);

	/* web000 fixed its MTA: mta.down resolved there */
	v = fx_variant(f->incident, 500, "web000", "2026-02-15T09:23:00Z");
	fs = json_object_get(v, "findings");
	for (size_t i = 0; i < json_array_size(fs); i++)
		if (strcmp(json_string_value(
		               json_object_get(json_array_get(fs, i), "code")),
		           "mta.down") == 0)
			json_array_remove(fs, i--);
	fx_put(f, v, 1771147390);
	json_decref(v);
	memset(&a, 0, sizeof(a));
	fx_set(&a, "state", "resolved");
	v = fx_call(f, api_findings, &a, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(v, "items")), 1);
	fs = json_array_get(json_object_get(v, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(fs, "state")),
	                    "resolved");
	assert_string_equal(json_string_value(json_object_get(fs, "host")),
	                    "web000");
	assert_string_equal(
	    json_string_value(json_object_get(fs, "resolved_at")),
	    "2026-02-15T09:23:00Z");
	json_decref(v);
	assert_int_equal(
	    fx_walk_with(f, api_findings, "code", "mta.down", "state", "open"),
	    12);
}

static void
test_bad_arguments(void **state)
{
	struct fx *f = *state;
	static const char *const bad[][2] = {
	    {"severity", "high"}, {"state", "closed"}, {"cursor", "abc"},
	    {"cursor", "0"},      {"cursor", "-4"},    {"limit", "1x"},
	};

	fx_bad_args(f, api_findings, bad, sizeof(bad) / sizeof(bad[0]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_item, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_pages_and_filters, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_arguments, fx_setup,
	                                    fx_teardown),
	};

	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
