/*
 * fuzz_relay_cron_line.c - the relay failure parser and cron's line
 * parser and tally on any syslog line: no crash, no read outside the
 * line, every span inside it, the tally's JSON always built.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/parse/cron_log.h"
#include "agent/parse/relay_log.h"
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
	char *p = malloc(size ? size : 1);
	struct cron_lost *cl = cron_lost_new();
	struct cron_line_info li;
	struct sl_clock clk;
	struct sl_event ev;
	json_t *j;

	memcpy(p, data, size);
	sl_clock_init(&clk, 1771113600);
	(void)cron_log_parse(p, size, &li);
	inside(li.user, p, size);
	inside(li.command, p, size);
	if (sl_parse_header(p, size, &clk, &ev) == 0) {
		struct sl_event e2 = ev;
		(void)cron_lost_feed(cl, &ev);
		/* twice: a complaint after its own CMD line */
		(void)cron_lost_feed(cl, &ev);
		if (relay_log_event(&e2) != SL_NONE) {
			inside(e2.stat, p, size);
			inside(e2.relay, p, size);
			inside(e2.to, p, size);
			inside(e2.dsn, p, size);
			inside(e2.queue_id, p, size);
		}
	}
	j = cron_lost_json(cl);
	if (j == NULL)
		abort();
	json_decref(j);
	cron_lost_free(cl);
	free(p);
	return 0;
}
