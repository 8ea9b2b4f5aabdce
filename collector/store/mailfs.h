/*
 * mailfs.h - which filesystems can fill with mail: the ones the fleet
 * overview ranks by inode use.  Kernel pseudo filesystems (proc, sysfs,
 * cgroup, devtmpfs, ...), memory filesystems (tmpfs, ramfs), read-only
 * images (squashfs, iso9660) and whatever is mounted at or below /dev,
 * /proc, /sys or /run hold no spool, queue or mailbox.
 */
#ifndef SPOOLWATCH_MAILFS_H
#define SPOOLWATCH_MAILFS_H

/* mailfs_can_fill - 1 if mail can fill the filesystem of fstype (NULL:
 * unknown) mounted at mount, else 0. */
int mailfs_can_fill(const char *fstype, const char *mount);

#endif
