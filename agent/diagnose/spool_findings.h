/*
 * spool_findings.h - diagnose the report's spools[]: spool.missing,
 * spool.not_writable_by_mta, spool.permissions, spool.backlog,
 * spool.stale, spool.bloated_dir and spool.orphans.
 */
#ifndef SPOOLWATCH_SPOOL_FINDINGS_H
#define SPOOLWATCH_SPOOL_FINDINGS_H

#include "agent/collect/spool_config.h"

struct cycle;

/* spool_findings - one finding per problem of each spools[] entry; an
 * entry with an "error" (not looked at) gets none. */
void spool_findings(struct cycle *c, const struct spool_config *cfg);

#endif
