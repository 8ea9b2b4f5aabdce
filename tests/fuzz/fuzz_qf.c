/*
 * fuzz_qf.c - the qf parser and cron Subject parsing on any bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/cronmail.h"
#include "agent/qf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct qf_msg m;
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
		abort();	/* a rejection always says why */
	}
	(void)cron_variant_of((const char *)data, size, size & 1);
	return 0;
}
