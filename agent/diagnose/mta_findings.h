/*
 * mta_findings.h - mta.down from the report's "mta" section and spools[].
 */
#ifndef SPOOLWATCH_MTA_FINDINGS_H
#define SPOOLWATCH_MTA_FINDINGS_H

#include "agent/collect/mta_config.h"

struct cycle;

/* mta_findings - mta.down (critical) when mail waits and the MTA is
 * known to be down. */
void mta_findings(struct cycle *c, const struct mta_config *cfg);

#endif
