/*
 * inodes_findings.h - fs.inodes_high from the report's filesystems[].
 */
#ifndef SPOOLWATCH_INODES_FINDINGS_H
#define SPOOLWATCH_INODES_FINDINGS_H

#include "agent/collect/inodes_config.h"

struct cycle;

/* inodes_findings - fs.inodes_high, warning from cfg->warning percent,
 * critical from cfg->critical. */
void inodes_findings(struct cycle *c, const struct inodes_config *cfg);

#endif
