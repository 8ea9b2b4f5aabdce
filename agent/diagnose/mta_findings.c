/*
 * mta_findings.c - mta.down: mail waits in the queues of spools[] while
 * the "mta" section says the daemon is not running or (sendmail) nothing
 * listens on the SMTP port of the loopback (Exim: nothing runs its queue,
 * neither a daemon nor a cron queue runner).  Unknown (no proc) is not
 * down.  mta.paniclog from mta.paniclog (exim_findings.c).  Reads only
 * the report, [mta] smtp_port and the host's init system (c->init) for
 * the remedy.
 */
#include <stdio.h>
#include <string.h>

#include "agent/diagnose/relay_findings.h"
#include "agent/cycle.h"
#include "agent/diagnose/mta_findings.h"
#include "agent/diagnose/exim_findings.h"

/* is_queue_role - spools whose entries are mail waiting for the MTA. */
static int
is_queue_role(const char *role)
{
	return strcmp(role, "msp_queue") == 0 ||
	       strcmp(role, "mta_queue") == 0 ||
	       strncmp(role, "postfix_", 8) == 0 ||
	       strcmp(role, "exim_input") == 0;
}

/* The mail that waits in the queues of spools[]. */
struct waiting {
	long long queued;  /* messages in every queue */
	long long oldest;  /* largest oldest_age_s, -1 if none known */
	const char *first; /* the first queue holding any */
	json_t *where;     /* path -> messages */
};

/* count_waiting - w from the queues of spools[] that hold mail. */
static void
count_waiting(json_t *spools, struct waiting *w)
{
	json_t *s;
	size_t i;

	w->queued = 0;
	w->oldest = -1;
	w->first = NULL;
	w->where = json_object();
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
		w->queued += json_integer_value(q);
		json_object_set_new(w->where, path,
		                    json_integer(json_integer_value(q)));
		if (w->first == NULL)
			w->first = path;
		if (json_is_integer(age) && json_integer_value(age) > w->oldest)
			w->oldest = json_integer_value(age);
	}
}

/* down_remedy - start the daemon (enabling it at boot when it is not:
 * that is why it was down), or (it runs) make it listen; for Exim
 * (service the "mta" section names) start it and run the queue. */
static void
down_remedy(const struct initsys *is, const char *kind, const char *service,
            int running, int port, char *out, size_t n)
{
	char cmd[256];

	if (strcmp(kind, "exim") == 0) {
		initsys_start(is, service ? service : "exim", 1, cmd,
		              sizeof(cmd));
		snprintf(out, n, "%s; then deliver what waits: exim -qf", cmd);
		return;
	}
	if (!running) {
		initsys_start(is, kind, 1, out, n);
		return;
	}
	initsys_restart(is, kind, cmd, sizeof(cmd));
	snprintf(out, n,
	         "the %s daemon runs but does not listen on 127.0.0.1:%d: "
	         "check DaemonPortOptions in /etc/mail/sendmail.cf, then %s",
	         kind, port, cmd);
}

void
mta_findings(struct cycle *c, const struct mta_config *cfg)
{
	json_t *mta = json_object_get(c->report, "mta");
	const char *kind = json_string_value(json_object_get(mta, "kind"));
	json_t *run = json_object_get(mta, "daemon_running");
	json_t *lis = json_object_get(mta, "smtp_listening");
	int port = (int)cfg->smtp_port, down;
	char remedy[512], portbuf[16];
	struct waiting w;

	relay_findings(c);
	if (kind == NULL || strcmp(kind, "none") == 0)
		return;
	if (json_object_get(mta, "paniclog") != NULL)
		exim_paniclog_finding(c, json_object_get(mta, "paniclog"));
	/* unknown (no proc) is not "down"; postfix may queue unlistening */
	if (strcmp(kind, "postfix") == 0)
		down = json_is_false(run);
	else if (strcmp(kind, "exim") == 0)
		/* local mail is spooled by /usr/sbin/sendmail itself: what
		 * matters is that something runs the queue, the daemon or a
		 * queue runner from cron */
		down = json_is_false(run) &&
		       json_is_null(json_object_get(mta, "cron_queue_runner"));
	else
		down = json_is_false(run) || json_is_false(lis);
	count_waiting(json_object_get(c->report, "spools"), &w);
	if (w.queued == 0 || !down) {
		json_decref(w.where);
		return;
	}
	snprintf(portbuf, sizeof(portbuf), "%d", port);
	down_remedy(&c->init, kind,
	            json_string_value(json_object_get(mta, "exim_service")),
	            !json_is_false(run), port, remedy, sizeof(remedy));
	cycle_finding(
	    c, "mta.down", "critical", kind,
	    json_pack("{s:I, s:o, s:O, s:O, s:I, s:o}", "queued",
	              (json_int_t)w.queued, "queued_by_spool", w.where,
	              "daemon_running", run, "smtp_listening", lis, "port",
	              (json_int_t)port, "oldest_age_s",
	              w.oldest >= 0 ? json_integer(w.oldest) : json_null()),
	    remedy, "%s %s%s%s: %lld message%s wait%s in %s%s", kind,
	    json_is_false(run) ? "is not running" : "runs",
	    json_is_false(lis) ? json_is_false(run)
	                             ? " and nothing listens "
	                               "on 127.0.0.1:"
	                             : " but nothing listens on 127.0.0.1:"
	                       : "",
	    json_is_false(lis) ? portbuf : "", w.queued,
	    w.queued == 1 ? "" : "s", w.queued == 1 ? "s" : "", w.first,
	    json_object_size(w.where) > 1 ? " and elsewhere" : "");
}
