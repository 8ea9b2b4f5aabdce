/*
 * test_agent_json_out.c - json_out_dumpf writes the bytes json_dumpf
 * writes: the report's own flags and others, nested and empty objects
 * and arrays, every escape, non-ASCII and invalid strings and keys,
 * integers at their limits, reals; and thousands of random trees.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "agent/json_out.h"

static const size_t flag_sets[] = {
    JSON_INDENT(2) | JSON_ENSURE_ASCII, /* --stdout */
    JSON_COMPACT | JSON_ENSURE_ASCII,   /* what is delivered */
    0,
    JSON_INDENT(3),
    JSON_INDENT(31) | JSON_COMPACT,
    JSON_ENSURE_ASCII | JSON_REAL_PRECISION(5),
    JSON_INDENT(2) | JSON_SORT_KEYS, /* jansson's own */
    JSON_ESCAPE_SLASH | JSON_ENSURE_ASCII,
};

/* dump - the text and result of one dumper, in *text (malloc'd) */
static int
dump(int (*fn)(const json_t *, FILE *, size_t), const json_t *j, size_t flags,
     char **text, size_t *len)
{
	FILE *f = open_memstream(text, len);
	int rc;

	assert_non_null(f);
	rc = fn(j, f, flags);
	assert_int_equal(fclose(f), 0);
	return rc;
}

static int
out_dumpf(const json_t *j, FILE *f, size_t flags)
{
	return json_out_dumpf(j, f, flags);
}

static int
jansson_dumpf(const json_t *j, FILE *f, size_t flags)
{
	return json_dumpf(j, f, flags);
}

/* same - j dumps the same under every flag set; the texts are compared
 * where jansson succeeds (it fails on invalid UTF-8 in a value) */
static void
same(const json_t *j)
{
	for (size_t i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++) {
		char *a, *b;
		size_t al, bl;
		int ra = dump(jansson_dumpf, j, flag_sets[i], &a, &al);
		int rb = dump(out_dumpf, j, flag_sets[i], &b, &bl);

		assert_int_equal(ra, rb);
		if (ra == 0) {
			if (al != bl || memcmp(a, b, al) != 0)
				fail_msg("flags %#zx:\njansson: %.*s\nours:    "
				         "%.*s",
				         flag_sets[i], (int)al, a, (int)bl, b);
		}
		free(a);
		free(b);
	}
}

static void
test_values_and_escapes(void **state)
{
	static const char ctl[] = "a\"b\\c/d\be\ff\ng\rh\ti\x01j\x1f\x7fk";
	json_t *j = json_object(), *a = json_array();

	(void)state;
	json_object_set_new(j, "empty_object", json_object());
	json_object_set_new(j, "empty_array", json_array());
	json_object_set_new(j, "controls", json_stringn(ctl, sizeof(ctl) - 1));
	json_object_set_new(j, "nul", json_stringn("a\0b", 3));
	json_object_set_new(j, "utf8",
	                    json_string("caf\xc3\xa9 \xe2\x82\xac "
	                                "\xf0\x9f\x98\x80"));
	json_object_set_new(j, "k\xc3\xa9y \"quoted\"\n", json_true());
#if JANSSON_VERSION_HEX >= 0x020e00
	json_object_setn_new(j, "nul\0key", 7, json_false());
#endif
	json_object_set_new(j, "null", json_null());
	json_object_set_new(j, "", json_string(""));
	json_array_append_new(a, json_integer(0));
	json_array_append_new(a, json_integer(-1));
	json_array_append_new(a, json_integer(LLONG_MAX));
	json_array_append_new(a, json_integer(LLONG_MIN));
	json_array_append_new(a, json_real(1.5));
	json_array_append_new(a, json_real(3.0));
	json_array_append_new(a, json_real(-0.0));
	json_array_append_new(a, json_real(1e300));
	json_array_append_new(a, json_real(0.1));
	json_array_append_new(a, json_pack("[[[]], {}, {\"a\": [1, {}]}]"));
	json_object_set_new(j, "values", a);
	same(j);
	same(a);
	json_decref(j);
}

static void
test_invalid_utf8(void **state)
{
	json_t *v = json_object();

	(void)state;
	/* a value jansson cannot write fails the dump ... */
	json_object_set_new(v, "bad",
	                    json_stringn_nocheck("a\xff"
	                                         "b",
	                                         3));
	same(v);
	json_decref(v);
	/* ... a key it cannot write does not */
	v = json_object();
	json_object_set_new_nocheck(v, "b\xc3", json_integer(1));
	json_object_set_new(v, "after", json_integer(2));
	same(v);
	json_decref(v);
}

static void
test_not_a_container(void **state)
{
	json_t *s = json_string("x");
	char *t;
	size_t n;

	(void)state;
	assert_int_equal(dump(out_dumpf, s, JSON_INDENT(2), &t, &n), -1);
	free(t);
	assert_int_equal(
	    dump(out_dumpf, s, JSON_INDENT(2) | JSON_ENCODE_ANY, &t, &n), 0);
	assert_string_equal(t, "\"x\"");
	free(t);
	json_decref(s);
}

static void
test_longer_than_a_block(void **state)
{
	size_t n = 100000;
	char *big = malloc(n);
	json_t *j = json_array();

	(void)state;
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)(i % 7 == 0 ? '"' : 'a' + i % 26);
	json_array_append_new(j, json_stringn(big, n));
	for (int i = 0; i < 3000; i++)
		json_array_append_new(j, json_pack("{s:i, s:s}", "i", i, "s",
		                                   "twenty bytes or so"));
	same(j);
	json_decref(j);
	free(big);
}

/* rnd - a small fixed-seed generator (the same trees every run) */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static json_t *
rnd_string(uint32_t *s)
{
	static const char *const piece[] = {"a",
	                                    "Z",
	                                    "0",
	                                    " ",
	                                    "\"",
	                                    "\\",
	                                    "/",
	                                    "\n",
	                                    "\t",
	                                    "\x1b",
	                                    "\x7f",
	                                    "\xc3\xa9",
	                                    "\xe2\x82\xac",
	                                    "\xf0\x9f\x98\x80",
	                                    "{}",
	                                    ":"};
	char b[64];
	size_t n = 0, k = rnd(s) % 8;

	for (size_t i = 0; i < k; i++) {
		const char *p =
		    piece[rnd(s) % (sizeof(piece) / sizeof(*piece))];
		memcpy(b + n, p, strlen(p));
		n += strlen(p);
	}
	return json_stringn(b, n);
}

static json_t *
rnd_value(uint32_t *s, int depth)
{
	json_t *v;
	size_t n;

	switch (rnd(s) % (depth < 4 ? 8 : 6)) {
	case 0:
		return json_null();
	case 1:
		return json_boolean(rnd(s) % 2);
	case 2:
		/* any 64-bit value, negative ones too */
		return json_integer(
		    (json_int_t)(((uint64_t)rnd(s) << 32) | rnd(s)));
	case 3:
		return json_real((double)rnd(s) / 7.0);
	case 4:
	case 5:
		return rnd_string(s);
	case 6:
		v = json_array();
		n = rnd(s) % 5;
		for (size_t i = 0; i < n; i++)
			json_array_append_new(v, rnd_value(s, depth + 1));
		return v;
	default:
		v = json_object();
		n = rnd(s) % 5;
		for (size_t i = 0; i < n; i++) {
			json_t *k = rnd_string(s);
			json_object_set_new(v, json_string_value(k),
			                    rnd_value(s, depth + 1));
			json_decref(k);
		}
		return v;
	}
}

static void
test_random_trees(void **state)
{
	uint32_t s = 2463534242u;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		json_t *j = json_object();
		json_object_set_new(j, "v", rnd_value(&s, 0));
		same(j);
		json_decref(j);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_and_escapes),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_not_a_container),
	    cmocka_unit_test(test_longer_than_a_block),
	    cmocka_unit_test(test_random_trees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
