/*
 * relayq.c - nullmailer's and dma's queue files (see relayq.h).
 *
 * One buffer of RELAYQ_READ_MAX bytes per scan; every file is opened
 * relative to its directory's descriptor with O_NOFOLLOW and checked to
 * be a regular file with one link before a byte is read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/parse/msghdr.h"
#include "agent/collect/relayq.h"
#include "common/safe_open.h"
#include "common/xalloc.h"

static struct mailq_bytes
qb(const char *p, size_t n)
{
	struct mailq_bytes b = {p, n};
	return b;
}

int
relayq_nullmailer_parse(const char *p, size_t n, struct relayq_env *e)
{
	size_t i = 0, line = 0;

	memset(e, 0, sizeof(*e));
	e->msg_off = n;
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) : n, ll = end - i;

		if (nl == NULL)
			return -1; /* the envelope ends with an empty line */
		if (ll == 0) {
			if (line < 2)
				return -1; /* a sender and a recipient */
			e->msg_off = end + 1;
			return 0;
		}
		if (line == 0) {
			e->from = qb(p + i, ll);
		} else {
			if (e->nto < MAILQ_MAX_RCPT)
				e->to[e->nto++] = qb(p + i, ll);
			e->total_to++;
		}
		line++;
		i = end + 1;
	}
	return -1;
}

static int
key_is(const char *p, size_t n, const char *key, struct mailq_bytes *out)
{
	size_t kl = strlen(key);

	if (n <= kl || memcmp(p, key, kl) != 0 || p[kl] != ':')
		return 0;
	p += kl + 1;
	n -= kl + 1;
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	*out = qb(p, n);
	return 1;
}

int
relayq_dma_parse(const char *p, size_t n, struct relayq_dma *d)
{
	size_t i = 0;

	memset(d, 0, sizeof(*d));
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) : n, ll = end - i;

		if (ll == 0)
			break;
		if (!key_is(p + i, ll, "ID", &d->id) &&
		    !key_is(p + i, ll, "Sender", &d->sender))
			key_is(p + i, ll, "Recipient", &d->recipient);
		i = end + 1;
	}
	return d->id.p != NULL && d->id.n > 0 && d->recipient.p != NULL ? 0
	                                                                : -1;
}

static void
fail(struct relayq_errs *e, const char *name, const char *why)
{
	if (e->n++ == 0)
		snprintf(e->first, sizeof(e->first), "%.200s: %.300s", name,
		         why);
}

/* read_one - up to cap bytes of dir/name, a regular file with one link
 * (safe_open_entry: not a link, FIFO or a file swapped in after the
 * lstat); its length or -1 with why. */
static ssize_t
read_one(int dfd, const char *name, char *buf, size_t cap, struct stat *st,
         char *why, size_t whylen)
{
	enum safe_fail fail;
	int fd = safe_open_entry(dfd, name, SAFE_ONE_LINK, st, &fail, why,
	                         whylen);
	size_t n = 0;

	if (fd == -1)
		return -1;
	while (n < cap) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(why, whylen, "read: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	return (ssize_t)n;
}

/* created_of - the epoch in a nullmailer file name "<epoch>.<pid>" */
static long long
created_of(const char *name, long long fallback)
{
	long long v = 0;
	size_t i;

	for (i = 0; name[i] >= '0' && name[i] <= '9' && i < 12; i++)
		v = v * 10 + (name[i] - '0');
	return i >= 9 && name[i] == '.' ? v : fallback;
}

/* item_from_message - Subject and cron job of the message part */
static void
item_from_message(struct mailq_item *it, const char *p, size_t n,
                  struct msghdr *h, struct cron_job *cj)
{
	msghdr_parse(p, n, h);
	if (h->subject_len > 0)
		it->subject = qb(h->subject, h->subject_len);
	if (msghdr_cron(h, cj))
		it->cron_command = qb(cj->command, cj->command_len);
}

static DIR *
open_dir(const char *real, int *dfd, struct relayq_errs *e)
{
	DIR *d;

	*dfd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*dfd == -1) {
		fail(e, real, strerror(errno));
		return NULL;
	}
	if ((d = fdopendir(*dfd)) == NULL) {
		fail(e, real, strerror(errno));
		close(*dfd);
	}
	return d;
}

/* Scratch of one scan: the buffer and the fixed-size parse results. */
struct scratch {
	char *buf;
	struct msghdr h;
	struct cron_job cj;
};

long long
relayq_scan_nullmailer(struct mailq *q, const char *real, const char *host,
                       const char *status, struct relayq_errs *e)
{
	struct scratch *s;
	struct dirent *de;
	long long added = 0;
	int dfd;
	DIR *d;

	if ((d = open_dir(real, &dfd, e)) == NULL)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->buf = xmalloc(RELAYQ_READ_MAX);
	while ((de = readdir(d)) != NULL) {
		struct relayq_env env;
		struct mailq_item it;
		struct stat st;
		char why[160];
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		n = read_one(dfd, de->d_name, s->buf, RELAYQ_READ_MAX, &st,
		             why, sizeof(why));
		if (n < 0) {
			fail(e, de->d_name, why);
			continue;
		}
		if (relayq_nullmailer_parse(s->buf, (size_t)n, &env) == -1) {
			fail(e, de->d_name,
			     "not a nullmailer queue file (no sender and "
			     "recipients before an empty line)");
			continue;
		}
		memset(&it, 0, sizeof(it));
		it.id = qb(de->d_name, strlen(de->d_name));
		it.from = env.from;
		memcpy(it.to, env.to, sizeof(env.to));
		it.nto = env.nto;
		it.total_to = env.total_to;
		it.created = created_of(de->d_name, (long long)st.st_mtime);
		it.last_try = it.tries = -1;
		it.size = (long long)st.st_size;
		it.status = qb(status, strlen(status));
		item_from_message(&it, s->buf + env.msg_off,
		                  (size_t)n - env.msg_off, &s->h, &s->cj);
		mailq_add(q, host, &it);
		added++;
	}
	closedir(d);
	free(s->buf);
	free(s);
	return added;
}

long long
relayq_scan_dma(struct mailq *q, const char *real, const char *host,
                struct relayq_errs *e)
{
	struct scratch *s;
	struct dirent *de;
	long long added = 0;
	char *qbuf;
	int dfd;
	DIR *d;

	if ((d = open_dir(real, &dfd, e)) == NULL)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->buf = xmalloc(RELAYQ_READ_MAX);
	qbuf = xmalloc(4096);
	while ((de = readdir(d)) != NULL) {
		struct relayq_dma qd;
		struct mailq_item it;
		struct stat st, mst;
		char mname[300];
		char why[160];
		const char *dot;
		ssize_t n, mn;

		if (de->d_name[0] != 'Q' || de->d_name[1] == '\0')
			continue;
		n = read_one(dfd, de->d_name, qbuf, 4096, &st, why,
		             sizeof(why));
		if (n < 0) {
			fail(e, de->d_name, why);
			continue;
		}
		if (relayq_dma_parse(qbuf, (size_t)n, &qd) == -1) {
			fail(e, de->d_name,
			     "not a dma queue file (no ID: and Recipient: "
			     "lines)");
			continue;
		}
		memset(&it, 0, sizeof(it));
		it.id = qb(de->d_name + 1, strlen(de->d_name + 1));
		it.from = qd.sender;
		it.to[0] = qd.recipient;
		it.nto = it.total_to = 1;
		it.created = (long long)st.st_mtime;
		it.last_try = it.tries = it.size = -1;
		it.status = qb("queued", 6);
		/* the message: M<id> with the ".<n>" of the recipient cut */
		dot = strrchr(de->d_name + 1, '.');
		snprintf(mname, sizeof(mname), "M%.*s",
		         (int)(dot ? (size_t)(dot - de->d_name - 1)
		                   : strlen(de->d_name + 1)),
		         de->d_name + 1);
		mn = read_one(dfd, mname, s->buf, RELAYQ_READ_MAX, &mst, why,
		              sizeof(why));
		if (mn < 0) {
			it.df_missing = 1;
			fail(e, mname, why);
		} else {
			it.size = (long long)mst.st_size;
			item_from_message(&it, s->buf, (size_t)mn, &s->h,
			                  &s->cj);
		}
		mailq_add(q, host, &it);
		added++;
	}
	closedir(d);
	free(qbuf);
	free(s->buf);
	free(s);
	return added;
}
