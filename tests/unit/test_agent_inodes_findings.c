/*
 * test_agent_inodes_findings.c - fs.inodes_high from filesystems[]
 * fixtures: below, at and above the warning and critical thresholds,
 * figures that are not there, and the spools a filesystem holds (by the
 * longest mount prefix).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "agent/cycle.h"
#include "agent/collect/inodes_config.h"
#include "agent/diagnose/inodes_findings.h"
#include "tests/unit/cycle_fixture.h"

static struct inodes_config cfg;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(inodes_config_load(&cfg, NULL, err, sizeof(err)), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	inodes_config_free(&cfg);
	return 0;
}

/* FS - a filesystems[] entry with that mount and inode use. */
#define FS(mount, pct)                                                         \
	"{\"mount\": \"" mount "\", \"fstype\": \"ext4\", "                    \
	"\"inodes_used_pct\": " #pct ", \"inodes_used\": " #pct "00, "         \
	"\"inodes_total\": 10000, \"inodes_free\": 1}"

static void
test_thresholds(void **state)
{
	struct cycle c;
	json_t *f, *ev;

	(void)state;
	fixture_cycle(
	    &c, "{\"filesystems\": [" FS("/", 84) "," FS("/var", 85) "," FS(
	            "/srv", 95) ", {\"mount\": \"/tmp\", "
	                        "\"inodes_used_pct\": null}, "
	                        "{\"inodes_used_pct\": 99}], \"spools\": []}");
	inodes_findings(&c, &cfg);
	assert_int_equal(json_array_size(c.findings), 2);
	f = fixture_finding(&c, "fs.inodes_high", "/var");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	assert_string_equal(fixture_str(f, "message"),
	                    "/var uses 85% of its inodes (8500 of 10000): new "
	                    "files, queue files included, will fail with \"No "
	                    "space left on device\"");
	assert_true(strncmp(fixture_str(f, "remedy"), "find /var -xdev ", 16) ==
	            0);
	ev = json_object_get(f, "evidence");
	assert_int_equal(fixture_int(ev, "inodes_used"), 8500);
	assert_string_equal(fixture_str(ev, "fstype"), "ext4");
	assert_true(json_real_value(json_object_get(ev, "warning")) == 85.0);
	f = fixture_finding(&c, "fs.inodes_high", "/srv");
	assert_string_equal(fixture_str(f, "severity"), "critical");
	fixture_free(&c);
}

static void
test_spools_on_the_filesystem(void **state)
{
	struct cycle c;
	json_t *on;

	(void)state;
	fixture_cycle(
	    &c,
	    "{\"filesystems\": [" FS("/", 90) "," FS("/var", 90) "," FS(
	        "/var/spool/mqueue",
	        10) "], \"spools\": ["
	            "{\"path\": \"/var/spool/clientmqueue\"},"
	            "{\"path\": \"/var/spool/mqueue\"},"
	            "{\"path\": \"/variant/q\"}, {\"role\": \"mailbox\"}]}");
	inodes_findings(&c, &cfg);
	on = json_object_get(
	    json_object_get(fixture_finding(&c, "fs.inodes_high", "/var"),
	                    "evidence"),
	    "spools");
	assert_int_equal(json_array_size(on), 1);
	assert_string_equal(json_string_value(json_array_get(on, 0)),
	                    "/var/spool/clientmqueue");
	/* /variant is not below /var: it is on / */
	on = json_object_get(
	    json_object_get(fixture_finding(&c, "fs.inodes_high", "/"),
	                    "evidence"),
	    "spools");
	assert_int_equal(json_array_size(on), 1);
	assert_string_equal(json_string_value(json_array_get(on, 0)),
	                    "/variant/q");
	assert_null(
	    cycle_find_finding(&c, "fs.inodes_high", "/var/spool/mqueue"));
	fixture_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_thresholds),
	    cmocka_unit_test(test_spools_on_the_filesystem),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
