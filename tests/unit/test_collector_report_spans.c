/*
 * test_collector_report_spans.c - the store's texts copied from the
 * report's own text (report_spans.c, store_prepare_text) are the texts
 * dumped from the parsed tree (store_prepare): on the example reports
 * (pretty-printed and compact), on strings holding whitespace, quotes and
 * brackets; and the tree is used when the text would differ from it: a
 * key written with an escape, a 60.0 the validator made 60.
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

#include "collector/ingest/report_spans.h"
#include "collector/ingest/validate.h"
#include "collector/store/store.h"
#include "testdata.h"

/* same_text - a and b both NULL, or the same JSON value; with bytes,
 * the same bytes (a text jansson wrote: 95.6 is 95.599999999999994 in
 * both).  Either way a compact text. */
static void
same_text(const char *a, const char *b, int bytes)
{
	json_t *ja, *jb;

	if (a == NULL || b == NULL) {
		assert_ptr_equal(a, b);
		return;
	}
	if (bytes)
		assert_string_equal(a, b);
	ja = json_loads(a, 0, NULL);
	jb = json_loads(b, 0, NULL);
	assert_non_null(ja);
	assert_non_null(jb);
	assert_true(json_equal(ja, jb));
	json_decref(ja);
	json_decref(jb);
	for (; *a; a++) {
		assert_true(*a != '\n' && *a != '\t');
		if (*a != '"') {
			assert_true(*a != ' ');
			continue;
		}
		for (a++; *a && *a != '"'; a++)
			if (*a == '\\' && a[1])
				a++;
		assert_true(*a == '"');
	}
}

/* same_prep - decode text, prepare it both ways, compare (byte for
 * byte when bytes); returns report_text's exact. */
static int
same_prep(const char *text, size_t len, int bytes)
{
	struct report_text txt;
	struct report_prep from_text, from_tree;
	json_t *r;
	char err[512];
	int exact;

	assert_int_equal(report_decode(text, len, 0, 4u << 20, time(NULL),
	                               86400, &r, &txt, err, sizeof(err)),
	                 DECODE_OK);
	exact = txt.exact;
	store_prepare_text(r, &txt, &from_text);
	report_text_free(&txt);
	store_prepare(r, &from_tree);
	same_text(from_text.state, from_tree.state, bytes);
	assert_true(!bytes || from_text.hash == from_tree.hash);
	assert_int_equal(from_text.nevents, from_tree.nevents);
	for (size_t i = 0; i < from_text.nevents; i++)
		same_text(from_text.event_data[i], from_tree.event_data[i],
		          bytes);
	assert_int_equal(from_text.nfindings, from_tree.nfindings);
	for (size_t i = 0; i < from_text.nfindings; i++)
		same_text(from_text.evidence[i], from_tree.evidence[i], bytes);
	store_prep_free(&from_text);
	store_prep_free(&from_tree);
	json_decref(r);
	return exact;
}

static void
test_examples(void **state)
{
	static const char *const files[] = {"report-incident.json",
	                                    "report-healthy.json",
	                                    "report-minimal.json"};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len;
		char *text = testdata_read(files[i], &len), *compact;
		json_t *r = json_loadb(text, len, 0, NULL);

		assert_non_null(r);
		assert_int_equal(same_prep(text, len, 0), 1); /* pretty */
		compact = json_dumps(r, JSON_COMPACT);
		assert_int_equal(same_prep(compact, strlen(compact), 1), 1);
		free(compact);
		json_decref(r);
		free(text);
	}
}

/* report - the minimal example with extra members spliced in front of
 * its findings (text of the form "\"k\": v, "). */
static char *
report(const char *extra, const char *findings)
{
	size_t len;
	char *min = testdata_read("report-minimal.json", &len);
	json_t *r = json_loadb(min, len, 0, NULL);
	char *base, *out, *cut;
	size_t n;

	assert_non_null(r);
	json_object_del(r, "findings");
	base = json_dumps(r, JSON_COMPACT);
	cut = strrchr(base, '}');
	n = strlen(base) + strlen(extra) + strlen(findings) + 32;
	out = malloc(n);
	*cut = '\0';
	snprintf(out, n, "%s,%s\"findings\": %s}", base, extra, findings);
	free(base);
	free(min);
	json_decref(r);
	return out;
}

static const char finding[] =
    "[{\"code\": \"mta.down\", \"severity\": \"critical\", \"subject\": "
    "\"sendmail\", \"message\": \"m\", \"remedy\": \"r\", \"evidence\": "
    "{ \"text\" : \"a \\\" ] } , b\\\\\", \"n\" : [ 1 , 2.5 , { } ] } }]";

static void
test_strings_and_nesting(void **state)
{
	char *t =
	    report("\"mta\" : { \"kind\" : \"sendmail\" } ,\n\t", finding);
	struct report_spans sp;

	(void)state;
	assert_int_equal(same_prep(t, strlen(t), 0), 1);
	assert_int_equal(report_spans(t, strlen(t), &sp), 0);
	assert_int_equal(sp.nfindings, 1);
	assert_true(sp.state[SPAN_MTA].len > 0);
	report_spans_free(&sp);
	free(t);
}

/* The copy is the agent's text: 0.1 stays 0.1 (jansson would write
 * 0.10000000000000001), the whitespace goes. */
static void
test_text_is_copied(void **state)
{
	char *t = report("", "[{\"code\": \"mta.down\", \"severity\": "
	                     "\"critical\", \"subject\": \"s\", \"message\": "
	                     "\"m\", \"remedy\": \"r\", \"evidence\": "
	                     "{\"x\": 0.1, \"y\": [ 1, 2 ]}}]");
	struct report_text txt;
	struct report_prep p;
	json_t *r;
	char err[512];

	(void)state;
	assert_int_equal(report_decode(t, strlen(t), 0, 4u << 20, time(NULL),
	                               86400, &r, &txt, err, sizeof(err)),
	                 DECODE_OK);
	store_prepare_text(r, &txt, &p);
	report_text_free(&txt);
	assert_int_equal(p.nfindings, 1);
	assert_string_equal(p.evidence[0], "{\"x\":0.1,\"y\":[1,2]}");
	store_prep_free(&p);
	json_decref(r);
	free(t);
}

static void
test_escaped_key_uses_tree(void **state)
{
	char *t = report("\"\\u006dta\": {\"kind\": \"exim\"},", finding);
	struct report_spans sp;

	(void)state;
	assert_int_equal(report_spans(t, strlen(t), &sp), -1);
	assert_int_equal(same_prep(t, strlen(t), 0), 1);
	free(t);
}

static void
test_normalized_value_uses_tree(void **state)
{
	char *t = report("\"outbox_dropped\": 3.0,", finding);
	struct report_text txt;
	struct report_prep p;
	json_t *r;
	char err[512];

	(void)state;
	assert_int_equal(same_prep(t, strlen(t), 0), 0);
	free(t);
	/* a spool's entries of 60.0 is stored as 60 in the state text */
	t = report("\"spools\": [{\"path\": \"/q\", \"role\": \"mta_queue\", "
	           "\"exists\": true, \"ok\": true, \"entries\": 60.0}],",
	           "[]");
	assert_int_equal(report_decode(t, strlen(t), 0, 4u << 20, time(NULL),
	                               86400, &r, &txt, err, sizeof(err)),
	                 DECODE_OK);
	store_prepare_text(r, &txt, &p);
	report_text_free(&txt);
	assert_non_null(strstr(p.state, "\"entries\":60}"));
	store_prep_free(&p);
	json_decref(r);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_examples),
	    cmocka_unit_test(test_strings_and_nesting),
	    cmocka_unit_test(test_text_is_copied),
	    cmocka_unit_test(test_escaped_key_uses_tree),
	    cmocka_unit_test(test_normalized_value_uses_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
