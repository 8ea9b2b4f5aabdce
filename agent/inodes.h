/*
 * inodes.h - inode and space use of every mounted filesystem.
 */
#ifndef SPOOLWATCH_INODES_H
#define SPOOLWATCH_INODES_H

#include <stdio.h>

struct cfg_file;
struct cycle;

struct inodes_config {
	int reserved;	/* filled in by the inodes collector's issue */
};

/* inodes_config_load - defaults, then the keys this collector owns in cf
 * (NULL: defaults only).  0, or -1 with "FILE:LINE: why" in err. */
int inodes_config_load(struct inodes_config *cfg, struct cfg_file *cf, char *err,
    size_t errlen);
void inodes_config_print(FILE *fp, const struct inodes_config *cfg);
void inodes_config_free(struct inodes_config *cfg);

/* inodes_collect - add this collector's data to c->report. */
void inodes_collect(struct cycle *c);
/* inodes_findings - diagnose from the whole report (runs after every
 * collector, in the order spool, inodes, mta, logs, mail). */
void inodes_findings(struct cycle *c);

#endif
