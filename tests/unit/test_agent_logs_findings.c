/*
 * test_agent_logs_findings.c - log.syserr from event_groups[] fixtures
 * and the cycle's accounts: which queue a "./dfID" path implicates (by
 * the account the process ran as), absolute paths, groups without a
 * path, several groups gathered under one subject, and the tie to the
 * spool check's finding on that spool.
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

#include "agent/probe/accounts.h"
#include "agent/cycle.h"
#include "agent/collect/logs_config.h"
#include "agent/diagnose/logs_findings.h"
#include "common/fsutil.h"
#include "tests/unit/cycle_fixture.h"

static char top[PATH_MAX];
static struct logs_config cfg;
static struct accounts *acc;

static int
setup(void **state)
{
	char p[PATH_MAX + 32], err[256];
	FILE *fp;

	(void)state;
	snprintf(top, sizeof(top), "%s/logsfind.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(top));
	snprintf(p, sizeof(p), "%s/etc", top);
	assert_int_equal(mkdir_p(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc/passwd", top);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs("root:x:0:0:root:/root:/bin/bash\n"
	      "smmsp:x:51:51::/var/spool/mqueue:/sbin/nologin\n"
	      "mailnull:x:47:47::/var/spool/mqueue:/sbin/nologin\n"
	      "alice:x:1000:1000::/home/alice:/bin/bash\n",
	      fp);
	fclose(fp);
	acc = accounts_load(top, err, sizeof(err));
	assert_non_null(acc);
	assert_int_equal(logs_config_load(&cfg, NULL, err, sizeof(err)), 0);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	accounts_free(acc);
	logs_config_free(&cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	assert_int_equal(system(cmd), 0);
	return 0;
}

#define SPOOLS                                                                 \
	"\"spools\": [{\"path\": \"/var/spool/clientmqueue\", \"role\": "      \
	"\"msp_queue\", \"exists\": true}, {\"path\": \"/var/spool/mqueue\", " \
	"\"role\": \"mta_queue\", \"exists\": true}]"

/* GROUP - a SYSERR group on path (a JSON value) by uid, in sources. */
#define GROUP(sig, n, ts, path, uid, src)                                      \
	"{\"kind\": \"syserr\", \"signature\": \"" sig "\", \"count\": " #n    \
	", \"last_ts\": \"" ts "\", \"path\": " path ", \"program\": "         \
	"\"sendmail\", \"uid\": " #uid ", \"euid\": null, \"errno\": "         \
	"\"Permission denied\", \"sources\": [\"" src "\"]}"

static void
run(struct cycle *c, const char *groups, const char *findings)
{
	char text[8192];

	snprintf(text, sizeof(text),
	         "{" SPOOLS ", \"event_groups\": %s, \"findings\": %s}", groups,
	         findings);
	fixture_cycle(c, text);
	c->accounts = acc;
	logs_findings(c, &cfg);
}

static void
test_msp_queue_tied_to_spool_finding(void **state)
{
	struct cycle c;
	json_t *f, *ev;

	(void)state;
	run(&c,
	    "[" GROUP("collect: Cannot write ./df*", 3, "2026-02-15T09:10:00Z",
	              "\"./dfu1\"", 51, "/var/log/maillog") "]",
	    "[{\"code\": \"spool.not_writable_by_mta\", \"subject\": "
	    "\"/var/spool/clientmqueue\", \"message\": \"not writable\", "
	    "\"remedy\": \"chmod 0770 /var/spool/clientmqueue\"}]");
	f = fixture_finding(&c, "log.syserr", "/var/spool/clientmqueue");
	assert_string_equal(fixture_str(f, "severity"), "critical");
	assert_string_equal(fixture_str(f, "remedy"),
	                    "chmod 0770 /var/spool/clientmqueue");
	assert_string_equal(
	    fixture_str(f, "message"),
	    "3 sendmail SYSERR line(s) since the last report fail with "
	    "Permission denied on /var/spool/clientmqueue; the spool check "
	    "found the cause (spool.not_writable_by_mta): not writable; most "
	    "frequent: collect: Cannot write ./df*");
	ev = json_object_get(f, "evidence");
	assert_string_equal(fixture_str(ev, "queue_role"), "msp_queue");
	assert_string_equal(fixture_str(ev, "spool_finding"),
	                    "spool.not_writable_by_mta");
	assert_int_equal(fixture_int(ev, "count"), 3);
	fixture_free(&c);
}

static void
test_groups_gathered_under_the_mta_queue(void **state)
{
	struct cycle c;
	json_t *f, *ev;

	(void)state;
	/* root and mailnull run the MTA; an absolute path names its spool */
	run(&c,
	    "[" GROUP("a", 2, "2026-02-15T09:00:00Z", "\"./dfA\"", 0, "/var/log/maillog") "," GROUP(
	        "b", 5, "2026-02-15T09:30:00Z", "\"./dfB\"", 47,
	        "/var/log/messages") "," GROUP("c", 1, "2026-02-15T09:20:00Z",
	                                       "\"/var/spool/mqueue/qfC\"", 0,
	                                       "/var/log/maillog") ","
	                                                           "{\"kind\": "
	                                                           "\"delivery"
	                                                           "\", "
	                                                           "\"signature"
	                                                           "\": \"d\", "
	                                                           "\"count\": "
	                                                           "9, "
	                                                           "\"sources\""
	                                                           ": "
	                                                           "[\"/var/"
	                                                           "log/"
	                                                           "maillog\"]}"
	                                                           "]",
	    "[]");
	assert_int_equal(json_array_size(c.findings), 1);
	f = fixture_finding(&c, "log.syserr", "/var/spool/mqueue");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	assert_string_equal(fixture_str(f, "message"),
	                    "8 sendmail SYSERR line(s) since the last report "
	                    "implicating /var/spool/mqueue; most frequent: a");
	assert_true(strncmp(fixture_str(f, "remedy"),
	                    "ls -ld /var/spool/mqueue; it must be writable by "
	                    "the user sendmail's MTA runs as",
	                    70) == 0);
	ev = json_object_get(f, "evidence");
	assert_int_equal(fixture_int(ev, "count"), 8);
	assert_int_equal(json_array_size(json_object_get(ev, "signatures")), 3);
	assert_int_equal(json_array_size(json_object_get(ev, "sources")), 2);
	assert_string_equal(fixture_str(ev, "last_ts"), "2026-02-15T09:30:00Z");
	assert_true(json_is_null(json_object_get(ev, "spool_finding")));
	fixture_free(&c);
}

static void
test_queue_by_account(void **state)
{
	static const struct {
		long uid;
		const char *queue;
	} cases[] = {
	    {51, "/var/spool/clientmqueue"},   /* smmsp */
	    {1000, "/var/spool/clientmqueue"}, /* a user's submission */
	    {4242, "/var/spool/clientmqueue"}, /* not in passwd, not root */
	    {0, "/var/spool/mqueue"},          /* root */
	    {47, "/var/spool/mqueue"},         /* mailnull (RunAsUser) */
	};
	char groups[1024];
	struct cycle c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(groups, sizeof(groups),
		         "[{\"kind\": \"syserr\", \"signature\": \"s\", "
		         "\"count\": 1, \"last_ts\": null, \"path\": "
		         "\"./dfX\", \"uid\": %ld, "
		         "\"sources\": [\"/var/log/maillog\"]}]",
		         cases[i].uid);
		run(&c, groups, "[]");
		assert_int_equal(json_array_size(c.findings), 1);
		assert_string_equal(
		    fixture_str(json_array_get(c.findings, 0), "subject"),
		    cases[i].queue);
		fixture_free(&c);
	}
}

static void
test_without_path_the_log_file_is_the_subject(void **state)
{
	struct cycle c;
	json_t *f, *ev;

	(void)state;
	run(&c,
	    "[" GROUP("queue run: lost", 4, "2026-02-15T09:00:00Z", "null", 0,
	              "/var/log/maillog") "]",
	    "[]");
	f = fixture_finding(&c, "log.syserr", "/var/log/maillog");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	assert_string_equal(fixture_str(f, "message"),
	                    "4 sendmail SYSERR line(s) since the last report; "
	                    "most frequent: queue run: lost");
	assert_true(strncmp(fixture_str(f, "remedy"),
	                    "read the SYSERR lines in the evidence", 37) == 0);
	ev = json_object_get(f, "evidence");
	assert_true(json_is_null(json_object_get(ev, "spool")));
	assert_true(json_is_null(json_object_get(ev, "queue_role")));
	fixture_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_msp_queue_tied_to_spool_finding),
	    cmocka_unit_test(test_groups_gathered_under_the_mta_queue),
	    cmocka_unit_test(test_queue_by_account),
	    cmocka_unit_test(test_without_path_the_log_file_is_the_subject),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
