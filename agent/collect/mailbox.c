/*
 * mailbox.c - per-mailbox aggregates and their incremental state (see
 * mailbox.h).  The parsing itself is mbox.c; cron attribution cronmail.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/parse/cronmail.h"
#include "agent/cycle.h"
#include "agent/limits.h"
#include "agent/collect/mailbox.h"
#include "common/safe_open.h"
#include "agent/parse/mbox.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/jsonutil.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

#define FP_SPAN 4096

struct job {
	uint64_t hash;
	char user[CRON_USER_MAX];
	char command[CRON_CMD_MAX];
	size_t command_len;
	char subject[MBOX_SUBJECT];
	size_t subject_len;
	unsigned long long count, unread;
	long long last_ts;              /* -1 unknown */
	long long body_start, body_len; /* of the newest message */
	int variant;
};

struct agg {
	unsigned long long messages, unread, fresh;
	long long bytes, oldest, newest;
	struct job *jobs;
	size_t njobs, max;
	unsigned long long other, other_unread;
};

/* ---------------------------------------------------------------- hex */

static json_t *
hex_json(const char *p, size_t n)
{
	char *s = xmalloc(2 * n + 1);
	json_t *j;

	hex_encode(p, n, s);
	j = json_string(s);
	free(s);
	return j;
}

/* unhex - decode j (a hex string) into out; -1 if malformed or too long */
static int
unhex(json_t *j, char *out, size_t size, size_t *len)
{
	const char *s = json_string_value(j);
	ssize_t got;

	if (s == NULL || (got = hex_decode(s, strlen(s), out, size)) < 0)
		return -1;
	*len = (size_t)got;
	return 0;
}

/* ---------------------------------------------------------------- aggregate */

static struct job *
job_find(struct agg *a, const struct cron_job *cj, uint64_t h)
{
	for (size_t i = 0; i < a->njobs; i++) {
		struct job *j = &a->jobs[i];
		if (j->hash == h && j->command_len == cj->command_len &&
		    memcmp(j->command, cj->command, cj->command_len) == 0 &&
		    strcmp(j->user, cj->user) == 0)
			return j;
	}
	return NULL;
}

static uint64_t
job_hash(const char *user, const char *cmd, size_t n)
{
	return hash_fnv1a(hash_fnv1a(HASH_FNV1A_BASIS, user, strlen(user) + 1),
	                  cmd, n);
}

static void
on_msg(const struct mbox_msg *m, void *arg)
{
	struct agg *a = arg;
	struct cron_job cj;
	struct job *j;
	int unread = !m->seen_read;
	uint64_t h;

	a->messages++;
	a->bytes += m->len;
	a->unread += (unsigned)unread;
	a->fresh += (unsigned)(!m->seen_read && !m->seen_old);
	if (m->ts != -1) {
		if (a->oldest == -1 || m->ts < a->oldest)
			a->oldest = m->ts;
		if (a->newest == -1 || m->ts > a->newest)
			a->newest = m->ts;
	}
	if (!cron_subject(m->subject, m->subject_len, &cj)) {
		if (!m->cron_env)
			return;
		/* X-Cron-Env but an unknown Subject: the Subject names it */
		static const char none[] = "(cron mail without a subject)";
		const char *sp = m->subject;
		size_t sn = m->subject_len;
		memset(&cj, 0, sizeof(cj));
		while (sn > 0 && (*sp == ' ' || *sp == '\t')) {
			sp++;
			sn--;
		}
		if (sn == 0) {
			sp = none;
			sn = sizeof(none) - 1;
		}
		cj.command_len =
		    sn < sizeof(cj.command) - 1 ? sn : sizeof(cj.command) - 1;
		memcpy(cj.command, sp, cj.command_len);
	}
	if (cj.user[0] == '\0')
		memcpy(cj.user, m->cron_user, sizeof(cj.user));
	h = job_hash(cj.user, cj.command, cj.command_len);
	if ((j = job_find(a, &cj, h)) == NULL) {
		if (a->njobs == a->max) {
			a->other++;
			a->other_unread += (unsigned)unread;
			return;
		}
		j = &a->jobs[a->njobs++];
		j->hash = h;
		memcpy(j->user, cj.user, sizeof(j->user));
		memcpy(j->command, cj.command, cj.command_len);
		j->command_len = cj.command_len;
		memcpy(j->subject, m->subject, m->subject_len);
		j->subject_len = m->subject_len;
		j->count = j->unread = 0;
		j->last_ts = -1;
		j->variant =
		    cron_variant_of(m->from, m->from_len, m->auto_submitted);
	}
	j->count++;
	j->unread += (unsigned)unread;
	if (m->ts != -1 && m->ts > j->last_ts)
		j->last_ts = m->ts;
	/* the newest message is the last one appended */
	j->body_start = m->body_start;
	j->body_len =
	    m->body_start >= 0 ? m->start + m->len - m->body_start : 0;
}

/* ---------------------------------------------------------------- state */

static json_t *
agg_state(const struct agg *a, const struct stat *st, long long off,
          uint64_t fp)
{
	char fps[17];
	json_t *jobs = json_array();

	snprintf(fps, sizeof(fps), "%016" PRIx64, fp);
	for (size_t i = 0; i < a->njobs; i++) {
		const struct job *j = &a->jobs[i];
		json_array_append_new(
		    jobs,
		    json_pack("{s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:i}",
		              "u", hex_json(j->user, strlen(j->user)), "c",
		              hex_json(j->command, j->command_len), "s",
		              hex_json(j->subject, j->subject_len), "n",
		              (json_int_t)j->count, "r", (json_int_t)j->unread,
		              "t", (json_int_t)j->last_ts, "b",
		              (json_int_t)j->body_start, "l",
		              (json_int_t)j->body_len, "v", j->variant));
	}
	return json_pack(
	    "{s:I, s:I, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:o}",
	    "dev", (json_int_t)st->st_dev, "ino", (json_int_t)st->st_ino,
	    "offset", (json_int_t)off, "fp", fps, "messages",
	    (json_int_t)a->messages, "unread", (json_int_t)a->unread, "new",
	    (json_int_t)a->fresh, "bytes", (json_int_t)a->bytes, "oldest",
	    (json_int_t)a->oldest, "newest", (json_int_t)a->newest, "other",
	    (json_int_t)a->other, "other_unread", (json_int_t)a->other_unread,
	    "jobs", jobs);
}

/* agg_restore - the aggregates of a saved state; -1 if it is malformed. */
static int
agg_restore(struct agg *a, json_t *s)
{
	json_t *jobs = json_object_get(s, "jobs"), *o;
	int bad = 0;
	size_t i, ul;

	a->messages =
	    (unsigned long long)jsonutil_need_int(s, "messages", &bad);
	a->unread = (unsigned long long)jsonutil_need_int(s, "unread", &bad);
	a->fresh = (unsigned long long)jsonutil_need_int(s, "new", &bad);
	a->bytes = jsonutil_need_int(s, "bytes", &bad);
	a->oldest = jsonutil_need_int(s, "oldest", &bad);
	a->newest = jsonutil_need_int(s, "newest", &bad);
	a->other = (unsigned long long)jsonutil_need_int(s, "other", &bad);
	a->other_unread =
	    (unsigned long long)jsonutil_need_int(s, "other_unread", &bad);
	if (bad || !json_is_array(jobs))
		return -1;
	json_array_foreach(jobs, i, o)
	{
		struct job *j;
		if (a->njobs == a->max) {
			/* max_jobs was lowered: fold the rest into other */
			a->other +=
			    (unsigned long long)jsonutil_need_int(o, "n", &bad);
			a->other_unread +=
			    (unsigned long long)jsonutil_need_int(o, "r", &bad);
			continue;
		}
		j = &a->jobs[a->njobs];
		memset(j, 0, sizeof(*j));
		if (unhex(json_object_get(o, "u"), j->user, sizeof(j->user) - 1,
		          &ul) == -1 ||
		    unhex(json_object_get(o, "c"), j->command,
		          sizeof(j->command) - 1, &j->command_len) == -1 ||
		    unhex(json_object_get(o, "s"), j->subject,
		          sizeof(j->subject), &j->subject_len) == -1)
			return -1;
		j->user[ul] = '\0';
		j->command[j->command_len] = '\0';
		j->count = (unsigned long long)jsonutil_need_int(o, "n", &bad);
		j->unread = (unsigned long long)jsonutil_need_int(o, "r", &bad);
		j->last_ts = jsonutil_need_int(o, "t", &bad);
		j->body_start = jsonutil_need_int(o, "b", &bad);
		j->body_len = jsonutil_need_int(o, "l", &bad);
		j->variant = (int)jsonutil_need_int(o, "v", &bad);
		if (bad)
			return -1;
		j->hash = job_hash(j->user, j->command, j->command_len);
		a->njobs++;
	}
	return 0;
}

/* fingerprint - FNV-1a of the first and the last FP_SPAN bytes before
 * off, and of off itself. */
static int
fingerprint(int fd, long long off, uint64_t *out)
{
	char buf[FP_SPAN];
	uint64_t h = hash_fnv1a(HASH_FNV1A_BASIS, &off, sizeof(off));
	long long spans[2][2] = {
	    {0, off < FP_SPAN ? off : FP_SPAN},
	    {off > FP_SPAN ? off - FP_SPAN : 0, off > FP_SPAN ? FP_SPAN : 0}};

	for (int i = 0; i < 2; i++) {
		ssize_t r;
		if (spans[i][1] == 0)
			continue;
		do
			r = pread(fd, buf, (size_t)spans[i][1],
			          (off_t)spans[i][0]);
		while (r == -1 && errno == EINTR);
		if (r != spans[i][1])
			return -1;
		h = hash_fnv1a(h, buf, (size_t)r);
	}
	*out = h;
	return 0;
}

/* resume - the saved state fits this file: restore it, return offset. */
static long long
resume(struct agg *a, json_t *prev, int fd, const struct stat *st)
{
	int bad = 0;
	long long dev, ino, off;
	const char *fps;
	char want[17];
	uint64_t fp;

	if (!json_is_object(prev))
		return -1;
	dev = jsonutil_need_int(prev, "dev", &bad);
	ino = jsonutil_need_int(prev, "ino", &bad);
	off = jsonutil_need_int(prev, "offset", &bad);
	fps = json_string_value(json_object_get(prev, "fp"));
	if (bad || fps == NULL || (dev_t)dev != st->st_dev ||
	    (ino_t)ino != st->st_ino || off < 0 || off > st->st_size)
		return -1;
	if (fingerprint(fd, off, &fp) == -1)
		return -1;
	snprintf(want, sizeof(want), "%016" PRIx64, fp);
	if (strcmp(want, fps) != 0)
		return -1;
	if (agg_restore(a, prev) == -1) {
		a->njobs = 0;
		return -1;
	}
	return off;
}

/* ---------------------------------------------------------------- report */

static const struct agg *sort_agg;

static int
by_count(const void *x, const void *y)
{
	const struct job *a = &sort_agg->jobs[*(const size_t *)x];
	const struct job *b = &sort_agg->jobs[*(const size_t *)y];

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return a->last_ts < b->last_ts ? 1 : a->last_ts > b->last_ts ? -1 : 0;
}

static json_t *
entry_json(const struct agg *a, int fd, long long size, const char *host,
           const char *user, const struct mailbox_opts *o)
{
	json_t *cron = json_array();
	size_t *idx = xcalloc(a->njobs + 1, sizeof(*idx));
	char *ex = xmalloc(o->excerpt_max + 1);

	for (size_t i = 0; i < a->njobs; i++)
		idx[i] = i;
	sort_agg = a;
	qsort(idx, a->njobs, sizeof(*idx), by_count);
	sort_agg = NULL;
	for (size_t k = 0; k < a->njobs; k++) {
		const struct job *j = &a->jobs[idx[k]];
		size_t n = mbox_excerpt(fd, j->body_start, j->body_len, ex,
		                        o->excerpt_max);
		/* the final newline says nothing; escaped it would be noise */
		while (n > 0 && (ex[n - 1] == '\n' || ex[n - 1] == '\r' ||
		                 ex[n - 1] == ' ' || ex[n - 1] == '\t'))
			n--;
		size_t sub = j->subject_len;
		const char *s = j->subject;

		while (sub > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			sub--;
		}
		json_array_append_new(
		    cron,
		    json_pack(
		        "{s:o, s:o, s:I, s:I, s:o, s:o, s:o, s:s}", "user",
		        json_str_safe(j->user, strlen(j->user), 64), "command",
		        json_str_safe(j->command, j->command_len, CRON_CMD_MAX),
		        "count", (json_int_t)j->count, "unread",
		        (json_int_t)j->unread, "last_ts",
		        jsonutil_ts_known(j->last_ts), "subject",
		        json_str_safe(s, sub, MBOX_SUBJECT), "excerpt",
		        json_str_safe(
		            ex, n, o->excerpt_max > 3 ? o->excerpt_max - 3 : 0),
		        "variant", cron_variant_name(j->variant)));
	}
	free(ex);
	free(idx);
	return json_pack(
	    "{s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, "
	    "s:I, s:I}",
	    "user", json_str_safe(user, strlen(user), 256), "path",
	    json_str_safe(host, strlen(host), AGENT_MAX_HOST_STR), "messages",
	    (json_int_t)a->messages, "unread", (json_int_t)a->unread, "new",
	    (json_int_t)a->fresh, "bytes", (json_int_t)size, "message_bytes",
	    (json_int_t)a->bytes, "oldest_ts", jsonutil_ts_known(a->oldest),
	    "newest_ts", jsonutil_ts_known(a->newest), "cron", cron,
	    "cron_other", (json_int_t)a->other, "cron_other_unread",
	    (json_int_t)a->other_unread);
}

/*
 * writer_busy - is an MDA or MUA writing the mailbox now?  It holds the
 * dot-lock PATH.lock (procmail, mail.local, postfix local, mailx) or a
 * record lock (fcntl); F_GETLK only asks, it takes no lock.
 */
static int
writer_busy(int dirfd, const char *name, int fd)
{
	char lock[PATH_MAX + 8];
	struct flock fl;
	struct stat st;

	if (snprintf(lock, sizeof(lock), "%s.lock", name) < (int)sizeof(lock) &&
	    fstatat(dirfd, lock, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 1;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	return fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
}

json_t *
mailbox_read(int dirfd, const char *name, const char *host, const char *user,
             json_t *prev, const struct mailbox_opts *o, json_t **state,
             struct mailbox_note *note, char *err, size_t errlen)
{
	struct agg a;
	struct stat st;
	struct mbox_result res;
	struct mbox_budget budget;
	json_t *entry = NULL;
	long long start, end;
	uint64_t fp;
	int fd, settled;
	char why[256];

	memset(note, 0, sizeof(*note));
	*state = NULL;
	if ((fd = safe_open(dirfd, name, o->seen, &st, err, errlen)) == -1)
		return NULL;
	if (o->check_owner && safe_owned(&st, o->owner, err, errlen) == -1) {
		close(fd);
		return NULL;
	}
	if (o->max_bytes > 0 && (long long)st.st_size > o->max_bytes) {
		snprintf(err, errlen,
		         "%lld bytes, over mbox_max_bytes (%lld): not read",
		         (long long)st.st_size, o->max_bytes);
		close(fd);
		return NULL;
	}
	memset(&a, 0, sizeof(a));
	a.max = o->max_jobs;
	a.jobs = xcalloc(a.max + 1, sizeof(*a.jobs));
	a.oldest = a.newest = -1;
	if ((start = resume(&a, prev, fd, &st)) < 0) {
		note->restarted = prev != NULL;
		memset(&a, 0, offsetof(struct agg, jobs));
		a.njobs = a.other = a.other_unread = 0;
		a.oldest = a.newest = -1;
		start = 0;
	}
	end = (long long)st.st_size;
	settled = writer_busy(dirfd, name, fd)             ? MBOX_WRITING
	          : o->now - st.st_mtime >= o->settle ? MBOX_SETTLED
	                                              : MBOX_ACTIVE;
	/* the cycle's byte budget: the rest waits for the next cycle, the
	 * message at the cut with it */
	if (o->cycle_bytes > 0 && end - start > o->cycle_bytes) {
		end = start + o->cycle_bytes;
		settled = MBOX_WRITING;
		note->budget_left = (long long)st.st_size - end;
	}
	budget.clock_ms = time_mono_ms;
	budget.deadline_ms = o->cycle_ms > 0 ? time_mono_ms() + o->cycle_ms : 0;
	if (mbox_scan_until(fd, start, end, settled, &budget, on_msg, &a, &res,
	                    why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s", why);
		goto out;
	}
	if (note->budget_left > 0 && res.messages == 0) {
		/* one message larger than the budget: it is read whole (the
		 * file is below mbox_max_bytes), else it would never be */
		note->budget_left = 0;
		if (mbox_scan_until(fd, start, (long long)st.st_size, settled,
		                    &budget, on_msg, &a, &res, why,
		                    sizeof(why)) == -1) {
			snprintf(err, errlen, "%s", why);
			goto out;
		}
	}
	if (res.timed_out) {
		/* the rest, from the message it was in, is the next cycle's */
		note->timed_out = 1;
		note->budget_left = (long long)st.st_size - res.end;
	}
	note->junk = res.junk;
	note->cut_lines = res.cut_lines;
	note->pending = res.pending;
	note->parsed = res.messages;
	if (fingerprint(fd, res.end, &fp) == -1) {
		snprintf(err, errlen, "fingerprint at %lld: %s", res.end,
		         strerror(errno));
		goto out;
	}
	*state = agg_state(&a, &st, res.end, fp);
	entry = entry_json(&a, fd, (long long)st.st_size, host, user, o);
out:
	free(a.jobs);
	close(fd);
	return entry;
}
