/*
 * exim_collect.h - what the agent's collectors read of an Exim host,
 * through the Exim modules: the queue of its spool into the mail queues
 * (mailq.h) and the summary the mail.frozen finding is made from
 * (report mail.exim); the end of its paniclog (report mta.paniclog).
 * Each reads below the cycle's root; what cannot be read is an errors[]
 * entry.
 */
#ifndef SPOOLWATCH_EXIM_COLLECT_H
#define SPOOLWATCH_EXIM_COLLECT_H

#include <jansson.h>

struct cycle;
struct exim_host;
struct mailq;

#define EXIM_PANICLOG_TAIL (64 * 1024) /* bytes of paniclog read */

/*
 * exim_collect_queue - every message of h's spool into q (the queue named
 * by the spool's host path).  Returns the summary (new reference; NULL
 * when the spool cannot be read): {spool, messages, frozen,
 * frozen_bounces, oldest_ts, oldest_frozen_ts, frozen_reasons[{reason,
 * count, oldest_ts, example_id, bounce}], frozen_reasons_other,
 * orphan_data, orphan_header, journals, unreadable, malformed,
 * conf_path, smarthost}.
 */
json_t *exim_collect_queue(struct cycle *c, struct mailq *q,
                           const struct exim_host *h);

/*
 * exim_collect_paniclog - h's paniclog (new reference; NULL when Exim
 * logs to syslog only): {path, exists, bytes, entries, first_ts, last_ts,
 * last_lines[], cause (configuration, spool_access, log_access,
 * disk_full, other: of the newest entry), cause_path, spool_directory,
 * exim_user, exim_group}.
 */
json_t *exim_collect_paniclog(struct cycle *c, const struct exim_host *h);

#endif
