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
#include "common/fsutil.h"

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
	long long n;
	int fd;

	memset(&e, 0, sizeof(e));
	/* every component inside --root, the queue itself not a link */
	fd = root_open(c->root, host,
	               O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1) {
		if (errno != ENOENT)
			cycle_error(c, host, "%s", strerror(errno));
		return;
	}
	n = dma ? relayq_scan_dma(q, fd, host, &e)
	        : relayq_scan_nullmailer(q, fd, host, status, &e);
	close(fd);
	if (n == -1) {
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
