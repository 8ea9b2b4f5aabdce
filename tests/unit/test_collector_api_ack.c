/*
 * test_collector_api_ack.c - acknowledging findings (api_ack.c) on a real
 * database: the path's id, POST recording who, why, until and the
 * evidence then, the finding answered with its ack, a second ack
 * replacing the first, DELETE, and the 400/404 answers; an ack without
 * until does not hold for a reopened occurrence, one with until does;
 * the findings list filtered by acked.
 */
#include "tests/unit/collector_fixture.h"

#include "collector/api/api_ack.h"

static void
test_path(void **state)
{
	const char *id;
	size_t n;

	(void)state;
	assert_true(ack_path_id("/api/v1/findings/12/ack", &id, &n));
	assert_int_equal(n, 2);
	assert_memory_equal(id, "12", 2);
	assert_true(ack_path_id("/api/v1/findings/x/ack", &id, &n));
	assert_false(ack_path_id("/api/v1/findings//ack", &id, &n));
	assert_false(ack_path_id("/api/v1/findings/12", &id, &n));
	assert_false(ack_path_id("/api/v1/findings/12/ack/", &id, &n));
	assert_false(ack_path_id("/api/v1/findings/1/2/ack", &id, &n));
	assert_false(ack_path_id("/api/v1/findings", &id, &n));
}

/* call - api_ack on finding id (text); the status, the body in *out. */
static int
call(struct fx *f, const char *id, int remove, const char *body, json_t **out)
{
	struct api_answer ans = {.status = 0};
	struct ack_req rq = {f->db, id,   remove,
	                     "ops", body, body ? strlen(body) : 0};

	api_ack(&rq, &ans);
	assert_non_null(ans.body);
	*out = ans.body;
	return ans.status;
}

static long long
finding_id(struct fx *f, const char *code)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
	         "SELECT max(id) FROM findings WHERE code = '%s'", code);
	return fx_count(f, sql);
}

static void
test_post_delete(void **state)
{
	struct fx *f = *state;
	json_t *o, *ack;
	char id[32];

	fx_put(f, f->incident, FX_NOW);
	snprintf(id, sizeof(id), "%lld", finding_id(f, "mta.down"));
	assert_int_equal(call(f, id, 0,
	                      "{\"reason\":\"replacing the MTA\","
	                      "\"until\":\"2099-01-01T00:00:00Z\"}",
	                      &o),
	                 200);
	ack = json_object_get(o, "ack");
	assert_string_equal(json_string_value(json_object_get(ack, "by")),
	                    "ops");
	assert_string_equal(json_string_value(json_object_get(ack, "reason")),
	                    "replacing the MTA");
	assert_string_equal(json_string_value(json_object_get(ack, "until")),
	                    "2099-01-01T00:00:00Z");
	assert_true(json_is_string(json_object_get(ack, "at")));
	assert_string_equal(json_string_value(json_object_get(o, "code")),
	                    "mta.down");
	json_decref(o);
	assert_int_equal(fx_count(f, "SELECT severity = 'critical' AND hosts "
	                             "= 1 FROM acks"),
	                 1);
	/* a second ack replaces the first */
	assert_int_equal(call(f, id, 0, "{\"reason\":\"again\"}", &o), 200);
	assert_true(
	    json_is_null(json_object_get(json_object_get(o, "ack"), "until")));
	json_decref(o);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM acks"), 1);
	assert_int_equal(call(f, id, 1, NULL, &o), 200);
	assert_true(json_is_null(json_object_get(o, "ack")));
	json_decref(o);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM acks"), 0);
}

static void
test_errors(void **state)
{
	static const char *const bodies[] = {
	    NULL,
	    "",
	    "[]",
	    "{\"reason\":\"\"}",
	    "{\"reason\":5}",
	    "{\"reason\":\"x\",\"until\":\"soon\"}",
	    "{\"reason\":\"x\",\"until\":\"2001-01-01T00:00:00Z\"}",
	    "{\"reason\":\"x\",\"until\":7}",
	    "{\"reason\":\"a\",\"reason\":\"b\"}",
	    "{\"reason\":\"x\\u0000y\"}",
	};
	struct fx *f = *state;
	json_t *o;
	char id[32];

	fx_put(f, f->incident, FX_NOW);
	snprintf(id, sizeof(id), "%lld", finding_id(f, "mta.down"));
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		int st = call(f, id, 0, bodies[i], &o);
		if (st != 400)
			fail_msg("body %zu: %d", i, st);
		assert_string_equal(json_string_value(json_object_get(
		                        json_object_get(o, "error"), "code")),
		                    "bad_request");
		json_decref(o);
	}
	assert_int_equal(call(f, "0", 0, "{\"reason\":\"x\"}", &o), 400);
	json_decref(o);
	assert_int_equal(
	    call(f, "99999999999999999999", 0, "{\"reason\":\"x\"}", &o), 400);
	json_decref(o);
	assert_int_equal(call(f, "12ab", 1, NULL, &o), 400);
	json_decref(o);
	assert_int_equal(call(f, "424242", 0, "{\"reason\":\"x\"}", &o), 404);
	json_decref(o);
	assert_int_equal(call(f, "424242", 1, NULL, &o), 404);
	json_decref(o);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM acks"), 0);
}

/* GET /api/v1/findings?acked=true|false splits the open findings. */
static void
test_acked_filter(void **state)
{
	static const char *const bad[][2] = {{"acked", "yes"}};
	struct fx *f = *state;
	struct fx_args a;
	json_t *o, *items;
	char id[32];

	fx_put(f, f->incident, FX_NOW);
	snprintf(id, sizeof(id), "%lld", finding_id(f, "mta.down"));
	assert_int_equal(call(f, id, 0, "{\"reason\":\"known\"}", &o), 200);
	json_decref(o);
	memset(&a, 0, sizeof(a));
	fx_set(&a, "state", "open");
	fx_set(&a, "acked", "true");
	o = fx_call(f, api_findings, &a, NULL, 200);
	items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(items, 0), "code")),
	                    "mta.down");
	json_decref(o);
	fx_set(&a, "acked", "false");
	o = fx_call(f, api_findings, &a, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 7);
	json_decref(o);
	/* without acked= the page is picked first and its acks joined to
	 * it (api_findings.c): the same ack on the same finding */
	fx_set(&a, "acked", "");
	o = fx_call(f, api_findings, &a, NULL, 200);
	items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 8);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i), *ack;
		const char *code =
		    json_string_value(json_object_get(it, "code"));
		ack = json_object_get(it, "ack");
		if (strcmp(code, "mta.down") == 0)
			assert_string_equal(
			    json_string_value(json_object_get(ack, "reason")),
			    "known");
		else
			assert_true(json_is_null(ack));
	}
	json_decref(o);
	fx_bad_args(f, api_findings, bad, 1);
}

/* Resolve and reopen mta.down: only the ack with until still holds. */
static void
test_reopen(void **state)
{
	struct fx *f = *state;
	json_t *fixed =
	    fx_variant(f->incident, 2, NULL, "2026-02-15T09:31:00Z");
	json_t *back = fx_variant(f->incident, 3, NULL, "2026-02-15T09:41:00Z");
	json_t *o;
	char id[32], id2[32];

	fx_put(f, f->incident, FX_NOW);
	snprintf(id, sizeof(id), "%lld", finding_id(f, "mta.down"));
	snprintf(id2, sizeof(id2), "%lld", finding_id(f, "log.syserr"));
	assert_int_equal(call(f, id, 0, "{\"reason\":\"open only\"}", &o), 200);
	json_decref(o);
	assert_int_equal(call(f, id2, 0,
	                      "{\"reason\":\"for a while\",\"until\":"
	                      "\"2099-01-01T00:00:00Z\"}",
	                      &o),
	                 200);
	json_decref(o);
	json_object_set_new(fixed, "findings", json_array());
	fx_put(f, fixed, FX_NOW + 600);
	/* a resolved finding takes an ack only with until */
	assert_int_equal(call(f, id, 0, "{\"reason\":\"x\"}", &o), 400);
	json_decref(o);
	fx_put(f, back, FX_NOW + 1200);
	assert_true(finding_id(f, "mta.down") != atoll(id));
	/* of the reopened findings, only log.syserr's ack (until) holds */
	assert_int_equal(
	    fx_count(f,
	             "SELECT count(*) FROM findings f JOIN acks a ON " ACK_HOLDS
	             " WHERE f.resolved_at IS NULL"),
	    1);
	assert_int_equal(fx_count(f, "SELECT f.code = 'log.syserr' FROM "
	                             "findings f JOIN acks a ON " ACK_HOLDS
	                             " WHERE f.resolved_at IS NULL"),
	                 1);
	json_decref(fixed);
	json_decref(back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_path),
	    cmocka_unit_test_setup_teardown(test_post_delete, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_errors, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_acked_filter, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_reopen, fx_setup, fx_teardown),
	};
	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
