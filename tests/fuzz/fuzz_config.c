/*
 * fuzz_config.c - the config parser, the typed tables and both programs'
 * real configuration loaders on any bytes.
 *
 * Each input is parsed with cfg_parse(), applied to a local table with
 * one key of every type in every section, checked for unused keys and
 * printed; then it is handed, as a file (a memfd seen through
 * /proc/self/fd), to agent_config_load() and collector_config_load(), so
 * every collector's own table and the cross-key checks run on it too.
 * Nothing may crash, leak or read out of bounds; errors must name a file.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent/agent_config.h"
#include "collector/collector_config.h"
#include "common/config.h"
#include "common/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

struct every {
	char *str;
	long long num;
	int flag;
	long long dur;
	long long size;
	unsigned mode;
	struct cfg_list list;
	double pct;
	char *token;
	long long unbounded;
};

#define OFF(f) offsetof(struct every, f)

static const struct cfg_def every_defs[] = {
    {"str", CFG_STR, "x", OFF(str), 0, 0, "a string"},
    {"num", CFG_INT, "5", OFF(num), -100, 100, NULL},
    {"flag", CFG_BOOL, "no", OFF(flag), 0, 0, NULL},
    {"dur", CFG_DURATION, "60", OFF(dur), 1, 86400, NULL},
    {"size", CFG_SIZE, "4k", OFF(size), 0, 1LL << 40, NULL},
    {"mode", CFG_MODE, "0770", OFF(mode), 0, 0, NULL},
    {"list", CFG_LIST, "a b", OFF(list), 0, 0, NULL},
    {"pct", CFG_PERCENT, "90", OFF(pct), 0, 0, NULL},
    {"token", CFG_STR, NULL, OFF(token), 0, 0, NULL},
    {"unbounded", CFG_INT, NULL, OFF(unbounded), 0, 0, NULL},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	log_init("fuzz_config", 0, LOG_LVL_ERR + 1);
	return 0;
}

/* tables - the parsed file through a table of every type. */
static void
tables(const uint8_t *data, size_t size)
{
	char err[512];
	struct cfg_file *cf;

	cf = cfg_parse("fuzz.conf", (const char *)data, size, err, sizeof(err));
	if (cf == NULL) {
		if (strncmp(err, "fuzz.conf:", 10) != 0)
			abort();	/* every error names the file */
		return;
	}
	for (size_t i = 0; i < cfg_section_count(cf); i++) {
		const struct cfg_section *s = cfg_section_at(cf, i);
		struct every e;

		if (s == NULL || s->name == NULL || s->arg == NULL)
			abort();
		(void)cfg_section_find(cf, s->name, s->arg);
		cfg_defaults(every_defs, &e);
		if (cfg_apply(cf, i, every_defs, &e, err, sizeof(err)) == -1 &&
		    strncmp(err, "fuzz.conf:", 10) != 0)
			abort();
		if (e.mode > 07777 || e.pct < 0 || e.pct > 100 ||
		    e.dur < 1 || e.dur > 86400)
			abort();	/* bounds hold whatever was applied */
		cfg_print(devnull, every_defs, &e);
		cfg_free_values(every_defs, &e);
	}
	(void)cfg_check_unused(cf, err, sizeof(err));
	cfg_free(cf);
}

/* loaders - the agent's and the collector's real loaders on the bytes. */
static void
loaders(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	struct agent_config ac;
	struct collector_config cc;
	int fd;

	fd = memfd_create("fuzz.conf", MFD_CLOEXEC);
	if (fd == -1)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	if (agent_config_load(&ac, path, 1, err, sizeof(err)) == 0)
		agent_config_print(devnull, &ac);
	agent_config_free(&ac);

	memset(&cc, 0, sizeof(cc));
	if (collector_config_load(&cc, path, err, sizeof(err)) == 0)
		(void)collector_config_check(&cc, err, sizeof(err));
	collector_config_free(&cc);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tables(data, size);
	loaders(data, size);
	return 0;
}
