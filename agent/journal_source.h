/*
 * journal_source.h - the systemd journal as a log source of the mail log
 * collector: the [journal] section of agent.conf, where the journal is
 * under --root, the cursor kept in the agent state ("journal:cursor",
 * staged like a file offset and committed only with a durable report)
 * and the journal's log_sources[] entry (path "journal").
 *
 *   [journal]
 *   enabled = auto          # auto: when the host has /var/log/journal or
 *                           # /run/log/journal; yes; no
 *   journalctl = /usr/bin/journalctl
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

#include "agent/journal_run.h"

struct cfg_file;
struct cycle;

#define JOURNAL_READBACK_S 3600  /* first start: the last hour */
#define JOURNAL_TIMEOUT_MS 60000 /* journalctl's deadline per cycle */
#define JOURNAL_STATE_KEY "journal:cursor"

struct journal_config {
	char *enabled;    /* [journal] enabled: auto, yes, no */
	char *journalctl; /* [journal] journalctl: absolute path */
};

/* journal_config_load - defaults, then [journal] of cf (NULL: defaults).
 * 0, or -1 with "FILE: why" in err. */
int journal_config_load(struct journal_config *cfg, struct cfg_file *cf,
                        char *err, size_t errlen);
void journal_config_print(FILE *fp, const struct journal_config *cfg);
void journal_config_free(struct journal_config *cfg);

/*
 * journal_source_read - read the journal's mail entries into fn (see
 * journal_run.h) and stage the new cursor.  Returns the log_sources[]
 * entry (new reference; the caller adds its own counts), or NULL when
 * the journal is not to be read (enabled = no, or auto and none there).
 */
json_t *journal_source_read(struct cycle *c, const struct journal_config *cfg,
                            journal_line_fn fn, void *arg);

#endif
