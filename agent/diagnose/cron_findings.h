/*
 * cron_findings.h - mail.cron_lost: cron said it could not hand a job's
 * output to an MTA (cron_log.h), so that output is gone; from the
 * report's cron_lost object, with the jobs named and what to do about it
 * for the MTA the host has (mta.kind).
 */
#ifndef SPOOLWATCH_CRON_FINDINGS_H
#define SPOOLWATCH_CRON_FINDINGS_H

struct cycle;

/* cron_findings - one mail.cron_lost finding (subject "cron") when cron
 * complained since the last report. */
void cron_findings(struct cycle *c);

#endif
