/*
 * test_collector_store.c - reports into a real SQLite file through the
 * store, and the read API over the result: idempotency on report_id,
 * events stored once per (host, id), the findings lifecycle (open,
 * last_seen, resolved, reopened), an older report not overwriting newer
 * state, the fleet aggregates kept by triggers, retention in batches, and
 * the summary, filters and keyset pagination of the list endpoints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "collector/api.h"
#include "collector/db.h"
#include "collector/store.h"
#include "collector/validate.h"
#include "common/fsutil.h"

struct fx {
	char dir[64];
	char path[128];
	sqlite3 *db;
	struct store *st;
	json_t *incident;
};

static char top[4096];

static json_t *
load(const char *rel)
{
	char path[8192], why[256], err[256], *text;
	ssize_t n;
	json_t *r;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	n = read_file_capped(path, &text, 1u << 24, why, sizeof(why));
	if (n < 0)
		fail_msg("%s", why);
	r = report_parse(text, (size_t)n, err, sizeof(err));
	free(text);
	assert_non_null(r);
	return r;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	snprintf(f->dir, sizeof(f->dir), "/tmp/sw-store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/c.db", f->dir);
	f->db = db_open(f->path, 1, "normal", 8 << 20, err, sizeof(err));
	assert_non_null(f->db);
	f->st = store_new(f->db, err, sizeof(err));
	assert_non_null(f->st);
	f->incident = load("tests/data/report-incident.json");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char p[256];

	store_free(f->st);
	sqlite3_close(f->db);
	json_decref(f->incident);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* put - store one report in its own transaction; returns duplicate. */
static int
put(struct fx *f, json_t *r, long long now)
{
	char err[256];
	int dup = -1, use_prep;
	struct report_prep prep;
	static unsigned calls;

	/* half the reports with prepared text, as the HTTP threads do */
	memset(&prep, 0, sizeof(prep));
	if ((use_prep = calls++ % 2))
		store_prepare(r, &prep);
	assert_int_equal(sqlite3_exec(f->db, "BEGIN", NULL, NULL, NULL), 0);
	if (store_report(f->st, r, use_prep ? &prep : NULL, now, &dup, err,
	    sizeof(err)) != SQLITE_OK)
		fail_msg("store_report: %s", err);
	store_prep_free(&prep);
	assert_int_equal(sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL), 0);
	return dup;
}

static long long
count(struct fx *f, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(f->db, sql, -1, &st, NULL), 0);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* variant - a copy of r with a new id, collected_at and host name. */
static json_t *
variant(json_t *r, int n, const char *host, const char *collected)
{
	json_t *c = json_deep_copy(r);
	char id[40];

	snprintf(id, sizeof(id), "5f0c6a0e-3b7d-4c2a-9d1e-%012d", n);
	json_object_set_new(c, "report_id", json_string(id));
	if (host)
		json_object_set_new(json_object_get(c, "host"), "name",
		    json_string(host));
	if (collected)
		json_object_set_new(c, "collected_at", json_string(collected));
	return c;
}

static void
test_idempotent(void **state)
{
	struct fx *f = *state;
	long long now = 1771147300;

	assert_int_equal(put(f, f->incident, now), 0);
	long long ev = count(f, "SELECT count(*) FROM events");
	long long hist = count(f, "SELECT count(*) FROM history");
	assert_true(ev > 0);
	assert_int_equal(put(f, f->incident, now + 5), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM reports"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), ev);
	assert_int_equal(count(f, "SELECT count(*) FROM history"), hist);
	assert_int_equal(count(f, "SELECT reports FROM hosts"), 1);

	/* a new report carrying the same events (the agent lost its
	 * offsets): stored once, and not counted again in the aggregates */
	long long sigs = count(f, "SELECT sum(count) FROM sig_fleet");
	assert_true(sigs > 0);
	json_t *v = variant(f->incident, 2, NULL, "2026-02-15T09:22:00Z");
	assert_int_equal(put(f, v, now + 60), 0);
	json_decref(v);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), ev);
	assert_int_equal(count(f, "SELECT sum(count) FROM sig_fleet"), sigs);
	assert_int_equal(count(f, "SELECT count(*) FROM reports"), 2);
	assert_int_equal(count(f, "SELECT reports FROM hosts"), 2);
}

/* aggregates_consistent - the trigger-kept tables equal a recount. */
static void
aggregates_consistent(struct fx *f)
{
	assert_int_equal(count(f, "SELECT count(*) FROM (SELECT code, "
	    "severity, count(DISTINCT host_id) AS n FROM findings WHERE "
	    "resolved_at IS NULL GROUP BY 1, 2) g FULL JOIN (SELECT * FROM "
	    "finding_counts WHERE hosts > 0) c USING (code, severity) "
	    "WHERE g.n IS NOT c.hosts"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM fleet WHERE "
	    "queued <> (SELECT sum(queued_total) FROM hosts) OR unread <> "
	    "(SELECT sum(unread_total) FROM hosts) OR hosts_with_queued <> "
	    "(SELECT sum(queued_total > 0) FROM hosts)"), 0);
}

static void
test_findings_lifecycle(void **state)
{
	struct fx *f = *state;
	long long now = 1771147300;
	json_t *v;

	assert_int_equal(put(f, f->incident, now), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM findings WHERE "
	    "resolved_at IS NULL"), 8);
	assert_int_equal(count(f, "SELECT open_critical FROM hosts"), 5);
	assert_int_equal(count(f, "SELECT mta_down FROM hosts"), 1);

	/* still there a minute later: last_seen moves, first_seen stays */
	v = variant(f->incident, 2, NULL, "2026-02-15T09:22:00Z");
	put(f, v, now + 60);
	json_decref(v);
	assert_int_equal(count(f, "SELECT count(*) FROM findings"), 8);
	assert_int_equal(count(f, "SELECT first_seen FROM findings WHERE "
	    "code = 'mta.down'"), 1771147260);
	assert_int_equal(count(f, "SELECT last_seen FROM findings WHERE "
	    "code = 'mta.down'"), 1771147320);

	/* fixed: a newer report without mta.down resolves it */
	v = variant(f->incident, 3, NULL, "2026-02-15T09:23:00Z");
	json_t *fs = json_object_get(v, "findings");
	for (size_t i = 0; i < json_array_size(fs); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(fs,
		    i), "code")), "mta.down") == 0)
			json_array_remove(fs, i--);
	json_object_set_new(json_object_get(v, "mta"), "daemon_running",
	    json_true());
	put(f, v, now + 120);
	json_decref(v);
	assert_int_equal(count(f, "SELECT resolved_at FROM findings WHERE "
	    "code = 'mta.down'"), 1771147380);
	assert_int_equal(count(f, "SELECT count(*) FROM findings WHERE "
	    "resolved_at IS NULL"), 7);
	assert_int_equal(count(f, "SELECT mta_down FROM hosts"), 0);

	/* an older report (from an outbox) does not bring the state back */
	v = variant(f->incident, 4, NULL, "2026-02-15T09:20:30Z");
	put(f, v, now + 130);
	json_decref(v);
	assert_int_equal(count(f, "SELECT count(*) FROM findings WHERE "
	    "resolved_at IS NULL"), 7);
	assert_int_equal(count(f, "SELECT mta_down FROM hosts"), 0);
	assert_int_equal(count(f, "SELECT reports FROM hosts"), 4);
	aggregates_consistent(f);

	/* it comes back: a new occurrence opens, the old stays resolved */
	v = variant(f->incident, 5, NULL, "2026-02-15T09:24:00Z");
	put(f, v, now + 180);
	json_decref(v);
	assert_int_equal(count(f, "SELECT count(*) FROM findings WHERE "
	    "code = 'mta.down'"), 2);
	assert_int_equal(count(f, "SELECT count(*) FROM findings WHERE "
	    "code = 'mta.down' AND resolved_at IS NULL"), 1);
	aggregates_consistent(f);

	/* a severity change moves the host between counts */
	v = variant(f->incident, 6, NULL, "2026-02-15T09:25:00Z");
	json_object_set_new(json_array_get(json_object_get(v, "findings"), 0),
	    "severity", json_string("info"));
	json_object_set_new(json_object_get(v, "mail"), "queued_total",
	    json_integer(0));
	put(f, v, now + 240);
	json_decref(v);
	aggregates_consistent(f);
	assert_int_equal(count(f, "SELECT queued FROM fleet"), 0);
}

static void
test_fleet_aggregates(void **state)
{
	struct fx *f = *state;
	char host[32], date[32];
	json_t *v;

	for (int i = 0; i < 5; i++) {
		snprintf(host, sizeof(host), "h%02d", i);
		v = variant(f->incident, 10 + i, host, NULL);
		put(f, v, 1771147300);
		json_decref(v);
	}
	/* twice for one host: replaced, not added */
	snprintf(date, sizeof(date), "2026-02-15T09:30:00Z");
	v = variant(f->incident, 99, "h00", date);
	put(f, v, 1771147400);
	json_decref(v);
	assert_int_equal(count(f, "SELECT hosts FROM cron_fleet WHERE "
	    "command = '/bin/freemem.py'"), 5);
	assert_int_equal(count(f, "SELECT sum(unread) FROM cron_fleet"),
	    count(f, "SELECT sum(unread) FROM mail_cron"));
	assert_int_equal(count(f, "SELECT sum(queued) FROM cron_fleet"),
	    count(f, "SELECT sum(queued) FROM mail_cron"));
	assert_int_equal(count(f, "SELECT max(hosts) FROM sig_fleet WHERE "
	    "kind = 'syserr'"), 5);
	aggregates_consistent(f);
	assert_int_equal(count(f, "SELECT count(*) FROM sig_fleet s WHERE "
	    "hosts <> (SELECT count(*) FROM event_sigs e WHERE "
	    "e.signature = s.signature) OR count <> (SELECT sum(count) FROM "
	    "event_sigs e WHERE e.signature = s.signature)"), 0);
}

static void
test_unchanged_state(void **state)
{
	struct fx *f = *state;
	json_t *v;
	long long hist;

	put(f, f->incident, 1771147300);
	/* mark the derived rows: a report with the same state must leave
	 * them alone, one with a changed state must rewrite them */
	assert_int_equal(sqlite3_exec(f->db, "UPDATE spools SET orphans = 77",
	    NULL, NULL, NULL), 0);
	hist = count(f, "SELECT count(*) FROM history");
	v = variant(f->incident, 2, NULL, "2026-02-15T09:22:00Z");
	put(f, v, 1771147360);
	json_decref(v);
	assert_int_equal(count(f, "SELECT count(*) FROM spools WHERE "
	    "orphans = 77"), 3);
	assert_true(count(f, "SELECT count(*) FROM history") > hist);
	assert_int_equal(count(f, "SELECT reports FROM hosts"), 2);
	assert_int_equal(count(f, "SELECT queued_total FROM hosts"),
	    json_integer_value(json_object_get(json_object_get(f->incident,
	    "mail"), "queued_total")));

	v = variant(f->incident, 3, NULL, "2026-02-15T09:23:00Z");
	json_object_set_new(json_array_get(json_object_get(v, "spools"), 0),
	    "entries", json_integer(12345));
	put(f, v, 1771147420);
	json_decref(v);
	assert_int_equal(count(f, "SELECT count(*) FROM spools WHERE "
	    "orphans = 77"), 0);
	assert_int_equal(count(f, "SELECT entries FROM spools WHERE path = "
	    "'/var/spool/clientmqueue'"), 12345);
	assert_int_equal(count(f, "SELECT count(*) FROM host_state WHERE "
	    "state LIKE '%12345%'"), 1);
	aggregates_consistent(f);
}

static void
test_retention(void **state)
{
	struct fx *f = *state;
	char err[256];
	long n, total = 0;

	put(f, f->incident, 1771147300);
	long long ev = count(f, "SELECT count(*) FROM events");
	assert_true(ev > 0);
	/* nothing is older than a cutoff before the data */
	assert_int_equal(store_retention(f->st, 1000, 2, err, sizeof(err)),
	    0);
	/* a cutoff after everything: batches of 2 until nothing is left */
	while ((n = store_retention(f->st, 1800000000, 2, err, sizeof(err)))
	    > 0) {
		assert_true(n <= 2);
		total += n;
	}
	assert_int_equal(n, 0);
	assert_true(total >= ev);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM history"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM sig_fleet"), 0);
	/* the latest state of the host is not history: it stays */
	assert_int_equal(count(f, "SELECT count(*) FROM hosts"), 1);
}

/* --- the read API over the store -------------------------------------------- */

struct args {
	const char *k[8], *v[8];
};

static const char *
arg(void *cls, const char *key)
{
	struct args *a = cls;

	for (int i = 0; i < 8 && a->k[i]; i++)
		if (strcmp(a->k[i], key) == 0)
			return a->v[i];
	return NULL;
}

static struct api_req
req(struct fx *f, struct args *a)
{
	struct api_req r = {f->db, 1771147400, 900, arg, a, NULL};
	return r;
}

static void
fleet(struct fx *f, int hosts)
{
	char host[32];

	for (int i = 0; i < hosts; i++) {
		snprintf(host, sizeof(host), "web%03d", i);
		json_t *v = variant(f->incident, 100 + i, host, NULL);
		put(f, v, i < hosts - 2 ? 1771147300 : 1771140000);
		json_decref(v);
	}
}

static void
test_summary(void **state)
{
	struct fx *f = *state;
	struct args a = {{NULL}, {NULL}};
	struct api_req r = req(f, &a);
	struct api_answer ans = {0, NULL};
	json_t *s, *x;

	fleet(f, 12);
	api_summary(&r, &ans);
	assert_int_equal(ans.status, 200);
	s = ans.body;
	assert_int_equal(json_integer_value(json_object_get(
	    json_object_get(s, "hosts"), "total")), 12);
	assert_int_equal(json_integer_value(json_object_get(
	    json_object_get(s, "hosts"), "stale")), 2);
	assert_int_equal(json_integer_value(json_object_get(
	    json_object_get(s, "hosts"), "reporting")), 10);
	x = json_array_get(json_object_get(s, "findings"), 0);
	assert_int_equal(json_integer_value(json_object_get(x, "hosts")), 12);
	x = json_array_get(json_object_get(s, "syserr_top"), 0);
	assert_int_equal(json_integer_value(json_object_get(x, "hosts")), 12);
	assert_non_null(strstr(json_string_value(json_object_get(x,
	    "signature")), "SYSERR"));
	x = json_array_get(json_object_get(s, "inodes_top"), 0);
	assert_true(json_real_value(json_object_get(x, "inodes_used_pct")) >
	    95.0);
	assert_string_equal(json_string_value(json_object_get(x, "mount")),
	    "/var");
	x = json_object_get(s, "mail");
	assert_int_equal(json_integer_value(json_object_get(x,
	    "hosts_with_queued")), 12);
	x = json_array_get(json_object_get(x, "top_cron_commands"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "command")),
	    "/bin/freemem.py");
	assert_int_equal(json_integer_value(json_object_get(x, "hosts")), 12);
	x = json_object_get(s, "mta_down");
	assert_int_equal(json_integer_value(json_object_get(x, "hosts")), 12);
	assert_int_equal(json_array_size(json_object_get(x, "examples")), 10);
	assert_true(json_is_string(json_object_get(s, "generated_at")));
	json_decref(s);
}

/* walk - page through an endpoint with limit 5; returns items seen. */
static size_t
walk(struct fx *f, void (*ep)(struct api_req *, struct api_answer *),
    struct args *a, int slot, int insert_between)
{
	struct api_answer ans;
	char cursor[256] = "";
	size_t seen = 0;
	int pages = 0;

	a->k[slot] = "limit";
	a->v[slot] = "5";
	a->k[slot + 1] = "cursor";
	a->v[slot + 1] = cursor;
	for (;;) {
		struct api_req r = req(f, a);
		json_t *next;
		memset(&ans, 0, sizeof(ans));
		ep(&r, &ans);
		assert_int_equal(ans.status, 200);
		assert_true(json_array_size(json_object_get(ans.body,
		    "items")) <= 5);
		seen += json_array_size(json_object_get(ans.body, "items"));
		next = json_object_get(ans.body, "next_cursor");
		if (json_is_null(next)) {
			json_decref(ans.body);
			break;
		}
		snprintf(cursor, sizeof(cursor), "%s", json_string_value(next));
		json_decref(ans.body);
		if (insert_between && pages++ == 0) {
			/* data written while paging must not shift pages */
			json_t *v = variant(f->incident, 900, "zz-late",
			    NULL);
			put(f, v, 1771147300);
			json_decref(v);
		}
	}
	return seen;
}

static void
test_pagination_and_filters(void **state)
{
	struct fx *f = *state;
	struct args a = {{NULL}, {NULL}};
	struct api_answer ans = {0, NULL};
	struct api_req r;

	fleet(f, 12);
	/* 12 hosts x 8 findings, paged by 5, rows added meanwhile (newer
	 * ids, so not in this walk): exactly 96 */
	assert_int_equal(walk(f, api_findings, &a, 0, 1), 96);
	memset(&a, 0, sizeof(a));
	assert_int_equal(walk(f, api_hosts, &a, 0, 0), 13);
	memset(&a, 0, sizeof(a));
	a.k[0] = "stale";
	a.v[0] = "true";
	assert_int_equal(walk(f, api_hosts, &a, 1, 0), 2);
	memset(&a, 0, sizeof(a));
	a.k[0] = "q";
	a.v[0] = "web01";
	assert_int_equal(walk(f, api_hosts, &a, 1, 0), 2);	/* web010, 011 */
	memset(&a, 0, sizeof(a));
	a.k[0] = "finding";
	a.v[0] = "mta.down";
	a.k[1] = "severity";
	a.v[1] = "info";
	assert_int_equal(walk(f, api_hosts, &a, 2, 0), 0);
	memset(&a, 0, sizeof(a));
	a.k[0] = "host";
	a.v[0] = "web003";
	a.k[1] = "kind";
	a.v[1] = "syserr";
	assert_int_equal(walk(f, api_events, &a, 2, 0), 3);
	memset(&a, 0, sizeof(a));
	a.k[0] = "code";
	a.v[0] = "fs.inodes_high";
	a.k[1] = "state";
	a.v[1] = "open";
	assert_int_equal(walk(f, api_findings, &a, 2, 0), 13);

	/* bad arguments: 400 in the error shape */
	memset(&a, 0, sizeof(a));
	a.k[0] = "limit";
	a.v[0] = "x";
	r = req(f, &a);
	api_events(&r, &ans);
	assert_int_equal(ans.status, 400);
	assert_non_null(json_object_get(json_object_get(ans.body, "error"),
	    "message"));
	json_decref(ans.body);
	a.v[0] = "10";
	a.k[1] = "since";
	a.v[1] = "yesterday";
	r = req(f, &a);
	api_events(&r, &ans);
	assert_int_equal(ans.status, 400);
	json_decref(ans.body);
	a.k[1] = "cursor";
	a.v[1] = "zz";
	r = req(f, &a);
	api_hosts(&r, &ans);
	assert_int_equal(ans.status, 400);
	json_decref(ans.body);

	/* one host: its state, open findings, events, curves */
	memset(&a, 0, sizeof(a));
	r = req(f, &a);
	r.param = "web004";
	api_host(&r, &ans);
	assert_int_equal(ans.status, 200);
	assert_int_equal(json_array_size(json_object_get(ans.body,
	    "open_findings")), 8);
	assert_int_equal(json_array_size(json_object_get(ans.body,
	    "spools")), 3);
	assert_string_equal(json_string_value(json_object_get(ans.body,
	    "last_report_id")), "5f0c6a0e-3b7d-4c2a-9d1e-000000000104");
	json_decref(ans.body);
	r.param = "nope";
	api_host(&r, &ans);
	assert_int_equal(ans.status, 404);
	json_decref(ans.body);

	/* mail grouped by command, and for one command its hosts */
	a.k[0] = "command";
	a.v[0] = "/bin/freemem.py";
	r = req(f, &a);
	api_mail(&r, &ans);
	assert_int_equal(ans.status, 200);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    json_object_get(ans.body, "items"), 0), "hosts")), 13);
	json_decref(ans.body);
	memset(&a, 0, sizeof(a));
	assert_int_equal(walk(f, api_mail, &a, 0, 0),
	    (size_t)count(f, "SELECT count(*) FROM cron_fleet"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_idempotent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_findings_lifecycle, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_fleet_aggregates, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_unchanged_state, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pagination_and_filters, setup,
		teardown),
	};
	const char *t = getenv("SPOOLWATCH_TOP");

	snprintf(top, sizeof(top), "%s", t && *t ? t : ".");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
