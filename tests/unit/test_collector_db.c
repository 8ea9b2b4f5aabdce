/*
 * test_collector_db.c - reading connections (db.c): a statement left in
 * the middle of its rows keeps the connection's WAL snapshot, so reports
 * committed afterwards stay invisible on it (GET /api/v1/findings right
 * after the agent's 200 missing what the summary shows);
 * db_reader_release() ends such a snapshot, and no read endpoint, on its
 * normal and its error paths, leaves one behind.  (Older databases:
 * tests/e2e/collector_migrate.sh.)
 */
#include "tests/unit/collector_fixture.h"

static sql_db *
reader(struct fx *f)
{
	char err[256];
	sql_db *db = db_open(f->path, 0, NULL, 0, err, sizeof(err));

	if (db == NULL)
		fail_msg("%s", err);
	return db;
}

/* items - the number of items of ep's answer on db (body freed). */
static size_t
items(sql_db *db, void (*ep)(struct api_req *, struct api_answer *),
      struct fx_args *a)
{
	struct api_req r = {db, FX_NOW, FX_STALE_AFTER, fx_arg, a, NULL, fx_all};
	struct api_answer ans = {.status = 0};
	size_t n;

	ep(&r, &ans);
	assert_int_equal(ans.status, 200);
	n = json_array_size(json_object_get(ans.body, "items"));
	json_decref(ans.body);
	return n;
}

static void
test_stale_snapshot(void **state)
{
	struct fx *f = *state;
	struct fx_args a = {{NULL}, {NULL}};
	sql_db *rd = reader(f);
	sql_stmt *st;
	json_t *v;

	fx_put(f, f->incident, 1771147300);
	/* a statement stepped once and never reset: its read transaction
	 * stays open */
	assert_int_equal(sql_prepare(rd, "SELECT id FROM findings", 0, &st), SQL_OK);
	assert_int_equal(sql_step(st), SQL_ROW);

	v = fx_variant(f->incident, 2, "late", NULL);
	fx_put(f, v, 1771147360);
	json_decref(v);
	fx_set(&a, "host", "late");
	fx_set(&a, "state", "open");
	/* the old snapshot (SQLite's WAL; PostgreSQL's READ COMMITTED
	 * takes a snapshot per statement) */
	if (!fx_pg_uri())
		assert_int_equal(items(rd, api_findings, &a), 0);

	assert_int_equal(db_reader_release(rd), 1);
	assert_int_equal(db_reader_release(rd), 0);
	assert_true(items(rd, api_findings, &a) > 0);
	sql_finalize(st);

	/* an open transaction is ended too */
	assert_int_equal(sql_exec(rd, "BEGIN; SELECT count(*) FROM hosts",
	    NULL, 0), SQL_OK);
	assert_int_equal(db_reader_release(rd), 1);
	assert_false(sql_in_transaction(rd));
	sql_close(rd);
}

/* One request on the reader; it must leave no snapshot behind. */
static void
leaves_none(sql_db *db, void (*ep)(struct api_req *, struct api_answer *),
            const char *param, const char *k, const char *val)
{
	struct fx_args a = {{NULL}, {NULL}};
	struct api_req r = {db, FX_NOW, FX_STALE_AFTER, fx_arg, &a, param,
	                    fx_all};
	struct api_answer ans = {.status = 0};

	if (k)
		fx_set(&a, k, val);
	ep(&r, &ans);
	assert_non_null(ans.body);
	json_decref(ans.body);
	if (db_reader_release(db) != 0)
		fail_msg("an endpoint (%s=%s) left a statement or transaction "
		         "open", k ? k : "", val ? val : "");
}

static void
test_endpoints_leave_none(void **state)
{
	struct fx *f = *state;
	sql_db *rd = reader(f);
	static void (*const eps[])(struct api_req *, struct api_answer *) = {
	    api_summary, api_hosts, api_findings, api_events, api_mail,
	    api_remedies};
	/* normal pages, a page cut by limit, bad arguments, labels */
	static const char *const args[][2] = {{NULL, NULL}, {"limit", "1"},
	    {"cursor", "zz"}, {"host", "web001"}, {"limit", "x"},
	    {"label", "env:prod"}, {"label", "bad"}, {"group_by", "label:env"}};

	fx_fleet(f, 4);
	for (size_t e = 0; e < sizeof(eps) / sizeof(eps[0]); e++)
		for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
			leaves_none(rd, eps[e], NULL, args[i][0], args[i][1]);
	leaves_none(rd, api_host, "web001", NULL, NULL);
	leaves_none(rd, api_host, "nope", NULL, NULL);
	leaves_none(rd, api_host, "web001", "history_hours", "x");
	sql_close(rd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_stale_snapshot, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_endpoints_leave_none, fx_setup,
	                                    fx_teardown),
	};

	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
