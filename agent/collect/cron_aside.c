/*
 * cron_aside.c - cron's CMD lines put aside (see cron_aside.h).
 */
#include <string.h>

#include "agent/collect/cron_aside.h"

#define AT(a, j) (&(a)->ring[(j) % CRON_LOST_CMDS])

void
cron_aside_init(struct cron_aside *a, struct cron_lost *cl,
                cron_aside_fn feed, void *arg)
{
	a->cl = cl;
	a->feed = feed;
	a->arg = arg;
	a->first = a->carried = a->n = 0;
}

void
cron_aside_put(struct cron_aside *a, const char *p, size_t n,
               const struct sl_head *hd)
{
	AT(a, a->n)->p = p;
	AT(a, a->n)->len = n;
	AT(a, a->n)->head = *hd;
	a->n++;
}

/* drop_overwritten - the lines before the last CRON_LOST_CMDS: as many
 * later ones overwrite them in cron_lost's ring, so it moves on */
static void
drop_overwritten(struct cron_aside *a)
{
	if (a->n - a->first > CRON_LOST_CMDS) {
		size_t from = a->n - CRON_LOST_CMDS;
		cron_lost_skip(a->cl, from - a->first);
		a->first = from;
		if (a->carried < from)
			a->carried = from;
	}
}

/* feed_to - feed lines first..to */
static void
feed_to(struct cron_aside *a, size_t to)
{
	for (; a->first < to; a->first++)
		a->feed(a->arg, AT(a, a->first)->p, AT(a, a->first)->len,
		        &AT(a, a->first)->head);
}

void
cron_aside_flush(struct cron_aside *a)
{
	drop_overwritten(a);
	feed_to(a, a->n);
	a->first = a->carried = a->n = 0;
}

void
cron_aside_carry(struct cron_aside *a)
{
	size_t keep = a->n, bytes = 0, moved = 0;

	drop_overwritten(a);
	/* the newest lines that fit; the older ones are fed now */
	while (keep > a->first && bytes + AT(a, keep - 1)->len <=
	                              CRON_ASIDE_CARRY) {
		bytes += AT(a, keep - 1)->len;
		keep--;
	}
	feed_to(a, keep);
	/* the carried ones kept move to the carry's start, in order (they
	 * are its last bytes), then the block's are copied after them */
	if (a->carried > keep) {
		const char *from = AT(a, keep)->p;
		moved = (size_t)(AT(a, a->carried - 1)->p +
		                 AT(a, a->carried - 1)->len - from);
		memmove(a->carry, from, moved);
		for (size_t j = keep; j < a->carried; j++)
			AT(a, j)->p -= from - a->carry;
	} else {
		a->carried = keep;
	}
	for (size_t j = a->carried; j < a->n; j++) {
		memcpy(a->carry + moved, AT(a, j)->p, AT(a, j)->len);
		AT(a, j)->p = a->carry + moved;
		moved += AT(a, j)->len;
	}
	a->carried = a->n;
}
