/*
 * mail_config.h - the mail collector's part of agent.conf: which
 * mailboxes and queues to read, how much of them, and the thresholds of
 * mail.undelivered and mail.unread_root.
 */
#ifndef SPOOLWATCH_MAIL_CONFIG_H
#define SPOOLWATCH_MAIL_CONFIG_H

#include <stdio.h>

#include "common/config.h"

struct cfg_file;

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
	long long mbox_max_bytes;   /* larger: an error, not read */
	long long mbox_cycle_bytes; /* parsed per mailbox per cycle */
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

#endif
