/*
 * hash.c - 64-bit FNV-1a.
 */
#include "common/hash.h"

uint64_t
hash_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= HASH_FNV1A_PRIME;
	}
	return h;
}
