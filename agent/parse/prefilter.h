/*
 * prefilter.h - find the next byte where a mail line may be, fast.
 *
 * Every line sl_parse_line() can turn into an event contains one of the
 * needles "SYSERR(", "sendmail", "sm-" or "postfix" (the program tag of
 * sendmail and postfix, or sendmail's SYSERR marker).  The prefilter looks
 * for them across a whole buffer, 32 (AVX2) or 16 (SSE2) bytes at a time
 * by comparing each needle's first and last byte, then confirms with
 * memcmp; lines without a needle are never looked at one by one.  The
 * implementation is chosen once at run time from the CPU's features.
 */
#ifndef SPOOLWATCH_PREFILTER_H
#define SPOOLWATCH_PREFILTER_H

#include <stddef.h>

/* prefilter_find - offset of the first needle in p[0..n), or n. */
size_t prefilter_find(const char *p, size_t n);

/* prefilter_use - force "avx2", "sse2" or "scalar" (tests, benchmarks);
 * -1 if that one is not available on this CPU or build. */
int prefilter_use(const char *name);
/* prefilter_name - the implementation in use. */
const char *prefilter_name(void);

#endif
