/*
 * json_out.h - a report's JSON text to a stdio stream: the bytes
 * jansson's json_dumpf writes, at a fraction of its cost on a large
 * report (jansson decodes every character of every string and hands each
 * token to stdio on its own).
 */
#ifndef SPOOLWATCH_JSON_OUT_H
#define SPOOLWATCH_JSON_OUT_H

#include <jansson.h>
#include <stdio.h>

/*
 * json_out_dumpf - json as json_dumpf(json, f, flags) writes it, buffered
 * in blocks of 32 KiB.  JSON_INDENT(n), JSON_COMPACT and JSON_ENSURE_ASCII
 * are written here; any other flag, a real number and a string with bytes
 * past ASCII go through jansson itself (the same bytes).  0, or -1 when
 * jansson would fail (invalid UTF-8 in a string) or a write fails.
 */
int json_out_dumpf(const json_t *json, FILE *f, size_t flags);

#endif
