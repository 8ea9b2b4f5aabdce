/*
 * test_common_report_schema.c - the name tables of common/report_schema
 * against the enums of schema/report.schema.json (in this repository,
 * found from SPOOLWATCH_TOP or the current directory): same names, same
 * order, nothing missing on either side.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "common/report_schema.h"

static int
setup(void **state)
{
	const char *top = getenv("SPOOLWATCH_TOP");
	char path[4096];
	json_error_t je;
	json_t *schema;

	snprintf(path, sizeof(path), "%s/schema/report.schema.json",
	         top ? top : ".");
	schema = json_load_file(path, 0, &je);
	if (schema == NULL) {
		print_error("%s: %s\n", path, je.text);
		return -1;
	}
	*state = schema;
	return 0;
}

static int
teardown(void **state)
{
	json_decref(*state);
	return 0;
}

/* at - the JSON at a path of object keys. */
static json_t *
at(json_t *j, const char *const *keys)
{
	for (; *keys && j; keys++)
		j = json_object_get(j, *keys);
	return j;
}

static void
same(json_t *schema, const char *const *keys, const char *const *table,
     size_t n)
{
	json_t *e = at(schema, keys), *v;
	size_t i;

	assert_true(json_is_array(e));
	assert_int_equal(json_array_size(e), n);
	json_array_foreach(e, i, v)
	{
		assert_non_null(table[i]);
		assert_string_equal(json_string_value(v), table[i]);
		assert_int_equal(report_schema_find(table, table[i]), (int)i);
	}
	assert_null(table[n]);
}

static void
test_version(void **state)
{
	static const char *const k[] = {"properties", "schema", "const", NULL};
	assert_string_equal(json_string_value(at(*state, k)), REPORT_SCHEMA);
}

static void
test_kinds(void **state)
{
	static const char *const k[] = {"$defs", "event_kind", "enum", NULL};
	same(*state, k, report_schema_kinds, REPORT_SCHEMA_NKINDS);
}

static void
test_roles(void **state)
{
	static const char *const k[] = {"$defs", "spool", "properties",
	                                "role",  "enum",  NULL};
	same(*state, k, report_schema_roles, REPORT_SCHEMA_NROLES);
}

static void
test_codes(void **state)
{
	static const char *const k[] = {"$defs", "finding", "properties",
	                                "code",  "enum",    NULL};
	same(*state, k, report_schema_codes, REPORT_SCHEMA_NCODES);
}

static void
test_severities(void **state)
{
	static const char *const k[] = {"$defs",    "finding", "properties",
	                                "severity", "enum",    NULL};
	same(*state, k, report_schema_severities, REPORT_SCHEMA_NSEVERITIES);
}

static void
test_find(void **state)
{
	(void)state;
	assert_int_equal(report_schema_find(report_schema_kinds, "panic"), 5);
	assert_int_equal(report_schema_find(report_schema_kinds, "Panic"), -1);
	assert_int_equal(report_schema_find(report_schema_roles, ""), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_version),    cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_roles),      cmocka_unit_test(test_codes),
	    cmocka_unit_test(test_severities), cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
