/*
 * agent_config.h - the agent's whole configuration: the top-level keys of
 * agent.conf (delivery, cycle, state) and each collector's own section
 * (X_config.h), which report.c hands to that collector alone.
 *
 * Precedence: built-in defaults < agent.conf < command-line flags.
 */
#ifndef SPOOLWATCH_AGENT_CONFIG_H
#define SPOOLWATCH_AGENT_CONFIG_H

#include <stdio.h>

#include <jansson.h>

#include "agent/collect/inodes_config.h"
#include "agent/collect/logs_config.h"
#include "agent/collect/mail_config.h"
#include "agent/collect/mta_config.h"
#include "agent/collect/spool_config.h"

#define AGENT_DEF_CONFIG "/etc/spoolwatch/agent.conf"
#define AGENT_DEF_STATE_DIR "/var/lib/spoolwatch"

struct agent_config {
	/* top level of agent.conf */
	char *server; /* collector base URL */
	char *token;  /* after loading: the effective token,
	               * read from token_file when that is set */
	char *token_file;
	char *ca_file;
	int insecure_skip_verify;
	long long interval; /* seconds */
	long long splay;    /* seconds; -1 (unset): the interval, see
	                     * agent_config_finish() */
	char *state_dir;
	char *hostname;
	long long connect_timeout; /* seconds */
	long long timeout;         /* seconds, whole request */
	long long outbox_max_bytes;
	long long retry_min; /* seconds, first retry delay bound */
	long long retry_max; /* seconds, largest retry delay */
	char *log_level;
	char *log_target; /* "stderr" or "syslog" */
	char *labels;     /* "env=prod, role=web" as written */
	json_t *host_labels; /* labels parsed (common/labels.h): an object,
	                      * sent as host.labels when not empty */

	/* from the command line only */
	char *root; /* "" for "/" */
	char *config_path;

	struct spool_config spool;
	struct inodes_config inodes;
	struct mta_config mta;
	struct logs_config logs;
	struct mail_config mail;
};

/*
 * agent_config_load - defaults, then path (NULL: no file).  A missing file
 * is an error only when must_exist.  0, or -1 with "FILE:LINE: why".
 */
int agent_config_load(struct agent_config *cfg, const char *path,
                      int must_exist, char *err, size_t errlen);
/*
 * agent_config_finish - after the command-line overrides: resolve splay
 * (unset: the interval) and check what depends on several keys (server
 * URL, token and token_file, retry bounds).  Reads token_file into token.
 * 0, or -1 with a reason.
 */
int agent_config_finish(struct agent_config *cfg, char *err, size_t errlen);
void agent_config_print(FILE *fp, const struct agent_config *cfg);
void agent_config_free(struct agent_config *cfg);

#endif
