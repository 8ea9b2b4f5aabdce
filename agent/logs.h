/*
 * logs.h - SYSERR and delivery events from the syslog files.
 */
#ifndef SPOOLWATCH_LOGS_H
#define SPOOLWATCH_LOGS_H

#include <stdio.h>

struct cfg_file;
struct cycle;

struct logs_config {
	int reserved;	/* filled in by the logs collector's issue */
};

/* logs_config_load - defaults, then the keys this collector owns in cf
 * (NULL: defaults only).  0, or -1 with "FILE:LINE: why" in err. */
int logs_config_load(struct logs_config *cfg, struct cfg_file *cf, char *err,
    size_t errlen);
void logs_config_print(FILE *fp, const struct logs_config *cfg);
void logs_config_free(struct logs_config *cfg);

/* logs_collect - add this collector's data to c->report. */
void logs_collect(struct cycle *c);
/* logs_findings - diagnose from the whole report (runs after every
 * collector, in the order spool, inodes, mta, logs, mail). */
void logs_findings(struct cycle *c);

#endif
