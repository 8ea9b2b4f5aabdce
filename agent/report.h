/*
 * report.h - build one "spoolwatch.report/1" document: the envelope
 * (report_id, host, agent, collected_at, interval_s) and every
 * collector's section, then every collector's findings.
 */
#ifndef SPOOLWATCH_REPORT_H
#define SPOOLWATCH_REPORT_H

#include <jansson.h>

struct agent_config;
struct state;

#include "common/report_schema.h" /* REPORT_SCHEMA */

/* report_build - a new report (caller decrefs).  Collectors stage their
 * offsets in st; the caller commits them once the report is durable. */
json_t *report_build(const struct agent_config *cfg, struct state *st);

/* report_hostname - the name to report: cfg->hostname, ROOT/etc/hostname
 * under --root, else gethostname(). */
void report_hostname(const struct agent_config *cfg, char *out, size_t n);

#endif
