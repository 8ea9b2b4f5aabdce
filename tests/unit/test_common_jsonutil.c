/*
 * test_common_jsonutil.c - typed getters: right type, wrong type, absent
 * member, NULL and non-object containers; RFC 3339 timestamps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/jsonutil.h"

static void
test_str(void **state)
{
	json_t *o = json_pack("{s:s, s:i, s:n}", "s", "text", "i", 7, "n");
	(void)state;

	assert_string_equal(jsonutil_str(o, "s", NULL), "text");
	assert_null(jsonutil_str(o, "i", NULL));
	assert_string_equal(jsonutil_str(o, "n", "dflt"), "dflt");
	assert_string_equal(jsonutil_str(o, "absent", "?"), "?");
	assert_null(jsonutil_str(NULL, "s", NULL));
	json_decref(o);
}

static void
test_int(void **state)
{
	json_t *o = json_pack("{s:I, s:f, s:s}", "i", (json_int_t)1 << 40, "f",
	                      1.5, "s", "9");
	json_t *arr = json_array();
	(void)state;

	assert_true(jsonutil_int(o, "i", -1) == 1LL << 40);
	assert_true(jsonutil_int(o, "f", -1) == -1); /* a real is not one */
	assert_true(jsonutil_int(o, "s", -1) == -1);
	assert_true(jsonutil_int(o, "absent", 42) == 42);
	assert_true(jsonutil_int(arr, "i", 5) == 5);
	json_decref(arr);
	json_decref(o);
}

static void
test_need_int(void **state)
{
	json_t *o = json_pack("{s:i, s:s}", "a", 3, "b", "x");
	int bad = 0;
	(void)state;

	assert_true(jsonutil_need_int(o, "a", &bad) == 3);
	assert_int_equal(bad, 0);
	assert_true(jsonutil_need_int(o, "b", &bad) == 0);
	assert_int_equal(bad, 1);
	bad = 0;
	assert_true(jsonutil_need_int(o, "absent", &bad) == 0);
	assert_int_equal(bad, 1);
	/* a later good read does not clear it */
	assert_true(jsonutil_need_int(o, "a", &bad) == 3);
	assert_int_equal(bad, 1);
	json_decref(o);
}

static void
test_ts(void **state)
{
	json_t *j;
	(void)state;

	j = jsonutil_ts(1771118402); /* the incident's SYSERR */
	assert_string_equal(json_string_value(j), "2026-02-15T01:20:02Z");
	json_decref(j);
	j = jsonutil_ts(0);
	assert_string_equal(json_string_value(j), "1970-01-01T00:00:00Z");
	json_decref(j);
	j = jsonutil_ts(-86400);
	assert_string_equal(json_string_value(j), "1969-12-31T00:00:00Z");
	json_decref(j);
	assert_true(json_is_null(jsonutil_ts_known(-1)));
	j = jsonutil_ts_known(0);
	assert_string_equal(json_string_value(j), "1970-01-01T00:00:00Z");
	json_decref(j);
	/* beyond year 9999 does not fit the format */
	assert_true(json_is_null(jsonutil_ts(253402300800LL)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_str),
	    cmocka_unit_test(test_int),
	    cmocka_unit_test(test_need_int),
	    cmocka_unit_test(test_ts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
