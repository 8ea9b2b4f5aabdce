/*
 * main.c - spoolwatch-agent: flags, configuration, one cycle or the daemon
 * loop.  Exit codes: 0 success (also: report kept in the outbox), 1 the
 * report could not be produced or made durable, or the collector
 * rejected it for good, 2 usage or configuration error.
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent/agent_config.h"
#include "agent/daemon.h"
#include "agent/limits.h"
#include "agent/runner.h"
#include "agent/ship/statedir.h"
#include "common/config.h"
#include "common/log.h"
#include "common/xalloc.h"

static void
usage(FILE *fp)
{
	fprintf(
	    fp,
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
	    "exit;\n"
	    "                     without it: run as a daemon, one cycle per\n"
	    "                     interval (SIGTERM/SIGINT stop, SIGHUP "
	    "reloads)\n"
	    "  --stdout           print the report JSON instead of sending it\n"
	    "  --commit-state     with --stdout: advance log and mailbox "
	    "offsets\n"
	    "  --root DIR         read every host path below DIR instead of /\n"
	    "  --state-dir DIR    offsets and outbox "
	    "(default " AGENT_DEF_STATE_DIR ")\n"
	    "  --server URL       collector base URL, e.g. "
	    "http://127.0.0.1:8470\n"
	    "  --hostname NAME    the name to report\n"
	    "  --interval S       cycle length of daemon mode (default 60s)\n"
	    "  --splay S          bound of the random start delay of daemon "
	    "mode\n"
	    "                     (default: the interval)\n"
	    "  --check-config     validate, print the effective "
	    "configuration,\n"
	    "                     exit 0 or 2\n"
	    "  --version          print the version\n"
	    "  --help             this text\n"
	    "\n"
	    "Exit status: 0 success (also when the report waits in the "
	    "outbox),\n"
	    "1 runtime failure (no report, or it could not be kept, or the\n"
	    "collector rejected it for good), 2 usage or configuration "
	    "error.\n");
}

enum {
	OPT_CONFIG = 256,
	OPT_ONCE,
	OPT_STDOUT,
	OPT_ROOT,
	OPT_STATE_DIR,
	OPT_SERVER,
	OPT_HOSTNAME,
	OPT_COMMIT,
	OPT_INTERVAL,
	OPT_SPLAY,
	OPT_CHECK,
	OPT_VERSION,
	OPT_HELP,
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
	if (f->interval &&
	    (cfg_parse_duration(f->interval, &cfg->interval) == -1 ||
	     cfg->interval < 1 || cfg->interval > 86400)) {
		snprintf(err, errlen,
		         "--interval: expected a duration from 1s to 1d");
		return -1;
	}
	if (f->splay && (cfg_parse_duration(f->splay, &cfg->splay) == -1 ||
	                 cfg->splay > 86400)) {
		snprintf(err, errlen, "--splay: expected a duration up to 1d");
		return -1;
	}
	return 0;
}

static struct flags flags;

/* load_config - defaults < agent.conf < flags, then the checks that span
 * keys; also used on SIGHUP.  0, or -1 with a reason. */
static int
load_config(struct agent_config *cfg, char *err, size_t errlen)
{
	if (agent_config_load(cfg, flags.config,
	                      strcmp(flags.config, AGENT_DEF_CONFIG) != 0, err,
	                      errlen) == -1 ||
	    apply_flags(cfg, &flags, err, errlen) == -1 ||
	    agent_config_finish(cfg, err, errlen) == -1) {
		agent_config_free(cfg);
		return -1;
	}
	return 0;
}

/* setup_log - log_level and log_target of cfg; -1 with a reason. */
static int
setup_log(const struct agent_config *cfg, char *err, size_t errlen)
{
	enum log_level lvl;

	if (log_level_parse(cfg->log_level, &lvl) == -1) {
		snprintf(err, errlen,
		         "log_level '%s': expected debug, info, "
		         "warning or error",
		         cfg->log_level);
		return -1;
	}
	log_init("spoolwatch-agent", strcmp(cfg->log_target, "syslog") == 0,
	         lvl);
	return 0;
}

/* is_loopback_url - http://127.x, [::1] or localhost: plain HTTP there
 * does not leave the host. */
static int
is_loopback_url(const char *url)
{
	const char *h = strstr(url, "://");

	h = h ? h + 3 : url;
	return strncmp(h, "127.", 4) == 0 || strncmp(h, "[::1]", 5) == 0 ||
	       strncmp(h, "localhost", 9) == 0;
}

static void
warn_security(const struct agent_config *cfg)
{
	struct stat sb;

	if (cfg->token_file && stat(cfg->token_file, &sb) == 0 &&
	    (sb.st_mode & S_IROTH))
		log_warnx("token_file %s is readable by every user; chmod "
		          "0600 (or 0640 with the agent's group)",
		          cfg->token_file);
	if (cfg->insecure_skip_verify)
		log_warnx("insecure_skip_verify is on: the collector's TLS "
		          "certificate is NOT verified; anyone on the path "
		          "can read and forge reports");
	if (cfg->token && cfg->server &&
	    strncmp(cfg->server, "http://", 7) == 0 &&
	    !is_loopback_url(cfg->server))
		log_warnx("the ingest token is sent in clear text to %s; use "
		          "https://",
		          cfg->server);
}

/* reload - the daemon's SIGHUP: a whole new configuration or nothing. */
static int
reload(struct agent_config *next, char *err, size_t errlen)
{
	if (load_config(next, err, errlen) == -1)
		return -1;
	if (setup_log(next, err, errlen) == -1) {
		agent_config_free(next);
		return -1;
	}
	if (!flags.to_stdout && (next->server == NULL || !*next->server)) {
		snprintf(err, errlen, "no server configured");
		agent_config_free(next);
		return -1;
	}
	warn_security(next);
	return 0;
}

/* parse_flags - argv into flags; -1 to go on, else the exit code. */
static int
parse_flags(int argc, char **argv)
{
	int c;

	flags.config = AGENT_DEF_CONFIG;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG:
			flags.config = optarg;
			break;
		case OPT_ONCE:
			flags.once = 1;
			break;
		case OPT_STDOUT:
			flags.to_stdout = 1;
			break;
		case OPT_ROOT:
			flags.root = optarg;
			break;
		case OPT_STATE_DIR:
			flags.state_dir = optarg;
			break;
		case OPT_SERVER:
			flags.server = optarg;
			break;
		case OPT_HOSTNAME:
			flags.hostname = optarg;
			break;
		case OPT_COMMIT:
			flags.commit = 1;
			break;
		case OPT_INTERVAL:
			flags.interval = optarg;
			break;
		case OPT_SPLAY:
			flags.splay = optarg;
			break;
		case OPT_CHECK:
			flags.check = 1;
			break;
		case OPT_VERSION:
			printf("spoolwatch-agent %s\n", SPOOLWATCH_VERSION);
#ifdef SPOOLWATCH_BUNDLED /* make static */
			printf("static x86_64 build, bundling: %s\n",
			       SPOOLWATCH_BUNDLED);
#endif
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
	if (flags.commit && !flags.to_stdout) {
		fprintf(stderr, "spoolwatch-agent: --commit-state goes with "
		                "--stdout (delivered reports always commit)\n");
		return 2;
	}
	return -1;
}

/* startup_error - print err, free cfg (if loaded); exit code 2. */
static int
startup_error(struct agent_config *cfg, const char *err)
{
	fprintf(stderr, "spoolwatch-agent: %s\n", err);
	if (cfg)
		agent_config_free(cfg);
	return 2;
}

/*
 * prepare - configuration, logging, the state_dir check and
 * --check-config.  -1 to go on with cfg loaded, else the exit code (cfg
 * is then freed).
 */
static int
prepare(struct agent_config *cfg)
{
	char err[1024];

	if (load_config(cfg, err, sizeof(err)) == -1)
		return startup_error(NULL, err);
	if (setup_log(cfg, err, sizeof(err)) == -1)
		return startup_error(cfg, err);
	/* a state_dir that exists must be ours; a missing one is created.
	 * --check-config by another user (root checking the service's
	 * configuration right after a package installed it) only notes that
	 * the directory is its owner's. */
	if (statedir_check(cfg->state_dir, err, sizeof(err)) == -1 &&
	    errno != ENOENT) {
		if (!flags.check || errno != EACCES)
			return startup_error(cfg, err);
		fprintf(stderr,
		        "spoolwatch-agent: note: %s (a run as its owner, "
		        "like the packaged service, can use it)\n",
		        err);
	}
	warn_security(cfg);
	if (flags.check) {
		agent_config_print(stdout, cfg);
		if (cfg->server == NULL || !*cfg->server)
			fprintf(stderr, "spoolwatch-agent: note: no server "
			                "set; only --stdout can run\n");
		agent_config_free(cfg);
		return 0;
	}
	if (!flags.to_stdout && (cfg->server == NULL || !*cfg->server)) {
		snprintf(err, sizeof(err),
		         "no server configured: set server = URL in %s, or "
		         "give --server or --stdout",
		         flags.config);
		return startup_error(cfg, err);
	}
	return -1;
}

/* run_once - one cycle (--once); its exit code. */
static int
run_once(struct runner *r, const struct agent_config *cfg)
{
	int rc = 1;

	switch (runner_cycle(r)) {
	case RUN_DELIVERED:
	case RUN_QUEUED:
		rc = 0;
		break;
	case RUN_REJECTED:
	case RUN_FAILED:
		rc = 1;
		break;
	}
	if (runner_pending(r) > 0)
		log_warnx("%zu report(s) wait in %s/outbox for the "
		          "collector; the next run sends them",
		          runner_pending(r), cfg->state_dir);
	return rc;
}

/* run - the runner, once or as the daemon; the exit code. */
static int
run(struct agent_config *cfg)
{
	struct runner r;
	char err[1024];
	int rc = 1;

	daemon_block_signals();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_err("libcurl initialisation failed");
		agent_config_free(cfg);
		return 1;
	}
	if (runner_open(&r, cfg, flags.to_stdout, flags.commit, daemon_stopping,
	                err, sizeof(err)) == -1) {
		log_err("%s", err);
	} else {
		rc = flags.once ? run_once(&r, cfg)
		                : daemon_loop(&r, cfg, reload);
		runner_close(&r);
	}
	curl_global_cleanup();
	agent_config_free(cfg);
	return rc;
}

int
main(int argc, char **argv)
{
	struct agent_config cfg;
	int rc;

	if ((rc = parse_flags(argc, argv)) >= 0)
		return rc;
	/* everything the agent creates is its own: state, outbox, lock */
	umask(077);
#ifdef __GLIBC__
	/* a fixed threshold: glibc raises it to the size of each mapped
	 * buffer freed, so that the next transient buffer of a reader
	 * comes from the heap and stays there once freed (musl maps large
	 * buffers and returns them anyway) */
	mallopt(M_MMAP_THRESHOLD, AGENT_MMAP_THRESHOLD);
#endif
	log_init("spoolwatch-agent", 0, LOG_LVL_INFO);
	if ((rc = prepare(&cfg)) >= 0)
		return rc;
	return run(&cfg);
}
