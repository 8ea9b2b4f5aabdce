/*
 * gzip.h - gzip encoding and capped decoding with zlib.
 *
 * gzip_decompress() never produces more than max_out bytes: a gzip bomb
 * stops at the cap with GZIP_TOOBIG instead of eating memory.  Several
 * members one after the other (RFC 1952 2.2, what `cat a.gz b.gz` makes)
 * decode to their concatenation.  Trailing garbage after the last member
 * and truncated input are GZIP_EDATA.
 */
#ifndef SPOOLWATCH_GZIP_H
#define SPOOLWATCH_GZIP_H

#include <stddef.h>

#include "common/strbuf.h"

enum gzip_status {
	GZIP_OK = 0,
	GZIP_EDATA = -1,  /* malformed or truncated */
	GZIP_TOOBIG = -2, /* output would pass max_out */
};

/* gzip_compress - append the gzip encoding of in to out; 0 or -1. */
int gzip_compress(const void *in, size_t n, int level, struct strbuf *out);
/* gzip_decompress - append the decoded data to out (max_out bytes max). */
enum gzip_status gzip_decompress(const void *in, size_t n, size_t max_out,
                                 struct strbuf *out, char *err, size_t errlen);

#endif
