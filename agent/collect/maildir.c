/*
 * maildir.c - Maildir listing with a per-message memory (see maildir.h).
 *
 * State value:
 *   {"v": 1,
 *    "files": {"<unique>": [inode, bytes, date, job], ...},  job -1: none
 *    "jobs":  [{"u": user, "c": command, "s": subject, "e": excerpt,
 *               "v": variant, "t": date of the excerpt's message}, ...]}
 * Jobs are renumbered every cycle, so a job whose mail is gone is gone
 * from the state too.  Reading a message costs one open and one capped
 * read; a known one costs a hash lookup.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/parse/cronmail.h"
#include "agent/cycle.h"
#include "agent/collect/maildir.h"
#include "agent/parse/msghdr.h"
#include "common/jsonutil.h"
#include "common/safe_open.h"
#include "common/xalloc.h"

#define JOB_NONE (-1)  /* not cron mail */
#define JOB_OTHER (-2) /* cron mail beyond max_jobs */

/* One job's tally of this cycle. */
struct tally {
	unsigned long long count, unread;
	time_t last;
};

struct run {
	const struct maildir_opts *o;
	json_t *prev_files, *prev_jobs; /* borrowed from prev */
	json_t *files, *jobs, *jobkeys; /* the new state; key -> index */
	struct tally *tally;            /* max_jobs entries */
	unsigned long long messages, unread, fresh, bytes;
	unsigned long long other, other_unread;
	time_t oldest, newest;
	size_t nfiles;
	uid_t owner;
	char *buf;
	struct maildir_note *note;
};

int
maildir_is(const char *real)
{
	char p[4096];
	struct stat sb;

	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/%s", real, i ? "new" : "cur");
		if (lstat(p, &sb) == -1 || !S_ISDIR(sb.st_mode))
			return 0;
	}
	return 1;
}

static void
skip(struct run *r, const char *name, const char *why)
{
	if (r->note->skipped++ == 0)
		snprintf(r->note->first_skip, sizeof(r->note->first_skip),
		         "%.200s: %.90s", name, why);
}

/* name_time - the delivery time a Maildir name starts with, or -1 */
static time_t
name_time(const char *name)
{
	long long v = 0;
	size_t i;

	for (i = 0; name[i] >= '0' && name[i] <= '9' && i < 12; i++)
		v = v * 10 + (name[i] - '0');
	return i >= 9 && name[i] == '.' ? (time_t)v : (time_t)-1;
}

/* job_index - the new state's index of (user, command), added with the
 * message's subject, excerpt and variant when new; a newer message
 * replaces the subject and excerpt.  JOB_OTHER when max_jobs are
 * taken. */
static long
job_index(struct run *r, const char *user, const char *cmd, size_t cmdlen,
          json_t *subject, json_t *excerpt, const char *variant, time_t ts)
{
	char key[CRON_USER_MAX + CRON_CMD_MAX + 2];
	json_t *k, *j;
	long idx;

	snprintf(key, sizeof(key), "%s\n%.*s", user, (int)cmdlen, cmd);
	if ((k = json_object_get(r->jobkeys, key)) != NULL) {
		idx = (long)json_integer_value(k);
		j = json_array_get(r->jobs, (size_t)idx);
		if (ts >= json_integer_value(json_object_get(j, "t"))) {
			json_object_set(j, "s", subject);
			json_object_set(j, "e", excerpt);
			json_object_set_new(j, "t", json_integer(ts));
		}
		json_decref(subject);
		json_decref(excerpt);
		return idx;
	}
	if (json_array_size(r->jobs) >= r->o->max_jobs) {
		json_decref(subject);
		json_decref(excerpt);
		return JOB_OTHER;
	}
	idx = (long)json_array_size(r->jobs);
	json_array_append_new(
	    r->jobs,
	    json_pack("{s:o, s:o, s:o, s:o, s:s, s:I}", "u",
	              json_str_safe(user, strlen(user), CRON_USER_MAX), "c",
	              json_str_safe(cmd, cmdlen, CRON_CMD_MAX), "s", subject,
	              "e", excerpt, "v", variant, "t", (json_int_t)ts));
	json_object_set_new(r->jobkeys, key, json_integer(idx));
	return idx;
}

/* reuse - the job of a known message, carried over to the new state */
static long
reuse(struct run *r, long old)
{
	json_t *j, *s, *e;
	const char *u, *c, *v;

	if (old < 0)
		return old == JOB_OTHER ? JOB_OTHER : JOB_NONE;
	j = json_array_get(r->prev_jobs, (size_t)old);
	u = json_string_value(json_object_get(j, "u"));
	c = json_string_value(json_object_get(j, "c"));
	v = json_string_value(json_object_get(j, "v"));
	s = json_object_get(j, "s");
	e = json_object_get(j, "e");
	if (u == NULL || c == NULL)
		return JOB_NONE;
	return job_index(r, u, c, strlen(c), s ? json_incref(s) : json_null(),
	                 e ? json_incref(e) : json_null(), v ? v : "unknown",
	                 (time_t)json_integer_value(json_object_get(j, "t")));
}

/* parse - open and read one new message; 0 with *ts, *size, *job set */
static int
parse(struct run *r, int dfd, const char *name, time_t *ts, long long *size,
      long *job, ino_t *ino)
{
	struct msghdr h;
	struct cron_job cj;
	struct stat st;
	enum safe_fail fail;
	char why[160];
	size_t n = 0;
	int fd = safe_open_entry(dfd, name, SAFE_ONE_LINK, &st, &fail, why,
	                         sizeof(why));

	if (fd == -1) {
		skip(r, name, why);
		return -1;
	}
	if (safe_owned(&st, r->owner, why, sizeof(why)) == -1) {
		skip(r, name, why);
		close(fd);
		return -1;
	}
	while (n < MAILDIR_READ_MAX) {
		ssize_t got = read(fd, r->buf + n, MAILDIR_READ_MAX - n);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	r->note->parsed++;
	msghdr_parse(r->buf, n, &h);
	*ino = st.st_ino;
	*size = (long long)st.st_size;
	*ts = h.date != -1 ? h.date : name_time(name);
	if (*ts == -1)
		*ts = st.st_mtime;
	*job = JOB_NONE;
	if (msghdr_cron(&h, &cj)) {
		size_t bl = n - h.body;
		const char *body = r->buf + h.body;
		const char *user = cj.user[0] ? cj.user : h.cron_user;
		if (bl > r->o->excerpt_max)
			bl = r->o->excerpt_max;
		while (bl > 0 && (body[bl - 1] == '\n' ||
		                  body[bl - 1] == '\r' || body[bl - 1] == ' '))
			bl--;
		*job = job_index(
		    r, user, cj.command, cj.command_len,
		    json_str_safe(h.subject, h.subject_len, MSGHDR_SUBJECT),
		    json_str_safe(body, bl, r->o->excerpt_max),
		    cron_variant_name(
		        cron_variant_of(h.from, h.from_len, h.auto_submitted)),
		    *ts);
	}
	return 0;
}

static void
count(struct run *r, long job, int unread, time_t ts, long long size)
{
	r->messages++;
	r->unread += unread != 0;
	r->bytes += size > 0 ? (unsigned long long)size : 0;
	if (ts != -1 && (r->oldest == -1 || ts < r->oldest))
		r->oldest = ts;
	if (ts != -1 && ts > r->newest)
		r->newest = ts;
	if (job == JOB_OTHER) {
		r->other++;
		r->other_unread += unread != 0;
	} else if (job >= 0 && (size_t)job < r->o->max_jobs) {
		struct tally *t = &r->tally[job];
		t->count++;
		t->unread += unread != 0;
		if (ts > t->last)
			t->last = ts;
	}
}

/* one - a directory entry of new/ or cur/ */
static void
one(struct run *r, int dfd, const char *name, ino_t d_ino, int in_new)
{
	const char *colon = strchr(name, ':');
	size_t bl = colon ? (size_t)(colon - name) : strlen(name);
	char base[256];
	json_t *old;
	int unread = in_new;
	time_t ts;
	long long size;
	long job = JOB_NONE;
	ino_t ino = d_ino;

	if (bl == 0 || bl >= sizeof(base))
		return;
	memcpy(base, name, bl);
	base[bl] = '\0';
	if (!in_new) /* cur/: unread unless the flags after ":2," have S */
		unread = colon == NULL || strncmp(colon, ":2,", 3) != 0 ||
		         strchr(colon + 3, 'S') == NULL;
	old = json_object_get(r->prev_files, base);
	if (json_array_size(old) == 4 &&
	    (ino_t)json_integer_value(json_array_get(old, 0)) == d_ino) {
		size = json_integer_value(json_array_get(old, 1));
		ts = (time_t)json_integer_value(json_array_get(old, 2));
		job =
		    reuse(r, (long)json_integer_value(json_array_get(old, 3)));
	} else if (r->nfiles >= r->o->max_files) {
		r->note->counted++;
		count(r, JOB_NONE, unread, -1, 0);
		if (in_new)
			r->fresh++;
		return;
	} else if (parse(r, dfd, name, &ts, &size, &job, &ino) == -1) {
		return;
	}
	json_object_set_new(r->files, base,
	                    json_pack("[I, I, I, I]", (json_int_t)ino,
	                              (json_int_t)size, (json_int_t)ts,
	                              (json_int_t)job));
	r->nfiles++;
	count(r, job, unread, ts, size);
	if (in_new)
		r->fresh++;
}

static int
list(struct run *r, int mfd, const char *sub, char *err, size_t errlen)
{
	int dfd =
	    openat(mfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	DIR *d;

	if (dfd == -1 || (d = fdopendir(dfd)) == NULL) {
		snprintf(err, errlen, "%s/: %s", sub, strerror(errno));
		if (dfd != -1)
			close(dfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		one(r, dfd, de->d_name, de->d_ino, sub[0] == 'n');
	}
	closedir(d);
	return 0;
}

static json_t *
entry_json(struct run *r, const char *host, const char *user)
{
	json_t *cron = json_array(), *j;
	size_t i;

	json_array_foreach(r->jobs, i, j)
	{
		struct tally *t = &r->tally[i];
		if (t->count == 0)
			continue;
		json_array_append_new(
		    cron, json_pack("{s:O, s:O, s:I, s:I, s:o, s:O, s:O, s:O}",
		                    "user", json_object_get(j, "u"), "command",
		                    json_object_get(j, "c"), "count",
		                    (json_int_t)t->count, "unread",
		                    (json_int_t)t->unread, "last_ts",
		                    jsonutil_ts_known(t->last), "subject",
		                    json_object_get(j, "s"), "excerpt",
		                    json_object_get(j, "e"), "variant",
		                    json_object_get(j, "v")));
	}
	return json_pack(
	    "{s:o, s:o, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:I, s:I}",
	    "user", json_str_safe(user, strlen(user), 256), "path",
	    json_str_safe(host, strlen(host), 4096), "format", "maildir",
	    "messages", (json_int_t)r->messages, "unread",
	    (json_int_t)r->unread, "new", (json_int_t)r->fresh, "bytes",
	    (json_int_t)r->bytes, "oldest_ts", jsonutil_ts_known(r->oldest),
	    "newest_ts", jsonutil_ts_known(r->newest), "cron", cron,
	    "cron_other", (json_int_t)r->other, "cron_other_unread",
	    (json_int_t)r->other_unread);
}

json_t *
maildir_read(const char *real, const char *host, const char *user, json_t *prev,
             const struct maildir_opts *o, json_t **state,
             struct maildir_note *note, char *err, size_t errlen)
{
	struct run r;
	struct stat st;
	json_t *entry = NULL;
	int mfd;

	memset(note, 0, sizeof(*note));
	*state = NULL;
	mfd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (mfd == -1 || fstat(mfd, &st) == -1) {
		snprintf(err, errlen, "open: %s", strerror(errno));
		if (mfd != -1)
			close(mfd);
		return NULL;
	}
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.note = note;
	r.owner = st.st_uid;
	r.oldest = r.newest = -1;
	if (json_is_object(prev) &&
	    json_integer_value(json_object_get(prev, "v")) == 1) {
		r.prev_files = json_object_get(prev, "files");
		r.prev_jobs = json_object_get(prev, "jobs");
	}
	r.files = json_object();
	r.jobs = json_array();
	r.jobkeys = json_object();
	r.tally = xcalloc(o->max_jobs + 1, sizeof(*r.tally));
	r.buf = xmalloc(MAILDIR_READ_MAX);
	if (list(&r, mfd, "new", err, errlen) == -1 ||
	    list(&r, mfd, "cur", err, errlen) == -1) {
		json_decref(r.files);
		json_decref(r.jobs);
		goto out;
	}
	entry = entry_json(&r, host, user);
	*state = json_pack("{s:i, s:o, s:o}", "v", 1, "files", r.files, "jobs",
	                   r.jobs);
out:
	json_decref(r.jobkeys);
	free(r.tally);
	free(r.buf);
	close(mfd);
	return entry;
}
