/*
 * mta.c - which MTA is installed, whether its daemon runs and whether
 * anything listens on its SMTP port of the loopback: the "mta" section.
 *
 * Processes are read from ROOT/proc/PID/{comm (or stat),cmdline} into fixed
 * buffers; a daemon counts only when it belongs to root (or postfix's
 * mail_owner, from status) and its exe link, when readable, names a
 * program in a system directory (under --root a fixture's exe is a
 * symbolic link to the host path); listeners from ROOT/proc/net/tcp and tcp6.
 * Without a readable proc (an image mounted for --root) both answers are null:
 * unknown, and mta.down is then never raised.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/probe/accounts.h"
#include "agent/cycle.h"
#include "agent/collect/mta.h"
#include "agent/collect/relay_collect.h"
#include "agent/probe/accounts.h"
#include "agent/probe/mtaconf.h"
#include "common/compat.h"
#include "common/config.h"
#include "agent/collect/exim_collect.h"
#include "agent/probe/exim_detect.h"
#include "agent/diagnose/exim_findings.h"
#include "common/fsutil.h"

#define PROC_ARGS 4096 /* bytes of a cmdline looked at */

/* --- processes -------------------------------------------------------- */

struct proc_seen {
	int daemon; /* the MTA daemon: -1 unknown */
	long daemon_pid;
	int msp_runner; /* sendmail's MSP queue runner */
};

/*
 * classify - decide from comm and the NUL-separated arguments whether a
 * process is the kind's daemon or sendmail's MSP queue runner.
 */
static void
classify(const struct mtaconf *mc, const char *comm, char *args, ssize_t alen,
         long pid, long uid, long exim_uid, struct proc_seen *ps)
{
	enum mta_kind kind = mc->kind;
	int is_daemon = 0, is_runner = 0;

	for (ssize_t i = 0; i < alen; i++)
		if (args[i] == '\0')
			args[i] = ' ';
	if (kind == MTA_SENDMAIL &&
	    (strcmp(comm, "sendmail") == 0 || strcmp(comm, "sm-mta") == 0 ||
	     strncmp(args, "sendmail", 8) == 0)) {
		if (strstr(args, "accepting connections") != NULL ||
		    strstr(args, "rejecting connections") != NULL ||
		    ((strstr(args, " -bd") != NULL ||
		      strstr(args, " -bD") != NULL) &&
		     strstr(args, " -Ac") == NULL))
			is_daemon = 1;
		else if (strstr(args, " -Ac") != NULL ||
		         strstr(args, "sm-msp-queue") != NULL)
			is_runner = 1;
		else if (strstr(args, "Queue runner") != NULL)
			/* "Queue runner@01:00:00 for DIR": the MSP's if DIR
			 * is one of submit.cf's queues */
			for (size_t i = 0; i < mc->n_msp; i++)
				if (strstr(args, mc->msp_queues[i]) != NULL)
					is_runner = 1;
	} else if (kind == MTA_POSTFIX && strcmp(comm, "master") == 0 &&
	           strstr(args, "postfix") != NULL) {
		is_daemon = 1;
	} else if (kind == MTA_EXIM &&
	           (strcmp(comm, "exim4") == 0 || strcmp(comm, "exim") == 0) &&
	           (uid == 0 || uid < 0 || uid == exim_uid) &&
	           (strncmp(args, "/usr/sbin/exim", 14) == 0 ||
	            strncmp(args, "exim", 4) == 0)) {
		/* "/usr/sbin/exim4 -bd -q30m" (the daemon; Exim 4.96 runs
		 * it as exim_user once it listens) or "exim4 -q30m"
		 * (Debian's QUEUERUNNER='queueonly'), of root or exim_user:
		 * both deliver; another user's own exim does not */
		if (strstr(args, " -bd") != NULL || strstr(args, " -q") != NULL)
			is_daemon = 1;
	}
	if (is_daemon && ps->daemon != 1) {
		ps->daemon = 1;
		ps->daemon_pid = pid;
	}
	if (is_runner)
		ps->msp_runner = 1;
}

/*
 * proc_uid - the real uid of the process in pfd from its status file
 * ("Uid:\treal\teffective..."); -1 when unreadable.
 */
static long
proc_uid(int pfd)
{
	char buf[4096], *p, *end;
	long uid;

	if (read_small_at(pfd, "status", buf, sizeof(buf)) <= 0 ||
	    (p = strstr(buf, "\nUid:")) == NULL)
		return -1;
	uid = strtol(p + 5, &end, 10);
	return end == p + 5 || uid < 0 ? -1 : uid;
}

/*
 * exe_trusted - 0 when the process's executable (the exe link, read and
 * never followed; under --root a fixture's link to the host path) lies
 * outside the system's program directories: not an MTA a package
 * installed.  1 when it is inside them, or when exe cannot be read (a
 * kernel thread, no ptrace access): the owner check still applies.
 */
static int
exe_trusted(int pfd)
{
	static const char *const dirs[] = {
	    "/usr/sbin/",      "/usr/lib/",           "/usr/libexec/",
	    "/sbin/",          "/usr/lib64/",         "/usr/local/sbin/",
	    "/usr/local/lib/", "/usr/local/libexec/",
	};
	char exe[PATH_MAX];
	ssize_t n = readlinkat(pfd, "exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return 1;
	exe[n] = '\0';
	if (strstr(exe, "/../") != NULL)
		return 0;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strncmp(exe, dirs[i], strlen(dirs[i])) == 0)
			return 1;
	return 0;
}

/*
 * owner_trusted - 1 when the process belongs to root or to the MTA's own
 * user (postfix's mail_owner, sendmail's smmsp): anyone can start a
 * process named "master" or "sendmail", not as these users.
 */
static int
owner_trusted(struct cycle *c, const struct mtaconf *mc, long uid)
{
	const struct account_user *u;
	const char *user;

	if (uid == 0)
		return 1;
	if (uid < 0 || c->accounts == NULL)
		return 0;
	/* sendmail's MSP queue runner runs as smmsp */
	if (mc->kind == MTA_POSTFIX)
		user = mc->postfix_owner[0] ? mc->postfix_owner : "postfix";
	else
		user = "smmsp";
	u = accounts_user_by_name(c->accounts, user);
	return u != NULL && (long)u->uid == uid;
}

static void
scan_procs(struct cycle *c, const struct mtaconf *mc, struct proc_seen *ps)
{
	char path[PATH_MAX], comm[64], args[PROC_ARGS];
	struct dirent *d;
	DIR *dir;
	long exim_uid = -2; /* matches no process */

	if (mc->kind == MTA_EXIM && mc->exim && c->accounts) {
		const struct account_user *u = accounts_user_by_name(
		    c->accounts, mc->exim->conf.exim_user);
		if (u != NULL)
			exim_uid = (long)u->uid;
	}
	ps->daemon = -1;
	ps->daemon_pid = 0;
	ps->msp_runner = 0;
	if (cycle_path(c, path, sizeof(path), "/proc") == -1)
		return;
	dir = opendir(path);
	if (dir == NULL) {
		cycle_error(c, "/proc", "cannot tell whether the MTA runs: %s",
		            strerror(errno));
		return;
	}
	ps->daemon = 0;
	while ((d = readdir(dir)) != NULL) {
		char *end;
		long pid = strtol(d->d_name, &end, 10);
		ssize_t alen;
		int pfd;

		if (*end != '\0' || pid <= 0)
			continue;
		pfd = openat(dirfd(dir), d->d_name,
		             O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pfd == -1)
			continue; /* exited meanwhile */
		if (compat_proc_comm(pfd, comm, sizeof(comm)) > 0) {
			alen =
			    read_small_at(pfd, "cmdline", args, sizeof(args));
			if (alen < 0)
				alen = 0;
			struct proc_seen one = {0, 0, 0};
			long uid = proc_uid(pfd);

			classify(mc, comm, args, alen, pid, uid, exim_uid, &one);
			if ((one.daemon == 1 || one.msp_runner) &&
			    (owner_trusted(c, mc, uid) ||
			     (mc->kind == MTA_EXIM && uid == exim_uid)) &&
			    exe_trusted(pfd)) {
				if (one.daemon == 1 && ps->daemon != 1) {
					ps->daemon = 1;
					ps->daemon_pid = pid;
				}
				if (one.msp_runner)
					ps->msp_runner = 1;
			}
		}
		close(pfd);
	}
	closedir(dir);
}

/* --- listeners -------------------------------------------------------- */

#define TCP_LISTEN 0x0A

/*
 * tcp_line - from one /proc/net/tcp{,6} line, whether it is a socket in
 * LISTEN on port whose local address is loopback or the wildcard; the
 * address in text into addr.
 */
static int
tcp_line(const char *line, int v6, int port, char *addr, size_t n)
{
	char local[64];
	unsigned lport, st;
	const char *p;

	p = strchr(line, ':');
	if (p == NULL)
		return 0;
	if (sscanf(p + 1, " %63[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x", local,
	           &lport, &st) != 3)
		return 0;
	if (st != TCP_LISTEN || lport != (unsigned)port)
		return 0;
	if (!v6) {
		unsigned a;

		if (strlen(local) != 8 || sscanf(local, "%x", &a) != 1)
			return 0;
		/* the kernel prints the address in host (little) endian */
		if (a != 0 && (a & 0xff) != 127)
			return 0;
		snprintf(addr, n, "%u.%u.%u.%u:%d", a & 0xff, (a >> 8) & 0xff,
		         (a >> 16) & 0xff, a >> 24, port);
		return 1;
	}
	if (strlen(local) != 32)
		return 0;
	if (strcmp(local, "00000000000000000000000000000000") == 0) {
		snprintf(addr, n, "[::]:%d", port);
		return 1;
	}
	if (strcmp(local, "00000000000000000000000001000000") == 0) {
		snprintf(addr, n, "[::1]:%d", port);
		return 1;
	}
	/* ::ffff:127.x.y.z, the last word printed like an IPv4 address */
	if (strncasecmp(local, "0000000000000000FFFF0000", 24) == 0) {
		unsigned a;

		if (sscanf(local + 24, "%8x", &a) != 1 || (a & 0xff) != 127)
			return 0;
		snprintf(addr, n, "[::ffff:%u.%u.%u.%u]:%d", a & 0xff,
		         (a >> 8) & 0xff, (a >> 16) & 0xff, a >> 24, port);
		return 1;
	}
	return 0;
}

/* scan_tcp - listeners on port; -1 if neither file could be read. */
static int
scan_tcp(struct cycle *c, int port, json_t *listeners)
{
	static const char *const files[2] = {"/proc/net/tcp", "/proc/net/tcp6"};
	char path[PATH_MAX], line[512], addr[64];
	int readable = 0, found = 0;

	for (int v6 = 0; v6 < 2; v6++) {
		FILE *fp;

		if (cycle_path(c, path, sizeof(path), files[v6]) == -1)
			continue;
		fp = fopen(path, "re");
		if (fp == NULL) {
			if (errno != ENOENT)
				cycle_error(c, files[v6], "%s",
				            strerror(errno));
			continue;
		}
		readable = 1;
		while (fgets(line, sizeof(line), fp) != NULL) {
			if (strchr(line, '\n') == NULL) {
				int ch;

				while ((ch = getc(fp)) != EOF && ch != '\n')
					;
			}
			if (tcp_line(line, v6, port, addr, sizeof(addr))) {
				found = 1;
				json_array_append_new(listeners,
				                      json_string(addr));
			}
		}
		fclose(fp);
	}
	if (!readable) {
		cycle_error(c, "/proc/net/tcp",
		            "cannot tell whether anything listens on port %d",
		            port);
		return -1;
	}
	return found;
}

static json_t *
tri(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

void
mta_collect(struct cycle *c, const struct mta_config *cfg)
{
	const struct mtaconf *mc = c->mta;
	struct proc_seen ps;
	char path[PATH_MAX];
	json_t *mta, *listeners;
	int listening;

	listeners = json_array();
	ps.daemon = mc->kind == MTA_NONE ? 0 : -1;
	ps.daemon_pid = 0;
	ps.msp_runner = 0;
	listening = -1;
	if (cycle_path(c, path, sizeof(path), "/proc") == 0 &&
	    access(path, F_OK) == -1 && errno == ENOENT) {
		/* an image without proc/: unknown, said once */
		if (mc->kind != MTA_NONE)
			cycle_error(c, "/proc",
			            "not there: whether %s runs "
			            "and listens is unknown",
			            mtaconf_kind_name(mc->kind));
	} else {
		if (mc->kind != MTA_NONE)
			scan_procs(c, mc, &ps);
		listening = scan_tcp(c, (int)cfg->smtp_port, listeners);
	}
	mta = json_pack(
	    "{s:s, s:s, s:o, s:o, s:I, s:o}", "kind",
	    mtaconf_kind_name(mc->kind), "detected_by", mc->how ? mc->how : "",
	    "daemon_running", tri(ps.daemon), "smtp_listening", tri(listening),
	    "smtp_port", (json_int_t)cfg->smtp_port, "listeners", listeners);
	if (ps.daemon_pid > 0)
		json_object_set_new(mta, "daemon_pid",
		                    json_integer(ps.daemon_pid));
	if (mc->kind == MTA_EXIM && mc->exim) {
		json_object_set_new(
		    mta, "exim_user",
		    json_str_safe(mc->exim->conf.exim_user,
		                  strlen(mc->exim->conf.exim_user), 256));
		/* Debian's package and unit are exim4, RHEL's exim */
		json_object_set_new(mta, "exim_service",
		                    json_string(mc->exim->flavour == EXIM_DEBIAN
		                                    ? "exim4"
		                                    : "exim"));
		json_object_set_new(mta, "queuerunner",
		                    mc->exim->queuerunner[0]
		                        ? json_string(mc->exim->queuerunner)
		                        : json_null());
		{
			json_t *pl = exim_collect_paniclog(c, mc->exim);
			if (pl)
				json_object_set_new(mta, "paniclog", pl);
		}
		json_object_set_new(
		    mta, "cron_queue_runner",
		    mc->exim->cron_runner
		        ? json_str_safe(mc->exim->cron_line,
		                        strlen(mc->exim->cron_line), 256)
		        : json_null());
	}
	if (mc->kind == MTA_SENDMAIL) {
		json_object_set_new(mta, "msp_user",
		                    mc->msp_user[0] ? json_string(mc->msp_user)
		                                    : json_null());
		json_object_set_new(mta, "msp_queue_runner",
		                    tri(ps.daemon < 0 ? -1 : ps.msp_runner));
	}
	relay_mta(c, mta,
	          mc->how != NULL && strcmp(mc->how, "agent.conf") == 0);
	json_object_set_new(c->report, "mta", mta);
}
