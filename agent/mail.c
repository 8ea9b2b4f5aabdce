/*
 * mail.c - queued and unread root/cron mail.
 */
#include "agent/mail.h"
#include "agent/cycle.h"
#include "common/config.h"

int
mail_config_load(struct mail_config *cfg, struct cfg_file *cf, char *err,
    size_t errlen)
{
	(void)cf;
	(void)err;
	(void)errlen;
	cfg->reserved = 0;
	return 0;
}

void
mail_config_print(FILE *fp, const struct mail_config *cfg)
{
	(void)fp;
	(void)cfg;
}

void
mail_config_free(struct mail_config *cfg)
{
	(void)cfg;
}

void
mail_collect(struct cycle *c)
{
	(void)c;
}

void
mail_findings(struct cycle *c)
{
	(void)c;
}
