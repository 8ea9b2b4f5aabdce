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
#include "collector/db.h"
#include "collector/http.h"
#include "collector/writer.h"
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
	    "  --db FILE          SQLite database (default " COLLECTOR_DEF_DB
	    ")\n"
	    "  --insecure         allow a non-loopback listen without "
	    "ingest tokens\n"
	    "  --version          print the version\n"
	    "  --help             this text\n"
	    "\n"
	    "Exit status: 0 after a clean shutdown (SIGTERM, SIGINT), 1 on a "
	    "runtime\nfailure, 2 on a usage or configuration error.\n");
}

int
main(int argc, char **argv)
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
	struct collector_config cfg;
	struct writer_params wp;
	struct writer *w;
	struct http_server *hs;
	const char *config = NULL, *listen = NULL, *dbpath = NULL;
	int insecure = 0, c, sig;
	char err[1024];
	enum log_level lvl;
	sigset_t set;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'd':
			dbpath = optarg;
			break;
		case 'i':
			insecure = 1;
			break;
		case 'V':
			printf("spoolwatch-collector %s\n", SPOOLWATCH_VERSION);
#ifdef SPOOLWATCH_BUNDLED /* make static */
			printf("static x86_64 build, bundling: %s\n",
			       SPOOLWATCH_BUNDLED);
#endif
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr,
		        "spoolwatch-collector: unexpected argument "
		        "'%s'\n",
		        argv[optind]);
		usage(stderr);
		return 2;
	}
	log_init("spoolwatch-collector", 0, LOG_LVL_INFO);
	if (collector_config_load(&cfg, config, err, sizeof(err)) == -1) {
		fprintf(stderr, "spoolwatch-collector: %s\n", err);
		return 2;
	}
	if (listen) {
		free(cfg.listen);
		cfg.listen = xstrdup(listen);
	}
	if (dbpath) {
		free(cfg.db);
		cfg.db = xstrdup(dbpath);
	}
	cfg.insecure = insecure;
	if (collector_config_check(&cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "spoolwatch-collector: %s\n", err);
		collector_config_free(&cfg);
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
	memset(&wp, 0, sizeof(wp));
	wp.db_path = cfg.db;
	wp.synchronous = cfg.synchronous;
	wp.cache_size = cfg.cache_size;
	wp.queue_max = (long)cfg.queue_max;
	wp.batch_max = (long)cfg.batch_max;
	wp.retention_days = cfg.retention_days;
	if ((w = writer_start(&wp, err, sizeof(err))) == NULL) {
		log_warnx("database %s: %s", cfg.db, err);
		collector_config_free(&cfg);
		return 1;
	}
	db_reader_init(cfg.db);
	if ((hs = http_start(&cfg, w, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		writer_free(w);
		db_readers_close();
		collector_config_free(&cfg);
		return 1;
	}
	log_info("listening on %s%s, database %s", cfg.listen,
	         cfg.tls_cert ? " (HTTPS)" : "", cfg.db);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("SIGHUP ignored: restart to reload the "
			         "configuration");
			continue;
		}
		break;
	}
	log_info("signal %d: shutting down", sig);
	http_quiesce(hs);
	writer_stop(w); /* commits what it holds, resumes agents */
	http_wait_idle(hs, 5000);
	http_stop(hs);
	writer_free(w);
	db_readers_close();
	collector_config_free(&cfg);
	log_info("stopped");
	return 0;
}
