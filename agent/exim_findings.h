/*
 * exim_findings.h - the Exim findings: mail.frozen from a spool walk
 * (exim_queue.h) and mta.paniclog from the end of paniclog
 * (exim_paniclog.h), each with its evidence and the remedy that fits the
 * cause (what to fix first, then exim -Mt / exim -qff; for paniclog the
 * cause of its newest entry, then emptying it).
 */
#ifndef SPOOLWATCH_EXIM_FINDINGS_H
#define SPOOLWATCH_EXIM_FINDINGS_H

#include "agent/exim_detect.h"
#include "agent/exim_paniclog.h"
#include "agent/exim_queue.h"

struct cycle;

#define EXIM_PANIC_RECENT_S 86400 /* a newer paniclog entry is critical */

/* exim_frozen_finding - mail.frozen for the spool (host path) when q
 * holds frozen messages; nothing otherwise. */
void exim_frozen_finding(struct cycle *c, const struct exim_host *h,
                         const char *spool, const struct exim_queue *q);

/* exim_paniclog_finding - mta.paniclog when the paniclog (host path,
 * bytes long, its end parsed in pl) is not empty. */
void exim_paniclog_finding(struct cycle *c, const struct exim_host *h,
                           const char *path, long long bytes,
                           const struct exim_paniclog *pl);

#endif
