/*
 * inodes.h - inode and space use of every mounted filesystem, the same
 * figures as df -i, as the report's filesystems[] (fs.inodes_high is
 * inodes_findings.h).
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

#include "agent/collect/inodes_config.h"

struct cycle;

/* inodes_collect - add filesystems[] (and filesystems_skipped[]) to
 * c->report. */
void inodes_collect(struct cycle *c, const struct inodes_config *cfg);

#endif
