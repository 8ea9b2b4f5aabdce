/*
 * report_schema.h - the fixed names of the report format that both
 * binaries use: its version tag, event kinds, spool roles, finding codes
 * and severities.  schema/report.schema.json is the specification; the
 * unit test test_common_report_schema checks these tables against its
 * enums, so that a name added to one and not the other fails make check.
 *
 * Each table is in the schema's order and ends with NULL.  The agent's
 * enums index them: enum sl_kind (from SL_SYSERR) and enum spool_role.
 */
#ifndef SPOOLWATCH_REPORT_SCHEMA_H
#define SPOOLWATCH_REPORT_SCHEMA_H

#define REPORT_SCHEMA "spoolwatch.report/1"

#define REPORT_SCHEMA_NKINDS 7
#define REPORT_SCHEMA_NROLES 13
#define REPORT_SCHEMA_NCODES 15
#define REPORT_SCHEMA_NSEVERITIES 3

/* $defs.event_kind: "syserr", "deferred", ... */
extern const char *const report_schema_kinds[REPORT_SCHEMA_NKINDS + 1];
/* $defs.spool.role: "msp_queue", "mta_queue", ... */
extern const char *const report_schema_roles[REPORT_SCHEMA_NROLES + 1];
/* $defs.finding.code: "spool.missing", ... */
extern const char *const report_schema_codes[REPORT_SCHEMA_NCODES + 1];
/* $defs.finding.severity: "info", "warning", "critical" */
extern const char
    *const report_schema_severities[REPORT_SCHEMA_NSEVERITIES + 1];

/* report_schema_find - the index of s in a NULL-ended table, or -1. */
int report_schema_find(const char *const *table, const char *s);

#endif
