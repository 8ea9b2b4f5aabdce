/*
 * test_agent_journal_entry.c - journalctl JSON lines (real ones, from
 * tests/data/journal/journalctl-json.txt) decoded and turned into the
 * syslog-form line the syslog parser reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testdata.h"

#include "agent/parse/journal_entry.h"
#include "agent/parse/syslog_parse.h"

#define assert_span(sp, want)                                                  \
	do {                                                                   \
		assert_non_null((sp).p);                                       \
		assert_int_equal((sp).n, strlen(want));                        \
		assert_memory_equal((sp).p, want, strlen(want));               \
	} while (0)

static char scratch[JOURNAL_SCRATCH_MAX];

/* real_line - line k (0-based) of the captured journalctl output */
static size_t
real_line(int k, char *buf, size_t n)
{
	char path[TESTDATA_PATH_MAX];
	FILE *fp =
	    fopen(testdata_path("journal/journalctl-json.txt", path), "r");
	size_t l = 0;

	assert_non_null(fp);
	for (int i = 0; i <= k; i++)
		assert_non_null(fgets(buf, (int)n, fp));
	fclose(fp);
	l = strlen(buf);
	return l;
}

static void
test_plain(void **state)
{
	struct journal_entry e;
	char buf[4096], line[1024];
	size_t n = real_line(0, buf, sizeof(buf));

	(void)state;
	assert_int_equal(
	    journal_entry_parse(buf, n, &e, scratch, sizeof(scratch)), 0);
	assert_span(e.message, "line one");
	assert_span(e.ident, "CRON");
	assert_span(e.comm, "cron");
	assert_span(e.pid, "2001");
	assert_span(e.hostname, "host1");
	assert_int_equal(e.realtime_us, 1771118402000000LL);
	assert_non_null(e.cursor.p);
	assert_true(e.cursor.n > 100);
	assert_memory_equal(e.cursor.p, "s=1600004f", 10);
	assert_int_equal(journal_entry_line(&e, line, sizeof(line)),
	                 strlen("2026-02-15T01:20:02.000000Z host1 "
	                        "CRON[2001]: line one"));
	assert_string_equal(line,
	                    "2026-02-15T01:20:02.000000Z host1 CRON[2001]: "
	                    "line one");
}

static void
test_bytes_and_multi(void **state)
{
	struct journal_entry e;
	struct sl_event ev;
	struct sl_clock clk;
	char buf[4096], line[1024];
	size_t n = real_line(1, buf, sizeof(buf));

	(void)state;
	assert_int_equal(
	    journal_entry_parse(buf, n, &e, scratch, sizeof(scratch)), 0);
	assert_span(e.message, "bad \xff byte: status=deferred");
	journal_entry_line(&e, line, sizeof(line));
	assert_string_equal(line, "2026-02-15T01:20:03.000000Z host1 "
	                          "postfix/smtp[1234]: bad \xff byte: "
	                          "status=deferred");
	/* the line reads back through the syslog parser */
	sl_clock_init(&clk, 1771118403);
	assert_int_equal(sl_parse_header(line, strlen(line), &clk, &ev), 0);
	assert_int_equal(ev.ts, 1771118403);
	assert_span(ev.host, "host1");
	assert_span(ev.program, "postfix/smtp");
	assert_span(ev.pid, "1234");

	n = real_line(2, buf, sizeof(buf));
	assert_int_equal(
	    journal_entry_parse(buf, n, &e, scratch, sizeof(scratch)), 0);
	assert_span(e.message, "first"); /* the first of two values */
	assert_null(e.pid.p);
	journal_entry_line(&e, line, sizeof(line));
	assert_string_equal(line, "2026-02-15T01:20:04.000000Z host1 "
	                          "postfix/smtp: first");
}

static void
test_escapes_and_pid(void **state)
{
	struct journal_entry e;
	char buf[4096], line[1024];
	size_t n = real_line(3, buf, sizeof(buf));

	(void)state;
	assert_int_equal(
	    journal_entry_parse(buf, n, &e, scratch, sizeof(scratch)), 0);
	assert_span(e.message, "a\n");
	assert_span(e.pid, "77"); /* SYSLOG_PID before _PID */
	assert_null(e.hostname.p);
	journal_entry_line(&e, line, sizeof(line));
	assert_string_equal(line, "2026-02-15T01:20:05.123456Z msmtp[77]: a");

	/* escapes and control characters, written as rsyslog does */
	{
		const char *j =
		    "{\"__REALTIME_TIMESTAMP\":\"1771118405000000\","
		    "\"SYSLOG_IDENTIFIER\":\"msmtp\",\"MESSAGE\":"
		    "\"two\\nlines \\u00e9 \\\"q\\\"\\\\ \\ud83d"
		    "\\ude00 \\ud800x\"}";
		assert_int_equal(journal_entry_parse(j, strlen(j), &e, scratch,
		                                     sizeof(scratch)),
		                 0);
		assert_span(e.message, "two\nlines \xc3\xa9 \"q\"\\ "
		                       "\xf0\x9f\x98\x80 \xef\xbf\xbdx");
		journal_entry_line(&e, line, sizeof(line));
		assert_string_equal(line,
		                    "2026-02-15T01:20:05.000000Z msmtp: two#012"
		                    "lines \xc3\xa9 \"q\"\\ \xf0\x9f\x98\x80 "
		                    "\xef\xbf\xbdx");
	}
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = {
	    "",
	    "[]",
	    "{",
	    "{\"MESSAGE\"}",
	    "{\"MESSAGE\":\"x}",
	    "{\"MESSAGE\":\"x\\q\"}",
	    "{\"MESSAGE\":{\"a\":1}}",
	    "{\"MESSAGE\":[1,2,256]}",
	    "{\"MESSAGE\":[[[[[1]]]]]}",
	    "{\"MESSAGE\":\"x\"} trailing",
	    "{\"MESSAGE\":\"\\u12\"}",
	};
	struct journal_entry e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(journal_entry_parse(bad[i], strlen(bad[i]), &e,
		                                     scratch, sizeof(scratch)),
		                 -1);
	/* null values and numbers are skipped; no time: no line */
	{
		const char *j = "{\"MESSAGE\":null,\"X\":12.5e3,\"Y\":true,"
		                "\"SYSLOG_IDENTIFIER\":\"sendmail\"}\n";
		char line[128];
		assert_int_equal(journal_entry_parse(j, strlen(j), &e, scratch,
		                                     sizeof(scratch)),
		                 0);
		assert_null(e.message.p);
		assert_int_equal(e.realtime_us, -1);
		assert_int_equal(journal_entry_line(&e, line, sizeof(line)), 0);
	}
}

static void
test_long_message_keeps_cursor(void **state)
{
	size_t big = 3 * JOURNAL_SCRATCH_MAX;
	char *j = malloc(big + 200), line[512];
	struct journal_entry e;
	size_t n;

	(void)state;
	n = (size_t)snprintf(j, 200,
	                     "{\"__REALTIME_TIMESTAMP\":\"1\",\"SYSLOG_"
	                     "IDENTIFIER\":\"dma\",\"MESSAGE\":\"");
	memset(j + n, 'x', big);
	n += big;
	n += (size_t)snprintf(j + n, 200, "\",\"__CURSOR\":\"s=1;i=9\"}");
	assert_int_equal(
	    journal_entry_parse(j, n, &e, scratch, sizeof(scratch)), 0);
	assert_true(e.message_cut);
	assert_true(e.message.n < JOURNAL_SCRATCH_MAX);
	assert_span(e.cursor, "s=1;i=9");
	/* the line is cut to the buffer, never past it */
	assert_int_equal(journal_entry_line(&e, line, sizeof(line)),
	                 sizeof(line) - 1);
	free(j);
}

static void
test_mail_programs(void **state)
{
	static const char *const yes[] = {"sendmail",
	                                  "sm-mta",
	                                  "sm-msp-queue",
	                                  "postfix/smtp",
	                                  "postfix-out/qmgr",
	                                  "exim4",
	                                  "nullmailer",
	                                  "msmtp",
	                                  "dma",
	                                  "sSMTP",
	                                  "CRON",
	                                  "crond"};
	static const char *const no[] = {"systemd", "postfixx", "sshd",
	                                 "cronjob", "dmarc",    ""};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(journal_mail_program(yes[i], strlen(yes[i])));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(journal_mail_program(no[i], strlen(no[i])));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_bytes_and_multi),
	    cmocka_unit_test(test_escapes_and_pid),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_long_message_keeps_cursor),
	    cmocka_unit_test(test_mail_programs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
