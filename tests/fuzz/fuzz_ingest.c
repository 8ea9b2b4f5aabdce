/*
 * fuzz_ingest.c - the collector's report intake on any bytes: gzip
 * decoding (when the input starts with the gzip magic), JSON parsing and
 * validation.  The outcome is either a valid report or a 4xx reason;
 * never a crash, a leak or unbounded memory (max_json caps the decoded
 * size at 1 MiB here).  An accepted report is also serialised again and
 * must validate again (the stored form is what the API serves).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collector/ingest/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	json_t *r = NULL;
	int gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	enum decode_status st;

	/* a fixed "now" keeps runs reproducible */
	st = report_decode(data, size, gz, 1u << 20, 1800000000, 86400, &r,
	    err, sizeof(err));
	if (st == DECODE_OK) {
		char *again = json_dumps(r, JSON_COMPACT);
		json_t *r2 = NULL;
		if (again == NULL)
			abort();
		if (report_decode(again, strlen(again), 0, 4u << 20,
		    1800000000, 86400, &r2, err, sizeof(err)) != DECODE_OK)
			abort();
		json_decref(r2);
		free(again);
		json_decref(r);
	} else if (r != NULL || err[0] == '\0') {
		abort();	/* a refusal always has a reason */
	}
	return 0;
}
