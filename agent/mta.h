/*
 * mta.h - which MTA is installed (mtaconf.h), whether its daemon runs
 * (ROOT/proc/PID/comm and cmdline) and whether anything listens on the
 * SMTP port of the loopback (ROOT/proc/net/tcp, tcp6); mta.down.
 */
#ifndef SPOOLWATCH_MTA_H
#define SPOOLWATCH_MTA_H

#include <stdio.h>

struct cfg_file;
struct cycle;

struct mta_config {
	char *kind;          /* auto, sendmail, postfix or none */
	long long smtp_port; /* the port the MSP relays to */
};

/* mta_config_load - defaults, then the keys this collector owns in cf
 * (NULL: defaults only).  0, or -1 with "FILE:LINE: why" in err. */
int mta_config_load(struct mta_config *cfg, struct cfg_file *cf, char *err,
                    size_t errlen);
void mta_config_print(FILE *fp, const struct mta_config *cfg);
void mta_config_free(struct mta_config *cfg);

/* mta_collect - add this collector's data to c->report. */
void mta_collect(struct cycle *c);
/* mta_findings - diagnose from the whole report (runs after every
 * collector, in the order spool, inodes, mta, logs, mail). */
void mta_findings(struct cycle *c);

#endif
