/*
 * test_collector_validate.c - report validation against the examples in
 * tests/data (valid ones accepted, each invalid one refused with a message
 * that starts with the path in tests/data/invalid/expected-paths.txt), and
 * the bounds the issue names: huge strings, negative counts, far-future
 * timestamps, wrong types; unknown fields accepted.
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

#include "collector/ingest/validate.h"
#include "common/fsutil.h"

static char top[4096];

static char *
slurp(const char *rel, size_t *len)
{
	char path[8192], why[256], *text = NULL;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	n = read_file_capped(path, &text, 64u << 20, why, sizeof(why));
	if (n < 0)
		fail_msg("%s", why);
	*len = (size_t)n;
	return text;
}

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
	static const char *const files[] = {"tests/data/report-incident.json",
	    "tests/data/report-healthy.json",
	    "tests/data/report-minimal.json", NULL};
	char err[512];

	(void)state;
	for (int i = 0; files[i]; i++) {
		size_t len;
		char *t = slurp(files[i], &len);
		if (check(t, len, err, sizeof(err)) != 0)
			fail_msg("%s refused: %s", files[i], err);
		free(t);
	}
}

static void
test_invalid_examples(void **state)
{
	size_t len, n = 0;
	char *list = slurp("tests/data/invalid/expected-paths.txt", &len);
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
		snprintf(rel, sizeof(rel), "tests/data/invalid/%s.json", name);
		t = slurp(rel, &tl);
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
	char err[256], *t = slurp("tests/data/report-incident.json", &len);
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
	    cmocka_unit_test(test_parse_errors),
	};
	const char *t = getenv("SPOOLWATCH_TOP");

	snprintf(top, sizeof(top), "%s", t && *t ? t : ".");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
