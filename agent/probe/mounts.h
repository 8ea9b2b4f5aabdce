/*
 * mounts.h - the lines of /proc/self/mounts (fstab format), what kind
 * of filesystem each names, and which mount point holds a path.
 */
#ifndef SPOOLWATCH_MOUNTS_H
#define SPOOLWATCH_MOUNTS_H

struct mount_entry {
	char *dev; /* point into the parsed line, unescaped */
	char *dir;
	char *type;
	char *opts;
};

/*
 * mounts_parse_line - split one line in place into its first four fields
 * and undo the kernel's octal escapes (\040 space, \011 tab, \012
 * newline, \134 backslash).  0, or -1 if the line has fewer fields.
 */
int mounts_parse_line(char *line, struct mount_entry *m);
/* mounts_is_pseudo - proc, sysfs, cgroup...: nothing to measure. */
int mounts_is_pseudo(const char *type);
/* mounts_is_network - nfs, cifs, fuse.sshfs...: statvfs may hang. */
int mounts_is_network(const char *type);
/* mounts_has_opt - whether the comma-separated opts hold opt. */
int mounts_has_opt(const char *opts, const char *opt);
/* mounts_contains - whether mount dir m is path or one of its ancestors
 * (string prefix at a '/' boundary; "/" holds every path). */
int mounts_contains(const char *m, const char *path);

/*
 * mounts_fstype_of - the type of the filesystem holding the host path
 * hostpath: from root's proc/self/mounts when root has one, else from the
 * live table (with a root, the mounts at or below it, the one holding it
 * being its "/").  Only the table is read; the path is not touched, so a
 * dead network mount cannot block.  0 and type, or -1 if not known.
 */
int mounts_fstype_of(const char *root, const char *hostpath, char *type,
                     size_t n);

#endif
