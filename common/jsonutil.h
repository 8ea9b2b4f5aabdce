/*
 * jsonutil.h - small typed getters over jansson objects.
 *
 * The getters read one member of an object and give its value only when
 * it has the type asked for; o may be NULL or not an object (jansson then
 * finds no member).  Nothing is allocated: strings are borrowed from o.
 * The makers return a new reference (for the _set_new calls).
 */
#ifndef SPOOLWATCH_JSONUTIL_H
#define SPOOLWATCH_JSONUTIL_H

#include <jansson.h>

/* jsonutil_str - the string member key of o, or dflt. */
const char *jsonutil_str(const json_t *o, const char *key, const char *dflt);
/* jsonutil_int - the integer member key of o, or dflt. */
long long jsonutil_int(const json_t *o, const char *key, long long dflt);
/* jsonutil_need_int - the integer member key of o; if there is none,
 * 0 and *bad is set to 1 (so that many reads are checked once). */
long long jsonutil_need_int(const json_t *o, const char *key, int *bad);

/* jsonutil_ts - epoch seconds t as an RFC 3339 UTC string ("2026-02-15T
 * 01:20:02Z"); null if it cannot be written (year beyond 9999). */
json_t *jsonutil_ts(long long t);
/* jsonutil_ts_known - the same, but null for t < 0 (unknown). */
json_t *jsonutil_ts_known(long long t);

#endif
