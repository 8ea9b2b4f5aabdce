/*
 * mta.c - which MTA is installed, whether its daemon runs and port 25 listens.
 */
#include "agent/mta.h"
#include "agent/cycle.h"
#include "common/config.h"

int
mta_config_load(struct mta_config *cfg, struct cfg_file *cf, char *err,
    size_t errlen)
{
	(void)cf;
	(void)err;
	(void)errlen;
	cfg->reserved = 0;
	return 0;
}

void
mta_config_print(FILE *fp, const struct mta_config *cfg)
{
	(void)fp;
	(void)cfg;
}

void
mta_config_free(struct mta_config *cfg)
{
	(void)cfg;
}

void
mta_collect(struct cycle *c)
{
	(void)c;
}

void
mta_findings(struct cycle *c)
{
	(void)c;
}
