/*
 * test_collector_writer.c - the writer thread (writer.c) on a real
 * database: jobs complete only after their commit, a duplicate is told
 * apart, a report the store refuses fails alone while the rest of its
 * batch is stored (the careful retry), also when what fails is a
 * statement PostgreSQL runs deferred (pipelined: its error comes later
 * than the statement), the queue is bounded, and a stopping writer takes
 * no more work.
 */
#include <pthread.h>
#include <time.h>

#include "tests/unit/collector_fixture.h"

#include "collector/store/writer.h"

/* Completion is counted under a lock; wait_done blocks until n jobs
 * completed (a guard of 60 s fails the test instead of hanging it). */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int completed;

static void
on_complete(struct ingest_job *job)
{
	(void)job;
	pthread_mutex_lock(&mu);
	completed++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void
wait_done(int n)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	pthread_mutex_lock(&mu);
	while (completed < n)
		if (pthread_cond_timedwait(&cv, &mu, &until) != 0)
			break;
	pthread_mutex_unlock(&mu);
	assert_true(completed >= n);
}

static struct writer *
start(struct fx *f, long queue_max)
{
	struct writer_params p = {f->path,   "normal", 8 << 20,
	                          queue_max, 16,       30, 64 << 20};
	char err[256];
	struct writer *w = writer_start(&p, err, sizeof(err));

	if (w == NULL)
		fail_msg("writer_start: %s", err);
	return w;
}

static void
job_init(struct ingest_job *j, json_t *r)
{
	memset(j, 0, sizeof(*j));
	j->report = r;
	store_prepare(r, &j->prep);
	j->received = 1771147300;
	j->complete = on_complete;
}

static void
job_free(struct ingest_job *j)
{
	json_decref(j->report);
	store_prep_free(&j->prep);
}

static void
test_batch(void **state)
{
	struct fx *f = *state;
	struct writer *w;
	struct ingest_job j[4];
	json_t *bad;

	completed = 0;
	/* the fixture's own connection is not needed: the writer opens */
	w = start(f, 64);
	assert_int_equal(writer_failing(w), 0);
	job_init(&j[0], fx_variant(f->incident, 1, "a", NULL));
	job_init(&j[1], fx_variant(f->incident, 2, "b", NULL));
	/* no host name: the store refuses it (hosts.name NOT NULL) */
	bad = fx_variant(f->incident, 3, NULL, NULL);
	json_object_del(json_object_get(bad, "host"), "name");
	job_init(&j[2], bad);
	job_init(&j[3], fx_variant(f->incident, 1, "a", NULL)); /* again */
	for (int i = 0; i < 3; i++)
		assert_int_equal(writer_reserve(w), 0);
	for (int i = 0; i < 3; i++)
		writer_submit(w, &j[i]);
	wait_done(3);
	assert_int_equal(j[0].status, 200);
	assert_int_equal(j[0].duplicate, 0);
	assert_int_equal(j[1].status, 200);
	assert_int_equal(j[2].status, 500);
	assert_true(strlen(j[2].err) > 0);
	/* once committed, the same report_id is a duplicate */
	assert_int_equal(writer_reserve(w), 0);
	writer_submit(w, &j[3]);
	wait_done(4);
	assert_int_equal(j[3].status, 200);
	assert_int_equal(j[3].duplicate, 1);
	assert_int_equal(writer_depth(w), 0);
	assert_int_equal(writer_failing(w), 0);
	writer_free(w);
	for (int i = 0; i < 4; i++)
		job_free(&j[i]);
	/* what the writer committed is in the file */
	assert_int_equal(fx_count(f, "SELECT count(*) FROM reports"), 2);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM hosts"), 2);
}

/* a spool row the database refuses (for a report that passed
 * validation): a CHECK on PostgreSQL, a trigger on SQLite */
static void
refuse_spool(struct fx *f, const char *path)
{
	char q[256], err[256];

	snprintf(
	    q, sizeof(q),
	    sql_pick(f->db,
	             "CREATE TRIGGER refuse BEFORE INSERT ON spools WHEN "
	             "new.path = '%s' BEGIN SELECT RAISE(ABORT, 'refused'); "
	             "END",
	             "ALTER TABLE spools ADD CONSTRAINT refuse CHECK "
	             "(path <> '%s')"),
	    path);
	if (sql_exec(f->db, q, err, sizeof(err)) != SQL_OK)
		fail_msg("%s", err);
}

static void
test_deferred_fails(void **state)
{
	struct fx *f = *state;
	struct writer *w;
	struct ingest_job j[3];
	json_t *bad;

	completed = 0;
	refuse_spool(f, "/var/spool/refused");
	w = start(f, 64);
	job_init(&j[0], fx_variant(f->incident, 1, "a", NULL));
	/* its spools (a deferred statement on PostgreSQL) fail; the rest of
	 * its statements and the next report's run before the error is
	 * seen */
	bad = fx_variant(f->incident, 2, "b", NULL);
	json_object_set_new(json_array_get(json_object_get(bad, "spools"), 0),
	                    "path", json_string("/var/spool/refused"));
	job_init(&j[1], bad);
	job_init(&j[2], fx_variant(f->incident, 3, "c", NULL));
	for (int i = 0; i < 3; i++)
		assert_int_equal(writer_reserve(w), 0);
	for (int i = 0; i < 3; i++)
		writer_submit(w, &j[i]);
	wait_done(3);
	assert_int_equal(j[0].status, 200);
	assert_int_equal(j[1].status, 500);
	assert_non_null(strstr(j[1].err, "refuse"));
	assert_int_equal(j[2].status, 200);
	assert_int_equal(writer_failing(w), 0);
	writer_free(w);
	for (int i = 0; i < 3; i++)
		job_free(&j[i]);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM reports"), 2);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM hosts"), 2);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM spools WHERE host_id = (SELECT "
	                "id FROM hosts WHERE name = 'c')"),
	    3);
}

static void
test_bounded(void **state)
{
	struct fx *f = *state;
	struct writer *w;
	struct ingest_job j[2];

	completed = 0;
	w = start(f, 2);
	/* places are taken at reserve time: a third does not fit */
	assert_int_equal(writer_reserve(w), 0);
	assert_int_equal(writer_reserve(w), 0);
	assert_int_equal(writer_reserve(w), -1);
	job_init(&j[0], fx_variant(f->incident, 11, "a", NULL));
	job_init(&j[1], fx_variant(f->incident, 12, "b", NULL));
	writer_submit(w, &j[0]);
	writer_submit(w, &j[1]);
	wait_done(2);
	assert_int_equal(j[0].status, 200);
	assert_int_equal(j[1].status, 200);
	assert_int_equal(writer_reserve(w), 0);
	writer_submit(w, &j[0]); /* resent: a duplicate */
	writer_stop(w);
	/* stop finishes what was queued, then takes nothing more */
	assert_int_equal(completed, 3);
	assert_int_equal(j[0].duplicate, 1);
	assert_int_equal(writer_reserve(w), -1);
	writer_free(w);
	job_free(&j[0]);
	job_free(&j[1]);
}

static void
test_cannot_open(void **state)
{
	struct writer_params p = {
	    "/nonexistent-dir/x.db", "full", 8 << 20, 4, 4, 30, 64 << 20};
	char err[256] = "";

	(void)state;
	assert_null(writer_start(&p, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent-dir/x.db"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_batch, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_deferred_fails, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_bounded, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test(test_cannot_open),
	};

	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
