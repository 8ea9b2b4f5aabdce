/*
 * test_collector_db.c - reading connections (db.c): a statement left in
 * the middle of its rows keeps the connection's WAL snapshot, so reports
 * committed afterwards stay invisible on it (GET /api/v1/findings right
 * after the agent's 200 missing what the summary shows);
 * db_reader_release() ends such a snapshot, and no read endpoint, on its
 * normal and its error paths, leaves one behind.  A database made before
 * findings had their cause columns gets them when it is opened.
 */
#include "tests/unit/collector_fixture.h"

static sqlite3 *
reader(struct fx *f)
{
	char err[256];
	sqlite3 *db = db_open(f->path, 0, NULL, 0, err, sizeof(err));

	if (db == NULL)
		fail_msg("%s", err);
	return db;
}

/* items - the number of items of ep's answer on db (body freed). */
static size_t
items(sqlite3 *db, void (*ep)(struct api_req *, struct api_answer *),
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
	sqlite3 *rd = reader(f);
	sqlite3_stmt *st;
	json_t *v;

	fx_put(f, f->incident, 1771147300);
	/* a statement stepped once and never reset: its read transaction
	 * stays open */
	assert_int_equal(sqlite3_prepare_v2(rd, "SELECT id FROM findings", -1,
	    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);

	v = fx_variant(f->incident, 2, "late", NULL);
	fx_put(f, v, 1771147360);
	json_decref(v);
	fx_set(&a, "host", "late");
	fx_set(&a, "state", "open");
	assert_int_equal(items(rd, api_findings, &a), 0); /* the old snapshot */

	assert_int_equal(db_reader_release(rd), 1);
	assert_int_equal(db_reader_release(rd), 0);
	assert_true(items(rd, api_findings, &a) > 0);
	sqlite3_finalize(st);

	/* an open transaction is ended too */
	assert_int_equal(sqlite3_exec(rd, "BEGIN; SELECT count(*) FROM hosts",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_reader_release(rd), 1);
	assert_true(sqlite3_get_autocommit(rd));
	sqlite3_close(rd);
}

/* One request on the reader; it must leave no snapshot behind. */
static void
leaves_none(sqlite3 *db, void (*ep)(struct api_req *, struct api_answer *),
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
	sqlite3 *rd = reader(f);
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
	sqlite3_close(rd);
}

static void
test_older_database(void **state)
{
	struct fx *f = *state;
	char path[300], err[256];
	sqlite3 *db;
	sqlite3_stmt *q;
	struct store *st;

	snprintf(path, sizeof(path), "%s/old.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	/* the two tables as they were, one open finding */
	assert_int_equal(
	    sqlite3_exec(
	        db,
	        "CREATE TABLE findings (id INTEGER PRIMARY KEY, host_id "
	        "INTEGER NOT NULL, code TEXT NOT NULL, subject TEXT NOT NULL, "
	        "severity TEXT NOT NULL, message TEXT, evidence TEXT, remedy "
	        "TEXT, first_seen INTEGER NOT NULL, last_seen INTEGER NOT "
	        "NULL, last_report INTEGER NOT NULL, resolved_at INTEGER);"
	        "CREATE TABLE finding_counts (code TEXT NOT NULL, severity "
	        "TEXT NOT NULL, hosts INTEGER NOT NULL, PRIMARY KEY (code, "
	        "severity)) WITHOUT ROWID;"
	        "INSERT INTO findings VALUES (1, 1, 'mta.down', 'sendmail', "
	        "'critical', NULL, NULL, NULL, 1, 1, 1, NULL);",
	        NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	db = db_open(path, 1, "normal", 8 << 20, err, sizeof(err));
	if (db == NULL)
		fail_msg("%s", err);
	st = store_new(db, err, sizeof(err));
	if (st == NULL)
		fail_msg("%s", err);
	assert_int_equal(
	    sqlite3_prepare_v2(db,
	                       "SELECT (SELECT symptom FROM findings), "
	                       "(SELECT causes || '/' || hosts FROM "
	                       "incident_counts WHERE severity = 'critical')",
	                       -1, &q, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 0);
	assert_string_equal((const char *)sqlite3_column_text(q, 1), "1/1");
	sqlite3_finalize(q);
	store_free(st);
	sqlite3_close(db);
	/* and again: nothing to add a second time */
	db = db_open(path, 1, "normal", 8 << 20, err, sizeof(err));
	if (db == NULL)
		fail_msg("%s", err);
	sqlite3_close(db);
	unlink(path);
	snprintf(path, sizeof(path), "%s/old.db-wal", f->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/old.db-shm", f->dir);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_stale_snapshot, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_endpoints_leave_none, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_older_database, fx_setup,
	                                    fx_teardown),
	};

	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
