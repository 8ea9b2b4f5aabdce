/*
 * outbox.c - the on-disk queue of undelivered reports (see outbox.h).
 *
 * The index (sequence, id, carried count, size of every file) is read
 * from the directory once, on open, and kept in memory in order; the
 * files themselves are read one at a time when they are sent.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/limits.h"
#include "agent/ship/outbox.h"
#include "agent/ship/statedir.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/xalloc.h"

#define SEQ_DIGITS 20
#define NAME_MAX_LEN (SEQ_DIGITS + 1 + 36 + 2 + 10 + 3 + 1)
#define TMP_PREFIX ".tmp-"
/* One report body is never larger than a report's JSON. */

struct entry {
	unsigned long long seq;
	char id[UUID_STR_LEN];
	unsigned carried;
	long long size;
};

struct outbox {
	char *dir;    /* STATE_DIR/outbox */
	char *rejdir; /* STATE_DIR/outbox/rejected */
	int dfd, rfd; /* the two directories, O_DIRECTORY */
	long long max_bytes;
	struct entry *e; /* e[head..n) in sequence order */
	size_t head, n, cap;
	long long bytes;
	unsigned long long next_seq;
};

int
outbox_parse_name(const char *name, unsigned long long *seq,
                  char id[UUID_STR_LEN], unsigned *carried)
{
	unsigned long long s = 0, c = 0;
	const char *p = name;
	size_t i;

	for (i = 0; i < SEQ_DIGITS; i++, p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (s > (~0ULL - 9) / 10)
			return -1;
		s = s * 10 + (unsigned)(*p - '0');
	}
	if (*p++ != '-')
		return -1;
	for (i = 0; i < 36; i++)
		if (p[i] == '\0')
			return -1;
	memcpy(id, p, 36);
	id[36] = '\0';
	if (!uuid_valid(id))
		return -1;
	p += 36;
	if (p[0] != '-' || p[1] != 'd')
		return -1;
	p += 2;
	for (i = 0; *p >= '0' && *p <= '9'; i++, p++) {
		if (i == 9)
			return -1;
		c = c * 10 + (unsigned)(*p - '0');
	}
	if (i == 0 || strcmp(p, ".gz") != 0)
		return -1;
	*seq = s;
	*carried = (unsigned)c;
	return 0;
}

static void
entry_name(char *out, size_t n, unsigned long long seq, const char *id,
           unsigned carried)
{
	snprintf(out, n, "%020llu-%s-d%u.gz", seq, id, carried);
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
push(struct outbox *ob, const struct entry *en)
{
	if (ob->head > 0 && ob->n == ob->cap) {
		memmove(ob->e, ob->e + ob->head,
		        (ob->n - ob->head) * sizeof(*ob->e));
		ob->n -= ob->head;
		ob->head = 0;
	}
	if (ob->n == ob->cap) {
		ob->cap = ob->cap ? ob->cap * 2 : 16;
		ob->e = xrealloc(ob->e, ob->cap * sizeof(*ob->e));
	}
	ob->e[ob->n++] = *en;
	ob->bytes += en->size;
}

/* open_subdir - mkdirat + open + the same ownership checks as state_dir. */
static int
open_subdir(int parent, const char *parent_path, const char *name,
            char **path_out, char *err, size_t errlen)
{
	char *path = xasprintf("%s/%s", parent_path, name);
	int fd;

	if (mkdirat(parent, name, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (statedir_check(path, err, errlen) == -1) {
		free(path);
		return -1;
	}
	fd = openat(parent, name,
	            O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	*path_out = path;
	return fd;
}

/*
 * scan - the report files of the directory dfd (path names it in errors)
 * into *list, oldest first, and their number into *count (the caller
 * frees *list); *maxseq is raised to the largest sequence seen.  Stale
 * temporaries are removed on the way.  0, or -1 with a reason.
 */
static int
scan(int dfd, const char *path, struct entry **list, size_t *count,
     unsigned long long *maxseq, char *err, size_t errlen)
{
	struct dirent *de;
	DIR *d;
	int fd = dup(dfd);
	size_t n = 0, cap = 0;
	struct entry *v = NULL;

	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	rewinddir(d);
	while ((errno = 0, de = readdir(d)) != NULL) {
		struct entry en;
		struct stat sb;

		if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0) {
			/* an interrupted write: the report it held was
			 * never acknowledged as durable, so nothing is lost */
			if (unlinkat(dfd, de->d_name, 0) == 0)
				log_info("outbox: removed an interrupted "
				         "write %s/%s",
				         path, de->d_name);
			continue;
		}
		if (outbox_parse_name(de->d_name, &en.seq, en.id,
		                      &en.carried) == -1)
			continue;
		if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(sb.st_mode))
			continue;
		en.size = (long long)sb.st_size;
		if (en.seq > *maxseq)
			*maxseq = en.seq;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = en;
	}
	if (errno != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		closedir(d);
		free(v);
		return -1;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_entry);
	*list = v;
	*count = n;
	return 0;
}

struct outbox *
outbox_open(const char *state_dir, long long max_bytes, char *err,
            size_t errlen)
{
	struct outbox *ob = xcalloc(1, sizeof(*ob));
	struct entry *v = NULL;
	unsigned long long maxseq = 0;
	size_t n = 0;
	int sfd;

	ob->dfd = ob->rfd = -1;
	ob->max_bytes = max_bytes;
	sfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd == -1) {
		snprintf(err, errlen, "%s: %s", state_dir, strerror(errno));
		goto fail;
	}
	ob->dfd = open_subdir(sfd, state_dir, "outbox", &ob->dir, err, errlen);
	close(sfd);
	if (ob->dfd == -1)
		goto fail;
	ob->rfd =
	    open_subdir(ob->dfd, ob->dir, "rejected", &ob->rejdir, err, errlen);
	if (ob->rfd == -1)
		goto fail;
	if (scan(ob->rfd, ob->rejdir, &v, &n, &maxseq, err, errlen) == -1)
		goto fail;
	free(v);
	if (scan(ob->dfd, ob->dir, &v, &n, &maxseq, err, errlen) == -1)
		goto fail;
	for (size_t i = 0; i < n; i++)
		push(ob, &v[i]);
	free(v);
	ob->next_seq = maxseq + 1;
	return ob;
fail:
	outbox_close(ob);
	return NULL;
}

void
outbox_close(struct outbox *ob)
{
	if (ob == NULL)
		return;
	if (ob->dfd != -1)
		close(ob->dfd);
	if (ob->rfd != -1)
		close(ob->rfd);
	free(ob->dir);
	free(ob->rejdir);
	free(ob->e);
	free(ob);
}

void
outbox_set_max(struct outbox *ob, long long max_bytes)
{
	ob->max_bytes = max_bytes;
}

size_t
outbox_count(const struct outbox *ob)
{
	return ob->n - ob->head;
}

long long
outbox_bytes(const struct outbox *ob)
{
	return ob->bytes;
}

size_t
outbox_rejected_count(const struct outbox *ob)
{
	struct entry *v = NULL;
	unsigned long long maxseq = 0;
	size_t n = 0;
	char err[256];

	if (scan(ob->rfd, ob->rejdir, &v, &n, &maxseq, err, sizeof(err)) == -1)
		return 0;
	free(v);
	return n;
}

/* write_durable - the report file name in dfd, through a temporary name
 * of its own sequence number (write_file_atomic_at). */
static int
write_durable(int dfd, const char *dirpath, const char *name,
              unsigned long long seq, const void *data, size_t n, char *err,
              size_t errlen)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), TMP_PREFIX "%020llu", seq);
	return write_file_atomic_at(dfd, dirpath, tmp, name, data, n, 0600, err,
	                            errlen);
}

/* drop_oldest - remove the oldest report; *lost counts it and what it
 * carried.  An unlink failure leaves the file, but it leaves the index
 * too, so the cap still holds for what we send. */
static void
drop_oldest(struct outbox *ob, unsigned *lost)
{
	struct entry *en = &ob->e[ob->head];
	char name[NAME_MAX_LEN];

	entry_name(name, sizeof(name), en->seq, en->id, en->carried);
	if (unlinkat(ob->dfd, name, 0) == -1 && errno != ENOENT)
		log_warn("outbox: cannot remove %s/%s", ob->dir, name);
	*lost += 1 + en->carried;
	ob->bytes -= en->size;
	ob->head++;
}

int
outbox_add(struct outbox *ob, const char *report_id, unsigned carried,
           const void *data, size_t n, unsigned *dropped, char *err,
           size_t errlen)
{
	char name[NAME_MAX_LEN];
	struct entry en;

	*dropped = 0;
	if (!uuid_valid(report_id)) {
		snprintf(err, errlen, "outbox: bad report id");
		return -1;
	}
	if ((long long)n > ob->max_bytes) {
		*dropped = 1 + carried;
		return 1;
	}
	en.seq = ob->next_seq;
	memcpy(en.id, report_id, UUID_STR_LEN);
	en.carried = carried;
	en.size = (long long)n;
	entry_name(name, sizeof(name), en.seq, en.id, en.carried);
	if (write_durable(ob->dfd, ob->dir, name, en.seq, data, n, err,
	                  errlen) == -1)
		return -1;
	ob->next_seq++;
	while (ob->bytes + en.size > ob->max_bytes && outbox_count(ob) > 0)
		drop_oldest(ob, dropped);
	push(ob, &en);
	return 0;
}

int
outbox_oldest(struct outbox *ob, char **data, size_t *n, char id[UUID_STR_LEN],
              char *err, size_t errlen)
{
	const struct entry *en;
	char name[NAME_MAX_LEN], path[PATH_MAX];
	ssize_t len;

	if (outbox_count(ob) == 0) {
		snprintf(err, errlen, "outbox is empty");
		return -1;
	}
	en = &ob->e[ob->head];
	entry_name(name, sizeof(name), en->seq, en->id, en->carried);
	snprintf(path, sizeof(path), "%s/%s", ob->dir, name);
	len = read_file_capped(path, data, AGENT_MAX_OUTBOX_FILE, err, errlen);
	if (len < 0)
		return -1;
	*n = (size_t)len;
	memcpy(id, en->id, UUID_STR_LEN);
	return 0;
}

int
outbox_done(struct outbox *ob, char *err, size_t errlen)
{
	struct entry *en;
	char name[NAME_MAX_LEN];

	if (outbox_count(ob) == 0)
		return 0;
	en = &ob->e[ob->head];
	entry_name(name, sizeof(name), en->seq, en->id, en->carried);
	/* No fsync: if the removal is lost in a crash, the report is sent
	 * again and the collector answers "duplicate". */
	if (unlinkat(ob->dfd, name, 0) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "%s/%s: %s", ob->dir, name,
		         strerror(errno));
		return -1;
	}
	ob->bytes -= en->size;
	ob->head++;
	if (ob->head == ob->n)
		ob->head = ob->n = 0;
	return 0;
}

/* trim_rejected - keep rejected/ within max_bytes, oldest removed. */
static void
trim_rejected(struct outbox *ob)
{
	struct entry *v = NULL;
	unsigned long long maxseq = 0;
	long long total = 0;
	size_t n = 0, i;
	char err[256], name[NAME_MAX_LEN];

	if (scan(ob->rfd, ob->rejdir, &v, &n, &maxseq, err, sizeof(err)) ==
	    -1) {
		log_warnx("outbox: %s", err);
		return;
	}
	for (i = 0; i < n; i++)
		total += v[i].size;
	for (i = 0; i + 1 < n && total > ob->max_bytes; i++) {
		entry_name(name, sizeof(name), v[i].seq, v[i].id, v[i].carried);
		if (unlinkat(ob->rfd, name, 0) == 0)
			log_warnx("outbox: rejected/ over %lld bytes; removed "
			          "%s",
			          ob->max_bytes, name);
		total -= v[i].size;
	}
	free(v);
}

int
outbox_reject(struct outbox *ob, char *err, size_t errlen)
{
	struct entry *en;
	char name[NAME_MAX_LEN];

	if (outbox_count(ob) == 0)
		return 0;
	en = &ob->e[ob->head];
	entry_name(name, sizeof(name), en->seq, en->id, en->carried);
	if (renameat(ob->dfd, name, ob->rfd, name) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "%s/%s: %s", ob->dir, name,
		         strerror(errno));
		/* never retry it: it is forgotten by the index either way */
		unlinkat(ob->dfd, name, 0);
	} else {
		err[0] = '\0';
		fsync(ob->rfd);
		fsync(ob->dfd);
	}
	ob->bytes -= en->size;
	ob->head++;
	if (ob->head == ob->n)
		ob->head = ob->n = 0;
	trim_rejected(ob);
	return err[0] ? -1 : 0;
}

int
outbox_reject_new(struct outbox *ob, const char *report_id, const void *data,
                  size_t n, char *err, size_t errlen)
{
	char name[NAME_MAX_LEN];

	if (!uuid_valid(report_id)) {
		snprintf(err, errlen, "outbox: bad report id");
		return -1;
	}
	entry_name(name, sizeof(name), ob->next_seq, report_id, 0);
	if (write_durable(ob->rfd, ob->rejdir, name, ob->next_seq, data, n, err,
	                  errlen) == -1)
		return -1;
	ob->next_seq++;
	trim_rejected(ob);
	return 0;
}
