/*
 * test_agent_exim_findings.c - mail.frozen over the spool a real Exim
 * 4.96 left (tests/data/exim/real-4.96) and mta.paniclog over its
 * paniclog and a public one: severity, evidence and a remedy that names
 * the cause.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent/cycle.h"
#include "agent/exim_findings.h"
#include "common/fsutil.h"

static const char *
top(void)
{
	const char *t = getenv("SPOOLWATCH_TOP");
	return t ? t : ".";
}

static void
new_cycle(struct cycle *c, time_t now)
{
	memset(c, 0, sizeof(*c));
	c->root = "";
	c->now = now;
	c->report = json_pack("{s:[], s:[]}", "findings", "errors");
	c->findings = json_object_get(c->report, "findings");
	c->errors = json_object_get(c->report, "errors");
}

static void
debian_host(struct exim_host *h)
{
	memset(h, 0, sizeof(*h));
	h->present = 1;
	h->flavour = EXIM_DEBIAN;
	exim_conf_defaults(&h->conf, EXIM_DEBIAN);
	strcpy(h->conf_path, "/etc/exim4/exim4.conf");
}

static void
test_frozen(void **state)
{
	char path[4096], err[256];
	struct exim_queue q;
	struct exim_host h;
	struct sl_clock clk;
	struct cycle c;
	json_t *f, *ev;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/exim/real-4.96", top());
	fd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	sl_clock_init(&clk, 1796116930);
	assert_int_equal(exim_queue_scan(fd, 1796116930, &clk, &q, NULL, NULL,
	                                 err, sizeof(err)),
	                 0);
	close(fd);
	debian_host(&h);
	new_cycle(&c, 1796116926 + 7200);
	exim_frozen_finding(&c, &h, "/var/spool/exim4", &q);
	f = cycle_find_finding(&c, "mail.frozen", "/var/spool/exim4");
	assert_non_null(f);
	/* one of the two frozen is real mail, not a bounce: critical */
	assert_string_equal(json_string_value(json_object_get(f, "severity")),
	                    "critical");
	ev = json_object_get(f, "evidence");
	assert_int_equal(json_integer_value(json_object_get(ev, "frozen")), 2);
	assert_int_equal(json_integer_value(json_object_get(ev, "bounces")), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(ev, "oldest_age_s")), 7200);
	assert_int_equal(json_array_size(json_object_get(ev, "top_reasons")),
	                 2);
	assert_non_null(strstr(json_string_value(json_object_get(f, "remedy")),
	                       "exim -qff"));
	assert_non_null(strstr(json_string_value(json_object_get(f, "remedy")),
	                       "exim -Mt 1xYK3q-"));
	assert_non_null(strstr(json_string_value(json_object_get(f, "message")),
	                       "2 frozen messages in /var/spool/exim4"));
	json_decref(c.report);

	/* nothing frozen: no finding */
	memset(&q, 0, sizeof(q));
	new_cycle(&c, 1796116930);
	exim_frozen_finding(&c, &h, "/var/spool/exim4", &q);
	assert_int_equal(json_array_size(c.findings), 0);
	json_decref(c.report);
}

static void
test_frozen_remedies(void **state)
{
	struct exim_queue q;
	struct exim_host h;
	struct cycle c;
	const char *r;

	(void)state;
	debian_host(&h);
	memset(&q, 0, sizeof(q));
	q.frozen = q.messages = 3;
	q.oldest_frozen = 1000;
	q.nreasons = 1;
	strcpy(q.reasons[0].text, "remote host address is the local host");
	strcpy(q.reasons[0].oldest_id, "1xYK3q-0003Bz-2j");
	q.reasons[0].count = 3;
	new_cycle(&c, 5000);
	exim_frozen_finding(&c, &h, "/var/spool/exim4", &q);
	r = json_string_value(
	    json_object_get(json_array_get(c.findings, 0), "remedy"));
	assert_non_null(strstr(r, "fix the router in /etc/exim4/exim4.conf"));
	json_decref(c.report);

	/* only bounces to nowhere: a warning, remove them */
	q.frozen_bounces = 3;
	strcpy(q.reasons[0].text, "Unrouteable address");
	q.reasons[0].bounce = 1;
	new_cycle(&c, 5000);
	exim_frozen_finding(&c, &h, "/var/spool/exim4", &q);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(c.findings, 0), "severity")),
	                    "warning");
	r = json_string_value(
	    json_object_get(json_array_get(c.findings, 0), "remedy"));
	assert_non_null(strstr(r, "exim -Mrm 1xYK3q-0003Bz-2j"));
	json_decref(c.report);

	q.frozen_bounces = 0;
	q.reasons[0].bounce = 0;
	strcpy(q.reasons[0].text, "Connection refused");
	strcpy(h.debconf.smarthost, "relay.example.com::587");
	new_cycle(&c, 5000);
	exim_frozen_finding(&c, &h, "/var/spool/exim4", &q);
	r = json_string_value(
	    json_object_get(json_array_get(c.findings, 0), "remedy"));
	assert_non_null(strstr(r, "relay.example.com::587 is not reachable"));
	json_decref(c.report);
}

static void
paniclog(const char *rel, struct exim_paniclog *pl, char **text,
         long long *bytes)
{
	char path[4096], why[256];
	struct sl_clock clk;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", top(), rel);
	n = read_file_capped(path, text, 1 << 20, why, sizeof(why));
	if (n < 0)
		fail_msg("%s", why);
	sl_clock_init(&clk, 1796116930);
	exim_paniclog_parse(*text, (size_t)n, 0, &clk, pl);
	*bytes = n;
}

static void
test_paniclog(void **state)
{
	struct exim_paniclog pl;
	struct exim_host h;
	struct cycle c;
	long long bytes;
	char *text;
	json_t *f, *ev;
	const char *r;

	(void)state;
	setenv("TZ", "UTC", 1);
	debian_host(&h);
	paniclog("tests/data/exim/real-4.96/paniclog", &pl, &text, &bytes);
	new_cycle(&c, 1796116930);
	exim_paniclog_finding(&c, &h, "/var/log/exim4/paniclog", bytes, &pl);
	f = cycle_find_finding(&c, "mta.paniclog", "/var/log/exim4/paniclog");
	assert_non_null(f);
	assert_string_equal(json_string_value(json_object_get(f, "severity")),
	                    "critical");
	ev = json_object_get(f, "evidence");
	assert_int_equal(json_integer_value(json_object_get(ev, "entries")), 4);
	assert_int_equal(json_array_size(json_object_get(ev, "last_lines")), 4);
	assert_string_equal(
	    json_string_value(
	        json_array_get(json_object_get(ev, "last_lines"), 0)),
	    "2026-12-01 09:22:07 Exim configuration error in line 9 of "
	    "/etc/exim4/exim4.conf:\n  main option \"message_size_limt\" "
	    "unknown");
	/* the newest entry: Permission denied on the spool */
	r = json_string_value(json_object_get(f, "remedy"));
	assert_non_null(strstr(r, "chown -R Debian-exim:Debian-exim "
	                          "/var/spool/exim4 && chmod 0750 "
	                          "/var/spool/exim4/input"));
	assert_non_null(strstr(r, ": > /var/log/exim4/paniclog"));
	json_decref(c.report);
	free(text);

	/* a public one, years old: a warning; its newest entry is a log
	 * file the Exim user cannot open */
	paniclog("tests/data/exim/paniclog-upstream.log", &pl, &text, &bytes);
	new_cycle(&c, 1796116930);
	exim_paniclog_finding(&c, &h, "/var/log/exim4/paniclog", bytes, &pl);
	f = json_array_get(c.findings, 0);
	assert_string_equal(json_string_value(json_object_get(f, "severity")),
	                    "warning");
	r = json_string_value(json_object_get(f, "remedy"));
	assert_non_null(
	    strstr(r, "chown Debian-exim:adm /var/log/exim4/mainlog"));
	json_decref(c.report);
	free(text);

	/* empty: nothing */
	memset(&pl, 0, sizeof(pl));
	new_cycle(&c, 1796116930);
	exim_paniclog_finding(&c, &h, "/var/log/exim4/paniclog", 0, &pl);
	assert_int_equal(json_array_size(c.findings), 0);
	json_decref(c.report);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_frozen),
	    cmocka_unit_test(test_frozen_remedies),
	    cmocka_unit_test(test_paniclog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
