/*
 * mail.h - queued and unread root/cron mail: the report's "mail" section
 * and the mail.undelivered / mail.unread_root findings.
 *
 * Which directories: the spools[] entries the spool collector reported
 * (roles msp_queue, mta_queue, postfix_*, mailbox) that exist; mailboxes
 * of root and of the system accounts (or the users named in [mail]).
 * The parsing lives in qf.c, mbox.c, mailbox.c, mailq.c, postqueue.c and
 * cronmail.c; this file picks what to read and diagnoses.
 */
#ifndef SPOOLWATCH_MAIL_H
#define SPOOLWATCH_MAIL_H

#include <stdio.h>

#include "common/config.h"

#define MAIL_MAX_MAILBOXES 1024 /* mailboxes[] of one report */

struct cfg_file;
struct cycle;

struct mail_config {
	long long max_queued;         /* top level: queued[] details */
	struct cfg_list users;        /* [mail] users; empty: automatic */
	long long system_uid_max;     /* automatic: root and uid <= this */
	struct cfg_list mailbox_dirs; /* empty: spools[] role mailbox */
	struct cfg_list maildirs;     /* [mail] maildirs: host paths */
	long long unread_min;         /* mail.unread_root from this many */
	long long unread_warning;     /* warning (else info) from this */
	long long undelivered_min;    /* mail.undelivered from this many */
	long long undelivered_critical_age; /* seconds */
	long long undelivered_critical_count;
	long long max_cron_jobs; /* per mailbox */
	long long mbox_settle;   /* seconds */
	long long qf_max_bytes;
	char *postqueue;             /* path of postqueue(1) */
	long long postqueue_timeout; /* seconds */
};

/* mail_config_load - defaults, then the keys this collector owns in cf
 * (NULL: defaults only).  0, or -1 with "FILE:LINE: why" in err. */
int mail_config_load(struct mail_config *cfg, struct cfg_file *cf, char *err,
                     size_t errlen);
/* mail_config_print_top - the top-level key (max_queued), printed with
 * the other top-level keys before any [section]. */
void mail_config_print_top(FILE *fp, const struct mail_config *cfg);
void mail_config_print(FILE *fp, const struct mail_config *cfg);
void mail_config_free(struct mail_config *cfg);

/* mail_collect - add this collector's data to c->report. */
void mail_collect(struct cycle *c);
/* mail_findings - diagnose from the whole report (runs after every
 * collector, in the order spool, inodes, mta, logs, mail). */
void mail_findings(struct cycle *c);

#endif
