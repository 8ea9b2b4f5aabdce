/*
 * test_agent_mta_findings.c - mta.down from "mta" and spools[] fixtures:
 * a stopped daemon, a daemon that does not listen (sendmail only), the
 * unknown state of a host without proc, queues that hold nothing, roles
 * that are not queues, and [mta] smtp_port in the diagnosis.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "agent/cycle.h"
#include "agent/collect/mta_config.h"
#include "agent/diagnose/mta_findings.h"
#include "tests/unit/cycle_fixture.h"

static struct mta_config cfg;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(mta_config_load(&cfg, NULL, err, sizeof(err)), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	mta_config_free(&cfg);
	return 0;
}

#define QUEUES                                                                 \
	"[{\"path\": \"/var/spool/clientmqueue\", \"role\": \"msp_queue\", "   \
	"\"queued\": 4, \"oldest_age_s\": 7200},"                              \
	"{\"path\": \"/var/spool/mqueue\", \"role\": \"mta_queue\", "          \
	"\"queued\": 1, \"oldest_age_s\": 60},"                                \
	"{\"path\": \"/var/mail\", \"role\": \"mailbox\", \"queued\": 50}]"

/* run - mta_findings over {"mta": mta, "spools": spools}. */
static void
run(struct cycle *c, const char *mta, const char *spools)
{
	char text[4096];

	snprintf(text, sizeof(text), "{\"mta\": %s, \"spools\": %s}", mta,
	         spools);
	fixture_cycle(c, text);
	mta_findings(c, &cfg);
}

static void
test_stopped_sendmail_with_mail_waiting(void **state)
{
	struct cycle c;
	json_t *f, *ev, *by;

	(void)state;
	run(&c,
	    "{\"kind\": \"sendmail\", \"daemon_running\": false, "
	    "\"smtp_listening\": false}",
	    QUEUES);
	f = fixture_finding(&c, "mta.down", "sendmail");
	assert_string_equal(fixture_str(f, "severity"), "critical");
	assert_string_equal(fixture_str(f, "message"),
	                    "sendmail is not running and nothing listens on "
	                    "127.0.0.1:25: 5 messages wait in "
	                    "/var/spool/clientmqueue and elsewhere");
	assert_string_equal(
	    fixture_str(f, "remedy"),
	    "systemctl start sendmail || service sendmail start");
	ev = json_object_get(f, "evidence");
	assert_int_equal(fixture_int(ev, "queued"), 5);
	assert_int_equal(fixture_int(ev, "port"), 25);
	assert_int_equal(fixture_int(ev, "oldest_age_s"), 7200);
	by = json_object_get(ev, "queued_by_spool");
	assert_int_equal(json_object_size(by), 2); /* not the mailbox */
	assert_int_equal(fixture_int(by, "/var/spool/mqueue"), 1);
	assert_int_equal(json_array_size(c.findings), 1);
	fixture_free(&c);
}

static void
test_sendmail_that_does_not_listen(void **state)
{
	struct cycle c;
	json_t *f;

	(void)state;
	cfg.smtp_port = 2525;
	run(&c,
	    "{\"kind\": \"sendmail\", \"daemon_running\": true, "
	    "\"smtp_listening\": false}",
	    "[{\"path\": \"/var/spool/clientmqueue\", \"role\": "
	    "\"msp_queue\", \"queued\": 1, \"oldest_age_s\": null}]");
	cfg.smtp_port = 25;
	f = fixture_finding(&c, "mta.down", "sendmail");
	assert_string_equal(fixture_str(f, "message"),
	                    "sendmail runs but nothing listens on "
	                    "127.0.0.1:2525: 1 message waits in "
	                    "/var/spool/clientmqueue");
	assert_non_null(strstr(fixture_str(f, "remedy"),
	                       "does not listen on 127.0.0.1:2525: check "
	                       "DaemonPortOptions"));
	assert_true(json_is_null(
	    json_object_get(json_object_get(f, "evidence"), "oldest_age_s")));
	fixture_free(&c);
}

static void
test_postfix_is_down_only_when_master_is_not_running(void **state)
{
	struct cycle c;
	const char *q = "[{\"path\": \"/var/spool/postfix/deferred\", "
	                "\"role\": \"postfix_deferred\", \"queued\": 2}]";

	(void)state;
	/* postfix can queue without listening (inet_interfaces) */
	run(&c,
	    "{\"kind\": \"postfix\", \"daemon_running\": true, "
	    "\"smtp_listening\": false}",
	    q);
	assert_int_equal(json_array_size(c.findings), 0);
	fixture_free(&c);

	run(&c,
	    "{\"kind\": \"postfix\", \"daemon_running\": false, "
	    "\"smtp_listening\": true}",
	    q);
	assert_string_equal(
	    fixture_str(fixture_finding(&c, "mta.down", "postfix"), "remedy"),
	    "systemctl start postfix || service postfix start");
	fixture_free(&c);
}

static void
test_no_finding_when_unknown_empty_or_none(void **state)
{
	struct cycle c;

	(void)state;
	/* no proc: both unknown, which is not down */
	run(&c,
	    "{\"kind\": \"sendmail\", \"daemon_running\": null, "
	    "\"smtp_listening\": null}",
	    QUEUES);
	assert_int_equal(json_array_size(c.findings), 0);
	fixture_free(&c);
	/* down, but nothing waits (a mailbox is not a queue) */
	run(&c,
	    "{\"kind\": \"sendmail\", \"daemon_running\": false, "
	    "\"smtp_listening\": false}",
	    "[{\"path\": \"/var/spool/mqueue\", \"role\": \"mta_queue\", "
	    "\"queued\": 0}, {\"path\": \"/var/mail\", \"role\": "
	    "\"mailbox\", \"queued\": 9}]");
	assert_int_equal(json_array_size(c.findings), 0);
	fixture_free(&c);
	/* no MTA at all */
	run(&c,
	    "{\"kind\": \"none\", \"daemon_running\": false, "
	    "\"smtp_listening\": false}",
	    QUEUES);
	assert_int_equal(json_array_size(c.findings), 0);
	fixture_free(&c);
}

/* Exim's remedy starts it the way this host starts services */
static void
test_exim_remedy_follows_the_init_system(void **state)
{
	static const struct {
		enum initsys_kind kind;
		const char *start;
	} want[] = {
	    {INITSYS_SYSTEMD, "systemctl start exim4; "},
	    {INITSYS_SYSV_REDHAT, "service exim4 start; "},
	    {INITSYS_UNKNOWN, "systemctl start exim4 || service exim4 start; "},
	};
	char text[1024];
	struct cycle c;
	json_t *f;

	(void)state;
	snprintf(text, sizeof(text),
	         "{\"mta\": {\"kind\": \"exim\", \"daemon_running\": false, "
	         "\"smtp_listening\": false, \"cron_queue_runner\": null, "
	         "\"exim_service\": \"exim4\"}, "
	         "\"spools\": [{\"path\": \"/var/spool/exim4/input\", "
	         "\"role\": \"exim_input\", \"queued\": 2}]}");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		fixture_cycle(&c, text);
		c.init.kind = want[i].kind;
		mta_findings(&c, &cfg);
		f = fixture_finding(&c, "mta.down", "exim");
		assert_non_null(f);
		if (strncmp(fixture_str(f, "remedy"), want[i].start,
		            strlen(want[i].start)) != 0)
			fail_msg("remedy '%s', want it to start '%s'",
			         fixture_str(f, "remedy"), want[i].start);
		assert_non_null(strstr(fixture_str(f, "remedy"), "exim -qf"));
		fixture_free(&c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stopped_sendmail_with_mail_waiting),
	    cmocka_unit_test(test_sendmail_that_does_not_listen),
	    cmocka_unit_test(
	        test_postfix_is_down_only_when_master_is_not_running),
	    cmocka_unit_test(test_no_finding_when_unknown_empty_or_none),
	    cmocka_unit_test(test_exim_remedy_follows_the_init_system),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
