/*
 * test_agent_relay_cron_log.c - the small relays' failure lines and
 * cron's CMD lines and lost-mail complaints, read through the syslog
 * header parser as the log collector reads them.  The message texts are
 * the programs' own (strings of nullmailer 2.2, msmtp 1.8.23, dma 0.13
 * from the Debian 12 packages; cron's from Debian cron and cronie).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "agent/parse/cron_log.h"
#include "agent/parse/relay_log.h"
#include "agent/parse/syslog_parse.h"

#define assert_span(sp, want)                                                  \
	do {                                                                   \
		assert_non_null((sp).p);                                       \
		assert_int_equal((sp).n, strlen(want));                        \
		assert_memory_equal((sp).p, want, strlen(want));               \
	} while (0)

static struct sl_clock clk;

static enum sl_kind
relay(const char *line, struct sl_event *ev)
{
	sl_clock_init(&clk, 1771200000);
	assert_int_equal(sl_parse_header(line, strlen(line), &clk, ev), 0);
	return relay_log_event(ev);
}

static void
test_nullmailer(void **state)
{
	struct sl_event ev;

	(void)state;
	assert_int_equal(relay("Feb 15 09:20:02 h nullmailer[651]: Sending "
	                       "failed: Connection failed",
	                       &ev),
	                 SL_DEFERRED);
	assert_span(ev.stat, "Connection failed");
	assert_int_equal(relay("Feb 15 09:20:02 h nullmailer[651]: Sending "
	                       "failed: Permanent error in sending the "
	                       "message",
	                       &ev),
	                 SL_BOUNCED);
	assert_int_equal(relay("Feb 15 09:20:02 h nullmailer[651]: smtp: "
	                       "Failed: 550 5.7.1 Relaying denied",
	                       &ev),
	                 SL_WARNING);
	assert_span(ev.stat, "550 5.7.1 Relaying denied");
	assert_int_equal(relay("Feb 15 09:20:02 h nullmailer[651]: No remote "
	                       "hosts listed for delivery",
	                       &ev),
	                 SL_FATAL);
	assert_int_equal(relay("Feb 15 09:20:02 h nullmailer[651]: Moving "
	                       "message 1771147202.7134 into failed",
	                       &ev),
	                 SL_BOUNCED);
	assert_span(ev.queue_id, "1771147202.7134");
	assert_int_equal(relay("Feb 15 09:20:02 h nullmailer[651]: Starting "
	                       "delivery, 1 message(s) in queue.",
	                       &ev),
	                 SL_NONE);
	assert_int_equal(relay("Feb 15 09:20:02 h nullmailer[651]: Sent "
	                       "file.",
	                       &ev),
	                 SL_NONE);
}

static void
test_msmtp_ssmtp(void **state)
{
	struct sl_event ev;

	(void)state;
	assert_int_equal(
	    relay("2026-02-15T09:20:02.1+01:00 h msmtp: host=smtp.example.com "
	          "tls=on auth=on user=cron from=root@h recipients=root,ops "
	          "mailsize=412 smtpstatus=535 smtpmsg='535 5.7.8 "
	          "Authentication failed' errormsg='authentication failed "
	          "(method PLAIN)' exitcode=EX_NOPERM",
	          &ev),
	    SL_BOUNCED);
	assert_span(ev.stat, "authentication failed (method PLAIN)");
	assert_span(ev.relay, "smtp.example.com");
	assert_span(ev.to, "root,ops");
	assert_span(ev.dsn, "535");
	/* no errormsg: the exit code says it */
	assert_int_equal(relay("Feb 15 09:20:02 h msmtp: host=mail "
	                       "tls=off auth=off from=root@h recipients=root "
	                       "exitcode=EX_NOHOST",
	                       &ev),
	                 SL_BOUNCED);
	assert_span(ev.stat, "EX_NOHOST");
	assert_int_equal(relay("Feb 15 09:20:02 h msmtp: host=mail tls=off "
	                       "auth=off from=root@h recipients=root "
	                       "mailsize=10 smtpstatus=250 smtpmsg='250 OK' "
	                       "exitcode=EX_OK",
	                       &ev),
	                 SL_NONE);
	assert_int_equal(relay("Feb 15 09:20:02 h sSMTP[3110]: Unable to "
	                       "connect to \"mail\" port 25.",
	                       &ev),
	                 SL_BOUNCED);
	assert_span(ev.stat, "Unable to connect to \"mail\" port 25");
	assert_int_equal(relay("Feb 15 09:20:02 h sSMTP[3110]: Sent mail for "
	                       "root@h (221 2.0.0 Bye) uid=0 username=root "
	                       "outbytes=420",
	                       &ev),
	                 SL_NONE);
}

static void
test_dma(void **state)
{
	struct sl_event ev;

	(void)state;
	assert_int_equal(relay("Feb 15 09:20:02 h dma[1a2b3c.4d5e6f]: remote "
	                       "delivery deferred: mx.example.com "
	                       "[192.0.2.7] failed after DATA: 451 4.3.0 try "
	                       "later",
	                       &ev),
	                 SL_DEFERRED);
	assert_span(ev.queue_id, "1a2b3c.4d5e6f");
	assert_span(ev.stat, "mx.example.com [192.0.2.7] failed after DATA: "
	                     "451 4.3.0 try later");
	assert_int_equal(relay("Feb 15 09:20:02 h dma[1a2b3c.4d5e6f]: remote "
	                       "delivery to mx.example.com [192.0.2.7] "
	                       "failed after RCPT TO: 550 5.1.1 no such user",
	                       &ev),
	                 SL_BOUNCED);
	assert_span(ev.relay, "mx.example.com");
	assert_span(ev.stat, "550 5.1.1 no such user");
	assert_int_equal(relay("Feb 15 09:20:02 h dma[1a2b3c.4d5e6f]: DNS "
	                       "lookup failure: host smarthost not found",
	                       &ev),
	                 SL_DEFERRED);
	assert_int_equal(relay("Feb 15 09:20:02 h dma[1a2b3c.4d5e6f]: "
	                       "<root@h> trying delivery",
	                       &ev),
	                 SL_NONE);
	/* other programs are not relays */
	assert_int_equal(
	    relay("Feb 15 09:20:02 h sshd[1]: Sending failed: x", &ev),
	    SL_NONE);
}

static void
feed(struct cron_lost *cl, const char *line, enum cron_line want)
{
	struct sl_event ev;

	assert_int_equal(sl_parse_header(line, strlen(line), &clk, &ev), 0);
	assert_int_equal(cron_lost_feed(cl, &ev), want);
}

static void
test_cron_parse(void **state)
{
	struct cron_line_info li;
	const char *m;

	(void)state;
	m = "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)";
	assert_int_equal(cron_log_parse(m, strlen(m), &li), CRONL_CMD);
	assert_span(li.user, "root");
	assert_span(li.command, "cd / && run-parts --report /etc/cron.hourly");
	m = "(CRON) info (No MTA installed, discarding output)";
	assert_int_equal(cron_log_parse(m, strlen(m), &li), CRONL_NO_MTA);
	assert_span(li.user, "CRON");
	m = "(root) MAIL (mailed 77 bytes of output but got status 0x0001 "
	    "from MTA#012)";
	assert_int_equal(cron_log_parse(m, strlen(m), &li), CRONL_MAIL_FAILED);
	assert_int_equal(li.bytes, 77);
	assert_int_equal(li.status, 1);
	m = "(root) MAIL (mailed 1 byte of output but got status 0x004b from "
	    "MTA\n)";
	assert_int_equal(cron_log_parse(m, strlen(m), &li), CRONL_MAIL_FAILED);
	assert_int_equal(li.status, 0x4b);
	m = "pam_unix(cron:session): session opened for user root(uid=0)";
	assert_int_equal(cron_log_parse(m, strlen(m), &li), CRONL_NONE);
	m = "(root) MAIL (mailed x bytes)";
	assert_int_equal(cron_log_parse(m, strlen(m), &li), CRONL_NONE);
	m = "(*system*) RELOAD (/etc/crontab)";
	assert_int_equal(cron_log_parse(m, strlen(m), &li), CRONL_NONE);
}

/* cron_log_is_cmd() is cron_log_parse() == CRONL_CMD, at its edges too */
static void
test_cron_is_cmd(void **state)
{
	static const char *const m[] = {
	    "(root) CMD (date)",
	    "(root) CMD (date)#012",
	    "(root) CMD (date)\r\n ",
	    "(root) CMD (date",
	    "(root) CMD date)",
	    "(root)CMD (date)",
	    "(root) CMD(date)",
	    "(root) CMD ()",
	    "(root) CMD (",
	    "(root) CMD",
	    "(root)",
	    "(r)",
	    "root) CMD (date)",
	    "() CMD (x)",
	    "(a)) CMD (x)",
	    "(CRON) info (No MTA installed, discarding output)",
	    "(root) MAIL (mailed 77 bytes of output but got status 0x0001)",
	};
	char big[600];
	struct cron_line_info li;

	(void)state;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (cron_log_is_cmd(m[i], strlen(m[i])) !=
		    (cron_log_parse(m[i], strlen(m[i]), &li) == CRONL_CMD))
			fail_msg("cron_log_is_cmd differs: %s", m[i]);
	/* the user's ')' is looked for in the first 256 bytes only */
	for (size_t at = 250; at < 262; at++) {
		memset(big, 'u', sizeof(big));
		big[0] = '(';
		big[at] = ')';
		memcpy(big + at + 1, " CMD (x)", 8);
		assert_int_equal(cron_log_is_cmd(big, at + 9),
		                 cron_log_parse(big, at + 9, &li) == CRONL_CMD);
		assert_int_equal(cron_log_is_cmd(big, at + 9), at < 256);
	}
}

static void
test_cron_lost_jobs(void **state)
{
	struct cron_lost *cl = cron_lost_new();
	json_t *j, *jobs;

	(void)state;
	sl_clock_init(&clk, 1771200000);
	/* Debian: the complaint comes from the job's parent, pid - 1 */
	feed(cl,
	     "Feb 15 09:17:01 h CRON[4120]: pam_unix(cron:session): session "
	     "opened for user root(uid=0) by (uid=0)",
	     CRONL_NONE);
	feed(cl,
	     "Feb 15 09:17:01 h CRON[4121]: (root) CMD (/usr/local/bin/"
	     "backup.sh)",
	     CRONL_CMD);
	feed(cl, "Feb 15 09:17:01 h CRON[4131]: (www) CMD (php /srv/cron.php)",
	     CRONL_CMD);
	feed(cl,
	     "Feb 15 09:17:05 h CRON[4120]: (CRON) info (No MTA installed, "
	     "discarding output)",
	     CRONL_NO_MTA);
	/* the next run of the same job */
	feed(cl,
	     "Feb 15 10:17:01 h CRON[5121]: (root) CMD (/usr/local/bin/"
	     "backup.sh)",
	     CRONL_CMD);
	feed(cl,
	     "Feb 15 10:17:04 h CRON[5120]: (CRON) info (No MTA installed, "
	     "discarding output)",
	     CRONL_NO_MTA);
	/* cronie: the same pid; one with no CMD line read at all */
	feed(cl,
	     "Feb 15 10:20:01 h CROND[2277]: (root) CMD (/usr/lib64/sa/sa1 1 "
	     "1)",
	     CRONL_CMD);
	feed(cl,
	     "Feb 15 10:20:02 h CROND[2277]: (root) MAIL (mailed 77 bytes of "
	     "output but got status 0x0001 from MTA#012)",
	     CRONL_MAIL_FAILED);
	feed(cl,
	     "Feb 15 10:21:02 h crond[9999]: (oper) MAIL (mailed 5 bytes of "
	     "output but got status 0x0001 from MTA)",
	     CRONL_MAIL_FAILED);
	assert_int_equal(cron_lost_count(cl), 4);
	j = cron_lost_json(cl);
	assert_int_equal(json_integer_value(json_object_get(j, "no_mta")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "mta_failed")),
	                 2);
	jobs = json_object_get(j, "jobs");
	assert_int_equal(json_array_size(jobs), 3);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(jobs, 0), "command")),
	                    "/usr/local/bin/backup.sh");
	assert_int_equal(json_integer_value(
	                     json_object_get(json_array_get(jobs, 0), "count")),
	                 2);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(jobs, 0), "reason")),
	                    "no MTA installed");
	/* www's job produced no output: it was not lost */
	for (size_t i = 0; i < json_array_size(jobs); i++) {
		json_t *c = json_object_get(json_array_get(jobs, i), "command");
		assert_false(
		    json_is_string(c) &&
		    strcmp(json_string_value(c), "php /srv/cron.php") == 0);
	}
	{
		int unknown = 0, sa1 = 0;
		for (size_t i = 0; i < json_array_size(jobs); i++) {
			json_t *o = json_array_get(jobs, i);
			json_t *c = json_object_get(o, "command");
			if (json_is_null(c)) {
				unknown = 1;
				assert_string_equal(
				    json_string_value(
				        json_object_get(o, "user")),
				    "oper");
			} else if (strcmp(json_string_value(c),
			                  "/usr/lib64/sa/sa1 1 1") == 0) {
				sa1 = 1;
				assert_string_equal(
				    json_string_value(
				        json_object_get(o, "reason")),
				    "the MTA failed (exit status 0x0001)");
			}
		}
		assert_true(unknown && sa1);
	}
	json_decref(j);
	cron_lost_free(cl);
}

static void
test_cron_lost_across_cycles(void **state)
{
	struct cron_lost *cl = cron_lost_new(), *next;
	json_t *saved, *j;

	(void)state;
	sl_clock_init(&clk, 1771200000);
	/* cycle 1: a long job starts, a short one starts and complains */
	feed(cl,
	     "Feb 15 09:00:01 h CROND[7001]: (root) CMD (/usr/local/bin/"
	     "backup.sh --full)",
	     CRONL_CMD);
	feed(cl, "Feb 15 09:01:01 h CROND[7101]: (root) CMD (date)", CRONL_CMD);
	feed(cl,
	     "Feb 15 09:01:02 h CROND[7100]: (root) MAIL (mailed 30 bytes of "
	     "output but got status 0x0001 from MTA)",
	     CRONL_MAIL_FAILED);
	saved = cron_lost_save(cl);
	/* only the unclaimed CMD line is kept */
	assert_int_equal(json_array_size(saved), 1);
	cron_lost_free(cl);
	/* cycle 2: the long job ends and complains */
	next = cron_lost_new();
	cron_lost_load(next, saved);
	feed(next,
	     "Feb 15 09:40:00 h CROND[7000]: (root) MAIL (mailed 900 bytes of "
	     "output but got status 0x0001 from MTA)",
	     CRONL_MAIL_FAILED);
	j = cron_lost_json(next);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_array_get(json_object_get(j, "jobs"), 0), "command")),
	    "/usr/local/bin/backup.sh --full");
	json_decref(j);
	/* a malformed saved value is ignored */
	json_decref(saved);
	saved = json_pack("[[s], 5, [1, 2, 3, 4]]", "x");
	cron_lost_load(next, saved);
	assert_int_equal(cron_lost_count(next), 1);
	json_decref(saved);
	cron_lost_free(next);
}

/* feed_cmds - CMD lines j = from..to-1 (pid 1000 + j % 300: pids come
 * back, so which slot holds a line decides a claim) */
static void
feed_cmds(struct cron_lost *cl, int from, int to)
{
	char line[128];

	for (int j = from; j < to; j++) {
		snprintf(line, sizeof(line),
		         "Feb 15 09:00:01 h CROND[%d]: (root) CMD (job %d)",
		         1000 + j % 300, j);
		feed(cl, line, CRONL_CMD);
	}
}

/* skipping all but the last CRON_LOST_CMDS CMD lines of a run leaves
 * cron_lost as feeding them all does: the same claims, the same save */
static void
test_cron_lost_skip(void **state)
{
	struct cron_lost *all = cron_lost_new(), *last = cron_lost_new();
	const char *complaint = "Feb 15 09:01:02 h CROND[1005]: (root) MAIL "
	                        "(mailed 30 bytes of output but got status "
	                        "0x0001 from MTA)";
	json_t *a, *b;
	(void)state;
	sl_clock_init(&clk, 1771200000);
	feed_cmds(all, 0, 700);
	cron_lost_skip(last, 700 - CRON_LOST_CMDS);
	feed_cmds(last, 700 - CRON_LOST_CMDS, 700);
	feed(all, complaint, CRONL_MAIL_FAILED);
	feed(last, complaint, CRONL_MAIL_FAILED);
	a = cron_lost_json(all);
	b = cron_lost_json(last);
	assert_true(json_equal(a, b));
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_array_get(json_object_get(b, "jobs"), 0), "command")),
	    "job 605");
	json_decref(a);
	json_decref(b);
	a = cron_lost_save(all);
	b = cron_lost_save(last);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	cron_lost_free(all);
	cron_lost_free(last);
}

/* the lines the log reader may put aside: a cron CMD line with a stamp
 * that is a time */
static void
test_cron_cmd_lines(void **state)
{
	static const struct {
		const char *line;
		int want;
	} t[] = {
	    {"Feb 15 09:00:01 h CROND[7001]: (root) CMD (date)", 1},
	    {"Feb 15 09:00:01 CRON[7001]: (root) CMD (date)", 1},
	    {"2026-02-15T09:00:01.5+00:00 h cron[1]: (root) CMD (x)", 1},
	    {"Feb 15 09:00:01 h /usr/sbin/cron[1]: (root) CMD (x)", 1},
	    {"Feb 30 09:00:01 h CROND[7001]: (root) CMD (date)", 0},
	    {"Feb 15 25:00:01 h CROND[7001]: (root) CMD (date)", 0},
	    {"Feb 15 09:00:01 h CROND[7100]: (root) MAIL (mailed 30 bytes of "
	     "output but got status 0x0001 from MTA)",
	     0},
	    {"Feb 15 09:00:01 h CRON[1]: (CRON) info (No MTA installed, "
	     "discarding output)",
	     0},
	    {"Feb 15 09:00:01 h CRON[1]: message repeated 2 times: [ (root) "
	     "CMD (date)]",
	     0},
	    {"Feb 15 09:00:01 h sshd[1]: (root) CMD (date)", 0},
	};
	(void)state;
	sl_clock_init(&clk, 1771200000);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (sl_cron_cmd(t[i].line, strlen(t[i].line), &clk) !=
		    t[i].want)
			fail_msg("sl_cron_cmd, want %d: %s", t[i].want,
			         t[i].line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nullmailer),
	    cmocka_unit_test(test_msmtp_ssmtp),
	    cmocka_unit_test(test_dma),
	    cmocka_unit_test(test_cron_parse),
	    cmocka_unit_test(test_cron_is_cmd),
	    cmocka_unit_test(test_cron_lost_jobs),
	    cmocka_unit_test(test_cron_lost_across_cycles),
	    cmocka_unit_test(test_cron_lost_skip),
	    cmocka_unit_test(test_cron_cmd_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
