/*
 * main.c - spoolwatch-collector: flags, configuration, start-up and the
 * graceful shutdown on SIGTERM/SIGINT (stop accepting, let the writer
 * commit what it holds, answer the waiting agents, then close).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/collector_config.h"
#include "collector/store/db.h"
#include "collector/store/db_password.h"
#include "collector/http/http.h"
#include "collector/limits.h"
#include "collector/notify/notifier.h"
#include "collector/store/writer.h"
#include "common/log.h"
#include "common/xalloc.h"

static void
usage(FILE *fp)
{
	fprintf(
	    fp,
	    "usage: spoolwatch-collector [options]\n"
	    "\n"
	    "  --config FILE      configuration (default " COLLECTOR_DEF_CONFIG
	    ";\n"
	    "                     a missing default file is fine)\n"
	    "  --listen ADDR:PORT listen address (default " COLLECTOR_DEF_LISTEN
	    ")\n"
	    "  --db FILE|URL      SQLite database file (default " COLLECTOR_DEF_DB
	    "),\n"
	    "                     or postgresql://... (postgres://...): "
	    "PostgreSQL\n"
	    "  --insecure         allow a non-loopback listen without "
	    "ingest tokens\n"
	    "  --version          print the version\n"
	    "  --help             this text\n"
	    "\n"
	    "Exit status: 0 after a clean shutdown (SIGTERM, SIGINT), 1 on a "
	    "runtime\nfailure, 2 on a usage or configuration error.\n");
}

/* The command line: what it overrides in the configuration. */
struct flags {
	const char *config, *listen, *db;
	int insecure;
};

/* parse_flags - argv into fl; -1 to exit with *code (0 after --help and
 * --version, 2 on a usage error). */
static int
parse_flags(int argc, char **argv, struct flags *fl, int *code)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"listen", required_argument, NULL, 'l'},
	    {"db", required_argument, NULL, 'd'},
	    {"insecure", no_argument, NULL, 'i'},
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(fl, 0, sizeof(*fl));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			fl->config = optarg;
			break;
		case 'l':
			fl->listen = optarg;
			break;
		case 'd':
			fl->db = optarg;
			break;
		case 'i':
			fl->insecure = 1;
			break;
		case 'V':
			printf("spoolwatch-collector %s\n", SPOOLWATCH_VERSION);
#ifdef SPOOLWATCH_BUNDLED /* make static */
			printf("static x86_64 build, bundling: %s\n",
			       SPOOLWATCH_BUNDLED);
#endif
			*code = 0;
			return -1;
		case 'h':
			usage(stdout);
			*code = 0;
			return -1;
		default:
			usage(stderr);
			*code = 2;
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr,
		        "spoolwatch-collector: unexpected argument "
		        "'%s'\n",
		        argv[optind]);
		usage(stderr);
		*code = 2;
		return -1;
	}
	return 0;
}

/* load_config - the configuration file, then the flags over it, then the
 * checks; -1 with err. */
static int
load_config(struct collector_config *cfg, const struct flags *fl, char *err,
            size_t errlen)
{
	if (collector_config_load(cfg, fl->config, err, errlen) == -1)
		return -1;
	if (fl->listen) {
		free(cfg->listen);
		cfg->listen = xstrdup(fl->listen);
	}
	if (fl->db) {
		free(cfg->db);
		cfg->db = xstrdup(fl->db);
	}
	cfg->insecure = fl->insecure;
	if (collector_config_check(cfg, err, errlen) == -1) {
		collector_config_free(cfg);
		return -1;
	}
	return 0;
}

/* start_writer - the writer thread on cfg's database. */
static struct writer *
start_writer(const struct collector_config *cfg, char *err, size_t errlen)
{
	struct writer_params wp;

	memset(&wp, 0, sizeof(wp));
	wp.db_path = cfg->db;
	wp.synchronous = cfg->synchronous;
	wp.cache_size = cfg->cache_size;
	wp.wal_max = cfg->wal_max;
	wp.queue_max = (long)cfg->queue_max;
	wp.batch_max = (long)cfg->batch_max;
	wp.retention_days = cfg->retention_days;
	return writer_start(&wp, err, errlen);
}

/* set_password - db_password_file's password for every connection. */
static int
set_password(const struct collector_config *cfg, char *err, size_t errlen)
{
	char *pw;

	if (cfg->db_password_file == NULL || *cfg->db_password_file == '\0')
		return 0;
	if (db_password_read(cfg->db_password_file, &pw, err, errlen) == -1)
		return -1;
	db_set_password(pw);
	memset(pw, 0, strlen(pw));
	free(pw);
	return 0;
}

/* wait_signal - block until SIGTERM or SIGINT (SIGHUP is logged and
 * ignored); set holds the three, blocked. */
static int
wait_signal(const sigset_t *set)
{
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("SIGHUP ignored: restart to reload the "
			         "configuration");
			continue;
		}
		return sig;
	}
}

int
main(int argc, char **argv)
{
	struct collector_config cfg;
	struct flags fl;
	struct writer *w;
	struct http_server *hs;
	struct notifier *nt = NULL;
	int code, sig;
	char err[1024], shown[1024];
	enum log_level lvl;
	sigset_t set;

	if (parse_flags(argc, argv, &fl, &code) == -1)
		return code;
	log_init("spoolwatch-collector", 0, LOG_LVL_INFO);
	if (load_config(&cfg, &fl, err, sizeof(err)) == -1) {
		fprintf(stderr, "spoolwatch-collector: %s\n", err);
		return 2;
	}
	if (log_level_parse(cfg.log_level, &lvl) == 0)
		log_set_level(lvl);

	/* Signals go to this thread only (sigwait below). */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	db_global_init();
	sql_redact(cfg.db, shown, sizeof(shown));
	if (set_password(&cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "spoolwatch-collector: %s\n", err);
		collector_config_free(&cfg);
		return 2;
	}
	if ((w = start_writer(&cfg, err, sizeof(err))) == NULL) {
		log_warnx("database %s: %s", shown, err);
		collector_config_free(&cfg);
		return 1;
	}
	db_reader_init(cfg.read_db && *cfg.read_db ? cfg.read_db : cfg.db);
	if ((hs = http_start(&cfg, w, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		writer_free(w);
		db_readers_close();
		collector_config_free(&cfg);
		return 1;
	}
	if (notify_config_enabled(&cfg.notify) &&
	    (nt = notifier_start(&cfg.notify, cfg.db, err, sizeof(err))) ==
	        NULL) {
		log_warnx("%s", err);
		http_stop(hs);
		writer_free(w);
		db_readers_close();
		collector_config_free(&cfg);
		return 1;
	}
	log_info("listening on %s%s, database %s", cfg.listen,
	         cfg.tls_cert ? " (HTTPS)" : "", shown);

	sig = wait_signal(&set);
	log_info("signal %d: shutting down", sig);
	http_quiesce(hs);
	notifier_stop(nt); /* a delivery in flight stays queued */
	writer_stop(w); /* commits what it holds, resumes agents */
	http_wait_idle(hs, SHUTDOWN_DRAIN_MS);
	http_stop(hs);
	writer_free(w);
	db_readers_close();
	db_set_password(NULL);
	collector_config_free(&cfg);
	log_info("stopped");
	return 0;
}
