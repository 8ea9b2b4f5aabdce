/*
 * exim_findings.h - the Exim findings, from the report alone (as every
 * findings pass): mail.frozen from mail.exim (exim_collect.h: the spool
 * walk's counts and frozen reasons) and mta.paniclog from mta.paniclog
 * (the end of the paniclog), each with its evidence and the remedy that
 * fits the cause: what to fix first, then exim -Mt / exim -qff; for the
 * paniclog the cause of its newest entry, then emptying it.
 */
#ifndef SPOOLWATCH_EXIM_FINDINGS_H
#define SPOOLWATCH_EXIM_FINDINGS_H

#include <jansson.h>

struct cycle;

#define EXIM_PANIC_RECENT_S 86400 /* a newer paniclog entry is critical */

/* exim_frozen_finding - mail.frozen for the spool of q (report
 * mail.exim) when it holds frozen messages; nothing otherwise. */
void exim_frozen_finding(struct cycle *c, json_t *q);

/* exim_paniclog_finding - mta.paniclog when pl (report mta.paniclog)
 * describes a paniclog that is not empty. */
void exim_paniclog_finding(struct cycle *c, json_t *pl);

#endif
