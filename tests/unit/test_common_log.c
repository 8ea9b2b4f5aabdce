/*
 * test_common_log.c - level names, the line format on stderr, level
 * filtering, errno preserved, strerror appended by log_warn, fatalx's
 * exit status; and the xalloc helpers the log sits under.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/log.h"
#include "common/xalloc.h"

static void
test_level_parse(void **state)
{
	enum log_level l = LOG_LVL_ERR;
	(void)state;

	assert_int_equal(log_level_parse("debug", &l), 0);
	assert_int_equal(l, LOG_LVL_DEBUG);
	assert_int_equal(log_level_parse("info", &l), 0);
	assert_int_equal(l, LOG_LVL_INFO);
	assert_int_equal(log_level_parse("warning", &l), 0);
	assert_int_equal(l, LOG_LVL_WARN);
	assert_int_equal(log_level_parse("warn", &l), 0);
	assert_int_equal(l, LOG_LVL_WARN);
	assert_int_equal(log_level_parse("error", &l), 0);
	assert_int_equal(l, LOG_LVL_ERR);
	l = LOG_LVL_INFO;
	assert_int_equal(log_level_parse("", &l), -1);
	assert_int_equal(log_level_parse("verbose", &l), -1);
	assert_int_equal(log_level_parse("info ", &l), -1);
	assert_int_equal(log_level_parse("err", &l), -1);
	assert_int_equal(l, LOG_LVL_INFO);	/* untouched on error */

	assert_string_equal(log_level_name(LOG_LVL_DEBUG), "debug");
	assert_string_equal(log_level_name(LOG_LVL_WARN), "warning");
	assert_string_equal(log_level_name(LOG_LVL_ERR), "error");
	assert_string_equal(log_level_name((enum log_level)99), "unknown");
	/* every name parses back to its level */
	for (int i = LOG_LVL_DEBUG; i <= LOG_LVL_ERR; i++) {
		assert_int_equal(log_level_parse(log_level_name(
		    (enum log_level)i), &l), 0);
		assert_int_equal(l, i);
	}
}

/* capture - run fn with stderr sent to a file; returns what it wrote. */
static char *
capture(void (*fn)(void))
{
	char path[] = "/tmp/test_log.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	char *buf = xmalloc(8192);
	ssize_t n;

	assert_true(fd >= 0);
	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, 8191, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	unlink(path);
	return buf;
}

static void
emit_levels(void)
{
	log_init("tlog", 0, LOG_LVL_WARN);
	log_debug("hidden debug");
	log_info("hidden info");
	log_warnx("shown warning x=%d", 1);
	log_err("shown error");
	log_set_level(LOG_LVL_DEBUG);
	log_debug("now shown");
	log_set_level(LOG_LVL_INFO);
}

static void
test_format_and_filter(void **state)
{
	char *out = capture(emit_levels);
	(void)state;

	assert_null(strstr(out, "hidden"));
	assert_non_null(strstr(out, " tlog[warning]: shown warning x=1\n"));
	assert_non_null(strstr(out, " tlog[error]: shown error\n"));
	assert_non_null(strstr(out, " tlog[debug]: now shown\n"));
	/* each line starts with an RFC 3339 UTC time */
	assert_int_equal(out[4], '-');
	assert_int_equal(out[10], 'T');
	assert_int_equal(out[19], 'Z');
	free(out);
}

static void
emit_errno(void)
{
	log_init("tlog", 0, LOG_LVL_INFO);
	errno = ENOENT;
	log_warn("open %s", "/x");
	assert_int_equal(errno, ENOENT);	/* preserved */
	errno = EACCES;
	log_info("no errno here");
	assert_int_equal(errno, EACCES);
	log_warnx("and none here");
	assert_int_equal(errno, EACCES);
}

static void
test_errno(void **state)
{
	char *out = capture(emit_errno);
	(void)state;

	assert_non_null(strstr(out, "open /x: No such file or directory\n"));
	assert_non_null(strstr(out, "[info]: no errno here\n"));
	assert_non_null(strstr(out, "[warning]: and none here\n"));
	free(out);
}

static void
emit_long(void)
{
	char big[5000];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_init("tlog", 0, LOG_LVL_INFO);
	log_info("%s", big);
}

static void
test_long_message_is_one_bounded_line(void **state)
{
	char *out = capture(emit_long);
	(void)state;

	assert_int_equal(strchr(out, '\n') - out, strlen(out) - 1);
	assert_true(strlen(out) < 2200);
	free(out);
}

static void
test_fatalx_exits_1(void **state)
{
	pid_t pid;
	int st;
	(void)state;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		fatalx("going down");
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
}

static void
test_xalloc(void **state)
{
	char *p;
	void *z;
	(void)state;

	p = xstrndup("abcdef", 3);
	assert_string_equal(p, "abc");
	free(p);
	p = xstrndup("ab", 10);
	assert_string_equal(p, "ab");
	free(p);
	p = xstrdup("");
	assert_string_equal(p, "");
	free(p);
	p = xasprintf("%s-%d", "x", 42);
	assert_string_equal(p, "x-42");
	free(p);
	z = xcalloc(16, 4);
	for (int i = 0; i < 64; i++)
		assert_int_equal(((unsigned char *)z)[i], 0);
	z = xrealloc(z, 4096);
	free(z);
	/* zero sizes still give a pointer that free() takes */
	free(xmalloc(0));
	free(xcalloc(0, 0));
	free(xrealloc(NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_level_parse),
	    cmocka_unit_test(test_format_and_filter),
	    cmocka_unit_test(test_errno),
	    cmocka_unit_test(test_long_message_is_one_bounded_line),
	    cmocka_unit_test(test_fatalx_exits_1),
	    cmocka_unit_test(test_xalloc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
