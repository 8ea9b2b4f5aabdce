/*
 * fsutil.c - --root path joining, bounded reads and atomic writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/xalloc.h"

int
root_path(char *out, size_t n, const char *root, const char *path)
{
	size_t len = 0, rootlen;
	const char *p = path;

	if (path == NULL || path[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	if (root == NULL || strcmp(root, "/") == 0)
		root = "";
	rootlen = strlen(root);
	while (rootlen > 0 && root[rootlen - 1] == '/')
		rootlen--;
	if (rootlen + 2 > n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(out, root, rootlen);
	len = rootlen;
	while (*p) {
		const char *c;
		size_t cl;

		while (*p == '/')
			p++;
		c = p;
		cl = strcspn(p, "/");
		p += cl;
		if (cl == 0 || (cl == 1 && c[0] == '.'))
			continue;
		if (cl == 2 && c[0] == '.' && c[1] == '.') {
			while (len > rootlen && out[len - 1] != '/')
				len--;
			if (len > rootlen)
				len--;
			continue;
		}
		if (len + 1 + cl + 1 > n) {
			errno = ENAMETOOLONG;
			return -1;
		}
		out[len++] = '/';
		memcpy(out + len, c, cl);
		len += cl;
	}
	if (len == rootlen)
		out[len++] = '/';
	out[len] = '\0';
	return 0;
}

ssize_t
read_file_capped(const char *path, char **out, size_t cap, char *err,
                 size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, size = 0;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t r;
		if (len == size) {
			if (size > cap)
				break;
			size = size ? size * 2 : 4096;
			if (size > cap && cap < SIZE_MAX)
				size = cap + 1;
			buf = xrealloc(buf, size + 1);
		}
		r = read(fd, buf + len, size - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > cap)
			break;
	}
	if (len > cap) {
		snprintf(err, errlen, "%s: larger than %zu bytes", path, cap);
		goto fail;
	}
	close(fd);
	if (buf == NULL)
		buf = xmalloc(1);
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
fail:
	close(fd);
	free(buf);
	return -1;
}

int
write_full(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;
	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

ssize_t
read_small_at(int dirfd, const char *name, char *buf, size_t n)
{
	ssize_t len = 0, r;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return -1;
	while ((size_t)len < n - 1) {
		r = read(fd, buf + len, n - 1 - (size_t)len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += r;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

int
write_file_atomic(const char *path, const void *data, size_t n, mode_t mode,
                  char *err, size_t errlen)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	char *slash;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	          mode);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	/* the mode asked for, whatever the umask (and a stale temp file's) */
	if (fchmod(fd, mode) == -1)
		goto fail;
	if (write_full(fd, data, n) == -1)
		goto fail;
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if (fsync_dir(dir) == -1) {
		snprintf(err, errlen, "%s: fsync: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return -1;
}

/* mkdir_one - mkdir, where an existing directory is fine and an existing
 * file of another type is ENOTDIR. */
static int
mkdir_one(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	if (stat(path, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int
mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0) {
		errno = ENOENT;
		return -1;
	}
	if (len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		if (mkdir_one(buf, mode) == -1)
			return -1;
		*p = '/';
	}
	return mkdir_one(buf, mode);
}
