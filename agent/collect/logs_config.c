/*
 * logs_config.c - the mail log collector's keys of agent.conf: the
 * top-level max_events and the [logs] section (see logs_config.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "agent/collect/logs_config.h"
#include "common/config.h"

#define OFF(f) offsetof(struct logs_config, f)

static const struct cfg_def top_defs[] = {
    {"max_events", CFG_INT, "500", OFF(max_events), 0, LOGS_EVENTS_MAX,
     "raw mail log events per report (newest kept; the rest only "
     "counted in event_groups)"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

static const struct cfg_def logs_defs[] = {
    {"files", CFG_LIST, LOGS_DEF_FILES, OFF(files), 0, 0,
     "[logs] syslog files to read (missing ones are skipped)"},
    {"readback", CFG_SIZE, "4M", OFF(readback), 0, 1LL << 40,
     "[logs] bytes read back per file on first start"},
    {"max_line", CFG_SIZE, "64k", OFF(max_line), 1024, 16 << 20,
     "[logs] longer lines are cut to this many bytes (and counted)"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

int
logs_config_load(struct logs_config *cfg, struct cfg_file *cf, char *err,
                 size_t errlen)
{
	long sec;

	memset(cfg, 0, sizeof(*cfg));
	cfg_defaults(top_defs, cfg);
	cfg_defaults(logs_defs, cfg);
	if (cf == NULL)
		return 0;
	if (cfg_apply(cf, 0, top_defs, cfg, err, errlen) == -1)
		return -1;
	if ((sec = cfg_section_find(cf, "logs", NULL)) >= 0 &&
	    cfg_apply(cf, (size_t)sec, logs_defs, cfg, err, errlen) == -1)
		return -1;
	for (size_t i = 0; i < cfg->files.n; i++) {
		if (cfg->files.v[i][0] != '/') {
			snprintf(
			    err, errlen,
			    "%s: [logs] files: '%.200s' is not an absolute "
			    "path",
			    cfg_name(cf), cfg->files.v[i]);
			return -1;
		}
	}
	return 0;
}

void
logs_config_print_top(FILE *fp, const struct logs_config *cfg)
{
	cfg_print(fp, top_defs, cfg);
}

void
logs_config_print(FILE *fp, const struct logs_config *cfg)
{
	fprintf(fp, "\n[logs]\n");
	cfg_print(fp, logs_defs, cfg);
}

void
logs_config_free(struct logs_config *cfg)
{
	cfg_free_values(top_defs, cfg);
	cfg_free_values(logs_defs, cfg);
}
