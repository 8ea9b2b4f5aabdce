/*
 * logs_findings.c - log.syserr: the SYSERR groups of event_groups[],
 * gathered by the spool (or log file) they implicate and tied to the
 * spool collector's finding on that spool when there is one.  Reads the
 * report and the cycle's accounts; the only host look-up left is which
 * MSP queue directory a host without spools[] uses.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "agent/probe/accounts.h"
#include "agent/cycle.h"
#include "agent/diagnose/logs_findings.h"
#include "common/fsutil.h"

/* user_name - the account name of uid in the cycle's accounts, or "". */
static const char *
user_name(struct cycle *c, long uid)
{
	const struct account_user *u;

	if (uid < 0 || (unsigned long)uid >= UINT32_MAX || c->accounts == NULL)
		return "";
	u = accounts_user_by_uid(c->accounts, (uid_t)uid);
	return u ? u->name : "";
}

/* spool_by_role - the spools[] path with that role (an existing one
 * first), else the usual path for it under the root. */
static void
spool_by_role(struct cycle *c, const char *role, char *out, size_t n)
{
	json_t *spools = json_object_get(c->report, "spools"), *s;
	const char *fallback = NULL;
	size_t i;

	json_array_foreach(spools, i, s)
	{
		const char *r = json_string_value(json_object_get(s, "role"));
		const char *p = json_string_value(json_object_get(s, "path"));
		if (r == NULL || p == NULL || strcmp(r, role) != 0)
			continue;
		if (json_is_true(json_object_get(s, "exists"))) {
			snprintf(out, n, "%s", p);
			return;
		}
		if (fallback == NULL)
			fallback = p;
	}
	if (fallback) {
		snprintf(out, n, "%s", fallback);
		return;
	}
	if (strcmp(role, "msp_queue") == 0) {
		char fs[PATH_MAX];
		struct stat sb;
		if (root_path(fs, sizeof(fs), c->root,
		              "/var/spool/mqueue-client") == 0 &&
		    stat(fs, &sb) == 0)
			snprintf(out, n, "/var/spool/mqueue-client");
		else
			snprintf(out, n, "/var/spool/clientmqueue");
	} else {
		snprintf(out, n, "/var/spool/mqueue");
	}
}

/* spool_of_path - the spools[] entry path that holds an absolute path. */
static int
spool_of_path(struct cycle *c, const char *path, char *out, size_t n)
{
	json_t *spools = json_object_get(c->report, "spools"), *s;
	size_t i;

	json_array_foreach(spools, i, s)
	{
		const char *p = json_string_value(json_object_get(s, "path"));
		size_t l = p ? strlen(p) : 0;
		while (l > 1 && p[l - 1] == '/')
			l--;
		if (l && strncmp(path, p, l) == 0 &&
		    (path[l] == '\0' || path[l] == '/')) {
			snprintf(out, n, "%.*s", (int)l, p);
			return 0;
		}
	}
	if (strncmp(path, "/var/spool/", 11) == 0) {
		/* the queue directory itself: /var/spool/<name> */
		size_t l = 11 + strcspn(path + 11, "/");
		snprintf(out, n, "%.*s", (int)l, path);
		return 0;
	}
	return -1;
}

/*
 * implicated - the subject of a SYSERR group: the spool its path lies in
 * ("./dfID" is relative to the queue directory of the process: the MSP's
 * when it ran as smmsp or as sm-msp-queue, the MTA's otherwise), else the
 * first log file it came from.  *role gets the queue role or "".
 */
static void
implicated(struct cycle *c, json_t *g, char *out, size_t n, const char **role)
{
	const char *path = json_string_value(json_object_get(g, "path"));
	const char *prog = json_string_value(json_object_get(g, "program"));
	json_t *srcs = json_object_get(g, "sources");
	const char *name;
	long uid = -1;

	*role = "";
	if (path && path[0] == '/' && spool_of_path(c, path, out, n) == 0)
		return;
	if (json_is_integer(json_object_get(g, "euid")))
		uid = (long)json_integer_value(json_object_get(g, "euid"));
	else if (json_is_integer(json_object_get(g, "uid")))
		uid = (long)json_integer_value(json_object_get(g, "uid"));
	if (path && path[0] == '.' && path[1] == '/' &&
	    (uid >= 0 || (prog && strcmp(prog, "sm-msp-queue") == 0))) {
		/* the MTA runs as root (Debian: smmta; mailnull with
		 * RunAsUser); a command-line submission that is not root
		 * runs as the MSP, smmsp */
		name = user_name(c, uid);
		if (strcmp(name, "smmsp") == 0 ||
		    (prog && strcmp(prog, "sm-msp-queue") == 0) ||
		    (name[0] == '\0' && uid > 0) ||
		    (name[0] != '\0' && strcmp(name, "root") != 0 &&
		     strcmp(name, "smmta") != 0 &&
		     strcmp(name, "mailnull") != 0))
			*role = "msp_queue";
		else
			*role = "mta_queue";
		spool_by_role(c, *role, out, n);
		return;
	}
	snprintf(out, n, "%s",
	         json_string_value(json_array_get(srcs, 0))
	             ? json_string_value(json_array_get(srcs, 0))
	             : "syslog");
}

/* str_of - a JSON string's text, "" for anything else */
static const char *
str_of(json_t *j)
{
	const char *s = json_string_value(j);
	return s ? s : "";
}

/* summary_for - the summary of subject in subjects, new if need be:
 * {count, signatures[], sources[], role, denied, last_ts}. */
static json_t *
summary_for(json_t *subjects, const char *subject, const char *role, json_t *g)
{
	json_t *sum = json_object_get(subjects, subject);

	if (sum == NULL) {
		sum = json_pack("{s:I, s:[], s:[], s:s, s:b, s:O}", "count",
		                (json_int_t)0, "signatures", "sources", "role",
		                role, "denied", 0, "last_ts",
		                json_object_get(g, "last_ts"));
		json_object_set_new(subjects, subject, sum);
	}
	return sum;
}

/* add_sources - the group's sources[] not yet in the summary's. */
static void
add_sources(json_t *sum, json_t *g)
{
	json_t *have = json_object_get(sum, "sources"), *s, *h;
	size_t j, m;

	json_array_foreach(json_object_get(g, "sources"), j, s)
	{
		int dup = 0;

		json_array_foreach(have, m, h) dup |= json_equal(h, s);
		if (!dup)
			json_array_append(have, s);
	}
}

/* add_group - count one SYSERR group into the summary of the subject it
 * implicates: its count, its signature (the first five), its sources,
 * whether it was denied, the latest timestamp. */
static void
add_group(struct cycle *c, json_t *subjects, json_t *g)
{
	const char *role, *err;
	char subject[PATH_MAX];
	json_t *sum;

	implicated(c, g, subject, sizeof(subject), &role);
	sum = summary_for(subjects, subject, role, g);
	json_object_set_new(
	    sum, "count",
	    json_integer(json_integer_value(json_object_get(sum, "count")) +
	                 json_integer_value(json_object_get(g, "count"))));
	if (json_array_size(json_object_get(sum, "signatures")) < 5)
		json_array_append_new(
		    json_object_get(sum, "signatures"),
		    json_pack("{s:O, s:O, s:O}", "signature",
		              json_object_get(g, "signature"), "count",
		              json_object_get(g, "count"), "last_ts",
		              json_object_get(g, "last_ts")));
	add_sources(sum, g);
	err = json_string_value(json_object_get(g, "errno"));
	if (err && strcmp(err, "Permission denied") == 0)
		json_object_set_new(sum, "denied", json_true());
	if (strcmp(str_of(json_object_get(sum, "last_ts")),
	           str_of(json_object_get(g, "last_ts"))) < 0)
		json_object_set(sum, "last_ts", json_object_get(g, "last_ts"));
}

/* spool_cause - the spool collector's finding on subj that names the
 * cause best (not writable, then permissions, then missing), or NULL;
 * its code in *code. */
static json_t *
spool_cause(struct cycle *c, const char *subj, const char **code)
{
	static const char *const codes[] = {
	    "spool.not_writable_by_mta", "spool.permissions", "spool.missing"};
	json_t *sf;

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		*code = codes[i];
		if ((sf = cycle_find_finding(c, codes[i], subj)) != NULL)
			return sf;
	}
	*code = NULL;
	return NULL;
}

/* syserr_caused - log.syserr on a spool whose finding sf (code) explains
 * it: critical, with that finding's remedy. */
static void
syserr_caused(struct cycle *c, const char *subj, json_t *sum, json_t *ev,
              json_t *sf, const char *code)
{
	const char *r = json_string_value(json_object_get(sf, "remedy"));
	const char *m = json_string_value(json_object_get(sf, "message"));
	const char *top = json_string_value(json_object_get(
	    json_array_get(json_object_get(sum, "signatures"), 0),
	    "signature"));

	cycle_finding(
	    c, "log.syserr", "critical", subj, ev, r,
	    "%lld sendmail SYSERR line(s) since the last report%s "
	    "on %s; the spool check found the cause (%s): %s; most "
	    "frequent: %s",
	    (long long)json_integer_value(json_object_get(sum, "count")),
	    json_is_true(json_object_get(sum, "denied"))
	        ? " fail with Permission denied"
	        : "",
	    subj, code, m ? m : "", top ? top : "");
}

/* syserr_alone - log.syserr without a spool finding to explain it: a
 * warning, with where to look. */
static void
syserr_alone(struct cycle *c, const char *subj, json_t *sum, json_t *ev)
{
	const char *role = json_string_value(json_object_get(sum, "role"));
	const char *top = json_string_value(json_object_get(
	    json_array_get(json_object_get(sum, "signatures"), 0),
	    "signature"));
	char remedy[1024];

	if (role[0] && json_is_true(json_object_get(sum, "denied")))
		snprintf(remedy, sizeof(remedy),
		         "ls -ld %s; it must be writable by the user "
		         "sendmail's %s runs as (see the uid/euid in the "
		         "SYSERR lines); compare with the packaged "
		         "owner/mode",
		         subj, strcmp(role, "msp_queue") == 0 ? "MSP" : "MTA");
	else
		snprintf(remedy, sizeof(remedy),
		         "read the SYSERR lines in the evidence: sendmail "
		         "names the failing step and the system error; "
		         "fix that, then check mailq (-Ac for the MSP "
		         "queue)");
	cycle_finding(
	    c, "log.syserr", "warning", subj, ev, remedy,
	    "%lld sendmail SYSERR line(s) since the last report%s%s; "
	    "most frequent: %s",
	    (long long)json_integer_value(json_object_get(sum, "count")),
	    role[0] ? " implicating " : "", role[0] ? subj : "",
	    top ? top : "");
}

/* syserr_finding - the log.syserr of one subject's summary. */
static void
syserr_finding(struct cycle *c, const char *subj, json_t *sum)
{
	const char *role = json_string_value(json_object_get(sum, "role"));
	const char *code = NULL;
	json_t *sf = role[0] ? spool_cause(c, subj, &code) : NULL, *ev;

	ev = json_pack("{s:O, s:O, s:O, s:O, s:o, s:o, s:o}", "count",
	               json_object_get(sum, "count"), "signatures",
	               json_object_get(sum, "signatures"), "sources",
	               json_object_get(sum, "sources"), "last_ts",
	               json_object_get(sum, "last_ts"), "spool",
	               role[0] ? json_string(subj) : json_null(), "queue_role",
	               role[0] ? json_string(role) : json_null(),
	               "spool_finding", sf ? json_string(code) : json_null());
	if (sf)
		syserr_caused(c, subj, sum, ev, sf, code);
	else
		syserr_alone(c, subj, sum, ev);
}

void
logs_findings(struct cycle *c, const struct logs_config *cfg)
{
	json_t *groups = json_object_get(c->report, "event_groups"), *g;
	json_t *subjects = json_object(); /* subject -> summary */
	const char *subj;
	json_t *sum;
	size_t i;

	(void)cfg; /* no threshold: every SYSERR counts */
	json_array_foreach(groups, i, g)
	{
		const char *kind =
		    json_string_value(json_object_get(g, "kind"));

		if (kind != NULL && strcmp(kind, "syserr") == 0)
			add_group(c, subjects, g);
	}
	json_object_foreach(subjects, subj, sum) syserr_finding(c, subj, sum);
	json_decref(subjects);
}
