/*
 * hmac.c - HMAC-SHA256 (see hmac.h): H((K ^ opad) || H((K ^ ipad) || m)),
 * a key longer than the block hashed first.
 */
#include <string.h>

#include "common/hmac.h"

void
hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
            unsigned char out[SHA256_LEN])
{
	unsigned char k[SHA256_BLOCK] = {0}, pad[SHA256_BLOCK];
	unsigned char inner[SHA256_LEN];
	struct sha256 c;

	if (keylen > SHA256_BLOCK)
		sha256(key, keylen, k);
	else if (keylen)
		memcpy(k, key, keylen);
	for (int i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&c);
	sha256_update(&c, pad, sizeof(pad));
	sha256_update(&c, msg, msglen);
	sha256_final(&c, inner);
	for (int i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&c);
	sha256_update(&c, pad, sizeof(pad));
	sha256_update(&c, inner, sizeof(inner));
	sha256_final(&c, out);
	memset(k, 0, sizeof(k));
	memset(pad, 0, sizeof(pad));
}

void
hmac_sha256_hex(const void *key, size_t keylen, const void *msg, size_t msglen,
                char out[2 * SHA256_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[SHA256_LEN];

	hmac_sha256(key, keylen, msg, msglen, mac);
	for (int i = 0; i < SHA256_LEN; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[2 * SHA256_LEN] = '\0';
}
