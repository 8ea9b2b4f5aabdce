/*
 * dedup.c - the exact set of log lines of one cycle (see dedup.h): an
 * open-addressed table with linear probing, in memory while it has at
 * most DEDUP_MEM_SLOTS / 2 entries, then in a file of twice as many
 * slots as needed, grown (rebuilt into a new file) at half full.
 *
 * A slot is {a, b}: the two hashes, the low 16 bits of b replaced by
 * source + 1 (0: empty slot).  The file is read and written one page of
 * slots at a time; probing leaves a page only at its end.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/collect/dedup.h"
#include "common/compat.h"
#include "common/hash.h"
#include "common/xalloc.h"

#define DEDUP_MIN_SLOTS (1u << 10)
#define PAGE_SLOTS 256 /* 4 KiB */

struct slot {
	uint64_t a, b;
};

struct dedup {
	char dir[PATH_MAX];
	uint64_t key_a, key_b;
	/* in memory */
	struct slot *mem;
	size_t cap, n; /* slots (a power of two), entries */
	/* in a file, once spilled (fd != -1) */
	int fd;
	struct slot page[PAGE_SLOTS];
};

static uint64_t
random_key(void)
{
	uint64_t k;

	if (compat_random(&k, sizeof(k), 1) == -1) /* not fatal: weaker */
		k = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL ^
		    (uint64_t)getpid();
	return k ^ HASH_FNV1A_BASIS;
}

struct dedup *
dedup_new(const char *spill_dir)
{
	struct dedup *d = xcalloc(1, sizeof(*d));

	snprintf(d->dir, sizeof(d->dir), "%s", spill_dir ? spill_dir : "");
	d->key_a = random_key();
	d->key_b = random_key();
	d->fd = -1;
	return d;
}

int
dedup_spilled(const struct dedup *d)
{
	return d->fd != -1;
}

void
dedup_free(struct dedup *d)
{
	if (d == NULL)
		return;
	if (d->fd != -1)
		close(d->fd);
	free(d->mem);
	free(d);
}

/* --- in memory ------------------------------------------------------- */

static void
mem_insert(struct slot *t, size_t cap, struct slot s)
{
	size_t i = (size_t)(s.a & (cap - 1));

	while (t[i].b != 0)
		i = (i + 1) & (cap - 1);
	t[i] = s;
}

static void
mem_grow(struct dedup *d)
{
	size_t cap = d->cap ? 2 * d->cap : DEDUP_MIN_SLOTS;
	struct slot *t = xcalloc(cap, sizeof(*t));

	for (size_t j = 0; j < d->cap; j++)
		if (d->mem[j].b != 0)
			mem_insert(t, cap, d->mem[j]);
	free(d->mem);
	d->mem = t;
	d->cap = cap;
}

/* mem_find - the slot holding (a, b) or the empty one it would go to */
static struct slot *
mem_find(struct dedup *d, struct slot s)
{
	size_t i = (size_t)(s.a & (d->cap - 1));

	for (;; i = (i + 1) & (d->cap - 1)) {
		struct slot *t = &d->mem[i];
		if (t->b == 0 || (t->a == s.a && (t->b >> 16) == (s.b >> 16)))
			return t;
	}
}

/* --- in a file ------------------------------------------------------- */

static int
io_err(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "line dedup spill file: %s: %s", what,
	         strerror(errno));
	return -1;
}

/* file_open - a new unlinked file of cap empty slots */
static int
file_open(const struct dedup *d, size_t cap, char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	int fd;

	snprintf(path, sizeof(path), "%s/.dedup.XXXXXX",
	         d->dir[0] ? d->dir : "/tmp");
	if ((fd = mkstemp(path)) == -1)
		return io_err(err, errlen, path);
	unlink(path);
	if (ftruncate(fd, (off_t)(cap * sizeof(struct slot))) == -1) {
		close(fd);
		return io_err(err, errlen, "ftruncate");
	}
	return fd;
}

static int
page_io(int fd, struct slot *page, size_t first, int write, char *err,
        size_t errlen)
{
	off_t off = (off_t)(first * sizeof(struct slot));
	size_t len = PAGE_SLOTS * sizeof(struct slot);
	ssize_t r =
	    write ? pwrite(fd, page, len, off) : pread(fd, page, len, off);

	if (r != (ssize_t)len) {
		if (r >= 0)
			errno = EIO;
		return io_err(err, errlen, write ? "write" : "read");
	}
	return 0;
}

/*
 * file_probe - look (a, b) up in the table of fd (cap slots); when absent
 * and add is set, store it.  1 found (*found_src its source + 1), 0 not
 * found, -1 on an I/O error.
 */
static int
file_probe(int fd, size_t cap, struct slot *page, struct slot s, int add,
           unsigned *found_src, char *err, size_t errlen)
{
	size_t i = (size_t)(s.a & (cap - 1));

	for (;;) {
		size_t first = i & ~(size_t)(PAGE_SLOTS - 1);
		if (page_io(fd, page, first, 0, err, errlen) == -1)
			return -1;
		for (size_t k = i - first; k < PAGE_SLOTS; k++) {
			struct slot *t = &page[k];
			if (t->b == 0) {
				if (!add)
					return 0;
				*t = s;
				return page_io(fd, page, first, 1, err,
				               errlen) == -1
				           ? -1
				           : 0;
			}
			if (t->a == s.a && (t->b >> 16) == (s.b >> 16)) {
				*found_src = (unsigned)(t->b & 0xffff);
				return 1;
			}
		}
		i = (first + PAGE_SLOTS) & (cap - 1);
	}
}

/* file_rebuild - every entry of the memory table or of the current file
 * into a new file of cap slots. */
static int
file_rebuild(struct dedup *d, size_t cap, char *err, size_t errlen)
{
	int fd = file_open(d, cap, err, errlen);
	struct slot *old = NULL;
	unsigned src;

	if (fd == -1)
		return -1;
	if (d->fd != -1)
		old = xmalloc(PAGE_SLOTS * sizeof(*old));
	for (size_t j = 0; j < d->cap; j += d->fd != -1 ? PAGE_SLOTS : 1) {
		size_t m = 1;
		const struct slot *from = &d->mem[j];
		if (d->fd != -1) {
			if (page_io(d->fd, old, j, 0, err, errlen) == -1)
				goto fail;
			from = old;
			m = PAGE_SLOTS;
		}
		for (size_t k = 0; k < m; k++)
			if (from[k].b != 0 &&
			    file_probe(fd, cap, d->page, from[k], 1, &src, err,
			               errlen) == -1)
				goto fail;
	}
	free(old);
	if (d->fd != -1)
		close(d->fd);
	free(d->mem);
	d->mem = NULL;
	d->fd = fd;
	d->cap = cap;
	return 0;
fail:
	free(old);
	close(fd);
	return -1;
}

int
dedup_seen(struct dedup *d, const char *line, size_t n, int src, char *err,
           size_t errlen)
{
	struct slot s;
	unsigned owner = 0;
	int r;

	if (src < 0 || src >= DEDUP_MAX_SOURCES)
		src = DEDUP_MAX_SOURCES - 1;
	s.a = hash_fnv1a(d->key_a, line, n);
	s.b = (hash_fnv1a(d->key_b, line, n) & ~(uint64_t)0xffff) |
	      (uint64_t)(src + 1);
	if (d->n + 1 > d->cap / 2) {
		if (d->fd == -1 && d->cap < DEDUP_MEM_SLOTS)
			mem_grow(d);
		else if (file_rebuild(d, 2 * d->cap, err, errlen) == -1)
			return -1;
	}
	if (d->fd == -1) {
		struct slot *t = mem_find(d, s);
		if (t->b != 0)
			return (t->b & 0xffff) != (uint64_t)(src + 1);
		*t = s;
		d->n++;
		return 0;
	}
	r = file_probe(d->fd, d->cap, d->page, s, 1, &owner, err, errlen);
	if (r == -1)
		return -1;
	if (r == 1)
		return owner != (unsigned)(src + 1);
	d->n++;
	return 0;
}
