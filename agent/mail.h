/*
 * mail.h - queued and unread root/cron mail.
 */
#ifndef SPOOLWATCH_MAIL_H
#define SPOOLWATCH_MAIL_H

#include <stdio.h>

struct cfg_file;
struct cycle;

struct mail_config {
	int reserved;	/* filled in by the mail collector's issue */
};

/* mail_config_load - defaults, then the keys this collector owns in cf
 * (NULL: defaults only).  0, or -1 with "FILE:LINE: why" in err. */
int mail_config_load(struct mail_config *cfg, struct cfg_file *cf, char *err,
    size_t errlen);
void mail_config_print(FILE *fp, const struct mail_config *cfg);
void mail_config_free(struct mail_config *cfg);

/* mail_collect - add this collector's data to c->report. */
void mail_collect(struct cycle *c);
/* mail_findings - diagnose from the whole report (runs after every
 * collector, in the order spool, inodes, mta, logs, mail). */
void mail_findings(struct cycle *c);

#endif
