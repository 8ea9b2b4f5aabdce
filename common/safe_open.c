/*
 * safe_open.c - the one open of hostile files: no final link, no FIFO
 * wait, the inode the caller looked at, and the mailbox ownership rule.
 */
#include "common/safe_open.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* fd_stat - fstat(2) itself: glibc's fstat() is newfstatat(fd, "",
 * AT_EMPTY_PATH), which copies and looks at a path first; on x86_64 the
 * kernel's struct stat is libc's (glibc and musl) */
static int
fd_stat(int fd, struct stat *st)
{
#if defined(__x86_64__) && defined(SYS_fstat)
	return (int)syscall(SYS_fstat, fd, st);
#else
	return fstat(fd, st);
#endif
}

/* open_seen - safe_open(), with *fail saying why it gave no fd */
static int
open_seen(int dirfd, const char *name, const struct stat *seen,
          struct stat *st, enum safe_fail *fail, char *err, size_t errlen)
{
	int fl = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
	int fd = openat(dirfd, name, fl | O_NOATIME);

	/* O_NOATIME needs ownership or CAP_FOWNER */
	if (fd == -1 && errno == EPERM)
		fd = openat(dirfd, name, fl);
	if (fd == -1) {
		*fail = errno == ENOENT ? SAFE_GONE
		        : errno == ELOOP || errno == ENXIO ? SAFE_NOT_REG
		                                           : SAFE_ERROR;
		snprintf(err, errlen, "open: %s",
		         errno == ELOOP ? "a symbolic link, not followed"
		                        : strerror(errno));
		return -1;
	}
	if (fd_stat(fd, st) == -1) {
		*fail = SAFE_ERROR;
		snprintf(err, errlen, "fstat: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		*fail = SAFE_NOT_REG;
		snprintf(err, errlen, "not a regular file");
		close(fd);
		return -1;
	}
	if (seen != NULL &&
	    (st->st_dev != seen->st_dev || st->st_ino != seen->st_ino)) {
		*fail = SAFE_SWAPPED;
		snprintf(err, errlen,
		         "replaced between lstat and open (another file now): "
		         "not read");
		close(fd);
		return -1;
	}
	return fd;
}

int
safe_open(int dirfd, const char *name, const struct stat *seen, struct stat *st,
          char *err, size_t errlen)
{
	enum safe_fail fail;

	return open_seen(dirfd, name, seen, st, &fail, err, errlen);
}

int
safe_open_entry(int dirfd, const char *name, unsigned flags, struct stat *st,
                enum safe_fail *fail, char *err, size_t errlen)
{
	struct stat seen;
	int fd;

	if (fstatat(dirfd, name, &seen, AT_SYMLINK_NOFOLLOW) == -1) {
		*fail = errno == ENOENT ? SAFE_GONE : SAFE_ERROR;
		snprintf(err, errlen, "lstat: %s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(seen.st_mode)) {
		*fail = SAFE_NOT_REG;
		snprintf(err, errlen, "%s: not read",
		         S_ISLNK(seen.st_mode)    ? "a symbolic link"
		         : S_ISFIFO(seen.st_mode) ? "a FIFO"
		         : S_ISDIR(seen.st_mode)  ? "a directory"
		                                  : "not a regular file");
		return -1;
	}
	if ((flags & SAFE_ONE_LINK) && seen.st_nlink != 1) {
		*fail = SAFE_LINKS;
		snprintf(err, errlen,
		         "%lu hard links (a link to another file?): not read",
		         (unsigned long)seen.st_nlink);
		return -1;
	}
	fd = open_seen(dirfd, name, &seen, st, fail, err, errlen);
	if (fd == -1) {
		/* the lstat saw a regular file: anything else now is a swap */
		if (*fail == SAFE_NOT_REG) {
			*fail = SAFE_SWAPPED;
			snprintf(err, errlen, "replaced between lstat and open "
			                      "(not a regular file now): not read");
		}
		return -1;
	}
	if ((flags & SAFE_ONE_LINK) && st->st_nlink != 1) {
		*fail = SAFE_SWAPPED;
		snprintf(err, errlen,
		         "linked again between lstat and open: not read");
		close(fd);
		return -1;
	}
	return fd;
}

/* type_refused - the reason safe_open_entry() gives for a d_type that
 * is not a regular file */
static const char *
type_refused(unsigned char d_type)
{
	switch (d_type) {
	case DT_LNK:
		return "a symbolic link: not read";
	case DT_FIFO:
		return "a FIFO: not read";
	case DT_DIR:
		return "a directory: not read";
	default:
		return "not a regular file: not read";
	}
}

int
safe_open_listed(int dirfd, const char *name, unsigned char d_type,
                 ino_t d_ino, unsigned flags, struct stat *st,
                 enum safe_fail *fail, char *err, size_t errlen)
{
	int fd;

	if (d_type == DT_UNKNOWN)
		return safe_open_entry(dirfd, name, flags, st, fail, err,
		                       errlen);
	if (d_type != DT_REG) {
		*fail = SAFE_NOT_REG;
		snprintf(err, errlen, "%s", type_refused(d_type));
		return -1;
	}
	fd = open_seen(dirfd, name, NULL, st, fail, err, errlen);
	if (fd == -1) {
		/* the listing saw a regular file: anything else is a swap */
		if (*fail == SAFE_NOT_REG) {
			*fail = SAFE_SWAPPED;
			snprintf(err, errlen,
			         "replaced after the listing (not a regular "
			         "file now): not read");
		}
		return -1;
	}
	if (st->st_ino != d_ino) {
		*fail = SAFE_SWAPPED;
		snprintf(err, errlen, "replaced between the listing and open "
		                      "(another file now): not read");
		close(fd);
		return -1;
	}
	if ((flags & SAFE_ONE_LINK) && st->st_nlink != 1) {
		*fail = SAFE_LINKS;
		snprintf(err, errlen,
		         "%lu hard links (a link to another file?): not read",
		         (unsigned long)st->st_nlink);
		close(fd);
		return -1;
	}
	return fd;
}

int
safe_listing_agrees(int dirfd, const char *name, unsigned char d_type,
                    ino_t d_ino)
{
	struct stat st;

	return d_type == DT_REG &&
	       fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISREG(st.st_mode) && st.st_ino == d_ino;
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
