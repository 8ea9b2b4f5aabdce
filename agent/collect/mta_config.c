/*
 * mta_config.c - the [mta] section of agent.conf: kind and smtp_port
 * (see mta_config.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "agent/collect/mta_config.h"
#include "common/config.h"

#define OFF(f) offsetof(struct mta_config, f)
static const struct cfg_def mta_defs[] = {
    {"kind", CFG_STR, "auto", OFF(kind), 0, 0,
     "auto (detect), sendmail, postfix, exim or none"},
    {"smtp_port", CFG_INT, "25", OFF(smtp_port), 1, 65535,
     "the port of 127.0.0.1 the MSP relays to"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};
#undef OFF

int
mta_config_load(struct mta_config *cfg, struct cfg_file *cf, char *err,
                size_t errlen)
{
	long i;

	memset(cfg, 0, sizeof(*cfg));
	cfg_defaults(mta_defs, cfg);
	if (cf != NULL && (i = cfg_section_find(cf, "mta", "")) >= 0 &&
	    cfg_apply(cf, (size_t)i, mta_defs, cfg, err, errlen) == -1)
		return -1;
	if (strcmp(cfg->kind, "auto") != 0 &&
	    strcmp(cfg->kind, "sendmail") != 0 &&
	    strcmp(cfg->kind, "postfix") != 0 &&
	    strcmp(cfg->kind, "exim") != 0 && strcmp(cfg->kind, "none") != 0) {
		snprintf(err, errlen,
		         "%s: [mta] kind must be auto, sendmail, "
		         "postfix, exim or none",
		         cf ? cfg_name(cf) : "agent.conf");
		return -1;
	}
	return 0;
}

void
mta_config_print(FILE *fp, const struct mta_config *cfg)
{
	fprintf(fp, "\n[mta]\n");
	cfg_print(fp, mta_defs, cfg);
}

void
mta_config_free(struct mta_config *cfg)
{
	cfg_free_values(mta_defs, cfg);
}
