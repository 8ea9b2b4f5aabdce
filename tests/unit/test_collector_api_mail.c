/*
 * test_collector_api_mail.c - GET /api/v1/mail (api_mail.c) over a real
 * database filled through the store: cron mail grouped fleet wide (with
 * example hosts for one command) and for one host, most messages first,
 * the totals of each scope, "<messages>.<hex command>" pages, bad
 * cursors; a cron job's messages are not taken for unread ones.
 */
#include "tests/unit/collector_fixture.h"

static void
test_fleet(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *body, *x;

	fx_fleet(f, 12);
	body = fx_call(f, api_mail, &a, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(body, "items")), 2);
	x = json_array_get(json_object_get(body, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "command")),
	                    "/bin/freemem.py");
	assert_int_equal(fx_num(x, "hosts"), 12);
	assert_int_equal(fx_num(x, "unread"), 12 * 5102);
	assert_int_equal(fx_num(x, "queued"), 12);
	assert_int_equal(fx_num(x, "messages"), 12 * (5102 + 1));
	assert_null(json_object_get(x, "host_examples"));
	x = json_object_get(body, "totals");
	assert_int_equal(fx_num(x, "queued_total"), 24);
	assert_int_equal(fx_num(x, "unread_total"), 12 * 5209);
	assert_int_equal(fx_num(x, "hosts_with_queued"), 12);
	json_decref(body);

	/* one command: its example hosts, at most API_MAIL_EXAMPLES */
	fx_set(&a, "command", "/bin/freemem.py");
	body = fx_call(f, api_mail, &a, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(body, "items")), 1);
	x = json_array_get(json_object_get(body, "items"), 0);
	assert_int_equal(json_array_size(json_object_get(x, "host_examples")),
	                 API_MAIL_EXAMPLES);
	json_decref(body);
}

static void
test_one_host(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *body, *x;

	fx_fleet(f, 3);
	fx_set(&a, "host", "web001");
	body = fx_call(f, api_mail, &a, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(body, "items")), 2);
	x = json_array_get(json_object_get(body, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "command")),
	                    "/bin/freemem.py");
	assert_int_equal(fx_num(x, "hosts"), 1);
	assert_int_equal(fx_num(x, "messages"), 5102 + 1);
	assert_string_equal(json_string_value(json_object_get(x, "user")),
	                    "root");
	assert_true(json_is_string(json_object_get(x, "last_ts")));
	x = json_array_get(json_object_get(body, "items"), 1);
	assert_string_equal(json_string_value(json_object_get(x, "command")),
	                    "run-parts /etc/cron.daily");
	x = json_object_get(body, "totals");
	assert_int_equal(fx_num(x, "queued_total"), 2);
	assert_int_equal(fx_num(x, "unread_total"), 5209);
	assert_int_equal(fx_num(x, "hosts_with_queued"), 1);
	json_decref(body);
}

static void
test_pages(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	char cmd[64];
	json_t *body;

	fx_fleet(f, 2);
	/* more commands than a page: one host with 12 cron commands */
	for (int i = 0; i < 12; i++) {
		char sql[256];
		snprintf(cmd, sizeof(cmd), "/usr/local/bin/job%02d", i);
		snprintf(sql, sizeof(sql),
		         "INSERT INTO mail_cron (host_id, command, \"user\", "
		         "inbox, unread, queued) VALUES (1, '%s', 'root', %d, "
		         "0, 0)",
		         cmd, i % 3);
		assert_int_equal(sql_exec(f->db, sql, NULL, 0), 0);
	}
	assert_int_equal(fx_walk(f, api_mail, &a, 0),
	                 (size_t)fx_count(f, "SELECT count(*) FROM "
	                                     "cron_fleet"));
	memset(&a, 0, sizeof(a));
	fx_set(&a, "host", "web000");
	assert_int_equal(fx_walk(f, api_mail, &a, 0), 14);
	memset(&a, 0, sizeof(a));
	fx_set(&a, "cursor", "2.zz");
	assert_string_equal(fx_error_code(fx_call(f, api_mail, &a, NULL, 400)),
	                    "bad_request");
	fx_set(&a, "cursor", "x.41");
	assert_string_equal(fx_error_code(fx_call(f, api_mail, &a, NULL, 400)),
	                    "bad_request");
	fx_set(&a, "cursor", "12");
	assert_string_equal(fx_error_code(fx_call(f, api_mail, &a, NULL, 400)),
	                    "bad_request");
	/* a host without mail: no items, zero totals */
	memset(&a, 0, sizeof(a));
	fx_set(&a, "host", "nope");
	body = fx_call(f, api_mail, &a, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(body, "items")), 0);
	assert_null(json_object_get(body, "totals"));
	json_decref(body);
}

/* read_all - the incident report with root's mailbox read: every cron
 * mail still there (count), none unread (the agent says unread 0). */
static json_t *
read_all(json_t *r, int n, const char *host)
{
	json_t *v = fx_variant(r, n, host, NULL);
	json_t *mb = json_array_get(
	    json_object_get(json_object_get(v, "mail"), "mailboxes"), 0);
	json_t *cr;
	size_t i;

	json_object_set_new(mb, "unread", json_integer(0));
	json_array_foreach(json_object_get(mb, "cron"), i, cr)
	{
		if (i == 0) /* an agent that says nothing about unread */
			json_object_del(cr, "unread");
		else
			json_object_set_new(cr, "unread", json_integer(0));
	}
	return v;
}

static void
test_cron_count_not_unread(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	json_t *body, *x, *v;

	v = read_all(f->incident, 1, "read");
	fx_put(f, v, 1771147300);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT sum(unread) FROM mail_cron"), 0);
	assert_int_equal(fx_count(f, "SELECT sum(unread) FROM cron_fleet"), 0);

	fx_set(&a, "host", "read");
	body = fx_call(f, api_mail, &a, NULL, 200);
	x = json_array_get(json_object_get(body, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "command")),
	                    "/bin/freemem.py");
	assert_int_equal(fx_num(x, "unread"), 0);
	assert_int_equal(fx_num(x, "messages"), 5102 + 1);
	assert_int_equal(fx_num(x, "queued"), 1);
	x = json_array_get(json_object_get(body, "items"), 1);
	assert_int_equal(fx_num(x, "unread"), 0);
	assert_int_equal(fx_num(x, "messages"), 107 + 1);
	json_decref(body);

	/* fleet wide, next to a host whose cron mail is unread */
	fx_put(f, f->incident, 1771147300);
	memset(&a, 0, sizeof(a));
	fx_set(&a, "command", "/bin/freemem.py");
	body = fx_call(f, api_mail, &a, NULL, 200);
	x = json_array_get(json_object_get(body, "items"), 0);
	assert_int_equal(fx_num(x, "hosts"), 2);
	assert_int_equal(fx_num(x, "unread"), 5102);
	assert_int_equal(fx_num(x, "messages"), 2 * (5102 + 1));
	json_decref(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cron_count_not_unread,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_fleet, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_one_host, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_pages, fx_setup, fx_teardown),
	};

	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
