/*
 * json_str.h - a JSON string from arbitrary bytes (file names, log
 * lines, mail headers of the watched host): invalid UTF-8 and control
 * characters other than tab and newline become \xNN escapes, and a cap
 * bounds what one hostile value adds to a report.
 */
#ifndef SPOOLWATCH_JSON_STR_H
#define SPOOLWATCH_JSON_STR_H

#include <jansson.h>
#include <stddef.h>

/* json_str_safe - the n bytes at p as a JSON string of at most max bytes
 * (a multi-byte character is never cut); never NULL. */
json_t *json_str_safe(const char *p, size_t n, size_t max);

#endif
