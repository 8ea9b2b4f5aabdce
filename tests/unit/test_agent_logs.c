/*
 * test_agent_logs.c - the mail log collector on a scratch root: its
 * configuration keys, events[] and event_groups[] with the max_events
 * bound, the same line through two files, staged (not committed)
 * offsets, hostile bytes in the JSON, the log.syserr finding tied to
 * the spool check's finding, and cron's jobs named across read blocks.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent/probe/accounts.h"
#include "agent/agent_config.h"
#include "agent/cycle.h"
#include "agent/collect/logs.h"
#include "agent/collect/own_pids.h"
#include "agent/diagnose/logs_findings.h"
#include "agent/ship/state.h"
#include "common/config.h"
#include "common/fsutil.h"

static char top[PATH_MAX];
static struct agent_config cfg;
static struct state *st;

static void
write_file(const char *rel, const char *text, const char *mode)
{
	char p[PATH_MAX + 64];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/root%s", top, rel);
	fp = fopen(p, mode);
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
setup(void **state)
{
	char p[PATH_MAX + 64], err[256];
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(top, sizeof(top), "%s/logstest.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(top));
	snprintf(p, sizeof(p), "%s/root/var/log", top);
	assert_int_equal(mkdir_p(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/root/etc", top);
	assert_int_equal(mkdir_p(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/state", top);
	assert_int_equal(mkdir_p(p, 0755), 0);
	assert_int_equal(agent_config_load(&cfg, NULL, 0, err, sizeof(err)), 0);
	free(cfg.root);
	snprintf(p, sizeof(p), "%s/root", top);
	cfg.root = strdup(p);
	snprintf(p, sizeof(p), "%s/state", top);
	st = state_open(p, NULL, 0, err, sizeof(err));
	assert_non_null(st);
	write_file("/etc/passwd",
	           "root:x:0:0:root:/root:/bin/bash\n"
	           "smmsp:x:51:51::/var/spool/mqueue:/sbin/nologin\n",
	           "w");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];
	(void)state;
	state_close(st);
	agent_config_free(&cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* run - one collection into a fresh report, with optional spools[] and
 * findings[] from the spool check; returns the report. */
static json_t *
run(json_t *spools, json_t *findings)
{
	struct cycle c;
	char err[256];

	memset(&c, 0, sizeof(c));
	c.root = cfg.root;
	c.accounts = accounts_load(cfg.root, err, sizeof(err));
	c.now = time(NULL);
	c.state = st;
	c.report = json_pack("{s:[], s:o}", "errors", "findings",
	                     findings ? findings : json_array());
	if (spools)
		json_object_set_new(c.report, "spools", spools);
	c.errors = json_object_get(c.report, "errors");
	c.findings = json_object_get(c.report, "findings");
	logs_collect(&c, &cfg.logs);
	logs_findings(&c, &cfg.logs);
	accounts_free(c.accounts);
	return c.report;
}

static const char syserr_fmt[] =
    "Feb 15 09:%02d:%02d host1 sendmail[%d]: u1F1K2am%06d: SYSERR(root): "
    "collect: Cannot write ./dfu1F1K2am%06d (bfcommit, uid=51, gid=51): "
    "Permission denied\n";

static void
test_config_keys(void **state)
{
	struct logs_config lc;
	struct cfg_file *cf;
	char err[512];
	static const char good[] =
	    "max_events = 7\n[logs]\nfiles = /a/maillog, /b/messages\n"
	    "readback = 1M\nmax_line = 2k\n";
	(void)state;
	assert_int_equal(logs_config_load(&lc, NULL, err, sizeof(err)), 0);
	assert_int_equal(lc.files.n, 5); /* ... and /var/log/cron */
	assert_string_equal(lc.files.v[0], "/var/log/maillog");
	assert_int_equal(lc.readback, 4 << 20);
	assert_int_equal(lc.max_line, 64 << 10);
	assert_int_equal(lc.max_events, 500);
	logs_config_free(&lc);

	cf = cfg_parse("t.conf", good, strlen(good), err, sizeof(err));
	assert_non_null(cf);
	assert_int_equal(logs_config_load(&lc, cf, err, sizeof(err)), 0);
	assert_int_equal(cfg_check_unused(cf, err, sizeof(err)), 0);
	assert_int_equal(lc.files.n, 2);
	assert_string_equal(lc.files.v[1], "/b/messages");
	assert_int_equal(lc.readback, 1 << 20);
	assert_int_equal(lc.max_line, 2048);
	assert_int_equal(lc.max_events, 7);
	logs_config_free(&lc);
	cfg_free(cf);

	static const char *const bad[] = {
	    "[logs]\nfiles = var/log/maillog\n", /* relative */
	    "[logs]\nmax_line = 10\n",           /* below 1k */
	    "max_events = -1\n",
	    "[logs]\nreadback = lots\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cf = cfg_parse("t.conf", bad[i], strlen(bad[i]), err,
		               sizeof(err));
		assert_non_null(cf);
		assert_int_equal(logs_config_load(&lc, cf, err, sizeof(err)),
		                 -1);
		assert_non_null(strstr(err, "t.conf"));
		logs_config_free(&lc);
		cfg_free(cf);
	}
	/* a key the logs section does not know is left for the check */
	cf = cfg_parse("t.conf", "[logs]\nfile = /x\n", 16, err, sizeof(err));
	assert_non_null(cf);
	assert_int_equal(logs_config_load(&lc, cf, err, sizeof(err)), 0);
	assert_int_equal(cfg_check_unused(cf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "file"));
	logs_config_free(&lc);
	cfg_free(cf);
}

static void
test_max_events_keeps_newest_and_counts_all(void **state)
{
	char line[512];
	json_t *r, *ev, *g;
	(void)state;
	cfg.logs.max_events = 10;
	for (int i = 0; i < 1000; i++) {
		snprintf(line, sizeof(line), syserr_fmt, i / 60 % 60, i % 60, i,
		         i, i);
		write_file("/var/log/maillog", line, "a");
	}
	r = run(NULL, NULL);
	ev = json_object_get(r, "events");
	assert_int_equal(json_array_size(ev), 10);
	/* the newest ten, oldest first */
	assert_non_null(strstr(json_string_value(json_object_get(
	                           json_array_get(ev, 0), "queue_id")),
	                       "000990"));
	assert_non_null(strstr(json_string_value(json_object_get(
	                           json_array_get(ev, 9), "queue_id")),
	                       "000999"));
	g = json_object_get(r, "event_groups");
	assert_int_equal(json_array_size(g), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(g, 0), "count")),
	    1000);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(g, 0), "kind")),
	    "syserr");
	assert_int_equal(
	    json_integer_value(json_object_get(
	        json_object_get(r, "log_summary"), "events_total")),
	    1000);
	json_decref(r);
}

static void
test_same_line_in_two_files_is_one_event(void **state)
{
	char line[512];
	json_t *r, *src;
	(void)state;
	snprintf(line, sizeof(line), syserr_fmt, 1, 2, 3, 3, 3);
	write_file("/var/log/maillog", line, "w");
	write_file("/var/log/messages", line, "w");
	snprintf(line, sizeof(line), syserr_fmt, 1, 3, 4, 4, 4);
	write_file("/var/log/messages", line, "a");
	r = run(NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r, "events")), 2);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_object_get(r, "log_summary"), "duplicates")),
	                 1);
	src = json_object_get(r, "log_sources");
	assert_int_equal(json_array_size(src), 5);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(src, 1), "status")),
	                    "missing");
	assert_int_equal(json_array_size(json_object_get(r, "errors")), 0);
	json_decref(r);
}

/* 3000 lines in both files: the duplicate table grows from its first
 * size (1024 entries) and still finds every one. */
static void
test_many_lines_in_two_files_are_all_duplicates(void **state)
{
	char line[512], path[PATH_MAX + 64];
	FILE *a, *b;
	json_t *r;
	(void)state;
	snprintf(path, sizeof(path), "%s/root/var/log/maillog", top);
	a = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/root/var/log/messages", top);
	b = fopen(path, "w");
	assert_non_null(a);
	assert_non_null(b);
	for (int i = 0; i < 3000; i++) {
		snprintf(line, sizeof(line), syserr_fmt, i / 60 % 60, i % 60,
		         1000 + i, i, i);
		fputs(line, a);
		fputs(line, b);
	}
	fclose(a);
	fclose(b);
	r = run(NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_object_get(r, "log_summary"), "duplicates")),
	                 3000);
	json_decref(r);
}

static void
test_offsets_are_staged_not_committed(void **state)
{
	char line[512], err[256];
	json_t *r;
	(void)state;
	snprintf(line, sizeof(line), syserr_fmt, 1, 2, 3, 3, 3);
	write_file("/var/log/maillog", line, "w");
	r = run(NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r, "events")), 1);
	json_decref(r);
	assert_null(state_get_committed(st, "log:/var/log/maillog"));
	assert_non_null(state_get(st, "log:/var/log/maillog"));
	/* the report was lost: the line comes again */
	state_discard(st);
	r = run(NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r, "events")), 1);
	json_decref(r);
	/* now it was durable: not again */
	assert_int_equal(state_commit(st, err, sizeof(err)), 0);
	assert_non_null(state_get_committed(st, "log:/var/log/maillog"));
	r = run(NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r, "events")), 0);
	json_decref(r);
}

static void
test_hostile_bytes_make_valid_json(void **state)
{
	json_t *r, *e;
	char *text;
	(void)state;
	write_file("/var/log/maillog",
	           "Feb 15 09:20:02 h\xff sendmail[1]: u1F1K2am000001: "
	           "SYSERR(r\xc3\x28"
	           "): collect: Cannot write ./df\x01\x02 (uid=1): Permission "
	           "denied\n",
	           "w");
	r = run(NULL, NULL);
	e = json_array_get(json_object_get(r, "events"), 0);
	assert_non_null(e);
	assert_non_null(
	    strstr(json_string_value(json_object_get(e, "raw")), "\\xff"));
	text = json_dumps(r, JSON_COMPACT);
	assert_non_null(text);
	free(text);
	json_decref(r);

	/* a 600-byte program tag: names are kept short (schema: 256) */
	char line[1024];
	memset(line, 'a', sizeof(line));
	memcpy(line, "Feb 15 09:20:02 h ", 18);
	snprintf(line + 618, sizeof(line) - 618,
	         "[1]: SYSERR(root): collect: x\n");
	write_file("/var/log/maillog", line, "a");
	r = run(NULL, NULL);
	e = json_array_get(json_object_get(r, "events"), 0);
	assert_non_null(e);
	assert_true(strlen(json_string_value(json_object_get(e, "program"))) <=
	            255);
	assert_true(strlen(json_string_value(json_object_get(e, "raw"))) > 600);
	json_decref(r);
}

static void
test_unreadable_source_is_an_error_not_a_failure(void **state)
{
	char p[PATH_MAX + 64], line[512];
	json_t *r, *src, *e;
	(void)state;
	snprintf(p, sizeof(p), "%s/root/var/log/messages", top);
	assert_int_equal(mkdir(p, 0755), 0); /* not a file */
	snprintf(line, sizeof(line), syserr_fmt, 1, 2, 3, 3, 3);
	write_file("/var/log/maillog", line, "w");
	r = run(NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r, "events")), 1);
	src = json_array_get(json_object_get(r, "log_sources"), 2);
	assert_string_equal(json_string_value(json_object_get(src, "status")),
	                    "error");
	e = json_array_get(json_object_get(r, "errors"), 0);
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "source")),
	                    "/var/log/messages");
	assert_non_null(strstr(json_string_value(json_object_get(e, "error")),
	                       "not a regular file"));
	assert_null(state_get(st, "log:/var/log/messages"));
	json_decref(r);
}

static void
test_syserr_finding_tied_to_spool_finding(void **state)
{
	char line[512];
	json_t *r, *spools, *findings, *f = NULL, *x;
	size_t i;
	(void)state;
	for (int k = 0; k < 3; k++) {
		snprintf(line, sizeof(line), syserr_fmt, 1, k, k, k, k);
		write_file("/var/log/maillog", line, "a");
	}
	write_file(
	    "/var/log/maillog",
	    "Feb 15 09:20:02 host1 sendmail[7]: u1F1K2am000007: SYSERR(root): "
	    "queueup: cannot create queue file ./qfu1F1K2am000007, euid=51, "
	    "fd=-1, fp=0x0: Permission denied\n",
	    "a");
	spools = json_pack("[{s:s, s:s, s:b}, {s:s, s:s, s:b}]", "path",
	                   "/var/spool/mqueue", "role", "mta_queue", "exists",
	                   1, "path", "/var/spool/clientmqueue", "role",
	                   "msp_queue", "exists", 1);
	findings = json_pack(
	    "[{s:s, s:s, s:s, s:s, s:{}, s:s}]", "code", "spool.permissions",
	    "severity", "warning", "subject", "/var/spool/clientmqueue",
	    "message", "/var/spool/clientmqueue is root:root 0755", "evidence",
	    "remedy", "chown smmsp:smmsp /var/spool/clientmqueue");
	r = run(spools, findings);
	json_array_foreach(
	    json_object_get(r, "findings"), i,
	    x) if (strcmp(json_string_value(json_object_get(x, "code")),
	                  "log.syserr") == 0) f = x;
	assert_non_null(f);
	assert_string_equal(json_string_value(json_object_get(f, "subject")),
	                    "/var/spool/clientmqueue");
	assert_string_equal(json_string_value(json_object_get(f, "severity")),
	                    "critical");
	assert_string_equal(json_string_value(json_object_get(f, "remedy")),
	                    "chown smmsp:smmsp /var/spool/clientmqueue");
	assert_non_null(strstr(json_string_value(json_object_get(f, "message")),
	                       "Permission denied"));
	x = json_object_get(f, "evidence");
	assert_int_equal(json_integer_value(json_object_get(x, "count")), 4);
	assert_int_equal(json_array_size(json_object_get(x, "signatures")), 2);
	assert_string_equal(
	    json_string_value(json_object_get(x, "spool_finding")),
	    "spool.permissions");
	json_decref(r);
}

static void
test_syserr_without_spool_names_the_log(void **state)
{
	json_t *r, *f;
	(void)state;
	write_file(
	    "/var/log/maillog",
	    "Feb 15 09:00:00 h sendmail[2]: SYSERR(root): opendaemonsocket: "
	    "daemon MTA: cannot bind: Address already in use\n"
	    "Feb 15 09:00:01 h sendmail[3]: u1FFT1S6011761: to=root, "
	    "delay=00:00:00, mailer=relay, pri=1, relay=[127.0.0.1] "
	    "[127.0.0.1], dsn=4.0.0, stat=Deferred: Connection refused by "
	    "[127.0.0.1]\n",
	    "w");
	r = run(NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r, "findings")), 1);
	f = json_array_get(json_object_get(r, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "subject")),
	                    "/var/log/maillog");
	assert_string_equal(json_string_value(json_object_get(f, "severity")),
	                    "warning");
	assert_int_equal(json_array_size(json_object_get(r, "event_groups")),
	                 2);
	json_decref(r);
}

/* 150,000 lines in both files (a queue run deferring that many
 * messages): more than the in-memory set holds, still every one a
 * duplicate, and the second file's own lines still counted. */
static void
test_huge_run_in_two_files_is_deduplicated_exactly(void **state)
{
	char line[512], path[PATH_MAX + 64];
	FILE *a, *b;
	json_t *r, *sum;
	const int n = 150000;
	(void)state;
	cfg.logs.readback = 256 << 20;
	snprintf(path, sizeof(path), "%s/root/var/log/maillog", top);
	a = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/root/var/log/messages", top);
	b = fopen(path, "w");
	assert_non_null(a);
	assert_non_null(b);
	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof(line),
		         "Feb 15 %02d:%02d:%02d mx postfix/qmgr[9]: %010X: "
		         "to=<u@example.com>, relay=none, delay=9, dsn=4.4.1, "
		         "status=deferred (connect refused)\n",
		         i / 3600 % 24, i / 60 % 60, i % 60, i);
		fputs(line, a);
		fputs(line, b);
		if (i % 1000 == 0) /* only in messages: not a duplicate */
			fputs("Feb 15 23:59:59 mx postfix/smtp[1]: warning: "
			      "only here\n",
			      b);
	}
	fclose(a);
	fclose(b);
	r = run(NULL, NULL);
	sum = json_object_get(r, "log_summary");
	assert_int_equal(json_integer_value(json_object_get(sum, "duplicates")),
	                 n);
	assert_int_equal(
	    json_integer_value(json_object_get(sum, "events_total")),
	    n + n / 1000);
	assert_int_equal(json_array_size(json_object_get(r, "errors")), 0);
	json_decref(r);
}

/* sysklogd's "last message repeated N times" counts N more of the line
 * before it (when that was an event), rsyslog's form N of its message */
static void
test_repeated_lines_count_their_event(void **state)
{
	char line[512];
	json_t *r, *g;
	(void)state;
	snprintf(line, sizeof(line), syserr_fmt, 1, 2, 3, 3, 3);
	write_file("/var/log/maillog", line, "w");
	write_file("/var/log/maillog",
	           "Feb 15 09:01:03 host1 last message repeated 4 times\n"
	           "Feb 15 09:01:04 host1 kernel: eth0: link up\n"
	           "Feb 15 09:01:05 host1 last message repeated 7 times\n"
	           "Feb 15 09:01:06 host1 sendmail[9]: message repeated 2 "
	           "times: [ u1F1K2am000009: SYSERR(root): collect: Cannot "
	           "write ./dfu1F1K2am000009 (bfcommit, uid=51, gid=51): "
	           "Permission denied]\n",
	           "a");
	r = run(NULL, NULL);
	assert_int_equal(
	    json_integer_value(json_object_get(
	        json_object_get(r, "log_summary"), "events_total")),
	    1 + 4 + 2);
	g = json_object_get(r, "event_groups");
	assert_int_equal(json_array_size(g), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(g, 0), "count")),
	    7);
	assert_int_equal(json_array_size(json_object_get(r, "events")), 2);
	json_decref(r);
}

/* many event + "last message repeated" pairs: the read blocks end
 * between the two of a pair somewhere, and the count is still exact */
static void
test_repeats_across_read_blocks(void **state)
{
	char line[512], path[PATH_MAX + 64];
	FILE *fp;
	json_t *r;
	const int n = 20000;
	(void)state;
	cfg.logs.readback = 64 << 20;
	snprintf(path, sizeof(path), "%s/root/var/log/maillog", top);
	fp = fopen(path, "w");
	assert_non_null(fp);
	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof(line), syserr_fmt, i / 60 % 60, i % 60, i,
		         i, i);
		fputs(line, fp);
		fprintf(fp,
		        "Feb 15 09:%02d:%02d host1 last message repeated "
		        "%d times\n",
		        i / 60 % 60, i % 60, 1 + i % 3);
	}
	fclose(fp);
	r = run(NULL, NULL);
	/* each pair counts 1 + (1 + i % 3): 2n plus the sum of i % 3 */
	assert_int_equal(
	    json_integer_value(json_object_get(
	        json_object_get(r, "log_summary"), "events_total")),
	    n + n / 3 * 6 + (n % 3 >= 1 ? 1 : 0) + (n % 3 >= 2 ? 2 : 0));
	json_decref(r);
}

/* a crash leaves NULs where the file had grown; the next line follows
 * them with no newline in between */
static void
test_line_after_nul_run_is_read(void **state)
{
	char line[512], path[PATH_MAX + 64], zeros[4096];
	FILE *fp;
	json_t *r, *e;
	(void)state;
	snprintf(path, sizeof(path), "%s/root/var/log/maillog", top);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("Feb 15 09:00:00 host1 kernel: ok\n", fp);
	memset(zeros, 0, sizeof(zeros));
	fwrite(zeros, 1, sizeof(zeros), fp);
	snprintf(line, sizeof(line), syserr_fmt, 1, 2, 3, 3, 3);
	fputs(line, fp);
	fclose(fp);
	r = run(NULL, NULL);
	e = json_object_get(r, "events");
	assert_int_equal(json_array_size(e), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(e, 0), "kind")),
	    "syserr");
	assert_int_equal(strncmp(json_string_value(json_object_get(
	                             json_array_get(e, 0), "raw")),
	                         "Feb 15 09:01:02 host1", 21),
	                 0);
	json_decref(r);
}

/* what the agent's own postqueue child logged is not the host's
 * warning; the same line from another postqueue (a user's mailq) is */
static void
test_own_postqueue_warning_not_counted(void **state)
{
	json_t *r, *e;
	(void)state;
	own_pids_add(st, 4242);
	write_file("/var/log/maillog",
	           "Feb 15 09:01:02 host1 postfix/postqueue[4242]: warning: "
	           "Mail system is down -- accessing queue directly\n"
	           "Feb 15 09:01:03 host1 postfix/postqueue[4243]: warning: "
	           "Mail system is down -- accessing queue directly\n",
	           "w");
	r = run(NULL, NULL);
	e = json_object_get(r, "events");
	assert_int_equal(json_array_size(e), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(e, 0), "pid")),
	    4243);
	json_decref(r);
	/* the pid list is bounded and keeps the newest */
	for (long p = 1; p <= 2 * OWN_PIDS_MAX; p++)
		own_pids_add(st, 10000 + p);
	assert_false(own_pids_has(st, "4242", 4));
	assert_false(own_pids_has(st, "10001", 5));
	assert_true(own_pids_has(st, "10032", 5));
	assert_int_equal(json_array_size(state_get(st, "logs:own_pids")),
	                 OWN_PIDS_MAX);
}

/* cron's CMD lines in runs across many read blocks (about 270 in each):
 * a complaint names the job of a CMD line 400 CMD lines and more than a
 * block before it, carried from block to block (cron_aside.c), and the
 * job of the CMD line right before it */
static void
test_cron_job_named_across_read_blocks(void **state)
{
	char path[PATH_MAX + 64];
	FILE *fp;
	json_t *r, *jobs;
	int named = 0;
	(void)state;
	cfg.logs.readback = 64 << 20;
	snprintf(path, sizeof(path), "%s/root/var/log/maillog", top);
	fp = fopen(path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 6000; i++) {
		fprintf(fp,
		        "Feb 15 10:%02d:%02d host1 CROND[%d]: (root) CMD "
		        "(/usr/local/bin/job-%d)\n",
		        i / 60 % 60, i % 60, 10000 + 2 * i, i);
		for (int k = 0; k < 6; k++)
			fprintf(fp,
			        "Feb 15 10:%02d:%02d host1 kernel: [%8d.%06d] "
			        "eth0: link up, 1000 Mbps, full duplex, lpa "
			        "0x%04X\n",
			        i / 60 % 60, i % 60, i, k, i & 0xffff);
		if (i == 3000 || i == 5999)
			fprintf(
			    fp,
			    "Feb 15 10:%02d:%02d host1 CROND[%d]: (root) "
			    "MAIL (mailed 10 bytes of output but got status "
			    "0x004b)\n",
			    i / 60 % 60, i % 60,
			    10000 + 2 * (i == 3000 ? i - 400 : i));
	}
	fclose(fp);
	r = run(NULL, NULL);
	jobs = json_object_get(json_object_get(r, "cron_lost"), "jobs");
	assert_int_equal(json_array_size(jobs), 2);
	for (size_t j = 0; j < json_array_size(jobs); j++) {
		const char *c = json_string_value(
		    json_object_get(json_array_get(jobs, j), "command"));
		assert_non_null(c);
		named += strcmp(c, "/usr/local/bin/job-2600") == 0 ||
		         strcmp(c, "/usr/local/bin/job-5999") == 0;
	}
	assert_int_equal(named, 2);
	json_decref(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_keys),
	    cmocka_unit_test_setup_teardown(
	        test_max_events_keeps_newest_and_counts_all, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_same_line_in_two_files_is_one_event, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_many_lines_in_two_files_are_all_duplicates, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_huge_run_in_two_files_is_deduplicated_exactly, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_repeated_lines_count_their_event, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_repeats_across_read_blocks,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_line_after_nul_run_is_read,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_cron_job_named_across_read_blocks, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_own_postqueue_warning_not_counted, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_offsets_are_staged_not_committed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_bytes_make_valid_json,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_unreadable_source_is_an_error_not_a_failure, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_syserr_finding_tied_to_spool_finding, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_syserr_without_spool_names_the_log, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
