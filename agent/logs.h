/*
 * logs.h - SYSERR and delivery-failure events from the syslog files:
 * events[], event_groups[], log_sources[] and the log.syserr finding.
 */
#ifndef SPOOLWATCH_LOGS_H
#define SPOOLWATCH_LOGS_H

#include <stdio.h>

#include "agent/journal_source.h"
#include "common/config.h"

struct cfg_file;
struct cycle;

#define LOGS_DEF_FILES                                                         \
	"/var/log/maillog, /var/log/mail.log, /var/log/messages, "             \
	"/var/log/syslog, /var/log/cron"
#define LOGS_GROUPS_MAX 1024 /* distinct signatures kept per cycle */
#define LOGS_RAW_MAX 4096    /* bytes of a line kept in an event */
#define LOGS_EVENTS_MAX                                                        \
	10000             /* max_events bound (the schema's);                  \
	                   * ~4.7 KiB each while building */
#define LOGS_NAME_MAX 255 /* bytes of program, queue id, stage ... */

struct logs_config {
	struct cfg_list files; /* [logs] files: host paths */
	long long readback;    /* [logs] readback: bytes, first start */
	long long max_line;    /* [logs] max_line: longer lines are cut */
	long long max_events;  /* top level max_events: raw events kept */
	struct journal_config journal; /* [journal]: the journal as a source */
};

/* logs_config_load - defaults, then the keys this collector owns in cf
 * (NULL: defaults only).  0, or -1 with "FILE:LINE: why" in err. */
int logs_config_load(struct logs_config *cfg, struct cfg_file *cf, char *err,
                     size_t errlen);
/* logs_config_print_top - the top-level keys (max_events), printed with
 * the other top-level keys before any section; logs_config_print - the
 * [logs] section. */
void logs_config_print_top(FILE *fp, const struct logs_config *cfg);
void logs_config_print(FILE *fp, const struct logs_config *cfg);
void logs_config_free(struct logs_config *cfg);

/* logs_collect - read every configured file from its staged/committed
 * offset, add events[], event_groups[] and log_sources[] to c->report and
 * stage the new offsets ("log:<host path>") with state_put(). */
void logs_collect(struct cycle *c);
/* logs_findings - log.syserr per implicated spool (or log file), tied to
 * the spool collector's finding on that spool when there is one. */
void logs_findings(struct cycle *c);

#endif
