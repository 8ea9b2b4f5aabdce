/*
 * test_collector_api_incidents.c - incidents end to end in the collector
 * over a real database filled by the store: caused_by on every finding
 * object, the host detail's incidents (causes by severity, then
 * first_seen, symptoms under them), ?role=cause|symptom, the summary's
 * incidents and findings[].symptoms as reports come and findings
 * resolve; and api_incidents() on findings it must not fold.
 */
#include "tests/unit/collector_fixture.h"

#define CQ "/var/spool/clientmqueue"

/* linked - the incident report of host with log.syserr under the spool
 * and mail.undelivered under mta.down */
static json_t *
linked(struct fx *f, int n, const char *host, const char *collected)
{
	json_t *r = fx_variant(f->incident, n, host, collected);

	fx_set_cause(r, "log.syserr", "spool.not_writable_by_mta", CQ);
	fx_set_cause(r, "mail.undelivered", "mta.down", "sendmail");
	return r;
}

/* shape - "code[sym,sym] code[] ..." of the incidents */
static const char *
shape(json_t *incidents)
{
	static char out[1024];
	size_t len = 0, i, j;
	json_t *in, *s;

	out[0] = '\0';
	json_array_foreach(incidents, i, in)
	{
		len += (size_t)snprintf(
		    out + len, sizeof(out) - len, "%s%s[", i ? " " : "",
		    json_string_value(
		        json_object_get(json_object_get(in, "cause"), "code")));
		json_array_foreach(json_object_get(in, "symptoms"), j, s) len +=
		    (size_t)snprintf(
		        out + len, sizeof(out) - len, "%s%s", j ? "," : "",
		        json_string_value(json_object_get(s, "code")));
		len += (size_t)snprintf(out + len, sizeof(out) - len, "]");
	}
	return out;
}

static void
test_host_incidents(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *first = linked(f, 1, "h1", "2026-02-15T09:20:00Z");
	json_t *then = linked(f, 2, "h1", "2026-02-15T09:22:00Z");
	json_t *body, *cb, *in;

	/* spool.permissions opens a report later: its first_seen puts it
	 * after the older critical causes */
	fx_drop(first, "spool.permissions");
	fx_put(f, first, 1771147210);
	fx_put(f, then, 1771147330);
	body = fx_call(f, api_host, &a, "h1", 200);
	in = json_object_get(body, "incidents");
	assert_string_equal(shape(in),
	                    "spool.not_writable_by_mta[log.syserr] "
	                    "fs.inodes_high[] mta.down[mail.undelivered] "
	                    "spool.permissions[] spool.bloated_dir[] "
	                    "mail.unread_root[]");
	/* the same finding objects as open_findings, caused_by included */
	assert_int_equal(
	    json_array_size(json_object_get(body, "open_findings")), 8);
	cb = json_object_get(
	    json_array_get(json_object_get(json_array_get(in, 0), "symptoms"),
	                   0),
	    "caused_by");
	assert_string_equal(json_string_value(json_object_get(cb, "code")),
	                    "spool.not_writable_by_mta");
	assert_string_equal(json_string_value(json_object_get(cb, "subject")),
	                    CQ);
	assert_true(json_is_null(json_object_get(
	    json_object_get(json_array_get(in, 0), "cause"), "caused_by")));
	json_decref(body);
	json_decref(first);
	json_decref(then);
}

static void
test_role_filter(void **state)
{
	struct fx *f = *state;
	static const char *const bad[][2] = {{"role", "root"}, {"role", ""}};
	json_t *r = linked(f, 3, "h1", NULL);

	fx_put(f, r, 1771147330);
	fx_fleet(f, 1); /* web000: no links */
	assert_int_equal(
	    fx_walk_with(f, api_findings, "role", "symptom", NULL, NULL), 2);
	assert_int_equal(fx_walk_with(f, api_findings, "role", "symptom",
	                              "code", "mail.undelivered"),
	                 1);
	assert_int_equal(
	    fx_walk_with(f, api_findings, "role", "cause", NULL, NULL), 14);
	assert_int_equal(
	    fx_walk_with(f, api_findings, "role", "cause", "host", "web000"),
	    8);
	fx_bad_args(f, api_findings, &bad[0], 1);
	json_decref(r);
}

/* sev - summary.incidents.by_severity[s] as "open/hosts" */
static const char *
sev(json_t *sum, const char *s)
{
	static char out[64];
	json_t *x = json_object_get(
	    json_object_get(json_object_get(sum, "incidents"), "by_severity"),
	    s);

	snprintf(out, sizeof(out), "%lld/%lld", fx_num(x, "open"),
	         fx_num(x, "hosts"));
	return out;
}

/* symptoms - summary.findings[code, severity].symptoms, -1 if absent */
static long long
symptoms(json_t *sum, const char *code, const char *severity)
{
	json_t *x;
	size_t i;

	json_array_foreach(json_object_get(sum, "findings"), i, x)
	{
		if (strcmp(json_string_value(json_object_get(x, "code")),
		           code) == 0 &&
		    strcmp(json_string_value(json_object_get(x, "severity")),
		           severity) == 0)
			return fx_num(x, "symptoms");
	}
	return -1;
}

static void
test_summary_counts_causes(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *r = linked(f, 4, "h1", "2026-02-15T09:20:00Z");
	json_t *up = linked(f, 5, "h1", "2026-02-15T09:22:00Z");
	json_t *quiet =
	    fx_variant(f->incident, 6, "web000", "2026-02-15T09:22:00Z");
	json_t *sum, *inc;

	fx_put(f, r, 1771147210);
	fx_fleet(f, 1);
	sum = fx_call(f, api_summary, &a, NULL, 200);
	inc = json_object_get(sum, "incidents");
	assert_int_equal(fx_num(inc, "open"), 6 + 8);
	assert_int_equal(fx_num(inc, "hosts"), 2);
	assert_string_equal(sev(sum, "critical"), "9/2");
	assert_string_equal(sev(sum, "warning"), "5/2");
	assert_string_equal(sev(sum, "info"), "0/0");
	assert_int_equal(symptoms(sum, "log.syserr", "critical"), 1);
	assert_int_equal(symptoms(sum, "mail.undelivered", "warning"), 1);
	assert_int_equal(symptoms(sum, "mta.down", "critical"), 0);
	json_decref(sum);

	/* h1's MTA runs again: mta.down resolves, the waiting mail is a
	 * cause of its own (its caused_by names nothing open) */
	fx_drop(up, "mta.down");
	fx_put(f, up, 1771147330);
	sum = fx_call(f, api_summary, &a, NULL, 200);
	assert_string_equal(sev(sum, "critical"), "8/2");
	assert_string_equal(sev(sum, "warning"), "6/2");
	assert_int_equal(symptoms(sum, "mail.undelivered", "warning"), 0);
	assert_int_equal(symptoms(sum, "log.syserr", "critical"), 1);
	json_decref(sum);

	/* web000 is healthy */
	json_object_set_new(quiet, "findings", json_array());
	fx_put(f, quiet, 1771147330);
	sum = fx_call(f, api_summary, &a, NULL, 200);
	inc = json_object_get(sum, "incidents");
	assert_int_equal(fx_num(inc, "open"), 6);
	assert_int_equal(fx_num(inc, "hosts"), 1);
	assert_string_equal(sev(sum, "critical"), "3/1");
	json_decref(sum);
	json_decref(r);
	json_decref(up);
	json_decref(quiet);
}

static void
test_incidents_of_odd_findings(void **state)
{
	json_t *fs = json_loads(
	    "[{\"code\": \"b.x\", \"subject\": \"1\", \"severity\": \"info\", "
	    "\"first_seen\": \"2026-01-01T00:00:00Z\", \"caused_by\": "
	    "{\"code\": \"a.x\", \"subject\": \"0\"}},"
	    "{\"code\": \"a.x\", \"subject\": \"0\", \"severity\": \"info\", "
	    "\"first_seen\": \"2026-01-01T00:00:00Z\", \"caused_by\": "
	    "{\"code\": \"b.x\", \"subject\": \"1\"}},"
	    "{\"code\": \"c.x\", \"subject\": \"2\", \"severity\": "
	    "\"warning\", \"first_seen\": \"2026-01-02T00:00:00Z\"},"
	    "{\"code\": \"d.x\", \"subject\": \"3\", \"severity\": "
	    "\"warning\", \"first_seen\": \"2026-01-01T00:00:00Z\"},"
	    "{\"code\": \"e.x\", \"subject\": \"4\", \"severity\": \"bogus\", "
	    "\"caused_by\": {\"code\": \"c.x\", \"subject\": \"2\"}}]",
	    0, NULL);
	json_t *in;

	(void)state;
	assert_non_null(fs);
	in = api_incidents(fs);
	/* the cycle folds nothing; warnings by first_seen; e under c */
	assert_string_equal(shape(in), "d.x[] c.x[e.x] b.x[] a.x[]");
	json_decref(in);
	in = api_incidents(json_object_get(fs, "none"));
	assert_int_equal(json_array_size(in), 0);
	json_decref(in);
	json_decref(fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_host_incidents, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_role_filter, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_summary_counts_causes,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test(test_incidents_of_odd_findings),
	};
	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
