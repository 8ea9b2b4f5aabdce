/*
 * relay_collect.h - the small relays (nullmailer, msmtp, ssmtp, dma) in
 * the report: mta.kind and mta.relay, their queues in mail.queued[].
 * The MTA collector calls relay_mta() on its mta object and the mail
 * collector relay_queues() on its queue tally; the findings are
 * diagnose/relay_findings.c.
 *
 *   mta.relay  {program, sendmail, detected_by, smarthost, config,
 *               configured: "yes"|"no"|"direct", package_default}
 */
#ifndef SPOOLWATCH_RELAY_COLLECT_H
#define SPOOLWATCH_RELAY_COLLECT_H

#include <jansson.h>

struct cycle;
struct mailq;

#define RELAY_NULLMAILER_QUEUE "/var/spool/nullmailer/queue"
#define RELAY_NULLMAILER_FAILED "/var/spool/nullmailer/failed"
#define RELAY_DMA_SPOOL "/var/spool/dma"

/*
 * relay_mta - when /usr/sbin/sendmail is a small relay (and [mta] kind
 * is not forced: forced is nonzero), set mta's kind, detected_by and
 * daemon_running (nullmailer-send's process; the others have no daemon)
 * and add mta.relay.
 */
void relay_mta(struct cycle *c, json_t *mta, int forced);

/* relay_queues - the nullmailer and dma queues under the root into q;
 * what could not be read is an errors[] entry. */
void relay_queues(struct cycle *c, struct mailq *q);

#endif
