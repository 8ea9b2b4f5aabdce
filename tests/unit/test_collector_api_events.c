/*
 * test_collector_api_events.c - GET /api/v1/events (api_events.c) over a
 * real database filled through the store: newest first, "<ts>.<id>"
 * pages, the host, kind, signature, since and until filters, bad
 * arguments.
 */
#include "tests/unit/collector_fixture.h"

/* in_report - events of the incident report with key = value. */
static size_t
in_report(struct fx *f, const char *key, const char *value)
{
	json_t *ev = json_object_get(f->incident, "events"), *e;
	size_t i, n = 0;

	json_array_foreach(ev, i, e)
	{
		const char *s = json_string_value(json_object_get(e, key));
		n += s && strcmp(s, value) == 0;
	}
	return n;
}

static void
test_order_and_item(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *body, *items;
	const char *prev = NULL;

	fx_fleet(f, 2);
	body = fx_call(f, api_events, &a, NULL, 200);
	items = json_object_get(body, "items");
	assert_int_equal(json_array_size(items), 8);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *e = json_array_get(items, i);
		const char *ts = json_string_value(json_object_get(e, "ts"));
		assert_non_null(ts);
		assert_non_null(json_object_get(e, "host"));
		assert_non_null(json_object_get(e, "raw"));
		if (prev)
			assert_true(strcmp(prev, ts) >= 0); /* newest first */
		prev = ts;
	}
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(items, 0), "kind")),
	                    "deferred");
	json_decref(body);
}

static void
test_pages_and_filters(void **state)
{
	struct fx *f = *state;
	json_t *first =
	    json_array_get(json_object_get(f->incident, "events"), 0);
	const char *sig =
	    json_string_value(json_object_get(first, "signature"));
	size_t per_host =
	    json_array_size(json_object_get(f->incident, "events"));

	fx_fleet(f, 12);
	assert_int_equal(fx_walk_with(f, api_events, NULL, NULL, NULL, NULL),
	                 12 * per_host);
	assert_int_equal(
	    fx_walk_with(f, api_events, "host", "web003", "kind", "syserr"),
	    in_report(f, "kind", "syserr"));
	assert_int_equal(
	    fx_walk_with(f, api_events, "kind", "deferred", NULL, NULL),
	    12 * in_report(f, "kind", "deferred"));
	assert_int_equal(
	    fx_walk_with(f, api_events, "signature", sig, NULL, NULL),
	    12 * in_report(f, "signature", sig));
	/* since is inclusive, until exclusive */
	assert_int_equal(fx_walk_with(f, api_events, "since",
	                              "2026-02-15T15:29:01Z", NULL, NULL),
	                 12);
	assert_int_equal(fx_walk_with(f, api_events, "until",
	                              "2026-02-15T09:21:02Z", NULL, NULL),
	                 24);
	assert_int_equal(fx_walk_with(f, api_events, "since",
	                              "2026-02-15T09:21:00Z", "until",
	                              "2026-02-15T15:00:00Z"),
	                 12);
	assert_int_equal(
	    fx_walk_with(f, api_events, "host", "nope", NULL, NULL), 0);
}

static void
test_bad_arguments(void **state)
{
	struct fx *f = *state;
	static const char *const bad[][2] = {
	    {"since", "yesterday"}, {"until", "2026-02-30"}, {"kind", "info"},
	    {"cursor", "5"},        {"cursor", "1.0"},       {"cursor", "x.1"},
	    {"cursor", "1.2.3"},    {"limit", ""},
	};

	fx_bad_args(f, api_events, bad, sizeof(bad) / sizeof(bad[0]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_order_and_item, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_pages_and_filters, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_arguments, fx_setup,
	                                    fx_teardown),
	};

	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
