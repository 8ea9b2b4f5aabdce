/*
 * test_agent_deliver.c - what an answer means (OK/RETRY/AUTH/DROP), the
 * bounds of the retry backoff and of the daemon's splay and jittered
 * period, the gzip'd body, and a refused connection.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent/agent_config.h"
#include "agent/daemon.h"
#include "agent/ship/deliver.h"
#include "agent/runner.h"
#include "common/gzip.h"

static void
test_classify(void **state)
{
	static const struct {
		long status;
		enum deliver_class cls;
	} cases[] = {
	    {200, DELIVER_OK},
	    {201, DELIVER_OK},
	    {204, DELIVER_OK},
	    {400, DELIVER_DROP},
	    {413, DELIVER_DROP},
	    {401, DELIVER_AUTH},
	    {403, DELIVER_AUTH},
	    {408, DELIVER_RETRY},
	    {429, DELIVER_RETRY},
	    {500, DELIVER_RETRY},
	    {502, DELIVER_RETRY},
	    {503, DELIVER_RETRY},
	    {504, DELIVER_RETRY},
	    /* a wrong URL or a proxy page: keep the data, retry */
	    {404, DELIVER_RETRY},
	    {405, DELIVER_RETRY},
	    {301, DELIVER_RETRY},
	    {302, DELIVER_RETRY},
	    {100, DELIVER_RETRY},
	    {0, DELIVER_RETRY},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (deliver_classify(cases[i].status) != cases[i].cls)
			fail_msg("HTTP %ld: got %s, want %s", cases[i].status,
			         deliver_class_name(
			             deliver_classify(cases[i].status)),
			         deliver_class_name(cases[i].cls));
	}
}

static void
test_backoff_bounds(void **state)
{
	const long long min_ms = 10000, max_ms = 600000;
	long long lo_seen = max_ms, hi_seen[21] = {0};
	(void)state;

	for (unsigned attempt = 1; attempt <= 20; attempt++) {
		long long cap = min_ms << (attempt - 1 < 20 ? attempt - 1 : 20);
		if (cap > max_ms)
			cap = max_ms;
		/* the extremes of the random value give the bounds */
		assert_int_equal(deliver_backoff_ms(attempt, min_ms, max_ms, 0),
		                 1000);
		assert_true(deliver_backoff_ms(attempt, min_ms, max_ms,
		                               UINT64_MAX) <= cap);
		for (int i = 0; i < 2000; i++) {
			long long d = deliver_backoff_ms(
			    attempt, min_ms, max_ms, agent_random());
			assert_true(d >= 1000);
			assert_true(d <= cap);
			if (d < lo_seen)
				lo_seen = d;
			if (d > hi_seen[attempt])
				hi_seen[attempt] = d;
		}
		/* full jitter: the whole range is used, not just its top */
		assert_true(hi_seen[attempt] > cap * 3 / 4);
	}
	assert_true(lo_seen < min_ms / 2);
	/* it grows: attempt 4 may wait longer than attempt 1 ever can */
	assert_true(hi_seen[4] > min_ms);
	/* huge attempt counts do not overflow */
	assert_true(deliver_backoff_ms(1000000, min_ms, max_ms, UINT64_MAX) <=
	            max_ms);
	/* bounds below a second are kept as they are */
	assert_true(deliver_backoff_ms(1, 200, 500, UINT64_MAX) <= 200);
}

static void
test_splay_and_period(void **state)
{
	long long smin = 1LL << 60, smax = -1, pmin = 1LL << 60, pmax = -1;
	(void)state;

	assert_int_equal(daemon_splay_ms(0, agent_random()), 0);
	assert_int_equal(daemon_splay_ms(60, 0), 0);
	assert_true(daemon_splay_ms(60, UINT64_MAX) <= 60000);
	for (int i = 0; i < 20000; i++) {
		long long s = daemon_splay_ms(60, agent_random());
		long long p = daemon_period_ms(60, agent_random());
		assert_true(s >= 0 && s <= 60000);
		assert_true(p >= 54000 && p <= 66000);
		if (s < smin)
			smin = s;
		if (s > smax)
			smax = s;
		if (p < pmin)
			pmin = p;
		if (p > pmax)
			pmax = p;
	}
	/* spread over the whole window, both ways for the period */
	assert_true(smin < 6000 && smax > 54000);
	assert_true(pmin < 55000 && pmax > 65000);
	assert_true(daemon_period_ms(1, 0) == 900);
	assert_true(daemon_period_ms(1, UINT64_MAX) <= 1100);
}

static void
test_encode_roundtrip(void **state)
{
	json_t *report = json_pack(
	    "{s:s, s:s, s:[i,i,i], s:s, s:{s:n, s:b}}", "schema",
	    "spoolwatch.report/1", "report_id",
	    "0b0f4c3e-8d7a-4b7e-9f51-6a2f1c7d9e10", "n", 1, 2, 3, "text",
	    "caf\xc3\xa9 \"quoted\"\t\x01", "o", "nil", "yes", 1);
	struct strbuf gz, plain;
	char err[256], *want;
	json_t *back;
	(void)state;

	strbuf_init(&gz, 1 << 20);
	strbuf_init(&plain, 1 << 20);
	assert_int_equal(deliver_encode(report, &gz, err, sizeof(err)), 0);
	assert_true(gz.len > 2);
	assert_int_equal((unsigned char)gz.buf[0], 0x1f);
	assert_int_equal((unsigned char)gz.buf[1], 0x8b);
	assert_int_equal(
	    gzip_decompress(gz.buf, gz.len, 1 << 20, &plain, err, sizeof(err)),
	    GZIP_OK);
	back = json_loadb(plain.buf, plain.len, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, report));
	json_decref(back);
	/* the bytes jansson's own compact, ASCII-only dump would send */
	want = json_dumps(report, JSON_COMPACT | JSON_ENSURE_ASCII);
	assert_non_null(want);
	assert_int_equal(plain.len, strlen(want));
	assert_memory_equal(plain.buf, want, plain.len);
	free(want);
	json_decref(report);
	strbuf_free(&gz);
	strbuf_free(&plain);
}

static void
test_refused_connection_is_retry(void **state)
{
	struct agent_config cfg;
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	struct deliver *d;
	struct deliver_result res;
	char err[256], url[64];
	int fd;
	(void)state;

	/* a port that was just free on loopback, now closed */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u",
	         (unsigned)ntohs(sa.sin_port));

	assert_int_equal(agent_config_load(&cfg, NULL, 0, err, sizeof(err)), 0);
	/* no server: a clear error, no handle */
	assert_int_equal(agent_config_finish(&cfg, err, sizeof(err)), 0);
	assert_null(deliver_new(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "no server"));
	cfg.server = strdup(url);
	cfg.connect_timeout = 2;
	cfg.timeout = 5;
	d = deliver_new(&cfg, err, sizeof(err));
	assert_non_null(d);
	assert_non_null(strstr(deliver_url(d), "/api/v1/reports"));
	deliver_post(d, "0b0f4c3e-8d7a-4b7e-9f51-6a2f1c7d9e10", "x", 1, &res);
	assert_int_equal(res.cls, DELIVER_RETRY);
	assert_int_equal(res.status, 0);
	assert_true(res.why[0] != '\0');
	deliver_free(d);
	agent_config_free(&cfg);
}

static void
test_config_finish(void **state)
{
	struct agent_config cfg;
	char err[256];
	(void)state;

	assert_int_equal(agent_config_load(&cfg, NULL, 0, err, sizeof(err)), 0);
	cfg.server = strdup("http://collector:8470///");
	assert_int_equal(agent_config_finish(&cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.server, "http://collector:8470");
	assert_int_equal(cfg.splay, cfg.interval);
	free(cfg.server);
	cfg.server = strdup("ftp://collector");
	assert_int_equal(agent_config_finish(&cfg, err, sizeof(err)), -1);
	free(cfg.server);
	cfg.server = strdup("http://collector:8470");
	cfg.token = strdup("bad token\r\nX-Evil: 1");
	assert_int_equal(agent_config_finish(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "visible ASCII"));
	cfg.retry_min = 100;
	cfg.retry_max = 10;
	free(cfg.token);
	cfg.token = NULL;
	assert_int_equal(agent_config_finish(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "retry_min"));
	agent_config_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_classify),
	    cmocka_unit_test(test_backoff_bounds),
	    cmocka_unit_test(test_splay_and_period),
	    cmocka_unit_test(test_encode_roundtrip),
	    cmocka_unit_test(test_refused_connection_is_retry),
	    cmocka_unit_test(test_config_finish),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
