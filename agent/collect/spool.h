/*
 * spool.h - mail spool directories: owner/group/mode against policy,
 * whether the MTA's account can write them, counts, ages, orphans and
 * the directory's own size, as the report's spools[] (the spool.*
 * findings are spool_findings.h).
 *
 * The list of directories comes from the MTA's own configuration
 * (c->mta), the mailbox directories that exist, and [spool PATH]
 * sections of agent.conf that add directories or override a policy.
 */
#ifndef SPOOLWATCH_SPOOL_H
#define SPOOLWATCH_SPOOL_H

#include "agent/collect/spool_config.h"

struct cycle;

/* spool_collect - add spools[] to c->report. */
void spool_collect(struct cycle *c, const struct spool_config *cfg);

#endif
