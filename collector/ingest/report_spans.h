/*
 * report_spans.h - where the parts the store keeps as JSON text lie in a
 * report's text: the latest-state members (spools, filesystems, mta,
 * mail, errors), each events[] item and each finding's evidence.  The
 * store copies them (compact_copy) instead of dumping them again from
 * the parsed tree.
 *
 * The text must be one the parser accepted (report_decode): the scan
 * trusts its syntax.  A key of the report, of a finding, that is written
 * with an escape (\u0065vents) makes the scan give up (-1); the caller
 * then dumps from the tree.
 */
#ifndef SPOOLWATCH_REPORT_SPANS_H
#define SPOOLWATCH_REPORT_SPANS_H

#include <stddef.h>

struct span {
	size_t off, len; /* len 0: absent */
};

enum {
	SPAN_SPOOLS,
	SPAN_FILESYSTEMS,
	SPAN_MTA,
	SPAN_MAIL,
	SPAN_ERRORS,
	SPAN_STATE_N
};

struct report_spans {
	struct span state[SPAN_STATE_N];
	struct span *events; /* nevents items */
	size_t nevents;
	struct span *evidence; /* nfindings items (len 0: none) */
	size_t nfindings;
};

/* report_spans - the spans of the report text t (len bytes) into *sp;
 * 0, or -1 (nothing to free then). */
int report_spans(const char *t, size_t len, struct report_spans *sp);
void report_spans_free(struct report_spans *sp);

/* compact_copy - the JSON value at s of t as a new NUL-terminated text
 * without the whitespace between tokens (what jansson's JSON_COMPACT
 * writes for a text that came from it). */
char *compact_copy(const char *t, struct span s);

#endif
