/*
 * cycle_fixture.h - a collection cycle over a report written as JSON
 * text, for the tests of the findings passes: they read nothing but the
 * report (and, for log.syserr, the cycle's accounts), so a fixture is a
 * few lines of JSON.  Header-only, included by the test files that need
 * it.
 */
#ifndef SPOOLWATCH_TEST_CYCLE_FIXTURE_H
#define SPOOLWATCH_TEST_CYCLE_FIXTURE_H

#include <jansson.h>
#include <string.h>
#include <time.h>

#include "agent/cycle.h"

/* FIXTURE_NOW - the cycle's clock: 2026-02-15T10:00:00Z. */
#define FIXTURE_NOW ((time_t)1771149600)

/* fixture_cycle - c over the report in text (errors[] and findings[]
 * added when it has none), root "", no host facts. */
static inline void
fixture_cycle(struct cycle *c, const char *text)
{
	json_error_t je;

	memset(c, 0, sizeof(*c));
	c->root = "";
	c->now = FIXTURE_NOW;
	c->report = json_loads(text, 0, &je);
	assert_non_null(c->report);
	if (json_object_get(c->report, "errors") == NULL)
		json_object_set_new(c->report, "errors", json_array());
	if (json_object_get(c->report, "findings") == NULL)
		json_object_set_new(c->report, "findings", json_array());
	c->errors = json_object_get(c->report, "errors");
	c->findings = json_object_get(c->report, "findings");
}

static inline void
fixture_free(struct cycle *c)
{
	json_decref(c->report);
	memset(c, 0, sizeof(*c));
}

/* fixture_count - how many findings have that code. */
static inline size_t
fixture_count(struct cycle *c, const char *code)
{
	size_t i, n = 0;
	json_t *f;

	json_array_foreach(c->findings, i, f)
	{
		const char *fc = json_string_value(json_object_get(f, "code"));
		if (fc && strcmp(fc, code) == 0)
			n++;
	}
	return n;
}

/* fixture_finding - the finding with that code and subject; fails the
 * test when there is none. */
static inline json_t *
fixture_finding(struct cycle *c, const char *code, const char *subject)
{
	json_t *f = cycle_find_finding(c, code, subject);

	assert_non_null(f);
	return f;
}

/* fixture_str - a string member of o ("" when absent, for asserts). */
static inline const char *
fixture_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* fixture_int - an integer member of o (-1 when absent). */
static inline long long
fixture_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

#endif
