/*
 * cron_aside.c - cron's CMD lines put aside (see cron_aside.h).
 *
 * The carry is a ring of bytes: the lines carried, oldest first, from
 * the first one's start to head, wrapping to the carry's start when a
 * line does not fit before its end.  A line that finds no room has the
 * oldest fed first, so every line fed is older than every line kept.
 */
#include <string.h>

#include "agent/collect/cron_aside.h"
#include "common/copy_short.h"

#define AT(a, j) (&(a)->ring[(j) % CRON_LOST_CMDS])

void
cron_aside_init(struct cron_aside *a, struct cron_lost *cl, cron_aside_fn feed,
                void *arg)
{
	a->cl = cl;
	a->feed = feed;
	a->arg = arg;
	a->first = a->carried = a->n = 0;
	a->head = 0;
}

void
cron_aside_put(struct cron_aside *a, const char *p, size_t n)
{
	AT(a, a->n)->p = p;
	AT(a, a->n)->len = n;
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

/* feed_one - feed the oldest line */
static void
feed_one(struct cron_aside *a)
{
	a->feed(a->arg, AT(a, a->first)->p, AT(a, a->first)->len);
	a->first++;
}

void
cron_aside_flush(struct cron_aside *a)
{
	drop_overwritten(a);
	while (a->first < a->n)
		feed_one(a);
	a->first = a->carried = a->n = 0;
	a->head = 0;
}

/* place - where in the carry a line of len bytes goes after the lines
 * first..upto carried, or -1 if it finds no room */
static long
place(const struct cron_aside *a, size_t upto, size_t len)
{
	size_t t;

	if (a->first == upto)
		return 0; /* the carry is empty */
	t = (size_t)(AT(a, a->first)->p - a->carry);
	if (a->head > t) { /* not wrapped: room after head, then before t */
		if (CRON_ASIDE_CARRY - a->head >= len)
			return (long)a->head;
		return len <= t ? 0 : -1;
	}
	return a->head + len <= t ? (long)a->head : -1;
}

void
cron_aside_carry(struct cron_aside *a)
{
	drop_overwritten(a);
	for (size_t j = a->carried; j < a->n; j++) {
		size_t len = AT(a, j)->len;
		long at;

		if (len > CRON_ASIDE_CARRY) {
			/* it and every line before it fed */
			while (a->first <= j)
				feed_one(a);
			a->head = 0;
			continue;
		}
		while ((at = place(a, j, len)) == -1)
			feed_one(a);
		copy_short(a->carry + at, AT(a, j)->p, len);
		AT(a, j)->p = a->carry + at;
		a->head = (size_t)at + len;
	}
	a->carried = a->n;
}
