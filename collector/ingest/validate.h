/*
 * validate.h - report validation: bytes in, a jansson report or a reason
 * that names the offending field out.
 *
 * The checks follow SPEC.md and schema/report.schema.json: types, string
 * lengths, array sizes, non-negative counts, enumerations, RFC 3339
 * timestamps not far in the future.  Fields the collector does not know
 * are accepted (the report may grow); known fields must be well formed.
 */
#ifndef SPOOLWATCH_VALIDATE_H
#define SPOOLWATCH_VALIDATE_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "collector/limits.h"
#include "common/strbuf.h"
#include "common/report_schema.h" /* REPORT_SCHEMA and its names */

/* The bounds (V_MAX_*) are in limits.h. */

/*
 * report_parse - JSON text to an object (duplicate keys, NUL bytes and
 * trailing data are errors).  NULL and a reason on error.
 */
json_t *report_parse(const char *text, size_t len, char *err, size_t errlen);

/*
 * report_validate - check r; now and max_skew bound collected_at.
 * 0, or -1 with "field: problem" in err.
 */
int report_validate(json_t *r, time_t now, long long max_skew, char *err,
                    size_t errlen);

enum decode_status {
	DECODE_OK = 0,
	DECODE_MALFORMED, /* 400: not JSON, not an object */
	DECODE_INVALID,   /* 400: a field fails validation */
	DECODE_GZIP,      /* 400: bad or truncated gzip */
	DECODE_TOO_LARGE, /* 413: decoded size over max_json */
};

/* The JSON text a report was parsed from (report_decode's txt). */
struct report_text {
	struct strbuf plain; /* the inflated body of a gzip request */
	const char *text;    /* the body, or plain's bytes */
	size_t len;
	int exact; /* 1: the tree holds the text's values (no 60.0 made 60) */
};

/*
 * report_decode - a request body to a validated report: gzip-decode when
 * gzip (at most max_json bytes out), parse, validate.  On failure *out is
 * NULL and err holds the reason the client gets.  With txt (may be NULL)
 * the text it was parsed from is kept there (it points into body for a
 * plain one), until report_text_free(txt).
 */
enum decode_status report_decode(const void *body, size_t len, int gzip,
                                 size_t max_json, time_t now,
                                 long long max_skew, json_t **out,
                                 struct report_text *txt, char *err,
                                 size_t errlen);
void report_text_free(struct report_text *txt);

/* json_ts - an RFC 3339 string member as epoch seconds, or dflt. */
long long json_ts(json_t *o, const char *key, long long dflt);

#endif
