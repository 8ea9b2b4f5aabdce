/*
 * exim_paniclog.h - the end of Exim's paniclog: its entries (a stamped
 * line and the unstamped lines that continue it), the last few kept as
 * evidence, the newest parsed (exim_log.h) so that the finding can name
 * the cause.  Pure: spans into the caller's buffer, no allocation.
 *
 *   2026-12-01 09:21:53 Exim configuration error in line 9 of
 *   /etc/exim4/exim4.conf:
 *     main option "message_size_limt" unknown
 *
 * is one entry of two lines.
 */
#ifndef SPOOLWATCH_EXIM_PANICLOG_H
#define SPOOLWATCH_EXIM_PANICLOG_H

#include <stddef.h>
#include <time.h>

#include "agent/parse/exim_log.h"

#define EXIM_PANIC_KEEP 5 /* entries kept as evidence */

struct exim_paniclog {
	size_t entries;  /* stamped entries in the bytes read */
	time_t first_ts; /* of the first of them; -1 none */
	time_t last_ts;  /* of the newest; -1 none */
	struct sl_span last[EXIM_PANIC_KEEP]; /* oldest first, newest last */
	size_t nlast;
	struct exim_line newest; /* the newest entry's first line, parsed */
	int cut;                 /* the bytes began inside an entry */
};

/*
 * exim_paniclog_parse - read len bytes (a whole paniclog, or its tail:
 * from_middle says the bytes start inside the file, so the first partial
 * line is skipped).  Returns the number of entries.
 */
size_t exim_paniclog_parse(const char *buf, size_t len, int from_middle,
                           struct sl_clock *clk, struct exim_paniclog *pl);

#endif
