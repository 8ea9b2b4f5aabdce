/*
 * test_agent_spool_findings.c - the spool.* findings from spools[]
 * fixtures alone: missing and non-directory spools, an MTA that cannot
 * write, ownership against policy, backlog and stale thresholds at their
 * bounds, bloated directories, orphans, entries not looked at, and the
 * shell quoting of the remedies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "agent/cycle.h"
#include "agent/collect/spool_config.h"
#include "agent/diagnose/spool_findings.h"
#include "tests/unit/cycle_fixture.h"

static struct spool_config cfg;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(spool_config_load(&cfg, NULL, err, sizeof(err)), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	spool_config_free(&cfg);
	return 0;
}

/* run - the findings of a report holding spools (JSON text of the array). */
static void
run(struct cycle *c, const char *spools)
{
	char text[8192];

	snprintf(text, sizeof(text), "{\"spools\": %s}", spools);
	fixture_cycle(c, text);
	spool_findings(c, &cfg);
}

/* A healthy directory entry with the given path, role and figures. */
#define DIR_OK(path, role, extra)                                              \
	"{\"path\": \"" path "\", \"role\": \"" role "\", \"exists\": true, "  \
	"\"type\": \"directory\", \"owner\": \"root\", \"group\": \"mail\", "  \
	"\"uid\": 0, \"gid\": 12, \"mode\": \"0700\", \"expected\": "          \
	"{\"owner\": \"root\", \"group\": \"mail\", \"mode\": \"0700\"}, "     \
	"\"writer\": {\"user\": \"root\", \"group\": null}, "                  \
	"\"policy_ok\": true, \"writable_by_mta\": true, \"entries\": 2, "     \
	"\"dir_size_bytes\": 4096, \"dir_needed_bytes\": 4096, "               \
	"\"orphans\": 0, \"orphans_exact\": true, \"by_prefix\": {}, "         \
	"\"scan\": {\"complete\": true, \"age_lower_bound\": false}" extra "}"

static void
test_healthy_spool_has_no_finding(void **state)
{
	struct cycle c;

	(void)state;
	run(&c, "[" DIR_OK("/var/spool/mqueue", "mta_queue",
	                   ", \"queued\": 3, \"oldest_age_s\": 60") "]");
	assert_int_equal(json_array_size(c.findings), 0);
	fixture_free(&c);
}

static void
test_missing_queue_is_critical_with_mkdir(void **state)
{
	struct cycle c;
	json_t *f, *ev;

	(void)state;
	run(&c, "[{\"path\": \"/var/spool/mqueue\", \"role\": \"mta_queue\", "
	        "\"exists\": false, \"expected\": {\"owner\": \"root\", "
	        "\"group\": \"mail\", \"mode\": \"0700\"}},"
	        "{\"path\": \"/var/mail\", \"role\": \"mailbox\", "
	        "\"exists\": false, \"expected\": {\"owner\": \"root\", "
	        "\"group\": \"mail\", \"mode\": null}}]");
	f = fixture_finding(&c, "spool.missing", "/var/spool/mqueue");
	assert_string_equal(fixture_str(f, "severity"), "critical");
	assert_string_equal(
	    fixture_str(f, "remedy"),
	    "mkdir -p /var/spool/mqueue && chown root:mail "
	    "/var/spool/mqueue && chmod 0700 /var/spool/mqueue");
	assert_string_equal(fixture_str(f, "message"),
	                    "/var/spool/mqueue (mta_queue) does not exist: the "
	                    "MTA cannot queue or deliver there");
	ev = json_object_get(f, "evidence");
	assert_string_equal(fixture_str(ev, "role"), "mta_queue");
	assert_string_equal(
	    fixture_str(json_object_get(ev, "expected"), "mode"), "0700");
	/* a mailbox directory is not a queue: a warning, no chmod */
	f = fixture_finding(&c, "spool.missing", "/var/mail");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	assert_string_equal(fixture_str(f, "remedy"),
	                    "mkdir -p /var/mail && chown root:mail /var/mail");
	assert_int_equal(json_array_size(c.findings), 2);
	fixture_free(&c);
}

static void
test_file_in_place_of_directory(void **state)
{
	struct cycle c;
	json_t *f;

	(void)state;
	run(&c, "[{\"path\": \"/var/spool/mqueue\", \"role\": \"mta_queue\", "
	        "\"exists\": true, \"type\": \"file\", \"expected\": "
	        "{\"owner\": \"root\", \"group\": null, \"mode\": \"0700\"}}]");
	f = fixture_finding(&c, "spool.missing", "/var/spool/mqueue");
	assert_string_equal(fixture_str(f, "severity"), "critical");
	assert_string_equal(
	    fixture_str(f, "remedy"),
	    "mv /var/spool/mqueue /var/spool/mqueue.not-a-directory && mkdir "
	    "/var/spool/mqueue && chown root /var/spool/mqueue && chmod 0700 "
	    "/var/spool/mqueue");
	assert_string_equal(fixture_str(json_object_get(f, "evidence"), "type"),
	                    "file");
	assert_non_null(strstr(fixture_str(f, "message"), "is a file"));
	fixture_free(&c);
}

static void
test_not_writable_and_wrong_owner(void **state)
{
	struct cycle c;
	json_t *f, *ev;

	(void)state;
	run(&c,
	    "[{\"path\": \"/var/spool/clientmqueue\", \"role\": \"msp_queue\", "
	    "\"exists\": true, \"type\": \"directory\", \"owner\": \"root\", "
	    "\"group\": \"root\", \"uid\": 0, \"gid\": 0, \"mode\": \"0755\", "
	    "\"expected\": {\"owner\": \"smmsp\", \"group\": \"smmsp\", "
	    "\"mode\": \"0770\"}, \"writer\": {\"user\": \"smmsp\", "
	    "\"group\": \"smmsp\"}, \"policy_ok\": false, "
	    "\"writable_by_mta\": false, \"queued\": 0, \"entries\": 0, "
	    "\"orphans\": 0, \"scan\": {\"complete\": true}}]");
	f = fixture_finding(&c, "spool.not_writable_by_mta",
	                    "/var/spool/clientmqueue");
	assert_string_equal(fixture_str(f, "severity"), "critical");
	assert_string_equal(fixture_str(f, "remedy"),
	                    "chown smmsp:smmsp /var/spool/clientmqueue && "
	                    "chmod 0770 /var/spool/clientmqueue");
	assert_string_equal(fixture_str(f, "message"),
	                    "/var/spool/clientmqueue is root:root 0755: "
	                    "smmsp:smmsp cannot create queue files there "
	                    "(Permission denied)");
	ev = json_object_get(f, "evidence");
	assert_string_equal(fixture_str(ev, "writer_user"), "smmsp");
	assert_int_equal(fixture_int(ev, "uid"), 0);

	f = fixture_finding(&c, "spool.permissions", "/var/spool/clientmqueue");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	assert_string_equal(fixture_str(f, "message"),
	                    "/var/spool/clientmqueue is root:root 0755, "
	                    "expected smmsp:smmsp 0770");
	assert_int_equal(json_array_size(c.findings), 2);
	fixture_free(&c);
}

static void
test_not_writable_without_policy_suggests_chmod(void **state)
{
	struct cycle c;
	json_t *f;

	(void)state;
	run(&c, "[{\"path\": \"/srv/q\", \"role\": \"custom\", \"exists\": "
	        "true, \"type\": \"directory\", \"owner\": \"root\", "
	        "\"group\": \"root\", \"mode\": \"0755\", \"expected\": "
	        "{\"owner\": null, \"group\": null, \"mode\": null}, "
	        "\"writer\": {\"user\": \"smmsp\", \"group\": null}, "
	        "\"policy_ok\": false, \"writable_by_mta\": false, "
	        "\"queued\": 0}]");
	f = fixture_finding(&c, "spool.not_writable_by_mta", "/srv/q");
	assert_string_equal(fixture_str(f, "remedy"), "chmod u+wx /srv/q");
	/* nothing to put right without an expected policy */
	assert_int_equal(fixture_count(&c, "spool.permissions"), 0);
	fixture_free(&c);
}

static void
test_backlog_and_stale_thresholds(void **state)
{
	struct cycle c;
	json_t *f;

	(void)state;
	run(&c,
	    "[" DIR_OK("/q/under", "mta_queue", ", \"queued\": 99, \"oldest_age_s\": 86399") "," DIR_OK(
	        "/q/warn", "mta_queue",
	        ", \"queued\": 100, \"oldest_age_s\": 86400") "," DIR_OK("/q/"
	                                                                 "crit",
	                                                                 "msp_"
	                                                                 "queu"
	                                                                 "e",
	                                                                 ", "
	                                                                 "\"que"
	                                                                 "ued\""
	                                                                 ": "
	                                                                 "1000,"
	                                                                 " \"ol"
	                                                                 "dest_"
	                                                                 "age_"
	                                                                 "s\": "
	                                                                 "60480"
	                                                                 "0") "," DIR_OK("/var/mail",
	                                                                                 "mailbox",
	                                                                                 ", \"queued\": null, \"oldest_age_s\": 9999999") "]");
	assert_null(cycle_find_finding(&c, "spool.backlog", "/q/under"));
	assert_null(cycle_find_finding(&c, "spool.stale", "/q/under"));
	assert_null(cycle_find_finding(&c, "spool.stale", "/var/mail"));

	f = fixture_finding(&c, "spool.backlog", "/q/warn");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	assert_string_equal(fixture_str(f, "message"),
	                    "100 messages wait in /q/warn (threshold 100)");
	assert_string_equal(fixture_str(f, "remedy"),
	                    "mailq -O QueueDirectory=/q/warn && sendmail -q -v "
	                    "-O QueueDirectory=/q/warn");
	assert_int_equal(
	    fixture_int(json_object_get(f, "evidence"), "critical"), 1000);
	f = fixture_finding(&c, "spool.stale", "/q/warn");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	assert_string_equal(fixture_str(f, "message"),
	                    "the oldest message in /q/warn has waited 1 d 0 h "
	                    "(threshold 24 h)");
	assert_true(json_is_false(
	    json_object_get(json_object_get(f, "evidence"), "lower_bound")));

	f = fixture_finding(&c, "spool.backlog", "/q/crit");
	assert_string_equal(fixture_str(f, "severity"), "critical");
	assert_string_equal(fixture_str(f, "remedy"),
	                    "mailq -Ac && sendmail -Ac -q -v");
	f = fixture_finding(&c, "spool.stale", "/q/crit");
	assert_string_equal(fixture_str(f, "severity"), "critical");
	assert_int_equal(json_array_size(c.findings), 4);
	fixture_free(&c);
}

static void
test_bloated_directory(void **state)
{
	struct cycle c;
	json_t *f, *ev;
	const char *r;

	(void)state;
	run(&c,
	    "[{\"path\": \"/q/big\", \"role\": \"mta_queue\", \"exists\": "
	    "true, "
	    "\"type\": \"directory\", \"expected\": {\"owner\": \"root\", "
	    "\"group\": null, \"mode\": \"0700\"}, \"queued\": 0, "
	    "\"entries\": 3, \"dir_size_bytes\": 8388608, "
	    "\"dir_needed_bytes\": 4096, \"scan\": {\"complete\": true}},"
	    "{\"path\": \"/q/partial\", \"role\": \"mta_queue\", \"exists\": "
	    "true, \"type\": \"directory\", \"queued\": 0, \"entries\": 3, "
	    "\"dir_size_bytes\": 8388608, \"dir_needed_bytes\": 4096, "
	    "\"scan\": {\"complete\": false}},"
	    "{\"path\": \"/q/small\", \"role\": \"mta_queue\", \"exists\": "
	    "true, \"type\": \"directory\", \"queued\": 0, \"entries\": 3, "
	    "\"dir_size_bytes\": 1044480, \"dir_needed_bytes\": 4096, "
	    "\"scan\": {\"complete\": true}}]");
	f = fixture_finding(&c, "spool.bloated_dir", "/q/big");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	r = fixture_str(f, "remedy");
	assert_string_equal(
	    r, "stop the MTA, then: mkdir /q/big.new && chown root /q/big.new "
	       "&& chmod 0700 /q/big.new && find /q/big -mindepth 1 -maxdepth "
	       "1 -exec mv -t /q/big.new {} + && mv /q/big /q/big.old && mv "
	       "/q/big.new /q/big && rmdir /q/big.old");
	ev = json_object_get(f, "evidence");
	assert_int_equal(fixture_int(ev, "factor"), 4);
	assert_int_equal(fixture_int(ev, "needed_bytes"), 4096);
	assert_string_equal(fixture_str(f, "message"),
	                    "the directory /q/big is 8192 KiB for 3 entries "
	                    "that need 4 KiB: every lookup reads it all, and "
	                    "it never shrinks");
	/* a partial scan undercounts; below bloat_min_size is never bloated */
	assert_int_equal(fixture_count(&c, "spool.bloated_dir"), 1);
	fixture_free(&c);
}

static void
test_orphans_at_least_when_inexact(void **state)
{
	struct cycle c;
	json_t *f;

	(void)state;
	run(&c, "[" DIR_OK("/var/spool/mqueue", "mta_queue",
	                   ", \"queued\": 0, \"oldest_age_s\": null, "
	                   "\"orphans\": 3, \"orphans_exact\": false") "]");
	f = fixture_finding(&c, "spool.orphans", "/var/spool/mqueue");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	assert_string_equal(fixture_str(f, "message"),
	                    "at least 3 data files (df) in /var/spool/mqueue "
	                    "have no control file (qf): left by failed "
	                    "submissions");
	assert_true(strncmp(fixture_str(f, "remedy"),
	                    "cd /var/spool/mqueue && mkdir -p "
	                    "/var/tmp/spoolwatch-orphans",
	                    strlen("cd /var/spool/mqueue && mkdir -p "
	                           "/var/tmp/spoolwatch-orphans")) == 0);
	assert_int_equal(fixture_int(json_object_get(f, "evidence"), "orphans"),
	                 3);
	fixture_free(&c);
}

static void
test_entry_not_looked_at_has_no_finding(void **state)
{
	struct cycle c;

	(void)state;
	run(&c, "[{\"path\": \"/nfs/q\", \"role\": \"mta_queue\", \"exists\": "
	        "false, \"error\": \"on a network filesystem (nfs): not "
	        "checked\", \"queued\": null},"
	        "{\"role\": \"mta_queue\", \"exists\": false}, 17]");
	assert_int_equal(json_array_size(c.findings), 0);
	fixture_free(&c);
}

static void
test_remedy_quotes_the_path(void **state)
{
	struct cycle c;
	json_t *f;

	(void)state;
	run(&c, "[{\"path\": \"/srv/my q's\", \"role\": \"custom\", "
	        "\"exists\": false, \"expected\": {\"owner\": null, "
	        "\"group\": null, \"mode\": null}}]");
	f = fixture_finding(&c, "spool.missing", "/srv/my q's");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	assert_string_equal(fixture_str(f, "remedy"),
	                    "mkdir -p '/srv/my q'\\''s'");
	fixture_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthy_spool_has_no_finding),
	    cmocka_unit_test(test_missing_queue_is_critical_with_mkdir),
	    cmocka_unit_test(test_file_in_place_of_directory),
	    cmocka_unit_test(test_not_writable_and_wrong_owner),
	    cmocka_unit_test(test_not_writable_without_policy_suggests_chmod),
	    cmocka_unit_test(test_backlog_and_stale_thresholds),
	    cmocka_unit_test(test_bloated_directory),
	    cmocka_unit_test(test_orphans_at_least_when_inexact),
	    cmocka_unit_test(test_entry_not_looked_at_has_no_finding),
	    cmocka_unit_test(test_remedy_quotes_the_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
