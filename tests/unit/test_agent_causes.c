/*
 * test_agent_causes.c - the link rules of agent/diagnose/causes.c on
 * report fixtures: SYSERRs on a spool its spool finding explains, queues
 * a down MTA leaves waiting (and those it does not serve), Exim's spool
 * and its input/, inodes that ran out, frozen queues, cron mail lost in
 * a broken submission queue or a queueless relay; and what is never
 * linked: unrelated subjects, a cause naming itself, a symptom already
 * linked, causes as symptoms, reports without findings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "agent/diagnose/causes.h"

#define CQ "/var/spool/clientmqueue"

/* link - causes_link over the report text; the caller frees it. */
static json_t *
links(const char *text)
{
	json_error_t je;
	json_t *r = json_loads(text, 0, &je);

	if (r == NULL)
		fail_msg("fixture: %s", je.text);
	causes_link(r);
	return r;
}

/* cause - "code subject" of findings[i].caused_by, "-" when absent. */
static const char *
cause(json_t *r, size_t i)
{
	static char buf[512];
	json_t *cb = json_object_get(
	    json_array_get(json_object_get(r, "findings"), i), "caused_by");

	if (cb == NULL)
		return "-";
	assert_int_equal(json_object_size(cb), 2);
	snprintf(buf, sizeof(buf), "%s %s",
	         json_string_value(json_object_get(cb, "code")),
	         json_string_value(json_object_get(cb, "subject")));
	return buf;
}

static void
test_syserr_under_its_spool_finding(void **state)
{
	json_t *r = links(
	    "{\"findings\": ["
	    "{\"code\": \"spool.not_writable_by_mta\", \"subject\": \"" CQ
	    "\"},"
	    "{\"code\": \"spool.permissions\", \"subject\": \"" CQ "\"},"
	    "{\"code\": \"log.syserr\", \"subject\": \"" CQ "\", \"evidence\": "
	    "{\"spool\": \"" CQ "\", \"spool_finding\": "
	    "\"spool.not_writable_by_mta\"}},"
	    "{\"code\": \"log.syserr\", \"subject\": \"/var/log/maillog\", "
	    "\"evidence\": {\"spool\": null, \"spool_finding\": null}}]}");

	(void)state;
	assert_string_equal(cause(r, 0), "-");
	assert_string_equal(cause(r, 1), "-");
	assert_string_equal(cause(r, 2), "spool.not_writable_by_mta " CQ);
	assert_string_equal(cause(r, 3), "-");
	json_decref(r);
}

static void
test_syserr_needs_the_named_finding_on_that_spool(void **state)
{
	/* the evidence names a finding the report does not hold, or one on
	 * another spool: no link */
	json_t *r = links(
	    "{\"findings\": ["
	    "{\"code\": \"spool.missing\", \"subject\": \"/var/spool/mqueue\"},"
	    "{\"code\": \"log.syserr\", \"subject\": \"" CQ "\", \"evidence\": "
	    "{\"spool\": \"" CQ "\", \"spool_finding\": \"spool.missing\"}},"
	    "{\"code\": \"log.syserr\", \"subject\": \"/var/spool/mqueue\", "
	    "\"evidence\": {\"spool\": \"/var/spool/mqueue\", "
	    "\"spool_finding\": \"spool.missing\"}}]}");

	(void)state;
	assert_string_equal(cause(r, 1), "-");
	assert_string_equal(cause(r, 2), "spool.missing /var/spool/mqueue");
	json_decref(r);
}

#define MTA_DOWN(spools)                                                       \
	"{\"code\": \"mta.down\", \"subject\": \"sendmail\", \"evidence\": "   \
	"{\"queued_by_spool\": " spools "}}"

static void
test_down_mta_and_the_queues_it_serves(void **state)
{
	json_t *r = links("{\"findings\": [" MTA_DOWN(
	    "{\"" CQ
	    "\": 1}") ","
	              "{\"code\": \"spool.stale\", \"subject\": \"" CQ "\"},"
	              "{\"code\": \"spool.backlog\", \"subject\": \"" CQ "\"},"
	              "{\"code\": \"mail.undelivered\", \"subject\": \"" CQ
	              "\"},"
	              "{\"code\": \"mail.undelivered\", \"subject\": "
	              "\"/var/spool/mqueue\"},"
	              "{\"code\": \"mail.unread_root\", \"subject\": "
	              "\"/var/spool/mail/root\"},"
	              "{\"code\": \"spool.orphans\", \"subject\": \"" CQ
	              "\"}]}");

	(void)state;
	assert_string_equal(cause(r, 0), "-");
	assert_string_equal(cause(r, 1), "mta.down sendmail");
	assert_string_equal(cause(r, 2), "mta.down sendmail");
	assert_string_equal(cause(r, 3), "mta.down sendmail");
	assert_string_equal(cause(r, 4), "-"); /* nothing waits there */
	assert_string_equal(cause(r, 5), "-");
	assert_string_equal(cause(r, 6), "-");
	json_decref(r);
}

static void
test_queue_paths_hold_each_other_not_prefixes(void **state)
{
	json_t *r = links("{\"findings\": [" MTA_DOWN(
	    "{\"/var/spool/exim4/input/\": 2}") ","
	                                        "{\"code\": "
	                                        "\"mail.undelivered\", "
	                                        "\"subject\": "
	                                        "\"/var/spool/exim4\"},"
	                                        "{\"code\": "
	                                        "\"mail.undelivered\", "
	                                        "\"subject\": "
	                                        "\"/var/spool/exim\"},"
	                                        "{\"code\": \"spool.stale\", "
	                                        "\"subject\": "
	                                        "\"/var/spool/exim4/input/x\"},"
	                                        "{\"code\": \"spool.stale\", "
	                                        "\"subject\": "
	                                        "\"exim4/input\"}]}");

	(void)state;
	assert_string_equal(cause(r, 1), "mta.down sendmail");
	assert_string_equal(cause(r, 2), "-");
	assert_string_equal(cause(r, 3), "mta.down sendmail");
	assert_string_equal(cause(r, 4), "-");
	json_decref(r);
}

static void
test_nullmailer_queue(void **state)
{
	json_t *r =
	    links("{\"findings\": ["
	          "{\"code\": \"mta.down\", \"subject\": \"nullmailer\", "
	          "\"evidence\": {\"queued\": 3}},"
	          "{\"code\": \"mail.undelivered\", \"subject\": "
	          "\"/var/spool/nullmailer/queue\"},"
	          "{\"code\": \"mail.undelivered\", \"subject\": "
	          "\"/var/spool/dma\"}]}");

	(void)state;
	assert_string_equal(cause(r, 1), "mta.down nullmailer");
	assert_string_equal(cause(r, 2), "-");
	json_decref(r);
}

#define INODES                                                                 \
	"{\"code\": \"fs.inodes_high\", \"subject\": \"/var\", \"evidence\": " \
	"{\"spools\": [\"" CQ "\", \"/var/spool/mqueue\"]}}"
#define SYSERR(spool, sig)                                                     \
	"{\"code\": \"log.syserr\", \"subject\": \"" spool "\", "              \
	"\"evidence\": {\"spool\": \"" spool "\", \"spool_finding\": null, "   \
	"\"signatures\": [{\"signature\": \"" sig "\"}]}}"

static void
test_inodes_out_under_no_space_syserr(void **state)
{
	json_t *r = links("{\"findings\": [" INODES "," SYSERR(
	    CQ,
	    "collect: Cannot write ./dfID: No space left on "
	    "device") "," SYSERR("/var/spool/mqueue",
	                         "collect: Cannot write ./dfID: "
	                         "Permission denied") "," SYSERR("/srv/spool",
	                                                         "No space "
	                                                         "left on "
	                                                         "device") "]"
	                                                                   "}");

	(void)state;
	assert_string_equal(cause(r, 1), "fs.inodes_high /var");
	assert_string_equal(cause(r, 2), "-"); /* another errno */
	assert_string_equal(cause(r, 3), "-"); /* not on that filesystem */
	json_decref(r);
}

static void
test_spool_finding_comes_before_inodes(void **state)
{
	json_t *r = links(
	    "{\"findings\": [" INODES ","
	    "{\"code\": \"spool.not_writable_by_mta\", \"subject\": \"" CQ
	    "\"},"
	    "{\"code\": \"log.syserr\", \"subject\": \"" CQ "\", \"evidence\": "
	    "{\"spool\": \"" CQ "\", \"spool_finding\": "
	    "\"spool.not_writable_by_mta\", \"signatures\": [{\"signature\": "
	    "\"No space left on device\"}]}}]}");

	(void)state;
	assert_string_equal(cause(r, 2), "spool.not_writable_by_mta " CQ);
	json_decref(r);
}

static void
test_frozen_queue(void **state)
{
	json_t *r = links(
	    "{\"findings\": ["
	    "{\"code\": \"mail.frozen\", \"subject\": \"/var/spool/exim4\", "
	    "\"evidence\": {\"frozen\": 4, \"messages\": 4}},"
	    "{\"code\": \"mail.undelivered\", \"subject\": "
	    "\"/var/spool/exim4\"},"
	    "{\"code\": \"spool.stale\", \"subject\": "
	    "\"/var/spool/exim4/input\"}]}");
	json_t *some = links(
	    "{\"findings\": ["
	    "{\"code\": \"mail.frozen\", \"subject\": \"/var/spool/exim4\", "
	    "\"evidence\": {\"frozen\": 1, \"messages\": 4}},"
	    "{\"code\": \"mail.undelivered\", \"subject\": "
	    "\"/var/spool/exim4\"}]}");

	(void)state;
	assert_string_equal(cause(r, 1), "mail.frozen /var/spool/exim4");
	assert_string_equal(cause(r, 2), "mail.frozen /var/spool/exim4");
	assert_string_equal(cause(some, 1), "-");
	json_decref(r);
	json_decref(some);
}

static void
test_down_mta_comes_before_frozen(void **state)
{
	json_t *r = links(
	    "{\"findings\": ["
	    "{\"code\": \"mail.frozen\", \"subject\": \"/var/spool/exim4\", "
	    "\"evidence\": {\"frozen\": 4, \"messages\": 4}},"
	    "{\"code\": \"mail.undelivered\", \"subject\": "
	    "\"/var/spool/exim4\"}," MTA_DOWN(
	        "{\"/var/spool/exim4/input\": 4}") "]}");

	(void)state;
	assert_string_equal(cause(r, 1), "mta.down sendmail");
	json_decref(r);
}

#define CRON(failed, nomta)                                                    \
	"{\"code\": \"mail.cron_lost\", \"subject\": \"cron\", \"evidence\": " \
	"{\"lost\": " #failed ", \"mta_failed\": " #failed                     \
	", \"no_mta\": " #nomta "}}"

static void
test_cron_mail_lost_in_the_submission_queue(void **state)
{
	const char *spools =
	    "\"spools\": [{\"path\": \"" CQ "\", \"role\": \"msp_queue\"},"
	    "{\"path\": \"/var/spool/mqueue\", \"role\": \"mta_queue\"}]";
	char text[2048];
	json_t *r, *nomta, *other;

	snprintf(text, sizeof(text),
	         "{%s, \"findings\": [{\"code\": "
	         "\"spool.not_writable_by_mta\", \"subject\": \"" CQ "\"}, "
	         "%s]}",
	         spools, CRON(3, 0));
	r = links(text);
	snprintf(text, sizeof(text),
	         "{%s, \"findings\": [{\"code\": "
	         "\"spool.not_writable_by_mta\", \"subject\": \"" CQ "\"}, "
	         "%s]}",
	         spools, CRON(0, 3));
	nomta = links(text);
	snprintf(text, sizeof(text),
	         "{%s, \"findings\": [{\"code\": \"spool.missing\", "
	         "\"subject\": \"/var/spool/mqueue\"}, %s]}",
	         spools, CRON(3, 0));
	other = links(text);

	(void)state;
	assert_string_equal(cause(r, 1), "spool.not_writable_by_mta " CQ);
	assert_string_equal(cause(nomta, 1), "-"); /* no MTA at all */
	assert_string_equal(cause(other, 1), "-"); /* the MTA's own queue */
	json_decref(r);
	json_decref(nomta);
	json_decref(other);
}

static void
test_cron_mail_lost_in_a_queueless_relay(void **state)
{
	json_t *msmtp =
	    links("{\"mta\": {\"kind\": \"msmtp\"}, \"findings\": ["
	          "{\"code\": \"mta.down\", \"subject\": \"msmtp\"}," CRON(
	              2, 0) "]}");
	json_t *nullm =
	    links("{\"mta\": {\"kind\": \"nullmailer\"}, \"findings\": ["
	          "{\"code\": \"mta.down\", \"subject\": \"nullmailer\"}," CRON(
	              2, 0) "]}");

	(void)state;
	assert_string_equal(cause(msmtp, 1), "mta.down msmtp");
	/* nullmailer queues: its being down loses no cron mail */
	assert_string_equal(cause(nullm, 1), "-");
	json_decref(msmtp);
	json_decref(nullm);
}

#define EXIN "/var/spool/exim4/input"
#define DENIED(id)                                                             \
	"\"2026-02-15 09:20:02 " id " Failed to create spool file "            \
	"/var/spool/exim4//input//" id "-D: Permission denied\""
#define PANIC(lines)                                                           \
	"{\"code\": \"mta.paniclog\", \"subject\": "                           \
	"\"/var/log/exim4/paniclog\", \"evidence\": {\"last_lines\": [" lines  \
	"]}}"
#define UNWRITABLE(spool)                                                      \
	"{\"code\": \"spool.not_writable_by_mta\", \"subject\": \"" spool "\"" \
	"}"

static void
test_paniclog_of_an_unwritable_spool(void **state)
{
	json_t *all = links("{\"findings\": [" UNWRITABLE(EXIN) "," PANIC(
	    DENIED("1a") "," DENIED("1b")) "]}");
	json_t *mixed = links("{\"findings\": [" UNWRITABLE(EXIN) "," PANIC(
	    DENIED("1a") ",\"2026-02-15 09:21:00 Exim configuration error "
	                 "in line 12\"") "]}");
	json_t *other = links("{\"findings\": [" UNWRITABLE(
	    "/var/spool/exim4/msglog") "," PANIC(DENIED("1a")) "]}");
	json_t *none = links("{\"findings\": [" UNWRITABLE(EXIN) "," PANIC(
	    "\"Failed to create spool file "
	    "/var/spool/exim4/input/x\"") "," PANIC("") "]}");

	(void)state;
	assert_string_equal(cause(all, 1), "spool.not_writable_by_mta " EXIN);
	/* the paniclog says more than the spool: its own incident */
	assert_string_equal(cause(mixed, 1), "-");
	assert_string_equal(cause(other, 1), "-");
	assert_string_equal(cause(none, 1), "-");
	assert_string_equal(cause(none, 2), "-");
	json_decref(all);
	json_decref(mixed);
	json_decref(other);
	json_decref(none);
}

static void
test_no_self_no_chain_no_overwrite(void **state)
{
	/* a symptom code as the would-be cause, a symptom already linked,
	 * an mta.down whose evidence names its own subject */
	json_t *r = links(
	    "{\"findings\": ["
	    "{\"code\": \"mta.down\", \"subject\": \"" CQ "\", \"evidence\": "
	    "{\"queued_by_spool\": {\"" CQ "\": 1}}},"
	    "{\"code\": \"spool.stale\", \"subject\": \"" CQ "\", "
	    "\"caused_by\": {\"code\": \"spool.orphans\", \"subject\": \"x\"}},"
	    "{\"code\": \"log.syserr\", \"subject\": \"" CQ "\", \"evidence\": "
	    "{\"spool\": \"" CQ "\", \"spool_finding\": \"mail.undelivered\"}},"
	    "{\"code\": \"mail.undelivered\", \"subject\": \"" CQ "\"}]}");

	(void)state;
	assert_string_equal(cause(r, 0), "-");
	assert_string_equal(cause(r, 1), "spool.orphans x");
	assert_string_equal(cause(r, 2), "-");
	assert_string_equal(cause(r, 3), "mta.down " CQ);
	json_decref(r);
}

static void
test_reports_without_findings(void **state)
{
	json_t *a = links("{}");
	json_t *b = links("{\"findings\": {\"code\": \"log.syserr\"}}");
	json_t *c = links("{\"findings\": [1, \"x\", null, {}]}");

	(void)state;
	assert_null(json_object_get(
	    json_array_get(json_object_get(c, "findings"), 3), "caused_by"));
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_syserr_under_its_spool_finding),
	    cmocka_unit_test(test_syserr_needs_the_named_finding_on_that_spool),
	    cmocka_unit_test(test_down_mta_and_the_queues_it_serves),
	    cmocka_unit_test(test_queue_paths_hold_each_other_not_prefixes),
	    cmocka_unit_test(test_nullmailer_queue),
	    cmocka_unit_test(test_inodes_out_under_no_space_syserr),
	    cmocka_unit_test(test_spool_finding_comes_before_inodes),
	    cmocka_unit_test(test_frozen_queue),
	    cmocka_unit_test(test_down_mta_comes_before_frozen),
	    cmocka_unit_test(test_cron_mail_lost_in_the_submission_queue),
	    cmocka_unit_test(test_cron_mail_lost_in_a_queueless_relay),
	    cmocka_unit_test(test_paniclog_of_an_unwritable_spool),
	    cmocka_unit_test(test_no_self_no_chain_no_overwrite),
	    cmocka_unit_test(test_reports_without_findings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
