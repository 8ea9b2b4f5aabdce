/*
 * causes.c - findings[].caused_by (see causes.h): the table of link rules
 * and the pass that applies them to a finished report.
 *
 * Each rule names a symptom code, a cause code and the test of the
 * evidence that ties the two on this host: the same spool, the queue the
 * MTA serves, the filesystem the spool lies on.  No code is both a
 * symptom and a cause in the table, so a link never chains and never
 * loops; the pass also checks that at run time.  Codes left out on
 * purpose: spool.permissions and spool.not_writable_by_mta stand side by
 * side (one mode, two findings with their own remedy), spool.orphans and
 * spool.bloated_dir are history rather than a current effect,
 * mail.unread_root is read-side; mta.paniclog is a symptom only when all
 * it holds is Exim failing to write the spool.
 */
#include <string.h>

#include "agent/diagnose/causes.h"

struct rule {
	const char *symptom;
	const char *cause;
	int (*match)(json_t *report, json_t *symptom, json_t *cause);
};

/* str - a member's string, "" for anything else */
static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static json_t *
evidence(json_t *f)
{
	return json_object_get(f, "evidence");
}

/* within - path is dir or lies below it ("/a" holds "/a/b", not "/ab") */
static int
within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n > 0 && strncmp(path, dir, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

/* related - one queue path holds the other (Exim's spool and its input/,
 * postfix's spool and deferred/) or they are the same */
static int
related(const char *a, const char *b)
{
	return a[0] == '/' && b[0] == '/' && (within(a, b) || within(b, a));
}

/* role_of - the spools[] role of path, "" if it is not listed */
static const char *
role_of(json_t *report, const char *path)
{
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(report, "spools"), i, s)
	{
		if (strcmp(str(s, "path"), path) == 0)
			return str(s, "role");
	}
	return "";
}

/* syserr_spool - the SYSERRs' own evidence names this spool finding as
 * their cause (logs_findings.c: spool_finding on the spool implicated) */
static int
syserr_spool(json_t *report, json_t *sym, json_t *cause)
{
	json_t *ev = evidence(sym);

	(void)report;
	return strcmp(str(ev, "spool_finding"), str(cause, "code")) == 0 &&
	       strcmp(str(ev, "spool"), str(cause, "subject")) == 0;
}

/* syserr_inodes - the SYSERRs failed with "No space left on device" on a
 * spool that lies on the filesystem whose inodes run out */
static int
syserr_inodes(json_t *report, json_t *sym, json_t *cause)
{
	const char *spool = str(evidence(sym), "spool");
	json_t *sig, *p;
	int on = 0, nospace = 0;
	size_t i;

	(void)report;
	if (spool[0] == '\0')
		return 0;
	json_array_foreach(json_object_get(evidence(cause), "spools"), i, p)
	    on |= strcmp(json_string_value(p) ? json_string_value(p) : "",
	                 spool) == 0;
	json_array_foreach(json_object_get(evidence(sym), "signatures"), i, sig)
	    nospace |=
	    strstr(str(sig, "signature"), "No space left on device") != NULL;
	return on && nospace;
}

/* queue_of_mta - the queue is one of those the down MTA leaves waiting
 * (its evidence's queued_by_spool), or nullmailer's own queue */
static int
queue_of_mta(json_t *report, json_t *sym, json_t *cause)
{
	const char *q = str(sym, "subject"), *path;
	json_t *n;

	(void)report;
	json_object_foreach(json_object_get(evidence(cause), "queued_by_spool"),
	                    path, n)
	{
		if (related(q, path))
			return 1;
	}
	return strcmp(str(cause, "subject"), "nullmailer") == 0 &&
	       within(q, "/var/spool/nullmailer");
}

/* queue_frozen - every message of Exim's queue is frozen: the mail waits
 * because Exim froze it, not for a delivery attempt */
static int
queue_frozen(json_t *report, json_t *sym, json_t *cause)
{
	json_t *ev = evidence(cause);
	json_int_t frozen = json_integer_value(json_object_get(ev, "frozen"));
	json_int_t all = json_integer_value(json_object_get(ev, "messages"));

	(void)report;
	return all > 0 && frozen >= all &&
	       related(str(sym, "subject"), str(cause, "subject"));
}

/* cron_submission - cron's mail failed in the MTA (not "no MTA") and the
 * queue that a command-line submission writes to is the broken spool:
 * sendmail's MSP queue, postfix's maildrop */
static int
cron_submission(json_t *report, json_t *sym, json_t *cause)
{
	const char *role = role_of(report, str(cause, "subject"));

	return json_integer_value(
	           json_object_get(evidence(sym), "mta_failed")) > 0 &&
	       (strcmp(role, "msp_queue") == 0 ||
	        strcmp(role, "postfix_maildrop") == 0);
}

/* cron_relay - cron's mail failed in a relay that keeps no queue (msmtp,
 * sSMTP) and that relay is down: the submission itself fails */
static int
cron_relay(json_t *report, json_t *sym, json_t *cause)
{
	const char *kind = str(json_object_get(report, "mta"), "kind");

	return json_integer_value(
	           json_object_get(evidence(sym), "mta_failed")) > 0 &&
	       (strcmp(kind, "msmtp") == 0 || strcmp(kind, "ssmtp") == 0) &&
	       strcmp(str(cause, "subject"), kind) == 0;
}

/* spool_denied - line is Exim's "Failed to create spool file PATH:
 * Permission denied" for a PATH (Exim writes "//" between its parts)
 * inside dir */
static int
spool_denied(const char *line, const char *dir)
{
	static const char tag[] = "Failed to create spool file ";
	const char *p = strstr(line, tag), *end;
	char path[4096];
	size_t n = 0;

	if (p == NULL || strstr(line, ": Permission denied") == NULL)
		return 0;
	p += sizeof(tag) - 1;
	if ((end = strchr(p, ':')) == NULL)
		return 0;
	for (; p < end && n + 1 < sizeof(path); p++)
		if (!(*p == '/' && n > 0 && path[n - 1] == '/'))
			path[n++] = *p;
	path[n] = '\0';
	return p == end && within(path, dir);
}

/* paniclog_spool - every paniclog line read is Exim failing to create a
 * spool file in the spool that its user cannot write */
static int
paniclog_spool(json_t *report, json_t *sym, json_t *cause)
{
	json_t *lines = json_object_get(evidence(sym), "last_lines"), *l;
	const char *dir = str(cause, "subject");
	size_t i;

	(void)report;
	if (json_array_size(lines) == 0)
		return 0;
	json_array_foreach(lines, i, l)
	{
		if (!json_is_string(l) ||
		    !spool_denied(json_string_value(l), dir))
			return 0;
	}
	return 1;
}

/* In order: a symptom takes the first rule that matches. */
static const struct rule rules[] = {
    {"log.syserr", "spool.not_writable_by_mta", syserr_spool},
    {"log.syserr", "spool.missing", syserr_spool},
    {"log.syserr", "spool.permissions", syserr_spool},
    {"log.syserr", "fs.inodes_high", syserr_inodes},
    {"mail.undelivered", "mta.down", queue_of_mta},
    {"spool.stale", "mta.down", queue_of_mta},
    {"spool.backlog", "mta.down", queue_of_mta},
    {"mail.undelivered", "mail.frozen", queue_frozen},
    {"spool.stale", "mail.frozen", queue_frozen},
    {"mail.cron_lost", "spool.not_writable_by_mta", cron_submission},
    {"mail.cron_lost", "spool.missing", cron_submission},
    {"mail.cron_lost", "mta.down", cron_relay},
    {"mta.paniclog", "spool.not_writable_by_mta", paniclog_spool},
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* is_symptom_code - some rule makes code a symptom */
static int
is_symptom_code(const char *code)
{
	for (size_t r = 0; r < NRULES; r++)
		if (strcmp(rules[r].symptom, code) == 0)
			return 1;
	return 0;
}

/* cause_of - the finding of findings that the first matching rule makes
 * the cause of findings[i], or NULL */
static json_t *
cause_of(json_t *report, json_t *findings, size_t i)
{
	json_t *sym = json_array_get(findings, i), *c;
	const char *code = str(sym, "code");
	size_t j;

	for (size_t r = 0; r < NRULES; r++) {
		if (strcmp(rules[r].symptom, code) != 0)
			continue;
		json_array_foreach(findings, j, c)
		{
			if (j != i &&
			    strcmp(str(c, "code"), rules[r].cause) == 0 &&
			    !is_symptom_code(str(c, "code")) &&
			    json_object_get(c, "caused_by") == NULL &&
			    str(c, "subject")[0] != '\0' &&
			    rules[r].match(report, sym, c))
				return c;
		}
	}
	return NULL;
}

void
causes_link(json_t *report)
{
	json_t *findings = json_object_get(report, "findings"), *f, *c;
	size_t i;

	json_array_foreach(findings, i, f)
	{
		if (json_object_get(f, "caused_by") != NULL ||
		    (c = cause_of(report, findings, i)) == NULL)
			continue;
		json_object_set_new(f, "caused_by",
		                    json_pack("{s:s, s:s}", "code",
		                              str(c, "code"), "subject",
		                              str(c, "subject")));
	}
}
