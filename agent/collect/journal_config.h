/*
 * journal_config.h - the [journal] section of agent.conf: whether the
 * mail log collector reads the systemd journal, and with which program.
 *
 *   [journal]
 *   enabled = auto          # auto: when the host has /var/log/journal or
 *                           # /run/log/journal; yes; no
 *   journalctl = /usr/bin/journalctl
 *
 * The log collector owns it (logs_config.h): the journal is one of its
 * sources.
 */
#ifndef SPOOLWATCH_JOURNAL_CONFIG_H
#define SPOOLWATCH_JOURNAL_CONFIG_H

#include <stddef.h>
#include <stdio.h>

struct cfg_file;

#define JOURNAL_DEF_PROGRAM "/usr/bin/journalctl"

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

#endif
