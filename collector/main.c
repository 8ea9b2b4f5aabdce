/*
 * main.c - spoolwatch-collector: flags and configuration.  The server
 * itself is built by the collector issue.
 */
#include <getopt.h>
#include <stdio.h>

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: spoolwatch-collector [options]\n"
	    "\n"
	    "  --config FILE      configuration (default "
	    "/etc/spoolwatch/collector.conf)\n"
	    "  --listen ADDR:PORT listen address (default 127.0.0.1:8470)\n"
	    "  --db FILE          SQLite database (default ./spoolwatch.db)\n"
	    "  --insecure         allow a non-loopback listen without tokens\n"
	    "  --version          print the version\n"
	    "  --help             this text\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'V':
			printf("spoolwatch-collector %s\n", SPOOLWATCH_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	usage(stderr);
	return 2;
}
