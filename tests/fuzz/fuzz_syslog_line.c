/*
 * fuzz_syslog_line.c - the syslog line parser, the signature and the
 * prefilter on any bytes.  The input is one line (no newline needed); the
 * parser must neither crash nor read outside it, every span it returns
 * must lie inside it, the prefilter implementations must agree, and the
 * prefilter must hand out every line that is an event or a cron line.
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
	size_t a, b, ea, eb;
	enum pf_class ca, cb;
	int wanted;

	memcpy(p, data, size);
	sl_clock_init(&clk, 1771113600); /* 2026-02-15 */
	wanted = sl_parse_line(p, size, &clk, &ev) != SL_NONE ||
	         sl_tag_class(p, size) == SL_TAG_CRON;
	if (ev.kind != SL_NONE) {
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
		if (ev.repeat < 0 || ev.repeat > 1000000000L)
			abort();
	}
	sl_clock_init(&clk, 1771113600);
	if (sl_last_repeated(p, size, &clk) < 0)
		abort();
	prefilter_use("scalar");
	a = prefilter_next(p, size, size, &ea, &ca);
	/* one line (no newline in it): an event must not be skipped */
	if (wanted && memchr(p, '\n', size) == NULL && a != 0)
		abort();
	for (int k = 0; k < 2; k++) {
		if (prefilter_use(k ? "sse2" : "avx2") == -1)
			continue;
		b = prefilter_next(p, size, size, &eb, &cb);
		if (a != b || (a < size && (ea != eb || ca != cb)))
			abort();
	}
	free(p);
	return 0;
}
