/*
 * inodes_config.c - the [inodes] section of agent.conf: thresholds,
 * network filesystems, what to ignore (see inodes_config.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "agent/collect/inodes_config.h"
#include "common/config.h"

#define OFF(f) offsetof(struct inodes_config, f)
static const struct cfg_def inodes_defs[] = {
    {"warning", CFG_PERCENT, "85", OFF(warning), 0, 0,
     "inode use (%) for fs.inodes_high warning"},
    {"critical", CFG_PERCENT, "95", OFF(critical), 0, 0,
     "inode use (%) for fs.inodes_high critical"},
    {"check_network", CFG_BOOL, "no", OFF(check_network), 0, 0,
     "measure NFS/CIFS/... mounts too (in a child, with a timeout)"},
    {"statvfs_timeout", CFG_DURATION, "5", OFF(statvfs_timeout), 1, 300,
     "seconds a network filesystem may take to answer"},
    {"ignore_fstypes", CFG_LIST, "squashfs, iso9660, udf, erofs",
     OFF(ignore_fstypes), 0, 0,
     "filesystem types never reported (read-only images are always full)"},
    {"ignore_mounts", CFG_LIST, NULL, OFF(ignore_mounts), 0, 0,
     "mount points never reported"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};
#undef OFF

int
inodes_config_load(struct inodes_config *cfg, struct cfg_file *cf, char *err,
                   size_t errlen)
{
	long i;

	memset(cfg, 0, sizeof(*cfg));
	cfg_defaults(inodes_defs, cfg);
	if (cf != NULL && (i = cfg_section_find(cf, "inodes", "")) >= 0 &&
	    cfg_apply(cf, (size_t)i, inodes_defs, cfg, err, errlen) == -1)
		return -1;
	if (cfg->critical < cfg->warning) {
		snprintf(err, errlen, "%s: [inodes] critical is below warning",
		         cf ? cfg_name(cf) : "agent.conf");
		return -1;
	}
	return 0;
}

void
inodes_config_print(FILE *fp, const struct inodes_config *cfg)
{
	fprintf(fp, "\n[inodes]\n");
	cfg_print(fp, inodes_defs, cfg);
}

void
inodes_config_free(struct inodes_config *cfg)
{
	cfg_free_values(inodes_defs, cfg);
}
