/*
 * gzip.c - gzip with zlib, decoding bounded by an output cap.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "common/gzip.h"

int
gzip_compress(const void *in, size_t n, int level, struct strbuf *out)
{
	z_stream zs;
	unsigned char buf[16384];
	int rc;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8,
	                 Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	zs.next_in = (unsigned char *)(uintptr_t)in;
	zs.avail_in = 0;
	do {
		/* feed at most UINT_MAX at a time: avail_in is 32 bits */
		if (zs.avail_in == 0 && n > 0) {
			size_t chunk = n > (1u << 30) ? (1u << 30) : n;
			zs.avail_in = (uInt)chunk;
			n -= chunk;
		}
		zs.next_out = buf;
		zs.avail_out = sizeof(buf);
		rc = deflate(&zs, n == 0 ? Z_FINISH : Z_NO_FLUSH);
		if (rc == Z_STREAM_ERROR)
			break;
		if (strbuf_append(out, buf, sizeof(buf) - zs.avail_out) == -1) {
			rc = Z_STREAM_ERROR;
			break;
		}
	} while (rc != Z_STREAM_END);
	deflateEnd(&zs);
	return rc == Z_STREAM_END ? 0 : -1;
}

enum gzip_status
gzip_decompress(const void *in, size_t n, size_t max_out, struct strbuf *out,
                char *err, size_t errlen)
{
	z_stream zs;
	unsigned char buf[16384];
	size_t produced = 0;
	enum gzip_status st = GZIP_OK;
	int rc;

	if (n > (1u << 30)) {
		snprintf(err, errlen, "compressed body too large");
		return GZIP_TOOBIG;
	}
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK) {
		snprintf(err, errlen, "zlib initialisation failed");
		return GZIP_EDATA;
	}
	zs.next_in = (unsigned char *)(uintptr_t)in;
	zs.avail_in = (uInt)n;
	for (;;) {
		size_t got;
		zs.next_out = buf;
		zs.avail_out = sizeof(buf);
		rc = inflate(&zs, Z_NO_FLUSH);
		got = sizeof(buf) - zs.avail_out;
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
			snprintf(err, errlen, "gzip: %s",
			         zs.msg ? zs.msg : "invalid data");
			st = GZIP_EDATA;
			break;
		}
		if (got > max_out - produced) {
			snprintf(err, errlen,
			         "gzip: decoded size exceeds %zu bytes",
			         max_out);
			st = GZIP_TOOBIG;
			break;
		}
		produced += got;
		if (strbuf_append(out, buf, got) == -1) {
			snprintf(err, errlen, "gzip: output buffer full");
			st = GZIP_TOOBIG;
			break;
		}
		if (rc == Z_STREAM_END) {
			/* RFC 1952 2.2: a file is a series of members; the
			 * next one starts with the magic number again */
			if (zs.avail_in >= 2 && zs.next_in[0] == 0x1f &&
			    zs.next_in[1] == 0x8b && inflateReset(&zs) == Z_OK)
				continue;
			if (zs.avail_in != 0) {
				snprintf(
				    err, errlen,
				    "gzip: trailing data after the stream");
				st = GZIP_EDATA;
			}
			break;
		}
		if (got == 0 && (rc == Z_BUF_ERROR || zs.avail_in == 0)) {
			snprintf(err, errlen, "gzip: truncated stream");
			st = GZIP_EDATA;
			break;
		}
	}
	inflateEnd(&zs);
	return st;
}
