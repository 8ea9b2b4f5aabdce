/*
 * dirscan.c - streaming directory scan with fixed memory (see dirscan.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent/probe/dirscan.h"
#include "agent/parse/qid.h"
#include "agent/parse/exim_spool.h"
#include "common/compat.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

#define DS_BUF (64u << 10) /* getdents64 buffer, per level */
#define DS_MAX_DEPTH 3
#define DS_CLOCK_EVERY 512 /* entries between clock reads */

/* The invertible Bloom table: three sub-tables, each id in one cell of
 * each.  A df adds +1, a control file -1; pairs cancel to zero. */
#define IBLT_K 3
#define IBLT_CELLS 4096 /* per sub-table */

struct iblt_cell {
	uint64_t keyx;
	int32_t count;
	uint32_t chkx; /* 32 bits of the check: 16-byte cells, 196 KiB */
};

struct dirscan_ctx {
	struct dirscan_opts opts; /* a copy, depth capped */
	const struct dirscan_opts *o;
	struct dirscan_result *r;
	struct iblt_cell *iblt; /* IBLT_K * IBLT_CELLS */
	uint64_t pend_key;      /* an add waiting for its cells (0: none) */
	int pend_sign;
	struct qid_clock qc;
	int64_t start_ms, now_ms;
	unsigned tick;
	int stop;
};

/* Mirrors the kernel's struct linux_dirent64. */
struct ds_dirent {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * name_len - the length of a listed name without a strlen call (a tenth
 * of the listing's own time): d_reclen is the end of the name's NUL
 * rounded up to 8 bytes, so the NUL is in the record's last eight bytes,
 * and the lowest zero byte the word test flags there is exact (the bytes
 * before it are the name's).  strlen for a short record, or a listing
 * that does not look so.
 */
static size_t
name_len(const struct ds_dirent *d)
{
	size_t room = d->d_reclen - offsetof(struct ds_dirent, d_name);

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (d->d_reclen >= offsetof(struct ds_dirent, d_name) + 8) {
		const uint64_t ones = 0x0101010101010101ULL;
		uint64_t w, t;

		memcpy(&w, d->d_name + room - 8, 8);
		t = (w - ones) & ~w & (ones << 7);
		if (t != 0)
			return room - 8 + (size_t)(__builtin_ctzll(t) >> 3);
	}
#endif
	(void)room;
	return strlen(d->d_name);
}

static const char *const prefix_names[DS_NPREFIX] = {
    "qf", "df", "tf", "xf", "hf", "Qf", "other",
};

const char *
dirscan_prefix_name(enum dirscan_prefix p)
{
	return p < DS_NPREFIX ? prefix_names[p] : "?";
}

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* dirscan_id_key - a 64-bit key of a queue id, 8 bytes at a time; never
 * 0 (0 marks an empty cell). */
uint64_t
dirscan_id_key(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = mix64(h ^ w);
		p += 8;
		n -= 8;
	}
	/* the last bytes, the first one lowest (memcpy of a size not
	 * known is a call, musl's a byte loop) */
	w = 0;
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)(unsigned char)p[i] << (8 * i);
	return mix64(h ^ w) | 1;
}

/* iblt_index - the key's cell in sub-table k: 12 different bits of the
 * (already mixed) key each. */
static size_t
iblt_index(uint64_t key, int k)
{
	return (size_t)k * IBLT_CELLS +
	       (size_t)((key >> (1 + 16 * k)) % IBLT_CELLS);
}

static uint32_t
iblt_check(uint64_t key)
{
	return (uint32_t)mix64(key ^ 0x5851f42d4c957f2dULL);
}

static void
iblt_add(struct iblt_cell *t, uint64_t key, int sign)
{
	uint32_t chk = iblt_check(key);

	for (int k = 0; k < IBLT_K; k++) {
		struct iblt_cell *c = &t[iblt_index(key, k)];

		c->count += sign;
		c->keyx ^= key;
		c->chkx ^= chk;
	}
}

/*
 * iblt_defer - add key at the next entry (or iblt_flush): its three
 * cells are fetched now, while the entry is handed over.  The cells are
 * random in a table larger than the cache the queue reader's system
 * calls leave; added at once, each add waited for its loads.
 */
static void
iblt_defer(struct dirscan_ctx *x, uint64_t key, int sign)
{
	if (x->pend_key != 0)
		iblt_add(x->iblt, x->pend_key, x->pend_sign);
	for (int k = 0; k < IBLT_K; k++)
		__builtin_prefetch(&x->iblt[iblt_index(key, k)], 1);
	x->pend_key = key;
	x->pend_sign = sign;
}

static void
iblt_flush(struct dirscan_ctx *x)
{
	if (x->pend_key != 0)
		iblt_add(x->iblt, x->pend_key, x->pend_sign);
	x->pend_key = 0;
}

/*
 * iblt_peel - take out the unmatched ids one pure cell at a time.  The
 * number of df ids left without a control file; *exact is 0 if some cells
 * could not be decoded (too many unmatched ids for the table).  The keys
 * of the control ids left without a df go to o->ctl_keys while there is
 * room (r->ctl_unmatched counts them all).
 */
static unsigned long long
iblt_peel(struct iblt_cell *t, int *exact, const struct dirscan_opts *o,
          struct dirscan_result *r)
{
	unsigned long long orphans = 0;
	int progress = 1;

	while (progress) {
		progress = 0;
		for (size_t i = 0; i < (size_t)IBLT_K * IBLT_CELLS; i++) {
			struct iblt_cell *c = &t[i];
			uint64_t key;
			int sign;

			if ((c->count != 1 && c->count != -1) ||
			    iblt_check(c->keyx) != c->chkx)
				continue;
			key = c->keyx;
			sign = c->count;
			if (sign > 0)
				orphans++;
			else if (r->ctl_unmatched++ < o->ctl_keys_max)
				o->ctl_keys[r->ctl_unmatched - 1] = key;
			iblt_add(t, key, -sign);
			progress = 1;
		}
	}
	*exact = 1;
	for (size_t i = 0; i < (size_t)IBLT_K * IBLT_CELLS; i++) {
		if (t[i].count != 0 || t[i].keyx != 0) {
			*exact = 0;
			break;
		}
	}
	return orphans;
}

/* clock_check - every so often: apply the budget and the limit. */
static void
clock_check(struct dirscan_ctx *x)
{
	if (++x->tick % DS_CLOCK_EVERY != 0)
		return;
	x->now_ms = time_mono_ms();
	if (x->o->limit_ms > 0 && x->now_ms - x->start_ms >= x->o->limit_ms)
		x->stop = 1;
}

/* over_budget - asked before each stat or open: those may be slow, so
 * the clock is read afresh. */
static int
over_budget(struct dirscan_ctx *x)
{
	x->now_ms = time_mono_ms();
	return x->o->budget_ms >= 0 &&
	       x->now_ms - x->start_ms >= x->o->budget_ms;
}

static void
saw_time(struct dirscan_result *r, time_t t)
{
	if (r->oldest == 0 || t < r->oldest)
		r->oldest = t;
}

/* file_birth - the creation time of dirfd/name (statx btime, else the
 * older of mtime and ctime); 0 and -1 if it is gone. */
static int
file_birth(int dirfd, const char *name, struct dirscan_result *r, time_t *out,
           int *isreg)
{
	struct compat_times ft;

	r->stats++;
	if (compat_times_at(dirfd, name, &ft) == -1)
		return -1;
	*isreg = S_ISREG(ft.mode);
	if (ft.btime != 0)
		*out = ft.btime;
	else
		*out = ft.mtime < ft.ctime ? ft.mtime : ft.ctime;
	return 0;
}

/*
 * postfix_arrival - the arrival time in a postfix queue file: its records
 * are a type byte, a length (7 bits a byte, low bits first, 0x80 when
 * more follow) and the data; the T record ("seconds microseconds") comes
 * right after the C (size) record.  0 and *out, or -1.
 */
static int
postfix_arrival(int dirfd, const char *name, struct dirscan_result *r,
                time_t *out)
{
	unsigned char buf[512];
	ssize_t n;
	size_t i = 0;
	int fd;

	r->stats++;
	fd = openat(dirfd, name,
	            O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return -1;
	do
		n = read(fd, buf, sizeof(buf));
	while (n == -1 && errno == EINTR);
	close(fd);
	for (int rec = 0; rec < 4 && n > 0 && i < (size_t)n; rec++) {
		unsigned char type = buf[i++];
		size_t len = 0;
		int shift = 0;

		while (i < (size_t)n && shift < 28) {
			len |= (size_t)(buf[i] & 0x7f) << shift;
			shift += 7;
			if ((buf[i++] & 0x80) == 0)
				break;
		}
		if (i + len > (size_t)n)
			return -1;
		if (type == 'T') {
			long long t = 0;
			size_t k = i;

			if (len == 0 || buf[k] < '0' || buf[k] > '9')
				return -1;
			while (k < i + len && buf[k] >= '0' && buf[k] <= '9' &&
			       t < (1LL << 40))
				t = t * 10 + (buf[k++] - '0');
			*out = (time_t)t;
			return 0;
		}
		i += len;
	}
	return -1;
}

/* sendmail_entry - one name of a sendmail queue directory; 1 when its id
 * went into the orphan table. */
static int
sendmail_entry(struct dirscan_ctx *x, int dirfd, const char *name, size_t len)
{
	struct dirscan_result *r = x->r;
	const char *id = name + 2;
	size_t idlen = len - 2;
	int p, control;
	time_t t;
	int have_t;

	if (len < 3 || name[1] != 'f') {
		r->by_prefix[DS_OTHER]++;
		return 0;
	}
	switch (name[0]) {
	case 'q':
		p = DS_QF;
		break;
	case 'd':
		p = DS_DF;
		break;
	case 't':
		p = DS_TF;
		break;
	case 'x':
		p = DS_XF;
		break;
	case 'h':
		p = DS_HF;
		break;
	case 'Q':
		p = DS_QF_LOST;
		break;
	default:
		r->by_prefix[DS_OTHER]++;
		return 0;
	}
	r->by_prefix[p]++;
	if (p == DS_TF || p == DS_XF)
		return 0;
	control = p != DS_DF;
	have_t = qid_time_at(&x->qc, id, idlen, &t) == 0;
	if ((p == DS_QF || p == DS_HF) && !x->o->ages) {
		r->queued++;
	} else if (p == DS_QF || p == DS_HF) {
		r->queued++;
		if (!have_t) {
			/* a pre-8.12 or foreign id: the file's own time */
			int isreg;

			if (over_budget(x))
				r->age_lower_bound = 1;
			else if (file_birth(dirfd, name, r, &t, &isreg) == 0)
				saw_time(r, t);
		} else {
			saw_time(r, t);
		}
	}
	/* ids too young to judge (a df is written before its qf) */
	if (have_t && x->o->now - t < x->o->orphan_grace)
		return 0;
	iblt_defer(x, dirscan_id_key(id, idlen), control ? -1 : +1);
	return 1;
}

int
dirscan_pairs(const struct dirscan_opts *o, const char *id, size_t n)
{
	struct qid_clock qc;
	time_t t;

	qid_clock_init(&qc, o->now);
	return qid_time_at(&qc, id, n, &t) != 0 ||
	       o->now - t >= o->orphan_grace;
}

/* exim_time - the arrival time in an Exim id: its first six characters,
 * base 62 (Exim on Linux); -1 if they are not */
static time_t
exim_time(const char *id)
{
	long long t = 0;

	for (int i = 0; i < 6; i++) {
		int c = (unsigned char)id[i], v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'A' && c <= 'Z')
			v = c - 'A' + 10;
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 36;
		else
			return -1;
		t = t * 62 + v;
	}
	return (time_t)t;
}

/* exim_entry - one name of Exim's input/ (or a split subdirectory). */
static void
exim_entry(struct dirscan_ctx *x, const char *name, size_t len)
{
	struct dirscan_result *r = x->r;
	size_t idlen;
	enum exim_file k = exim_file_kind(name, len, &idlen);
	time_t t;
	int p;

	switch (k) {
	case EXIM_FILE_H:
		p = DS_QF;
		break;
	case EXIM_FILE_D:
		p = DS_DF;
		break;
	case EXIM_FILE_J:
		p = DS_XF;
		break;
	case EXIM_FILE_T:
		p = DS_TF;
		break;
	default:
		r->by_prefix[DS_OTHER]++;
		return;
	}
	r->by_prefix[p]++;
	if (p == DS_XF || p == DS_TF)
		return;
	t = exim_time(name);
	if (p == DS_QF) {
		r->queued++;
		if (x->o->ages && t > 0)
			saw_time(r, t);
	}
	/* a -D is written before its -H */
	if (t > 0 && x->o->now - t < x->o->orphan_grace)
		return;
	iblt_defer(x, dirscan_id_key(name, idlen), p == DS_QF ? -1 : +1);
}

/* other_entry - one regular file (or one of unknown type) of a postfix
 * queue or a mailbox directory: count it and, within the budget, look at
 * its age. */
static void
other_entry(struct dirscan_ctx *x, int dirfd, const char *name,
            unsigned char type)
{
	struct dirscan_result *r = x->r;
	time_t t;
	int isreg = type == DT_REG;

	if (type != DT_REG)
		return; /* the caller resolved DT_UNKNOWN */
	if (!x->o->ages) {
		r->queued++;
		return;
	}
	if (over_budget(x)) {
		r->age_lower_bound = 1;
		r->queued++;
		return;
	}
	if (x->o->postfix && postfix_arrival(dirfd, name, r, &t) == 0) {
		saw_time(r, t);
		r->queued++;
		return;
	}
	if (file_birth(dirfd, name, r, &t, &isreg) == -1 || !isreg)
		return; /* gone since getdents, or replaced */
	saw_time(r, t);
	r->queued++;
}

static int scan_level(struct dirscan_ctx *x, int dirfd, int depth,
                      const char *sub, char *err, size_t errlen);

/* descend - scan the subdirectory name of dirfd at depth + 1. */
static void
descend(struct dirscan_ctx *x, int dirfd, const char *name, int depth)
{
	char why[256];
	int fd;

	fd = openat(dirfd, name,
	            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC |
	                O_NONBLOCK);
	if (fd == -1) {
		if (errno != ENOENT)
			x->r->complete = 0;
		return;
	}
	if (scan_level(x, fd, depth + 1, name, why, sizeof(why)) == -1)
		x->r->complete = 0;
	close(fd);
}

/* hand_over - the entry to o->on_entry, if set. */
static void
hand_over(const struct dirscan_opts *o, int dirfd, const char *sub,
          const struct ds_dirent *d, size_t len, int paired)
{
	struct dirscan_entry e;

	if (o->on_entry == NULL)
		return;
	e.dirfd = dirfd;
	e.sub = sub;
	e.name = d->d_name;
	e.len = len;
	e.type = d->d_type;
	e.ino = d->d_ino;
	e.paired = paired;
	o->on_entry(o->arg, &e);
}

/* wants_level - whether the subdirectory name (len) at depth is walked:
 * sendmail's qf/, df/, xf/ split; Exim's split input/; postfix's hashed
 * subdirectories */
static int
wants_level(const struct dirscan_opts *o, const char *name, size_t len,
            int depth)
{
	if (o->exim)
		return depth == 0 && len == 1;
	if (o->sendmail)
		return depth == 0 && len == 2 && name[1] == 'f';
	return depth < o->max_depth;
}

/* is_dir - whether the entry d (type DT_DIR or DT_UNKNOWN) is a directory;
 * DT_UNKNOWN is lstat'ed, into *type; -1 if it is gone. */
static int
is_dir(struct dirscan_ctx *x, int dirfd, const struct ds_dirent *d,
       unsigned char *type)
{
	struct stat st;

	if (*type == DT_DIR)
		return 1;
	x->r->stats++;
	if (fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	*type = S_ISREG(st.st_mode)   ? DT_REG
	        : S_ISDIR(st.st_mode) ? DT_DIR
	                              : DT_LNK;
	return *type == DT_DIR;
}

static int
scan_level(struct dirscan_ctx *x, int dirfd, int depth, const char *sub,
           char *err, size_t errlen)
{
	struct dirscan_result *r = x->r;
	const struct dirscan_opts *o = x->o;
	int reader = o->sendmail && o->on_entry != NULL;
	char *buf;
	long n;

	buf = xmalloc(DS_BUF);
	/* past limit_ms the counts stop; a reader riding on the listing
	 * still gets the rest of it */
	while (!x->stop || reader) {
		int counting = !x->stop;

		n = syscall(SYS_getdents64, dirfd, buf, DS_BUF);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "getdents64: %s",
			         strerror(errno));
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		for (long off = 0; off < n;) {
			struct ds_dirent *d = (struct ds_dirent *)(buf + off);
			const char *name = d->d_name;
			size_t len = name_len(d);
			unsigned char type = d->d_type;

			off += d->d_reclen;
			if (name[0] == '.' &&
			    (len == 1 || (len == 2 && name[1] == '.')))
				continue;
			if (counting) {
				clock_check(x);
				if (depth == 0) {
					r->entries++;
					r->dirent_bytes +=
					    (8 + len + 3) & ~(size_t)3;
				}
			}
			if (type == DT_DIR || type == DT_UNKNOWN) {
				int dir = is_dir(x, dirfd, d, &type);

				if (dir == -1)
					continue;
				if (dir) {
					if (wants_level(o, name, len, depth))
						descend(x, dirfd, name, depth);
					continue;
				}
			}
			if (!counting) {
				if (reader)
					hand_over(o, dirfd, sub, d, len, 0);
				continue;
			}
			if (type == DT_REG)
				r->files++;
			if (o->exim)
				exim_entry(x, name, len);
			else if (o->sendmail)
				hand_over(o, dirfd, sub, d, len,
				          sendmail_entry(x, dirfd, name, len));
			else
				other_entry(x, dirfd, name, type);
		}
	}
	free(buf);
	return 0;
}

static int64_t
cpu_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == -1)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
dirscan(int dirfd, const struct dirscan_opts *o, struct dirscan_result *r,
        char *err, size_t errlen)
{
	struct dirscan_ctx x;
	int64_t cpu0 = cpu_ms();
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&x, 0, sizeof(x));
	r->complete = 1;
	r->orphans_exact = 1;
	x.opts = *o;
	if (x.opts.max_depth > DS_MAX_DEPTH)
		x.opts.max_depth = DS_MAX_DEPTH;
	x.o = &x.opts;
	x.r = r;
	qid_clock_init(&x.qc, o->now);
	x.start_ms = x.now_ms = time_mono_ms();
	if (o->sendmail || o->exim)
		x.iblt = xcalloc((size_t)IBLT_K * IBLT_CELLS, sizeof(*x.iblt));
	rc = scan_level(&x, dirfd, 0, NULL, err, errlen);
	if (x.stop) {
		r->complete = 0;
		r->age_lower_bound = 1;
	}
	if (x.iblt != NULL) {
		iblt_flush(&x);
		r->orphans = iblt_peel(x.iblt, &r->orphans_exact, o, r);
		if (!r->complete)
			r->orphans_exact = 0;
		r->ctl_exact =
		    r->orphans_exact && r->ctl_unmatched <= o->ctl_keys_max;
		free(x.iblt);
	}
	r->elapsed_ms = time_mono_ms() - x.start_ms;
	r->cpu_ms = cpu_ms() - cpu0;
	return rc;
}
