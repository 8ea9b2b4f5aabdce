/*
 * test_collector_api_remedies.c - GET /api/v1/remedies (api_remedies.c)
 * on stored incident reports: one item per code and remedy with its
 * hosts and count, narrowed by label= and the findings' filters, the
 * highest severity, paging by cursor, and the inventory text with a host
 * name that could add a variable left out.
 */
#include "tests/unit/collector_fixture.h"

/* put - the incident report for host with labels (JSON text) and, when
 * remedy is set, that remedy on its mta.down finding. */
static void
put(struct fx *f, int n, const char *host, const char *labels,
    const char *remedy)
{
	json_t *v = fx_variant(f->incident, n, host, NULL), *fi;
	size_t i;

	json_object_set_new(json_object_get(v, "host"), "labels",
	                    json_loads(labels, 0, NULL));
	json_array_foreach(json_object_get(v, "findings"), i, fi)
	{
		if (remedy &&
		    strcmp(json_string_value(json_object_get(fi, "code")),
		           "mta.down") == 0)
			json_object_set_new(fi, "remedy", json_string(remedy));
	}
	fx_put(f, v, 1771147300);
	json_decref(v);
}

/* mta_items - the mta.down items of a remedies answer as "hosts|count"
 * strings joined by ' '. */
static void
mta_items(json_t *body, char *out, size_t n)
{
	json_t *it, *h;
	size_t i, k, len = 0;

	out[0] = '\0';
	json_array_foreach(json_object_get(body, "items"), i, it)
	{
		if (strcmp(json_string_value(json_object_get(it, "code")),
		           "mta.down") != 0)
			continue;
		json_array_foreach(json_object_get(it, "hosts"), k, h) len +=
		    (size_t)snprintf(out + len, n - len, "%s,",
		                     json_string_value(h));
		len += (size_t)snprintf(out + len, n - len, "%lld ",
		                        (long long)json_integer_value(
		                            json_object_get(it, "count")));
	}
}

static void
test_grouped(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	char got[512];
	json_t *b;

	put(f, 1, "a1", "{\"env\": \"prod\"}", NULL);
	put(f, 2, "a2", "{\"env\": \"test\"}", NULL);
	put(f, 3, "a3", "{\"env\": \"prod\"}", "systemctl start sendmail");
	fx_set(&a, "limit", "1000");
	b = fx_call(f, api_remedies, &a, NULL, 200);
	mta_items(b, got, sizeof(got));
	assert_string_equal(got, "a1,a2,2 a3,1 ");
	assert_true(json_is_null(json_object_get(b, "next_cursor")));
	json_decref(b);

	fx_add(&a, "label", "env:prod");
	b = fx_call(f, api_remedies, &a, NULL, 200);
	mta_items(b, got, sizeof(got));
	assert_string_equal(got, "a1,1 a3,1 ");
	json_decref(b);
	fx_add(&a, "label", "env:test");
	b = fx_call(f, api_remedies, &a, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(b, "items")), 0);
	json_decref(b);
}

static void
test_paging(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *all, *b;
	size_t seen = 0;

	put(f, 1, "a1", "{}", NULL);
	put(f, 2, "a2", "{}", "another remedy");
	all = fx_call(f, api_remedies, &a, NULL, 200);
	fx_set(&a, "limit", "3");
	for (int page = 0; page < 20; page++) {
		const char *cur;
		b = fx_call(f, api_remedies, &a, NULL, 200);
		for (size_t i = 0;
		     i < json_array_size(json_object_get(b, "items")); i++)
			assert_true(json_equal(
			    json_array_get(json_object_get(b, "items"), i),
			    json_array_get(json_object_get(all, "items"),
			                   seen++)));
		cur = json_string_value(json_object_get(b, "next_cursor"));
		if (cur == NULL) {
			json_decref(b);
			break;
		}
		/* the cursor text lives in the answer: keep a copy */
		static char keep[256];
		snprintf(keep, sizeof(keep), "%s", cur);
		fx_set(&a, "cursor", keep);
		json_decref(b);
	}
	assert_int_equal(seen, json_array_size(json_object_get(all, "items")));
	assert_true(seen > 3);
	json_decref(all);
	fx_set(&a, "cursor", "zz");
	json_decref(fx_call(f, api_remedies, &a, NULL, 400));
}

static void
test_inventory(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	struct api_req r;
	struct api_answer ans = {.status = 0};

	put(f, 1, "a1", "{}", NULL);
	put(f, 2, "bad host ansible_user=x", "{}", NULL);
	put(f, 3, "a3", "{}", "start it\n[all:vars]\nx=1");
	fx_set(&a, "format", "inventory");
	fx_set(&a, "code", "mta.down");
	r = fx_req(f, &a);
	api_remedies(&r, &ans);
	assert_int_equal(ans.status, 200);
	assert_null(ans.body);
	assert_non_null(ans.text);
	assert_string_equal(ans.type, "text/plain; charset=utf-8");
	assert_int_equal(strlen(ans.text), ans.len);
	assert_non_null(strstr(ans.text, "\n[mta_down_1]\n# mta.down "
	                                 "(critical, 2 hosts): "));
	assert_non_null(strstr(ans.text, "\na1\n# 1 hosts left out"));
	assert_non_null(strstr(ans.text, "\n[mta_down_2]\n# mta.down "
	                                 "(critical, 1 hosts): start it "
	                                 "[all:vars] x=1\na3\n"));
	assert_null(strstr(ans.text, "\n[all:vars]"));
	assert_null(strstr(ans.text, "ansible_user"));
	free(ans.text);
	fx_set(&a, "format", "yaml");
	json_decref(fx_call(f, api_remedies, &a, NULL, 400));
}

static void
test_hosts_labels(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *b, *g;

	put(f, 1, "a1", "{\"env\": \"prod\", \"dc\": \"x\"}", NULL);
	put(f, 2, "a2", "{\"env\": \"test\"}", NULL);
	fx_add(&a, "label", "env:test");
	b = fx_call(f, api_hosts, &a, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(b, "items")), 1);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_object_get(json_array_get(json_object_get(b, "items"), 0),
	                        "labels"),
	        "env")),
	    "test");
	json_decref(b);
	fx_set(&a, "label", "env");
	json_decref(fx_call(f, api_hosts, &a, NULL, 400));
	json_decref(fx_call(f, api_summary, &a, NULL, 400));

	memset(&a, 0, sizeof(a));
	fx_set(&a, "group_by", "label:dc");
	b = fx_call(f, api_summary, &a, NULL, 200);
	g = json_object_get(b, "groups");
	assert_int_equal(json_array_size(g), 2);
	assert_true(
	    json_is_null(json_object_get(json_array_get(g, 1), "value")));
	assert_true(json_array_size(
	                json_object_get(json_array_get(g, 0), "findings")) > 0);
	json_decref(b);
	fx_set(&a, "group_by", "dc");
	json_decref(fx_call(f, api_summary, &a, NULL, 400));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_grouped, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_paging, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_inventory, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_hosts_labels, fx_setup,
	                                    fx_teardown),
	};

	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
