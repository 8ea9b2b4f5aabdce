/*
 * exim_queue.c - the Exim spool walk (see exim_queue.h).
 *
 * Reads, below the spool directory it is given: input/ID-H (the first
 * EXIM_QUEUE_HDR_MAX bytes), the size of input/ID-D, and the last
 * EXIM_QUEUE_MSGLOG_TAIL bytes of msglog/ID; the same one level down for
 * split spools.  One -H buffer and one msglog buffer are reused for every
 * message; nothing is allocated per message.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/probe/exim_queue.h"
#include "common/safe_open.h"
#include "common/xalloc.h"

struct walk {
	struct exim_queue *q;
	struct sl_clock *clk;
	time_t now;
	exim_queue_fn fn;
	void *arg;
	int msglogfd; /* msglog/, -1 if it cannot be opened */
	int logsubfd; /* msglog/ or msglog/SUB of the walked directory */
	char *hbuf;   /* EXIM_QUEUE_HDR_MAX + 1 */
	char *lbuf;   /* EXIM_QUEUE_MSGLOG_TAIL */
	struct exim_msg m;
	struct exim_msglog log;
};

static int
open_dir(int dirfd, const char *name)
{
	return openat(dirfd, name,
	              O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* pread_all - up to n bytes of fd from off; the count, or -1 */
static ssize_t
pread_all(int fd, char *buf, size_t n, off_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, off + (off_t)got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static void
problem(struct exim_queue *q, const char *sub, const char *name,
        const char *why)
{
	if (q->first_problem[0] != '\0')
		return;
	snprintf(q->first_problem, sizeof(q->first_problem), "input/%s%s%s: %s",
	         sub, *sub ? "/" : "", name, why);
}

/* msglog - the last error of id from msglog/[sub/]id (w->logsubfd);
 * NULL if none */
static const struct exim_msglog *
msglog(struct walk *w, const char *id)
{
	char why[160];
	struct stat st;
	enum safe_fail fail;
	ssize_t n;
	off_t off;
	const char *p;
	int fd;

	if (w->logsubfd < 0)
		return NULL;
	fd = safe_open_entry(w->logsubfd, id, SAFE_ONE_LINK, &st, &fail, why,
	                     sizeof(why));
	if (fd < 0)
		return NULL;
	off = st.st_size > EXIM_QUEUE_MSGLOG_TAIL
	          ? st.st_size - EXIM_QUEUE_MSGLOG_TAIL
	          : 0;
	n = pread_all(fd, w->lbuf, EXIM_QUEUE_MSGLOG_TAIL, off);
	close(fd);
	if (n <= 0)
		return NULL;
	p = w->lbuf;
	if (off > 0) {
		/* begin at the first whole line of the tail */
		const char *nl = memchr(p, '\n', (size_t)n);
		if (nl == NULL)
			return NULL;
		n -= nl + 1 - p;
		p = nl + 1;
	}
	if (exim_msglog_parse(p, (size_t)n, w->clk, &w->log) < 0)
		return NULL;
	return &w->log;
}

/* reason - count a frozen message under its reason: the last one that is
 * not a retry wait, else the last one, from its msglog */
static void
reason(struct exim_queue *q, const struct exim_msglog *log,
       const struct exim_msg *m)
{
	long long recv = m->received;
	static const char none[] = "no reason in the msglog";
	char text[EXIM_QUEUE_REASON_MAX];
	struct sl_span r = {none, sizeof(none) - 1};
	size_t n, i;

	if (log && log->cause.p)
		r = log->cause;
	else if (log && log->reason.p)
		r = log->reason;
	n = r.n < sizeof(text) ? r.n : sizeof(text) - 1;
	memcpy(text, r.p, n);
	text[n] = '\0';
	for (i = 0; i < q->nreasons; i++)
		if (strcmp(q->reasons[i].text, text) == 0)
			break;
	if (i == q->nreasons) {
		if (q->nreasons == EXIM_QUEUE_REASONS) {
			q->reasons_other++;
			return;
		}
		memcpy(q->reasons[i].text, text, n + 1);
		q->reasons[i].count = 0;
		q->reasons[i].oldest = -1;
		q->nreasons++;
	}
	q->reasons[i].count++;
	if (q->reasons[i].oldest < 0 ||
	    (recv >= 0 && recv < q->reasons[i].oldest)) {
		q->reasons[i].oldest = recv;
		memcpy(q->reasons[i].oldest_id, m->id, sizeof(m->id));
		q->reasons[i].bounce = m->bounce;
	}
	/* keep the most frequent first (one step of insertion) */
	while (i > 0 && q->reasons[i].count > q->reasons[i - 1].count) {
		struct exim_reason t = q->reasons[i - 1];
		q->reasons[i - 1] = q->reasons[i];
		q->reasons[i] = t;
		i--;
	}
}

/* one_header - an ID-H file of the directory dfd */
static void
one_header(struct walk *w, int dfd, const char *sub, const char *name,
           size_t idlen)
{
	struct exim_queue *q = w->q;
	struct exim_queue_msg qm;
	char dname[64], id[EXIM_ID_MAX], err[160];
	struct stat st, ds;
	enum safe_fail fail;
	ssize_t n;
	int fd;

	memset(&qm, 0, sizeof(qm));
	memcpy(id, name, idlen);
	id[idlen] = '\0';
	fd = safe_open_entry(dfd, name, SAFE_ONE_LINK, &st, &fail, err,
	                     sizeof(err));
	if (fd < 0) {
		if (fail == SAFE_GONE) /* delivered meanwhile */
			return;
		q->unreadable++;
		problem(q, sub, name, err);
		return;
	}
	n = pread_all(fd, w->hbuf, EXIM_QUEUE_HDR_MAX + 1, 0);
	close(fd);
	if (n < 0) {
		q->unreadable++;
		problem(q, sub, name, strerror(errno));
		return;
	}
	if (n > EXIM_QUEUE_HDR_MAX) {
		n = EXIM_QUEUE_HDR_MAX;
		qm.hdr_cut = 1;
	}
	if (exim_hdr_parse(w->hbuf, (size_t)n, &w->m, err, sizeof(err)) < 0 ||
	    strcmp(w->m.id, id) != 0) {
		q->malformed++;
		problem(q, sub, name,
		        strcmp(w->m.id, id) != 0 && err[0] == '\0'
		            ? "its first line names another message"
		            : err);
		return;
	}
	q->messages++;
	snprintf(dname, sizeof(dname), "%s-D", id);
	if (fstatat(dfd, dname, &ds, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(ds.st_mode)) {
		qm.size = exim_msg_size(&w->m, (long long)ds.st_size);
	} else {
		qm.size = -1;
		qm.no_data = 1;
		q->orphan_header++;
	}
	if (w->m.received >= 0 && (q->oldest < 0 || w->m.received < q->oldest))
		q->oldest = w->m.received;
	qm.h = &w->m;
	qm.log = msglog(w, id);
	memcpy(qm.subdir, sub, strlen(sub) + 1);
	if (w->m.frozen_since >= 0) {
		q->frozen++;
		if (w->m.bounce)
			q->frozen_bounces++;
		if (w->m.received >= 0 &&
		    (q->oldest_frozen < 0 || w->m.received < q->oldest_frozen))
			q->oldest_frozen = w->m.received;
		reason(q, qm.log, &w->m);
	}
	if (w->fn)
		w->fn(w->arg, &qm);
}

/* one_data - an ID-D file: an orphan when its -H is missing and it is
 * older than the grace (Exim writes -D first, -H when it has the whole
 * message) */
static void
one_data(struct walk *w, int dfd, const char *name, size_t idlen)
{
	char hname[64];
	struct stat st;

	snprintf(hname, sizeof(hname), "%.*s-H", (int)idlen, name);
	if (fstatat(dfd, hname, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_mtime + EXIM_QUEUE_ORPHAN_GRACE_S <= w->now)
		w->q->orphan_data++;
}

/* walk_dir - the files of one input directory; sub: "" or its name */
static void
walk_dir(struct walk *w, int dfd, const char *sub, int top)
{
	DIR *d;
	struct dirent *de;
	int fd = dup(dfd);

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		w->q->unreadable++;
		problem(w->q, sub, "", strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		size_t len = strlen(name), idlen;

		if (name[0] == '.')
			continue;
		w->q->entries++;
		/* split_spool_directory: input/<6th char of the id>/ */
		if (top && len == 1 && de->d_type != DT_REG) {
			int sfd = open_dir(dfd, name);
			if (sfd >= 0) {
				int top_log = w->logsubfd;
				w->logsubfd = w->msglogfd < 0
				                  ? -1
				                  : open_dir(w->msglogfd, name);
				w->q->split = 1;
				walk_dir(w, sfd, name, 0);
				close(sfd);
				if (w->logsubfd >= 0)
					close(w->logsubfd);
				w->logsubfd = top_log;
			}
			continue;
		}
		switch (exim_file_kind(name, len, &idlen)) {
		case EXIM_FILE_H:
			one_header(w, dirfd(d), sub, name, idlen);
			break;
		case EXIM_FILE_D:
			one_data(w, dirfd(d), name, idlen);
			break;
		case EXIM_FILE_J:
			w->q->journals++;
			break;
		default:
			break;
		}
	}
	closedir(d);
}

int
exim_queue_scan(int spoolfd, time_t now, struct sl_clock *clk,
                struct exim_queue *q, exim_queue_fn fn, void *arg, char *err,
                size_t errlen)
{
	struct walk *w = xcalloc(1, sizeof(*w));
	int infd;

	memset(q, 0, sizeof(*q));
	q->oldest = q->oldest_frozen = -1;
	if ((infd = open_dir(spoolfd, "input")) < 0) {
		snprintf(err, errlen, "input: %s", strerror(errno));
		free(w);
		return -1;
	}
	w->q = q;
	w->clk = clk;
	w->now = now;
	w->fn = fn;
	w->arg = arg;
	w->msglogfd = open_dir(spoolfd, "msglog");
	w->logsubfd = w->msglogfd;
	w->hbuf = xmalloc(EXIM_QUEUE_HDR_MAX + 1);
	w->lbuf = xmalloc(EXIM_QUEUE_MSGLOG_TAIL);
	walk_dir(w, infd, "", 1);
	close(infd);
	if (w->msglogfd >= 0)
		close(w->msglogfd);
	free(w->hbuf);
	free(w->lbuf);
	free(w);
	return 0;
}
