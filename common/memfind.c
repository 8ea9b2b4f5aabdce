/*
 * memfind.c - byte and literal search (see memfind.h).
 *
 * A round compares 32 (AVX2) or 16 (SSE2) positions at once; the last
 * round of a buffer overlaps the one before it (the positions already
 * tried masked off) rather than ending byte by byte, so no load passes
 * p + n.  Shorter buffers are searched byte by byte.
 */
#include <stdint.h>
#include <string.h>

#include "common/memfind.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

/* the width in use: 32, 16 or 0; -1 before the first search */
static int width = -1;

/* choose - the widest this CPU has */
static int
choose(void)
{
	if (memfind_use(32) == -1 && memfind_use(16) == -1)
		memfind_use(0);
	return width;
}

static inline int
current(void)
{
	return width >= 0 ? width : choose();
}

int
memfind_use(int w)
{
	if (w == 0) {
		width = 0;
		return 0;
	}
#ifdef HAVE_X86
	__builtin_cpu_init();
	if (w == 32 && __builtin_cpu_supports("avx2")) {
		width = 32;
		return 0;
	}
#ifdef __SSE2__
	if (w == 16) {
		width = 16;
		return 0;
	}
#endif
#endif
	return -1;
}

int
memfind_width(void)
{
	return current();
}

/* same_bytes - p[0..l) equal to q[0..l): inline (a libc call per
 * candidate cost more than the compare) */
static inline int
same_bytes(const char *p, const char *q, size_t l)
{
	for (size_t j = 0; j < l; j++)
		if (p[j] != q[j])
			return 0;
	return 1;
}

/* first_of - the first candidate of mask m (bit j: lit's last two bytes
 * end at position k + j + l - 1) that holds all of lit, or NULL */
static inline const char *
first_of(const char *p, size_t k, unsigned m, const char *lit, size_t l)
{
	for (; m; m &= m - 1) {
		const char *at = p + k + (size_t)__builtin_ctz(m);
		if (same_bytes(at, lit, l - 2))
			return at;
	}
	return NULL;
}

/* byte_scalar, lit_scalar - one position at a time */
static const char *
byte_scalar(const char *p, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == c)
			return p + i;
	return NULL;
}

static const char *
lit_scalar(const char *p, size_t npos, const char *lit, size_t l)
{
	for (size_t k = 0; k < npos; k++)
		if (p[k + l - 2] == lit[l - 2] && p[k + l - 1] == lit[l - 1] &&
		    same_bytes(p + k, lit, l - 2))
			return p + k;
	return NULL;
}

/*
 * The rounds of both vector implementations, W positions a round from i
 * (k) on while a whole round fits, then one round ending at the buffer's
 * end, its positions already tried shifted out.
 * BYTE_ROUNDS: MASK(at, v), the bit mask of c in the W bytes at at.
 * LIT_ROUNDS: PAIRS(at, x, y), the bit mask of lit's last two bytes at at
 * (a candidate's start is q = l - 2 bytes before).
 */
#define BYTE_ROUNDS(W, MASK, v)                                                \
	do {                                                                   \
		unsigned m;                                                    \
		for (; i + (W) <= n; i += (W))                                 \
			if ((m = MASK(p + i, v)) != 0)                         \
				return p + i + __builtin_ctz(m);               \
		if (i == n)                                                    \
			return NULL;                                           \
		m = MASK(p + n - (W), v) >> (i - (n - (W)));                   \
		return m ? p + i + __builtin_ctz(m) : NULL;                    \
	} while (0)

#define LIT_ROUNDS(W, PAIRS, x, y)                                             \
	do {                                                                   \
		const size_t q = l - 2;                                        \
		const char *r;                                                 \
		for (; k + (W) <= npos; k += (W))                              \
			if ((r = first_of(p, k, PAIRS(p + k + q, x, y), lit,   \
			                  l)))                                 \
				return r;                                      \
		if (k == npos)                                                 \
			return NULL;                                           \
		return first_of(p, npos - (W),                                 \
		                PAIRS(p + npos - (W) + q, x, y) >>             \
		                    (k - (npos - (W))) << (k - (npos - (W))),  \
		                lit, l);                                       \
	} while (0)

#ifdef HAVE_X86
/* mask_avx2 - bit j: p[j] is the byte of v (32 j) */
__attribute__((target("avx2"))) static inline unsigned
mask_avx2(const char *p, __m256i v)
{
	return (unsigned)_mm256_movemask_epi8(
	    _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)p), v));
}

/* byte_avx2 - memfind_byte() of n >= 32 bytes: 64 a round while they
 * last (one test of both halves), then BYTE_ROUNDS() */
__attribute__((target("avx2"))) static const char *
byte_avx2(const char *p, size_t n, char c)
{
	const __m256i v = _mm256_set1_epi8(c);
	size_t i = 0;

	for (; i + 64 <= n; i += 64) {
		__m256i a = _mm256_cmpeq_epi8(
		    _mm256_loadu_si256((const __m256i *)(p + i)), v);
		__m256i b = _mm256_cmpeq_epi8(
		    _mm256_loadu_si256((const __m256i *)(p + i + 32)), v);
		__m256i ab = _mm256_or_si256(a, b);

		if (!_mm256_testz_si256(ab, ab)) {
			unsigned m = (unsigned)_mm256_movemask_epi8(a);
			if (m != 0)
				return p + i + __builtin_ctz(m);
			m = (unsigned)_mm256_movemask_epi8(b);
			return p + i + 32 + __builtin_ctz(m);
		}
	}
	BYTE_ROUNDS(32, mask_avx2, v);
}

/* pairs_avx2 - bit j: lit's last two bytes x, y at p + j (32 j) */
__attribute__((target("avx2"))) static inline unsigned
pairs_avx2(const char *p, __m256i x, __m256i y)
{
	__m256i a = _mm256_loadu_si256((const __m256i *)p);
	__m256i b = _mm256_loadu_si256((const __m256i *)(p + 1));

	return (unsigned)_mm256_movemask_epi8(
	    _mm256_and_si256(_mm256_cmpeq_epi8(a, x), _mm256_cmpeq_epi8(b, y)));
}

/* lit_avx2 - memfind_lit() of npos >= 32 positions */
__attribute__((target("avx2"))) static const char *
lit_avx2(const char *p, size_t npos, const char *lit, size_t l)
{
	const __m256i x = _mm256_set1_epi8(lit[l - 2]),
	              y = _mm256_set1_epi8(lit[l - 1]);
	size_t k = 0;

	LIT_ROUNDS(32, pairs_avx2, x, y);
}
#endif

#ifdef __SSE2__
#include <emmintrin.h>

/* mask_sse2 - mask_avx2() of 16 bytes */
static inline unsigned
mask_sse2(const char *p, __m128i v)
{
	return (unsigned)_mm_movemask_epi8(
	    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), v));
}

/* byte_sse2 - memfind_byte() of n >= 16 bytes */
static const char *
byte_sse2(const char *p, size_t n, char c)
{
	const __m128i v = _mm_set1_epi8(c);
	size_t i = 0;

	BYTE_ROUNDS(16, mask_sse2, v);
}

/* pairs_sse2 - pairs_avx2() 16 positions at a time */
static inline unsigned
pairs_sse2(const char *p, __m128i x, __m128i y)
{
	__m128i a = _mm_loadu_si128((const __m128i *)p);
	__m128i b = _mm_loadu_si128((const __m128i *)(p + 1));

	return (unsigned)_mm_movemask_epi8(
	    _mm_and_si128(_mm_cmpeq_epi8(a, x), _mm_cmpeq_epi8(b, y)));
}

/* lit_sse2 - memfind_lit() of npos >= 16 positions */
static const char *
lit_sse2(const char *p, size_t npos, const char *lit, size_t l)
{
	const __m128i x = _mm_set1_epi8(lit[l - 2]),
	              y = _mm_set1_epi8(lit[l - 1]);
	size_t k = 0;

	LIT_ROUNDS(16, pairs_sse2, x, y);
}
#endif

const char *
memfind_scan(const char *p, size_t n, char c)
{
	const int w = current();

#ifdef HAVE_X86
	if (w == 32 && n >= 32)
		return byte_avx2(p, n, c);
#endif
#ifdef __SSE2__
	if (w >= 16 && n >= 16)
		return byte_sse2(p, n, c);
#endif
	(void)w;
	return byte_scalar(p, n, c);
}

const char *
memfind_lit(const char *p, size_t n, const char *lit, size_t l)
{
	const int w = current();
	size_t npos;

	if (l < 2)
		return l == 0 ? p : memfind_byte(p, n, lit[0]);
	if (n < l)
		return NULL;
	npos = n - l + 1;
#ifdef HAVE_X86
	if (w == 32 && npos >= 32)
		return lit_avx2(p, npos, lit, l);
#endif
#ifdef __SSE2__
	if (w >= 16 && npos >= 16)
		return lit_sse2(p, npos, lit, l);
#endif
	(void)w;
	return lit_scalar(p, npos, lit, l);
}
