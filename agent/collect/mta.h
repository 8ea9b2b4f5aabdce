/*
 * mta.h - which MTA is installed (c->mta, from mtaconf.h), whether its
 * daemon runs (ROOT/proc/PID/comm and cmdline) and whether anything
 * listens on the SMTP port of the loopback (ROOT/proc/net/tcp, tcp6):
 * the report's "mta" section (mta.down is mta_findings.h).
 */
#ifndef SPOOLWATCH_MTA_H
#define SPOOLWATCH_MTA_H

#include "agent/collect/mta_config.h"

struct cycle;

/* mta_collect - add the "mta" section to c->report. */
void mta_collect(struct cycle *c, const struct mta_config *cfg);

#endif
