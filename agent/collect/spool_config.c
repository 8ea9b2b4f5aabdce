/*
 * spool_config.c - the [spool] section and the [spool PATH] overrides of
 * agent.conf: their keys, defaults and checks (see spool_config.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/diagnose/policy.h"
#include "agent/collect/spool_config.h"
#include "common/config.h"
#include "common/xalloc.h"

#define OFF(f) offsetof(struct spool_config, f)
static const struct cfg_def spool_defs[] = {
    {"backlog_warning", CFG_INT, "100", OFF(backlog_warning), 1, 1LL << 40,
     "queued messages in one queue directory for spool.backlog warning"},
    {"backlog_critical", CFG_INT, "1000", OFF(backlog_critical), 1, 1LL << 40,
     "queued messages for spool.backlog critical"},
    {"stale_age", CFG_DURATION, "1d", OFF(stale_age), 60, 1LL << 32,
     "age of the oldest queued message for spool.stale warning"},
    {"stale_age_critical", CFG_DURATION, "7d", OFF(stale_age_critical), 60,
     1LL << 32, "age of the oldest queued message for spool.stale critical"},
    {"bloat_factor", CFG_INT, "4", OFF(bloat_factor), 2, 1000000,
     "directory size over the size its entries need for spool.bloated_dir"},
    {"bloat_min_size", CFG_SIZE, "1M", OFF(bloat_min_size), 4096, 1LL << 40,
     "directories smaller than this are never bloated"},
    {"orphan_grace", CFG_DURATION, "1h", OFF(orphan_grace), 0, 1LL << 32,
     "df files younger than this are not judged (their qf may follow)"},
    {"scan_budget", CFG_DURATION, "5", OFF(scan_budget), 0, 3600,
     "seconds of stat per directory for ages; then oldest_age_s is a "
     "lower bound"},
    {"scan_limit", CFG_DURATION, "60", OFF(scan_limit), 1, 86400,
     "seconds after which a directory scan stops (counts are partial)"},
    {"default_spools", CFG_BOOL, "yes", OFF(default_spools), 0, 0,
     "check the directories the MTA's configuration names"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};
#undef OFF

#define OFF(f) offsetof(struct spool_override, f)
static const struct cfg_def override_defs[] = {
    {"role", CFG_STR, NULL, OFF(role), 0, 0,
     "msp_queue, mta_queue, postfix_*, mailbox or custom"},
    {"owner", CFG_STR, NULL, OFF(owner), 0, 0, "expected owner"},
    {"group", CFG_STR, NULL, OFF(group), 0, 0, "expected group"},
    {"mode", CFG_MODE, NULL, OFF(mode), 0, 0, "expected mode"},
    {"user", CFG_STR, NULL, OFF(user), 0, 0,
     "the account the MTA writes this directory as"},
    {"write_group", CFG_STR, NULL, OFF(write_group), 0, 0,
     "the group the MTA writes this directory with"},
    {"check", CFG_BOOL, "yes", OFF(check), 0, 0,
     "no: leave this directory out"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};
#undef OFF

int
spool_config_load(struct spool_config *cfg, struct cfg_file *cf, char *err,
                  size_t errlen)
{
	long i;
	size_t n;

	memset(cfg, 0, sizeof(*cfg));
	cfg_defaults(spool_defs, cfg);
	if (cf == NULL)
		return 0;
	if ((i = cfg_section_find(cf, "spool", "")) >= 0 &&
	    cfg_apply(cf, (size_t)i, spool_defs, cfg, err, errlen) == -1)
		return -1;
	if (cfg->backlog_critical < cfg->backlog_warning ||
	    cfg->stale_age_critical < cfg->stale_age) {
		snprintf(err, errlen,
		         "%s: [spool] a critical threshold is "
		         "below its warning threshold",
		         cfg_name(cf));
		return -1;
	}
	n = cfg_section_count(cf);
	for (size_t s = 0; s < n; s++) {
		const struct cfg_section *sec = cfg_section_at(cf, s);
		struct spool_override *o;

		if (strcmp(sec->name, "spool") != 0 || sec->arg[0] == '\0')
			continue;
		if (sec->arg[0] != '/') {
			snprintf(err, errlen,
			         "%s:%u: [spool %s]: not an "
			         "absolute path",
			         cfg_name(cf), sec->line, sec->arg);
			return -1;
		}
		cfg->ov = xrealloc(cfg->ov, (cfg->nov + 1) * sizeof(*cfg->ov));
		o = &cfg->ov[cfg->nov++];
		memset(o, 0, sizeof(*o));
		cfg_defaults(override_defs, o);
		o->path = xstrdup(sec->arg);
		o->line = sec->line;
		if (cfg_apply(cf, s, override_defs, o, err, errlen) == -1)
			return -1;
		if (o->role != NULL && policy_role_parse(o->role) < 0) {
			snprintf(err, errlen,
			         "%s:%u: [spool %s]: unknown role "
			         "'%s'",
			         cfg_name(cf), sec->line, sec->arg, o->role);
			return -1;
		}
	}
	return 0;
}

void
spool_config_print(FILE *fp, const struct spool_config *cfg)
{
	fprintf(fp, "\n[spool]\n");
	cfg_print(fp, spool_defs, cfg);
	for (size_t i = 0; i < cfg->nov; i++) {
		fprintf(fp, "\n[spool %s]\n", cfg->ov[i].path);
		cfg_print(fp, override_defs, &cfg->ov[i]);
	}
}

void
spool_config_free(struct spool_config *cfg)
{
	for (size_t i = 0; i < cfg->nov; i++) {
		cfg_free_values(override_defs, &cfg->ov[i]);
		free(cfg->ov[i].path);
	}
	free(cfg->ov);
	cfg_free_values(spool_defs, cfg);
	memset(cfg, 0, sizeof(*cfg));
}
