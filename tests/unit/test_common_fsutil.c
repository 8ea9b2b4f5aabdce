/*
 * test_common_fsutil.c - --root path joining (normalisation, no escape
 * above the root, ENAMETOOLONG), capped reads, atomic writes, mkdir -p.
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
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/fsutil.h"

static char tmpdir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_fsutil.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *
J(const char *root, const char *path)
{
	static char out[PATH_MAX];
	if (root_path(out, sizeof(out), root, path) == -1)
		return NULL;
	return out;
}

static void
test_root_path_normalises(void **state)
{
	(void)state;
	/* no root */
	assert_string_equal(J(NULL, "/var/spool/mqueue"), "/var/spool/mqueue");
	assert_string_equal(J("", "/var/spool/mqueue"), "/var/spool/mqueue");
	assert_string_equal(J("/", "/var/spool/mqueue"), "/var/spool/mqueue");
	assert_string_equal(J("", "/"), "/");
	/* with a root; trailing slashes of the root are dropped */
	assert_string_equal(J("/srv/img", "/etc/passwd"),
	                    "/srv/img/etc/passwd");
	assert_string_equal(J("/srv/img/", "/etc/passwd"),
	                    "/srv/img/etc/passwd");
	assert_string_equal(J("/srv/img///", "/etc"), "/srv/img/etc");
	assert_string_equal(J("/srv/img", "/"), "/srv/img/");
	assert_string_equal(J("rel/root", "/etc"), "rel/root/etc");
	/* "//", "/./" and trailing slashes fold */
	assert_string_equal(J("/r", "//var///spool/./mqueue/"),
	                    "/r/var/spool/mqueue");
	assert_string_equal(J("/r", "/./."), "/r/");
	assert_string_equal(J("", "/var/./log//maillog"), "/var/log/maillog");
	/* ".." climbs, but never above the root */
	assert_string_equal(J("/r", "/var/spool/../log"), "/r/var/log");
	assert_string_equal(J("/r", "/var/../../../etc/shadow"),
	                    "/r/etc/shadow");
	assert_string_equal(J("/r", "/.."), "/r/");
	assert_string_equal(J("/r", "/../../.."), "/r/");
	assert_string_equal(J("", "/../etc/passwd"), "/etc/passwd");
	assert_string_equal(J("/r", "/a/b/../../../../r2/x"), "/r/r2/x");
	/* names that only look like dots are names */
	assert_string_equal(J("/r", "/.../..a/a../.x"), "/r/.../..a/a../.x");
}

static void
test_root_path_errors(void **state)
{
	char small[16], *big;
	size_t n = PATH_MAX + 100;
	(void)state;

	errno = 0;
	assert_int_equal(root_path(small, sizeof(small), "/r", "etc/passwd"),
	                 -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(root_path(small, sizeof(small), "/r", ""), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(root_path(small, sizeof(small), "/r", NULL), -1);

	/* exactly fits: "/r/0123456789a" is 14 bytes plus the NUL */
	assert_int_equal(root_path(small, 15, "/r", "/0123456789a"), 0);
	assert_string_equal(small, "/r/0123456789a");
	errno = 0;
	assert_int_equal(root_path(small, 14, "/r", "/0123456789a"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	/* a root that does not fit */
	errno = 0;
	assert_int_equal(
	    root_path(small, sizeof(small), "/a/very/long/root/dir", "/x"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	/* a path longer than PATH_MAX, even if ".." would shorten it */
	big = malloc(n + 1);
	memset(big, 'a', n);
	big[0] = '/';
	memcpy(big + n - 6, "/../x", 6);
	{
		char out[PATH_MAX];
		errno = 0;
		assert_int_equal(root_path(out, sizeof(out), "/r", big), -1);
		assert_int_equal(errno, ENAMETOOLONG);
		/* a component that fits only after the root is added */
		memset(big, 'a', PATH_MAX);
		big[0] = '/';
		big[PATH_MAX - 2] = '\0';
		assert_int_equal(root_path(out, sizeof(out), "", big), 0);
		assert_int_equal(strlen(out), PATH_MAX - 2);
		errno = 0;
		assert_int_equal(root_path(out, sizeof(out), "/r", big), -1);
		assert_int_equal(errno, ENAMETOOLONG);
	}
	free(big);
}

static void
write_raw(const char *path, const char *data, size_t n)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void
test_read_file_capped(void **state)
{
	char path[128], err[256], *buf = (char *)"unchanged";
	ssize_t n;
	(void)state;

	snprintf(path, sizeof(path), "%s/f", tmpdir);
	write_raw(path, "hello\0world", 11);
	n = read_file_capped(path, &buf, 1024, err, sizeof(err));
	assert_int_equal(n, 11);
	assert_memory_equal(buf, "hello\0world", 12); /* NUL-terminated */
	free(buf);

	/* exactly at the cap, and one byte over it */
	n = read_file_capped(path, &buf, 11, err, sizeof(err));
	assert_int_equal(n, 11);
	free(buf);
	buf = (char *)"unchanged";
	n = read_file_capped(path, &buf, 10, err, sizeof(err));
	assert_int_equal(n, -1);
	assert_null(buf);
	assert_non_null(strstr(err, "larger than 10 bytes"));
	assert_non_null(strstr(err, path));

	/* empty file, cap 0 */
	write_raw(path, "", 0);
	n = read_file_capped(path, &buf, 0, err, sizeof(err));
	assert_int_equal(n, 0);
	assert_string_equal(buf, "");
	free(buf);

	/* a large file read in several chunks, then over a larger cap */
	{
		size_t big = 1000003;
		char *data = malloc(big);
		for (size_t i = 0; i < big; i++)
			data[i] = (char)('a' + i % 26);
		write_raw(path, data, big);
		n = read_file_capped(path, &buf, big, err, sizeof(err));
		assert_int_equal(n, (ssize_t)big);
		assert_memory_equal(buf, data, big);
		free(buf);
		n = read_file_capped(path, &buf, big - 1, err, sizeof(err));
		assert_int_equal(n, -1);
		n = read_file_capped(path, &buf, SIZE_MAX, err, sizeof(err));
		assert_int_equal(n, (ssize_t)big);
		free(buf);
		free(data);
	}

	/* missing, a directory, a FIFO with no writer (must not block) */
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	n = read_file_capped(path, &buf, 10, err, sizeof(err));
	assert_int_equal(n, -1);
	assert_non_null(strstr(err, "No such file or directory"));
	n = read_file_capped(tmpdir, &buf, 10, err, sizeof(err));
	assert_int_equal(n, -1);
	assert_non_null(strstr(err, "not a regular file"));
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	n = read_file_capped(path, &buf, 10, err, sizeof(err));
	assert_int_equal(n, -1);
	assert_non_null(strstr(err, "not a regular file"));
	n = read_file_capped("/dev/zero", &buf, 10, err, sizeof(err));
	assert_int_equal(n, -1);
	assert_non_null(strstr(err, "not a regular file"));
}

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_write_file_atomic(void **state)
{
	char dir[128], path[160], err[256], *buf;
	struct stat st;
	mode_t old;
	(void)state;

	snprintf(dir, sizeof(dir), "%s/w", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/state.json", dir);

	/* the mode asked for, whatever the umask */
	old = umask(077);
	assert_int_equal(
	    write_file_atomic(path, "{\"a\":1}", 7, 0644, err, sizeof(err)), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(read_file_capped(path, &buf, 100, err, sizeof(err)),
	                 7);
	assert_string_equal(buf, "{\"a\":1}");
	free(buf);
	/* no temporary file is left behind */
	assert_int_equal(count_entries(dir), 1);

	/* replacing: new content and mode, still one file */
	assert_int_equal(write_file_atomic(path, "", 0, 0600, err, sizeof(err)),
	                 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(count_entries(dir), 1);

	/* a stale temporary file with the wrong mode is replaced */
	{
		char tmp[200];
		snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
		write_raw(tmp, "stale", 5);
		chmod(tmp, 0666);
		assert_int_equal(
		    write_file_atomic(path, "x", 1, 0600, err, sizeof(err)), 0);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		assert_int_equal(st.st_size, 1);
		assert_int_equal(count_entries(dir), 1);
	}

	/* a missing directory: an error naming the path, nothing created */
	snprintf(path, sizeof(path), "%s/nodir/state.json", dir);
	assert_int_equal(
	    write_file_atomic(path, "x", 1, 0600, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nodir"));
	assert_non_null(strstr(err, "No such file"));

	/* the target is a directory: rename fails, the temp file goes */
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/inner");
	assert_int_equal(mkdir(path, 0700), 0);
	path[strlen(path) - strlen("/inner")] = '\0';
	assert_int_equal(
	    write_file_atomic(path, "x", 1, 0600, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(count_entries(dir), 2); /* state.json, sub */

	/* a relative path writes in the working directory */
	{
		char cwd[PATH_MAX];
		assert_non_null(getcwd(cwd, sizeof(cwd)));
		assert_int_equal(chdir(dir), 0);
		assert_int_equal(write_file_atomic("rel.json", "r", 1, 0600,
		                                   err, sizeof(err)),
		                 0);
		assert_int_equal(chdir(cwd), 0);
		snprintf(path, sizeof(path), "%s/rel.json", dir);
		assert_int_equal(stat(path, &st), 0);
	}
	/* a directory that is not there, a name that is too long */
	snprintf(path, sizeof(path), "%s/none/x.json", tmpdir);
	assert_int_equal(
	    write_file_atomic(path, "x", 1, 0600, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/none"));
	{
		char longname[PATH_MAX], why[PATH_MAX + 64];
		int l = snprintf(longname, sizeof(longname), "%s/", dir);
		memset(longname + l, 'n', 250);
		longname[l + 250] = '\0';
		assert_int_equal(
		    write_file_atomic(longname, "x", 1, 0600, why, sizeof(why)),
		    -1);
		assert_non_null(strstr(why, "too long"));
	}
}

static void
test_mkdir_p(void **state)
{
	char path[300], file[200];
	struct stat st;
	(void)state;

	snprintf(path, sizeof(path), "%s/a/b//c/d/", tmpdir);
	assert_int_equal(mkdir_p(path, 0750), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* again: existing directories are fine */
	assert_int_equal(mkdir_p(path, 0750), 0);
	snprintf(path, sizeof(path), "%s/a/b", tmpdir);
	assert_int_equal(mkdir_p(path, 0750), 0);

	/* a file in the way is ENOTDIR, at the end or in the middle */
	snprintf(file, sizeof(file), "%s/a/file", tmpdir);
	write_raw(file, "x", 1);
	errno = 0;
	assert_int_equal(mkdir_p(file, 0750), -1);
	assert_int_equal(errno, ENOTDIR);
	snprintf(path, sizeof(path), "%s/under", file);
	errno = 0;
	assert_int_equal(mkdir_p(path, 0750), -1);
	assert_int_equal(errno, ENOTDIR);

	errno = 0;
	assert_int_equal(mkdir_p("", 0750), -1);
	assert_int_equal(errno, ENOENT);
	{
		char *big = malloc(PATH_MAX + 10);
		memset(big, 'x', PATH_MAX + 9);
		big[PATH_MAX + 9] = '\0';
		errno = 0;
		assert_int_equal(mkdir_p(big, 0750), -1);
		assert_int_equal(errno, ENAMETOOLONG);
		free(big);
	}
}

/* mkpath - tmpdir/rel into a static buffer. */
static const char *
mkpath(const char *rel)
{
	static char out[PATH_MAX];
	snprintf(out, sizeof(out), "%s%s", tmpdir, rel);
	return out;
}

/* root_resolve: absolute and relative links are read below the root, a
 * link that climbs out stays in, a loop stops at max_links. */
static void
test_root_resolve(void **state)
{
	char host[PATH_MAX], full[PATH_MAX], next[PATH_MAX];
	struct stat st;
	int links;
	(void)state;

	assert_int_equal(mkdir_p(mkpath("/var/mail"), 0755), 0);
	assert_int_equal(mkdir_p(mkpath("/var/spool"), 0755), 0);
	/* Debian: /var/spool/mail -> /var/mail (absolute, read in root) */
	assert_int_equal(symlink("/var/mail", mkpath("/var/spool/mail")), 0);
	assert_int_equal(
	    root_resolve(tmpdir, "/var/spool/mail", 8, host, full, &st, &links),
	    0);
	assert_string_equal(host, "/var/mail");
	assert_string_equal(full, mkpath("/var/mail"));
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(links, 1);
	/* a relative chain: /var/m1 -> spool/mail -> /var/mail */
	assert_int_equal(symlink("spool/mail", mkpath("/var/m1")), 0);
	assert_int_equal(
	    root_resolve(tmpdir, "/var/m1", 8, host, full, &st, &links), 0);
	assert_string_equal(host, "/var/mail");
	assert_int_equal(links, 2);
	/* no link at all */
	assert_int_equal(
	    root_resolve(tmpdir, "/var/mail", 8, host, full, &st, &links), 0);
	assert_int_equal(links, 0);
	/* ".." cannot climb above the root */
	assert_int_equal(
	    symlink("../../../../../../var/mail", mkpath("/var/spool/up")), 0);
	assert_int_equal(
	    root_resolve(tmpdir, "/var/spool/up", 8, host, full, &st, &links),
	    0);
	assert_string_equal(host, "/var/mail");
	assert_string_equal(full, mkpath("/var/mail"));
	/* a loop, and a limit lower than the chain */
	assert_int_equal(symlink("/var/loop", mkpath("/var/loop")), 0);
	assert_int_equal(
	    root_resolve(tmpdir, "/var/loop", 8, host, full, &st, &links), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(
	    root_resolve(tmpdir, "/var/m1", 1, host, full, &st, &links), -1);
	assert_int_equal(errno, ELOOP);
	/* dangling */
	assert_int_equal(symlink("/nowhere", mkpath("/var/dead")), 0);
	assert_int_equal(
	    root_resolve(tmpdir, "/var/dead", 8, host, full, &st, &links), -1);
	assert_int_equal(errno, ENOENT);
	/* an intermediate link, resolved inside the root too: ROOT/esc ->
	 * /etc is ROOT/etc (missing), never the host's /etc/passwd */
	assert_int_equal(symlink("/etc", mkpath("/esc")), 0);
	assert_int_equal(
	    root_resolve(tmpdir, "/esc/passwd", 8, host, full, &st, &links),
	    -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(symlink("/var", mkpath("/v")), 0);
	assert_int_equal(
	    root_resolve(tmpdir, "/v/spool/mail", 8, host, full, &st, &links),
	    0);
	assert_string_equal(host, "/var/mail");
	assert_string_equal(full, mkpath("/var/mail"));
	assert_int_equal(links, 2);
	/* root_exists: lstat, so a dangling link exists */
	assert_int_equal(root_exists(tmpdir, "/var/dead"), 1);
	assert_int_equal(root_exists(tmpdir, "/var/mail"), 1);
	assert_int_equal(root_exists(tmpdir, "/var/none"), 0);
	assert_int_equal(root_exists(tmpdir, "relative"), 0);
	/* root_link_next on a file that is not a link */
	assert_int_equal(root_link_next("/var/mail", mkpath("/var/mail"), next,
	                                sizeof(next)),
	                 -1);
	assert_int_equal(errno, EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_root_path_normalises),
	    cmocka_unit_test(test_root_path_errors),
	    cmocka_unit_test(test_read_file_capped),
	    cmocka_unit_test(test_write_file_atomic),
	    cmocka_unit_test(test_mkdir_p),
	    cmocka_unit_test(test_root_resolve),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
