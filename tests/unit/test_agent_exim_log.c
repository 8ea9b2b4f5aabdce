/*
 * test_agent_exim_log.c - the Exim log and msglog parser on the logs a
 * real Exim 4.96 wrote (tests/data/exim/real-4.96), on lines quoted in
 * documentation and public bug reports (the tests/data/exim upstream logs),
 * and on damaged input.  Signatures must group what is the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "agent/parse/event_sig.h"
#include "agent/parse/exim_log.h"
#include "agent/parse/exim_paniclog.h"
#include "testdata.h"

static void
assert_span(struct sl_span s, const char *want)
{
	if (want == NULL) {
		if (s.p != NULL)
			fail_msg("got '%.*s', want nothing", (int)s.n, s.p);
		return;
	}
	if (s.p == NULL || s.n != strlen(want) || memcmp(s.p, want, s.n) != 0)
		fail_msg("got '%.*s', want '%s'", (int)s.n, s.p ? s.p : "",
		         want);
}

/* the line of a file that contains needle (first one) */
static struct sl_span
line_with(const char *text, size_t len, const char *needle)
{
	const char *hit = memmem(text, len, needle, strlen(needle));
	const char *s, *e;

	if (hit == NULL)
		fail_msg("no line with '%s'", needle);
	s = hit;
	while (s > text && s[-1] != '\n')
		s--;
	e = memchr(hit, '\n', (size_t)(text + len - hit));
	return (struct sl_span){s, (size_t)((e ? e : text + len) - s)};
}

static struct sl_clock clk;

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	sl_clock_init(&clk, 1796116930);
	return 0;
}

static void
test_real_mainlog(void **state)
{
	size_t len;
	char *t = testdata_read("exim/real-4.96/mainlog", &len);
	struct exim_line x;
	struct sl_span l;
	char sig[EVENT_SIG_MAX];

	(void)state;
	l = line_with(t, len, "defer (111)");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_DEFERRED);
	assert_int_equal(x.op, EXIM_OP_DEFER);
	assert_int_equal(x.ev.ts, 1796116926); /* 2026-12-01 09:22:06 UTC */
	assert_span(x.ev.program, "exim");
	assert_span(x.ev.queue_id, "1xYK3q-0003B1-1l");
	assert_span(x.addr, "ops@example.net");
	assert_span(x.ev.to, "ops@example.net");
	assert_span(x.router, "smarthost");
	assert_span(x.transport, "remote_smtp");
	assert_span(x.ev.relay, NULL);
	assert_true(x.has_code);
	assert_int_equal(x.code, 111);
	assert_span(x.ev.stat, "Connection refused");
	assert_span(x.ev.errno_text, "Connection refused");
	assert_false(x.retry_wait);
	event_signature(&x.ev, sig, sizeof(sig));
	assert_string_equal(sig, "exim: stat=Connection refused");

	l = line_with(t, len, "retry time not reached");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_DEFERRED);
	assert_int_equal(x.code, -54);
	assert_true(x.retry_wait);
	assert_span(x.ev.stat,
	            "retry time not reached for any host for 'example.net'");

	l = line_with(t, len, "** nosuchuser");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_BOUNCED);
	assert_int_equal(x.op, EXIM_OP_FAIL);
	assert_span(x.addr, "nosuchuser@host1.localdomain");
	assert_span(x.ev.stat, "Unrouteable address");

	l = line_with(t, len, "Frozen (delivery");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_WARNING);
	assert_int_equal(x.op, EXIM_OP_FROZEN);
	assert_false(x.repeat);
	assert_span(x.ev.queue_id, "1xYK3q-0003CB-32");
	assert_span(x.ev.message, "Frozen (delivery error message)");

	l = line_with(t, len, "Message is frozen");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_NONE);
	assert_int_equal(x.op, EXIM_OP_FROZEN);
	assert_true(x.repeat);

	l = line_with(t, len, "Failed to create spool file");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_OTHER);
	assert_int_equal(x.op, EXIM_OP_SPOOL);
	assert_span(x.ev.stage, "spool");
	assert_span(x.ev.errno_text, "Permission denied");
	assert_span(x.ev.path, "/var/spool/exim4//input//1xYK3r-0003Cm-0X-D");

	l = line_with(t, len, "<= <>");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_NONE);
	assert_int_equal(x.op, EXIM_OP_ARRIVAL);
	assert_span(x.addr, "<>");

	l = line_with(t, len, "=> admin");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_NONE);
	assert_int_equal(x.op, EXIM_OP_DELIVERY);
	assert_span(x.addr, "admin");

	l = line_with(t, len, "Completed");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_NONE);
	assert_int_equal(x.op, EXIM_OP_COMPLETED);

	l = line_with(t, len, "daemon started");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_NONE);
	assert_int_equal(x.op, EXIM_OP_NONE);
	assert_span(x.ev.queue_id, NULL);
	free(t);
}

/* every line of the real paniclog is a panic, or the continuation of
 * one ("  main option ... unknown") */
static void
test_real_paniclog(void **state)
{
	size_t len, entries = 0, cont = 0;
	char *t = testdata_read("exim/real-4.96/paniclog", &len);
	const char *p = t, *end = t + len;
	struct exim_line x;

	(void)state;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		enum sl_kind k = exim_log_parse(p, n, &clk, 1, &x);
		if (x.continuation) {
			assert_int_equal(k, SL_NONE);
			assert_span(
			    x.ev.message,
			    "  main option \"message_size_limt\" unknown");
			cont++;
		} else {
			assert_int_equal(k, SL_PANIC);
			assert_int_equal(x.op, EXIM_OP_PANIC);
			entries++;
		}
		p = nl ? nl + 1 : end;
	}
	assert_int_equal(entries, 4);
	assert_int_equal(cont, 1);
	free(t);
}

static void
test_upstream_mainlog(void **state)
{
	size_t len;
	char *t = testdata_read("exim/mainlog-upstream.log", &len);
	struct exim_line x;
	struct sl_span l;

	(void)state;
	l = line_with(t, len, "** bill@");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_BOUNCED);
	assert_span(x.router, "lookuphost");
	assert_span(x.transport, "smtp");
	assert_span(x.ev.stat,
	            "SMTP error from remote mailer after RCPT "
	            "TO:<bill@lager.vbrew.com>: host lager.vbrew.com "
	            "[192.168.157.2]: 550 <bill@lager.vbrew.com>... User "
	            "unknown");
	l = line_with(t, len, "== jim@");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_DEFERRED);
	assert_int_equal(x.code, 145);
	assert_span(x.ev.stat, "Connection timed out");
	l = line_with(t, len, "C=\"250 Queued");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 0, &x), SL_NONE);
	assert_int_equal(x.op, EXIM_OP_DELIVERY);
	assert_span(x.ev.relay, "company.name");
	free(t);
}

/* Exim through syslog: the message of the syslog line, with Exim's own
 * stamp (syslog_timestamp), +millisec, [pid] and a 4.97 id */
static void
test_upstream_syslog(void **state)
{
	size_t len;
	char *t = testdata_read("exim/syslog-upstream.log", &len);
	struct exim_line x;
	struct sl_event h;
	struct sl_span l;

	(void)state;
	l = line_with(t, len, "Read-only file system\n");
	assert_int_equal(sl_parse_header(l.p, l.n, &clk, &h), 0);
	assert_int_equal(exim_log_parse(h.message.p, h.message.n, &clk, 0, &x),
	                 SL_OTHER);
	assert_int_equal(x.op, EXIM_OP_SPOOL);
	assert_span(x.ev.errno_text, "Read-only file system");
	assert_span(x.ev.queue_id, "1cIznJ-00004v-CN");

	l = line_with(t, len, "Cannot open main log");
	assert_int_equal(sl_parse_header(l.p, l.n, &clk, &h), 0);
	assert_int_equal(exim_log_parse(h.message.p, h.message.n, &clk, 0, &x),
	                 SL_FATAL);
	assert_span(x.ev.path, "/var/log/exim4/mainlog");
	assert_int_equal(x.ev.euid, 114);
	assert_int_equal(x.ev.gid, 122);

	l = line_with(t, len, "could not open panic log");
	assert_int_equal(sl_parse_header(l.p, l.n, &clk, &h), 0);
	assert_int_equal(exim_log_parse(h.message.p, h.message.n, &clk, 0, &x),
	                 SL_FATAL);

	l = line_with(t, len, "** test@domain.ru");
	assert_int_equal(sl_parse_header(l.p, l.n, &clk, &h), 0);
	assert_int_equal(exim_log_parse(h.message.p, h.message.n, &clk, 0, &x),
	                 SL_BOUNCED);
	assert_span(x.ev.pid, "47012");
	assert_span(x.ev.queue_id, "1tixMn-00000000C5j-1wRa");
	assert_int_equal(x.ev.ts, 1739556753); /* 2025-02-14 18:12:33 UTC */
	assert_span(x.transport, "dovecot_delivery");
	free(t);
}

static void
test_upstream_paniclog(void **state)
{
	size_t len;
	char *t = testdata_read("exim/paniclog-upstream.log", &len);
	struct exim_line x;
	struct sl_span l;
	char a[EVENT_SIG_MAX], b[EVENT_SIG_MAX];

	(void)state;
	l = line_with(t, len, "03:08:59 1gfiaO");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 1, &x), SL_PANIC);
	assert_span(x.ev.stage, "spool");
	assert_span(x.ev.errno_text, "No space left on device");
	event_signature(&x.ev, a, sizeof(a));
	l = line_with(t, len, "03:09:01 1gfqHH-00051X-GC spool");
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 1, &x), SL_PANIC);
	event_signature(&x.ev, b, sizeof(b));
	assert_string_equal(a, b);
	l = line_with(t, len, "\n: No space");
	l.p++;
	l.n--;
	assert_int_equal(exim_log_parse(l.p, l.n, &clk, 1, &x), SL_NONE);
	assert_true(x.continuation);
	free(t);
}

static void
test_stamps(void **state)
{
	time_t ts = 0;
	struct exim_line x;
	static const char zoned[] =
	    "2026-12-01 10:22:06 +0100 1xYK3q-0003B1-1l == a@b defer (-1): x";
	static const char ms_pid[] =
	    "2026-12-01 09:22:06.123 [42] 1xYK3q-0003B1-1l Completed";

	(void)state;
	assert_int_equal(exim_stamp("2026-12-01 09:22:06", 19, &clk, &ts), 19);
	assert_int_equal(ts, 1796116926);
	assert_int_equal(exim_log_parse(zoned, strlen(zoned), &clk, 0, &x),
	                 SL_DEFERRED);
	assert_int_equal(x.ev.ts, 1796116926);
	assert_int_equal(exim_log_parse(ms_pid, strlen(ms_pid), &clk, 0, &x),
	                 SL_NONE);
	assert_int_equal(x.op, EXIM_OP_COMPLETED);
	assert_span(x.ev.pid, "42");
	assert_int_equal(x.ev.ts, 1796116926);
	assert_int_equal(exim_stamp("2026-13-01 09:22:06", 19, &clk, &ts), 0);
	assert_int_equal(exim_stamp("2026-12-01 25:22:06", 19, &clk, &ts), 0);
	assert_int_equal(exim_stamp("2026-12-01", 10, &clk, &ts), 0);
	assert_int_equal(exim_log_parse("", 0, &clk, 0, &x), SL_NONE);
	assert_int_equal(exim_log_parse("==", 2, &clk, 0, &x), SL_NONE);
	assert_int_equal(exim_log_parse("== ", 3, &clk, 0, &x), SL_DEFERRED);
	assert_int_equal(exim_log_parse("x defer (12", 11, &clk, 0, &x),
	                 SL_NONE);
}

static void
test_real_msglogs(void **state)
{
	size_t len;
	char *t;
	struct exim_msglog m;

	(void)state;
	/* delivered to root, deferred for ops@ */
	t = testdata_read("exim/real-4.96/msglog/1xYK3q-0003B1-1l", &len);
	assert_int_equal(exim_msglog_parse(t, len, &clk, &m), 0);
	assert_span(m.addr, "ops@example.net");
	assert_span(m.reason, "Connection refused");
	assert_span(m.cause, "Connection refused");
	assert_false(m.fail);
	assert_false(m.frozen);
	assert_int_equal(m.ts, 1796116926);
	free(t);
	/* only the retry wait: no cause known here */
	t = testdata_read("exim/real-4.96/msglog/1xYK3q-0003Be-2L", &len);
	assert_int_equal(exim_msglog_parse(t, len, &clk, &m), 0);
	assert_true(m.retry_wait);
	assert_span(m.cause, NULL);
	free(t);
	/* frozen after "remote host address is the local host" */
	t = testdata_read("exim/real-4.96/msglog/1xYK3q-0003Bz-2j", &len);
	assert_int_equal(exim_msglog_parse(t, len, &clk, &m), 0);
	assert_true(m.frozen);
	assert_span(m.frozen_note, NULL);
	assert_span(m.reason, "remote host address is the local host");
	assert_span(m.addr, "ops@broken.example");
	free(t);
	/* a bounce that failed: frozen (delivery error message) */
	t = testdata_read("exim/real-4.96/msglog/1xYK3q-0003CB-32", &len);
	assert_int_equal(exim_msglog_parse(t, len, &clk, &m), 0);
	assert_true(m.frozen);
	assert_true(m.fail);
	assert_span(m.frozen_note, "delivery error message");
	assert_span(m.reason, "Unrouteable address");
	assert_span(m.addr, "nosuchuser@host1.localdomain");
	free(t);
	/* received, never tried (the daemon was down) */
	t = testdata_read("exim/real-4.96/msglog/1xYK3s-0003Gz-2G", &len);
	assert_int_equal(exim_msglog_parse(t, len, &clk, &m), -1);
	assert_int_equal(m.lines, 1);
	free(t);
}

static void
test_msglog_refrozen_and_thawed(void **state)
{
	static const char thawed[] =
	    "2026-12-01 09:00:00 a@b R=r defer (-1): first\n"
	    "*** Frozen\n"
	    "2026-12-01 10:00:00 a@b R=r T=t defer (110): Connection timed "
	    "out\n";
	static const char smtp_fail[] =
	    "2026-12-01 09:00:00 ** a@b R=r T=t: SMTP error from remote mail "
	    "server after RCPT TO:<a@b>: 550 no such user\n";
	struct exim_msglog m;

	(void)state;
	assert_int_equal(exim_msglog_parse(thawed, strlen(thawed), &clk, &m),
	                 0);
	assert_false(m.frozen);
	assert_span(m.reason, "Connection timed out");
	assert_int_equal(
	    exim_msglog_parse(smtp_fail, strlen(smtp_fail), &clk, &m), 0);
	assert_true(m.fail);
	assert_span(m.addr, "a@b");
	assert_span(m.reason, "SMTP error from remote mail server after RCPT "
	                      "TO:<a@b>: 550 no such user");
	assert_int_equal(exim_msglog_parse("", 0, &clk, &m), -1);
	assert_int_equal(exim_msglog_parse("*** Frozen", 10, &clk, &m), 0);
	assert_true(m.frozen);
}

/* the paniclog as entries: continuations joined, the last five kept,
 * the newest parsed; a tail that starts inside an entry */
static void
test_paniclog_entries(void **state)
{
	size_t len;
	char *t = testdata_read("exim/paniclog-upstream.log", &len);
	struct exim_paniclog pl;

	(void)state;
	assert_int_equal(exim_paniclog_parse(t, len, 0, &clk, &pl), 8);
	assert_false(pl.cut);
	assert_int_equal(pl.nlast, EXIM_PANIC_KEEP);
	assert_int_equal(pl.first_ts, 1546744139);
	assert_int_equal(pl.last_ts, 1634741475);
	assert_span(pl.last[0], "2019-01-06 03:09:00 1gfgVC-00049x-Fc failed "
	                        "to write journal for ljouanneau@gmail.com\n"
	                        ": No space left on device");
	assert_span(pl.last[4],
	            "2021-10-20 14:51:15 Cannot open main log file "
	            "\"/var/log/exim4/mainlog\": Permission denied: "
	            "euid=0 egid=101");
	assert_int_equal(pl.newest.op, EXIM_OP_PANIC);
	assert_span(pl.newest.ev.errno_text, "Permission denied");
	assert_span(pl.newest.ev.path, "/var/log/exim4/mainlog");
	free(t);

	t = testdata_read("exim/real-4.96/paniclog", &len);
	assert_int_equal(exim_paniclog_parse(t, len, 0, &clk, &pl), 4);
	assert_span(pl.last[0],
	            "2026-12-01 09:22:07 Exim configuration error in line 9 of "
	            "/etc/exim4/exim4.conf:\n  main option "
	            "\"message_size_limt\" unknown");
	/* from the middle of the first line: it is skipped */
	assert_int_equal(exim_paniclog_parse(t + 5, len - 5, 1, &clk, &pl), 3);
	assert_true(pl.cut);
	free(t);
	assert_int_equal(exim_paniclog_parse("", 0, 0, &clk, &pl), 0);
	assert_int_equal(pl.last_ts, -1);
	assert_int_equal(pl.nlast, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_mainlog),
	    cmocka_unit_test(test_real_paniclog),
	    cmocka_unit_test(test_upstream_mainlog),
	    cmocka_unit_test(test_upstream_syslog),
	    cmocka_unit_test(test_upstream_paniclog),
	    cmocka_unit_test(test_stamps),
	    cmocka_unit_test(test_real_msglogs),
	    cmocka_unit_test(test_msglog_refrozen_and_thawed),
	    cmocka_unit_test(test_paniclog_entries),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
