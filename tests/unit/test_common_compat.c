/*
 * test_common_compat.c - the old-kernel fallbacks: the command name from
 * /proc/PID/comm or, without it (Linux < 2.6.33), from /proc/PID/stat
 * (names with spaces and parentheses, truncation); file times; a
 * close-on-exec pipe; randomness; the mount table's path.  The ENOSYS
 * paths themselves run under tests/oldkernel (static_oldkernel.sh).
 */
#include <fcntl.h>
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

#include "common/compat.h"

static char dir[PATH_MAX];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/compat.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void
put(const char *name, const char *text)
{
	char p[PATH_MAX + 32];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
opendir_fd(void)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	return fd;
}

static void
test_comm_preferred(void **state)
{
	char buf[64];
	int fd;
	(void)state;
	put("comm", "sendmail\n");
	put("stat", "2401 (other) S 1 2401\n");
	fd = opendir_fd();
	assert_int_equal(compat_proc_comm(fd, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "sendmail");
	close(fd);
}

static void
test_stat_without_comm(void **state)
{
	char buf[64];
	int fd;
	(void)state;
	/* a name holding ") (" must end at the last ')' */
	put("stat", "2401 (sm ) (mta) S 1 2401 2401 0 -1 4202752\n");
	fd = opendir_fd();
	assert_int_equal(compat_proc_comm(fd, buf, sizeof(buf)), 9);
	assert_string_equal(buf, "sm ) (mta");
	/* truncated to the buffer */
	assert_int_equal(compat_proc_comm(fd, buf, 4), 3);
	assert_string_equal(buf, "sm ");
	close(fd);
}

static void
test_bad_stat(void **state)
{
	char buf[64];
	int fd;
	(void)state;
	fd = opendir_fd();
	assert_int_equal(compat_proc_comm(fd, buf, sizeof(buf)), -1);
	put("stat", "2401 no parentheses S 1\n");
	assert_int_equal(compat_proc_comm(fd, buf, sizeof(buf)), -1);
	put("stat", "2401 () S 1\n");
	assert_int_equal(compat_proc_comm(fd, buf, sizeof(buf)), -1);
	close(fd);
}

static void
test_times(void **state)
{
	struct compat_times t;
	char p[PATH_MAX + 32];
	struct stat st;
	int fd;
	(void)state;
	put("f", "x");
	snprintf(p, sizeof(p), "%s/f", dir);
	assert_int_equal(stat(p, &st), 0);
	fd = opendir_fd();
	assert_int_equal(compat_times_at(fd, "f", &t), 0);
	assert_true(S_ISREG(t.mode));
	assert_int_equal((long long)t.mtime, (long long)st.st_mtime);
	assert_int_equal((long long)t.ctime, (long long)st.st_ctime);
	assert_int_equal(compat_times_at(fd, "missing", &t), -1);
	close(fd);
}

static void
test_pipe_cloexec(void **state)
{
	int p[2];
	(void)state;
	assert_int_equal(compat_pipe_cloexec(p), 0);
	assert_true(fcntl(p[0], F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(p[1], F_GETFD) & FD_CLOEXEC);
	assert_int_equal(write(p[1], "z", 1), 1);
	close(p[0]);
	close(p[1]);
}

static void
test_random(void **state)
{
	unsigned char a[32], b[32];
	char err[256];
	(void)state;
	assert_int_equal(compat_random(a, sizeof(a), 0), 0);
	assert_int_equal(compat_random(b, sizeof(b), 1), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(compat_random_check(err, sizeof(err)), 0);
}

static void
test_mounts_table(void **state)
{
	const char *t = compat_mounts_table();
	(void)state;
	assert_true(strcmp(t, "/proc/self/mounts") == 0 ||
	            strcmp(t, "/proc/mounts") == 0);
	assert_int_equal(access(t, R_OK), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_comm_preferred, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_stat_without_comm, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_bad_stat, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_times, setup, teardown),
	    cmocka_unit_test(test_pipe_cloexec),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_mounts_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
