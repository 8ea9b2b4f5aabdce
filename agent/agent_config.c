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
#include "agent/limits.h"
#include "common/config.h"
#include "common/fsutil.h"
#include "common/labels.h"
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
    {"insecure_skip_verify", CFG_BOOL, "no", OFF(insecure_skip_verify), 0, 0,
     "skip TLS verification (dangerous)"},
    {"interval", CFG_DURATION, "60", OFF(interval), 1, 86400, "cycle length"},
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
    {"retry_min", CFG_DURATION, "10", OFF(retry_min), 1, 86400,
     "first retry delay bound after a failed delivery"},
    {"retry_max", CFG_DURATION, "10m", OFF(retry_max), 1, 86400,
     "largest retry delay (exponential backoff, full jitter)"},
    {"log_level", CFG_STR, "info", OFF(log_level), 0, 0,
     "debug, info, warning or error"},
    {"log_target", CFG_STR, "stderr", OFF(log_target), 0, 0,
     "stderr or syslog"},
    {"labels", CFG_STR, NULL, OFF(labels), 0, 0,
     "host labels sent as host.labels: KEY=VALUE, ... (at most 32)"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

/* load_labels - the labels key into host_labels; -1 with FILE:LINE: why. */
static int
load_labels(struct agent_config *cfg, struct cfg_file *cf, char *err,
            size_t errlen)
{
	char why[256];

	cfg->host_labels =
	    labels_parse(cfg->labels ? cfg->labels : "", why, sizeof(why));
	if (cfg->host_labels != NULL)
		return 0;
	snprintf(err, errlen, "%s:%u: %s", cfg_name(cf),
	         cfg_key_line(cf, 0, "labels"), why);
	return -1;
}

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
	if (load_labels(cfg, cf, err, errlen) == -1)
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

/* token_ok - a bearer token is visible ASCII without blanks, so that it
 * cannot split or forge an HTTP header. */
static int
token_ok(const char *t)
{
	if (*t == '\0')
		return 0;
	for (; *t; t++)
		if (*t <= ' ' || *t >= 0x7f)
			return 0;
	return 1;
}

/* unset_empty - "key =" (as --check-config prints an unset key) is unset. */
static void
unset_empty(char **field)
{
	if (*field && **field == '\0') {
		free(*field);
		*field = NULL;
	}
}

int
agent_config_finish(struct agent_config *cfg, char *err, size_t errlen)
{
	unset_empty(&cfg->server);
	unset_empty(&cfg->token);
	unset_empty(&cfg->token_file);
	unset_empty(&cfg->ca_file);
	unset_empty(&cfg->hostname);
	if (cfg->splay < 0)
		cfg->splay = cfg->interval;
	if (cfg->retry_min > cfg->retry_max) {
		snprintf(err, errlen,
		         "retry_min (%llds) is larger than "
		         "retry_max (%llds)",
		         cfg->retry_min, cfg->retry_max);
		return -1;
	}
	if (cfg->server && *cfg->server) {
		char *s = cfg->server;
		size_t n = strlen(s);

		if (strncmp(s, "http://", 7) != 0 &&
		    strncmp(s, "https://", 8) != 0) {
			snprintf(err, errlen,
			         "server '%.200s': expected "
			         "http://HOST[:PORT] or https://HOST[:PORT]",
			         s);
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f) {
				snprintf(err, errlen,
				         "server '%.200s': "
				         "blanks or control characters",
				         s);
				return -1;
			}
		}
		while (n > 0 && s[n - 1] == '/')
			s[--n] = '\0';
		if (strchr(s, '?') || strchr(s, '#')) {
			snprintf(err, errlen,
			         "server '%.200s': a base URL "
			         "takes no query or fragment",
			         s);
			return -1;
		}
	}
	if (cfg->token && cfg->token_file) {
		snprintf(err, errlen, "set token or token_file, not both");
		return -1;
	}
	if (cfg->token_file) {
		char why[512], *text;
		ssize_t n =
		    read_file_capped(cfg->token_file, &text,
		                     AGENT_MAX_TOKEN_FILE, why, sizeof(why));

		if (n < 0) {
			snprintf(err, errlen, "token_file: %s", why);
			return -1;
		}
		while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' ||
		                 text[n - 1] == ' ' || text[n - 1] == '\t'))
			text[--n] = '\0';
		cfg->token = text;
	}
	if (cfg->token && !token_ok(cfg->token)) {
		snprintf(err, errlen,
		         "%s: the token must be visible ASCII "
		         "without blanks",
		         cfg->token_file ? cfg->token_file : "token");
		return -1;
	}
	if (cfg->ca_file && access(cfg->ca_file, R_OK) == -1) {
		snprintf(err, errlen, "ca_file %s: %s", cfg->ca_file,
		         strerror(errno));
		return -1;
	}
	return 0;
}

void
agent_config_print(FILE *fp, const struct agent_config *cfg)
{
	fprintf(fp, "# effective configuration (%s)\n",
	        cfg->config_path ? cfg->config_path : "built-in defaults");
	cfg_print(fp, top_defs, cfg);
	/* collectors' top-level keys come before any [section] */
	logs_config_print_top(fp, &cfg->logs);
	mail_config_print_top(fp, &cfg->mail);
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
	json_decref(cfg->host_labels);
	cfg->host_labels = NULL;
	free(cfg->root);
	free(cfg->config_path);
	spool_config_free(&cfg->spool);
	inodes_config_free(&cfg->inodes);
	mta_config_free(&cfg->mta);
	logs_config_free(&cfg->logs);
	mail_config_free(&cfg->mail);
}
