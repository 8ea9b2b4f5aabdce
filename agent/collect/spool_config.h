/*
 * spool_config.h - the spool collector's part of agent.conf: thresholds
 * in [spool] and one [spool PATH] section per directory added, left out
 * or given its own policy.
 */
#ifndef SPOOLWATCH_SPOOL_CONFIG_H
#define SPOOLWATCH_SPOOL_CONFIG_H

#include <stddef.h>
#include <stdio.h>

struct cfg_file;

/* One [spool PATH] section. */
struct spool_override {
	char *path; /* the section's argument, a host path */
	unsigned line;
	char *role;        /* policy.h role name; NULL: keep / custom */
	char *owner;       /* expected owner; NULL: keep the default */
	char *group;       /* expected group */
	unsigned mode;     /* expected mode; 0: keep the default */
	char *user;        /* the MTA writes as this user */
	char *write_group; /* ... and/or this group */
	int check;         /* 0: leave this directory out */
};

struct spool_config {
	long long backlog_warning; /* queued messages */
	long long backlog_critical;
	long long stale_age; /* seconds */
	long long stale_age_critical;
	long long bloat_factor;   /* dir size / size its entries need */
	long long bloat_min_size; /* bytes */
	long long orphan_grace;   /* seconds */
	long long scan_budget;    /* seconds of stat for ages */
	long long scan_limit;     /* seconds before a scan stops */
	int default_spools;       /* the built-in layouts */

	struct spool_override *ov;
	size_t nov;
};

/* spool_config_load - defaults, then the keys this collector owns in cf
 * (NULL: defaults only).  0, or -1 with "FILE:LINE: why" in err. */
int spool_config_load(struct spool_config *cfg, struct cfg_file *cf, char *err,
                      size_t errlen);
void spool_config_print(FILE *fp, const struct spool_config *cfg);
void spool_config_free(struct spool_config *cfg);

#endif
