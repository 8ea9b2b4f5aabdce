/*
 * test_agent_agent_config.c - agent/agent_config.c: the top-level labels
 * key of agent.conf, parsed into host_labels, and a bad label as a
 * configuration error naming FILE:LINE.
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

#include "agent/agent_config.h"

/* load - agent.conf of text into cfg; the result of agent_config_load. */
static int
load(const char *text, struct agent_config *cfg, char *err, size_t el)
{
	char path[] = "/tmp/test_agent_config.XXXXXX";
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = agent_config_load(cfg, path, 1, err, el);
	unlink(path);
	return rc;
}

static void
test_labels(void **state)
{
	struct agent_config cfg;
	char err[512] = "";

	(void)state;
	assert_int_equal(load("interval = 60\n"
	                      "labels = env=prod, role=web, dc=fra1\n",
	                      &cfg, err, sizeof(err)),
	                 0);
	assert_int_equal(json_object_size(cfg.host_labels), 3);
	assert_string_equal(
	    json_string_value(json_object_get(cfg.host_labels, "role")), "web");
	agent_config_free(&cfg);
}

static void
test_no_labels(void **state)
{
	struct agent_config cfg;
	char err[512] = "";

	(void)state;
	assert_int_equal(load("interval = 60\n", &cfg, err, sizeof(err)), 0);
	assert_non_null(cfg.host_labels);
	assert_int_equal(json_object_size(cfg.host_labels), 0);
	agent_config_free(&cfg);
	assert_int_equal(agent_config_load(&cfg, NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(json_object_size(cfg.host_labels), 0);
	agent_config_free(&cfg);
}

static void
test_bad_label_line(void **state)
{
	struct agent_config cfg;
	char err[512] = "";

	(void)state;
	assert_int_equal(load("# labels\ninterval = 60\n"
	                      "labels = env=prod, my-role=web\n",
	                      &cfg, err, sizeof(err)),
	                 -1);
	agent_config_free(&cfg);
	if (strstr(err, ":3: labels: key 'my-role'") == NULL)
		fail_msg("%s", err);
	assert_int_equal(
	    load("labels = env=prod, env=test\n", &cfg, err, sizeof(err)), -1);
	agent_config_free(&cfg);
	if (strstr(err, ":1: labels: env is given twice") == NULL)
		fail_msg("%s", err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_labels),
	    cmocka_unit_test(test_no_labels),
	    cmocka_unit_test(test_bad_label_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
