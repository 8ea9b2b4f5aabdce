/*
 * relay_collect.c - the small relays in the report (see relay_collect.h).
 *
 * Reads under the root: /usr/sbin/sendmail and what it links to, the
 * relay's configuration (relay.c), its queue directories (relayq.c) and
 * proc/PID/comm for nullmailer-send.  Nothing here fails the cycle.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/cycle.h"
#include "agent/collect/mailq.h"
#include "agent/probe/relay.h"
#include "agent/collect/relay_collect.h"
#include "agent/collect/relayq.h"

static int
is_small(const char *kind)
{
	return strcmp(kind, "nullmailer") == 0 || strcmp(kind, "msmtp") == 0 ||
	       strcmp(kind, "ssmtp") == 0 || strcmp(kind, "dma") == 0;
}

/* proc_running - is a process with this comm running: 1, 0, or -1 when
 * the root has no proc/ to tell */
static int
proc_running(struct cycle *c, const char *comm)
{
	char path[PATH_MAX];
	struct dirent *de;
	int found = 0, dfd;
	DIR *d;

	if (cycle_path(c, path, sizeof(path), "/proc") == -1)
		return -1;
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1 || (d = fdopendir(dfd)) == NULL) {
		if (dfd != -1)
			close(dfd);
		return -1;
	}
	while (!found && (de = readdir(d)) != NULL) {
		char name[300], buf[64];
		ssize_t n;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(name, sizeof(name), "%s/comm", de->d_name);
		fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd == -1)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		/* comm is cut to 15 bytes: "nullmailer-send" fits */
		found = strncmp(buf, comm, 15) == 0;
	}
	closedir(d);
	return found;
}

void
relay_mta(struct cycle *c, json_t *mta, int forced)
{
	struct relay_info ri;
	struct relay_conf rc;
	char how[RELAY_PATH_MAX + 64];
	int run = -1;

	if (forced || relay_detect(c->root, &ri) == -1 || !is_small(ri.kind))
		return;
	relay_config(c->root, ri.kind, &rc);
	if (strcmp(ri.how, "symlink") == 0)
		snprintf(how, sizeof(how), "/usr/sbin/sendmail links to %s",
		         ri.target);
	else if (strcmp(ri.how, "package") == 0)
		snprintf(how, sizeof(how),
		         "/usr/sbin/sendmail belongs to the %s package",
		         ri.kind);
	else
		snprintf(how, sizeof(how), "/usr/sbin/sendmail is %s's binary",
		         ri.kind);
	if (strcmp(ri.kind, "nullmailer") == 0)
		run = proc_running(c, "nullmailer-send");
	json_object_set_new(mta, "kind", json_string(ri.kind));
	json_object_set_new(mta, "detected_by",
	                    json_str_safe(how, strlen(how), sizeof(how)));
	json_object_set_new(mta, "daemon_running",
	                    run < 0 ? json_null() : json_boolean(run));
	json_object_set_new(
	    mta, "relay",
	    json_pack("{s:s, s:o, s:s, s:o, s:s, s:s, s:b}", "program", ri.kind,
	              "sendmail",
	              json_str_safe(ri.target, strlen(ri.target), 4096),
	              "detected_by", ri.how, "smarthost",
	              rc.relay[0] ? json_str_safe(rc.relay, strlen(rc.relay),
	                                          sizeof(rc.relay))
	                          : json_null(),
	              "config", rc.file, "configured",
	              rc.state == RELAY_CONF_SET      ? "yes"
	              : rc.state == RELAY_CONF_DIRECT ? "direct"
	                                              : "no",
	              "package_default", rc.package_default));
}

static void
scan_one(struct cycle *c, struct mailq *q, const char *host, int dma,
         const char *status)
{
	struct relayq_errs e;
	char real[PATH_MAX];
	struct stat st;

	memset(&e, 0, sizeof(e));
	if (cycle_path(c, real, sizeof(real), host) == -1 ||
	    (stat(real, &st) == -1 && errno == ENOENT))
		return;
	if ((dma ? relayq_scan_dma(q, real, host, &e)
	         : relayq_scan_nullmailer(q, real, host, status, &e)) == -1) {
		cycle_error(c, host, "%s", e.first);
		return;
	}
	if (e.n > 0)
		cycle_error(c, host, "%lu queue file%s not read; the first: %s",
		            e.n, e.n == 1 ? "" : "s", e.first);
}

void
relay_queues(struct cycle *c, struct mailq *q)
{
	scan_one(c, q, RELAY_NULLMAILER_QUEUE, 0, "queued");
	scan_one(c, q, RELAY_NULLMAILER_FAILED, 0,
	         "failed: nullmailer-send gave up on it (failed/)");
	scan_one(c, q, RELAY_DMA_SPOOL, 1, NULL);
}

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
