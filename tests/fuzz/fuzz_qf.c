/*
 * fuzz_qf.c - the queue file parsers (sendmail qf, postfix records and
 * defer logs) and cron Subject parsing on any bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/parse/cronmail.h"
#include "agent/parse/pfq.h"
#include "agent/parse/qf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct qf_msg m;
	static struct pfq_msg pm;
	const char *rp;
	size_t rn;
	struct cron_job j;
	char err[256];

	if (qf_parse((const char *)data, size, &m, err, sizeof(err)) == 0) {
		const struct qf_str *s = qf_status(&m);
		if (s->len > QF_FIELD_MAX || m.subject.len > QF_FIELD_MAX ||
		    m.sender.len > QF_ADDR_MAX)
			abort();
		for (size_t i = 0; i < m.nrcpt && i < QF_MAX_RCPT; i++)
			if (m.rcpt[i].len > QF_ADDR_MAX)
				abort();
		if (cron_subject(m.subject.s, m.subject.len, &j) &&
		    (j.command_len >= CRON_CMD_MAX ||
		     j.command[j.command_len] != '\0'))
			abort();
	} else if (err[0] == '\0') {
		abort(); /* a rejection always says why */
	}
	(void)cron_variant_of((const char *)data, size, size & 1);
	if (pfq_parse((const char *)data, size, &pm, err, sizeof(err)) == 0 &&
	    (pm.subject.len > QF_FIELD_MAX || pm.sender.len > QF_ADDR_MAX))
		abort();
	if (pfq_defer_reason((const char *)data, size, &rp, &rn) == 0 &&
	    (rp < (const char *)data || rp + rn > (const char *)data + size))
		abort();
	return 0;
}
