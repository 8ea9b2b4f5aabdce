/*
 * test_collector_validate.c - report validation against the examples in
 * tests/data (valid ones accepted, each invalid one refused with a message
 * that starts with the path in tests/data/invalid/expected-paths.txt), and
 * the bounds the issue names: huge strings, negative counts, far-future
 * timestamps, wrong types; unknown fields accepted.  The schema's reading
 * of numbers, lengths and times (60.0 is an integer, counts up to 2^53,
 * lengths in characters, no second 60), and the memory budget of one
 * decoding (a small gzip body of millions of empty objects refused before
 * jansson builds them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <malloc.h>

#include "collector/ingest/validate.h"
#include "common/fsutil.h"
#include "common/gzip.h"
#include "common/strbuf.h"
#include "testdata.h"

/* check - parse + validate; returns 0 or -1 with err. */
static int
check(const char *text, size_t len, char *err, size_t el)
{
	json_t *r = report_parse(text, len, err, el);
	int rc;

	if (r == NULL)
		return -1;
	rc = report_validate(r, time(NULL), 86400, err, el);
	json_decref(r);
	return rc;
}

static void
test_valid_examples(void **state)
{
	static const char *const files[] = {"report-incident.json",
	    "report-healthy.json", "report-minimal.json", NULL};
	char err[512];

	(void)state;
	for (int i = 0; files[i]; i++) {
		size_t len;
		char *t = testdata_read(files[i], &len);
		if (check(t, len, err, sizeof(err)) != 0)
			fail_msg("%s refused: %s", files[i], err);
		free(t);
	}
}

static void
test_invalid_examples(void **state)
{
	size_t len, n = 0;
	char *list = testdata_read("invalid/expected-paths.txt", &len);
	char *line, *save = NULL;

	(void)state;
	for (line = strtok_r(list, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char name[256], want[512], rel[600], err[512];
		size_t tl;
		char *t;

		if (line[0] == '#' || sscanf(line, "%255s %511[^\n]", name,
		    want) != 2)
			continue;
		snprintf(rel, sizeof(rel), "invalid/%s.json", name);
		t = testdata_read(rel, &tl);
		err[0] = '\0';
		if (check(t, tl, err, sizeof(err)) == 0)
			fail_msg("%s accepted", name);
		if (strcmp(want, "not JSON") == 0) {
			if (strncmp(err, "malformed JSON", 14) != 0)
				fail_msg("%s: '%s'", name, err);
		} else if (strcmp(want, "(top)") == 0) {
			/* a top-level key: no path before it */
			if (strchr(err, '.') < strchr(err, ':') &&
			    strchr(err, '.') != NULL)
				fail_msg("%s: '%s'", name, err);
		} else if (strncmp(err, want, strlen(want)) != 0 ||
		    (err[strlen(want)] != ':' && err[strlen(want)] != '.' &&
		    err[strlen(want)] != '[')) {
			fail_msg("%s: got '%s', want path '%s'", name, err,
			    want);
		}
		free(t);
		n++;
	}
	free(list);
	assert_true(n >= 40);
}

/* mutate - the incident report with one change applied by jansson. */
static json_t *
incident(void)
{
	size_t len;
	char err[256], *t = testdata_read("report-incident.json", &len);
	json_t *r = report_parse(t, len, err, sizeof(err));

	free(t);
	assert_non_null(r);
	return r;
}

static void
expect(json_t *r, const char *prefix)
{
	char err[512] = "";

	assert_int_equal(report_validate(r, time(NULL), 86400, err,
	    sizeof(err)), -1);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("got '%s', want '%s...'", err, prefix);
	json_decref(r);
}

/* evidence_of - the incident with findings[0].evidence {"t": n times c} */
static json_t *
evidence_of(size_t n, char c)
{
	json_t *r = incident();
	char *t = malloc(n);

	memset(t, c, n);
	json_object_set_new(json_array_get(json_object_get(r, "findings"), 0),
	    "evidence", json_pack("{s:s%}", "t", t, n));
	free(t);
	return r;
}

/* A finding's evidence is at most 64 KiB as compact JSON: exactly, also
 * where the quick bound (6 bytes a character) passes it. */
static void
test_evidence_size(void **state)
{
	char err[512];
	json_t *r;

	(void)state;
	/* {"t":"..."}: 8 bytes and the string */
	r = evidence_of(65536 - 8, 'a');
	assert_int_equal(report_validate(r, time(NULL), 86400, err,
	    sizeof(err)), 0);
	json_decref(r);
	expect(evidence_of(65536 - 7, 'a'), "findings[0].evidence: too large");
	/* a newline is 2 bytes compact ("\n") */
	expect(evidence_of(32765, '\n'), "findings[0].evidence: too large");
	r = evidence_of(1000, '\n');
	assert_int_equal(report_validate(r, time(NULL), 86400, err,
	    sizeof(err)), 0);
	json_decref(r);
}

static void
test_bounds(void **state)
{
	json_t *r;
	char *big;
	char ts[32];
	time_t far = time(NULL) + 3 * 86400;
	char err[256];

	(void)state;
	/* a 10 MB string */
	big = malloc(10u << 20);
	memset(big, 'a', 10u << 20);
	r = incident();
	json_object_set_new(json_array_get(json_object_get(r, "events"), 0),
	    "message", json_stringn(big, 10u << 20));
	expect(r, "events[0].message: string longer than 65536");
	free(big);

	r = incident();
	json_object_set_new(json_array_get(json_object_get(r, "filesystems"),
	    1), "inodes_free", json_integer(-5));
	expect(r, "filesystems[1].inodes_free: must be at least 0");

	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime(&far));
	r = incident();
	json_object_set_new(r, "collected_at", json_string(ts));
	expect(r, "collected_at: timestamp too far in the future");

	r = incident();
	json_object_set_new(r, "host", json_string("host1"));
	expect(r, "host: expected an object");

	r = incident();
	json_object_set_new(json_object_get(r, "mail"), "queued_total",
	    json_real(1.5));
	expect(r, "mail.queued_total: expected an integer");

	/* strings with a NUL byte */
	r = incident();
	json_object_set_new(json_object_get(r, "host"), "os",
	    json_stringn("a\0b", 3));
	expect(r, "host.os: contains a NUL byte");

	/* unknown fields anywhere are fine */
	r = incident();
	json_object_set_new(r, "future_section", json_pack("{s:i}", "x", 1));
	json_object_set_new(json_array_get(json_object_get(r, "spools"), 0),
	    "future_field", json_true());
	assert_int_equal(report_validate(r, time(NULL), 86400, err,
	    sizeof(err)), 0);
	json_decref(r);
}

static void
accept(json_t *r)
{
	char err[512] = "";

	if (report_validate(r, time(NULL), 86400, err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
}

static void
test_schema_numbers(void **state)
{
	json_t *r, *x;

	(void)state;
	/* 60.0 is an integer to JSON Schema; stored as the integer 60 */
	r = incident();
	json_object_set_new(r, "interval_s", json_real(60.0));
	json_object_set_new(json_object_get(json_array_get(json_object_get(r,
	    "spools"), 0), "by_prefix"), "qf", json_real(3.0));
	accept(r);
	x = json_object_get(r, "interval_s");
	assert_true(json_is_integer(x));
	assert_int_equal(json_integer_value(x), 60);
	x = json_object_get(json_object_get(json_array_get(json_object_get(r,
	    "spools"), 0), "by_prefix"), "qf");
	assert_true(json_is_integer(x));
	json_decref(r);

	r = incident();
	json_object_set_new(r, "interval_s", json_real(60.5));
	expect(r, "interval_s: expected an integer");

	/* counts at most 2^53: 2^63-1 would poison the fleet totals */
	r = incident();
	json_object_set_new(json_object_get(r, "mail"), "queued_total",
	    json_integer(INT64_MAX));
	expect(r, "mail.queued_total: larger than 9007199254740992");
	r = incident();
	json_object_set_new(json_array_get(json_object_get(r, "spools"), 0),
	    "entries", json_integer(9007199254740993LL));
	expect(r, "spools[0].entries: larger than");
	r = incident();
	json_object_set_new(json_object_get(r, "mail"), "queued_total",
	    json_integer(9007199254740992LL));
	accept(r);
	json_decref(r);
	r = incident();
	json_object_set_new(json_object_get(json_array_get(json_object_get(r,
	    "spools"), 0), "by_prefix"), "qf", json_integer(INT64_MAX));
	expect(r, "spools[0].by_prefix.qf: expected an integer 0..2^53");
}

static void
test_schema_strings_and_times(void **state)
{
	char name[1024];
	json_t *r;

	(void)state;
	/* maxLength counts characters: 253 two-byte characters are fine */
	name[0] = '\0';
	for (int i = 0; i < 253; i++)
		strcat(name, "\xc3\xa9");
	r = incident();
	json_object_set_new(json_object_get(r, "host"), "name",
	    json_string(name));
	accept(r);
	json_decref(r);
	strcat(name, "\xc3\xa9");
	r = incident();
	json_object_set_new(json_object_get(r, "host"), "name",
	    json_string(name));
	expect(r, "host.name: string longer than 253 characters");

	/* a host name is one path segment of /api/v1/hosts/{name} */
	static const char *const unroutable[] = {"a/b", "/", ".", "..", NULL};
	for (int i = 0; unroutable[i]; i++) {
		r = incident();
		json_object_set_new(json_object_get(r, "host"), "name",
		    json_string(unroutable[i]));
		expect(r, "host.name: must not contain '/'");
	}
	r = incident();
	json_object_set_new(json_object_get(r, "host"), "name",
	    json_string("...a.b"));
	accept(r);
	json_decref(r);

	/* second 60 is refused, as by the schema's pattern and ajv */
	r = incident();
	json_object_set_new(r, "collected_at",
	    json_string("2026-02-15T09:20:60Z"));
	expect(r, "collected_at: not an RFC 3339");
	r = incident();
	json_object_set_new(r, "collected_at",
	    json_string("2016-12-31T23:59:60Z"));
	expect(r, "collected_at: not an RFC 3339");
	r = incident();
	json_object_set_new(r, "collected_at",
	    json_string("2026-02-15T09:20:59.5Z"));
	accept(r);
	json_decref(r);
}

/* A counting allocator for jansson: the peak it held. */
static size_t held, peak;

static void *
count_alloc(size_t n)
{
	void *p = malloc(n);

	if (p) {
		held += malloc_usable_size(p);
		if (held > peak)
			peak = held;
	}
	return p;
}

static void
count_free(void *p)
{
	if (p)
		held -= malloc_usable_size(p);
	free(p);
}

static void
test_memory_budget(void **state)
{
	size_t len, n = 1u << 20, max_json = 32u << 20;
	char *t = testdata_read("report-incident.json", &len), err[512];
	struct strbuf text, z;
	json_t *r;

	(void)state;
	/* the report with an unknown field of 1M empty objects: 3 MB of
	 * text, some 250 MB as a tree; gzip makes it a few kB */
	strbuf_init(&text, 64u << 20);
	strbuf_append(&text, "{\"x\":[", 6);
	for (size_t i = 0; i < n; i++)
		strbuf_append(&text, i ? ",{}" : "{}", i ? 3 : 2);
	strbuf_append(&text, "],", 2);
	strbuf_append(&text, t + 1, len - 1);
	strbuf_init(&z, 64u << 20);
	assert_int_equal(gzip_compress(text.buf, text.len, 9, &z), 0);
	assert_true(z.len < 64u << 10);

	json_set_alloc_funcs(count_alloc, count_free);
	held = peak = 0;
	assert_int_equal(report_decode(z.buf, z.len, 1, max_json, time(NULL),
	    86400, &r, NULL, err, sizeof(err)), DECODE_TOO_LARGE);
	assert_null(r);
	assert_non_null(strstr(err, "max_json"));
	/* the tree was never built: jansson held (almost) nothing */
	assert_true(peak < max_json / 8);

	/* the report itself decodes within a budget of a few times its
	 * text; its tree stays under max_json */
	held = peak = 0;
	assert_int_equal(report_decode(t, len, 0, 16 * len, time(NULL), 86400,
	    &r, NULL, err, sizeof(err)), DECODE_OK);
	assert_true(peak > 0 && peak < 16 * len);
	json_decref(r);
	/* and is refused when max_json leaves no room for its tree */
	assert_int_equal(report_decode(t, len, 0, len + 1, time(NULL), 86400,
	    &r, NULL, err, sizeof(err)), DECODE_TOO_LARGE);
	json_set_alloc_funcs(malloc, free);
	strbuf_free(&text);
	strbuf_free(&z);
	free(t);
}

static void
test_parse_errors(void **state)
{
	char err[256];
	static const char dup[] = "{\"a\":1,\"a\":2}";
	static const char arr[] = "[1,2]";
	static const char trunc[] = "{\"schema\":\"spoolwatch.rep";

	(void)state;
	assert_null(report_parse(dup, sizeof(dup) - 1, err, sizeof(err)));
	assert_non_null(strstr(err, "malformed JSON"));
	assert_null(report_parse(arr, sizeof(arr) - 1, err, sizeof(err)));
	assert_string_equal(err, "the report must be a JSON object");
	assert_null(report_parse(trunc, sizeof(trunc) - 1, err, sizeof(err)));
	assert_null(report_parse("", 0, err, sizeof(err)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_examples),
	    cmocka_unit_test(test_invalid_examples),
	    cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_evidence_size),
	    cmocka_unit_test(test_schema_numbers),
	    cmocka_unit_test(test_schema_strings_and_times),
	    cmocka_unit_test(test_memory_budget),
	    cmocka_unit_test(test_parse_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
