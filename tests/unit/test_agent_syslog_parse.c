/*
 * test_agent_syslog_parse.c - the line parser on every line form of the
 * formats reference and on the real sample files, year inference, the
 * signature, the prefilter implementations, and hostile input.
 */
#include <errno.h>
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
#include "agent/parse/prefilter.h"
#include "agent/parse/syslog_parse.h"
#include "common/timeutil.h"
#include "testdata.h"

/* 2016-02-20T00:00:00Z: the anchor of the incident's lines */
#define ANCHOR_2016 1455926400

static struct sl_clock clk;

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	sl_clock_init(&clk, ANCHOR_2016);
	return 0;
}

static enum sl_kind
parse(const char *line, struct sl_event *ev)
{
	return sl_parse_line(line, strlen(line), &clk, ev);
}

#define assert_span(sp, want)                                                  \
	do {                                                                   \
		assert_non_null((sp).p);                                       \
		assert_int_equal((sp).n, strlen(want));                        \
		assert_memory_equal((sp).p, want, strlen(want));               \
	} while (0)

static void
assert_ts(time_t t, const char *want)
{
	char b[RFC3339_LEN];
	rfc3339_format(t, b, sizeof(b));
	assert_string_equal(b, want);
}

static void
test_incident_syserr_collect(void **state)
{
	struct sl_event ev;
	(void)state;
	assert_int_equal(
	    parse("Feb 15 09:20:02 host1.example.com sendmail[7134]: "
	          "u1F1K2am007134: SYSERR(root): collect: Cannot write "
	          "./dfu1F1K2am007134 (bfcommit, uid=51, gid=51): "
	          "Permission denied",
	          &ev),
	    SL_SYSERR);
	assert_ts(ev.ts, "2016-02-15T09:20:02Z");
	assert_span(ev.host, "host1.example.com");
	assert_span(ev.program, "sendmail");
	assert_span(ev.pid, "7134");
	assert_span(ev.queue_id, "u1F1K2am007134");
	assert_span(ev.user, "root");
	assert_span(ev.stage, "collect");
	assert_span(ev.errno_text, "Permission denied");
	assert_span(ev.path, "./dfu1F1K2am007134");
	assert_int_equal(ev.uid, 51);
	assert_int_equal(ev.gid, 51);
	assert_int_equal(ev.euid, -1);
	assert_true(ev.message.n > 7 &&
	            memcmp(ev.message.p, "SYSERR(", 7) == 0);
}

static void
test_incident_syserr_queueup(void **state)
{
	struct sl_event ev;
	(void)state;
	assert_int_equal(
	    parse("Feb 15 09:20:02 host1.example.com sendmail[7134]: "
	          "u1F1K2am007134: SYSERR(root): queueup: cannot create "
	          "queue file ./qfu1F1K2am007134, euid=51, fd=-1, "
	          "fp=0x0: Permission denied",
	          &ev),
	    SL_SYSERR);
	assert_span(ev.stage, "queueup");
	assert_span(ev.path, "./qfu1F1K2am007134");
	assert_int_equal(ev.euid, 51);
	assert_int_equal(ev.uid, -1);
	assert_int_equal(ev.gid, -1);
	assert_span(ev.errno_text, "Permission denied");
}

static void
test_old_queue_id_and_no_stage(void **state)
{
	struct sl_event ev;
	(void)state;
	assert_int_equal(
	    parse("Oct 17 08:59:24 peradam.cs.colorado.edu "
	          "sendmail[21601]: e9HExOW21601: SYSERR(root): Can't "
	          "create transcript file ./xfe9HExOW21601: Permission "
	          "denied",
	          &ev),
	    SL_SYSERR);
	assert_span(ev.queue_id, "e9HExOW21601");
	assert_null(ev.stage.p);
	assert_span(ev.path, "./xfe9HExOW21601");
	assert_span(ev.errno_text, "Permission denied");
	assert_ts(ev.ts, "2015-10-17T08:59:24Z"); /* before the anchor */
}

static void
test_other_syserr_forms(void **state)
{
	struct sl_event ev;
	(void)state;
	assert_int_equal(
	    parse("Feb 15 09:00:00 h sm-mta[1]: NOQUEUE: SYSERR(UID51): "
	          "can not chdir(/var/spool/mqueue/): Permission denied",
	          &ev),
	    SL_SYSERR);
	assert_null(ev.queue_id.p);
	assert_span(ev.user, "UID51");
	assert_span(ev.path, "/var/spool/mqueue/");
	assert_int_equal(
	    parse("Feb 15 09:00:00 h sendmail[2]: SYSERR(root): "
	          "opendaemonsocket: daemon MTA: cannot bind: Address "
	          "already in use",
	          &ev),
	    SL_SYSERR);
	assert_span(ev.stage, "opendaemonsocket");
	assert_span(ev.errno_text, "Address already in use");
	assert_null(ev.path.p);
	assert_int_equal(
	    parse("Feb 15 09:00:00 h sendmail[3]: u1F1K2am007134[2]: "
	          "SYSERR(root): putbody: write error: Broken pipe",
	          &ev),
	    SL_SYSERR);
	assert_span(ev.queue_id, "u1F1K2am007134");
	/* any program with a SYSERR (custom -L ident) */
	assert_int_equal(
	    parse("Feb 15 09:00:00 h mymta[4]: u1F1K2am007134: "
	          "SYSERR(root): collect: Cannot write ./dfu1F1K2am007134 "
	          "(bfcommit, uid=0, gid=0): No space left on device",
	          &ev),
	    SL_SYSERR);
	assert_span(ev.errno_text, "No space left on device");
	assert_int_equal(ev.uid, 0);
}

static void
test_sendmail_delivery(void **state)
{
	struct sl_event ev;
	(void)state;
	assert_int_equal(
	    parse("Feb 15 23:29:01 r11b05038.dg.aliyun.com "
	          "sendmail[11761]: u1FFT1S6011761: to=root, "
	          "ctladdr=root (0/0), delay=00:00:00, xdelay=00:00:00, "
	          "mailer=relay, pri=30416, relay=[127.0.0.1] "
	          "[127.0.0.1], dsn=4.0.0, stat=Deferred: Connection "
	          "refused by [127.0.0.1]",
	          &ev),
	    SL_DEFERRED);
	assert_span(ev.to, "root");
	assert_span(ev.relay, "[127.0.0.1] [127.0.0.1]");
	assert_span(ev.dsn, "4.0.0");
	assert_span(ev.stat, "Deferred: Connection refused by [127.0.0.1]");
	assert_int_equal(parse("Feb 15 23:29:01 h sendmail[1]: u1FFT1S6011761: "
	                       "to=<a@x>,<b@y>, delay=00:00:01, mailer=esmtp, "
	                       "pri=1, relay=mx.y. [192.0.2.1], dsn=5.1.1, "
	                       "stat=User unknown",
	                       &ev),
	                 SL_BOUNCED);
	assert_span(ev.to, "<a@x>,<b@y>");
	assert_span(ev.stat, "User unknown");
	assert_int_equal(parse("Nov 28 14:49:10 host1 sendmail[23640]: "
	                       "6ASEnAu5023639: to=<root@host1.localdomain>, "
	                       "ctladdr=<root@host1.localdomain> (0/0), "
	                       "delay=00:00:00, xdelay=00:00:00, mailer=local, "
	                       "pri=30777, relay=local, dsn=2.1.5, stat=Sent",
	                       &ev),
	                 SL_NONE);
	assert_int_equal(parse("Nov 28 14:49:10 host1 sendmail[23598]: "
	                       "6ASEnAvr023598: from=root, size=306, class=0, "
	                       "nrcpts=1, relay=root@localhost",
	                       &ev),
	                 SL_NONE);
	assert_int_equal(
	    parse("Feb 23 21:36:14 petermurray sm-mta[22248]: "
	          "s1NLaDQT022248: ruleset=check_rcpt, arg1=<x@y>, "
	          "relay=h [80.253.155.119] (may be forged), "
	          "reject=550 5.7.1 <x@y>... Relaying denied.",
	          &ev),
	    SL_NONE);
}

static void
test_sendmail_queue_trouble(void **state)
{
	struct sl_event ev;
	(void)state;
	assert_int_equal(
	    parse("Nov 28 14:49:10 host1 sendmail[23577]: dangerous "
	          "permissions=40755 on queue directory "
	          "/var/spool/clientmqueue/",
	          &ev),
	    SL_OTHER);
	assert_span(ev.path, "/var/spool/clientmqueue/");
	assert_int_equal(
	    parse("Feb 15 09:00:00 h sendmail[1]: low on space (h "
	          "needs 1 bytes + 100 blocks in /var/spool/mqueue), "
	          "max avail: 0",
	          &ev),
	    SL_OTHER);
	assert_int_equal(
	    parse("Feb 15 09:00:00 h sendmail[1]: u1F1K2am007134: "
	          "Losing ./qfu1F1K2am007134: bogus file uid/gid in "
	          "mqueue",
	          &ev),
	    SL_OTHER);
	assert_span(ev.path, "./qfu1F1K2am007134");
}

static void
test_postfix(void **state)
{
	struct sl_event ev;
	(void)state;
	assert_int_equal(
	    parse("Feb 15 09:00:00 mx postfix/smtp[321]: 3CDD6604F980: "
	          "to=<u@example.com>, relay=none, delay=30, "
	          "delays=0.01/0/30/0, dsn=4.4.1, status=deferred "
	          "(connect to example.com[192.0.2.1]:25: Connection "
	          "timed out)",
	          &ev),
	    SL_DEFERRED);
	assert_span(ev.queue_id, "3CDD6604F980");
	assert_span(ev.to, "<u@example.com>");
	assert_span(ev.relay, "none");
	assert_span(ev.dsn, "4.4.1");
	assert_int_equal(
	    parse("Feb 15 09:00:00 mx postfix/local[9]: 3CDD6604F980: "
	          "to=<nobody@mx>, relay=local, delay=0.1, "
	          "delays=0/0/0/0.1, dsn=5.1.1, status=bounced (unknown "
	          "user: \"nobody\")",
	          &ev),
	    SL_BOUNCED);
	assert_int_equal(
	    parse("Feb 15 09:00:00 mx postfix/qmgr[9]: 3CDD6604F980: "
	          "from=<a@b>, status=expired, returned to sender",
	          &ev),
	    SL_BOUNCED);
	assert_int_equal(
	    parse("Feb 15 09:00:00 mx postfix/smtp[9]: 3CDD6604F980: "
	          "to=<a@b>, relay=mx[1.2.3.4]:25, delay=1, dsn=2.0.0, "
	          "status=sent (250 ok)",
	          &ev),
	    SL_NONE);
	assert_int_equal(
	    parse("Feb 15 09:00:00 mx postfix/postdrop[7]: warning: "
	          "mail_queue_enter: create file maildrop/123.456: "
	          "Permission denied",
	          &ev),
	    SL_WARNING);
	assert_span(ev.stage, "mail_queue_enter");
	assert_span(ev.path, "maildrop/123.456");
	assert_span(ev.errno_text, "Permission denied");
	assert_int_equal(
	    parse("Feb 15 09:00:00 mx postfix/sendmail[7]: warning: "
	          "unable to look up public/pickup: No such file or "
	          "directory",
	          &ev),
	    SL_WARNING);
	assert_null(ev.stage.p);
	assert_int_equal(parse("Feb 15 09:00:00 mx postfix/master[1]: fatal: "
	                       "chdir /var/spool/postfix: Permission denied",
	                       &ev),
	                 SL_FATAL);
	assert_span(ev.path, "/var/spool/postfix");
	assert_int_equal(
	    parse("Feb 15 09:00:00 mx postfix/postqueue[5]: fatal: "
	          "Queue report unavailable - mail system is down",
	          &ev),
	    SL_FATAL);
	assert_int_equal(parse("Feb 15 09:00:00 mx postfix-out/qmgr[5]: panic: "
	                       "myfree: corrupt or unallocated memory block",
	                       &ev),
	                 SL_PANIC);
	assert_span(ev.program, "postfix-out/qmgr");
	assert_int_equal(
	    parse("Feb 21 09:21:54 xxx postfix/smtpd[14398]: NOQUEUE: "
	          "reject: RCPT from example.com[192.0.43.10]: 450 "
	          "4.7.1 : Helo command rejected",
	          &ev),
	    SL_NONE);
}

static void
test_header_variants(void **state)
{
	struct sl_event ev;
	(void)state;
	/* rsyslog high precision */
	assert_int_equal(
	    parse("2016-02-15T09:20:02.889064+08:00 host1 sendmail[7134]: "
	          "u1F1K2am007134: SYSERR(root): collect: Cannot write "
	          "./dfu1F1K2am007134 (bfcommit, uid=51, gid=51): "
	          "Permission denied",
	          &ev),
	    SL_SYSERR);
	assert_ts(ev.ts, "2016-02-15T01:20:02Z");
	assert_span(ev.host, "host1");
	/* RFC 5424 with structured data and a BOM */
	assert_int_equal(
	    parse("<18>1 2016-02-15T01:20:02Z host1 sendmail 7134 - "
	          "[meta x=\"a]b\"][o y=\"1\"] \xef\xbb\xbfu1F1K2am007134: "
	          "SYSERR(root): queueup: cannot create queue file "
	          "./qfu1F1K2am007134, euid=51, fd=-1, fp=0x0: Permission "
	          "denied",
	          &ev),
	    SL_SYSERR);
	assert_ts(ev.ts, "2016-02-15T01:20:02Z");
	assert_span(ev.program, "sendmail");
	assert_span(ev.pid, "7134");
	assert_span(ev.queue_id, "u1F1K2am007134");
	assert_int_equal(
	    parse("<18>1 2016-02-15T01:20:02Z h postfix/smtp - - - "
	          "warning: x",
	          &ev),
	    SL_WARNING);
	assert_null(ev.pid.p);
	/* BSD -v and -vv, PRI in front, no host, Solaris [ID], brackets */
	assert_int_equal(parse("Apr  2 17:51:27 <4.3> pancake sendmail[1]: "
	                       "SYSERR(root): x: Broken pipe",
	                       &ev),
	                 SL_SYSERR);
	assert_span(ev.host, "pancake");
	assert_int_equal(
	    parse("Mar 19 23:48:18 <mail.crit> pancake sendmail[1]: "
	          "SYSERR(root): x: Broken pipe",
	          &ev),
	    SL_SYSERR);
	assert_int_equal(
	    parse("<10>Feb 15 09:20:02 host1 sendmail[1]: SYSERR(root): "
	          "x",
	          &ev),
	    SL_SYSERR);
	assert_int_equal(
	    parse("Feb 15 09:20:02 sendmail[1]: SYSERR(root): x", &ev),
	    SL_SYSERR);
	assert_null(ev.host.p);
	assert_span(ev.program, "sendmail");
	assert_int_equal(
	    parse("Feb 15 09:20:02 solhost sendmail[123]: [ID 801593 "
	          "mail.crit] u1F1K2am007134: SYSERR(root): collect: x",
	          &ev),
	    SL_SYSERR);
	assert_span(ev.queue_id, "u1F1K2am007134");
	assert_int_equal(
	    parse("[Feb 15 09:20:02] h sendmail[1]: SYSERR(root): x", &ev),
	    SL_SYSERR);
	assert_int_equal(
	    parse("Mar 7 02:09:33 server postfix/smtpd[27246]: warning: y",
	          &ev),
	    SL_WARNING);
	assert_ts(ev.ts, "2015-03-07T02:09:33Z");
	/* not syslog at all */
	assert_int_equal(parse("Nov  3", &ev), SL_NONE);
	assert_int_equal(parse("", &ev), SL_NONE);
	assert_int_equal(parse("SYSERR(root): no header", &ev), SL_NONE);
	assert_int_equal(parse("<999999>1 x", &ev), SL_NONE);
	assert_int_equal(parse("<13>1 bad-stamp h a - - - SYSERR(x)", &ev),
	                 SL_NONE);
	/* times we could not report in RFC 3339 UTC */
	assert_int_equal(
	    parse("0000-12-30T00:00:00Z h sendmail[1]: SYSERR(r): x", &ev),
	    SL_NONE);
	assert_int_equal(parse("<13>1 1969-12-31T23:59:59Z h sendmail 1 - - "
	                       "SYSERR(r): x",
	                       &ev),
	                 SL_NONE);
}

static void
test_year_inference(void **state)
{
	struct sl_event ev;
	struct sl_clock c2;
	(void)state;
	/* a December line read on Jan 1 is last year's */
	sl_clock_init(&c2, 1798761610); /* 2027-01-01T00:00:10Z */
	assert_int_equal(
	    sl_parse_header("Dec 31 23:59:59 h x: y", 22, &c2, &ev), 0);
	assert_ts(ev.ts, "2026-12-31T23:59:59Z");
	assert_int_equal(
	    sl_parse_header("Jan  1 00:00:05 h x: y", 22, &c2, &ev), 0);
	assert_ts(ev.ts, "2027-01-01T00:00:05Z");
	/* a January line read on Dec 31 (clock a little behind): next year */
	sl_clock_init(&c2, 1798761590); /* 2026-12-31T23:59:50Z */
	assert_int_equal(
	    sl_parse_header("Jan  1 00:00:05 h x: y", 22, &c2, &ev), 0);
	assert_ts(ev.ts, "2027-01-01T00:00:05Z");
	assert_int_equal(
	    sl_parse_header("Jan  5 00:00:05 h x: y", 22, &c2, &ev), 0);
	assert_ts(ev.ts, "2026-01-05T00:00:05Z");
	/* more than a day in the future of the anchor: last year */
	sl_clock_init(&c2, 1771113600); /* 2026-02-15T00:00:00Z */
	assert_int_equal(
	    sl_parse_header("Feb 17 00:00:00 h x: y", 22, &c2, &ev), 0);
	assert_ts(ev.ts, "2025-02-17T00:00:00Z");
	assert_int_equal(
	    sl_parse_header("Feb 15 12:00:00 h x: y", 22, &c2, &ev), 0);
	assert_ts(ev.ts, "2026-02-15T12:00:00Z");
	/* on a December anchor, January is this year's and a date after
	 * the anchor last year's (both decided without mktime storms) */
	sl_clock_init(&c2, 1796112000); /* 2026-12-01T08:00:00Z */
	assert_int_equal(
	    sl_parse_header("Jan  3 10:00:00 h x: y", 22, &c2, &ev), 0);
	assert_ts(ev.ts, "2026-01-03T10:00:00Z");
	assert_int_equal(
	    sl_parse_header("Dec 20 10:00:00 h x: y", 22, &c2, &ev), 0);
	assert_ts(ev.ts, "2025-12-20T10:00:00Z");
	assert_int_equal(
	    sl_parse_header("Dec  2 07:00:00 h x: y", 22, &c2, &ev), 0);
	assert_ts(ev.ts, "2026-12-02T07:00:00Z");
	sl_clock_init(&c2, 1771113600); /* 2026-02-15T00:00:00Z */
	/* Feb 29 goes back to the last leap year */
	assert_int_equal(
	    sl_parse_header("Feb 29 10:00:00 h x: y", 22, &c2, &ev), 0);
	assert_ts(ev.ts, "2024-02-29T10:00:00Z");
	/* impossible dates */
	assert_int_equal(
	    sl_parse_header("Feb 30 10:00:00 h x: y", 22, &c2, &ev), -1);
	assert_int_equal(
	    sl_parse_header("Feb 15 25:00:00 h x: y", 22, &c2, &ev), -1);
	assert_int_equal(
	    sl_parse_header("Foo 15 10:00:00 h x: y", 22, &c2, &ev), -1);
}

/* the stamps of one hour share its epoch (sl_clock's hour cache) only
 * when the year found for one of them holds for every minute: an hour
 * that straddles the anchor + 1 day takes this year for its first
 * minutes and last year for the others, in any order */
static void
test_year_hour_cache(void **state)
{
	static const struct {
		const char *line, *want;
	} seq[] = {
	    {"Feb 16 00:10:00 h x: y", "2026-02-16T00:10:00Z"},
	    {"Feb 16 00:50:00 h x: y", "2025-02-16T00:50:00Z"},
	    {"Feb 16 00:29:59 h x: y", "2026-02-16T00:29:59Z"},
	    {"Feb 16 00:30:01 h x: y", "2025-02-16T00:30:01Z"},
	    {"Feb 15 23:59:60 h x: y", "2026-02-16T00:00:00Z"},
	    {"Feb 15 23:00:00 h x: y", "2026-02-15T23:00:00Z"},
	    {"Feb 15 23:59:59 h x: y", "2026-02-15T23:59:59Z"},
	    {"Feb 15 23:61:00 h x: y", NULL},
	    {"Feb 15 23:00:61 h x: y", NULL},
	    {"Feb 15 23:5x:00 h x: y", NULL},
	    {"Feb 16 00:40:00 h x: y", "2025-02-16T00:40:00Z"},
	    {"Feb 16 00:00:00 h x: y", "2026-02-16T00:00:00Z"},
	};
	struct sl_event ev;
	struct sl_clock c2, fresh;
	(void)state;
	for (int pass = 0; pass < 2; pass++) {
		sl_clock_init(&c2, 1771115400); /* 2026-02-15T00:30:00Z */
		for (size_t k = 0; k < sizeof(seq) / sizeof(seq[0]); k++) {
			size_t i =
			    pass ? sizeof(seq) / sizeof(seq[0]) - 1 - k : k;
			int r = sl_parse_header(seq[i].line, 22, &c2, &ev);
			if (seq[i].want == NULL) {
				assert_int_equal(r, -1);
				continue;
			}
			assert_int_equal(r, 0);
			assert_ts(ev.ts, seq[i].want);
			/* the same as a clock that never saw another line */
			sl_clock_init(&fresh, 1771115400);
			assert_int_equal(
			    sl_parse_header(seq[i].line, 22, &fresh, &ev), 0);
			assert_ts(ev.ts, seq[i].want);
		}
	}
}

/* the header's tokens are found 16 bytes at a time: hosts and tags of
 * every length from 1 to 40 (across both 16-byte steps and the memchr
 * after them), the line cut right after the tag */
static void
test_token_lengths(void **state)
{
	char line[160], host[48], tag[48];
	struct sl_event ev;
	(void)state;
	for (size_t hl = 1; hl <= 40; hl++) {
		for (size_t tl = 1; tl <= 40; tl++) {
			int n;
			memset(host, 'h', hl);
			host[hl] = '\0';
			memset(tag, 't', tl);
			memcpy(tag, "sendmail", tl < 8 ? tl : 8);
			tag[tl] = '\0';
			n = snprintf(line, sizeof(line),
			             "Feb 15 09:20:02 %s %s[7]: SYSERR(r): x",
			             host, tag);
			assert_int_equal(
			    sl_parse_header(line, (size_t)n, &clk, &ev), 0);
			assert_int_equal(ev.host.n, hl);
			assert_memory_equal(ev.host.p, host, hl);
			assert_int_equal(ev.program.n, tl);
			assert_memory_equal(ev.program.p, tag, tl);
			assert_int_equal(ev.pid.n, 1);
			assert_int_equal(sl_tag_class(line, (size_t)n),
			                 tl >= 8 ? SL_TAG_MAIL : SL_TAG_NONE);
			/* cut after the tag's "]:": an exact-size copy */
			{
				size_t cut = 16 + hl + 1 + tl + 4;
				char *c = malloc(cut);
				memcpy(c, line, cut);
				assert_int_equal(
				    sl_parse_header(c, cut, &clk, &ev), 0);
				assert_int_equal(ev.program.n, tl);
				assert_int_equal(ev.message.n, 0);
				free(c);
			}
		}
	}
}

static void
test_local_time_zone(void **state)
{
	struct sl_event ev;
	struct sl_clock c2;
	(void)state;
	/* the incident host ran at UTC+8: 09:20:02 local = 01:20:02Z,
	 * which is what the queue id u1F1K2 says */
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	sl_clock_init(&c2, ANCHOR_2016);
	assert_int_equal(
	    sl_parse_header("Feb 15 09:20:02 h x: y", 22, &c2, &ev), 0);
	assert_ts(ev.ts, "2016-02-15T01:20:02Z");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void
test_signature(void **state)
{
	struct sl_event ev;
	char a[EVENT_SIG_MAX], b[EVENT_SIG_MAX];
	char ida[EVENT_ID_LEN], idb[EVENT_ID_LEN];
	const char *l1 =
	    "Feb 15 09:20:02 host1 sendmail[7134]: u1F1K2am007134: "
	    "SYSERR(root): collect: Cannot write ./dfu1F1K2am007134 "
	    "(bfcommit, uid=51, gid=51): Permission denied";
	const char *l2 =
	    "Feb 15 09:21:01 host1 sendmail[14474]: u1F1L1GP014474: "
	    "SYSERR(root): collect: Cannot write ./dfu1F1L1GP014474 "
	    "(bfcommit, uid=51, gid=51): Permission denied";
	(void)state;
	parse(l1, &ev);
	event_signature(&ev, a, sizeof(a));
	parse(l2, &ev);
	event_signature(&ev, b, sizeof(b));
	assert_string_equal(a, "sendmail: SYSERR(root): collect: Cannot write "
	                       "./df<id> (bfcommit, uid=N, gid=N): Permission "
	                       "denied");
	assert_string_equal(a, b);
	event_id(l1, strlen(l1), ida);
	event_id(l2, strlen(l2), idb);
	assert_int_equal(strlen(ida), 32);
	assert_string_not_equal(ida, idb);
	event_id(l1, strlen(l1), idb);
	assert_string_equal(ida, idb);
	parse("Feb 15 09:20:02 host1 sendmail[7134]: u1F1K2am007134: "
	      "SYSERR(root): "
	      "queueup: cannot create queue file ./qfu1F1K2am007134, euid=51, "
	      "fd=-1, fp=0x0: Permission denied",
	      &ev);
	event_signature(&ev, a, sizeof(a));
	assert_string_equal(a, "sendmail: SYSERR(root): queueup: cannot create "
	                       "queue file ./qf<id>, euid=N, fd=-N, fp=0xN: "
	                       "Permission denied");
	parse("Feb 15 23:29:01 h sendmail[11761]: u1FFT1S6011761: to=root, "
	      "delay=00:00:00, mailer=relay, pri=30416, relay=[127.0.0.1] "
	      "[127.0.0.1], dsn=4.0.0, stat=Deferred: Connection refused by "
	      "[127.0.0.1]",
	      &ev);
	event_signature(&ev, a, sizeof(a));
	assert_string_equal(a, "sendmail: stat=Deferred: Connection refused by "
	                       "[N.N.N.N]");
	/* a tiny buffer is still NUL-terminated */
	assert_true(event_signature(&ev, a, 5) <= 4);
	assert_int_equal(strlen(a), 4);
	assert_int_equal(event_normalise("abc", 3, a, 1), 0);
	assert_string_equal(a, "");
}

/* postfix cleanup's header/body-check "warning" action is a policy
 * action; an address-verification probe's status=undeliverable is no
 * bounce; a real postfix warning stays one. */
static void
test_postfix_policy_and_probe(void **state)
{
	struct sl_event ev;
	char sig[EVENT_SIG_MAX];
	(void)state;
	assert_int_equal(
	    parse("May 19 00:01:02 mx postfix/cleanup[2113]: 4F1A2B3C4D: "
	          "warning: header Subject: cheap pills from local; "
	          "from=<root@mx.example.com> to=<u1@example.com>",
	          &ev),
	    SL_OTHER);
	assert_span(ev.stage, "header");
	assert_span(ev.queue_id, "4F1A2B3C4D");
	/* one group for every subject the rule matched */
	event_signature(&ev, sig, sizeof(sig));
	assert_string_equal(sig, "postfix/cleanup: warning: header Subject:");
	assert_int_equal(
	    parse("May 19 00:01:03 mx postfix/cleanup[2113]: 4F1A2B3C4E: "
	          "warning: body see http://x.example/ from "
	          "client.example.net[192.0.2.7]; from=<a@example.org> "
	          "to=<b@example.com> proto=ESMTP helo=<c.example.net>: "
	          "body check",
	          &ev),
	    SL_OTHER);
	assert_span(ev.stage, "body");
	event_signature(&ev, sig, sizeof(sig));
	assert_string_equal(sig, "postfix/cleanup: warning: body");
	assert_int_equal(
	    parse("May 19 00:01:04 mx postfix/smtp[2114]: 4F1A2B3C4F: "
	          "to=<nobody@example.com>, relay=mx.example.com[192.0.2.9]"
	          ":25, delay=0.2, delays=0/0/0.1/0.1, dsn=5.1.1, "
	          "status=undeliverable (host mx.example.com[192.0.2.9] said: "
	          "550 5.1.1 unknown user)",
	          &ev),
	    SL_OTHER);
	assert_span(ev.stage, "undeliverable");
	event_signature(&ev, sig, sizeof(sig));
	assert_non_null(strstr(sig, "status=undeliverable"));
	/* still warnings and bounces */
	assert_int_equal(parse("May 19 00:01:05 mx postfix/smtpd[1]: warning: "
	                       "hostname x.example does not resolve to "
	                       "address 192.0.2.1",
	                       &ev),
	                 SL_WARNING);
	assert_int_equal(
	    parse("May 19 00:01:06 mx postfix/smtp[2]: 4F1A2B3C50: "
	          "to=<u@example.com>, relay=none, delay=1, dsn=5.4.4, "
	          "status=bounced (Host or domain name not found)",
	          &ev),
	    SL_BOUNCED);
}

/* rsyslog's reduction: the bracketed message is the event, N times */
static void
test_repeat_forms(void **state)
{
	struct sl_event ev;
	static const char sysk[] =
	    "Feb 15 09:20:05 host1 last message repeated 5 times";
	static const char nohost[] =
	    "Feb 15 09:20:05 last message repeated 12 times";
	static const char more[] =
	    "Feb 15 09:20:05 h last message repeated 5 times and more";
	(void)state;
	assert_int_equal(
	    parse("Feb 15 09:20:04 host1 sendmail[7134]: message repeated 3 "
	          "times: [ u1F1K2am007134: SYSERR(root): collect: Cannot "
	          "write ./dfu1F1K2am007134 (bfcommit, uid=51, gid=51): "
	          "Permission denied]",
	          &ev),
	    SL_SYSERR);
	assert_int_equal(ev.repeat, 3);
	assert_span(ev.queue_id, "u1F1K2am007134");
	assert_span(ev.errno_text, "Permission denied");
	assert_int_equal(parse("Feb 15 09:20:04 h postfix/smtp[1]: message "
	                       "repeated 2 times: [ warning: x]",
	                       &ev),
	                 SL_WARNING);
	assert_int_equal(ev.repeat, 2);
	assert_int_equal(parse("Feb 15 09:20:04 h postfix/smtp[1]: warning: "
	                       "y",
	                       &ev),
	                 SL_WARNING);
	assert_int_equal(ev.repeat, 0);
	assert_int_equal(sl_last_repeated(sysk, strlen(sysk), &clk), 5);
	assert_int_equal(sl_last_repeated(nohost, strlen(nohost), &clk), 12);
	assert_int_equal(sl_last_repeated(sysk, strlen(sysk) - 6, &clk), 0);
	assert_int_equal(sl_last_repeated(more, strlen(more), &clk), 0);
}

/* the variable parts of a line (host names, addresses, numbers in
 * words) make no new signature */
static void
test_signature_normalises_hosts_and_addresses(void **state)
{
	struct sl_event ev;
	char a[EVENT_SIG_MAX], b[EVENT_SIG_MAX];
	(void)state;
	parse("Feb 15 09:20:02 h1 sendmail[7134]: u1F1K2am007134: "
	      "SYSERR(root): collect: I/O error on connection from "
	      "host17.example.net, from=<u17@example.org>",
	      &ev);
	event_signature(&ev, a, sizeof(a));
	parse("Feb 15 09:20:03 h1 sendmail[7135]: u1F1K2am007135: "
	      "SYSERR(root): collect: I/O error on connection from "
	      "host4242.example.net, from=<u4242@example.org>",
	      &ev);
	event_signature(&ev, b, sizeof(b));
	assert_string_equal(a, "sendmail: SYSERR(root): collect: I/O error on "
	                       "connection from host, from=<addr>");
	assert_string_equal(a, b);
	parse("Feb 15 09:20:03 h1 sendmail[7135]: u1F1K2am007136: "
	      "SYSERR(root): collect: I/O error on connection from "
	      "mx.example.com [192.0.2.1], from=<Joe.Q+x@mail.example.com>",
	      &ev);
	event_signature(&ev, b, sizeof(b));
	assert_string_equal(b, "sendmail: SYSERR(root): collect: I/O error on "
	                       "connection from host [N.N.N.N], from=<addr>");
	/* file names and paths are no host names */
	assert_int_equal(
	    event_normalise("/etc/mail/sendmail.cf: x", 24, a, sizeof(a)), 24);
	assert_string_equal(a, "/etc/mail/sendmail.cf: x");
}

/* count_events - the events of a sample file by kind (index sl_kind) */
static void
count_events(const char *name, int counts[8])
{
	char path[TESTDATA_PATH_MAX], line[70000];
	FILE *fp = fopen(testdata_path(name, path), "r");
	struct sl_event ev;

	if (fp == NULL)
		fail_msg("test data: %s: %s", path, strerror(errno));
	memset(counts, 0, 8 * sizeof(int));
	while (fgets(line, sizeof(line), fp))
		counts[sl_parse_line(line, strlen(line), &clk, &ev)]++;
	fclose(fp);
}

static void
test_real_samples(void **state)
{
	int n[8];
	(void)state;
	count_events("samples/sendmail-syserr.log", n);
	assert_int_equal(n[SL_SYSERR], 5);
	count_events("samples/real-sendmail/maillog", n);
	assert_int_equal(n[SL_SYSERR], 2);
	assert_int_equal(n[SL_DEFERRED], 2);
	assert_int_equal(n[SL_OTHER], 1);
	assert_int_equal(n[SL_BOUNCED], 0);
	count_events("samples/sendmail-maillog.log", n);
	assert_int_equal(n[SL_DEFERRED], 1);
	assert_int_equal(n[SL_SYSERR] + n[SL_BOUNCED] + n[SL_OTHER], 0);
	count_events("samples/postfix-maillog.log", n);
	assert_int_equal(n[SL_SYSERR] + n[SL_DEFERRED] + n[SL_BOUNCED], 0);
	count_events("samples/syslog-variants.log", n);
	assert_int_equal(n[SL_NONE], 23);
	count_events("samples/bsd-syslog-verbosity.log", n);
	assert_int_equal(n[SL_NONE], 13);
}

static void
test_hostile_input(void **state)
{
	struct sl_event ev;
	char buf[4096];
	unsigned seed = 12345;
	(void)state;
	/* truncated prefixes of a real line never crash and never read past */
	static const char *const lines[] = {
	    "Feb 15 09:20:02 host1 sendmail[7134]: u1F1K2am007134: "
	    "SYSERR(root): collect: Cannot write ./dfu1F1K2am007134 "
	    "(bfcommit, uid=51, gid=51): Permission denied",
	    "2016-02-15T09:20:02.889064+08:00 h postfix/smtp[1]: 3CDD6604F980: "
	    "to=<a@b>, relay=none, dsn=4.4.1, status=deferred (x)",
	    "<18>1 2016-02-15T01:20:02Z h sendmail 7134 - [m x=\"]\"] "
	    "NOQUEUE: SYSERR(root): queueup: x ./qfA, euid=5: File exists",
	    "2016 regression: a digit run shorter than a date",
	};
	/* exact-size copies of every prefix: ASan sees any read past */
	for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++) {
		const char *l = lines[k];
		for (size_t n = 0; n <= strlen(l); n++) {
			char *c = malloc(n ? n : 1);
			memcpy(c, l, n);
			sl_parse_line(c, n, &clk, &ev);
			free(c);
		}
	}
	/* binary junk, NULs and invalid UTF-8 */
	for (int r = 0; r < 2000; r++) {
		size_t n = (size_t)(rand_r(&seed) % sizeof(buf));
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)rand_r(&seed);
		if (n > 40 && r % 2)
			memcpy(buf, "Feb 15 09:20:02 h sendmail[1]: SYSERR(",
			       38);
		sl_parse_line(buf, n, &clk, &ev);
	}
	assert_int_equal(
	    parse("Feb 15 09:20:02 h sendmail[1]: SYSERR(\xff\xfe", &ev),
	    SL_NONE);
	assert_int_equal(
	    parse("Feb 15 09:20:02 h sendmail[1]: SYSERR(r): \x01\xff: "
	          "Permission denied",
	          &ev),
	    SL_SYSERR);
}

/* Lines of every form the parser reads, with the class the scanner must
 * give them (the tag field on each line form, hosts or none). */
static const struct {
	const char *line;
	enum pf_class want;
} scan_lines[] = {
    {"Feb 15 09:20:02 host1 sendmail[7134]: u1F1K2am007134: to=root, "
     "stat=Sent (ok)",
     PF_PARSE},
    {"Feb 15 09:20:02 sendmail[7134]: no host, sendmail", PF_PARSE},
    {"Feb  5 09:20:02 mx sm-mta[1]: NOQUEUE: x", PF_PARSE},
    {"Feb 15 09:20:02 mx sm-msp-queue[1]: x", PF_PARSE},
    {"2023-07-29T04:15:01.889064+02:00 h postfix/smtp[12]: x", PF_PARSE},
    {"2023-07-29T04:15:01.889064+02:00 postfix-out/qmgr[12]: x", PF_PARSE},
    {"<22>1 2026-02-15T01:20:02Z host sendmail 7134 - - x", PF_PARSE},
    {"<22>Feb 15 09:20:02 host postfix/local[1]: x", PF_PARSE},
    {"[Feb 15 09:20:02] host sendmail[1]: x", PF_PARSE},
    {"Apr  2 17:51:27 <4.3> host sendmail[1]: x", PF_PARSE},
    {"Mar 7 09:20:02 host sendmail[1]: single-digit day", PF_PARSE},
    {"Feb 15 09:20:02  host  sendmail[1]: double spaces", PF_PARSE},
    {"Feb 15 09:20:02 host  sendmail[1]: two blanks after the host only",
     PF_PARSE},
    {"2023-07-29T04:15:01.889064+02:00 h  postfix/smtp[1]: two blanks",
     PF_PARSE},
    {"2005-06-21 16:55:09 host sendmail[1]: local ISO stamp", PF_PARSE},
    {"Feb 15 09:20:02 host nullmailer[651]: smtp: Failed: x", PF_PARSE},
    {"Feb 15 09:20:02 host nullmailer-send[651]: x", PF_PARSE},
    {"Feb 15 09:20:02 host msmtp: host=smtp.example.com x", PF_PARSE},
    {"Feb 15 09:20:02 host sSMTP[3110]: Unable to connect", PF_PARSE},
    {"Feb 15 09:20:02 host ssmtp[3110]: Unable to connect", PF_PARSE},
    {"Feb 15 09:20:02 host dma[1a2b3c.4d5e6f]: remote delivery", PF_PARSE},
    {"Feb 15 09:20:02 host dma: x", PF_PARSE},
    {"Feb 15 09:20:02 host CRON[4121]: (root) CMD (run-parts)", PF_CRON},
    {"Feb 15 09:20:02 host CROND[2277]: (root) MAIL (mailed 77 bytes of "
     "output but got status 0x0001 from MTA#012)",
     PF_CRON},
    {"Feb 15 09:20:02 host cron[1]: (CRON) info (No MTA installed, "
     "discarding output)",
     PF_CRON},
    {"Feb 15 09:20:02 host crond[1]: x", PF_CRON},
    {"Feb 15 09:20:02 host /usr/sbin/cron[1]: (root) CMD (x)", PF_CRON},
    {"Feb 15 09:20:02 host kernel: SYSERR(root): other tag", PF_FORCED},
    {"Feb 15 09:20:02 host sendmail[1]: x: SYSERR(root): mail tag too",
     PF_FORCED},
    {"Feb 15 09:20:02 host CRON[1]: (root) CMD (SYSERR()", PF_FORCED},
    {"Feb 15 09:20:02 host sshd[1]: Accepted publickey", PF_SKIP},
    {"Feb 15 09:20:02 host systemd[1]: Started sendmail.service", PF_SKIP},
    {"Feb 15 09:20:02 host kernel: sendmail postfix CRON msmtp dma[", PF_SKIP},
    {"Feb 15 09:20:02 host app7[123]: request id=1 status=200", PF_SKIP},
    {"Feb 15 09:20:02 host sm[1]: too short a tag", PF_SKIP},
    {"Feb 15 09:20:02 host cro: too short a tag", PF_SKIP},
    {"Feb 15 09:20:02 host dmax[1]: not dma", PF_SKIP},
    {"Feb 15 09:20:02 host crontab[1]: not cron", PF_SKIP},
    {"not a syslog line at all, sendmail", PF_SKIP},
    {"Feb 15 09:20:02 host kernel: a NUL \0Feb 15 09:20:02 h sendmail[1]: x",
     PF_FORCED},
};
#define SCAN_LINE_LEN(i)                                                       \
	(strlen(scan_lines[i].line) +                                          \
	 (strstr(scan_lines[i].line, "a NUL")                                  \
	      ? 1 + strlen(strchr(scan_lines[i].line, 0) + 1)                  \
	      : 0))

/* scan_all - every (start, end, class) the scanner finds in p[0..n) */
static size_t
scan_all(const char *p, size_t n, size_t max_line, size_t *out, size_t cap)
{
	size_t i = 0, k = 0, end;
	enum pf_class cls;

	while (i < n) {
		size_t s =
		    i + prefilter_next(p + i, n - i, max_line, &end, &cls);
		if (s >= n)
			break;
		assert_true(k + 3 <= cap);
		/* a line handed out for its tag has no NUL (logs.c then
		 * looks for none) */
		if (cls != PF_FORCED && memchr(p + s, '\0', i + end - s))
			fail_msg("a NUL in a line of class %d at %zu", (int)cls,
			         s);
		out[k++] = s;
		out[k++] = i + end;
		out[k++] = (size_t)cls;
		i += end + 1;
	}
	return k;
}

/* the tag of every line form, one line at a time (exact size: ASan sees
 * any read past it), without and with its newline */
static void
check_scan_forms(void)
{
	for (size_t k = 0; k < sizeof(scan_lines) / sizeof(scan_lines[0]);
	     k++) {
		size_t n = SCAN_LINE_LEN(k), end;
		char *c = malloc(n + 1);
		enum pf_class cls;
		size_t got;

		memcpy(c, scan_lines[k].line, n);
		c[n] = '\n';
		for (size_t with_nl = 0; with_nl <= 1; with_nl++) {
			got = prefilter_next(c, n + with_nl, 4096, &end, &cls);
			if (scan_lines[k].want == PF_SKIP) {
				if (got != n + with_nl)
					fail_msg("%s: not skipped: %s",
					         prefilter_name(),
					         scan_lines[k].line);
				continue;
			}
			if (got != 0 || end != n || cls != scan_lines[k].want)
				fail_msg("%s: class %d, want %d: %s",
				         prefilter_name(), (int)cls,
				         (int)scan_lines[k].want,
				         scan_lines[k].line);
		}
		free(c);
	}
}

/* scan_steps - the same as scan_all(), in one scan stepped line after
 * line, sought past the line after every third one handed out (as
 * logs.c does after the repeats of an event) */
static size_t
scan_steps(const char *p, size_t n, size_t max_line, size_t *out, size_t cap)
{
	struct pf_scan s;
	struct pf_line l;
	size_t k = 0;

	prefilter_start(&s, p, n, max_line);
	while (prefilter_step(&s, &l)) {
		assert_true(k + 3 <= cap);
		out[k++] = l.start;
		out[k++] = l.end;
		out[k++] = (size_t)l.cls;
		if (k % 9 == 0 && l.end + 1 < n) {
			const char *nl =
			    memchr(p + l.end + 1, '\n', n - l.end - 1);
			if (nl == NULL)
				break;
			prefilter_seek(&s, (size_t)(nl - p) + 1);
		}
	}
	return k;
}

/* agree - every vector implementation finds what the scalar one finds in
 * c[0..n), by prefilter_next() and by stepping one scan */
static void
agree(const char *c, size_t n, size_t max_line, size_t *want, size_t *got,
      size_t cap)
{
	for (int mode = 0; mode < 2; mode++) {
		size_t (*scan)(const char *, size_t, size_t, size_t *, size_t) =
		    mode ? scan_steps : scan_all;
		size_t nw, ng;

		assert_int_equal(prefilter_use("scalar"), 0);
		nw = scan(c, n, max_line, want, cap);
		assert_true(nw > 0);
		for (int impl = 0; impl < 2; impl++) {
			if (prefilter_use(impl ? "avx2" : "sse2") == -1)
				continue;
			ng = scan(c, n, max_line, got, cap);
			assert_int_equal(ng, nw);
			assert_memory_equal(got, want, nw * sizeof(size_t));
		}
	}
	assert_int_equal(prefilter_use("scalar"), 0);
}

/* a buffer of the forms in a pseudo-random order, "SYSERR(" and NULs
 * at every offset of some lines: the vector loops and the scalar one
 * find the same lines, whatever the alignment */
static void
check_scan_agrees(void)
{
	static char buf[64 * 1024];
	static size_t want[3 * 4096], got[3 * 4096];
	unsigned seed = 99;
	size_t n = 0, ng;

	while (n < sizeof(buf) - 300) {
		size_t k = (size_t)rand_r(&seed) %
		           (sizeof(scan_lines) / sizeof(scan_lines[0]));
		size_t l = SCAN_LINE_LEN(k);
		memcpy(buf + n, scan_lines[k].line, l);
		if (rand_r(&seed) % 7 == 0 && l > 20) /* a forced byte */
			memcpy(buf + n + (size_t)rand_r(&seed) % (l - 8),
			       rand_r(&seed) % 2 ? "SYSERR(" : "x\0\0\0\0\0\0",
			       7);
		if (rand_r(&seed) % 5 == 0 && l > 20) /* a near miss */
			memcpy(buf + n + (size_t)rand_r(&seed) % (l - 8),
			       "SYSERR", 6);
		n += l;
		buf[n++] = '\n';
	}
	for (size_t off = 0; off < 70; off++) {
		char *c = malloc(n - off);
		memcpy(c, buf + off, n - off);
		agree(c, n - off, 4096, want, got, 3 * 4096);
		/* judged on their first max_line bytes: at 20 no tag fits */
		assert_int_equal(prefilter_use("scalar"), 0);
		ng = scan_all(c, n - off, 20, got, 3 * 4096);
		for (size_t i = 0; i < ng; i += 3)
			if (got[i + 2] != PF_FORCED)
				fail_msg("max_line 20: a tag judged at %zu",
				         got[i]);
		free(c);
	}
}

/* Lines that share some of the header template the scan learns from the
 * lines it skips (the first one's), and differ from it where each test
 * of the template looks. */
static const char *const shape_lines[] = {
    "Feb 15 09:20:02 host1 app7[123]: request id=1 status=200 bytes=9",
    "Feb 15 09:20:02 host1 sendmail[7134]: u1F1K2am007134: to=root, "
    "stat=Sent (ok)",
    "Feb 15 09:20:02 host1 CROND[1]: (root) CMD (/usr/lib64/sa/sa1 1 1)",
    "Feb 15 09:20:02 host2 sendmail[1]: the same length, another host",
    "Feb 15 09:20:02 host10 sendmail[1]: a longer host",
    "Feb 15 09:20:02 host1  sendmail[1]: two blanks after the host",
    "Feb 15 09:20:02 host1 sendmail[1]: a CR at the end\r",
    "Feb 15 09:20:02 host1 sen",
    "Feb 15 09:20:02 host1 send\r\r",
    "Feb 15 09:20:02 host1 ",
    "Mar 15 09:20:02 host1 sendmail[1]: another month",
    "Mar 15 09:20:02 host1 app7[1]: another month",
    "Feb 25 09:20:02 host1 sendmail[1]: another ten days",
    "Feb 1x 09:20:02 host1 sendmail[1]: no digit in the day",
    "Feb  5 09:20:02 host1 sendmail[1]: a one-digit day",
    "Feb 15 09:20:02 sendmail[1]: no host",
    "Feb 15 09:20:02 host: sendmail[1]: a host with a colon",
    "Feb 15 09:20:02 <host1 sendmail[1]: a host with a <",
    "Feb 15 09:20:02 host1 kernel: SYSERR(root): forced",
    "Feb 15 09:20:02 host1 app7[1]: SYSERR not forced YY Y",
    "Feb 15 09:20:02 host1 app7[1]: a NUL \0 in it",
    "Feb 15 09:20:02 a23456789012345 sendmail[1]: a host of 15",
    "Feb 15 09:20:02 a234567890123456 sendmail[1]: a host of 16",
    "Feb 15 09:20:02 a23456789012345 app7[1]: a host of 15",
    /* too short for header_at()'s tag of 4 bytes, and wanted by the 3
     * that are there */
    "Feb 15 09:20:02 host1 sm-",
    "Feb 15 09:20:02 host1 dma",
};

/* a run of lines in a pseudo-random order, long runs of the first line
 * among them (the template is learnt, and learnt again after the lines
 * of another shape): every implementation agrees with the scalar scan */
static void
check_scan_shapes(void)
{
	static char buf[256 * 1024];
	static size_t want[3 * 8192], got[3 * 8192];
	const size_t nshape = sizeof(shape_lines) / sizeof(shape_lines[0]);
	unsigned seed = 7;
	size_t n = 0;

	while (n < sizeof(buf) - 300) {
		size_t k = (size_t)rand_r(&seed) % (2 * nshape), l;
		const char *line = shape_lines[k < nshape ? k : 0];

		if (rand_r(&seed) % 50 == 0) /* a run of another shape */
			line = shape_lines[3 + (size_t)rand_r(&seed) % 2];
		l = strlen(line);
		if (strstr(line, "a NUL"))
			l += 1 + strlen(line + l + 1);
		if (n + l + 1 > sizeof(buf) - 300)
			break;
		for (int r = rand_r(&seed) % 12;
		     r >= 0 && n + l + 1 <= sizeof(buf) - 300; r--) {
			memcpy(buf + n, line, l);
			n += l;
			buf[n++] = '\n';
		}
	}
	for (size_t off = 0; off < 3; off++) {
		char *c = malloc(n - off);
		memcpy(c, buf + off, n - off);
		agree(c, n - off, 4096, want, got, 3 * 8192);
		agree(c, n - off, 40, want, got, 3 * 8192);
		free(c);
	}
}

/* "SYSERR(" at every offset of lines of 64 to 200 bytes, alone in the
 * buffer: the one whose 'S' ends the vector rounds and whose 'Y' starts
 * the scalar tail too (found by the fuzz target) */
static void
check_scan_syserr_everywhere(void)
{
	static size_t want[3 * 16], got[3 * 16];
	static const char head[] = "Feb 15 09:20:02 host1 app7[1]: ";

	for (size_t n = 64; n <= 200; n += 9) {
		for (size_t at = 0; at + 7 <= n; at++) {
			char *c = malloc(n);
			memset(c, 'x', n);
			memcpy(c, head, sizeof(head) - 1);
			memcpy(c + at, "SYSERR(", 7);
			agree(c, n, 4096, want, got, 3 * 16);
			free(c);
		}
	}
}

static void
test_prefilter_implementations(void **state)
{
	static const char *const impls[] = {"scalar", "sse2", "avx2"};
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		if (prefilter_use(impls[i]) == -1) {
			print_message("prefilter %s not available here\n",
			              impls[i]);
			continue;
		}
		assert_string_equal(prefilter_name(), impls[i]);
		check_scan_forms();
	}
	check_scan_agrees();
	check_scan_shapes();
	check_scan_syserr_everywhere();
	assert_int_equal(prefilter_use("nonesuch"), -1);
}

/* scan_file - every line of a sample that the parser makes an event of,
 * or that has a cron tag, is one the scanner hands out; how many */
static int
scan_file(const char *name)
{
	size_t n, i = 0, end;
	char *all = testdata_read(name, &n);
	int found = 0;

	while (i < n) {
		const char *nl = memchr(all + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - all) : n, got;
		struct sl_event ev;
		enum pf_class cls;
		int wanted =
		    sl_parse_line(all + i, e - i, &clk, &ev) != SL_NONE ||
		    sl_tag_class(all + i, e - i) == SL_TAG_CRON;

		got = prefilter_next(all + i, n - i, 65536, &end, &cls);
		if (wanted && got != 0)
			fail_msg("%s: skipped: %.*s", name, (int)(e - i),
			         all + i);
		found += wanted;
		i = e + 1;
	}
	free(all);
	return found;
}

/* same_event - a and b alike, span by span (same line) */
static void
same_event(const struct sl_event *a, const struct sl_event *b)
{
	const struct sl_span sa[] = {
	    a->host,  a->program, a->pid,        a->queue_id, a->message,
	    a->user,  a->stage,   a->errno_text, a->path,     a->to,
	    a->relay, a->dsn,     a->stat};
	const struct sl_span sb[] = {
	    b->host,  b->program, b->pid,        b->queue_id, b->message,
	    b->user,  b->stage,   b->errno_text, b->path,     b->to,
	    b->relay, b->dsn,     b->stat};

	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->ts, b->ts);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->gid, b->gid);
	assert_int_equal(a->euid, b->euid);
	assert_int_equal(a->repeat, b->repeat);
	for (size_t i = 0; i < sizeof(sa) / sizeof(sa[0]); i++) {
		assert_true(sa[i].p == sb[i].p);
		assert_int_equal(sa[i].n, sb[i].n);
	}
}

/* head_file - every line of a sample, parsed with the header the
 * prefilter's judge found (sl_tag_class_head()), on a copy of the line
 * (as logs.c hands it over), is what a parse of its own makes */
static void
head_file(const char *name)
{
	size_t n, i = 0;
	char *all = testdata_read(name, &n);

	while (i < n) {
		const char *nl = memchr(all + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - all) : n, len = e - i;
		char *copy = malloc(len + 1);
		struct sl_event a, b;
		struct sl_head hd;
		struct sl_clock c1, c2;
		enum sl_tag tag = sl_tag_class_head(all + i, len, &hd);

		assert_int_equal(tag, sl_tag_class(all + i, len));
		assert_int_equal(hd.valid, tag != SL_TAG_NONE);
		memcpy(copy, all + i, len);
		sl_clock_init(&c1, 1771113600);
		sl_clock_init(&c2, 1771113600);
		sl_parse_line(copy, len, &c1, &a);
		sl_parse_line_head(copy, len, &hd, &c2, &b);
		same_event(&a, &b);
		/* what is known no event from the header is none */
		if (sl_head_no_event(copy, &hd))
			assert_int_equal(b.kind, SL_NONE);
		sl_clock_init(&c1, 1771113600);
		sl_clock_init(&c2, 1771113600);
		assert_int_equal(sl_cron_cmd(copy, len, &c1),
		                 sl_cron_cmd_head(copy, len, &hd, &c2));
		free(copy);
		i = e + 1;
	}
	free(all);
}

/* sl_head_no_event(): a sendmail sender's or delivered recipient's line,
 * a postfix one with no status or a delivered one, is told no event
 * from its header; anything that may be one is not */
static void
test_head_no_event(void **state)
{
	static const char pad[] =
	    "size=301, class=0, nrcpts=1, msgid=<vBAa1Abm000001@mx1>, "
	    "proto=ESMTP, daemon=MTA, relay=app1.example.com [192.0.2.1]";
	static const struct {
		const char *line;
		int none;
	} t[] = {
	    {"Mar  1 00:00:01 mx1 sendmail[1]: vBAa1Abm000001: "
	     "from=<a@example.com>, %s",
	     1},
	    {"Mar  1 00:00:01 mx1 sm-mta[1]: vBAa1Abm000001: "
	     "from=<a@example.com>, %s",
	     1},
	    {"Mar  1 00:00:02 mx1 sendmail[2]: vCAa2Abm000002: "
	     "to=<u@example.net>, %s, dsn=2.0.0, stat=Sent (ok)",
	     1},
	    {"Mar  1 00:00:02 mx1 sendmail[2]: vCAa2Abm000002: "
	     "to=<u@example.net>, %s, stat=queued",
	     1},
	    {"Mar  1 00:00:02 mx1 sendmail[2]: vCAa2Abm000002: "
	     "to=<u@example.net>, %s",
	     1},
	    {"Mar  1 00:00:02 mx1 sendmail[2]: vCAa2Abm000002: "
	     "to=<u@example.net>, %s, dsn=4.0.0, stat=Deferred: Connection "
	     "refused",
	     0},
	    /* the first ", stat=" is the stat, whatever follows */
	    {"Mar  1 00:00:02 mx1 sendmail[2]: vCAa2Abm000002: "
	     "to=<u@example.net>, %s, stat=User unknown, stat=Sent",
	     0},
	    {"Mar  1 00:00:02 mx1 sendmail[2]: vCAa2Abm000002: "
	     "to=<u@example.net>, %s, stat=Sent, stat=User unknown",
	     1},
	    /* "low on space" anywhere in a sender's line, past the rounds */
	    {"Mar  1 00:00:01 mx1 sendmail[1]: vBAa1Abm000001: "
	     "from=<a@example.com>, %s, low on space",
	     0},
	    {"Mar  1 00:00:01 mx1 sendmail[1]: vBAa1Abm000001: "
	     "from=<a@example.com>, low on space %s",
	     0},
	    {"Mar  1 00:00:01 mx1 sendmail[1]: vBAa1Abm000001: "
	     "SYSERR(root): collect: %s",
	     0},
	    {"Mar  1 00:00:01 mx1 sendmail[1]: vBAa1Abm000001: "
	     "Losing ./qfvBAa1Abm000001: %s",
	     0},
	    {"Mar  1 00:00:01 mx1 sendmail[1]: message repeated 2 times: [ "
	     "vBAa1Abm000001: from=<a@example.com>, %s]",
	     0},
	    {"Mar  1 00:00:01 mx1 postfix/smtp[1]: 4F9D195432: "
	     "to=<u@example.net>, %s, status=sent (ok)",
	     1},
	    {"Mar  1 00:00:01 mx1 postfix/qmgr[1]: 4F9D195432: "
	     "from=<a@example.com>, size=301, nrcpt=1 (queue active) %s",
	     1},
	    {"Mar  1 00:00:01 mx1 postfix-out/smtp[1]: 4F9D195432: "
	     "to=<u@example.net>, %s, status=sent, status=deferred",
	     1},
	    {"Mar  1 00:00:01 mx1 postfix/smtp[1]: 4F9D195432: "
	     "to=<u@example.net>, %s, status=deferred (connect refused)",
	     0},
	    {"Mar  1 00:00:01 mx1 postfix/smtp[1]: 4F9D195432: "
	     "to=<u@example.net>, %s, status=bounced (user unknown)",
	     0},
	    {"Mar  1 00:00:01 mx1 postfix/smtp[1]: 4F9D195432: "
	     "to=<u@example.net>, %s, status=undeliverable (no such user)",
	     0},
	    {"Mar  1 00:00:01 mx1 postfix/cleanup[1]: 4F9D195432: warning: "
	     "header Subject: x from local; from=<a@b> to=<c@d> %s",
	     0},
	    {"Mar  1 00:00:01 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT "
	     "from x[192.0.2.1]: 554 5.7.1 %s; from=<a@b> to=<c@d>",
	     0},
	    {"Mar  1 00:00:01 mx1 postfix/qmgr[1]: 4F9D195432: removed %s", 0},
	    {"Mar  1 00:00:01 mx1 postfix/smtp[1]: warning: %s", 0},
	    {"Mar  1 00:00:01 mx1 CROND[1]: (root) CMD (%s)", 0},
	};
	char line[1024];
	struct sl_head hd;
	struct sl_event ev;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int n = snprintf(line, sizeof(line), t[i].line, pad);
		assert_true(n > 0 && (size_t)n < sizeof(line));
		assert_int_not_equal(sl_tag_class_head(line, (size_t)n, &hd),
		                     SL_TAG_NONE);
		if (sl_head_no_event(line, &hd) != t[i].none)
			fail_msg("sl_head_no_event, want %d: %s", t[i].none,
			         line);
		if (t[i].none)
			assert_int_equal(
			    sl_parse_line_head(line, (size_t)n, &hd, &clk, &ev),
			    SL_NONE);
	}
	hd.valid = 0;
	assert_int_equal(sl_head_no_event(line, &hd), 0);
	assert_int_equal(sl_head_no_event(line, NULL), 0);
}

static void
test_parse_with_head(void **state)
{
	static const char *const files[] = {
	    "samples/sendmail-syserr.log",  "samples/real-sendmail/maillog",
	    "samples/sendmail-maillog.log", "samples/postfix-maillog.log",
	    "samples/syslog-variants.log",  "samples/bsd-syslog-verbosity.log",
	    "exim/syslog-upstream.log"};
	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++)
		head_file(files[f]);
}

static void
test_prefilter_misses_nothing(void **state)
{
	static const char *const files[] = {
	    "samples/sendmail-syserr.log",  "samples/real-sendmail/maillog",
	    "samples/sendmail-maillog.log", "samples/postfix-maillog.log",
	    "samples/syslog-variants.log",  "samples/bsd-syslog-verbosity.log",
	    "exim/syslog-upstream.log"};
	int found = 0;
	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++)
		found += scan_file(files[f]);
	assert_true(found > 10);
}

/* the kind names are the schema's, in the enum's order */
static void
test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(sl_kind_name(SL_SYSERR), "syserr");
	assert_string_equal(sl_kind_name(SL_DEFERRED), "deferred");
	assert_string_equal(sl_kind_name(SL_BOUNCED), "bounced");
	assert_string_equal(sl_kind_name(SL_WARNING), "warning");
	assert_string_equal(sl_kind_name(SL_FATAL), "fatal");
	assert_string_equal(sl_kind_name(SL_PANIC), "panic");
	assert_string_equal(sl_kind_name(SL_OTHER), "other");
	assert_string_equal(sl_kind_name(SL_NONE), "none");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_incident_syserr_collect),
	    cmocka_unit_test(test_incident_syserr_queueup),
	    cmocka_unit_test(test_old_queue_id_and_no_stage),
	    cmocka_unit_test(test_other_syserr_forms),
	    cmocka_unit_test(test_sendmail_delivery),
	    cmocka_unit_test(test_sendmail_queue_trouble),
	    cmocka_unit_test(test_postfix),
	    cmocka_unit_test(test_header_variants),
	    cmocka_unit_test(test_year_inference),
	    cmocka_unit_test(test_year_hour_cache),
	    cmocka_unit_test(test_token_lengths),
	    cmocka_unit_test(test_local_time_zone),
	    cmocka_unit_test(test_signature),
	    cmocka_unit_test(test_postfix_policy_and_probe),
	    cmocka_unit_test(test_repeat_forms),
	    cmocka_unit_test(test_signature_normalises_hosts_and_addresses),
	    cmocka_unit_test(test_real_samples),
	    cmocka_unit_test(test_hostile_input),
	    cmocka_unit_test(test_prefilter_implementations),
	    cmocka_unit_test(test_prefilter_misses_nothing),
	    cmocka_unit_test(test_parse_with_head),
	    cmocka_unit_test(test_head_no_event),
	    cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
