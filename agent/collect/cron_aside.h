/*
 * cron_aside.h - cron's CMD lines put aside by the log collector, so
 * that of a run of them only the last CRON_LOST_CMDS are ever parsed
 * (cron_lost keeps no more: cron_lost_skip() moves its ring over the
 * others).
 *
 * A line put aside points into the block being read.  At the block's end
 * the ones that can still matter (the last CRON_LOST_CMDS) are copied
 * into the carry, CRON_ASIDE_CARRY bytes, the oldest fed where there is
 * no room.  A run of CMD lines across many blocks (cron's lines are a
 * fifth of some logs) is then fed once, at its end: before cron's next
 * other line, a cut line, or another file.  A line is fed as it was
 * read, its header walked again (few are).  Memory: the ring and the
 * carry, fixed.
 */
#ifndef SPOOLWATCH_CRON_ASIDE_H
#define SPOOLWATCH_CRON_ASIDE_H

#include <stddef.h>

#include "agent/parse/cron_log.h"

/* the carry: CRON_LOST_CMDS lines of 128 bytes, the common length */
#define CRON_ASIDE_CARRY (64u << 10)

/* feed one CMD line put aside (p, n) */
typedef void (*cron_aside_fn)(void *arg, const char *p, size_t n);

struct cron_aside {
	struct cron_lost *cl; /* whose ring cron_lost_skip() moves */
	cron_aside_fn feed;
	void *arg;
	/* line j (first <= j < n) is at ring[j % CRON_LOST_CMDS]; lines
	 * first to carried are in the carry, the others in the block */
	struct {
		const char *p;
		size_t len;
	} ring[CRON_LOST_CMDS];
	size_t first, carried, n;
	size_t head; /* where the carry's next line goes */
	char carry[CRON_ASIDE_CARRY];
};

/* cron_aside_init - an empty set feeding cl's lines to feed(arg, ...) */
void cron_aside_init(struct cron_aside *a, struct cron_lost *cl,
                     cron_aside_fn feed, void *arg);

/* cron_aside_put - one CMD line of the block being read */
void cron_aside_put(struct cron_aside *a, const char *p, size_t n);

/* cron_aside_flush - feed the lines that can matter, in order; the ring
 * moves on over the others.  The set is empty afterwards. */
void cron_aside_flush(struct cron_aside *a);

/* cron_aside_carry - the block ends: copy the lines that can matter into
 * the carry (feeding the oldest where there is no room) */
void cron_aside_carry(struct cron_aside *a);

#endif
