/*
 * spool.h - mail spool directories: owner/group/mode against policy, counts, ages, orphans.
 */
#ifndef SPOOLWATCH_SPOOL_H
#define SPOOLWATCH_SPOOL_H

#include <stdio.h>

struct cfg_file;
struct cycle;

struct spool_config {
	int reserved;	/* filled in by the spool collector's issue */
};

/* spool_config_load - defaults, then the keys this collector owns in cf
 * (NULL: defaults only).  0, or -1 with "FILE:LINE: why" in err. */
int spool_config_load(struct spool_config *cfg, struct cfg_file *cf, char *err,
    size_t errlen);
void spool_config_print(FILE *fp, const struct spool_config *cfg);
void spool_config_free(struct spool_config *cfg);

/* spool_collect - add this collector's data to c->report. */
void spool_collect(struct cycle *c);
/* spool_findings - diagnose from the whole report (runs after every
 * collector, in the order spool, inodes, mta, logs, mail). */
void spool_findings(struct cycle *c);

#endif
