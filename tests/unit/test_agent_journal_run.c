/*
 * test_agent_journal_run.c - journalctl as a child: the argument vector,
 * a fake journalctl for the edge cases (bad cursor, deadline, budget,
 * failure), and the real journalctl over a real journal file written by
 * systemd-journal-remote (cursor kept, cursor lost).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent/collect/journal_config.h"
#include "agent/probe/journal_run.h"

#define REMOTE "/lib/systemd/systemd-journal-remote"

static char tmp[256];

struct seen {
	int n;
	char lines[16][512];
};

static void
collect(void *arg, const char *line, size_t n, const struct journal_entry *e)
{
	struct seen *s = arg;

	(void)e;
	assert_int_equal(strlen(line), n);
	if (s->n < 16)
		snprintf(s->lines[s->n], sizeof(s->lines[0]), "%s", line);
	s->n++;
}

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char p[512];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", tmp, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	chmod(p, mode);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/sw-jrun-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	setenv("FAKE_DIR", tmp, 1);
	write_file("journalctl",
	           "#!/bin/sh\n"
	           "printf '%s\\n' \"$@\" > \"$FAKE_DIR/args\"\n"
	           "case \"$*\" in *--cursor=garbage*)\n"
	           "  echo 'Failed to seek to cursor: Invalid argument' >&2\n"
	           "  exit 1;; esac\n"
	           "if [ -f \"$FAKE_DIR/fail\" ]; then\n"
	           "  echo 'Failed to open journal: Bad message' >&2; exit 1\n"
	           "fi\n"
	           "cat \"$FAKE_DIR/out\"\n"
	           "if [ -f \"$FAKE_DIR/hang\" ]; then exec sleep 30; fi\n"
	           "exit 0\n",
	           0755);
	return 0;
}

static int
teardown(void **state)
{
	char p[512];
	(void)state;
	static const char *const names[] = {"journalctl", "args", "out",
	                                    "fail",       "hang", "in.export"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmp, names[i]);
		unlink(p);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/j%d/x.journal", tmp, i);
		unlink(p);
		snprintf(p, sizeof(p), "%s/j%d", tmp, i);
		rmdir(p);
	}
	rmdir(tmp);
	return 0;
}

static struct journal_opts
fake_opts(const char *cursor)
{
	static char prog[300];
	struct journal_opts o;

	snprintf(prog, sizeof(prog), "%s/journalctl", tmp);
	memset(&o, 0, sizeof(o));
	o.program = prog;
	o.cursor = cursor;
	o.since = 1771118000;
	o.timeout_ms = 20000;
	return o;
}

static const char three[] =
    "{\"__CURSOR\":\"c1\",\"__REALTIME_TIMESTAMP\":\"1771118402000000\","
    "\"SYSLOG_IDENTIFIER\":\"postfix/smtp\",\"_PID\":\"12\","
    "\"MESSAGE\":\"A1: to=<r@x>, status=deferred (x)\"}\n"
    "{\"__CURSOR\":\"c2\",\"__REALTIME_TIMESTAMP\":\"1771118403000000\","
    "\"SYSLOG_IDENTIFIER\":\"kernel\",\"MESSAGE\":\"not mail\"}\n"
    "not json at all\n"
    "{\"__CURSOR\":\"c3\",\"__REALTIME_TIMESTAMP\":\"1771118404000000\","
    "\"SYSLOG_IDENTIFIER\":\"CRON\",\"_PID\":\"7\",\"_HOSTNAME\":\"h\","
    "\"MESSAGE\":\"(CRON) info (No MTA installed, discarding output)\"}";

static void
test_argv(void **state)
{
	struct journal_opts o = fake_opts("s=ab;i=1");
	const char *argv[JOURNAL_ARGV_MAX + 1];
	char buf[600];
	size_t n;
	int cursor = 0, dir = 0, fields = 0;

	(void)state;
	o.dir = "/srv/root/var/log/journal";
	n = journal_argv(&o, 1, 1, buf, sizeof(buf), argv);
	assert_true(n <= JOURNAL_ARGV_MAX);
	assert_null(argv[n]);
	for (size_t i = 0; i < n; i++) {
		cursor |= strcmp(argv[i], "--cursor=s=ab;i=1") == 0;
		fields |= strncmp(argv[i], "--output-fields=", 16) == 0;
		dir |= strcmp(argv[i], "-D") == 0 &&
		       strcmp(argv[i + 1], "/srv/root/var/log/journal") == 0;
		assert_null(strstr(argv[i], "--since"));
	}
	assert_true(cursor && dir && fields);
	o.dir = NULL;
	n = journal_argv(&o, 0, 0, buf, sizeof(buf), argv);
	for (size_t i = 0; i < n; i++) {
		assert_string_not_equal(argv[i], "-D");
		assert_int_not_equal(strncmp(argv[i], "--output-fields", 15),
		                     0);
		assert_null(strstr(argv[i], "--cursor"));
	}
	{
		/* local time, the form old journalctl takes too */
		time_t t = 1771118000;
		struct tm tm;
		char want[64];
		localtime_r(&t, &tm);
		strftime(want, sizeof(want), "--since=%Y-%m-%d %H:%M:%S", &tm);
		assert_string_equal(buf, want);
	}
}

static void
test_fake_lines(void **state)
{
	struct journal_opts o = fake_opts(NULL);
	struct journal_result res;
	struct seen s = {0};
	char err[512];

	(void)state;
	write_file("out", three, 0644);
	assert_int_equal(journal_read(&o, collect, &s, &res, err, sizeof(err)),
	                 0);
	assert_int_equal(s.n, 2); /* kernel: not mail; junk: skipped */
	assert_int_equal(res.entries, 2);
	assert_int_equal(res.skipped, 1);
	assert_string_equal(s.lines[0], "2026-02-15T01:20:02.000000Z "
	                                "postfix/smtp[12]: A1: to=<r@x>, "
	                                "status=deferred (x)");
	assert_string_equal(s.lines[1],
	                    "2026-02-15T01:20:04.000000Z h CRON[7]: "
	                    "(CRON) info (No MTA installed, "
	                    "discarding output)");
	assert_string_equal(res.cursor, "c3"); /* the last line, no newline */
	assert_false(res.cursor_lost);
	assert_false(res.partial);

	/* resumed: the saved entry comes back first and is skipped */
	o = fake_opts("c1");
	memset(&s, 0, sizeof(s));
	assert_int_equal(journal_read(&o, collect, &s, &res, err, sizeof(err)),
	                 0);
	assert_int_equal(s.n, 1);
	assert_false(res.cursor_lost);
	assert_string_equal(res.cursor, "c3");

	/* a cursor that is not the first entry: lost, said, read on */
	o = fake_opts("c0");
	memset(&s, 0, sizeof(s));
	assert_int_equal(journal_read(&o, collect, &s, &res, err, sizeof(err)),
	                 0);
	assert_int_equal(s.n, 2);
	assert_true(res.cursor_lost);
	assert_non_null(strstr(res.note, "no longer in the journal"));

	/* nothing at all came back: lost too, the cursor is kept */
	write_file("out", "", 0644);
	memset(&s, 0, sizeof(s));
	assert_int_equal(journal_read(&o, collect, &s, &res, err, sizeof(err)),
	                 0);
	assert_int_equal(s.n, 0);
	assert_true(res.cursor_lost);
	assert_string_equal(res.cursor, "c0");
}

static void
test_fake_bad_cursor_and_failure(void **state)
{
	struct journal_opts o = fake_opts("garbage");
	struct journal_result res;
	struct seen s = {0};
	char err[512], args[512];
	FILE *fp;
	size_t n;

	(void)state;
	write_file("out", three, 0644);
	assert_int_equal(journal_read(&o, collect, &s, &res, err, sizeof(err)),
	                 0);
	assert_int_equal(s.n, 2); /* repeated from --since */
	assert_true(res.cursor_lost);
	snprintf(args, sizeof(args), "%s/args", tmp);
	fp = fopen(args, "r");
	assert_non_null(fp);
	n = fread(args, 1, sizeof(args) - 1, fp);
	args[n] = '\0';
	fclose(fp);
	assert_non_null(strstr(args, "--since=20"));

	/* a failure before any output is an error with its words */
	write_file("fail", "", 0644);
	o = fake_opts(NULL);
	assert_int_equal(journal_read(&o, collect, &s, &res, err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "status 1"));
	assert_non_null(strstr(err, "Bad message"));
	snprintf(args, sizeof(args), "%s/fail", tmp);
	unlink(args);

	/* a program that is not there */
	o.program = "/nonexistent/journalctl";
	assert_int_equal(journal_read(&o, collect, &s, &res, err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "No such file"));
}

static void
test_fake_deadline_and_budget(void **state)
{
	struct journal_opts o = fake_opts(NULL);
	struct journal_result res;
	struct seen s = {0};
	char err[512], p[512];

	(void)state;
	write_file("out", three, 0644);
	write_file("hang", "", 0644);
	o.timeout_ms = 300;
	assert_int_equal(journal_read(&o, collect, &s, &res, err, sizeof(err)),
	                 0);
	assert_true(res.partial);
	assert_int_equal(s.n, 1); /* the last line had no newline yet */
	assert_string_equal(res.cursor, "c2");
	assert_non_null(strstr(res.note, "next cycle"));
	snprintf(p, sizeof(p), "%s/hang", tmp);
	unlink(p);

	/* the byte budget stops at a line end, the rest is for later */
	o = fake_opts(NULL);
	o.max_bytes = 10;
	memset(&s, 0, sizeof(s));
	assert_int_equal(journal_read(&o, collect, &s, &res, err, sizeof(err)),
	                 0);
	assert_true(res.partial);
	assert_true(s.n < 2);
	assert_non_null(strstr(res.note, "bound"));
}

/* run - fork/exec argv with stdin from a file; its exit status */
static int
run(const char *in, char *const argv[])
{
	pid_t pid = fork();
	int st;

	assert_true(pid != -1);
	if (pid == 0) {
		if (freopen(in, "r", stdin) == NULL ||
		    freopen("/dev/null", "w", stderr) == NULL)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
make_journal(int k, int entries)
{
	char in[512], dir[512], out[600];
	FILE *fp;

	snprintf(in, sizeof(in), "%s/in.export", tmp);
	fp = fopen(in, "w");
	assert_non_null(fp);
	for (int i = 0; i < entries; i++)
		fprintf(
		    fp,
		    "__CURSOR=s=1;i=%d\n__REALTIME_TIMESTAMP=%lld\n"
		    "__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=0123456789abcdef"
		    "0123456789abcdef\n_HOSTNAME=jhost\nSYSLOG_FACILITY=%d\n"
		    "SYSLOG_IDENTIFIER=%s\n_PID=%d\nMESSAGE=%s %d\n\n",
		    i + 1, 1771118400000000LL + i * 1000000LL, 1000 + i,
		    i % 3 == 2 ? 3 : 2, i % 3 == 2 ? "systemd" : "postfix/smtp",
		    100 + i, "A1B2C3: to=<root@x>, status=deferred (refused)",
		    i);
	fclose(fp);
	snprintf(dir, sizeof(dir), "%s/j%d", tmp, k);
	mkdir(dir, 0755);
	snprintf(out, sizeof(out), "%s/x.journal", dir);
	{
		char *const argv[] = {REMOTE, "-o", out, "-", NULL};
		assert_int_equal(run(in, argv), 0);
	}
}

static void
test_real_journal(void **state)
{
	struct journal_opts o;
	struct journal_result res;
	struct seen s = {0};
	char err[512], dir[512], cursor[JOURNAL_CURSOR_MAX];

	(void)state;
	if (access(REMOTE, X_OK) != 0 || access(JOURNAL_DEF_PROGRAM, X_OK) != 0)
		skip(); /* tests/deps-journal.txt installs them */
	make_journal(0, 6);
	snprintf(dir, sizeof(dir), "%s/j0", tmp);
	memset(&o, 0, sizeof(o));
	o.program = JOURNAL_DEF_PROGRAM;
	o.dir = dir;
	o.timeout_ms = 20000;
	assert_int_equal(journal_read(&o, collect, &s, &res, err, sizeof(err)),
	                 0);
	assert_int_equal(s.n, 4); /* facility 3 (systemd) is not asked for */
	assert_string_equal(s.lines[0],
	                    "2026-02-15T01:20:00.000000Z jhost "
	                    "postfix/smtp[100]: A1B2C3: to=<root@x>, "
	                    "status=deferred (refused) 0");
	assert_false(res.cursor_lost);
	assert_true(strncmp(res.cursor, "s=", 2) == 0);
	snprintf(cursor, sizeof(cursor), "%s", res.cursor);

	/* resumed from the cursor: nothing new, nothing lost */
	o.cursor = cursor;
	memset(&s, 0, sizeof(s));
	assert_int_equal(journal_read(&o, collect, &s, &res, err, sizeof(err)),
	                 0);
	assert_int_equal(s.n, 0);
	assert_false(res.cursor_lost);
	assert_string_equal(res.cursor, cursor);

	/* the journal was replaced (vacuumed, rebuilt): the cursor is gone */
	make_journal(1, 9);
	snprintf(dir, sizeof(dir), "%s/j1", tmp);
	memset(&s, 0, sizeof(s));
	assert_int_equal(journal_read(&o, collect, &s, &res, err, sizeof(err)),
	                 0);
	assert_true(res.cursor_lost);
	assert_non_null(strstr(res.note, "no longer in the journal"));
	assert_string_not_equal(res.cursor, cursor);

	/* locate: under a root, the persistent directory */
	{
		char root[512], found[600];
		snprintf(root, sizeof(root), "%s/noroot", tmp);
		assert_int_equal(journal_locate(root, found, sizeof(found)), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_argv),
	    cmocka_unit_test(test_fake_lines),
	    cmocka_unit_test(test_fake_bad_cursor_and_failure),
	    cmocka_unit_test(test_fake_deadline_and_budget),
	    cmocka_unit_test(test_real_journal),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
