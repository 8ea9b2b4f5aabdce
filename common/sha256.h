/*
 * sha256.h - SHA-256 (FIPS 180-4): an incremental context and a one-shot
 * digest.  Small and dependency-free, so the collector (static musl build
 * included) signs webhooks without OpenSSL.
 */
#ifndef SPOOLWATCH_SHA256_H
#define SPOOLWATCH_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_BLOCK 64

struct sha256 {
	uint32_t h[8];
	uint64_t bytes; /* message length so far */
	unsigned char buf[SHA256_BLOCK];
	size_t nbuf;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
/* sha256_final - the digest into out; c must be initialised again after. */
void sha256_final(struct sha256 *c, unsigned char out[SHA256_LEN]);
/* sha256 - the digest of len bytes at data. */
void sha256(const void *data, size_t len, unsigned char out[SHA256_LEN]);

#endif
