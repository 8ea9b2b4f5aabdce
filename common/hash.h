/*
 * hash.h - the 64-bit FNV-1a hash (Fowler, Noll, Vo), the one non-crypto
 * hash of both binaries: event ids, cron job and mailbox fingerprints,
 * mailq groups, the collector's state hash.
 *
 * Not for anything an attacker may want to collide on purpose: callers
 * that hash hostile bytes compare the bytes as well.
 */
#ifndef SPOOLWATCH_HASH_H
#define SPOOLWATCH_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV1A_BASIS 0xcbf29ce484222325ULL /* offset basis */
#define HASH_FNV1A_PRIME 0x100000001b3ULL

/*
 * hash_fnv1a - fold n bytes at p into h.  Start from HASH_FNV1A_BASIS;
 * hash_fnv1a(hash_fnv1a(B, a, na), b, nb) is the hash of a then b.
 */
uint64_t hash_fnv1a(uint64_t h, const void *p, size_t n);

#endif
