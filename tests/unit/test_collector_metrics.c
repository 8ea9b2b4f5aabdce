/*
 * test_collector_metrics.c - the collector's counters and their
 * Prometheus exposition (metrics.c): every counter as counted, the
 * latency histogram cumulative, the fleet figures of a database filled
 * through the store, label values escaped, an unreadable database.
 */
#include "tests/unit/collector_fixture.h"

#include "collector/api/metrics.h"

/* render - the exposition of f's database (caller frees). */
static char *
render(struct fx *f)
{
	struct strbuf out;
	char err[256];

	strbuf_init(&out, 1u << 20);
	if (metrics_render(&out, f->db, FX_NOW, FX_STALE_AFTER, f->path, err,
	                   sizeof(err)) == -1)
		fail_msg("metrics_render: %s", err);
	return strbuf_steal(&out);
}

/* has_line - 1 if text holds line as a whole line. */
static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

#define assert_line(text, line)                                                \
	do {                                                                   \
		if (!has_line(text, line))                                     \
			fail_msg("no line \"%s\" in:\n%s", line, text);        \
	} while (0)

static void
test_counters(void **state)
{
	struct fx *f = *state;
	char *t = render(f);

	/* a new process: everything at 0, every reason listed */
	assert_line(t, "spoolwatch_reports_ingested_total 0");
	assert_line(t, "spoolwatch_reports_rejected_total{reason=\"bad_gzip\"} "
	               "0");
	assert_line(t, "spoolwatch_reports_rejected_total{reason=\"timeout\"} "
	               "0");
	assert_line(t, "spoolwatch_ingest_duration_seconds_bucket{le=\"+Inf\"} "
	               "0");
	free(t);

	metrics_reject(REJ_GZIP);
	metrics_reject(REJ_GZIP);
	metrics_reject(REJ_UNAUTHORIZED);
	metrics_reject(REJ_COUNT); /* out of range: ignored */
	metrics_ingested(0, 0.003);
	metrics_ingested(1, 10.0);
	metrics_batch(3, 0.5);
	metrics_queue_depth(7);
	metrics_request(200);
	metrics_request(404);
	metrics_request(503);
	metrics_request(99); /* no class: ignored */
	t = render(f);
	assert_line(t, "spoolwatch_reports_ingested_total 1");
	assert_line(t, "spoolwatch_reports_duplicate_total 1");
	assert_line(t, "spoolwatch_reports_rejected_total{reason=\"bad_gzip\"} "
	               "2");
	assert_line(t, "spoolwatch_reports_rejected_total{reason="
	               "\"unauthorized\"} 1");
	assert_line(t, "spoolwatch_reports_rejected_total{reason=\"internal\"} "
	               "0");
	/* cumulative: 0.003 s from le=0.005 on, 10 s only in +Inf */
	assert_line(t,
	            "spoolwatch_ingest_duration_seconds_bucket{le=\"0.0025\"} "
	            "0");
	assert_line(t,
	            "spoolwatch_ingest_duration_seconds_bucket{le=\"0.005\"} "
	            "1");
	assert_line(t, "spoolwatch_ingest_duration_seconds_bucket{le=\"5\"} 1");
	assert_line(t, "spoolwatch_ingest_duration_seconds_bucket{le=\"+Inf\"} "
	               "2");
	assert_line(t, "spoolwatch_ingest_duration_seconds_count 2");
	assert_line(t, "spoolwatch_ingest_duration_seconds_sum 10.003000");
	assert_line(t, "spoolwatch_write_batches_total 1");
	assert_line(t, "spoolwatch_write_batch_reports_total 3");
	assert_line(t, "spoolwatch_write_batch_seconds_total 0.500000");
	assert_line(t, "spoolwatch_ingest_queue_depth 7");
	assert_line(t, "spoolwatch_http_responses_total{code=\"1xx\"} 0");
	assert_line(t, "spoolwatch_http_responses_total{code=\"2xx\"} 1");
	assert_line(t, "spoolwatch_http_responses_total{code=\"4xx\"} 1");
	assert_line(t, "spoolwatch_http_responses_total{code=\"5xx\"} 1");
	/* every sample has its HELP and TYPE */
	assert_line(t, "# TYPE spoolwatch_ingest_duration_seconds histogram");
	assert_line(t, "# TYPE spoolwatch_reports_ingested_total counter");
	assert_non_null(strstr(t, "\nspoolwatch_db_bytes "));
	assert_null(strstr(t, "spoolwatch_db_bytes 0\n"));
	free(t);
}

static void
test_fleet(void **state)
{
	struct fx *f = *state;
	char *t;

	fx_fleet(f, 3);
	/* PostgreSQL: finding_counts is a view over per-writer parts */
	assert_int_equal(
	    sql_exec(
	        f->db,
	        sql_pick(f->db,
	                 "INSERT INTO finding_counts (code, severity, "
	                 "hosts) VALUES ('a\"b\\c\nd', 'x', 1)",
	                 "INSERT INTO finding_counts_part (code, severity, "
	                 "part, hosts) VALUES ('a\"b\\c\nd', 'x', 0, 1)"),
	        NULL, 0),
	    0);
	t = render(f);
	assert_line(t, "spoolwatch_hosts 3");
	assert_line(t, "spoolwatch_hosts_stale 2");
	assert_line(t, "spoolwatch_hosts_mta_down 3");
	assert_line(t, "spoolwatch_mail_queued 6");
	assert_line(t, "spoolwatch_mail_unread 15627");
	assert_line(t, "spoolwatch_findings_open{code=\"mta.down\",severity="
	               "\"critical\"} 3");
	assert_line(t, "spoolwatch_findings_open{code=\"a\\\"b\\\\c\\nd\","
	               "severity=\"x\"} 1");
	/* nothing in the fixture is linked: every finding is a cause */
	assert_line(t, "spoolwatch_hosts_with_incidents 3");
	assert_line(t, "spoolwatch_incidents_open{severity=\"critical\"} 15");
	assert_line(t, "spoolwatch_incidents_open{severity=\"warning\"} 9");
	assert_line(t, "spoolwatch_incidents_open{severity=\"info\"} 0");
	free(t);
}

static void
test_unreadable(void **state)
{
	struct fx *f = *state;
	struct strbuf out;
	char err[256] = "";

	assert_int_equal(
	    sql_exec(f->db,
	             /* PostgreSQL's fleet is a view over fleet_part */
	             sql_pick(f->db, "DROP TABLE fleet", "DROP VIEW fleet"),
	             NULL, 0),
	    0);
	strbuf_init(&out, 1u << 20);
	assert_int_equal(metrics_render(&out, f->db, FX_NOW, FX_STALE_AFTER,
	                                f->path, err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "fleet"));
	strbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_counters, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_fleet, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_unreadable, fx_setup,
	                                    fx_teardown),
	};

	fx_init_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
