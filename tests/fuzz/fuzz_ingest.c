/*
 * fuzz_ingest.c - the collector's report intake on any bytes: gzip
 * decoding (when the input starts with the gzip magic), JSON parsing and
 * validation.  The outcome is either a valid report or a 4xx reason;
 * never a crash, a leak or unbounded memory (max_json caps the decoded
 * size at 1 MiB here).  An accepted report is also serialised again and
 * must validate again (the stored form is what the API serves), and the
 * texts the store copies from the body (store_prepare_text) must be the
 * JSON values of the tree (store_prepare).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collector/ingest/validate.h"
#include "collector/store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* same_json - a and b both NULL, or texts of equal JSON values. */
static void
same_json(const char *a, const char *b)
{
	json_t *ja, *jb;

	if (a == NULL || b == NULL) {
		if (a != b)
			abort();
		return;
	}
	ja = json_loads(a, JSON_DECODE_ANY, NULL);
	jb = json_loads(b, JSON_DECODE_ANY, NULL);
	if (ja == NULL || jb == NULL || !json_equal(ja, jb))
		abort();
	json_decref(ja);
	json_decref(jb);
}

/* same_prep - r's texts from txt and from the tree are equal values. */
static void
same_prep(json_t *r, const struct report_text *txt)
{
	struct report_prep a, b;

	store_prepare_text(r, txt, &a);
	store_prepare(r, &b);
	same_json(a.state, b.state);
	if (a.nevents != b.nevents || a.nfindings != b.nfindings)
		abort();
	for (size_t i = 0; i < a.nevents; i++)
		same_json(a.event_data[i], b.event_data[i]);
	for (size_t i = 0; i < a.nfindings; i++)
		same_json(a.evidence[i], b.evidence[i]);
	store_prep_free(&a);
	store_prep_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	json_t *r = NULL;
	int gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	enum decode_status st;
	struct report_text txt;

	/* a fixed "now" keeps runs reproducible */
	st = report_decode(data, size, gz, 1u << 20, 1800000000, 86400, &r, &txt,
	    err, sizeof(err));
	if (st == DECODE_OK) {
		char *again;
		same_prep(r, &txt);
		report_text_free(&txt);
		again = json_dumps(r, JSON_COMPACT);
		json_t *r2 = NULL;
		if (again == NULL)
			abort();
		if (report_decode(again, strlen(again), 0, 4u << 20,
		    1800000000, 86400, &r2, NULL, err, sizeof(err)) != DECODE_OK)
			abort();
		json_decref(r2);
		free(again);
		json_decref(r);
	} else if (r != NULL || err[0] == '\0') {
		abort();	/* a refusal always has a reason */
	}
	return 0;
}
