/*
 * relayq.h - mail waiting in the small relays' queues, added to a
 * struct mailq like sendmail's and postfix's.
 *
 * nullmailer (nullmailer-queue(8)): one file per message in
 * /var/spool/nullmailer/queue, named "<epoch>.<pid>": the envelope
 * sender on the first line, one recipient a line, an empty line, then
 * the message.  nullmailer-send moves what it gave up on to failed/
 * (same format): nobody will send those.
 *
 * dma (DragonFly Mail Agent, 0.13): per recipient a "Q<id>.<n>" file in
 * /var/spool/dma ("ID: ..", "Sender: ..", "Recipient: ..", one a line)
 * and one "M<id>" file per message holding the message itself.
 *
 * Queue files are hostile: opened with O_NOFOLLOW, only regular files
 * with one link, at most max_bytes read of each (headers only).
 */
#ifndef SPOOLWATCH_RELAYQ_H
#define SPOOLWATCH_RELAYQ_H

#include <stddef.h>

#include "agent/collect/mailq.h"

#define RELAYQ_READ_MAX (64u << 10) /* bytes read of a queue file */

/* The envelope of a nullmailer queue file (spans into the file). */
struct relayq_env {
	struct mailq_bytes from;
	struct mailq_bytes to[MAILQ_MAX_RCPT];
	size_t nto, total_to;
	size_t msg_off; /* where the message starts; n if not present */
};

/* relayq_nullmailer_parse - 0, or -1 when (p, n) is not a queue file
 * (no sender line or no empty line after the recipients). */
int relayq_nullmailer_parse(const char *p, size_t n, struct relayq_env *e);

/* The lines of a dma Q file (spans into the file). */
struct relayq_dma {
	struct mailq_bytes id, sender, recipient;
};

/* relayq_dma_parse - 0, or -1 when the ID or Recipient line is missing */
int relayq_dma_parse(const char *p, size_t n, struct relayq_dma *d);

/* What could not be read, for one errors[] entry of the caller. */
struct relayq_errs {
	unsigned long n; /* files that could not be read or parsed */
	char first[512]; /* "NAME: why" of the first */
};

/*
 * relayq_scan_nullmailer - every message file of the directory open as
 * dirfd (a nullmailer queue/ or failed/; it stays open), counted as queue
 * host with this status.  The number counted, or -1 when the directory cannot be read
 * (why in e->first).
 */
long long relayq_scan_nullmailer(struct mailq *q, int dirfd,
                                 const char *host, const char *status,
                                 struct relayq_errs *e);

/*
 * relayq_scan_dma - every Q file of the dma spool open as dirfd, counted
 * as queue host; a Q file whose M file is missing is counted and named in
 * e.  The number counted, or -1 (e->first) when the spool cannot be
 * read.
 */
long long relayq_scan_dma(struct mailq *q, int dirfd, const char *host,
                          struct relayq_errs *e);

#endif
