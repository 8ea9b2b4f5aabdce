/*
 * fuzz_exim_spool.c - the Exim spool parsers (-H, -D, file names) on any
 * bytes: no crash, no read outside the input, fields within their caps,
 * and a rejection always says why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/parse/exim_spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy so ASan sees any read past the input */
	char *p = malloc(size ? size : 1), err[256] = "";
	static struct exim_msg m;
	long long start;

	memcpy(p, data, size);
	if (exim_hdr_parse(p, size, &m, err, sizeof(err)) == 0) {
		if (m.subject.len > QF_FIELD_MAX || m.from.len > QF_FIELD_MAX ||
		    m.sender.len > QF_ADDR_MAX || m.login.len > QF_ADDR_MAX ||
		    m.npending > m.nrcpt || m.hdr_size > (long long)size ||
		    strlen(m.id) >= EXIM_ID_MAX ||
		    !exim_id_valid(m.id, strlen(m.id)))
			abort();
		for (size_t i = 0; i < m.nrcpt && i < QF_MAX_RCPT; i++)
			if (m.rcpt[i].addr.len > QF_ADDR_MAX)
				abort();
		if (exim_msg_size(&m, (long long)size) < -1)
			abort();
	} else if (err[0] == '\0') {
		abort();
	}
	start = exim_data_start(p, size, NULL);
	if (start > (long long)size)
		abort();
	(void)exim_file_kind(p, size, NULL);
	free(p);
	return 0;
}
