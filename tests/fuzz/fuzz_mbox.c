/*
 * fuzz_mbox.c - the streaming mbox parser on any bytes (through a memfd,
 * as it reads files), with its invariants checked: messages are
 * contiguous, inside the range, handed over in order, and res.end is a
 * message boundary; the date parsers and the excerpt reader on the same
 * bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent/parse/mbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	int fd;
	long long size, last_end;
	unsigned long long n;
};

static void
on_msg(const struct mbox_msg *m, void *arg)
{
	struct check *c = arg;
	char ex[MBOX_EXCERPT];

	if (m->start < c->last_end || m->len <= 0 ||
	    m->start + m->len > c->size ||
	    m->subject_len > sizeof(m->subject) ||
	    m->from_len > sizeof(m->from) || m->date_len > sizeof(m->date))
		abort();
	if (m->body_start >= 0) {
		if (m->body_start < m->start ||
		    m->body_start > m->start + m->len)
			abort();
		if (mbox_excerpt(c->fd, m->body_start,
		                 m->start + m->len - m->body_start, ex,
		                 sizeof(ex)) > sizeof(ex))
			abort();
	}
	c->last_end = m->start + m->len;
	c->n++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbox_result r;
	struct check c;
	char err[256];
	int fd = memfd_create("fuzz_mbox", 0);

	if (fd == -1)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	for (int settled = 0; settled < 2; settled++) {
		memset(&c, 0, sizeof(c));
		c.fd = fd;
		c.size = (long long)size;
		if (mbox_scan(fd, 0, (long long)size, settled, on_msg, &c, &r,
		              err, sizeof(err)) == -1)
			abort(); /* a memfd does not fail to read */
		if (r.end < 0 || r.end > (long long)size || r.messages != c.n ||
		    r.end < c.last_end || r.junk > (long long)size)
			abort();
		/* resuming where it stopped finds nothing twice */
		if (r.end < (long long)size) {
			long long end1 = r.end;
			memset(&c, 0, sizeof(c));
			c.fd = fd;
			c.size = (long long)size;
			c.last_end = end1;
			if (mbox_scan(fd, end1, (long long)size, 1, on_msg, &c,
			              &r, err, sizeof(err)) == -1)
				abort();
		}
	}
	(void)mbox_date_rfc2822((const char *)data, size);
	(void)mbox_date_from_line((const char *)data, size);
	close(fd);
	return 0;
}
