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

/* Why safe_open_entry() did not give an fd. */
enum safe_fail {
	SAFE_GONE = 1, /* no such entry (any more): delivered, say */
	SAFE_NOT_REG,  /* a symbolic link, FIFO, device or directory */
	SAFE_LINKS,    /* SAFE_ONE_LINK asked and more links seen */
	SAFE_SWAPPED,  /* another file between the lstat and the open */
	SAFE_ERROR     /* the lstat, open or fstat failed otherwise */
};

#define SAFE_ONE_LINK 1u /* the entry must have exactly one link */

/*
 * safe_open_entry - a directory entry (a queue file of dirfd, named as
 * the listing gave it): lstat it, refuse what is not a regular file (so
 * a FIFO or a link is never opened), with SAFE_ONE_LINK what has other
 * links, then safe_open() it against that lstat, so a file swapped in
 * between is not read.  The fd and *st, or -1 with *fail and a reason.
 */
int safe_open_entry(int dirfd, const char *name, unsigned flags,
                    struct stat *st, enum safe_fail *fail, char *err,
                    size_t errlen);

/*
 * safe_open_listed - safe_open_entry() for an entry of a directory
 * listing, with what the listing said of it (d_type, d_ino): a regular
 * file is opened (no link followed, no FIFO waited on) and its fstat must
 * agree with the listing (a regular file, the listed inode, one link
 * with SAFE_ONE_LINK), which spares the lstat; another type is refused
 * as safe_open_entry() would, another inode as swapped.  DT_UNKNOWN (a
 * filesystem that does not say) goes through safe_open_entry().  Only for
 * a directory whose listing shows the inode numbers stat does (see
 * safe_listing_agrees: overlayfs across filesystems may not).
 */
int safe_open_listed(int dirfd, const char *name, unsigned char d_type,
                     ino_t d_ino, unsigned flags, struct stat *st,
                     enum safe_fail *fail, char *err, size_t errlen);

/*
 * safe_listing_agrees - 1 when the d_ino of a listed regular entry is the
 * inode its lstat shows (the listing's inode numbers can stand for an
 * lstat there), 0 otherwise or when it cannot be told.
 */
int safe_listing_agrees(int dirfd, const char *name, unsigned char d_type,
                        ino_t d_ino);

/*
 * safe_owned - 0 when st belongs to owner or to root and has one link;
 * -1 with a reason otherwise.
 */
int safe_owned(const struct stat *st, uid_t owner, char *err, size_t errlen);

#endif
