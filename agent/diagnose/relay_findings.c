/*
 * relay_findings.c - the small relays' findings (see relay_findings.h),
 * from the report alone: mta (kind, relay, daemon_running), mail.queues[]
 * and event_groups[].
 */
#include <stdio.h>
#include <string.h>

#include "agent/collect/relay_collect.h"
#include "agent/cycle.h"
#include "agent/diagnose/relay_findings.h"

/* queued_in - messages mail.queues[] counts for this queue */
static long long
queued_in(struct cycle *c, const char *queue)
{
	json_t *qs = json_object_get(json_object_get(c->report, "mail"),
	                             "queues"),
	       *q;
	size_t i;

	json_array_foreach(qs, i, q)
	{
		const char *p = json_string_value(json_object_get(q, "queue"));
		if (p != NULL && strcmp(p, queue) == 0)
			return (long long)json_integer_value(
			    json_object_get(q, "messages"));
	}
	return 0;
}

/* failures - events of program (bounced or deferred) since the last
 * report, and the newest group's example in *last */
static long long
failures(struct cycle *c, const char *program, const char **last)
{
	json_t *groups = json_object_get(c->report, "event_groups"), *g;
	long long n = 0;
	size_t i;

	*last = NULL;
	json_array_foreach(groups, i, g)
	{
		const char *p =
		    json_string_value(json_object_get(g, "program"));
		const char *k = json_string_value(json_object_get(g, "kind"));
		if (p == NULL || k == NULL || strcmp(p, program) != 0 ||
		    (strcmp(k, "bounced") != 0 && strcmp(k, "deferred") != 0 &&
		     strcmp(k, "fatal") != 0))
			continue;
		n += (long long)json_integer_value(json_object_get(g, "count"));
		if (*last == NULL)
			*last =
			    json_string_value(json_object_get(g, "example"));
	}
	return n;
}

static void
nullmailer_findings(struct cycle *c, json_t *mta, json_t *relay)
{
	long long waiting = queued_in(c, RELAY_NULLMAILER_QUEUE);
	const char *conf =
	    json_string_value(json_object_get(relay, "configured"));
	json_t *run = json_object_get(mta, "daemon_running");
	const char *last;
	long long fails = failures(c, "nullmailer", &last);

	if (waiting == 0)
		return;
	if (conf != NULL && strcmp(conf, "no") == 0) {
		cycle_finding(
		    c, "mta.down", "critical", "nullmailer",
		    json_pack("{s:I, s:s, s:O}", "queued", (json_int_t)waiting,
		              "remotes", "/etc/nullmailer/remotes",
		              "daemon_running", run),
		    "echo 'smtp.example.com smtp --port=587 --starttls' > "
		    "/etc/nullmailer/remotes  # your smarthost; then: echo 1 > "
		    "/var/spool/nullmailer/trigger",
		    "nullmailer has no remote host (/etc/nullmailer/remotes is "
		    "empty or missing): %lld message%s wait in %s and nothing "
		    "will send them",
		    waiting, waiting == 1 ? "" : "s", RELAY_NULLMAILER_QUEUE);
		return;
	}
	if (json_is_false(run)) {
		cycle_finding(
		    c, "mta.down", "critical", "nullmailer",
		    json_pack("{s:I, s:O, s:I}", "queued", (json_int_t)waiting,
		              "daemon_running", run, "failures",
		              (json_int_t)fails),
		    "systemctl start nullmailer || service nullmailer start",
		    "nullmailer-send is not running: %lld message%s wait in %s",
		    waiting, waiting == 1 ? "" : "s", RELAY_NULLMAILER_QUEUE);
		return;
	}
	if (fails > 0)
		cycle_finding(
		    c, "mta.down", "warning", "nullmailer",
		    json_pack("{s:I, s:I, s:o}", "queued", (json_int_t)waiting,
		              "failures", (json_int_t)fails, "last",
		              last ? json_str_safe(last, strlen(last), 1024)
		                   : json_null()),
		    "cat /etc/nullmailer/remotes  # check the smarthost, port "
		    "and credentials; then: echo 1 > "
		    "/var/spool/nullmailer/trigger",
		    "nullmailer's smarthost refuses the mail or cannot be "
		    "reached (%lld failure%s since the last report): %lld "
		    "message%s wait",
		    fails, fails == 1 ? "" : "s", waiting,
		    waiting == 1 ? "" : "s");
}

static void
noqueue_findings(struct cycle *c, const char *kind, json_t *relay)
{
	const char *conf =
	    json_string_value(json_object_get(relay, "configured"));
	const char *file = json_string_value(json_object_get(relay, "config"));
	int placeholder =
	    json_is_true(json_object_get(relay, "package_default"));
	const char *last;
	long long fails =
	    failures(c, strcmp(kind, "ssmtp") == 0 ? "sSMTP" : kind, &last);
	char remedy[512];

	snprintf(
	    remedy, sizeof(remedy),
	    strcmp(kind, "msmtp") == 0
	        ? "write %s with the smarthost: 'account default', 'host "
	          "smtp.example.com', 'port 587', 'tls on', 'auth on', "
	          "'user ...', 'passwordeval ...'; test with: echo test | "
	          "msmtp -v root"
	        : "set mailhub=smtp.example.com:587 (and AuthUser/AuthPass, "
	          "UseSTARTTLS=YES) in %s; test with: echo test | "
	          "ssmtp -v root",
	    file ? file : "the configuration");
	if (conf != NULL && (strcmp(conf, "no") == 0 || placeholder)) {
		cycle_finding(
		    c, "mta.down", "critical", kind,
		    json_pack("{s:s?, s:b, s:I}", "config", file,
		              "package_default", placeholder, "failures",
		              (json_int_t)fails),
		    remedy,
		    "%s has %s: it keeps no queue, so every mail sent on this "
		    "host (the output of every cron job included) is lost",
		    kind,
		    placeholder ? "only the package's placeholder relay "
		                  "(mailhub=mail)"
		                : "no relay configured");
		return;
	}
	if (fails > 0)
		cycle_finding(
		    c, "mta.down", "critical", kind,
		    json_pack("{s:I, s:o}", "failures", (json_int_t)fails,
		              "last",
		              last ? json_str_safe(last, strlen(last), 1024)
		                   : json_null()),
		    remedy,
		    "%s failed to hand %lld message%s to its relay since the "
		    "last report; it keeps no queue, so they are lost",
		    kind, fails, fails == 1 ? "" : "s");
}

void
relay_findings(struct cycle *c)
{
	json_t *mta = json_object_get(c->report, "mta");
	json_t *relay = json_object_get(mta, "relay");
	const char *kind = json_string_value(json_object_get(mta, "kind"));

	if (kind == NULL || relay == NULL)
		return;
	if (strcmp(kind, "nullmailer") == 0)
		nullmailer_findings(c, mta, relay);
	else if (strcmp(kind, "msmtp") == 0 || strcmp(kind, "ssmtp") == 0)
		noqueue_findings(c, kind, relay);
}
