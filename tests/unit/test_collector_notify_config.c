/*
 * test_collector_notify_config.c - collector.conf's [notify] section and
 * admin_tokens (notify_config.c, collector_config.c): the defaults, every
 * key read, and the refusals (unknown key, bad severity or URL, a webhook
 * without its key file, retry_max below retry_min, a token that is both
 * an admin token and another kind, also when only the secret of a named
 * one repeats).  The shipped example, with every line of [notify]
 * uncommented, is valid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "collector/collector_config.h"

static char path[64];

static void
write_conf(const char *text)
{
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "/tmp/sw-nconf.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
}

/* load - 0 or -1 as load + check answer; err holds the reason. */
static int
load(const char *text, struct collector_config *c, char *err, size_t el)
{
	int rc;

	write_conf(text);
	rc = collector_config_load(c, path, err, el);
	unlink(path);
	if (rc == 0 && (rc = collector_config_check(c, err, el)) == -1)
		collector_config_free(c);
	return rc;
}

static void
test_defaults_and_keys(void **state)
{
	struct collector_config c;
	char err[512];

	(void)state;
	assert_int_equal(load("# nothing\n", &c, err, sizeof(err)), 0);
	assert_null(c.notify.alertmanager_url);
	assert_null(c.notify.webhook_url);
	assert_string_equal(c.notify.min_severity, "warning");
	assert_int_equal(c.notify.open_for, 0);
	assert_int_equal(c.notify.resend_interval, 60);
	assert_int_equal(c.notify.repeat_interval, 4 * 3600);
	assert_int_equal(c.notify.scan_interval, 10);
	assert_int_equal(c.notify.retry_min, 5);
	assert_int_equal(c.notify.retry_max, 600);
	assert_int_equal(c.notify.max_age, 7 * 86400);
	assert_false(notify_config_enabled(&c.notify));
	collector_config_free(&c);

	assert_int_equal(load("admin_tokens = alice:s1, s2\n"
	                      "[notify]\n"
	                      "alertmanager_url = http://127.0.0.1:9093/\n"
	                      "webhook_url = https://hooks.example/x\n"
	                      "webhook_secret_file = /etc/k\n"
	                      "min_severity = critical\n"
	                      "open_for = 5m\nresend_interval = 30s\n"
	                      "repeat_interval = 0\nscan_interval = 2\n"
	                      "retry_min = 1\nretry_max = 1m\ntimeout = 3\n"
	                      "max_age = 2d\n",
	                      &c, err, sizeof(err)),
	                 0);
	assert_int_equal(c.admin_tokens.n, 2);
	assert_string_equal(c.admin_tokens.v[0], "alice:s1");
	assert_string_equal(c.notify.alertmanager_url,
	                    "http://127.0.0.1:9093/");
	assert_string_equal(c.notify.min_severity, "critical");
	assert_int_equal(c.notify.open_for, 300);
	assert_int_equal(c.notify.repeat_interval, 0);
	assert_int_equal(c.notify.retry_max, 60);
	assert_int_equal(c.notify.max_age, 2 * 86400);
	assert_true(notify_config_enabled(&c.notify));
	collector_config_free(&c);
}

static void
test_refusals(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
	    {"[notify]\nbogus = 1\n", "bogus"},
	    {"[notify]\nmin_severity = loud\n", "min_severity"},
	    {"[notify]\nalertmanager_url = 127.0.0.1:9093\n",
	     "alertmanager_url"},
	    {"[notify]\nwebhook_url = ftp://x/\nwebhook_secret_file = /k\n",
	     "webhook_url"},
	    {"[notify]\nwebhook_url = http://x/\n", "webhook_secret_file"},
	    {"[notify]\nretry_min = 1m\nretry_max = 10s\n", "retry_max"},
	    {"[notify]\nscan_interval = 0\n", "scan_interval"},
	    {"admin_tokens = t1\nread_tokens = t1\n", "admin token"},
	    {"admin_tokens = ops:t2\ningest_tokens = t2\n", "admin token"},
	    {"admin_tokens = a\n[notify]\n[notify]\n", "notify"},
	};
	struct collector_config c;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (load(bad[i].text, &c, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i].text);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("'%s': error '%s' does not name '%s'",
			         bad[i].text, err, bad[i].why);
	}
}

/* The example's [notify] block, uncommented, loads. */
static void
test_example_uncommented(void **state)
{
	const char *top = getenv("SPOOLWATCH_TOP");
	char ex[4096], line[4096], *text = NULL;
	size_t len = 0;
	int in_notify = 0;
	FILE *fp;
	struct collector_config c;
	char err[512];

	(void)state;
	snprintf(ex, sizeof(ex), "%s/deploy/collector.conf.example",
	         top && *top ? top : ".");
	assert_non_null(fp = fopen(ex, "r"));
	while (fgets(line, sizeof(line), fp)) {
		const char *l = line;
		if (strncmp(line, "#[notify]", 9) == 0)
			in_notify = 1;
		if (in_notify && line[0] == '#' && line[1] != ' ' &&
		    line[1] != '\n')
			l = line + 1;
		text = realloc(text, len + strlen(l) + 1);
		memcpy(text + len, l, strlen(l) + 1);
		len += strlen(l);
	}
	fclose(fp);
	assert_true(in_notify);
	assert_int_equal(load(text, &c, err, sizeof(err)), 0);
	assert_string_equal(c.notify.webhook_secret_file,
	                    "/etc/spoolwatch/webhook.key");
	assert_int_equal(c.notify.resend_interval, 60);
	collector_config_free(&c);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_and_keys),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_example_uncommented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
