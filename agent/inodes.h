/*
 * inodes.h - inode and space use of every mounted filesystem, the same
 * figures as df -i; fs.inodes_high.
 *
 * Mounts come from ROOT/proc/self/mounts when --root holds one, else from
 * the live /proc/self/mounts (with --root: the mounts at or below ROOT,
 * reported by their path inside it).  Pseudo filesystems are skipped,
 * bind mounts counted once, network filesystems skipped unless
 * check_network is set, and then measured in a child process that is
 * abandoned after statvfs_timeout so a dead server cannot stop the cycle.
 */
#ifndef SPOOLWATCH_INODES_H
#define SPOOLWATCH_INODES_H

#include <stdio.h>

#include "common/config.h"

struct cfg_file;
struct cycle;

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

/* inodes_collect - add this collector's data to c->report. */
void inodes_collect(struct cycle *c);
/* inodes_findings - diagnose from the whole report (runs after every
 * collector, in the order spool, inodes, mta, logs, mail). */
void inodes_findings(struct cycle *c);

#endif
