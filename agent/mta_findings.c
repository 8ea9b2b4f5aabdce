/*
 * mta_findings.c - mta.down: mail waits in the queues of spools[] while
 * the "mta" section says the daemon is not running or (sendmail) nothing
 * listens on the SMTP port of the loopback.  Unknown (no proc) is not
 * down.  Reads only the report and [mta] smtp_port.
 */
#include <stdio.h>
#include <string.h>

#include "agent/cycle.h"
#include "agent/mta_findings.h"

/* is_queue_role - spools whose entries are mail waiting for the MTA. */
static int
is_queue_role(const char *role)
{
	return strcmp(role, "msp_queue") == 0 ||
	       strcmp(role, "mta_queue") == 0 ||
	       strncmp(role, "postfix_", 8) == 0;
}

void
mta_findings(struct cycle *c, const struct mta_config *cfg)
{
	json_t *mta = json_object_get(c->report, "mta");
	json_t *spools = json_object_get(c->report, "spools"), *s, *where;
	const char *kind = json_string_value(json_object_get(mta, "kind"));
	json_t *run = json_object_get(mta, "daemon_running");
	json_t *lis = json_object_get(mta, "smtp_listening");
	long long waiting = 0, oldest = -1;
	int port = (int)cfg->smtp_port, down;
	const char *first = NULL;
	char remedy[512], portbuf[16];
	size_t i;

	if (kind == NULL || strcmp(kind, "none") == 0)
		return;
	where = json_object();
	json_array_foreach(spools, i, s)
	{
		const char *role =
		    json_string_value(json_object_get(s, "role"));
		const char *path =
		    json_string_value(json_object_get(s, "path"));
		json_t *q = json_object_get(s, "queued");
		json_t *age = json_object_get(s, "oldest_age_s");

		if (role == NULL || path == NULL || !is_queue_role(role) ||
		    !json_is_integer(q) || json_integer_value(q) == 0)
			continue;
		waiting += json_integer_value(q);
		json_object_set_new(where, path,
		                    json_integer(json_integer_value(q)));
		if (first == NULL)
			first = path;
		if (json_is_integer(age) && json_integer_value(age) > oldest)
			oldest = json_integer_value(age);
	}
	/* unknown (no proc) is not "down" */
	if (strcmp(kind, "postfix") == 0)
		down = json_is_false(run);
	else
		down = json_is_false(run) || json_is_false(lis);
	if (waiting == 0 || !down) {
		json_decref(where);
		return;
	}
	snprintf(portbuf, sizeof(portbuf), "%d", port);
	if (json_is_false(run))
		snprintf(remedy, sizeof(remedy),
		         "systemctl start %s || "
		         "service %s start",
		         kind, kind);
	else
		snprintf(
		    remedy, sizeof(remedy),
		    "the %s daemon runs but does "
		    "not listen on 127.0.0.1:%d: check DaemonPortOptions in "
		    "/etc/mail/sendmail.cf, then systemctl restart %s || "
		    "service %s restart",
		    kind, port, kind, kind);
	cycle_finding(
	    c, "mta.down", "critical", kind,
	    json_pack("{s:I, s:o, s:O, s:O, s:I, s:o}", "queued",
	              (json_int_t)waiting, "queued_by_spool", where,
	              "daemon_running", run, "smtp_listening", lis, "port",
	              (json_int_t)port, "oldest_age_s",
	              oldest >= 0 ? json_integer(oldest) : json_null()),
	    remedy, "%s %s%s%s: %lld message%s wait%s in %s%s", kind,
	    json_is_false(run) ? "is not running" : "runs",
	    json_is_false(lis) ? json_is_false(run)
	                             ? " and nothing listens "
	                               "on 127.0.0.1:"
	                             : " but nothing listens on 127.0.0.1:"
	                       : "",
	    json_is_false(lis) ? portbuf : "", waiting, waiting == 1 ? "" : "s",
	    waiting == 1 ? "s" : "", first,
	    json_object_size(where) > 1 ? " and elsewhere" : "");
}
