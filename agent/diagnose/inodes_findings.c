/*
 * inodes_findings.c - fs.inodes_high per filesystem of filesystems[]
 * whose inode use reaches [inodes] warning, naming the spools[] it
 * holds.  Reads only the report and the thresholds.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/cycle.h"
#include "agent/diagnose/inodes_findings.h"
#include "agent/probe/mounts.h"
#include "common/xalloc.h"

/* spools_on - the spool paths whose longest mount prefix is mount. */
static json_t *
spools_on(struct cycle *c, const char *mount)
{
	json_t *fss = json_object_get(c->report, "filesystems");
	json_t *spools = json_object_get(c->report, "spools"), *s, *f, *out;
	size_t i, j;

	out = json_array();
	json_array_foreach(spools, i, s)
	{
		const char *p = json_string_value(json_object_get(s, "path"));
		const char *best = NULL;

		if (p == NULL)
			continue;
		json_array_foreach(fss, j, f)
		{
			const char *m =
			    json_string_value(json_object_get(f, "mount"));

			if (m != NULL && mounts_contains(m, p) &&
			    (best == NULL || strlen(m) > strlen(best)))
				best = m;
		}
		if (best != NULL && strcmp(best, mount) == 0)
			json_array_append_new(out, json_string(p));
	}
	return out;
}

void
inodes_findings(struct cycle *c, const struct inodes_config *cfg)
{
	json_t *fss = json_object_get(c->report, "filesystems"), *f;
	size_t i;

	json_array_foreach(fss, i, f)
	{
		const char *mount =
		    json_string_value(json_object_get(f, "mount"));
		json_t *pct = json_object_get(f, "inodes_used_pct");
		json_int_t p, used, total;
		char *remedy;

		if (mount == NULL || !json_is_integer(pct))
			continue;
		p = json_integer_value(pct);
		if ((double)p < cfg->warning)
			continue;
		used = json_integer_value(json_object_get(f, "inodes_used"));
		total = json_integer_value(json_object_get(f, "inodes_total"));
		remedy = xasprintf(
		    "find %s -xdev -printf '%%h\\n' | sort | "
		    "uniq -c | sort -rn | head -20   # the directories holding "
		    "the most inodes; remove what is not needed",
		    mount);
		cycle_finding(
		    c, "fs.inodes_high",
		    (double)p >= cfg->critical ? "critical" : "warning", mount,
		    json_pack(
		        "{s:I, s:I, s:I, s:I, s:f, s:f, s:s, s:o}",
		        "inodes_used_pct", p, "inodes_used", used,
		        "inodes_total", total, "inodes_free",
		        json_integer_value(json_object_get(f, "inodes_free")),
		        "warning", cfg->warning, "critical", cfg->critical,
		        "fstype",
		        json_string_value(json_object_get(f, "fstype")),
		        "spools", spools_on(c, mount)),
		    remedy,
		    "%s uses %lld%% of its inodes (%lld of %lld): new files, "
		    "queue files included, will fail with \"No space left on "
		    "device\"",
		    mount, (long long)p, (long long)used, (long long)total);
		free(remedy);
	}
}
