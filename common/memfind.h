/*
 * memfind.h - the search for a byte or a short literal in a buffer, with
 * the CPU's vector compares (AVX2, else SSE2, chosen once), the same in
 * every build.
 *
 * The agent's hot paths (a mailbox's lines and bodies, a mail line's
 * keys, an MTA log's lines) search with these rather than memchr() and
 * memmem(): musl's (the static agent's, the one deployed) look at a word
 * at a time and run the two-way algorithm, and were a third of the
 * static agent's CPU on a 1 GiB mbox.  Neither reads a byte outside
 * p[0..n).
 */
#ifndef SPOOLWATCH_MEMFIND_H
#define SPOOLWATCH_MEMFIND_H

#include <stddef.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* memfind_scan - memfind_byte() without its first look */
const char *memfind_scan(const char *p, size_t n, char c);

/* memfind_byte - the first c in p[0..n), or NULL (memchr()).  Most
 * searches end within a line's first 32 bytes: those are looked at
 * here, inline (16 at a time with SSE2), the rest by memfind_scan(). */
static inline const char *
memfind_byte(const char *p, size_t n, char c)
{
#ifdef __SSE2__
	if (n >= 32) {
		const __m128i v = _mm_set1_epi8(c);
		unsigned a = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), v));
		unsigned b = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(p + 16)), v));

		if (a | b)
			return p + __builtin_ctz(a | b << 16);
		return memfind_scan(p + 32, n - 32, c);
	}
#endif
	return memfind_scan(p, n, c);
}

/*
 * memfind_lit - the first lit (l bytes) in p[0..n), or NULL (memmem():
 * p itself for l 0).  Candidates are the positions of lit's last two
 * bytes ("t=" of ", stat=", "om" of "\nFrom "), 32 or 16 a round; the
 * rest of lit is compared at each.
 */
const char *memfind_lit(const char *p, size_t n, const char *lit, size_t l);

/* memfind_use - search 32 (AVX2), 16 (SSE2) or 0 (byte by byte) bytes a
 * round from now on; -1 if this CPU cannot (the tests try each) */
int memfind_use(int width);
/* memfind_width - the width in use */
int memfind_width(void);

#endif
