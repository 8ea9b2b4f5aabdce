/*
 * mail_findings.h - mail.undelivered and mail.unread_root from the
 * report's "mail" section.
 */
#ifndef SPOOLWATCH_MAIL_FINDINGS_H
#define SPOOLWATCH_MAIL_FINDINGS_H

#include "agent/collect/mail_config.h"

struct cycle;

/* mail_findings - one mail.undelivered per queue holding at least
 * undelivered_min messages (critical while mta.down), one
 * mail.unread_root per mailbox with at least unread_min unread.  Runs
 * after mta_findings(). */
void mail_findings(struct cycle *c, const struct mail_config *cfg);

#endif
