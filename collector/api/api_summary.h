/*
 * api_summary.h - what the summary's two files share: api_summary.c (the
 * fleet from its aggregates) and api_summary_labels.c (the same parts
 * over the hosts of label= filters, and the groups of group_by=label:KEY).
 */
#ifndef SPOOLWATCH_API_SUMMARY_H
#define SPOOLWATCH_API_SUMMARY_H

#include <stddef.h>

#include <jansson.h>
#include "collector/store/sql.h"

#include "collector/api/api_req.h"
#include "collector/api/query.h"

/* The rows of the summary's lists, each from its SELECT's columns. */
json_t *silent_row(sql_stmt *st);  /* name, last_seen */
json_t *finding_row(sql_stmt *st); /* code, severity, hosts */
json_t *syserr_row(sql_stmt *st);  /* signature, hosts, count, last_ts */
json_t *inodes_row(sql_stmt *st);  /* host, mount, inodes_used_pct */
json_t *cron_row(sql_stmt *st);    /* command, hosts, messages */
json_t *name_row(sql_stmt *st);    /* name */
/* incidents_rows - the summary's incidents from every row of st
 * (severity, causes, hosts; severity '' for all of them); *rc the last
 * step's result.  st NULL: zeros. */
json_t *incidents_rows(sql_stmt *st, int *rc);

/* group_by_arg - group_by=label:KEY into key (NULL: absent); 0, or -1
 * with a 400. */
int group_by_arg(struct api_req *rq, struct api_answer *ans,
                 char key[LABEL_KEY_MAX + 1], const char **out);
/*
 * summary_scope - replace the parts hosts, findings, incidents,
 * syserr_top, inodes_top, mail and mta_down of the summary o (the
 * fleet's, whose counts it reads to choose its plans) with those of the
 * hosts that have every label of lf: for one label from its aggregates
 * (label_fleet, label_findings, ...), for several from the base tables.
 * 0, or -1 with err.
 */
int summary_scope(struct api_req *rq, const struct label_filter *lf, json_t *o,
                  char *err, size_t el);
/*
 * summary_groups - the hosts of lf grouped by the value of label key:
 * [{value (null: hosts without it), hosts, stale, mta_down, queued_total,
 * unread_total, findings: [{code, severity, hosts}]}], most hosts first,
 * at most API_GROUPS_MAX.  NULL with err.
 */
json_t *summary_groups(struct api_req *rq, const struct label_filter *lf,
                       const char *key, char *err, size_t el);

#endif
