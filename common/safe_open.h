/*
 * safe_open.h - opening a hostile file (another user's mailbox, a queue
 * file) for reading as root without being led elsewhere.
 *
 * The caller decides on a file by its lstat; between that and the open an
 * owner of the directory can swap in a symbolic link or another file, or
 * put a FIFO there.  safe_open() does not follow a final link, does not
 * block on a FIFO, and checks that what it opened is a regular file and,
 * when asked, the very device and inode of the lstat.  safe_owned() is the
 * mailbox rule: owned by its account (or root) and linked once, so a hard
 * link to someone else's mailbox under a watched name is not read.
 */
#ifndef SPOOLWATCH_SAFE_OPEN_H
#define SPOOLWATCH_SAFE_OPEN_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * safe_open - open dirfd/name (AT_FDCWD and a path are fine) read-only
 * with O_NOFOLLOW, O_NONBLOCK, O_CLOEXEC and O_NOATIME when permitted;
 * fstat it into *st.  It must be a regular file and, when seen is not
 * NULL, have seen's st_dev and st_ino.  The fd, or -1 with a reason.
 */
int safe_open(int dirfd, const char *name, const struct stat *seen,
              struct stat *st, char *err, size_t errlen);

/*
 * safe_owned - 0 when st belongs to owner or to root and has one link;
 * -1 with a reason otherwise.
 */
int safe_owned(const struct stat *st, uid_t owner, char *err, size_t errlen);

#endif
