/*
 * postqueue.c - run "postqueue -j" with a deadline and read its lines
 * (see postqueue.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/parse/cronmail.h"
#include "agent/collect/mailq.h"
#include "agent/probe/postqueue.h"
#include "common/compat.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

static struct mailq_bytes
str_bytes(json_t *o, const char *key)
{
	struct mailq_bytes b = {NULL, 0};
	json_t *v = json_object_get(o, key);

	if (json_is_string(v)) {
		b.p = json_string_value(v);
		b.n = json_string_length(v);
	}
	return b;
}

/* queue_file_headers - subject and cron_command of it from the queue
 * file of the message in spoolfd/QUEUE_NAME */
static void
queue_file_headers(struct mailq *q, int spoolfd, struct mailq_bytes qn,
                   struct mailq_item *it, struct cron_job *cj)
{
	char name[80], id[80];
	int qfd;

	if (spoolfd == -1 || it->id.p == NULL || it->id.n == 0 ||
	    it->id.n >= sizeof(id) || qn.n >= sizeof(name))
		return;
	memcpy(name, qn.p, qn.n);
	name[qn.n] = '\0';
	memcpy(id, it->id.p, it->id.n);
	id[it->id.n] = '\0';
	if (name[0] == '.' || memchr(id, '\0', it->id.n) != NULL)
		return;
	qfd = openat(spoolfd, name,
	             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (qfd == -1)
		return;
	(void)mailq_pfq_headers(q, qfd, id, it, cj);
	close(qfd);
}

int
postqueue_line(struct mailq *q, int spoolfd, const char *line, size_t n)
{
	json_t *o, *rcpts, *r;
	struct mailq_item it;
	struct mailq_bytes qn;
	struct cron_job cj;
	char host[300];
	size_t i;

	o = json_loadb(line, n, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return 0;
	}
	qn = str_bytes(o, "queue_name");
	if (qn.p == NULL || qn.n == 0 || qn.n > 64 ||
	    memchr(qn.p, '/', qn.n) != NULL) {
		json_decref(o);
		return 0;
	}
	memset(&it, 0, sizeof(it));
	it.id = str_bytes(o, "queue_id");
	it.from = str_bytes(o, "sender");
	it.created = json_is_integer(json_object_get(o, "arrival_time"))
	                 ? (long long)json_integer_value(
	                       json_object_get(o, "arrival_time"))
	                 : -1;
	it.size = json_is_integer(json_object_get(o, "message_size"))
	              ? (long long)json_integer_value(
	                    json_object_get(o, "message_size"))
	              : -1;
	it.last_try = it.tries = -1;
	rcpts = json_object_get(o, "recipients");
	json_array_foreach(rcpts, i, r)
	{
		if (it.nto < MAILQ_MAX_RCPT)
			it.to[it.nto++] = str_bytes(r, "address");
		if (it.status.p == NULL)
			it.status = str_bytes(r, "delay_reason");
		it.total_to++;
	}
	if (it.status.p == NULL) {
		it.status.p = "";
		it.status.n = 0;
	}
	queue_file_headers(q, spoolfd, qn, &it, &cj);
	snprintf(host, sizeof(host), "/var/spool/postfix/%.*s", (int)qn.n,
	         qn.p);
	mailq_add(q, host, &it);
	json_decref(o);
	return 1;
}

/* Postfix before 3.1 answers -j with "usage: ..." and EX_USAGE (64). */
#define EX_USAGE_STATUS 64
#define NO_JSON_WHY                                                            \
	"%s has no -j (Postfix before 3.1): the queue files are read"

/* no_json_known - whether path is the postqueue that rejected -j
 * (remember = 1: it is now). */
static int
no_json_known(const char *path, int remember)
{
	static struct stat seen;
	static int have;
	struct stat st;

	if (stat(path, &st) == -1)
		return 0;
	if (remember) {
		seen = st;
		have = 1;
		return 1;
	}
	return have && st.st_dev == seen.st_dev && st.st_ino == seen.st_ino &&
	       st.st_mtime == seen.st_mtime;
}

long long
postqueue_run(const char *path, int spoolfd, long long timeout_ms,
              struct mailq *q, long *child, char *err, size_t errlen)
{
	int fds[2], status, skipping = 0;
	pid_t pid;
	char *buf;
	size_t have = 0;
	long long added = 0, rc = -1;
	int64_t deadline = time_mono_ms() + timeout_ms;

	if (child)
		*child = -1;
	if (access(path, X_OK) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (no_json_known(path, 0)) {
		snprintf(err, errlen, NO_JSON_WHY, path);
		return POSTQUEUE_NO_JSON;
	}
	if (compat_pipe_cloexec(fds) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(fds[1], 1);
		if (devnull != -1) {
			dup2(devnull, 0);
			dup2(devnull, 2);
		}
		execl(path, "postqueue", "-j", (char *)NULL);
		_exit(127);
	}
	if (child)
		*child = (long)pid;
	close(fds[1]);
	buf = xmalloc(POSTQUEUE_LINE_MAX + 1);
	for (;;) {
		struct pollfd pfd = {fds[0], POLLIN, 0};
		int64_t left = deadline - time_mono_ms();
		ssize_t r;
		char *nl, *p;

		if (left <= 0) {
			snprintf(err, errlen,
			         "%s -j: no answer within %lld ms "
			         "(killed)",
			         path, timeout_ms);
			goto kill;
		}
		r = poll(&pfd, 1, (int)(left > 60000 ? 60000 : left));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			goto kill;
		}
		if (r == 0)
			continue;
		r = read(fds[0], buf + have, POSTQUEUE_LINE_MAX - have);
		if (r == -1 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "read: %s", strerror(errno));
			goto kill;
		}
		if (r == 0)
			break;
		have += (size_t)r;
		p = buf;
		while ((nl = memchr(p, '\n', have - (size_t)(p - buf)))) {
			if (!skipping)
				added += postqueue_line(q, spoolfd, p,
				                        (size_t)(nl - p));
			skipping = 0;
			p = nl + 1;
		}
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (have == POSTQUEUE_LINE_MAX) {
			/* a line longer than the cap: drop it */
			have = 0;
			skipping = 1;
		}
	}
	if (have > 0 && !skipping)
		added += postqueue_line(q, spoolfd, buf, have);
	close(fds[0]);
	fds[0] = -1;
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == EX_USAGE_STATUS &&
	    added == 0) {
		no_json_known(path, 1);
		snprintf(err, errlen, NO_JSON_WHY, path);
		rc = POSTQUEUE_NO_JSON;
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "%s -j exited with status %d", path,
		         WIFEXITED(status) ? WEXITSTATUS(status)
		                           : 128 + WTERMSIG(status));
		goto out;
	}
	rc = added;
	goto out;
kill:
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
out:
	if (fds[0] != -1)
		close(fds[0]);
	free(buf);
	return rc;
}
