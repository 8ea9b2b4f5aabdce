/*
 * main.c - spoolwatch-agent: flags, configuration, one cycle or the daemon
 * loop.  Exit codes: 0 success (also: report kept in the outbox), 1 the
 * report could not be produced, 2 usage or configuration error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_config.h"
#include "agent/report.h"
#include "agent/state.h"
#include "common/config.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/xalloc.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: spoolwatch-agent [options]\n"
	    "\n"
	    "Reads the host's mail spools, filesystems, MTA, mail logs and\n"
	    "system mailboxes and reports findings to a spoolwatch collector.\n"
	    "It never changes anything on the host.\n"
	    "\n"
	    "  --config FILE      configuration (default " AGENT_DEF_CONFIG
	    ";\n"
	    "                     a missing default file is fine)\n"
	    "  --once             one collection cycle, deliver (or print), "
	    "exit\n"
	    "  --stdout           print the report JSON instead of sending it\n"
	    "  --commit-state     with --stdout: advance log and mailbox "
	    "offsets\n"
	    "  --root DIR         read every host path below DIR instead of /\n"
	    "  --state-dir DIR    offsets and outbox (default " AGENT_DEF_STATE_DIR
	    ")\n"
	    "  --server URL       collector base URL, e.g. "
	    "http://127.0.0.1:8470\n"
	    "  --hostname NAME    the name to report\n"
	    "  --interval S       cycle length of daemon mode\n"
	    "  --splay S          bound of the random start delay\n"
	    "  --check-config     validate, print the effective configuration,\n"
	    "                     exit 0 or 2\n"
	    "  --version          print the version\n"
	    "  --help             this text\n"
	    "\n"
	    "Exit status: 0 success, 1 runtime failure, 2 usage or "
	    "configuration error.\n");
}

enum {
	OPT_CONFIG = 256, OPT_ONCE, OPT_STDOUT, OPT_ROOT, OPT_STATE_DIR,
	OPT_SERVER, OPT_HOSTNAME, OPT_COMMIT, OPT_INTERVAL, OPT_SPLAY,
	OPT_CHECK, OPT_VERSION, OPT_HELP,
};

static const struct option long_opts[] = {
    {"config", required_argument, NULL, OPT_CONFIG},
    {"once", no_argument, NULL, OPT_ONCE},
    {"stdout", no_argument, NULL, OPT_STDOUT},
    {"root", required_argument, NULL, OPT_ROOT},
    {"state-dir", required_argument, NULL, OPT_STATE_DIR},
    {"server", required_argument, NULL, OPT_SERVER},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"commit-state", no_argument, NULL, OPT_COMMIT},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"splay", required_argument, NULL, OPT_SPLAY},
    {"check-config", no_argument, NULL, OPT_CHECK},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

struct flags {
	const char *config;
	int once, to_stdout, commit, check;
	const char *root, *state_dir, *server, *hostname;
	const char *interval, *splay;
};

static void
replace(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

/* apply_flags - flags override the file; -1 with err on a bad value. */
static int
apply_flags(struct agent_config *cfg, const struct flags *f, char *err,
    size_t errlen)
{
	if (f->root)
		replace(&cfg->root, strcmp(f->root, "/") == 0 ? "" : f->root);
	if (f->state_dir)
		replace(&cfg->state_dir, f->state_dir);
	if (f->server)
		replace(&cfg->server, f->server);
	if (f->hostname)
		replace(&cfg->hostname, f->hostname);
	if (f->interval && (cfg_parse_duration(f->interval, &cfg->interval) ==
				-1 || cfg->interval < 5)) {
		snprintf(err, errlen, "--interval: expected a duration >= 5s");
		return -1;
	}
	if (f->splay && cfg_parse_duration(f->splay, &cfg->splay) == -1) {
		snprintf(err, errlen, "--splay: expected a duration");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct flags f = {0};
	struct agent_config cfg;
	struct state *st = NULL;
	char err[1024], warn[1024];
	enum log_level lvl;
	json_t *report;
	int c, rc = 1;

	f.config = AGENT_DEF_CONFIG;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG: f.config = optarg; f.check |= 0; break;
		case OPT_ONCE: f.once = 1; break;
		case OPT_STDOUT: f.to_stdout = 1; break;
		case OPT_ROOT: f.root = optarg; break;
		case OPT_STATE_DIR: f.state_dir = optarg; break;
		case OPT_SERVER: f.server = optarg; break;
		case OPT_HOSTNAME: f.hostname = optarg; break;
		case OPT_COMMIT: f.commit = 1; break;
		case OPT_INTERVAL: f.interval = optarg; break;
		case OPT_SPLAY: f.splay = optarg; break;
		case OPT_CHECK: f.check = 1; break;
		case OPT_VERSION:
			printf("spoolwatch-agent %s\n", SPOOLWATCH_VERSION);
			return 0;
		case OPT_HELP:
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "spoolwatch-agent: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	log_init("spoolwatch-agent", 0, LOG_LVL_INFO);
	if (agent_config_load(&cfg, f.config,
		strcmp(f.config, AGENT_DEF_CONFIG) != 0, err,
		sizeof(err)) == -1 ||
	    apply_flags(&cfg, &f, err, sizeof(err)) == -1) {
		fprintf(stderr, "spoolwatch-agent: %s\n", err);
		agent_config_free(&cfg);
		return 2;
	}
	if (log_level_parse(cfg.log_level, &lvl) == -1) {
		fprintf(stderr, "spoolwatch-agent: bad log_level '%s'\n",
		    cfg.log_level);
		agent_config_free(&cfg);
		return 2;
	}
	log_init("spoolwatch-agent", strcmp(cfg.log_target, "syslog") == 0,
	    lvl);
	if (f.check) {
		agent_config_print(stdout, &cfg);
		agent_config_free(&cfg);
		return 0;
	}
	if (!f.once || !f.to_stdout) {
		fprintf(stderr, "spoolwatch-agent: only --once --stdout is "
				"available in this build\n");
		agent_config_free(&cfg);
		return 2;
	}

	if (mkdir_p(cfg.state_dir, 0700) == -1 && errno != EEXIST) {
		log_warn("state_dir %s", cfg.state_dir);
		goto out;
	}
	st = state_open(cfg.state_dir, warn, sizeof(warn), err, sizeof(err));
	if (st == NULL) {
		log_warnx("%s", err);
		goto out;
	}
	if (warn[0])
		log_warnx("%s", warn);
	report = report_build(&cfg, st);
	if (report == NULL) {
		log_warnx("could not build the report");
		goto out;
	}
	if (json_dumpf(report, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII) ==
		-1 ||
	    fputc('\n', stdout) == EOF || fflush(stdout) == EOF) {
		log_warn("writing the report");
		json_decref(report);
		goto out;
	}
	json_decref(report);
	if (f.commit && state_commit(st, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		goto out;
	}
	rc = 0;
out:
	state_close(st);
	agent_config_free(&cfg);
	return rc;
}
