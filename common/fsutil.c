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
#include <sys/syscall.h>
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

int
root_exists(const char *root, const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	if (root_path(full, sizeof(full), root, path) == -1)
		return 0;
	return lstat(full, &st) == 0;
}

int
root_link_next(const char *host, const char *full, char *next, size_t n)
{
	char target[PATH_MAX], joined[PATH_MAX];
	ssize_t l = readlink(full, target, sizeof(target) - 1);

	if (l == -1)
		return -1;
	target[l] = '\0';
	if (target[0] == '/') {
		snprintf(joined, sizeof(joined), "%s", target);
	} else {
		const char *slash = strrchr(host, '/');
		int dl = slash ? (int)(slash - host) : 0;

		if (snprintf(joined, sizeof(joined), "%.*s/%s", dl, host,
		             target) >= (int)sizeof(joined)) {
			errno = ENAMETOOLONG;
			return -1;
		}
	}
	/* fold "..", "." and "//" without leaving "/" */
	return root_path(next, n, "", joined);
}

int
root_resolve(const char *root, const char *path, int max_links, char *host,
             char *full, struct stat *st, int *links)
{
	char prefix[PATH_MAX], next[PATH_MAX];
	size_t end;

	*links = 0;
	/* "/a/./b//c" -> "/a/b/c": components are then split at '/' */
	if (root_path(host, PATH_MAX, "", path) == -1)
		return -1;
restart:
	/* every component in turn, so that a link on the way (ROOT/var ->
	 * /elsewhere) is read inside the root too, not by the kernel */
	end = 0;
	for (;;) {
		end += strcspn(host + end + 1, "/") + 1;
		memcpy(prefix, host, end);
		prefix[end] = '\0';
		if (root_path(full, PATH_MAX, root, prefix) == -1)
			return -1;
		if (lstat(full, st) == -1)
			return -1;
		if (S_ISLNK(st->st_mode)) {
			if (++*links > max_links) {
				errno = ELOOP;
				return -1;
			}
			if (root_link_next(prefix, full, next, sizeof(next)) ==
			    -1)
				return -1;
			if (snprintf(prefix, sizeof(prefix), "%s%s",
			             strcmp(next, "/") == 0 ? "" : next,
			             host + end) >= (int)sizeof(prefix) ||
			    root_path(host, PATH_MAX, "", prefix) == -1) {
				errno = ENAMETOOLONG;
				return -1;
			}
			goto restart;
		}
		if (host[end] == '\0' || strcmp(host, "/") == 0)
			return 0;
		if (!S_ISDIR(st->st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
	}
}

/* openat2(2)'s arguments (linux/openat2.h, missing from old headers) */
struct root_open_how {
	uint64_t flags, mode, resolve;
};
#define ROOT_RESOLVE_NO_MAGICLINKS 0x02
#define ROOT_RESOLVE_IN_ROOT 0x10
#ifndef SYS_openat2
#define SYS_openat2 437 /* the same number on every architecture */
#endif
#define WALK_DEPTH 64 /* directory levels kept for ".." */

/* walk_next - the next component of *p (advanced past it) into c, or 0
 * at the end; -1 with ENAMETOOLONG. */
static int
walk_next(const char **p, char *c, size_t n)
{
	size_t l;

	while (**p == '/')
		(*p)++;
	l = strcspn(*p, "/");
	if (l == 0)
		return 0;
	if (l >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(c, *p, l);
	c[l] = '\0';
	*p += l;
	return 1;
}

/* walk_splice - rest = link text + "/" + what is left of rest after *p */
static int
walk_splice(char *rest, size_t n, const char **p, const char *text)
{
	char tmp[PATH_MAX];

	if (snprintf(tmp, sizeof(tmp), "%s/%s", text, *p) >= (int)sizeof(tmp) ||
	    strlen(tmp) >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(rest, tmp, strlen(tmp) + 1);
	*p = rest;
	return 0;
}

static void
walk_close(int *fds, int depth)
{
	int e = errno;

	for (int i = 1; i <= depth; i++)
		close(fds[i]);
	errno = e;
}

int
root_open_walk(int rootfd, const char *path, int oflags)
{
	char rest[PATH_MAX], c[NAME_MAX + 1], text[PATH_MAX];
	int fds[WALK_DEPTH + 1], depth = 0, links = 0, fd, more;
	const char *p = rest;

	if (strlen(path) >= sizeof(rest)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(rest, path, strlen(path) + 1);
	fds[0] = rootfd;
	for (;;) {
		struct stat st;
		ssize_t l;

		if ((more = walk_next(&p, c, sizeof(c))) == -1)
			break;
		if (more == 0) { /* the path named a directory by "." or ".." */
			fd = openat(fds[depth], ".", oflags | O_CLOEXEC);
			walk_close(fds, depth);
			return fd;
		}
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			if (depth > 0)
				close(fds[depth--]);
			continue;
		}
		while (*p == '/')
			p++;
		if (fstatat(fds[depth], c, &st, AT_SYMLINK_NOFOLLOW) == -1)
			break;
		if (S_ISLNK(st.st_mode)) {
			if (*p == '\0' && (oflags & O_NOFOLLOW)) {
				errno = ELOOP;
				break;
			}
			if (++links > ROOT_OPEN_MAX_LINKS) {
				errno = ELOOP;
				break;
			}
			l = readlinkat(fds[depth], c, text, sizeof(text) - 1);
			if (l == -1)
				break;
			text[l] = '\0';
			if (text[0] == '/') /* absolute: from the root again */
				while (depth > 0)
					close(fds[depth--]);
			if (walk_splice(rest, sizeof(rest), &p, text) == -1)
				break;
			continue;
		}
		if (*p == '\0') { /* the last component */
			fd = openat(fds[depth], c, oflags | O_NOFOLLOW | O_CLOEXEC);
			walk_close(fds, depth);
			return fd;
		}
		if (depth == WALK_DEPTH) {
			errno = ENAMETOOLONG;
			break;
		}
		fd = openat(fds[depth], c,
		            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1)
			break;
		fds[++depth] = fd;
	}
	walk_close(fds, depth);
	return -1;
}

int
root_open(const char *root, const char *path, int oflags)
{
	struct root_open_how how;
	int rootfd, fd, e;

	if (root == NULL || root[0] == '\0' || strcmp(root, "/") == 0)
		return open(path, oflags | O_CLOEXEC);
	if ((rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(unsigned)(oflags | O_CLOEXEC);
	how.resolve = ROOT_RESOLVE_IN_ROOT | ROOT_RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	/* ENOSYS: before 5.6 (or a filter that says so); EPERM: a
	 * container's filter that does not know it; EAGAIN: a rename raced
	 * the lookup */
	if (fd == -1 && (errno == ENOSYS || errno == EPERM || errno == EAGAIN))
		fd = root_open_walk(rootfd, path, oflags);
	e = errno;
	close(rootfd);
	errno = e;
	return fd;
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
write_file_atomic_at(int dfd, const char *dirpath, const char *tmp,
                     const char *name, const void *data, size_t n, mode_t mode,
                     char *err, size_t errlen)
{
	int fd, saved;

	fd =
	    openat(dfd, tmp,
	           O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd == -1)
		goto fail;
	/* the mode asked for, whatever the umask (and a stale temp file's) */
	if (fchmod(fd, mode) == -1 || write_full(fd, data, n) == -1 ||
	    fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(dfd, tmp, dfd, name) == -1)
		goto fail;
	if (fsync(dfd) == -1) {
		saved = errno;
		snprintf(err, errlen, "%s: fsync: %s", dirpath,
		         strerror(saved));
		errno = saved;
		return -1;
	}
	return 0;
fail:
	saved = errno;
	snprintf(err, errlen, "%s/%s: %s", dirpath, tmp, strerror(saved));
	if (fd != -1)
		close(fd);
	unlinkat(dfd, tmp, 0);
	errno = saved;
	return -1;
}

int
write_file_atomic(const char *path, const void *data, size_t n, mode_t mode,
                  char *err, size_t errlen)
{
	char dir[PATH_MAX], tmp[NAME_MAX + 1];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dfd, rc;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path),
	                  path) >= (int)sizeof(dir))
		goto too_long;
	if (*base == '\0' || snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", base,
	                              (long)getpid()) >= (int)sizeof(tmp))
		goto too_long;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	rc = write_file_atomic_at(dfd, dir, tmp, base, data, n, mode, err,
	                          errlen);
	close(dfd);
	return rc;
too_long:
	snprintf(err, errlen, "%s: path too long", path);
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
