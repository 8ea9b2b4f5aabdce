/*
 * fuzz_relayq.c - the nullmailer and dma queue file parsers and the
 * message header reader on any bytes: spans inside the input, the
 * header copies NUL-free in length and inside their buffers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/parse/msghdr.h"
#include "agent/collect/relayq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
inside(struct mailq_bytes b, const char *p, size_t n)
{
	if (b.p != NULL && (b.p < p || b.p + b.n > p + n))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1);
	struct relayq_env e;
	struct relayq_dma d;
	struct msghdr h;
	struct cron_job cj;

	memcpy(p, data, size);
	if (relayq_nullmailer_parse(p, size, &e) == 0) {
		inside(e.from, p, size);
		for (size_t i = 0; i < e.nto; i++)
			inside(e.to[i], p, size);
		if (e.msg_off > size || e.nto > e.total_to)
			abort();
		msghdr_parse(p + e.msg_off, size - e.msg_off, &h);
	}
	if (relayq_dma_parse(p, size, &d) == 0) {
		inside(d.id, p, size);
		inside(d.sender, p, size);
		inside(d.recipient, p, size);
	}
	msghdr_parse(p, size, &h);
	if (h.subject_len > sizeof(h.subject) || h.from_len > sizeof(h.from) ||
	    h.body > size)
		abort();
	(void)msghdr_cron(&h, &cj);
	free(p);
	return 0;
}
