/*
 * syslog_tail.c - resumable, rotation-aware reading of one log file (see
 * syslog_tail.h for the rules).
 *
 * Reads with pread() (gzip streams with zlib) into the caller's buffer,
 * so nothing here grows with the file.  Siblings are looked for in the
 * file's own directory: names "BASE.<digit>..." and "BASE-<digit>..."
 * (logrotate's numbered and dateext names) that are regular files; an
 * old file compressed before it was finished is read on from a gzip
 * sibling (zlib, streaming); other compressions (.bz2, .xz, .zst) only
 * make a note.
 * Host files are opened read-only and never locked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "agent/parse/event_sig.h"
#include "agent/probe/syslog_tail.h"

struct pos {
	int valid;
	unsigned long long dev, ino;
	off_t off;
	size_t fplen;
	unsigned long long fp;
};

static void
pos_from_json(json_t *j, struct pos *p)
{
	const char *fp;

	memset(p, 0, sizeof(*p));
	if (!json_is_object(j))
		return;
	fp = json_string_value(json_object_get(j, "fp"));
	if (!json_is_integer(json_object_get(j, "off")) || fp == NULL)
		return;
	p->dev =
	    (unsigned long long)json_integer_value(json_object_get(j, "dev"));
	p->ino =
	    (unsigned long long)json_integer_value(json_object_get(j, "ino"));
	p->off = (off_t)json_integer_value(json_object_get(j, "off"));
	p->fplen = (size_t)json_integer_value(json_object_get(j, "fpl"));
	p->fp = strtoull(fp, NULL, 16);
	if (p->off < 0 || p->fplen > TAIL_FP_MAX)
		return;
	p->valid = 1;
}

static json_t *
pos_to_json(const struct pos *p)
{
	char fp[17];

	snprintf(fp, sizeof(fp), "%016llx", p->fp);
	return json_pack("{s:I, s:I, s:I, s:I, s:s}", "dev", (json_int_t)p->dev,
	                 "ino", (json_int_t)p->ino, "off", (json_int_t)p->off,
	                 "fpl", (json_int_t)p->fplen, "fp", fp);
}

/* fingerprint - hash of the first len bytes of fd; -1 if it has fewer. */
static int
fingerprint(int fd, size_t len, unsigned long long *out)
{
	char b[TAIL_FP_MAX];
	size_t got = 0;

	while (got < len) {
		ssize_t r = pread(fd, b + got, len - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	*out = event_hash64(b, len);
	return 0;
}

/* identify - the position of an open file at offset off. */
static int
identify(int fd, const struct stat *sb, off_t off, struct pos *p)
{
	memset(p, 0, sizeof(*p));
	p->dev = (unsigned long long)sb->st_dev;
	p->ino = (unsigned long long)sb->st_ino;
	p->off = off;
	p->fplen =
	    sb->st_size < TAIL_FP_MAX ? (size_t)sb->st_size : TAIL_FP_MAX;
	if (fingerprint(fd, p->fplen, &p->fp) == -1)
		return -1;
	p->valid = 1;
	return 0;
}

/* same_content - does fd start with the bytes p was fingerprinted on? */
static int
same_content(int fd, const struct stat *sb, const struct pos *p)
{
	unsigned long long fp;

	if ((off_t)p->fplen > sb->st_size)
		return 0;
	return fingerprint(fd, p->fplen, &fp) == 0 && fp == p->fp;
}

struct reader {
	const struct tail_opts *o;
	tail_fn fn;
	void *arg;
	struct tail_result *res;
};

/*
 * read_range - hand out the complete lines of fd from off up to limit
 * (the size seen when we started, so a busy file cannot keep us here);
 * skip_first drops bytes up to the first newline (read-back start in the
 * middle of a line).  With gz set, the lines come from that gzip stream
 * instead, already positioned at off, up to its end.  Returns the offset
 * after the last complete line, or -1 with err.
 */
static off_t
read_range(struct reader *rd, int fd, gzFile gz, const struct tail_src *src,
           off_t off, off_t limit, int skip_first, char *err, size_t errlen)
{
	const struct tail_opts *o = rd->o;
	off_t committed = off, fpos = off;
	size_t len = 0, hold_len = 0;
	int skipping = skip_first;

	while (fpos + (off_t)len < limit) {
		size_t want = o->bufsize - len, start = 0;
		ssize_t r;
		char *lastnl;

		if ((off_t)want > limit - fpos - (off_t)len)
			want = (size_t)(limit - fpos - (off_t)len);
		if (gz != NULL) {
			int gr = gzread(gz, o->buf + len, (unsigned)want);
			if (gr < 0) {
				int zerr;
				snprintf(err, errlen, "%s: %s", src->path,
				         gzerror(gz, &zerr));
				return -1;
			}
			r = gr;
		} else {
			r = pread(fd, o->buf + len, want, fpos + (off_t)len);
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s: read: %s", src->path,
			         strerror(errno));
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		rd->res->bytes += (uint64_t)r;
		if (skipping) {
			char *nl = memchr(o->buf, '\n', len);
			if (nl == NULL) {
				fpos += (off_t)len;
				len = 0;
				continue;
			}
			if (hold_len > 0) {
				rd->fn(rd->arg, src, o->hold, hold_len, 1);
				rd->res->lines_cut++;
			}
			skipping = 0;
			hold_len = 0;
			start = (size_t)(nl - o->buf) + 1;
			committed = fpos + (off_t)start;
		}
		lastnl = len > start
		             ? memrchr(o->buf + start, '\n', len - start)
		             : NULL;
		if (lastnl) {
			size_t e = (size_t)(lastnl - o->buf) + 1;
			rd->fn(rd->arg, src, o->buf + start, e - start, 0);
			committed = fpos + (off_t)e;
			start = e;
		}
		if (len - start >= o->max_line) {
			/* a line longer than max_line: keep its head, drop
			 * the rest up to its newline */
			memcpy(o->hold, o->buf + start, o->max_line);
			hold_len = o->max_line;
			skipping = 1;
			fpos += (off_t)len;
			len = 0;
			continue;
		}
		memmove(o->buf, o->buf + start, len - start);
		fpos += (off_t)start;
		len -= start;
	}
	return committed;
}

static int
compressed_name(const char *name)
{
	static const char *const ext[] = {".gz", ".bz2", ".xz", ".zst", ".Z"};
	size_t l = strlen(name);

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i]);
		if (l > e && strcmp(name + l - e, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* rotated_name - is name a rotated generation of base: "BASE.1",
 * "BASE.1.gz", "BASE-20260215" (a '.' or '-' and then a digit)? */
static int
rotated_name(const char *name, const char *base, size_t bl)
{
	return strncmp(name, base, bl) == 0 &&
	       (name[bl] == '.' || name[bl] == '-') && name[bl + 1] >= '0' &&
	       name[bl + 1] <= '9';
}

/* split - directory and base name of a path ("." for a bare name). */
static void
split(const char *path, char *dir, size_t dn, const char **base)
{
	const char *sl = strrchr(path, '/');

	if (sl == NULL) {
		snprintf(dir, dn, ".");
		*base = path;
	} else {
		snprintf(dir, dn, "%.*s", sl == path ? 1 : (int)(sl - path),
		         path);
		*base = sl + 1;
	}
}

enum match { BY_INODE, BY_CONTENT };

/*
 * find_sibling - open the rotated sibling of fspath that holds p: same
 * inode and fingerprint (BY_INODE), or, for copies, the newest one with
 * the fingerprint and at least p->off bytes that is not the inode
 * skip_ino (BY_CONTENT).  Returns an fd (stat in *sb, name in name) or
 * -1; *compressed is set if a compressed sibling exists.
 */
static int
find_sibling(const char *fspath, const struct pos *p, enum match how,
             unsigned long long skip_ino, struct stat *sb, char *name,
             size_t nn, int *compressed)
{
	char dir[PATH_MAX];
	const char *base;
	size_t bl;
	DIR *d;
	struct dirent *de;
	int best = -1;
	time_t best_mtime = 0;

	split(fspath, dir, sizeof(dir), &base);
	bl = strlen(base);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		int fd;

		if (!rotated_name(de->d_name, base, bl))
			continue;
		if (compressed_name(de->d_name)) {
			*compressed = 1;
			continue;
		}
		fd = openat(dirfd(d), de->d_name,
		            O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd == -1)
			continue;
		if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
		    !same_content(fd, &st, p)) {
			close(fd);
			continue;
		}
		if (how == BY_INODE) {
			if ((unsigned long long)st.st_dev == p->dev &&
			    (unsigned long long)st.st_ino == p->ino) {
				if (best != -1)
					close(best);
				best = fd;
				*sb = st;
				snprintf(name, nn, "%s", de->d_name);
				break;
			}
			close(fd);
			continue;
		}
		if ((unsigned long long)st.st_ino == skip_ino ||
		    st.st_size < p->off ||
		    (best != -1 && st.st_mtime <= best_mtime)) {
			close(fd);
			continue;
		}
		if (best != -1)
			close(best);
		best = fd;
		best_mtime = st.st_mtime;
		*sb = st;
		snprintf(name, nn, "%s", de->d_name);
	}
	closedir(d);
	return best;
}

/* sibling_path - hostpath's directory joined with name. */
static void
sibling_path(const char *hostpath, const char *name, char *out, size_t n)
{
	char dir[PATH_MAX];
	const char *base;

	size_t dl, nl;

	split(hostpath, dir, sizeof(dir), &base);
	dl = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
	nl = strlen(name);
	if (dl + 1 + nl + 1 > n) { /* cannot happen with PATH_MAX */
		snprintf(out, n, "%s", name);
		return;
	}
	memcpy(out, dir, dl);
	out[dl] = '/';
	memcpy(out + dl + 1, name, nl + 1);
}

static int
ts_after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

#define BETWEEN_MAX 16

/*
 * read_between - generations rotated while no agent ran: after the old
 * file (old, found by inode) was finished, every plain sibling last
 * written after it that is neither it, the current file, the followed
 * previous file nor a copy of the old one (same first bytes) is read
 * whole, oldest first.  At most BETWEEN_MAX of them.
 */
static int
read_between(struct reader *rd, const char *fspath, const char *hostpath,
             const struct stat *old, const struct pos *oldpos,
             unsigned long long cur_ino, const struct pos *prev, char *err,
             size_t errlen)
{
	struct cand {
		char name[NAME_MAX + 1];
		struct timespec mt;
	} c[BETWEEN_MAX];
	size_t nc = 0, bl;
	char dir[PATH_MAX], hpath[PATH_MAX];
	const char *base;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	split(fspath, dir, sizeof(dir), &base);
	bl = strlen(base);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && nc < BETWEEN_MAX) {
		struct stat st;
		if (!rotated_name(de->d_name, base, bl) ||
		    compressed_name(de->d_name) ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		        -1 ||
		    !S_ISREG(st.st_mode) || st.st_ino == old->st_ino ||
		    (unsigned long long)st.st_ino == cur_ino ||
		    (prev->valid &&
		     (unsigned long long)st.st_ino == prev->ino) ||
		    !ts_after(&st.st_mtim, &old->st_mtim))
			continue;
		snprintf(c[nc].name, sizeof(c[nc].name), "%s", de->d_name);
		c[nc++].mt = st.st_mtim;
	}
	for (size_t i = 1; i < nc; i++) /* oldest first (insertion sort) */
		for (size_t j = i; j > 0 && ts_after(&c[j - 1].mt, &c[j].mt);
		     j--) {
			struct cand t = c[j];
			c[j] = c[j - 1];
			c[j - 1] = t;
		}
	for (size_t i = 0; i < nc && rc == 0; i++) {
		struct stat st;
		int fd = openat(dirfd(d), c[i].name,
		                O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

		if (fd == -1)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    !same_content(fd, &st, oldpos)) {
			struct tail_src src = {NULL, 0};
			sibling_path(hostpath, c[i].name, hpath, sizeof(hpath));
			src.path = hpath;
			src.mtime = st.st_mtime;
			if (read_range(rd, fd, NULL, &src, 0, st.st_size, 0,
			               err, errlen) < 0)
				rc = -1;
			else
				rd->res->between++;
		}
		close(fd);
	}
	closedir(d);
	return rc;
}

/* gz_skip - read and drop n bytes of gz; 0, or -1 if it ends first. */
static int
gz_skip(gzFile gz, off_t n, char *buf, size_t bufsize)
{
	while (n > 0) {
		unsigned want =
		    (unsigned)(n < (off_t)bufsize ? n : (off_t)bufsize);
		int r = gzread(gz, buf, want);
		if (r <= 0)
			return -1;
		n -= r;
	}
	return 0;
}

static int
gz_name(const char *name)
{
	size_t l = strlen(name);
	return l > 3 && strcmp(name + l - 3, ".gz") == 0;
}

/*
 * finish_gz - the old file was compressed before it was finished
 * (logrotate's compress without delaycompress): find the gzip sibling
 * whose decompressed first bytes carry p's fingerprint and read it from
 * p->off to its end, streaming (memory stays the caller's buffer).  1 if
 * found and read (host name in found), 0 if there is none, -1 on error.
 */
static int
finish_gz(struct reader *rd, const char *fspath, const char *hostpath,
          struct pos *p, char *found, size_t fn, char *err, size_t errlen)
{
	const struct tail_opts *o = rd->o;
	char dir[PATH_MAX];
	const char *base;
	struct dirent *de;
	size_t bl;
	DIR *d;
	int rc = 0;

	split(fspath, dir, sizeof(dir), &base);
	bl = strlen(base);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		struct stat st;
		struct tail_src src = {NULL, 0};
		gzFile gz;
		int fd;
		off_t end;

		if (!rotated_name(de->d_name, base, bl) || !gz_name(de->d_name))
			continue;
		fd = openat(dirfd(d), de->d_name,
		            O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd == -1)
			continue;
		if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
		    (gz = gzdopen(fd, "rb")) == NULL) {
			close(fd);
			continue;
		}
		if (gzread(gz, o->buf, (unsigned)p->fplen) != (int)p->fplen ||
		    event_hash64(o->buf, p->fplen) != p->fp ||
		    gzrewind(gz) == -1 ||
		    gz_skip(gz, p->off, o->buf, o->bufsize) == -1) {
			gzclose(gz);
			continue;
		}
		sibling_path(hostpath, de->d_name, found, fn);
		src.path = found;
		src.mtime = st.st_mtime;
		end = read_range(rd, -1, gz, &src, p->off, (off_t)1 << 62, 0,
		                 err, errlen);
		gzclose(gz);
		if (end < 0) {
			rc = -1;
		} else {
			p->off = end;
			rc = 1;
		}
	}
	closedir(d);
	return rc;
}

/* finish - read a sibling from p->off to its end; updates p->off. */
static int
finish(struct reader *rd, int fd, const struct stat *sb, const char *hpath,
       struct pos *p, char *err, size_t errlen)
{
	struct tail_src src = {hpath, sb->st_mtime};
	off_t o =
	    read_range(rd, fd, NULL, &src, p->off, sb->st_size, 0, err, errlen);

	if (o < 0)
		return -1;
	p->off = o;
	return 0;
}

/* One tail_run: the file, its position and where results go. */
struct run {
	struct reader rd;
	const char *fspath, *hostpath;
	int fd;              /* the current file; -1 if it is missing */
	struct stat sb;      /* its fstat */
	struct tail_src src; /* hostpath and its mtime */
	struct pos cur;      /* where we were in the current file */
	struct pos prev;     /* a renamed file still followed */
	int compressed;      /* a compressed sibling was seen */
	char *err;
	size_t errlen;
};

/* What a run ends with. */
enum step {
	STEP_ERR = -1, /* err is set */
	STEP_READ,     /* the file was read up to its size */
	STEP_SAVE,     /* no current file: save the position only */
	STEP_NONE,     /* no file and no position: nothing to save */
};

static enum step
io_error(struct run *t)
{
	snprintf(t->err, t->errlen, "%s: %s", t->hostpath, strerror(errno));
	return STEP_ERR;
}

/* open_current - open and check the file; a missing one is fd -1. */
static int
open_current(struct run *t)
{
	t->fd = open(t->fspath, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (t->fd == -1)
		return errno == ENOENT ? 0 : (int)io_error(t);
	if (fstat(t->fd, &t->sb) == -1) {
		io_error(t);
		close(t->fd);
		return -1;
	}
	if (!S_ISREG(t->sb.st_mode)) {
		snprintf(t->err, t->errlen, "%s: not a regular file",
		         t->hostpath);
		close(t->fd);
		return -1;
	}
	/* a cold file is read faster with more readahead */
	(void)posix_fadvise(t->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	t->src.mtime = t->sb.st_mtime;
	return 0;
}

/* follow_prev - 1. a renamed file we keep following until it stops
 * growing; prev is dropped when it did not grow or is gone. */
static int
follow_prev(struct run *t)
{
	char name[NAME_MAX + 1], hpath[PATH_MAX];
	struct stat ss;
	off_t before = t->prev.off;
	int sfd = find_sibling(t->fspath, &t->prev, BY_INODE, 0, &ss, name,
	                       sizeof(name), &t->compressed);
	int rc;

	if (sfd == -1) {
		t->prev.valid = 0;
		return 0;
	}
	sibling_path(t->hostpath, name, hpath, sizeof(hpath));
	rc = finish(&t->rd, sfd, &ss, hpath, &t->prev, t->err, t->errlen);
	close(sfd);
	if (rc == 0 && t->prev.off == before)
		t->prev.valid = 0; /* done with it */
	return rc;
}

/* read_first - 2a. no saved position: the last readback bytes, from a
 * line boundary. */
static enum step
read_first(struct run *t)
{
	const struct tail_opts *o = t->rd.o;
	struct pos now;
	off_t start;
	int skip = 0;

	if (t->fd == -1)
		return STEP_NONE;
	t->rd.res->first_start = 1;
	start = t->sb.st_size > o->readback ? t->sb.st_size - o->readback : 0;
	if (start > 0) { /* start at a line boundary */
		char ch;
		skip = pread(t->fd, &ch, 1, start - 1) != 1 || ch != '\n';
	}
	if (identify(t->fd, &t->sb, 0, &now) == -1)
		return io_error(t);
	now.off = read_range(&t->rd, t->fd, NULL, &t->src, start, t->sb.st_size,
	                     skip, t->err, t->errlen);
	if (now.off < 0)
		return STEP_ERR;
	t->cur = now;
	return STEP_READ;
}

/* same_file - whether the file is the one of cur, grown or not. */
static int
same_file(const struct run *t)
{
	return t->fd != -1 && (unsigned long long)t->sb.st_dev == t->cur.dev &&
	       (unsigned long long)t->sb.st_ino == t->cur.ino &&
	       t->sb.st_size >= t->cur.off &&
	       same_content(t->fd, &t->sb, &t->cur);
}

/* read_more - 2b. the same file: from the saved offset to its size. */
static enum step
read_more(struct run *t)
{
	off_t off = read_range(&t->rd, t->fd, NULL, &t->src, t->cur.off,
	                       t->sb.st_size, 0, t->err, t->errlen);

	if (off < 0)
		return STEP_ERR;
	if (t->cur.fplen < TAIL_FP_MAX && t->sb.st_size > (off_t)t->cur.fplen &&
	    identify(t->fd, &t->sb, off, &t->cur) == -1)
		return io_error(t);
	t->cur.off = off;
	return STEP_READ;
}

/* lost_note - what could not be read of the old file, in res->note. */
static void
lost_note(struct run *t)
{
	snprintf(t->rd.res->note, sizeof(t->rd.res->note),
	         "the previous file (inode %llu) was %s; lines "
	         "written to it after offset %lld were not read",
	         t->cur.ino,
	         t->compressed ? "compressed (not gzip, or not "
	                         "readable) or removed before it was "
	                         "finished"
	                       : "truncated or removed",
	         (long long)t->cur.off);
}

/*
 * finish_old - the old file of cur after a rotation or truncation: find
 * it by inode (renamed), else by content (copied), else as gzip, and
 * read what was added after cur.off.  *by_inode and ss say whether and
 * where it was found renamed.  0 or -1.
 */
static int
finish_old(struct run *t, int same_ino, int *by_inode, struct stat *ss)
{
	struct tail_result *res = t->rd.res;
	char name[NAME_MAX + 1], hpath[PATH_MAX];
	int sfd = -1, gzr, rc;

	*by_inode = 0;
	if (t->cur.ino != 0 && !same_ino)
		sfd = find_sibling(t->fspath, &t->cur, BY_INODE, 0, ss, name,
		                   sizeof(name), &t->compressed);
	if (sfd != -1)
		*by_inode = 1;
	else if (t->cur.ino != 0 && t->cur.fplen > 0) /* 0: matches all */
		sfd = find_sibling(
		    t->fspath, &t->cur, BY_CONTENT,
		    t->fd != -1 ? (unsigned long long)t->sb.st_ino : 0, ss,
		    name, sizeof(name), &t->compressed);
	if (sfd != -1) {
		sibling_path(t->hostpath, name, hpath, sizeof(hpath));
		snprintf(res->rotated_from, sizeof(res->rotated_from), "%s",
		         hpath);
		rc = finish(&t->rd, sfd, ss, hpath, &t->cur, t->err, t->errlen);
		close(sfd);
		if (rc == -1)
			return -1;
		res->rotated = *by_inode;
		res->truncated = !*by_inode;
		return 0;
	}
	if (t->cur.ino == 0)
		return 0;
	gzr = 0;
	if (t->cur.fplen > 0 && t->compressed &&
	    (gzr = finish_gz(&t->rd, t->fspath, t->hostpath, &t->cur, hpath,
	                     sizeof(hpath), t->err, t->errlen)) == -1)
		return -1;
	if (gzr == 1)
		snprintf(res->rotated_from, sizeof(res->rotated_from), "%s",
		         hpath);
	else
		lost_note(t);
	res->truncated = same_ino;
	res->rotated = !same_ino;
	return 0;
}

/* read_rotated - 2c. rotated (other inode), truncated or replaced: the
 * rest of the old file, the generations in between, then the new file
 * from its start. */
static enum step
read_rotated(struct run *t)
{
	int same_ino = t->fd != -1 &&
	               (unsigned long long)t->sb.st_dev == t->cur.dev &&
	               (unsigned long long)t->sb.st_ino == t->cur.ino;
	int by_inode;
	struct stat ss;
	struct pos now;

	if (finish_old(t, same_ino, &by_inode, &ss) == -1)
		return STEP_ERR;
	if (t->fd == -1) {
		/* between "rename" and "create": keep following the renamed
		 * file as the current one */
		if (!by_inode) {
			/* nothing to follow: read the next file from its
			 * start (inode 0 matches none) */
			memset(&t->cur, 0, sizeof(t->cur));
			t->cur.valid = 1;
		}
		return STEP_SAVE;
	}
	if (by_inode) {
		struct pos oldpos = t->cur;
		if (read_between(&t->rd, t->fspath, t->hostpath, &ss, &oldpos,
		                 (unsigned long long)t->sb.st_ino, &t->prev,
		                 t->err, t->errlen) == -1)
			return STEP_ERR;
		t->prev = t->cur; /* it may still be written to */
		t->prev.valid = 1;
	}
	if (identify(t->fd, &t->sb, 0, &now) == -1)
		return io_error(t);
	now.off = read_range(&t->rd, t->fd, NULL, &t->src, 0, t->sb.st_size, 0,
	                     t->err, t->errlen);
	if (now.off < 0)
		return STEP_ERR;
	t->cur = now;
	return STEP_READ;
}

int
tail_run(const char *fspath, const char *hostpath, json_t *saved,
         const struct tail_opts *o, tail_fn fn, void *arg, json_t **next,
         struct tail_result *res, char *err, size_t errlen)
{
	struct run t = {.rd = {o, fn, arg, res},
	                .fspath = fspath,
	                .hostpath = hostpath,
	                .src = {hostpath, 0},
	                .err = err,
	                .errlen = errlen};
	enum step step;

	memset(res, 0, sizeof(*res));
	*next = NULL;
	pos_from_json(saved, &t.cur);
	pos_from_json(saved ? json_object_get(saved, "prev") : NULL, &t.prev);
	if (open_current(&t) == -1)
		return -1;
	res->missing = t.fd == -1;

	if (t.prev.valid && follow_prev(&t) == -1)
		step = STEP_ERR;
	else if (!t.cur.valid)
		step = read_first(&t);
	else if (same_file(&t))
		step = read_more(&t);
	else
		step = read_rotated(&t);

	if (step == STEP_READ) {
		res->offset = t.cur.off;
		res->size = t.sb.st_size;
	}
	if (step == STEP_READ || step == STEP_SAVE) {
		*next = pos_to_json(&t.cur);
		if (t.prev.valid)
			json_object_set_new(*next, "prev",
			                    pos_to_json(&t.prev));
	}
	if (t.fd != -1)
		close(t.fd);
	return step == STEP_ERR ? -1 : 0;
}
