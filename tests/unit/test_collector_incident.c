/*
 * test_collector_incident.c - which finding of a host's set is folded
 * under which (collector/store/incident.c): a cause in the set, causes
 * that are themselves symptoms (chains), cycles, a finding naming itself,
 * causes not in the set, caused_by null or not an object, two findings
 * with the same code and subject.
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

#include "collector/store/incident.h"

/* folds - incident_folds over the findings text, as "i:j,..." for the
 * folded ones ("" when none). */
static const char *
folds(const char *text)
{
	static char out[256];
	json_t *fs = json_loads(text, 0, NULL);
	long v[16];
	size_t len = 0;

	assert_non_null(fs);
	assert_true(json_array_size(fs) <= 16);
	incident_folds(fs, v);
	out[0] = '\0';
	for (size_t i = 0; i < json_array_size(fs); i++)
		if (v[i] >= 0)
			len += (size_t)snprintf(out + len, sizeof(out) - len,
			                        "%s%zu:%ld", len ? "," : "", i,
			                        v[i]);
	json_decref(fs);
	return out;
}

#define F(code, subj) "{\"code\": \"" code "\", \"subject\": \"" subj "\"}"
#define S(code, subj, ccode, csubj)                                            \
	"{\"code\": \"" code "\", \"subject\": \"" subj "\", \"caused_by\": "  \
	"{\"code\": \"" ccode "\", \"subject\": \"" csubj "\"}}"

static void
test_symptoms_under_their_cause(void **state)
{
	(void)state;
	assert_string_equal(
	    folds("[" F("mta.down", "sendmail") "," S(
	        "mail.undelivered", "/q", "mta.down",
	        "sendmail") "," S("spool.stale", "/q", "mta.down",
	                          "sendmail") "," F("mail.unread_root",
	                                            "root") "]"),
	    "1:0,2:0");
	/* the cause may come after its symptom */
	assert_string_equal(folds("[" S("log.syserr", "/q", "spool.missing",
	                                "/q") "," F("spool.missing", "/q") "]"),
	                    "0:1");
}

static void
test_nothing_folds_into_a_symptom(void **state)
{
	(void)state;
	/* chain: 0 -> 1 -> 2; 1 is under 2, 0 stands alone */
	assert_string_equal(folds("[" S("a.x", "0", "b.x", "1") "," S(
	                        "b.x", "1", "c.x", "2") "," F("c.x", "2") "]"),
	                    "1:2");
	/* cycle */
	assert_string_equal(folds("[" S("a.x", "0", "b.x",
	                                "1") "," S("b.x", "1", "a.x", "0") "]"),
	                    "");
	/* itself */
	assert_string_equal(folds("[" S("a.x", "0", "a.x", "0") "]"), "");
}

static void
test_causes_not_in_the_set(void **state)
{
	(void)state;
	assert_string_equal(
	    folds("[" F("mta.down", "postfix") "," S(
	        "mail.undelivered", "/q", "mta.down",
	        "sendmail") ","
	                    "{\"code\": \"spool.stale\", \"subject\": \"/q\", "
	                    "\"caused_by\": null},"
	                    "{\"code\": \"spool.backlog\", \"subject\": "
	                    "\"/q\", "
	                    "\"caused_by\": \"mta.down\"},"
	                    "{\"code\": \"log.syserr\", \"caused_by\": "
	                    "{\"code\": \"mta.down\"}}, 7]"),
	    "");
}

static void
test_same_key_twice(void **state)
{
	(void)state;
	/* the first of the two is the cause */
	assert_string_equal(
	    folds("[" F("mta.down", "m") "," F("mta.down", "m") "," S(
	        "spool.stale", "/q", "mta.down", "m") "]"),
	    "2:0");
}

static void
test_longest_subjects(void **state)
{
	/* 4096 characters of 4 bytes each: the longest subject a report
	 * may carry */
	json_t *fs = json_array(), *cause, *sym;
	char *subj = malloc(4 * 4096 + 1);
	long v[2];

	(void)state;
	for (int i = 0; i < 4096; i++)
		memcpy(subj + 4 * i, "\xf0\x9f\x93\xab", 4);
	subj[4 * 4096] = '\0';
	cause =
	    json_pack("{s:s,s:s}", "code", "spool.missing", "subject", subj);
	sym = json_pack("{s:s,s:s,s:{s:s,s:s}}", "code", "log.syserr",
	                "subject", subj, "caused_by", "code", "spool.missing",
	                "subject", subj);
	assert_non_null(cause);
	assert_non_null(sym);
	json_array_append_new(fs, cause);
	json_array_append_new(fs, sym);
	incident_folds(fs, v);
	assert_int_equal(v[0], -1);
	assert_int_equal(v[1], 0);
	json_decref(fs);
	free(subj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_symptoms_under_their_cause),
	    cmocka_unit_test(test_nothing_folds_into_a_symptom),
	    cmocka_unit_test(test_causes_not_in_the_set),
	    cmocka_unit_test(test_same_key_twice),
	    cmocka_unit_test(test_longest_subjects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
