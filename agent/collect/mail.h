/*
 * mail.h - queued and unread root/cron mail: the report's "mail" section
 * (the mail.undelivered and mail.unread_root findings are
 * mail_findings.h).
 *
 * Which directories: the spools[] entries the spool collector reported
 * (roles msp_queue, mta_queue, postfix_*, mailbox) that exist; mailboxes
 * of root and of the system accounts (or the users named in [mail]).
 * The parsing lives in qf.c, mbox.c, mailbox.c, mailq.c, postqueue.c and
 * cronmail.c; this file picks what to read.
 */
#ifndef SPOOLWATCH_MAIL_H
#define SPOOLWATCH_MAIL_H

#include "agent/collect/mail_config.h"

struct cycle;

#define MAIL_MAX_MAILBOXES 1024 /* mailboxes[] of one report */

/* mail_queue_new - the queued-mail totals of a cycle, as [mail] says
 * (c->queue; mailq_free). */
struct mailq *mail_queue_new(const struct cycle *c,
                             const struct mail_config *cfg);

/* mail_collect - add the "mail" section to c->report. */
void mail_collect(struct cycle *c, const struct mail_config *cfg);

#endif
