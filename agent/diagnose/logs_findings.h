/*
 * logs_findings.h - log.syserr from the report's event_groups[].
 */
#ifndef SPOOLWATCH_LOGS_FINDINGS_H
#define SPOOLWATCH_LOGS_FINDINGS_H

#include "agent/collect/logs_config.h"

struct cycle;

/* logs_findings - one log.syserr per implicated spool (or log file):
 * critical with the spool finding's remedy when the spool check found the
 * cause, else a warning.  Runs after spool_findings(). */
void logs_findings(struct cycle *c, const struct logs_config *cfg);

#endif
