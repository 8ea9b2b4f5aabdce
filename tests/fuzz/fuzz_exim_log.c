/*
 * fuzz_exim_log.c - the Exim main log / paniclog line parser and the
 * msglog reader on any bytes.  Every span returned must lie inside the
 * input (or be the parser's own "exim"/"spool" literals) and the
 * signature must fit its buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/parse/event_sig.h"
#include "agent/parse/exim_log.h"
#include "agent/parse/exim_paniclog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *lo, *hi;

static void
inside(struct sl_span s)
{
	if (s.p == NULL)
		return;
	if ((s.p < lo || s.p + s.n > hi) &&
	    !(s.n == 4 && memcmp(s.p, "exim", 4) == 0) &&
	    !(s.n == 5 && memcmp(s.p, "spool", 5) == 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1), sig[EVENT_SIG_MAX];
	struct sl_clock clk;
	struct exim_line x;
	struct exim_msglog m;
	struct exim_paniclog pl;

	memcpy(p, data, size);
	lo = p;
	hi = p + size;
	sl_clock_init(&clk, 1796116930);
	for (int panic = 0; panic <= 1; panic++) {
		enum sl_kind k = exim_log_parse(p, size, &clk, panic, &x);
		struct sl_span all[] = {
		    x.ev.program, x.ev.pid,        x.ev.queue_id, x.ev.message,
		    x.ev.stage,   x.ev.errno_text, x.ev.path,     x.ev.to,
		    x.ev.relay,   x.ev.stat,       x.addr,        x.router,
		    x.transport};
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			inside(all[i]);
		if (k != SL_NONE &&
		    (event_signature(&x.ev, sig, sizeof(sig)) >= sizeof(sig) ||
		     strlen(sig) >= sizeof(sig)))
			abort();
	}
	if (exim_msglog_parse(p, size, &clk, &m) == 0) {
		inside(m.addr);
		inside(m.reason);
		inside(m.cause);
		inside(m.frozen_note);
	}
	(void)exim_paniclog_parse(p, size, size & 1, &clk, &pl);
	if (pl.nlast > EXIM_PANIC_KEEP || pl.nlast > pl.entries)
		abort();
	for (size_t i = 0; i < pl.nlast; i++)
		inside(pl.last[i]);
	free(p);
	return 0;
}
