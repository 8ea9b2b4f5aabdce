/*
 * outbox.h - reports waiting for the collector, on disk, oldest first.
 *
 * STATE_DIR/outbox/ holds one file per undelivered report: the gzip body
 * exactly as it will be POSTed, named
 *
 *	SEQ-REPORTID-dCARRIED.gz    e.g. 00000000000000000007-<uuid>-d0.gz
 *
 * SEQ (20 digits) orders them; CARRIED is the outbox_dropped count that
 * report carries, so that dropping it adds that count to the next one.
 * A file is written atomically: ".tmp-SEQ" is written and fsync'd, then
 * renamed, then the directory is fsync'd; a crash leaves either no file
 * or the whole file, and stale ".tmp-" files are removed on open.
 *
 * The outbox is capped at max_bytes: adding a report drops the oldest
 * ones (after the new one is safely written) until the total fits; the
 * caller learns how many reports that lost, counting what they carried.
 * Reports the collector refused for good (400, 413) are moved to
 * outbox/rejected/ for a human to look at, capped at max_bytes too.
 *
 * The caller holds the state_dir lock (statedir.h): one process per
 * outbox, so the in-memory index stays true.
 */
#ifndef SPOOLWATCH_OUTBOX_H
#define SPOOLWATCH_OUTBOX_H

#include <stddef.h>

#include "common/uuid.h"

struct outbox;

struct outbox *outbox_open(const char *state_dir, long long max_bytes,
                           char *err, size_t errlen);
void outbox_close(struct outbox *ob);
void outbox_set_max(struct outbox *ob, long long max_bytes);

size_t outbox_count(const struct outbox *ob);
long long outbox_bytes(const struct outbox *ob);
/* outbox_rejected_count - files in outbox/rejected/ (scans the dir). */
size_t outbox_rejected_count(const struct outbox *ob);

/*
 * outbox_add - store a report durably.  carried: its outbox_dropped.
 * *dropped gets the number of reports lost to the cap (0 normally).
 * 0 stored; 1 not stored because it alone is larger than the cap (then
 * *dropped counts it); -1 with a reason (nothing stored, nothing lost).
 */
int outbox_add(struct outbox *ob, const char *report_id, unsigned carried,
               const void *data, size_t n, unsigned *dropped, char *err,
               size_t errlen);

/* outbox_oldest - read the oldest report: xmalloc'd body and its id.
 * 0, or -1 with a reason (unreadable: the caller rejects it). */
int outbox_oldest(struct outbox *ob, char **data, size_t *n,
                  char id[UUID_STR_LEN], char *err, size_t errlen);
/* outbox_done - the oldest report was delivered: forget it. */
int outbox_done(struct outbox *ob, char *err, size_t errlen);
/* outbox_reject - move the oldest report to rejected/. */
int outbox_reject(struct outbox *ob, char *err, size_t errlen);
/* outbox_reject_new - write a report straight to rejected/. */
int outbox_reject_new(struct outbox *ob, const char *report_id,
                      const void *data, size_t n, char *err, size_t errlen);

/* outbox_parse_name - 0 if name is an outbox file name; its fields. */
int outbox_parse_name(const char *name, unsigned long long *seq,
                      char id[UUID_STR_LEN], unsigned *carried);

#endif
