/*
 * logs.c - SYSERR and delivery events from the syslog files.
 */
#include "agent/logs.h"
#include "agent/cycle.h"
#include "common/config.h"

int
logs_config_load(struct logs_config *cfg, struct cfg_file *cf, char *err,
    size_t errlen)
{
	(void)cf;
	(void)err;
	(void)errlen;
	cfg->reserved = 0;
	return 0;
}

void
logs_config_print(FILE *fp, const struct logs_config *cfg)
{
	(void)fp;
	(void)cfg;
}

void
logs_config_free(struct logs_config *cfg)
{
	(void)cfg;
}

void
logs_collect(struct cycle *c)
{
	(void)c;
}

void
logs_findings(struct cycle *c)
{
	(void)c;
}
