/*
 * test_common_safe_open.c - the hostile-file open: a final symbolic link
 * is not followed, a FIFO does not block, a file swapped in after the
 * lstat is refused; the ownership rule (account or root, one link).
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
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/safe_open.h"

static char dir[64], a[128], b[128], l[128], f[128];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_safe_open.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(l, sizeof(l), "%s/l", dir);
	snprintf(f, sizeof(f), "%s/f", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
make_file(const char *p, const char *text)
{
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void
test_regular(void **state)
{
	struct stat seen, st;
	char err[256], buf[8];
	int fd;

	(void)state;
	make_file(a, "mine");
	assert_int_equal(lstat(a, &seen), 0);
	fd = safe_open(AT_FDCWD, a, &seen, &st, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 4);
	assert_int_equal(st.st_ino, seen.st_ino);
	close(fd);
	unlink(a);
}

static void
test_symlink_not_followed(void **state)
{
	struct stat st;
	char err[256];

	(void)state;
	make_file(b, "secret");
	assert_int_equal(symlink(b, l), 0);
	assert_int_equal(safe_open(AT_FDCWD, l, NULL, &st, err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "symbolic link"));
	unlink(l);
	unlink(b);
}

static void
test_swapped_after_lstat(void **state)
{
	struct stat seen, st;
	char err[256];

	(void)state;
	make_file(a, "mine");
	make_file(b, "secret");
	assert_int_equal(lstat(a, &seen), 0);
	/* the race won: another file is renamed over the one looked at */
	assert_int_equal(rename(b, a), 0);
	assert_int_equal(safe_open(AT_FDCWD, a, &seen, &st, err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "replaced"));
	unlink(a);
}

static void
test_fifo_does_not_block(void **state)
{
	struct stat st;
	char err[256];

	(void)state;
	assert_int_equal(mkfifo(f, 0600), 0);
	/* without O_NONBLOCK this open waits for a writer forever */
	assert_int_equal(safe_open(AT_FDCWD, f, NULL, &st, err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "not a regular file"));
	unlink(f);
}

static void
test_owned(void **state)
{
	struct stat st;
	char err[256];

	(void)state;
	memset(&st, 0, sizeof(st));
	st.st_nlink = 1;
	st.st_uid = 1000;
	assert_int_equal(safe_owned(&st, 1000, err, sizeof(err)), 0);
	st.st_uid = 0;
	assert_int_equal(safe_owned(&st, 1000, err, sizeof(err)), 0);
	st.st_uid = 1001;
	assert_int_equal(safe_owned(&st, 1000, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "uid 1001"));
	st.st_uid = 1000;
	st.st_nlink = 2;
	assert_int_equal(safe_owned(&st, 1000, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "2 hard links"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_regular),
	    cmocka_unit_test(test_symlink_not_followed),
	    cmocka_unit_test(test_swapped_after_lstat),
	    cmocka_unit_test(test_fifo_does_not_block),
	    cmocka_unit_test(test_owned),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
