/*
 * spool.c - mail spool directories: owner/group/mode against policy, counts, ages, orphans.
 */
#include "agent/spool.h"
#include "agent/cycle.h"
#include "common/config.h"

int
spool_config_load(struct spool_config *cfg, struct cfg_file *cf, char *err,
    size_t errlen)
{
	(void)cf;
	(void)err;
	(void)errlen;
	cfg->reserved = 0;
	return 0;
}

void
spool_config_print(FILE *fp, const struct spool_config *cfg)
{
	(void)fp;
	(void)cfg;
}

void
spool_config_free(struct spool_config *cfg)
{
	(void)cfg;
}

void
spool_collect(struct cycle *c)
{
	(void)c;
}

void
spool_findings(struct cycle *c)
{
	(void)c;
}
