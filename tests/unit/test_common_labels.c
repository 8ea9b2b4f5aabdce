/*
 * test_common_labels.c - common/labels.c: keys, values, the agent.conf
 * text of labels, and the bounds against schema/report.schema.json's
 * host.labels (found from SPOOLWATCH_TOP or the current directory).
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

#include "common/labels.h"

#define KEY_OK(s) label_key_ok(s, strlen(s))
#define VAL_OK(s) label_value_ok(s, strlen(s))

static void
test_keys(void **state)
{
	char k[LABEL_KEY_MAX + 2];

	(void)state;
	assert_true(KEY_OK("env"));
	assert_true(KEY_OK("_x9"));
	assert_true(KEY_OK("DC_1"));
	assert_false(KEY_OK(""));
	assert_false(KEY_OK("9dc"));
	assert_false(KEY_OK("a-b"));
	assert_false(KEY_OK("a.b"));
	assert_false(KEY_OK("a b"));
	assert_false(KEY_OK("__name__"));
	assert_false(KEY_OK("\xc3\xa9t\xc3\xa9"));
	memset(k, 'k', sizeof(k));
	k[LABEL_KEY_MAX] = '\0';
	assert_true(KEY_OK(k));
	k[LABEL_KEY_MAX] = 'k';
	k[LABEL_KEY_MAX + 1] = '\0';
	assert_false(KEY_OK(k));
	assert_false(label_key_ok("a\0b", 3));
}

static void
test_values(void **state)
{
	char v[4 * LABEL_VALUE_MAX + 8];

	(void)state;
	assert_true(VAL_OK("prod"));
	assert_true(VAL_OK("web server 2"));
	assert_true(VAL_OK("k=v:w"));
	assert_true(VAL_OK("Z\xc3\xbcrich"));    /* Zürich */
	assert_true(VAL_OK("\xf0\x9f\x90\xa7")); /* U+1F427 */
	assert_false(VAL_OK(""));
	assert_false(VAL_OK("a\tb"));
	assert_false(VAL_OK("a\nb"));
	assert_false(VAL_OK("a\x7f"));
	assert_false(VAL_OK("a\xc2\x85"));        /* C1 NEL */
	assert_false(VAL_OK("a\xc3"));            /* cut sequence */
	assert_false(VAL_OK("\xc0\xaf"));         /* overlong '/' */
	assert_false(VAL_OK("\xed\xa0\x80"));     /* a surrogate */
	assert_false(VAL_OK("\xf4\x90\x80\x80")); /* beyond U+10FFFF */
	assert_false(label_value_ok("a\0b", 3));
	/* 128 characters of two bytes each are fine, 129 are not */
	for (int i = 0; i < LABEL_VALUE_MAX; i++)
		memcpy(v + 2 * i, "\xc3\xa9", 2);
	v[2 * LABEL_VALUE_MAX] = '\0';
	assert_true(VAL_OK(v));
	memcpy(v + 2 * LABEL_VALUE_MAX, "x", 2);
	assert_false(VAL_OK(v));
}

static void
test_parse(void **state)
{
	char why[256];
	json_t *o;

	(void)state;
	o = labels_parse(" env=prod, role = web ,dc=fra1", why, sizeof(why));
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 3);
	assert_string_equal(json_string_value(json_object_get(o, "env")),
	                    "prod");
	assert_string_equal(json_string_value(json_object_get(o, "role")),
	                    "web");
	assert_string_equal(json_string_value(json_object_get(o, "dc")),
	                    "fra1");
	json_decref(o);
	o = labels_parse("", why, sizeof(why));
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 0);
	json_decref(o);
	o = labels_parse("url=http://x:80/a=b", why, sizeof(why));
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "url")),
	                    "http://x:80/a=b");
	json_decref(o);
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
	    {"env", "'env' is not KEY=VALUE"},
	    {"env=prod,,dc=x", "an empty pair"},
	    {"env=prod,", "an empty pair"},
	    {",env=prod", "an empty pair"},
	    {"env=", "env: the value must be"},
	    {"=prod", "key '': expected"},
	    {"my-env=prod", "key 'my-env': expected"},
	    {"__x=1", "key '__x'"},
	    {"env=a, env=b", "env is given twice"},
	};
	char why[256], text[32 * 8 + 64];
	size_t n = 0;
	json_t *o;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_null(labels_parse(bad[i].text, why, sizeof(why)));
		if (strstr(why, bad[i].why) == NULL)
			fail_msg("%s: '%s' lacks '%s'", bad[i].text, why,
			         bad[i].why);
	}
	for (int i = 0; i <= LABELS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%sk%d=v",
		                      i ? "," : "", i);
	assert_null(labels_parse(text, why, sizeof(why)));
	assert_non_null(strstr(why, "more than 32"));
	*strrchr(text, ',') = '\0';
	o = labels_parse(text, why, sizeof(why));
	assert_non_null(o);
	assert_int_equal(json_object_size(o), LABELS_MAX);
	json_decref(o);
}

static void
test_check(void **state)
{
	const char *key;
	json_t *o = json_pack("{s:s,s:s}", "env", "prod", "dc", "fra1");

	(void)state;
	assert_null(labels_check(o, &key));
	json_object_set_new(o, "dc", json_integer(1));
	assert_non_null(labels_check(o, &key));
	assert_string_equal(key, "dc");
	json_object_set_new(o, "dc", json_string("a\x01"));
	assert_non_null(labels_check(o, &key));
	json_object_del(o, "dc");
	json_object_set_new(o, "bad key", json_string("x"));
	assert_non_null(labels_check(o, &key));
	assert_string_equal(key, "bad key");
	json_decref(o);
	o = json_array();
	assert_non_null(labels_check(o, &key));
	json_decref(o);
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
test_schema_bounds(void **state)
{
	static const char *const k[] = {"properties", "host", "properties",
	                                "labels", NULL};
	const char *top = getenv("SPOOLWATCH_TOP");
	char path[4096], want[64];
	json_error_t je;
	json_t *schema, *l;

	(void)state;
	snprintf(path, sizeof(path), "%s/schema/report.schema.json",
	         top ? top : ".");
	schema = json_load_file(path, 0, &je);
	assert_non_null(schema);
	l = at(schema, k);
	assert_non_null(l);
	assert_int_equal(
	    json_integer_value(json_object_get(l, "maxProperties")),
	    LABELS_MAX);
	snprintf(want, sizeof(want), "^(?!__)[A-Za-z_][A-Za-z0-9_]{0,%d}$",
	         LABEL_KEY_MAX - 1);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_object_get(l, "propertyNames"), "pattern")),
	    want);
	l = json_object_get(l, "additionalProperties");
	assert_int_equal(json_integer_value(json_object_get(l, "maxLength")),
	                 LABEL_VALUE_MAX);
	assert_int_equal(json_integer_value(json_object_get(l, "minLength")),
	                 1);
	json_decref(schema);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keys),  cmocka_unit_test(test_values),
	    cmocka_unit_test(test_parse), cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_check), cmocka_unit_test(test_schema_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
