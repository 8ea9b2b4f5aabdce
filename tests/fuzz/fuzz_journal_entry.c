/*
 * fuzz_journal_entry.c - the journalctl JSON line decoder and the line
 * it builds, on any bytes.  Spans must lie in the scratch buffer, the
 * built line must fit its buffer and be what the syslog parser can take
 * without reading outside it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/parse/journal_entry.h"
#include "agent/parse/syslog_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[JOURNAL_SCRATCH_MAX];

static void
inside(struct sl_span s)
{
	if (s.p != NULL &&
	    (s.p < scratch || s.p + s.n > scratch + sizeof(scratch)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1), line[1024];
	struct journal_entry e;
	struct sl_clock clk;
	struct sl_event ev;
	size_t n;

	memcpy(p, data, size);
	if (journal_entry_parse(p, size, &e, scratch, sizeof(scratch)) == 0) {
		inside(e.message);
		inside(e.ident);
		inside(e.comm);
		inside(e.pid);
		inside(e.hostname);
		inside(e.cursor);
		n = journal_entry_line(&e, line, sizeof(line));
		if (n >= sizeof(line) || (n > 0 && strlen(line) > n))
			abort();
		sl_clock_init(&clk, 1771113600);
		if (n > 0)
			(void)sl_parse_line(line, n, &clk, &ev);
	}
	free(p);
	return 0;
}
