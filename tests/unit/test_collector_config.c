/*
 * test_collector_config.c - collector.conf loading and checks (defaults,
 * FILE:LINE errors, tokens in both lists, the non-loopback refusal and
 * --insecure) and the listen address parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "collector/collector_config.h"

static char path[64];

static void
write_conf(const char *text)
{
	FILE *fp;

	snprintf(path, sizeof(path), "/tmp/sw-cconf.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
}

static void
test_defaults(void **state)
{
	struct collector_config c;
	char err[512];

	(void)state;
	write_conf("# nothing set\n");
	assert_int_equal(collector_config_load(&c, path, err, sizeof(err)), 0);
	unlink(path);
	assert_string_equal(c.listen, "127.0.0.1:8470");
	assert_string_equal(c.db, "./spoolwatch.db");
	assert_int_equal(c.retention_days, 30);
	assert_int_equal(c.stale_after, 900);
	assert_int_equal(c.max_body, 8 << 20);
	/* one address cannot take every connection by default */
	assert_int_equal(c.per_ip_connections, 256);
	assert_int_equal(c.ingest_tokens.n, 0);
	assert_int_equal(collector_config_check(&c, err, sizeof(err)), 0);
	collector_config_free(&c);
}

static void
test_errors(void **state)
{
	struct collector_config c;
	char err[512];

	(void)state;
	write_conf("listen = 127.0.0.1:9000\nretention_days = 0\n");
	assert_int_equal(collector_config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2:"));
	unlink(path);

	write_conf("no_such_key = 1\n");
	assert_int_equal(collector_config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no_such_key"));
	unlink(path);

	assert_int_equal(collector_config_load(&c, "/nonexistent/c.conf", err,
	    sizeof(err)), -1);

	write_conf("ingest_tokens = a, b\nread_tokens = c, b\n");
	assert_int_equal(collector_config_load(&c, path, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(collector_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "both"));
	collector_config_free(&c);

	write_conf("synchronous = sometimes\n");
	assert_int_equal(collector_config_load(&c, path, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(collector_config_check(&c, err, sizeof(err)), -1);
	collector_config_free(&c);

	/* one connection's share: max_body at most 1/8 of max_inflight */
	write_conf("max_inflight = 16M\nmax_body = 3M\n");
	assert_int_equal(collector_config_load(&c, path, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(collector_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "max_body"));
	collector_config_free(&c);
	write_conf("max_inflight = 16M\nmax_body = 2M\n");
	assert_int_equal(collector_config_load(&c, path, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(collector_config_check(&c, err, sizeof(err)), 0);
	collector_config_free(&c);

	write_conf("tls_cert = /x.pem\n");
	assert_int_equal(collector_config_load(&c, path, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(collector_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "tls_key"));
	collector_config_free(&c);
}

static void
test_non_loopback(void **state)
{
	struct collector_config c;
	char err[512];

	(void)state;
	write_conf("listen = 0.0.0.0:8470\n");
	assert_int_equal(collector_config_load(&c, path, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(collector_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--insecure"));
	c.insecure = 1;
	assert_int_equal(collector_config_check(&c, err, sizeof(err)), 0);
	collector_config_free(&c);

	write_conf("listen = 192.0.2.7:8470\ningest_tokens = t1\n");
	assert_int_equal(collector_config_load(&c, path, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(collector_config_check(&c, err, sizeof(err)), 0);
	collector_config_free(&c);
}

static void
test_listen_parse(void **state)
{
	struct sockaddr_storage ss;
	size_t len;
	int loop;
	char err[256];

	(void)state;
	assert_int_equal(listen_parse("127.0.0.1:8470", &ss, &len, &loop, err,
	    sizeof(err)), 0);
	assert_true(loop);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(listen_parse("127.8.9.10:1", &ss, &len, &loop, err,
	    sizeof(err)), 0);
	assert_true(loop);
	assert_int_equal(listen_parse("[::1]:8470", &ss, &len, &loop, err,
	    sizeof(err)), 0);
	assert_true(loop);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(listen_parse("localhost:8470", &ss, &len, &loop, err,
	    sizeof(err)), 0);
	assert_true(loop);
	assert_int_equal(listen_parse(":8470", &ss, &len, &loop, err,
	    sizeof(err)), 0);
	assert_false(loop);
	assert_int_equal(listen_parse("[::]:8470", &ss, &len, &loop, err,
	    sizeof(err)), 0);
	assert_false(loop);
	static const char *const bad[] = {"8470", "127.0.0.1", "1.2.3.4:0",
	    "1.2.3.4:65536", "1.2.3.4:80x", "[::1]8470", "host.example:80",
	    "", NULL};
	for (int i = 0; bad[i]; i++)
		assert_int_equal(listen_parse(bad[i], &ss, &len, &loop, err,
		    sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_non_loopback),
	    cmocka_unit_test(test_listen_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
