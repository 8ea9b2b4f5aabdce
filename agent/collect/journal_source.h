/*
 * journal_source.h - the systemd journal as a log source of the mail log
 * collector (configured by [journal], journal_config.h): where the
 * journal is under --root, the cursor kept in the agent state
 * ("journal:cursor", staged like a file offset and committed only with a
 * durable report) and the journal's log_sources[] entry (path
 * "journal").
 *
 * Without a cursor (first start, or a cursor journalctl rejects) reading
 * starts JOURNAL_READBACK_S before the cycle.  Nothing here fails the
 * cycle: a journal that cannot be read is a log_sources[] entry with
 * status "error" and the reason.
 */
#ifndef SPOOLWATCH_JOURNAL_SOURCE_H
#define SPOOLWATCH_JOURNAL_SOURCE_H

#include <jansson.h>
#include <stdio.h>

#include "agent/collect/journal_config.h"
#include "agent/probe/journal_run.h"

struct cycle;

#define JOURNAL_READBACK_S 3600  /* first start: the last hour */
#define JOURNAL_TIMEOUT_MS 60000 /* journalctl's deadline per cycle */
#define JOURNAL_STATE_KEY "journal:cursor"

/*
 * journal_source_read - read the journal's mail entries into fn (see
 * journal_run.h) and stage the new cursor.  Returns the log_sources[]
 * entry (new reference; the caller adds its own counts), or NULL when
 * the journal is not to be read (enabled = no, or auto and none there).
 */
json_t *journal_source_read(struct cycle *c, const struct journal_config *cfg,
                            journal_line_fn fn, void *arg);

#endif
