/*
 * hmac.h - HMAC-SHA256 (RFC 2104 over FIPS 180-4 SHA-256), and its hex
 * form, for the collector's signed webhooks.
 */
#ifndef SPOOLWATCH_HMAC_H
#define SPOOLWATCH_HMAC_H

#include <stddef.h>

#include "common/sha256.h"

/* hmac_sha256 - the MAC of msg under key into out. */
void hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
                 unsigned char out[SHA256_LEN]);
/* hmac_sha256_hex - the same as 64 lower-case hex digits and a NUL. */
void hmac_sha256_hex(const void *key, size_t keylen, const void *msg,
                     size_t msglen, char out[2 * SHA256_LEN + 1]);

#endif
