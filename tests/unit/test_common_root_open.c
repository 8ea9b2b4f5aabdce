/*
 * test_common_root_open.c - opening a host path inside --root: absolute
 * and relative links on an intermediate component, ".." above the root,
 * a final link, a loop; through root_open() (openat2 where the kernel has
 * it) and through root_open_walk() (the component walk of old kernels),
 * which must agree.  A canary outside the root is never what is read.
 */
#include <errno.h>
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
#include <unistd.h>
#include <cmocka.h>

#include "common/fsutil.h"

static char top[64], root[128];

static void
mk(const char *rel, int dir, const char *text)
{
	char p[512];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (dir) {
		assert_int_equal(mkdir(p, 0755), 0);
		return;
	}
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void
ln(const char *target, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int
setup(void **state)
{
	char abs[256];

	(void)state;
	snprintf(top, sizeof(top), "/tmp/test_root_open.XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	snprintf(root, sizeof(root), "%s/root", top);
	mk("root", 1, NULL);
	mk("outside", 1, NULL);
	mk("outside/f", 0, "canary");
	mk("mqueue", 1, NULL);
	mk("mqueue/f", 0, "canary");
	mk("root/mqueue", 1, NULL);
	mk("root/mqueue/f", 0, "inside");
	mk("root/var2", 1, NULL);
	/* an absolute link to the host's outside: inside, ROOT/<top>/outside
	 * (missing) */
	snprintf(abs, sizeof(abs), "%s/outside", top);
	ln(abs, "root/var");
	ln(abs, "root/qlink");
	/* ../.. from ROOT/var2 is top on the host: clamped, it is ROOT */
	ln("../..", "root/var2/spool");
	ln("/mqueue", "root/mq");
	ln("loop", "root/loop");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

/* both - what root_open and root_open_walk give for path: the file's
 * first bytes, or "-ERRNO" */
static void
both(const char *path, char out[2][32])
{
	int rootfd = open(root, O_RDONLY | O_DIRECTORY);

	assert_true(rootfd >= 0);
	for (int i = 0; i < 2; i++) {
		int fd = i == 0 ? root_open(root, path, O_RDONLY)
		                : root_open_walk(rootfd, path, O_RDONLY);
		ssize_t n;

		if (fd == -1) {
			snprintf(out[i], 32, "-%d", errno);
			continue;
		}
		n = read(fd, out[i], 31);
		out[i][n < 0 ? 0 : n] = '\0';
		close(fd);
	}
	close(rootfd);
}

static void
expect(const char *path, const char *want)
{
	char got[2][32];

	both(path, got);
	assert_string_equal(got[0], want);
	assert_string_equal(got[1], want);
}

static void
test_inside(void **state)
{
	char e[16];

	(void)state;
	expect("/mqueue/f", "inside");
	expect("/mqueue/../mqueue/./f", "inside");
	expect("/../../mqueue/f", "inside");
	/* ROOT/var2/spool -> ../..: ROOT itself, not top */
	expect("/var2/spool/mqueue/f", "inside");
	/* a final link and an intermediate one, absolute, inside */
	expect("/mq/f", "inside");
	/* ROOT/var -> <top>/outside: inside the root, that does not exist */
	snprintf(e, sizeof(e), "-%d", ENOENT);
	expect("/var/f", e);
	expect("/qlink/f", e);
	snprintf(e, sizeof(e), "-%d", ELOOP);
	expect("/loop/f", e);
	expect("/loop", e);
}

static void
test_nofollow(void **state)
{
	int rootfd = open(root, O_RDONLY | O_DIRECTORY);

	(void)state;
	/* a final link refused with O_NOFOLLOW, an intermediate one not */
	errno = 0;
	assert_int_equal(root_open(root, "/mq", O_RDONLY | O_NOFOLLOW), -1);
	assert_int_equal(errno, ELOOP);
	errno = 0;
	assert_int_equal(root_open_walk(rootfd, "/mq", O_RDONLY | O_NOFOLLOW),
	                 -1);
	assert_int_equal(errno, ELOOP);
	for (int i = 0; i < 2; i++) {
		int fd = i ? root_open_walk(rootfd, "/mq/f", O_RDONLY | O_NOFOLLOW)
		           : root_open(root, "/mq/f", O_RDONLY | O_NOFOLLOW);
		assert_true(fd >= 0);
		close(fd);
	}
	close(rootfd);
}

static void
test_directory_fd(void **state)
{
	int fd;
	struct stat a, b;
	char p[256];

	(void)state;
	/* a directory through a final link: the one inside */
	fd = root_open(root, "/var2/spool/mqueue", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &a), 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/mqueue", root);
	assert_int_equal(stat(p, &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	/* no root: the path as it is */
	snprintf(p, sizeof(p), "%s/mqueue/f", top);
	fd = root_open("", p, O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	/* the root itself */
	fd = root_open(root, "/", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_inside),
	    cmocka_unit_test(test_directory_fd),
	    cmocka_unit_test(test_nofollow),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
