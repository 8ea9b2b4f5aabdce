/*
 * test_agent_mail_findings.c - mail.undelivered and mail.unread_root
 * from "mail" fixtures: severity by age and count, the MTA down (found by
 * mta_findings before), a refused loopback relay, postfix queues without
 * reasons, the statuses and cron jobs quoted, the five cron jobs with
 * most unread mail, and the remedies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "agent/cycle.h"
#include "agent/collect/mail_config.h"
#include "agent/diagnose/mail_findings.h"
#include "tests/unit/cycle_fixture.h"

static struct mail_config cfg;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(mail_config_load(&cfg, NULL, err, sizeof(err)), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	mail_config_free(&cfg);
	return 0;
}

#define SPOOLS                                                                 \
	"\"spools\": [{\"path\": \"/var/spool/clientmqueue\", \"role\": "      \
	"\"msp_queue\"}, {\"path\": \"/var/spool/mqueue\", \"role\": "         \
	"\"mta_queue\"}]"

/* run - mail_findings over {spools, "mail": mail, findings}. */
static void
run(struct cycle *c, const char *mail, const char *findings)
{
	char text[8192];

	snprintf(text, sizeof(text),
	         "{" SPOOLS ", \"mail\": %s, "
	         "\"findings\": %s}",
	         mail, findings);
	fixture_cycle(c, text);
	mail_findings(c, &cfg);
}

static void
test_undelivered_warning_quotes_statuses(void **state)
{
	struct cycle c;
	json_t *f, *ev;

	(void)state;
	run(&c,
	    "{\"queues\": [{\"queue\": \"/var/spool/clientmqueue\", "
	    "\"messages\": 3, \"oldest_ts\": \"2026-02-15T09:00:00Z\", "
	    "\"statuses\": [{\"status\": \"Deferred: Connection timed out "
	    "with mx.example.com.\", \"count\": 2}, {\"status\": \"\", "
	    "\"count\": 1}]}, {\"queue\": \"/var/spool/mqueue\", "
	    "\"messages\": 0, \"statuses\": []}], \"queued_groups\": ["
	    "{\"cron_command\": \"/usr/local/bin/backup\"}, {\"subject\": "
	    "\"x\"}], \"mailboxes\": []}",
	    "[]");
	assert_int_equal(json_array_size(c.findings), 1);
	f = fixture_finding(&c, "mail.undelivered", "/var/spool/clientmqueue");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	assert_string_equal(
	    fixture_str(f, "message"),
	    "3 messages waiting in /var/spool/clientmqueue, oldest 60 min old; "
	    "top status: \"Deferred: Connection timed out with "
	    "mx.example.com.\" (2), \"not tried yet\" (1); delivery has not "
	    "succeeded yet");
	assert_string_equal(fixture_str(f, "remedy"),
	                    "mailq -Ac  # read why; fix the cause, then: "
	                    "sendmail -Ac -q");
	ev = json_object_get(f, "evidence");
	assert_int_equal(fixture_int(ev, "oldest_age_s"), 3600);
	assert_int_equal(json_array_size(json_object_get(ev, "top_statuses")),
	                 2);
	assert_int_equal(
	    json_array_size(json_object_get(ev, "top_cron_commands")), 1);
	assert_true(json_is_false(json_object_get(ev, "mta_down")));
	fixture_free(&c);
}

static void
test_undelivered_critical_by_age_and_count(void **state)
{
	struct cycle c;

	(void)state;
	run(&c,
	    "{\"queues\": [{\"queue\": \"/var/spool/mqueue\", \"messages\": "
	    "1, \"oldest_ts\": \"2026-02-12T10:00:00Z\", \"statuses\": []},"
	    "{\"queue\": \"/var/spool/clientmqueue\", \"messages\": 1000, "
	    "\"oldest_ts\": \"2026-02-15T09:59:00Z\", \"statuses\": []}]}",
	    "[]");
	assert_string_equal(fixture_str(fixture_finding(&c, "mail.undelivered",
	                                                "/var/spool/mqueue"),
	                                "severity"),
	                    "critical");
	assert_non_null(
	    strstr(fixture_str(fixture_finding(&c, "mail.undelivered",
	                                       "/var/spool/mqueue"),
	                       "message"),
	           "oldest 3 days old"));
	assert_string_equal(
	    fixture_str(fixture_finding(&c, "mail.undelivered",
	                                "/var/spool/clientmqueue"),
	                "severity"),
	    "critical");
	fixture_free(&c);
}

static void
test_mta_down_and_refused_loopback(void **state)
{
	struct cycle c;
	json_t *f;

	(void)state;
	run(&c,
	    "{\"queues\": [{\"queue\": \"/var/spool/mqueue\", \"messages\": "
	    "2, \"oldest_ts\": \"2026-02-15T09:58:00Z\", \"statuses\": "
	    "[{\"status\": \"Deferred: Connection refused by [127.0.0.1]\", "
	    "\"count\": 2}]}]}",
	    "[{\"code\": \"mta.down\", \"subject\": \"sendmail\"}]");
	f = fixture_finding(&c, "mail.undelivered", "/var/spool/mqueue");
	assert_string_equal(fixture_str(f, "severity"), "critical");
	assert_string_equal(fixture_str(f, "remedy"),
	                    "service sendmail start && sendmail -q");
	assert_non_null(strstr(fixture_str(f, "message"),
	                       "; the MTA is down (mta.down) and the relay to "
	                       "it on the loopback is refused: nothing leaves "
	                       "this queue until it runs"));
	assert_true(json_is_true(json_object_get(json_object_get(f, "evidence"),
	                                         "loopback_refused")));
	fixture_free(&c);

	/* the same status without mta.down: the relay is refused */
	run(&c,
	    "{\"queues\": [{\"queue\": \"/var/spool/clientmqueue\", "
	    "\"messages\": 1, \"statuses\": [{\"status\": \"Deferred: "
	    "Connection refused by localhost\", \"count\": 1}]}]}",
	    "[]");
	f = fixture_finding(&c, "mail.undelivered", "/var/spool/clientmqueue");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	assert_non_null(strstr(fixture_str(f, "message"),
	                       "; the relay to the local MTA is refused"));
	fixture_free(&c);
}

static void
test_postfix_queue_without_reasons(void **state)
{
	struct cycle c;
	json_t *f;

	(void)state;
	run(&c,
	    "{\"queues\": [{\"queue\": \"/var/spool/postfix/deferred\", "
	    "\"messages\": 2, \"oldest_ts\": \"2026-02-15T09:59:30Z\", "
	    "\"statuses\": [{\"status\": \"\", \"count\": 2}]}]}",
	    "[]");
	f = fixture_finding(&c, "mail.undelivered",
	                    "/var/spool/postfix/deferred");
	assert_string_equal(fixture_str(f, "remedy"),
	                    "postqueue -p  # read why; fix the cause, then: "
	                    "postqueue -f");
	assert_string_equal(
	    fixture_str(f, "message"),
	    "2 messages waiting in /var/spool/postfix/deferred, "
	    "oldest 30 s old; top status: \"no reason "
	    "recorded\" (2); why is not known here (no defer "
	    "log; postqueue -p lists the reasons)");
	fixture_free(&c);
}

#define JOB(cmd, n)                                                            \
	"{\"command\": \"" cmd "\", \"user\": \"root\", \"count\": " #n        \
	", \"unread\": " #n "}"

static void
test_unread_root_names_top_cron_jobs(void **state)
{
	struct cycle c;
	json_t *f, *top;

	(void)state;
	run(&c,
	    "{\"queues\": [], \"mailboxes\": [{\"path\": \"/var/mail/root\", "
	    "\"user\": \"root\", \"unread\": 150, \"messages\": 200, "
	    "\"bytes\": 4096, \"oldest_ts\": \"2026-02-12T10:00:00Z\", "
	    "\"cron\": [" JOB("zero", 0) "," JOB("one", 1) "," JOB(
	        "seven",
	        7) "," JOB("three",
	                   3) "," JOB("two",
	                              2) "," JOB("five",
	                                         5) "," JOB("four",
	                                                    4) "]},"
	                                                       "{\"path\": "
	                                                       "\"/var/mail/"
	                                                       "smmsp\", "
	                                                       "\"user\": "
	                                                       "\"smmsp\", "
	                                                       "\"unread\": "
	                                                       "1, "
	                                                       "\"messages\": "
	                                                       "1, \"cron\": "
	                                                       "[]},"
	                                                       "{\"path\": "
	                                                       "\"/var/mail/"
	                                                       "bin\", "
	                                                       "\"user\": "
	                                                       "\"bin\", "
	                                                       "\"unread\": 0, "
	                                                       "\"messages\": "
	                                                       "4, \"cron\": "
	                                                       "[]}]}",
	    "[]");
	assert_int_equal(fixture_count(&c, "mail.unread_root"), 2);
	f = fixture_finding(&c, "mail.unread_root", "/var/mail/root");
	assert_string_equal(fixture_str(f, "severity"), "warning");
	assert_string_equal(fixture_str(f, "message"),
	                    "150 unread of 200 messages for root in "
	                    "/var/mail/root, oldest 3 days old; mostly cron "
	                    "mail: seven (7), five (5), four (4), three (3), "
	                    "two (2)");
	assert_string_equal(
	    fixture_str(f, "remedy"),
	    "Fix or quiet the cron job 'seven' (crontab of root: "
	    "redirect its output or set MAILTO), then read or "
	    "clear the mailbox: mail -u root");
	top = json_object_get(json_object_get(f, "evidence"),
	                      "top_cron_commands");
	assert_int_equal(json_array_size(top), 5);
	assert_int_equal(fixture_int(json_array_get(top, 4), "unread"), 2);

	f = fixture_finding(&c, "mail.unread_root", "/var/mail/smmsp");
	assert_string_equal(fixture_str(f, "severity"), "info");
	assert_string_equal(fixture_str(f, "remedy"),
	                    "Read or clear the mailbox: mail -u smmsp; have "
	                    "root's mail forwarded to a person (an alias in "
	                    "/etc/aliases)");
	fixture_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_undelivered_warning_quotes_statuses),
	    cmocka_unit_test(test_undelivered_critical_by_age_and_count),
	    cmocka_unit_test(test_mta_down_and_refused_loopback),
	    cmocka_unit_test(test_postfix_queue_without_reasons),
	    cmocka_unit_test(test_unread_root_names_top_cron_jobs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
