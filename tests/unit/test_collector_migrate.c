/*
 * test_collector_migrate.c - store/migrate.c: a database made before
 * hosts.labels existed gets the column when the collector opens it (and
 * keeps its rows), a second open changes nothing, and a report's labels
 * are then stored.
 */
#include "tests/unit/collector_fixture.h"

static void
test_old_database(void **state)
{
	char dir[] = "/tmp/sw-migrate.XXXXXX", path[128], err[256], p[160];
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/old.db", dir);
	/* the hosts table as an older collector made it */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(
	        db,
	        "CREATE TABLE hosts (id INTEGER PRIMARY KEY, name TEXT "
	        "NOT NULL UNIQUE, os TEXT, kernel TEXT, agent_version "
	        "TEXT, first_seen INTEGER NOT NULL, last_seen INTEGER "
	        "NOT NULL, collected_at INTEGER NOT NULL, state_order "
	        "INTEGER NOT NULL DEFAULT -1, interval_s INTEGER, "
	        "reports INTEGER NOT NULL DEFAULT 0, last_report_id "
	        "TEXT, mta_kind TEXT, mta_running INTEGER, "
	        "mta_listening INTEGER, mta_down INTEGER NOT NULL "
	        "DEFAULT 0, queued_total INTEGER NOT NULL DEFAULT 0, "
	        "unread_total INTEGER NOT NULL DEFAULT 0, open_critical "
	        "INTEGER NOT NULL DEFAULT 0, open_warning INTEGER NOT "
	        "NULL DEFAULT 0, open_info INTEGER NOT NULL DEFAULT 0);"
	        "INSERT INTO hosts (name, first_seen, last_seen, "
	        "collected_at) VALUES ('old1', 1, 2, 2)",
	        NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	for (int i = 0; i < 2; i++) {
		db = db_open(path, 1, "normal", 1 << 20, err, sizeof(err));
		if (db == NULL)
			fail_msg("open %d: %s", i, err);
		assert_int_equal(
		    sqlite3_prepare_v2(db,
		                       "SELECT name, labels IS NULL "
		                       "FROM hosts",
		                       -1, &st, NULL),
		    SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0),
		                    "old1");
		assert_int_equal(sqlite3_column_int(st, 1), 1);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	unlink(path);
	rmdir(dir);
}

static void
test_labels_stored(void **state)
{
	struct fx *f = *state;
	json_t *v = fx_variant(f->incident, 1, "l1", NULL);

	json_object_set_new(
	    json_object_get(v, "host"), "labels",
	    json_pack("{s:s,s:s}", "role", "web", "env", "prod"));
	fx_put(f, v, 1771147300);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM host_labels WHERE "
	                             "key = 'env' AND value = 'prod'"),
	                 1);
	assert_int_equal(fx_count(f, "SELECT labels = '{\"env\":\"prod\","
	                             "\"role\":\"web\"}' FROM hosts"),
	                 1);
	/* a report without labels drops them */
	v = fx_variant(f->incident, 2, "l1", "2026-02-15T09:30:00Z");
	fx_put(f, v, 1771147400);
	json_decref(v);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM host_labels"), 0);
	assert_int_equal(fx_count(f, "SELECT labels = '{}' FROM hosts"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_old_database),
	    cmocka_unit_test_setup_teardown(test_labels_stored, fx_setup,
	                                    fx_teardown),
	};

	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
