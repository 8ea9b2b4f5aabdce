/*
 * spool_findings.c - the spool.* findings (missing, not_writable_by_mta,
 * permissions, backlog, stale, bloated_dir, orphans), each with the shell
 * commands that fix it.  Reads only the report's spools[] and the
 * thresholds of [spool]; never the host.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/cycle.h"
#include "agent/diagnose/spool_findings.h"
#include "common/jsonutil.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

/* shq - a path quoted for a shell command when it needs it (xmalloc'd). */
static char *
shq(const char *s)
{
	struct strbuf sb;

	if (s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                "0123456789/._-+:@")] == '\0')
		return xstrdup(s);
	strbuf_init(&sb, 4 * strlen(s) + 3);
	strbuf_appendc(&sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_appends(&sb, "'\\''");
		else
			strbuf_appendc(&sb, *s);
	}
	strbuf_appendc(&sb, '\'');
	return strbuf_steal(&sb);
}

/* fix_cmd - the chown/chmod that gives qpath its expected policy, or "". */
static char *
fix_cmd(json_t *exp, const char *qpath)
{
	const char *owner = jsonutil_str(exp, "owner", NULL),
	           *group = jsonutil_str(exp, "group", NULL);
	const char *mode = jsonutil_str(exp, "mode", NULL);
	char *own, *out;

	if (owner && group)
		own = xasprintf("chown %s:%s %s", owner, group, qpath);
	else if (owner)
		own = xasprintf("chown %s %s", owner, qpath);
	else if (group)
		own = xasprintf("chgrp %s %s", group, qpath);
	else
		own = xstrdup("");
	if (mode == NULL)
		return own;
	out = xasprintf("%s%schmod %s %s", own, own[0] ? " && " : "", mode,
	                qpath);
	free(own);
	return out;
}

/* flush_cmd - how to look at and push a queue. */
static char *
flush_cmd(const char *role, const char *qpath)
{
	if (strcmp(role, "msp_queue") == 0)
		return xstrdup("mailq -Ac && sendmail -Ac -q -v");
	if (strcmp(role, "mta_queue") == 0)
		return xasprintf("mailq -O QueueDirectory=%s && "
		                 "sendmail -q -v -O QueueDirectory=%s",
		                 qpath, qpath);
	if (strncmp(role, "postfix_", 8) == 0)
		return xstrdup("postqueue -p && postqueue -f");
	if (strcmp(role, "exim_input") == 0)
		return xstrdup("exim -bp | exiqsumm && exim -qf");
	return xasprintf("ls -lt %s | tail", qpath);
}

static void
finding_missing(struct cycle *c, json_t *s, const char *path, const char *role,
                int isqueue, const char *q, const char *fix)
{
	json_t *exp = json_object_get(s, "expected");
	const char *type = jsonutil_str(s, "type", NULL);
	char *cmd;

	if (!json_is_true(json_object_get(s, "exists"))) {
		cmd =
		    xasprintf("mkdir -p %s%s%s", q, fix[0] ? " && " : "", fix);
		cycle_finding(
		    c, "spool.missing", isqueue ? "critical" : "warning", path,
		    json_pack("{s:s, s:O}", "role", role, "expected", exp), cmd,
		    "%s (%s) does not exist: the MTA cannot queue or deliver "
		    "there",
		    path, role);
	} else {
		cmd = xasprintf("mv %s %s.not-a-directory && mkdir %s%s%s", q,
		                q, q, fix[0] ? " && " : "", fix);
		cycle_finding(
		    c, "spool.missing", "critical", path,
		    json_pack("{s:s, s:s}", "role", role, "type",
		              type ? type : "other"),
		    cmd, "%s is a %s, not a directory: the MTA cannot use it",
		    path, type ? type : "non-directory");
	}
	free(cmd);
}

static void
finding_access(struct cycle *c, json_t *s, const char *path, const char *q,
               const char *fix)
{
	json_t *exp = json_object_get(s, "expected");
	json_t *w = json_object_get(s, "writer");
	const char *wu = jsonutil_str(w, "user", NULL),
	           *wg = jsonutil_str(w, "group", NULL);
	const char *owner = jsonutil_str(s, "owner", "?");
	const char *group = jsonutil_str(s, "group", "?");
	char *alt = NULL;

	if (json_is_false(json_object_get(s, "writable_by_mta"))) {
		/* without an expected policy: the bit the writer lacks */
		if (fix[0] == '\0')
			alt = xasprintf("chmod %s %s", wu ? "u+wx" : "g+wx", q);
		cycle_finding(
		    c, "spool.not_writable_by_mta", "critical", path,
		    json_pack("{s:s?, s:s?, s:O, s:O, s:O, s:s?, s:s?, s:O}",
		              "owner", jsonutil_str(s, "owner", NULL), "group",
		              jsonutil_str(s, "group", NULL), "uid",
		              json_object_get(s, "uid"), "gid",
		              json_object_get(s, "gid"), "mode",
		              json_object_get(s, "mode"), "writer_user", wu,
		              "writer_group", wg, "expected", exp),
		    alt ? alt : fix,
		    "%s is %s:%s %s: %s%s%s cannot create queue files there "
		    "(Permission denied)",
		    path, owner, group, jsonutil_str(s, "mode", "?"),
		    wu ? wu : "", wu && wg ? ":" : "", wg ? wg : "");
		free(alt);
	}
	if (json_is_false(json_object_get(s, "policy_ok")) && fix[0]) {
		cycle_finding(c, "spool.permissions", "warning", path,
		              json_pack("{s:s?, s:s?, s:O, s:O, s:O, s:O}",
		                        "owner", jsonutil_str(s, "owner", NULL),
		                        "group", jsonutil_str(s, "group", NULL),
		                        "uid", json_object_get(s, "uid"), "gid",
		                        json_object_get(s, "gid"), "mode",
		                        json_object_get(s, "mode"), "expected",
		                        exp),
		              fix, "%s is %s:%s %s, expected %s:%s %s", path,
		              owner, group, jsonutil_str(s, "mode", "?"),
		              jsonutil_str(exp, "owner", "*"),
		              jsonutil_str(exp, "group", "*"),
		              jsonutil_str(exp, "mode", "*"));
	}
}

static void
finding_queue(struct cycle *c, const struct spool_config *cfg, json_t *s,
              const char *path, const char *role, const char *q)
{
	long long queued = jsonutil_int(s, "queued", 0);
	long long age = jsonutil_int(s, "oldest_age_s", -1);
	char *cmd;

	if (queued >= cfg->backlog_warning) {
		cmd = flush_cmd(role, q);
		cycle_finding(
		    c, "spool.backlog",
		    queued >= cfg->backlog_critical ? "critical" : "warning",
		    path,
		    json_pack("{s:I, s:I, s:I}", "queued", (json_int_t)queued,
		              "warning", (json_int_t)cfg->backlog_warning,
		              "critical", (json_int_t)cfg->backlog_critical),
		    cmd, "%lld messages wait in %s (threshold %lld)", queued,
		    path, cfg->backlog_warning);
		free(cmd);
	}
	if (age >= cfg->stale_age) {
		cmd = flush_cmd(role, q);
		cycle_finding(
		    c, "spool.stale",
		    age >= cfg->stale_age_critical ? "critical" : "warning",
		    path,
		    json_pack("{s:I, s:I, s:I, s:O}", "oldest_age_s",
		              (json_int_t)age, "threshold_s",
		              (json_int_t)cfg->stale_age, "queued",
		              (json_int_t)queued, "lower_bound",
		              json_object_get(json_object_get(s, "scan"),
		                              "age_lower_bound")),
		    cmd,
		    "the oldest message in %s has waited %lld d %lld h "
		    "(threshold %lld h)",
		    path, age / 86400, age % 86400 / 3600,
		    cfg->stale_age / 3600);
		free(cmd);
	}
}

static void
finding_bloat(struct cycle *c, const struct spool_config *cfg, json_t *s,
              const char *path, const char *role, const char *q)
{
	json_t *exp = json_object_get(s, "expected");
	long long size = jsonutil_int(s, "dir_size_bytes", 0);
	long long needed = jsonutil_int(s, "dir_needed_bytes", 0);
	long long entries = jsonutil_int(s, "entries", 0);
	char *tmp, *qn, *qo, *fix, *cmd;

	if (needed <= 0 || size < cfg->bloat_min_size ||
	    size <= cfg->bloat_factor * needed ||
	    !json_is_true(
	        json_object_get(json_object_get(s, "scan"), "complete")))
		return;
	tmp = xasprintf("%s.new", path);
	qn = shq(tmp);
	free(tmp);
	tmp = xasprintf("%s.old", path);
	qo = shq(tmp);
	free(tmp);
	fix = fix_cmd(exp, qn);
	cmd = xasprintf(
	    "stop the %s, then: mkdir %s%s%s && find %s "
	    "-mindepth 1 -maxdepth 1 -exec mv -t %s {} + && mv %s %s && "
	    "mv %s %s && rmdir %s",
	    strncmp(role, "postfix", 7) == 0 ? "postfix"
	    : strcmp(role, "msp_queue") == 0 ? "MSP queue runner"
	                                     : "MTA",
	    qn, fix[0] ? " && " : "", fix, q, qn, q, qo, qn, q, qo);
	cycle_finding(
	    c, "spool.bloated_dir", "warning", path,
	    json_pack("{s:I, s:I, s:I, s:I}", "dir_size_bytes",
	              (json_int_t)size, "needed_bytes", (json_int_t)needed,
	              "entries", (json_int_t)entries, "factor",
	              (json_int_t)cfg->bloat_factor),
	    cmd,
	    "the directory %s is %lld KiB for %lld entries that need %lld "
	    "KiB: every lookup reads it all, and it never shrinks",
	    path, size / 1024, entries, needed / 1024);
	free(cmd);
	free(fix);
	free(qn);
	free(qo);
}

/* finding_orphans - spool.orphans: sendmail df files without their qf;
 * in Exim's input/ (Exim writes -D first, -H when the message is whole)
 * -D files without -H, receptions that died, and -H files without -D. */
static void
finding_orphans(struct cycle *c, json_t *s, const char *path, const char *q)
{
	long long n = jsonutil_int(s, "orphans", 0);
	int exim = strcmp(jsonutil_str(s, "role", ""), "exim_input") == 0;
	char *cmd;

	if (n <= 0)
		return;
	if (exim)
		cmd = xasprintf(
		    "cd %s && mkdir -p /var/tmp/spoolwatch-orphans && "
		    "find . -name '*-D' | while read -r f; do "
		    "[ -e \"${f%%-D}-H\" ] || mv -- \"$f\" "
		    "/var/tmp/spoolwatch-orphans/; done",
		    q);
	else
		cmd = xasprintf(
		    "cd %s && mkdir -p /var/tmp/spoolwatch-orphans && "
		    "for f in df*; do id=${f#df}; [ -e \"qf$id\" ] || "
		    "[ -e \"hf$id\" ] || [ -e \"Qf$id\" ] || mv -- "
		    "\"$f\" /var/tmp/spoolwatch-orphans/; done",
		    q);
	cycle_finding(
	    c, "spool.orphans", "warning", path,
	    json_pack("{s:I, s:O, s:O}", "orphans", (json_int_t)n, "exact",
	              json_object_get(s, "orphans_exact"), "by_prefix",
	              json_object_get(s, "by_prefix")),
	    cmd, "%s%lld %s in %s %s",
	    json_is_false(json_object_get(s, "orphans_exact")) ? "at least "
	                                                       : "",
	    n, exim ? "Exim spool files" : "data files (df)", path,
	    exim ? "have no partner (-D without -H: receptions that did not "
	           "finish; -H without -D)"
	         : "have no control file (qf): left by failed submissions");
	free(cmd);
}

static void
one_spool(struct cycle *c, const struct spool_config *cfg, json_t *s)
{
	const char *path = jsonutil_str(s, "path", NULL),
	           *role = jsonutil_str(s, "role", NULL);
	char *q, *fix;
	int isqueue;

	if (path == NULL || role == NULL)
		return;
	/* could not look at it: that is an errors[] entry, not a finding */
	if (json_object_get(s, "error") != NULL)
		return;
	isqueue = strcmp(role, "mailbox") != 0 && strcmp(role, "custom") != 0 &&
	          strcmp(role, "exim_spool") != 0 &&
	          strcmp(role, "exim_msglog") != 0;
	q = shq(path);
	fix = fix_cmd(json_object_get(s, "expected"), q);
	if (!json_is_true(json_object_get(s, "exists")) ||
	    strcmp(jsonutil_str(s, "type", ""), "directory") != 0) {
		finding_missing(c, s, path, role, isqueue, q, fix);
	} else {
		finding_access(c, s, path, q, fix);
		if (isqueue || strcmp(role, "custom") == 0)
			finding_queue(c, cfg, s, path, role, q);
		finding_bloat(c, cfg, s, path, role, q);
		finding_orphans(c, s, path, q);
	}
	free(fix);
	free(q);
}

void
spool_findings(struct cycle *c, const struct spool_config *cfg)
{
	json_t *spools = json_object_get(c->report, "spools"), *s;
	size_t i;

	json_array_foreach(spools, i, s) one_spool(c, cfg, s);
}
