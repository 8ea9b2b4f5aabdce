/*
 * mail_findings.c - mail.undelivered per queue of mail.queues[] and
 * mail.unread_root per mailbox of mail.mailboxes[], with the statuses
 * and cron jobs that explain them; mail.frozen from mail.exim
 * (exim_findings.c).  Reads only the report and the thresholds of
 * [mail].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/cycle.h"
#include "agent/diagnose/mail_findings.h"
#include "agent/diagnose/exim_findings.h"
#include "common/timeutil.h"

/* role_of - the role of the spools[] entry at path, or NULL. */
static const char *
role_of(struct cycle *c, const char *path)
{
	json_t *spools = json_object_get(c->report, "spools"), *s;
	size_t i;

	json_array_foreach(spools, i, s)
	{
		const char *p = json_string_value(json_object_get(s, "path"));
		if (p && strcmp(p, path) == 0)
			return json_string_value(json_object_get(s, "role"));
	}
	return NULL;
}

static void
human_age(long long s, char *out, size_t n)
{
	if (s < 120)
		snprintf(out, n, "%lld s", s);
	else if (s < 7200)
		snprintf(out, n, "%lld min", s / 60);
	else if (s < 2 * 86400)
		snprintf(out, n, "%lld h", s / 3600);
	else if (s < 2 * 365 * 86400LL)
		snprintf(out, n, "%lld days", s / 86400);
	else
		snprintf(out, n, "%.1f years", (double)s / (365.25 * 86400));
}

static long long
ts_age(struct cycle *c, json_t *ts)
{
	const char *s = json_string_value(ts);
	time_t t;

	if (s == NULL || rfc3339_parse(s, strlen(s), &t) == -1)
		return -1;
	return c->now > t ? (long long)(c->now - t) : 0;
}

/* loopback_refused - the status of a relay to the local MTA that nobody
 * answers: what a stopped MTA looks like from its submission queue. */
static int
loopback_refused(const char *s)
{
	return strstr(s, "Connection refused") != NULL &&
	       (strstr(s, "[127.0.0.1]") || strstr(s, "127.0.0.1[") ||
	        strstr(s, "[::1]") || strstr(s, "[IPv6:::1]") ||
	        strstr(s, "localhost"));
}

/* Where a queue stands, from its statuses and mta.down. */
struct queue_view {
	const char *path, *role;
	int postfix;        /* a postfix queue (by role or by path) */
	int exim;           /* Exim's spool (role exim_spool) */
	int down;           /* mta.down was found */
	int refused;        /* a status says the loopback relay was refused */
	int known;          /* some status gives a reason */
	json_t *top;        /* the first three statuses */
	char statuses[600]; /* the same, quoted for the message */
};

/* read_statuses - refused, known, top and statuses of v from sts. */
static void
read_statuses(struct queue_view *v, json_t *sts)
{
	json_t *st;
	size_t i, len = 0;

	v->top = json_array();
	v->statuses[0] = '\0';
	json_array_foreach(sts, i, st)
	{
		const char *s =
		    json_string_value(json_object_get(st, "status"));
		json_int_t k = json_integer_value(json_object_get(st, "count"));

		if (s == NULL)
			continue;
		if (loopback_refused(s))
			v->refused = 1;
		if (s[0])
			v->known = 1;
		if (i >= 3)
			continue;
		json_array_append(v->top, st);
		if (len < sizeof(v->statuses))
			len += (size_t)snprintf(
			    v->statuses + len, sizeof(v->statuses) - len,
			    "%s\"%.200s\" (%lld)", i ? ", " : "",
			    s[0]         ? s
			    : v->postfix ? "no reason recorded"
			                 : "not tried yet",
			    (long long)k);
	}
}

/* top_cron - the first three queued_groups[] with a cron command. */
static json_t *
top_cron(json_t *groups)
{
	json_t *cron = json_array(), *g;
	size_t i;

	json_array_foreach(groups, i, g)
	{
		if (json_array_size(cron) == 3)
			break;
		if (json_is_string(json_object_get(g, "cron_command")))
			json_array_append(cron, g);
	}
	return cron;
}

/* down_verdict - the MTA is down: critical, start it (the way the host
 * starts services; mta.down's remedy also enables it), then flush. */
static void
down_verdict(const struct cycle *c, const struct queue_view *v, char *msg,
             size_t n, char *remedy, size_t rn)
{
	char start[256];

	snprintf(msg, n, "%s",
	         v->refused ? "the MTA is down (mta.down) and the relay to it "
	                      "on the loopback is refused: nothing leaves "
	                      "this queue until it runs"
	                    : "the MTA is down (mta.down): nothing leaves "
	                      "this queue until it runs");
	if (v->postfix) {
		snprintf(remedy, rn, "postfix start && postqueue -f");
		return;
	}
	if (v->exim) {
		const char *svc = json_string_value(json_object_get(
		    json_object_get(c->report, "mta"), "exim_service"));

		if (svc == NULL || c->init.kind == INITSYS_UNKNOWN)
			snprintf(remedy, rn, "service exim4 start || service "
			                     "exim start; then exim -qf");
		else {
			initsys_start(&c->init, svc, 0, start, sizeof(start));
			snprintf(remedy, rn, "%s; then exim -qf", start);
		}
		return;
	}
	if (c->init.kind == INITSYS_UNKNOWN)
		snprintf(start, sizeof(start), "service sendmail start");
	else
		initsys_start(&c->init, "sendmail", 0, start, sizeof(start));
	snprintf(remedy, rn, "%s && sendmail%s -q", start,
	         v->role && strcmp(v->role, "mta_queue") == 0 ? "" : " -Ac");
}

/* wait_verdict - the MTA runs: read why, fix the cause, then flush. */
static const char *
wait_verdict(const struct queue_view *v, char *msg, size_t n)
{
	if (v->refused)
		snprintf(msg, n, "the relay to the local MTA is refused");
	else if (!v->known)
		snprintf(msg, n, "why is not known here (%s)",
		         v->postfix ? "no defer log; postqueue -p lists the "
		                      "reasons"
		         : v->exim  ? "not tried yet: no error in the msglogs"
		                    : "no status in the control files");
	else
		snprintf(msg, n, "delivery has not succeeded yet");
	if (v->postfix)
		return "postqueue -p  # read why; fix the cause, then: "
		       "postqueue -f";
	if (v->exim)
		return "exim -bp | exiqsumm  # why: exim -Mvl ID; fix the "
		       "cause, "
		       "then: exim -qf";
	if (v->role && strcmp(v->role, "mta_queue") == 0)
		return "mailq  # read why; fix the cause, then: sendmail -q";
	return "mailq -Ac  # read why; fix the cause, then: sendmail -Ac -q";
}

/* relay_queue_finding - mail.undelivered for a nullmailer or dma queue,
 * with the relay's own commands */
static void
relay_queue_finding(struct cycle *c, const struct mail_config *cfg, json_t *qs,
                    const char *path, json_int_t n, long long age, json_t *top,
                    json_t *cron)
{
	int failed = strstr(path, "/failed") != NULL;
	int dma = strncmp(path, "/var/spool/dma", 14) == 0;
	int down = cycle_find_finding(c, "mta.down", NULL) != NULL;
	char agebuf[32];

	human_age(age < 0 ? 0 : age, agebuf, sizeof(agebuf));
	cycle_finding(
	    c, "mail.undelivered",
	    failed || down || age >= cfg->undelivered_critical_age ||
	            n >= cfg->undelivered_critical_count
	        ? "critical"
	        : "warning",
	    path,
	    json_pack("{s:I, s:o, s:I, s:o, s:b, s:o}", "messages", n,
	              "oldest_ts", json_copy(json_object_get(qs, "oldest_ts")),
	              "oldest_age_s", (json_int_t)age, "top_statuses", top,
	              "mta_down", down, "top_cron_commands", cron),
	    failed
	        ? "nullmailer-send will not try these again: fix the relay "
	          "(/etc/nullmailer/remotes), then mv "
	          "/var/spool/nullmailer/failed/* /var/spool/nullmailer/queue/ "
	          "&& echo 1 > /var/spool/nullmailer/trigger"
	    : dma ? "dma -bp  # what waits; the reason is in the mail log "
	            "(dma[...] lines); fix it, then: dma -q"
	          : "grep nullmailer /var/log/mail.log  # or journalctl -t "
	            "nullmailer: read why; fix, then: echo 1 > "
	            "/var/spool/nullmailer/trigger",
	    "%lld message%s %s in %s, oldest %s old%s", (long long)n,
	    n == 1 ? "" : "s", failed ? "given up on" : "waiting", path, agebuf,
	    down ? "; the relay cannot send (mta.down)" : "");
}

/* queue_finding - mail.undelivered for one mail.queues[] entry. */
static void
queue_finding(struct cycle *c, const struct mail_config *cfg, json_t *qs,
              json_t *groups)
{
	struct queue_view v;
	json_int_t n = json_integer_value(json_object_get(qs, "messages"));
	long long age = ts_age(c, json_object_get(qs, "oldest_ts"));
	char agebuf[32], msg[1024], rbuf[512];
	const char *sev, *remedy;

	memset(&v, 0, sizeof(v));
	v.path = json_string_value(json_object_get(qs, "queue"));
	if (v.path == NULL || n < cfg->undelivered_min)
		return;
	v.role = role_of(c, v.path);
	v.postfix = (v.role && strncmp(v.role, "postfix_", 8) == 0) ||
	            strncmp(v.path, "/var/spool/postfix/", 19) == 0;
	v.exim = v.role && strcmp(v.role, "exim_spool") == 0;
	v.down = cycle_find_finding(c, "mta.down", NULL) != NULL;
	read_statuses(&v, json_object_get(qs, "statuses"));
	if (strncmp(v.path, "/var/spool/nullmailer/", 22) == 0 ||
	    strncmp(v.path, "/var/spool/dma", 14) == 0) {
		relay_queue_finding(c, cfg, qs, v.path, n, age, v.top,
		                    top_cron(groups));
		return;
	}
	human_age(age < 0 ? 0 : age, agebuf, sizeof(agebuf));
	if (v.down) {
		sev = "critical";
		down_verdict(c, &v, msg, sizeof(msg), rbuf, sizeof(rbuf));
		remedy = rbuf;
	} else {
		sev = (age >= cfg->undelivered_critical_age ||
		       n >= cfg->undelivered_critical_count)
		          ? "critical"
		          : "warning";
		remedy = wait_verdict(&v, msg, sizeof(msg));
	}
	cycle_finding(
	    c, "mail.undelivered", sev, v.path,
	    json_pack("{s:I, s:o, s:I, s:o, s:b, s:b, s:o}", "messages", n,
	              "oldest_ts", json_copy(json_object_get(qs, "oldest_ts")),
	              "oldest_age_s", (json_int_t)age, "top_statuses", v.top,
	              "mta_down", v.down, "loopback_refused", v.refused,
	              "top_cron_commands", top_cron(groups)),
	    remedy, "%lld message%s waiting in %s, oldest %s old; %s%s%s%s",
	    (long long)n, n == 1 ? "" : "s", v.path, agebuf,
	    v.statuses[0] ? "top status: " : "", v.statuses,
	    v.statuses[0] ? "; " : "", msg);
}

static int
by_unread(const void *a, const void *b)
{
	json_int_t x =
	    json_integer_value(json_object_get(*(json_t *const *)a, "unread"));
	json_int_t y =
	    json_integer_value(json_object_get(*(json_t *const *)b, "unread"));

	return x < y ? 1 : x > y ? -1 : 0;
}

/* top_unread - into v (5 slots) the cron jobs with the most unread
 * mail, most first; their number. */
static size_t
top_unread(json_t *cron, json_t *v[5])
{
	json_t *j;
	size_t i, n = 0;

	json_array_foreach(cron, i, j)
	{
		if (json_integer_value(json_object_get(j, "unread")) == 0)
			continue;
		if (n < 5) {
			v[n++] = j;
		} else {
			/* replace the one with the fewest unread */
			size_t lo = 0;
			for (size_t k = 1; k < 5; k++)
				if (by_unread(&v[k], &v[lo]) > 0)
					lo = k;
			if (by_unread(&j, &v[lo]) < 0)
				v[lo] = j;
		}
	}
	qsort(v, n, sizeof(v[0]), by_unread);
	return n;
}

/* jobs_json - the evidence's top_cron_commands[] and, in jobs, the same
 * for the message: "cmd (unread), ...". */
static json_t *
jobs_json(json_t *const *v, size_t n, char *jobs, size_t jn)
{
	json_t *top = json_array();
	size_t len = 0;

	jobs[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *cmd =
		    json_string_value(json_object_get(v[i], "command"));
		json_int_t k =
		    json_integer_value(json_object_get(v[i], "unread"));

		json_array_append_new(
		    top,
		    json_pack("{s:O, s:O, s:O, s:I}", "command",
		              json_object_get(v[i], "command"), "user",
		              json_object_get(v[i], "user"), "count",
		              json_object_get(v[i], "count"), "unread", k));
		if (len < jn)
			len += (size_t)snprintf(
			    jobs + len, jn - len, "%s%.200s (%lld)",
			    i ? ", " : "", cmd ? cmd : "", (long long)k);
	}
	return top;
}

/* unread_remedy - quiet the top cron job (job, NULL if none), then read
 * the mailbox of user. */
static void
unread_remedy(json_t *job, const char *user, char *out, size_t n)
{
	const char *cmd, *cu;

	if (job == NULL) {
		snprintf(
		    out, n,
		    "Read or clear the mailbox: mail -u %s; have root's "
		    "mail forwarded to a person (an alias in /etc/aliases)",
		    user);
		return;
	}
	cmd = json_string_value(json_object_get(job, "command"));
	cu = json_string_value(json_object_get(job, "user"));
	snprintf(out, n,
	         "Fix or quiet the cron job '%.300s' (crontab of %s: redirect "
	         "its output or set MAILTO), then read or clear the mailbox: "
	         "mail -u %s",
	         cmd ? cmd : "", cu && cu[0] ? cu : user, user);
}

/* mailbox_finding - mail.unread_root for one mail.mailboxes[] entry. */
static void
mailbox_finding(struct cycle *c, const struct mail_config *cfg, json_t *mb)
{
	const char *path = json_string_value(json_object_get(mb, "path"));
	const char *user = json_string_value(json_object_get(mb, "user"));
	json_int_t unread = json_integer_value(json_object_get(mb, "unread"));
	json_int_t total = json_integer_value(json_object_get(mb, "messages"));
	long long oldest = ts_age(c, json_object_get(mb, "oldest_ts"));
	char jobs[700], remedy[1200], age[32];
	json_t *v[5], *top;
	size_t n;

	if (path == NULL || user == NULL || unread < cfg->unread_min)
		return;
	n = top_unread(json_object_get(mb, "cron"), v);
	top = jobs_json(v, n, jobs, sizeof(jobs));
	unread_remedy(n > 0 ? v[0] : NULL, user, remedy, sizeof(remedy));
	human_age(oldest < 0 ? 0 : oldest, age, sizeof(age));
	cycle_finding(c, "mail.unread_root",
	              unread >= cfg->unread_warning ? "warning" : "info", path,
	              json_pack("{s:s, s:I, s:I, s:O, s:O, s:o}", "user", user,
	                        "unread", unread, "messages", total, "bytes",
	                        json_object_get(mb, "bytes"), "oldest_ts",
	                        json_object_get(mb, "oldest_ts"),
	                        "top_cron_commands", top),
	              remedy,
	              "%lld unread of %lld messages for %s in %s, oldest %s "
	              "old%s%s",
	              (long long)unread, (long long)total, user, path, age,
	              n ? "; mostly cron mail: " : "", jobs);
}

void
mail_findings(struct cycle *c, const struct mail_config *cfg)
{
	json_t *mail = json_object_get(c->report, "mail"), *x;
	json_t *groups = json_object_get(mail, "queued_groups");
	size_t i;

	json_array_foreach(json_object_get(mail, "queues"), i, x)
	    queue_finding(c, cfg, x, groups);
	if ((x = json_object_get(mail, "exim")) != NULL)
		exim_frozen_finding(c, x);
	json_array_foreach(json_object_get(mail, "mailboxes"), i, x)
	    mailbox_finding(c, cfg, x);
}
