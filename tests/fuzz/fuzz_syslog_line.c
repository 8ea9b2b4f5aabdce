/*
 * fuzz_syslog_line.c - the syslog line parser, the signature and the
 * prefilter on any bytes.  The input is one line (no newline needed); the
 * parser must neither crash nor read outside it, every span it returns
 * must lie inside it, and the prefilter implementations must agree.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/parse/event_sig.h"
#include "agent/parse/prefilter.h"
#include "agent/parse/syslog_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
inside(struct sl_span s, const char *p, size_t n)
{
	if (s.p != NULL && (s.p < p || s.p + s.n > p + n))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy so ASan sees any read past the line */
	char *p = malloc(size ? size : 1), sig[EVENT_SIG_MAX];
	char id[EVENT_ID_LEN];
	struct sl_clock clk;
	struct sl_event ev;
	size_t a, b;

	memcpy(p, data, size);
	sl_clock_init(&clk, 1771113600); /* 2026-02-15 */
	if (sl_parse_line(p, size, &clk, &ev) != SL_NONE) {
		struct sl_span all[] = {ev.host,     ev.program,    ev.pid,
		                        ev.queue_id, ev.message,    ev.user,
		                        ev.stage,    ev.errno_text, ev.path,
		                        ev.to,       ev.relay,      ev.dsn,
		                        ev.stat};
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			inside(all[i], p, size);
		if (event_signature(&ev, sig, sizeof(sig)) >= sizeof(sig) ||
		    strlen(sig) >= sizeof(sig))
			abort();
		event_id(p, size, id);
	}
	prefilter_use("scalar");
	a = prefilter_find(p, size);
	if (prefilter_use("avx2") == 0 || prefilter_use("sse2") == 0) {
		b = prefilter_find(p, size);
		if (a != b)
			abort();
	}
	free(p);
	return 0;
}
