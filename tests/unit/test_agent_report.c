/*
 * test_agent_report.c - report_build() on a scratch --root: the envelope
 * (schema, report_id, host name, os and kernel read below the root,
 * agent version, interval), a section from every collector of the table,
 * the host facts read once for all of them ([mta] kind reaching the
 * spool and MTA collectors, one "accounts" error), and the precedence of
 * report_hostname().
 */
#include <limits.h>
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
#include "agent/report.h"
#include "agent/ship/state.h"
#include "common/fsutil.h"
#include "common/timeutil.h"

static char top[PATH_MAX], root[PATH_MAX + 8];
static struct agent_config cfg;
static struct state *st;

static void
put(const char *rel, const char *text)
{
	char p[PATH_MAX + 64];
	FILE *fp;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
setup(void **state)
{
	char p[PATH_MAX + 64], err[256];

	(void)state;
	snprintf(top, sizeof(top), "%s/reporttest.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(top));
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(p, sizeof(p), "%s/proc/sys/kernel", root);
	assert_int_equal(mkdir_p(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc", root);
	assert_int_equal(mkdir_p(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/state", top);
	assert_int_equal(mkdir_p(p, 0755), 0);
	put("/etc/os-release", "NAME=Test\nPRETTY_NAME=\"Test Linux 1\"\n");
	put("/etc/hostname", "imagehost\n");
	put("/proc/sys/kernel/osrelease", "5.14.0-test\n");
	st = state_open(p, NULL, 0, err, sizeof(err));
	assert_non_null(st);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	state_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* config - the defaults, reading below the scratch root. */
static void
config(void)
{
	char err[256];

	assert_int_equal(agent_config_load(&cfg, NULL, 0, err, sizeof(err)), 0);
	free(cfg.root);
	cfg.root = strdup(root);
	assert_non_null(cfg.root);
}

/* errors_from - how many errors[] entries have that source. */
static size_t
errors_from(json_t *report, const char *source)
{
	json_t *e;
	size_t i, n = 0;

	json_array_foreach(json_object_get(report, "errors"), i, e)
	{
		const char *s = json_string_value(json_object_get(e, "source"));
		if (s && strcmp(s, source) == 0)
			n++;
	}
	return n;
}

static void
test_envelope(void **state)
{
	json_t *r, *host;
	const char *id, *ts;
	time_t t;

	(void)state;
	config();
	r = report_build(&cfg, st);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "schema")),
	                    REPORT_SCHEMA);
	id = json_string_value(json_object_get(r, "report_id"));
	assert_non_null(id);
	assert_int_equal(strlen(id), 36);
	assert_true(id[8] == '-' && id[13] == '-' && id[18] == '-' &&
	            id[23] == '-' && id[14] == '4');
	host = json_object_get(r, "host");
	assert_string_equal(json_string_value(json_object_get(host, "name")),
	                    "imagehost");
	assert_string_equal(json_string_value(json_object_get(host, "os")),
	                    "Test Linux 1");
	assert_string_equal(json_string_value(json_object_get(host, "kernel")),
	                    "5.14.0-test");
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(r, "agent"), "version")),
	                    SPOOLWATCH_VERSION);
	assert_int_equal(json_integer_value(json_object_get(r, "interval_s")),
	                 60);
	ts = json_string_value(json_object_get(r, "collected_at"));
	assert_non_null(ts);
	assert_int_equal(rfc3339_parse(ts, strlen(ts), &t), 0);
	json_decref(r);
	agent_config_free(&cfg);
}

static void
test_every_collector_adds_its_section(void **state)
{
	static const char *const arrays[] = {
	    "spools",      "filesystems", "events", "event_groups",
	    "log_sources", "findings",    "errors",
	};
	json_t *r;

	(void)state;
	config();
	r = report_build(&cfg, st);
	assert_non_null(r);
	for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
		assert_true(json_is_array(json_object_get(r, arrays[i])));
	assert_true(json_is_object(json_object_get(r, "mta")));
	assert_true(json_is_object(json_object_get(r, "log_summary")));
	assert_true(json_is_object(json_object_get(r, "mail")));
	assert_true(json_is_array(
	    json_object_get(json_object_get(r, "mail"), "mailboxes")));
	/* no etc/passwd below the root: said once for every collector */
	assert_int_equal(errors_from(r, "accounts"), 1);
	json_decref(r);
	agent_config_free(&cfg);
}

static void
test_mta_kind_reaches_every_collector(void **state)
{
	json_t *r, *s;
	size_t i;
	int mqueue = 0;

	(void)state;
	config();
	free(cfg.mta.kind);
	cfg.mta.kind = strdup("none");
	r = report_build(&cfg, st);
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(r, "mta"), "kind")),
	                    "none");
	assert_int_equal(json_array_size(json_object_get(r, "spools")), 0);
	json_decref(r);

	free(cfg.mta.kind);
	cfg.mta.kind = strdup("sendmail");
	r = report_build(&cfg, st);
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(r, "mta"), "kind")),
	                    "sendmail");
	/* the spool collector checks sendmail's queues: missing here */
	json_array_foreach(json_object_get(r, "spools"), i, s)
	{
		const char *p = json_string_value(json_object_get(s, "path"));
		if (p && strcmp(p, "/var/spool/mqueue") == 0) {
			mqueue = 1;
			assert_true(
			    json_is_false(json_object_get(s, "exists")));
		}
	}
	assert_true(mqueue);
	/* ... and its findings pass diagnoses them */
	s = json_array_get(json_object_get(r, "findings"), 0);
	assert_non_null(s);
	assert_string_equal(json_string_value(json_object_get(s, "code")),
	                    "spool.missing");
	json_decref(r);
	agent_config_free(&cfg);
}

static void
test_hostname_precedence(void **state)
{
	char name[256], live[256];

	(void)state;
	config();
	cfg.hostname = strdup("configured");
	report_hostname(&cfg, name, sizeof(name));
	assert_string_equal(name, "configured");
	free(cfg.hostname);
	cfg.hostname = NULL;
	report_hostname(&cfg, name, sizeof(name));
	assert_string_equal(name, "imagehost");
	/* the live host: gethostname() */
	cfg.root[0] = '\0';
	report_hostname(&cfg, name, sizeof(name));
	assert_int_equal(gethostname(live, sizeof(live)), 0);
	assert_string_equal(name, live[0] ? live : "unknown");
	agent_config_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_envelope),
	    cmocka_unit_test(test_every_collector_adds_its_section),
	    cmocka_unit_test(test_mta_kind_reaches_every_collector),
	    cmocka_unit_test(test_hostname_precedence),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
