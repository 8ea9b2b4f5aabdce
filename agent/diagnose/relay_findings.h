/*
 * relay_findings.h - mta.down for a small relay that cannot send:
 * nullmailer with mail waiting and no remote host or no nullmailer-send
 * (critical), or a smarthost that refused since the last report
 * (warning); msmtp or ssmtp with no relay configured or ssmtp's
 * placeholder mailhub (critical: they keep no queue, every mail is
 * lost), or failing in the log.  Runs in the MTA findings pass, before
 * the mail findings, which look for mta.down.
 */
#ifndef SPOOLWATCH_RELAY_FINDINGS_H
#define SPOOLWATCH_RELAY_FINDINGS_H

struct cycle;

/* relay_findings - the findings above for mta.relay of the report. */
void relay_findings(struct cycle *c);

#endif
