/*
 * exim_paniclog.c - Exim paniclog reader (see exim_paniclog.h).  One
 * pass with memchr; an entry is its stamped line up to the next stamped
 * line.
 */
#include <string.h>

#include "agent/parse/exim_paniclog.h"

/* keep - add an entry to the last ones, dropping the oldest */
static void
keep(struct exim_paniclog *pl, struct sl_span e)
{
	if (pl->nlast == EXIM_PANIC_KEEP) {
		memmove(pl->last, pl->last + 1,
		        sizeof(pl->last[0]) * (EXIM_PANIC_KEEP - 1));
		pl->nlast--;
	}
	pl->last[pl->nlast++] = e;
}

size_t
exim_paniclog_parse(const char *buf, size_t len, int from_middle,
                    struct sl_clock *clk, struct exim_paniclog *pl)
{
	const char *p = buf, *end = buf + len, *entry = NULL;
	struct sl_span cur = {NULL, 0};

	memset(pl, 0, sizeof(*pl));
	pl->first_ts = pl->last_ts = -1;
	if (from_middle) {
		const char *nl = memchr(p, '\n', len);
		p = nl ? nl + 1 : end;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		time_t ts;

		if (n > 0 && exim_stamp(p, n, clk, &ts) > 0) {
			if (entry)
				keep(pl, cur); /* the entry before ends here */
			entry = p;
			cur = (struct sl_span){p, n};
			pl->entries++;
			if (pl->first_ts < 0)
				pl->first_ts = ts;
			pl->last_ts = ts;
			(void)exim_log_parse(p, n, clk, 1, &pl->newest);
		} else if (entry) {
			cur.n = (size_t)(p + n - cur.p);
		} else if (n > 0) {
			pl->cut = 1;
		}
		p = nl ? nl + 1 : end;
	}
	if (entry)
		keep(pl, cur);
	return pl->entries;
}
