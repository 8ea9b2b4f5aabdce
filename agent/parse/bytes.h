/*
 * bytes.h - comparing a (pointer, length) run of bytes with a C string
 * literal, for the parsers that work on spans of a line.
 */
#ifndef SPOOLWATCH_BYTES_H
#define SPOOLWATCH_BYTES_H

#include <stddef.h>
#include <string.h>

/* bytes_is - (p, n) is exactly lit */
static inline int
bytes_is(const char *p, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(p, lit, n) == 0;
}

/* bytes_starts - (p, n) begins with lit */
static inline int
bytes_starts(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n >= l && memcmp(p, lit, l) == 0;
}

#endif
