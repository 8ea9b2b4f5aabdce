/*
 * journal_config.c - the [journal] section (see journal_config.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "agent/collect/journal_config.h"
#include "common/config.h"

#define OFF(f) offsetof(struct journal_config, f)

static const struct cfg_def journal_defs[] = {
    {"enabled", CFG_STR, "auto", OFF(enabled), 0, 0,
     "[journal] read mail lines from the systemd journal: auto (when the "
     "host has /var/log/journal or /run/log/journal), yes or no"},
    {"journalctl", CFG_STR, JOURNAL_DEF_PROGRAM, OFF(journalctl), 0, 0,
     "[journal] the program run to read the journal"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

int
journal_config_load(struct journal_config *cfg, struct cfg_file *cf, char *err,
                    size_t errlen)
{
	long sec;

	memset(cfg, 0, sizeof(*cfg));
	cfg_defaults(journal_defs, cfg);
	if (cf != NULL && (sec = cfg_section_find(cf, "journal", NULL)) >= 0 &&
	    cfg_apply(cf, (size_t)sec, journal_defs, cfg, err, errlen) == -1)
		return -1;
	if (strcmp(cfg->enabled, "auto") != 0 &&
	    strcmp(cfg->enabled, "yes") != 0 &&
	    strcmp(cfg->enabled, "no") != 0) {
		snprintf(err, errlen,
		         "%s: [journal] enabled must be auto, yes or no, not "
		         "'%.40s'",
		         cf ? cfg_name(cf) : "agent.conf", cfg->enabled);
		return -1;
	}
	if (cfg->journalctl[0] != '/') {
		snprintf(
		    err, errlen,
		    "%s: [journal] journalctl: '%.200s' is not an absolute "
		    "path",
		    cf ? cfg_name(cf) : "agent.conf", cfg->journalctl);
		return -1;
	}
	return 0;
}

void
journal_config_print(FILE *fp, const struct journal_config *cfg)
{
	fprintf(fp, "\n[journal]\n");
	cfg_print(fp, journal_defs, cfg);
}

void
journal_config_free(struct journal_config *cfg)
{
	cfg_free_values(journal_defs, cfg);
}
