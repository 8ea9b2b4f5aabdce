/*
 * safe_open.c - the one open of hostile files: no final link, no FIFO
 * wait, the inode the caller looked at, and the mailbox ownership rule.
 */
#include "common/safe_open.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
safe_open(int dirfd, const char *name, const struct stat *seen, struct stat *st,
          char *err, size_t errlen)
{
	int fl = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	int fd = openat(dirfd, name, fl | O_NOATIME);

	/* O_NOATIME needs ownership or CAP_FOWNER */
	if (fd == -1 && errno == EPERM)
		fd = openat(dirfd, name, fl);
	if (fd == -1) {
		snprintf(err, errlen, "open: %s",
		         errno == ELOOP ? "a symbolic link, not followed"
		                        : strerror(errno));
		return -1;
	}
	if (fstat(fd, st) == -1) {
		snprintf(err, errlen, "fstat: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "not a regular file");
		close(fd);
		return -1;
	}
	if (seen != NULL &&
	    (st->st_dev != seen->st_dev || st->st_ino != seen->st_ino)) {
		snprintf(err, errlen,
		         "replaced between lstat and open (another file now): "
		         "not read");
		close(fd);
		return -1;
	}
	return fd;
}

int
safe_owned(const struct stat *st, uid_t owner, char *err, size_t errlen)
{
	if (st->st_uid != owner && st->st_uid != 0) {
		snprintf(err, errlen,
		         "owned by uid %lu, not by its account (uid %lu) or "
		         "root: not read",
		         (unsigned long)st->st_uid, (unsigned long)owner);
		return -1;
	}
	if (st->st_nlink != 1) {
		snprintf(err, errlen,
		         "%lu hard links (a link to another file?): not read",
		         (unsigned long)st->st_nlink);
		return -1;
	}
	return 0;
}
