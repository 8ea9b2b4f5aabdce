/*
 * logs_config.h - the mail log collector's part of agent.conf: which
 * syslog files, how far back on a first start, the longest line and the
 * raw events kept per report.
 */
#ifndef SPOOLWATCH_LOGS_CONFIG_H
#define SPOOLWATCH_LOGS_CONFIG_H

#include <stdio.h>

#include "common/config.h"

struct cfg_file;

#define LOGS_DEF_FILES                                                         \
	"/var/log/maillog, /var/log/mail.log, /var/log/messages, "             \
	"/var/log/syslog"
#define LOGS_EVENTS_MAX                                                        \
	10000 /* max_events bound (the schema's);                              \
	       * ~4.7 KiB each while building */

struct logs_config {
	struct cfg_list files; /* [logs] files: host paths */
	long long readback;    /* [logs] readback: bytes, first start */
	long long max_line;    /* [logs] max_line: longer lines are cut */
	long long max_events;  /* top level max_events: raw events kept */
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

#endif
