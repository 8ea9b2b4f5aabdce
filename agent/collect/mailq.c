/*
 * mailq.c - queued mail: totals, groups, bounded details (see mailq.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/parse/cronmail.h"
#include "agent/cycle.h"
#include "agent/probe/dirscan.h"
#include "agent/limits.h"
#include "agent/collect/mailq.h"
#include "agent/parse/pfq.h"
#include "agent/parse/qf.h"
#include "agent/parse/qid.h"
#include "common/hash.h"
#include "common/jsonutil.h"
#include "common/safe_open.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

#define GROUP_SLOTS 1024 /* > 2 x MAILQ_MAX_GROUPS: short probes */
#define STATUS_MAX 256   /* bytes of a status kept for grouping */

struct status_count {
	char s[STATUS_MAX];
	size_t n;
	unsigned long long count;
};

struct qstat {
	char *host;
	unsigned long long count, statuses_other;
	unsigned long long counted_only; /* no details known */
	int listed; /* a sendmail queue read (mailq_listing_begin) */
	long long oldest;
	struct status_count st[MAILQ_MAX_STATUSES];
	size_t nst;
};

struct group {
	int used, has_cmd;
	uint64_t hash;
	char cmd[CRON_CMD_MAX];
	size_t cmdn;
	char st[STATUS_MAX];
	size_t stn;
	unsigned long long count;
	long long oldest;
};

struct kept {
	long long created;
	json_t *j;
};

/* A binary heap of kept messages; max-heap (oldest set) or min-heap. */
struct heap {
	struct kept *v;
	size_t n, cap;
	int max;
};

struct mailq {
	struct mailq_opts o;
	unsigned long long total;
	struct qstat *queues;
	size_t nqueues;
	struct group *groups; /* GROUP_SLOTS */
	size_t ngroups;
	struct group *last; /* of the message counted before */
	unsigned long long groups_other;
	struct heap oldest, newest;
	char *buf; /* qf bytes, o.qf_max_bytes + 1 */
	struct qf_msg *qm;
	struct pfq_msg *pm;
	char *dbuf;                    /* a defer log, AGENT_MAX_DEFER_LOG */
	uint64_t keys[MAILQ_CTL_KEYS]; /* a listing's qf without df */
	/* cron_of: the last Subject parsed, and what it said */
	struct cron_job cj;
	char subj[QF_FIELD_MAX];
	size_t subj_len;
	int subj_known, subj_cron;
};

/* ---------------------------------------------------------------- heaps */

static int
heap_above(const struct heap *h, long long a, long long b)
{
	return h->max ? a > b : a < b;
}

static void
heap_push(struct heap *h, long long created, json_t *j)
{
	size_t i;

	if (h->cap == 0)
		return;
	if (h->n == h->cap) {
		/* replace the top (the one that leaves first) if j beats it */
		if (!heap_above(h, h->v[0].created, created)) {
			json_decref(j);
			return;
		}
		json_decref(h->v[0].j);
		h->v[0].created = created;
		h->v[0].j = j;
		i = 0;
		for (;;) {
			size_t l = 2 * i + 1, r = l + 1, t = i;
			if (l < h->n &&
			    heap_above(h, h->v[l].created, h->v[t].created))
				t = l;
			if (r < h->n &&
			    heap_above(h, h->v[r].created, h->v[t].created))
				t = r;
			if (t == i)
				break;
			struct kept tmp = h->v[i];
			h->v[i] = h->v[t];
			h->v[t] = tmp;
			i = t;
		}
		return;
	}
	i = h->n++;
	h->v[i].created = created;
	h->v[i].j = j;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!heap_above(h, h->v[i].created, h->v[p].created))
			break;
		struct kept tmp = h->v[i];
		h->v[i] = h->v[p];
		h->v[p] = tmp;
		i = p;
	}
}

/* heap_wants - would a message created then enter the heap? */
static int
heap_wants(const struct heap *h, long long created)
{
	return h->cap > 0 &&
	       (h->n < h->cap || heap_above(h, h->v[0].created, created));
}

/* mailq_wants - whether a message created then would be kept */
static int
mailq_wants(const struct mailq *q, long long created)
{
	return heap_wants(&q->oldest, created) ||
	       heap_wants(&q->newest, created);
}

/* ---------------------------------------------------------------- tables */

struct mailq *
mailq_new(const struct mailq_opts *o)
{
	struct mailq *q = xcalloc(1, sizeof(*q));
	size_t half = o->max_queued / 2;

	q->o = *o;
	q->groups = xcalloc(GROUP_SLOTS, sizeof(*q->groups));
	q->oldest.cap = o->max_queued - half;
	q->oldest.max = 1;
	q->oldest.v = xcalloc(q->oldest.cap + 1, sizeof(struct kept));
	q->newest.cap = half;
	q->newest.v = xcalloc(half + 1, sizeof(struct kept));
	return q;
}

void
mailq_free(struct mailq *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->oldest.n; i++)
		json_decref(q->oldest.v[i].j);
	for (size_t i = 0; i < q->newest.n; i++)
		json_decref(q->newest.v[i].j);
	free(q->oldest.v);
	free(q->newest.v);
	for (size_t i = 0; i < q->nqueues; i++)
		free(q->queues[i].host);
	free(q->queues);
	free(q->groups);
	free(q->buf);
	free(q->qm);
	free(q->pm);
	free(q->dbuf);
	free(q);
}

static struct qstat *
queue_of(struct mailq *q, const char *host)
{
	struct qstat *s;

	for (size_t i = 0; i < q->nqueues; i++)
		if (strcmp(q->queues[i].host, host) == 0)
			return &q->queues[i];
	q->queues = xrealloc(q->queues, (q->nqueues + 1) * sizeof(*q->queues));
	s = &q->queues[q->nqueues++];
	memset(s, 0, sizeof(*s));
	s->host = xstrdup(host);
	s->oldest = -1;
	return s;
}

/* same - whether a[0..n) and b[0..n) are the same bytes, eight at a
 * time: musl's memcmp (the static agent) goes a byte at a time, and
 * each message's status, group and Subject are compared with the one
 * before (a tenth of the static agent's user time on a full queue) */
static int
same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return 0;
	}
	for (; n > 0; a++, b++, n--)
		if (*a != *b)
			return 0;
	return 1;
}

static size_t
cap_len(size_t n, size_t max)
{
	return n < max ? n : max;
}

static void
count_status(struct qstat *s, const struct mailq_bytes *st)
{
	const char *p = st->p ? st->p : "";
	size_t n = st->p ? cap_len(st->n, STATUS_MAX) : 0;

	for (size_t i = 0; i < s->nst; i++)
		if (s->st[i].n == n && same(s->st[i].s, p, n)) {
			s->st[i].count++;
			return;
		}
	if (s->nst == MAILQ_MAX_STATUSES) {
		s->statuses_other++;
		return;
	}
	memcpy(s->st[s->nst].s, p, n);
	s->st[s->nst].n = n;
	s->st[s->nst++].count = 1;
}

/* group_is - whether g is the group of (has, cp[0..cn), sp[0..sn)). */
static int
group_is(const struct group *g, int has, const char *cp, size_t cn,
         const char *sp, size_t sn)
{
	return g->has_cmd == has && g->cmdn == cn && g->stn == sn &&
	       same(g->cmd, cp, cn) && same(g->st, sp, sn);
}

static void
group_count(struct mailq *q, struct group *g, long long created)
{
	g->count++;
	if (created != -1 && (g->oldest == -1 || created < g->oldest))
		g->oldest = created;
	q->last = g;
}

static void
count_group(struct mailq *q, const struct mailq_item *it)
{
	int has = it->cron_command.p != NULL;
	const char *cp = has ? it->cron_command.p : "";
	const char *sp = it->status.p ? it->status.p : "";
	size_t cn = has ? cap_len(it->cron_command.n, CRON_CMD_MAX) : 0;
	size_t sn = it->status.p ? cap_len(it->status.n, STATUS_MAX) : 0;
	uint64_t h;

	/* a full queue is mostly one job failing one way: the group of the
	 * message before, when it is this one's, without a hash */
	if (q->last != NULL && group_is(q->last, has, cp, cn, sp, sn)) {
		group_count(q, q->last, it->created);
		return;
	}
	h = hash_fnv1a(hash_fnv1a(HASH_FNV1A_BASIS, cp, cn), sp, sn) ^
	    (uint64_t)has;
	for (size_t k = 0; k < GROUP_SLOTS; k++) {
		struct group *g = &q->groups[(h + k) % GROUP_SLOTS];
		if (!g->used) {
			if (q->ngroups == MAILQ_MAX_GROUPS) {
				q->groups_other++;
				return;
			}
			g->used = 1;
			g->hash = h;
			g->has_cmd = has;
			memcpy(g->cmd, cp, cn);
			g->cmdn = cn;
			memcpy(g->st, sp, sn);
			g->stn = sn;
			g->oldest = it->created;
			q->ngroups++;
		} else if (g->hash != h || !group_is(g, has, cp, cn, sp, sn)) {
			continue;
		}
		group_count(q, g, it->created);
		return;
	}
	q->groups_other++;
}

/* ---------------------------------------------------------------- json */

static json_t *
bytes_json(const struct mailq_bytes *b, size_t max)
{
	return json_str_safe(b->p ? b->p : "", b->p ? b->n : 0, max);
}

static json_t *
num_or_null(long long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *
item_json(const char *host, const struct mailq_item *it)
{
	json_t *to = json_array();

	for (size_t i = 0; i < it->nto; i++)
		json_array_append_new(to, bytes_json(&it->to[i], 256));
	return json_pack(
	    "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:I, s:b, s:b}",
	    "queue", json_str_safe(host, strlen(host), AGENT_MAX_HOST_STR),
	    "id", bytes_json(&it->id, 64), "from", bytes_json(&it->from, 256),
	    "to", to, "subject", bytes_json(&it->subject, 512), "created_ts",
	    jsonutil_ts_known(it->created), "tries", num_or_null(it->tries),
	    "status", bytes_json(&it->status, 512), "cron_command",
	    it->cron_command.p ? bytes_json(&it->cron_command, CRON_CMD_MAX)
	                       : json_null(),
	    "last_try_ts", jsonutil_ts_known(it->last_try), "size",
	    num_or_null(it->size), "to_total", (json_int_t)it->total_to,
	    "df_missing", it->df_missing, "incomplete", it->incomplete);
}

static void add_to(struct mailq *q, struct qstat *s, const char *host,
                   const struct mailq_item *it);

void
mailq_add(struct mailq *q, const char *host, const struct mailq_item *it)
{
	add_to(q, queue_of(q, host), host, it);
}

/* add_to - mailq_add to s, host's queue */
static void
add_to(struct mailq *q, struct qstat *s, const char *host,
       const struct mailq_item *it)
{
	int wo = heap_wants(&q->oldest, it->created);
	int wn = heap_wants(&q->newest, it->created);

	q->total++;
	s->count++;
	if (it->created != -1 && (s->oldest == -1 || it->created < s->oldest))
		s->oldest = it->created;
	count_status(s, &it->status);
	count_group(q, it);
	if (wo || wn) {
		json_t *j = item_json(host, it);
		if (wo && wn)
			json_incref(j);
		if (wo)
			heap_push(&q->oldest, it->created, j);
		if (wn)
			heap_push(&q->newest, it->created, j);
	}
}

void
mailq_add_counted(struct mailq *q, const char *host, unsigned long long n,
                  long long oldest)
{
	struct qstat *s = queue_of(q, host);

	q->total += n;
	s->count += n;
	s->counted_only += n;
	if (n > 0 && oldest > 0 && (s->oldest == -1 || oldest < s->oldest))
		s->oldest = oldest;
}

unsigned long long
mailq_queue_count(const struct mailq *q, const char *host)
{
	for (size_t i = 0; i < q->nqueues; i++)
		if (strcmp(q->queues[i].host, host) == 0)
			return q->queues[i].count;
	return 0;
}

unsigned long long
mailq_total(const struct mailq *q)
{
	return q->total;
}

static int
by_created(const void *a, const void *b)
{
	const struct kept *x = a, *y = b;

	return x->created < y->created ? -1 : x->created > y->created;
}

json_t *
mailq_details(const struct mailq *q)
{
	size_t n = 0;
	struct kept *all = xcalloc(q->oldest.n + q->newest.n + 1, sizeof(*all));
	json_t *out = json_array();

	for (size_t i = 0; i < q->oldest.n; i++)
		all[n++] = q->oldest.v[i];
	for (size_t i = 0; i < q->newest.n; i++) {
		int dup = 0;
		/* a message kept by both heaps is the same object */
		for (size_t k = 0; k < q->oldest.n && !dup; k++)
			dup = q->oldest.v[k].j == q->newest.v[i].j;
		if (!dup)
			all[n++] = q->newest.v[i];
	}
	qsort(all, n, sizeof(*all), by_created);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, all[i].j);
	free(all);
	return out;
}

static int
by_status_count(const void *a, const void *b)
{
	const struct status_count *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

json_t *
mailq_queues(const struct mailq *q)
{
	json_t *out = json_array();

	for (size_t i = 0; i < q->nqueues; i++) {
		struct qstat *s = &q->queues[i];
		json_t *st = json_array();

		qsort(s->st, s->nst, sizeof(s->st[0]), by_status_count);
		for (size_t k = 0; k < s->nst; k++)
			json_array_append_new(
			    st, json_pack(
			            "{s:o, s:I}", "status",
			            json_str_safe(s->st[k].s, s->st[k].n, 512),
			            "count", (json_int_t)s->st[k].count));
		json_array_append_new(
		    out,
		    json_pack("{s:o, s:I, s:o, s:o, s:I, s:I}", "queue",
		              json_str_safe(s->host, strlen(s->host),
		                            AGENT_MAX_HOST_STR),
		              "messages", (json_int_t)s->count, "oldest_ts",
		              jsonutil_ts_known(s->oldest), "statuses", st,
		              "statuses_other", (json_int_t)s->statuses_other,
		              "status_unknown", (json_int_t)s->counted_only));
	}
	return out;
}

static int
by_group_count(const void *a, const void *b)
{
	const struct group *x = *(const struct group *const *)a;
	const struct group *y = *(const struct group *const *)b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

json_t *
mailq_groups(const struct mailq *q, unsigned long long *other)
{
	const struct group **v = xcalloc(q->ngroups + 1, sizeof(*v));
	size_t n = 0;
	json_t *out = json_array();

	/* up to the last group: the table's untouched pages (all of them
	 * with an empty queue, 1.3 MB) are never faulted in */
	for (size_t i = 0; i < GROUP_SLOTS && n < q->ngroups; i++)
		if (q->groups[i].used)
			v[n++] = &q->groups[i];
	qsort(v, n, sizeof(*v), by_group_count);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    out,
		    json_pack(
		        "{s:o, s:o, s:I, s:o}", "cron_command",
		        v[i]->has_cmd
		            ? json_str_safe(v[i]->cmd, v[i]->cmdn, CRON_CMD_MAX)
		            : json_null(),
		        "status", json_str_safe(v[i]->st, v[i]->stn, 512),
		        "count", (json_int_t)v[i]->count, "oldest_ts",
		        jsonutil_ts_known(v[i]->oldest)));
	free(v);
	*other = q->groups_other;
	return out;
}

/* ---------------------------------------------------------------- sendmail */

/* read_capped - up to cap bytes of fd; *cut when there was more.  size
 * is what fstat said (-1: unknown): a read that brings exactly that much
 * and leaves room is the whole file, without a read of its end. */
static ssize_t
read_capped(int fd, char *buf, size_t cap, long long size, int *cut)
{
	size_t n = 0;
	char extra;

	*cut = 0;
	while (n < cap) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return (ssize_t)n;
		n += (size_t)r;
		if (size >= 0 && n == (unsigned long long)size && n < cap)
			return (ssize_t)n;
	}
	*cut = read(fd, &extra, 1) == 1;
	return (ssize_t)n;
}

static struct mailq_bytes
qb(const char *p, size_t n)
{
	struct mailq_bytes b = {p, n};
	return b;
}

/* subdir - fd of real/name if it is a directory, else -1. */
static int
subdir(int dirfd, const char *name)
{
	return openat(dirfd, name,
	              O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

struct qerrs {
	struct cycle *c;
	const char *host;
	unsigned long n;
};

static void
qerr(struct qerrs *e, const char *name, const char *fmt, const char *why)
{
	char src[4096];

	if (e->n++ >= MAILQ_ERRORS_SHOWN)
		return;
	snprintf(src, sizeof(src), "%s/%s", e->host, name);
	cycle_error(e->c, src, fmt, why);
}

/*
 * A sendmail queue directory is read while it is listed: the spool
 * check's scan (dirscan) hands each entry over (mailq_listing_entry), or
 * mailq_scan_sendmail runs that scan itself.  Whether a qf has its df
 * comes from the same listing: dirscan pairs qf and df ids in its orphan
 * table, and the control ids left without a df come out of its peel
 * (ctl_keys).  Only those are looked at again after the listing (a df
 * fstatat, and a second read of the qf for a "d" record); when the table
 * cannot tell (too many unmatched, a df outside the df directory, a scan
 * past its limit), every qf is.  A qf too young for the table (the
 * orphan grace) has its df looked for at once, as does a kept message
 * (queued[]: its size).
 */
struct mailq_listing {
	struct mailq *q;
	struct qerrs e;
	const struct dirscan_opts *o; /* of the scan (grace, now) */
	int qfd, dfd;       /* where the qf are read, the df looked for */
	int qf_sub, df_sub; /* ... their own qf/ and df/ subdirectories */
	int listed;         /* -1: not known yet; 1: d_ino is lstat's */
	int check_all;      /* the table cannot tell: every df is looked
	                     * for after the listing */
	size_t qi;          /* the queue's index in q->queues */
	char host[];
};

static int
is_control(const char *name)
{
	return (name[0] == 'q' || name[0] == 'h') && name[1] == 'f' &&
	       name[2] != '\0';
}

/* df_stat - the df of id: 1 there (*size when a regular file, else -1),
 * 0 missing, -1 unknown (another error). */
static int
df_stat(int dfd, const char *id, long long *size)
{
	char dfname[300];
	struct stat st;

	*size = -1;
	if ((size_t)snprintf(dfname, sizeof(dfname), "df%s", id) >=
	    sizeof(dfname))
		return -1;
	if (fstatat(dfd, dfname, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISREG(st.st_mode))
			*size = (long long)st.st_size;
		return 1;
	}
	return errno == ENOENT ? 0 : -1;
}

/* qf_open - open the listed qf name (d_type, d_ino) of l's qf directory */
static int
qf_open(struct mailq_listing *l, const char *name, unsigned char type,
        uint64_t ino, struct stat *st, enum safe_fail *fail, char *why,
        size_t whylen)
{
	/* the first regular qf file tells whether the listing's inode
	 * numbers are stat's (one lstat a scan); until then, and if not,
	 * an lstat each */
	if (l->listed == -1 && type == DT_REG)
		l->listed = safe_listing_agrees(l->qfd, name, type, (ino_t)ino);
	return l->listed == 1
	           ? safe_open_listed(l->qfd, name, type, (ino_t)ino,
	                              SAFE_ONE_LINK, st, fail, why, whylen)
	           : safe_open_entry(l->qfd, name, SAFE_ONE_LINK, st, fail, why,
	                             whylen);
}

/* cron_of - cron_subject of the Subject s[0..n) into q->cj (which lives
 * until the next call), 1 when it is a cron job's.  A full queue is
 * mostly one job's mail: the Subject of the message before is not parsed
 * again. */
static int
cron_of(struct mailq *q, const char *s, size_t n)
{
	if (q->subj_known && n == q->subj_len && same(s, q->subj, n))
		return q->subj_cron;
	q->subj_cron = cron_subject(s, n, &q->cj);
	q->subj_known = n <= sizeof(q->subj);
	if (q->subj_known) {
		memcpy(q->subj, s, n);
		q->subj_len = n;
	}
	return q->subj_cron;
}

/* qf_fill - the fields of it from the parsed qf m (name: "qf..."/"hf...") */
static void
qf_fill(struct mailq *q, struct mailq_item *it, const struct qf_msg *m,
        const char *name)
{
	const struct qf_str *s = qf_status(m);

	it->created = m->created;
	it->last_try = m->last_try;
	it->tries = m->tries;
	it->status = qb(s->s, s->len);
	if (name[0] == 'h' && m->quarantine.len > 0)
		it->status = qb(m->quarantine.s, m->quarantine.len);
	it->from = m->from.len ? qb(m->from.s, m->from.len)
	                       : qb(m->sender.s, m->sender.len);
	it->subject = qb(m->subject.s, m->subject.len);
	it->total_to = m->nrcpt;
	for (size_t i = 0;
	     i < m->nrcpt && i < QF_MAX_RCPT && it->nto < MAILQ_MAX_RCPT; i++)
		it->to[it->nto++] = qb(m->rcpt[i].s, m->rcpt[i].len);
	if (cron_of(q, m->subject.s, m->subject.len))
		it->cron_command = qb(q->cj.command, q->cj.command_len);
}

/* one_qf - read, parse and count the control file name (len bytes) of
 * the queue, listed as d_type type, d_ino ino; paired: the listing's
 * table tells whether its df is there (else it is looked for now). */
static void
one_qf(struct mailq_listing *l, const char *name, size_t len,
       unsigned char type, uint64_t ino, int paired)
{
	struct mailq *q = l->q;
	struct qf_msg *m = q->qm;
	struct mailq_item it;
	char why[256];
	const char *id = name + 2;
	size_t idlen = len - 2;
	ssize_t got;
	int fd, cut = 0, parsed, df;
	struct stat st;
	enum safe_fail fail;
	time_t t;

	fd = qf_open(l, name, type, ino, &st, &fail, why, sizeof(why));
	if (fd == -1) {
		if (fail != SAFE_GONE) /* gone: delivered meanwhile */
			qerr(&l->e, name, "%s", why);
		return;
	}
	got = read_capped(fd, q->buf, q->o.qf_max_bytes, (long long)st.st_size,
	                  &cut);
	close(fd);
	if (got < 0) {
		qerr(&l->e, name, "read: %s", strerror(errno));
		return;
	}
	/* every field but the recipients past nto (never read): a memset
	 * of the whole item was a fifth of this function */
	it.id = qb(id, idlen);
	it.from = it.subject = it.status = it.cron_command = qb(NULL, 0);
	it.nto = it.total_to = 0;
	it.created = it.last_try = it.tries = it.size = -1;
	it.df_missing = it.incomplete = 0;
	parsed = qf_parse(q->buf, (size_t)got, m, why, sizeof(why)) == 0;
	if (!parsed) {
		qerr(&l->e, name, "%s", why);
		it.status = qb("(unreadable qf file)", 20);
		it.created = (long long)st.st_mtime;
	} else {
		qf_fill(q, &it, m, name);
		if (!m->complete) {
			it.incomplete = 1;
			qerr(&l->e, name, "%s",
			     cut ? "larger than qf_max_bytes: only the start "
			           "was read"
			         : "truncated: no final \".\" line");
		}
	}
	if (it.created == -1 && qid_time(id, idlen, &t) == 0)
		it.created = (long long)t;
	/* the df file: next to the qf, in df/, or where a "d" record says
	 * (then not looked for); its size only for a kept message */
	if ((!parsed || m->df_dir.len == 0) &&
	    (!paired || mailq_wants(q, it.created))) {
		df = df_stat(l->dfd, id, &it.size);
		if (df == 0) {
			it.df_missing = 1;
			if (!paired)
				qerr(&l->e, name, "%s",
				     "qf file without its df (body) file");
		}
	}
	/* the listing's queue, found once (no other is added meanwhile) */
	add_to(q, &q->queues[l->qi], l->host, &it);
}

/* at_level - whether an entry listed in sub (NULL: the top) is in the
 * directory that has_sub ("qf" or "df" there) says. */
static int
at_level(const char *sub, int has_sub, char letter)
{
	return has_sub ? sub != NULL && sub[0] == letter && sub[1] == 'f' &&
	                     sub[2] == '\0'
	               : sub == NULL;
}

void
mailq_listing_entry(void *arg, const struct dirscan_entry *e)
{
	struct mailq_listing *l = arg;
	const char *n = e->name;
	int paired = e->paired;

	if (n[0] == 'd' && n[1] == 'f' && n[2] != '\0' &&
	    !at_level(e->sub, l->df_sub, 'd'))
		l->check_all = 1; /* paired with a df mailq does not see */
	if (!is_control(n) || !at_level(e->sub, l->qf_sub, 'q'))
		return;
	if (!paired && dirscan_pairs(l->o, n + 2, e->len - 2)) {
		/* listed after the scan's limit: not in the table; looked
		 * for with the rest after the listing */
		l->check_all = 1;
		paired = 1;
	}
	one_qf(l, n, e->len, e->type, e->ino, paired);
}

struct mailq_listing *
mailq_listing_begin(struct mailq *q, struct cycle *c, int top, const char *host)
{
	size_t hn = strlen(host) + 1;
	struct mailq_listing *l = xcalloc(1, sizeof(*l) + hn);
	struct qstat *s;

	memcpy(l->host, host, hn);
	l->q = q;
	l->e.c = c;
	l->e.host = l->host;
	l->listed = -1;
	l->qf_sub = (l->qfd = subdir(top, "qf")) != -1;
	if (!l->qf_sub)
		l->qfd = dup(top);
	l->df_sub = (l->dfd = subdir(top, "df")) != -1;
	if (!l->df_sub)
		l->dfd = dup(top);
	if (l->qfd == -1 || l->dfd == -1) {
		cycle_error(c, host, "read queue directory: %s",
		            strerror(errno));
		if (l->qfd != -1)
			close(l->qfd);
		if (l->dfd != -1)
			close(l->dfd);
		free(l);
		return NULL;
	}
	if (q->buf == NULL) {
		q->buf = xmalloc(q->o.qf_max_bytes + 1);
		q->qm = xmalloc(sizeof(*q->qm));
	}
	/* make sure the queue appears in the totals even when empty */
	s = queue_of(q, host);
	s->listed = 1;
	l->qi = (size_t)(s - q->queues);
	return l;
}

void
mailq_listing_opts(struct mailq_listing *l, struct dirscan_opts *o)
{
	o->on_entry = mailq_listing_entry;
	o->arg = l;
	o->ctl_keys = l->q->keys;
	o->ctl_keys_max = MAILQ_CTL_KEYS;
	l->o = o;
}

static int
by_key(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* df_judged - whether the qf de (listed so) is one whose df one_qf
 * looks for: it can be opened and read, and it is no qf file or has no
 * "d" record (as one_qf, which judges nothing it cannot read) */
static int
df_judged(struct mailq_listing *l, const struct dirent *de)
{
	struct mailq *q = l->q;
	char why[256];
	struct stat st;
	enum safe_fail fail;
	ssize_t len;
	int fd, cut;

	fd = qf_open(l, de->d_name, de->d_type, de->d_ino, &st, &fail, why,
	             sizeof(why));
	if (fd == -1)
		return 0;
	len = read_capped(fd, q->buf, q->o.qf_max_bytes, (long long)st.st_size,
	                  &cut);
	close(fd);
	return len >= 0 &&
	       (qf_parse(q->buf, (size_t)len, q->qm, why, sizeof(why)) != 0 ||
	        q->qm->df_dir.len == 0);
}

/* mark_df_missing - df_missing of the kept message id of host */
static void
mark_df_missing(struct mailq *q, const char *host, const char *id)
{
	json_t *h = json_str_safe(host, strlen(host), AGENT_MAX_HOST_STR);
	json_t *i = json_str_safe(id, strlen(id), 64);
	struct heap *hs[2] = {&q->oldest, &q->newest};

	for (int k = 0; k < 2; k++)
		for (size_t n = 0; n < hs[k]->n; n++) {
			json_t *j = hs[k]->v[n].j;
			if (json_equal(json_object_get(j, "queue"), h) &&
			    json_equal(json_object_get(j, "id"), i))
				json_object_set_new(j, "df_missing",
				                    json_true());
		}
	json_decref(h);
	json_decref(i);
}

/* recheck - after the listing: the paired qf files of the table's
 * unmatched ids (keys, sorted; all of them with check_all) whose df is
 * not there, unless a "d" record puts it elsewhere */
static void
recheck(struct mailq_listing *l, const uint64_t *keys, size_t nkeys)
{
	struct dirent *de;
	long long size;
	DIR *d;
	int fd = openat(l->qfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		cycle_error(l->e.c, l->host,
		            "read queue directory again: %s (df files not "
		            "checked)",
		            strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *id = de->d_name + 2;
		uint64_t k;

		if (!is_control(de->d_name) ||
		    !dirscan_pairs(l->o, id, strlen(id)))
			continue;
		k = dirscan_id_key(id, strlen(id));
		if (!l->check_all &&
		    bsearch(&k, keys, nkeys, sizeof(k), by_key) == NULL)
			continue;
		if (df_stat(l->dfd, id, &size) != 0 || !df_judged(l, de))
			continue;
		qerr(&l->e, de->d_name, "%s",
		     "qf file without its df (body) file");
		mark_df_missing(l->q, l->host, id);
	}
	closedir(d);
}

void
mailq_listing_end(struct mailq_listing *l, const struct dirscan_result *r)
{
	size_t nkeys = r->ctl_unmatched;

	if (l == NULL)
		return;
	if (!r->ctl_exact || nkeys > MAILQ_CTL_KEYS) {
		l->check_all = 1;
		nkeys = 0;
	}
	if (l->check_all || nkeys > 0) {
		qsort(l->q->keys, nkeys, sizeof(uint64_t), by_key);
		recheck(l, l->q->keys, nkeys);
	}
	if (l->e.n > MAILQ_ERRORS_SHOWN)
		cycle_error(l->e.c, l->host,
		            "%lu more queue files could not be read "
		            "or are damaged",
		            l->e.n - MAILQ_ERRORS_SHOWN);
	close(l->qfd);
	close(l->dfd);
	free(l);
}

int
mailq_queue_listed(const struct mailq *q, const char *host)
{
	for (size_t i = 0; i < q->nqueues; i++)
		if (strcmp(q->queues[i].host, host) == 0)
			return q->queues[i].listed;
	return 0;
}

int
mailq_scan_sendmail(struct mailq *q, struct cycle *c, int top, const char *host)
{
	struct mailq_listing *l = mailq_listing_begin(q, c, top, host);
	struct dirscan_opts o;
	struct dirscan_result r;
	char why[256];

	if (l == NULL)
		return -1;
	memset(&o, 0, sizeof(o));
	o.now = q->o.now;
	o.sendmail = 1;
	o.budget_ms = -1;
	mailq_listing_opts(l, &o);
	if (dirscan(top, &o, &r, why, sizeof(why)) == -1) {
		cycle_error(c, host, "%s (counts are partial)", why);
		r.ctl_exact = 0;
	}
	mailq_listing_end(l, &r);
	return 0;
}

/* ---------------------------------------------------------------- postfix */

/* defer_reason - the reason postfix logged for id in defer/, if any. */
static int
defer_reason(struct mailq *q, int deferfd, const char *id,
             struct mailq_bytes *out)
{
	char hash[2] = {id[0], '\0'}, why[160];
	struct stat st;
	enum safe_fail fail;
	ssize_t len;
	int fd = -1, cut, sub;
	const char *p;
	size_t n;

	if (deferfd == -1)
		return -1;
	/* hashed by the id's first character (hash_queue_depth = 1); the
	 * hash directory is opened without following a link too */
	if ((sub = subdir(deferfd, hash)) != -1) {
		fd = safe_open_entry(sub, id, SAFE_ONE_LINK, &st, &fail, why,
		                     sizeof(why));
		close(sub);
	}
	if (fd == -1)
		fd = safe_open_entry(deferfd, id, SAFE_ONE_LINK, &st, &fail,
		                     why, sizeof(why));
	if (fd == -1)
		return -1;
	len = read_capped(fd, q->dbuf, AGENT_MAX_DEFER_LOG, -1, &cut);
	close(fd);
	if (len <= 0 || pfq_defer_reason(q->dbuf, (size_t)len, &p, &n) == -1)
		return -1;
	*out = qb(p, n);
	return 0;
}

/* pfq_bufs - the queue file buffer and parse result, made once */
static void
pfq_bufs(struct mailq *q)
{
	if (q->buf == NULL) {
		q->buf = xmalloc(q->o.qf_max_bytes + 1);
		q->qm = xmalloc(sizeof(*q->qm));
	}
	if (q->pm == NULL) {
		q->pm = xmalloc(sizeof(*q->pm));
		q->dbuf = xmalloc(AGENT_MAX_DEFER_LOG);
	}
}

/* pfq_read - open (safe_open_entry) and parse the queue file name of
 * dirfd into q->pm.  0; -1 with why when it cannot be opened or read
 * (*gone: it is not there any more); -2 with why when it is no postfix
 * queue file. */
static int
pfq_read(struct mailq *q, int dirfd, const char *name, int *gone, char *why,
         size_t whylen)
{
	enum safe_fail fail;
	struct stat st;
	ssize_t len;
	int fd, cut;

	*gone = 0;
	fd = safe_open_entry(dirfd, name, SAFE_ONE_LINK, &st, &fail, why,
	                     whylen);
	if (fd == -1) {
		*gone = fail == SAFE_GONE;
		return -1;
	}
	len = read_capped(fd, q->buf, q->o.qf_max_bytes, -1, &cut);
	close(fd);
	if (len < 0) {
		snprintf(why, whylen, "read: %s", strerror(errno));
		return -1;
	}
	return pfq_parse(q->buf, (size_t)len, q->pm, why, whylen) == 0 ? 0 : -2;
}

/* pfq_headers - what only the message content says: Subject and the
 * cron job (cj lives until mailq_add returns) */
static void
pfq_headers(const struct pfq_msg *m, struct mailq_item *it, struct cron_job *cj)
{
	it->subject = qb(m->subject.s, m->subject.len);
	if (cron_subject(m->subject.s, m->subject.len, cj))
		it->cron_command = qb(cj->command, cj->command_len);
}

int
mailq_pfq_headers(struct mailq *q, int qdirfd, const char *id,
                  struct mailq_item *it, struct cron_job *cj)
{
	char hash[2] = {id[0], '\0'}, why[256];
	int sub, r = -1, gone;

	if (qdirfd == -1 || id[0] == '\0' || strchr(id, '/') != NULL ||
	    id[0] == '.')
		return -1;
	pfq_bufs(q);
	/* hashed (deferred/, defer/ by default) or not (active/, hold/) */
	if ((sub = subdir(qdirfd, hash)) != -1) {
		r = pfq_read(q, sub, id, &gone, why, sizeof(why));
		close(sub);
	}
	if (r != 0)
		r = pfq_read(q, qdirfd, id, &gone, why, sizeof(why));
	if (r != 0)
		return -1;
	pfq_headers(q->pm, it, cj);
	return 0;
}

static void
one_pfq(struct mailq *q, struct qerrs *e, int dirfd, int deferfd,
        const char *name, const char *host)
{
	struct pfq_msg *m = q->pm;
	struct mailq_item it;
	struct cron_job cj;
	char why[256];
	int gone, r;

	memset(&it, 0, sizeof(it));
	it.id = qb(name, strlen(name));
	it.created = it.last_try = it.tries = it.size = -1;
	r = pfq_read(q, dirfd, name, &gone, why, sizeof(why));
	if (r == -1) { /* not opened: not counted (gone: delivered) */
		if (!gone)
			qerr(e, name, "%s", why);
		return;
	}
	if (r == -2) {
		qerr(e, name, "%s", why);
		it.status = qb("(unreadable queue file)", 23);
	} else {
		/* the fields as postqueue -j (showq) gives them: the envelope
		 * sender and the size record, see mailq.h */
		it.created = m->arrival;
		it.from = qb(m->sender.s, m->sender.len);
		it.size = m->size;
		it.total_to = m->nrcpt;
		for (size_t i = 0;
		     i < m->nrcpt && i < QF_MAX_RCPT && it.nto < MAILQ_MAX_RCPT;
		     i++)
			it.to[it.nto++] = qb(m->rcpt[i].s, m->rcpt[i].len);
		pfq_headers(m, &it, &cj);
		if (defer_reason(q, deferfd, name, &it.status) == -1)
			it.status = qb("", 0);
	}
	mailq_add(q, host, &it);
}

/* walk_pfq - every regular file of dirfd, down to depth more levels. */
static void
walk_pfq(struct mailq *q, struct qerrs *e, int dirfd, int deferfd,
         const char *host, int depth)
{
	DIR *d;
	struct dirent *de;
	int fd = dup(dirfd);

	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		qerr(e, ".", "read directory: %s", strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type == DT_DIR ||
		    (de->d_type == DT_UNKNOWN && depth > 0)) {
			int sub;
			if (depth == 0)
				continue;
			sub = openat(dirfd, de->d_name,
			             O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			                 O_CLOEXEC);
			if (sub == -1) {
				if (errno != ENOTDIR && errno != ENOENT)
					qerr(e, de->d_name, "open: %s",
					     strerror(errno));
				else if (errno == ENOTDIR)
					one_pfq(q, e, dirfd, deferfd,
					        de->d_name, host);
				continue;
			}
			walk_pfq(q, e, sub, deferfd, host, depth - 1);
			close(sub);
		} else {
			/* a link, FIFO or device is counted, not read */
			one_pfq(q, e, dirfd, deferfd, de->d_name, host);
		}
	}
	closedir(d);
}

int
mailq_scan_postfix(struct mailq *q, struct cycle *c, int top, int deferfd,
                   const char *host)
{
	struct qerrs e = {c, host, 0};

	pfq_bufs(q);
	(void)queue_of(q, host);
	walk_pfq(q, &e, top, deferfd, host, 2);
	if (e.n > MAILQ_ERRORS_SHOWN)
		cycle_error(c, host,
		            "%lu more queue files could not be read "
		            "or are damaged",
		            e.n - MAILQ_ERRORS_SHOWN);
	return 0;
}
