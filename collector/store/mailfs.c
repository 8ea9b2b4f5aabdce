/*
 * mailfs.c - which filesystems can fill with mail (see mailfs.h).
 */
#include <string.h>

#include "collector/store/mailfs.h"

static const char *const no_mail_types[] = {
    "autofs",    "binfmt_misc", "bpf",     "cgroup",     "cgroup2",
    "configfs",  "debugfs",     "devpts",  "devtmpfs",   "efivarfs",
    "fusectl",   "hugetlbfs",   "iso9660", "mqueue",     "nsfs",
    "proc",      "pstore",      "ramfs",   "rpc_pipefs", "securityfs",
    "selinuxfs", "squashfs",    "sysfs",   "tmpfs",      "tracefs",
    NULL};

static const char *const no_mail_trees[] = {"/dev", "/proc", "/sys", "/run",
                                            NULL};

/* below - 1 if path is dir or below it. */
static int
below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

int
mailfs_can_fill(const char *fstype, const char *mount)
{
	if (fstype)
		for (const char *const *t = no_mail_types; *t; t++)
			if (strcmp(fstype, *t) == 0)
				return 0;
	if (mount)
		for (const char *const *d = no_mail_trees; *d; d++)
			if (below(mount, *d))
				return 0;
	return 1;
}
