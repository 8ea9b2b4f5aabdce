/*
 * inodes_config.h - the filesystem collector's part of agent.conf, the
 * [inodes] section.  check_network also tells the spool collector
 * whether a spool on a network filesystem may be looked at (handed to
 * it through struct cycle).
 */
#ifndef SPOOLWATCH_INODES_CONFIG_H
#define SPOOLWATCH_INODES_CONFIG_H

#include <stdio.h>

#include "common/config.h"

struct cfg_file;

struct inodes_config {
	double warning; /* inode use %, fs.inodes_high warning */
	double critical;
	int check_network; /* statvfs network filesystems (in a child) */
	long long statvfs_timeout; /* seconds, for network filesystems */
	struct cfg_list ignore_fstypes;
	struct cfg_list ignore_mounts;
};

/* inodes_config_load - defaults, then the keys this collector owns in cf
 * (NULL: defaults only).  0, or -1 with "FILE:LINE: why" in err. */
int inodes_config_load(struct inodes_config *cfg, struct cfg_file *cf,
                       char *err, size_t errlen);
void inodes_config_print(FILE *fp, const struct inodes_config *cfg);
void inodes_config_free(struct inodes_config *cfg);

#endif
