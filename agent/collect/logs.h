/*
 * logs.h - SYSERR and delivery-failure events from the syslog files:
 * events[], event_groups[] and log_sources[] of the report (the
 * log.syserr finding is logs_findings.h).
 */
#ifndef SPOOLWATCH_LOGS_H
#define SPOOLWATCH_LOGS_H

#include "agent/collect/logs_config.h"

struct cycle;

#define LOGS_GROUPS_MAX 1024 /* distinct signatures kept per cycle */
#define LOGS_RAW_MAX 4096    /* bytes of a line kept in an event */
#define LOGS_NAME_MAX 255    /* bytes of program, queue id, stage ... */

/* logs_collect - read every file of cfg from its staged/committed
 * offset, add events[], event_groups[] and log_sources[] to c->report and
 * stage the new offsets ("log:<host path>") with state_put(). */
void logs_collect(struct cycle *c, const struct logs_config *cfg);

#endif
