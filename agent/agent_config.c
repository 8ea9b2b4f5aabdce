/*
 * agent_config.c - load agent.conf: the top-level table here, then every
 * collector's own keys, then reject whatever nobody claimed.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent_config.h"
#include "common/config.h"
#include "common/xalloc.h"

#define OFF(f) offsetof(struct agent_config, f)

static const struct cfg_def top_defs[] = {
    {"server", CFG_STR, NULL, OFF(server), 0, 0,
	"collector base URL, e.g. http://collector:8470"},
    {"token", CFG_STR, NULL, OFF(token), 0, 0,
	"ingest bearer token (prefer token_file)"},
    {"token_file", CFG_STR, NULL, OFF(token_file), 0, 0,
	"file holding the ingest token"},
    {"ca_file", CFG_STR, NULL, OFF(ca_file), 0, 0,
	"CA bundle for the collector's TLS certificate"},
    {"insecure_skip_verify", CFG_BOOL, "no", OFF(insecure_skip_verify), 0,
	0, "skip TLS verification (dangerous)"},
    {"interval", CFG_DURATION, "60", OFF(interval), 5, 86400,
	"cycle length"},
    {"splay", CFG_DURATION, NULL, OFF(splay), 0, 86400,
	"random start delay bound; default: the interval"},
    {"state_dir", CFG_STR, AGENT_DEF_STATE_DIR, OFF(state_dir), 0, 0,
	"offsets and outbox"},
    {"hostname", CFG_STR, NULL, OFF(hostname), 0, 0,
	"name to report; default ROOT/etc/hostname or the host's name"},
    {"connect_timeout", CFG_DURATION, "10", OFF(connect_timeout), 1, 600,
	"TCP/TLS connect timeout"},
    {"timeout", CFG_DURATION, "30", OFF(timeout), 1, 3600,
	"whole request timeout"},
    {"outbox_max_bytes", CFG_SIZE, "64M", OFF(outbox_max_bytes), 4096,
	1LL << 40, "cap of undelivered reports kept on disk"},
    {"log_level", CFG_STR, "info", OFF(log_level), 0, 0,
	"debug, info, warning or error"},
    {"log_target", CFG_STR, "stderr", OFF(log_target), 0, 0,
	"stderr or syslog"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

int
agent_config_load(struct agent_config *cfg, const char *path, int must_exist,
    char *err, size_t errlen)
{
	struct cfg_file *cf = NULL;
	int rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	cfg_defaults(top_defs, cfg);
	cfg->root = xstrdup("");
	cfg->config_path = path ? xstrdup(path) : NULL;
	if (path) {
		if (!must_exist && access(path, F_OK) == -1 && errno == ENOENT)
			path = NULL;
		else if ((cf = cfg_load(path, err, errlen)) == NULL)
			goto out;
	}
	if (cf && cfg_apply(cf, 0, top_defs, cfg, err, errlen) == -1)
		goto out;
	if (spool_config_load(&cfg->spool, cf, err, errlen) == -1 ||
	    inodes_config_load(&cfg->inodes, cf, err, errlen) == -1 ||
	    mta_config_load(&cfg->mta, cf, err, errlen) == -1 ||
	    logs_config_load(&cfg->logs, cf, err, errlen) == -1 ||
	    mail_config_load(&cfg->mail, cf, err, errlen) == -1)
		goto out;
	if (cf && cfg_check_unused(cf, err, errlen) == -1)
		goto out;
	if (strcmp(cfg->log_target, "stderr") != 0 &&
	    strcmp(cfg->log_target, "syslog") != 0) {
		snprintf(err, errlen, "%s: log_target must be stderr or syslog",
		    cfg_name(cf));
		goto out;
	}
	rc = 0;
out:
	cfg_free(cf);
	return rc;
}

void
agent_config_print(FILE *fp, const struct agent_config *cfg)
{
	fprintf(fp, "# effective configuration (%s)\n",
	    cfg->config_path ? cfg->config_path : "built-in defaults");
	cfg_print(fp, top_defs, cfg);
	spool_config_print(fp, &cfg->spool);
	inodes_config_print(fp, &cfg->inodes);
	mta_config_print(fp, &cfg->mta);
	logs_config_print(fp, &cfg->logs);
	mail_config_print(fp, &cfg->mail);
}

void
agent_config_free(struct agent_config *cfg)
{
	cfg_free_values(top_defs, cfg);
	free(cfg->root);
	free(cfg->config_path);
	spool_config_free(&cfg->spool);
	inodes_config_free(&cfg->inodes);
	mta_config_free(&cfg->mta);
	logs_config_free(&cfg->logs);
	mail_config_free(&cfg->mail);
}
