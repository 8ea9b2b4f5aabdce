/*
 * prefilter.c - multi-needle first/last-byte scan (see prefilter.h).
 *
 * For a needle of length L, position i is a candidate when p[i] is its
 * first byte and p[i + L - 1] its last; a vector compare does that for 32
 * positions at once, and only candidates (rare in ordinary syslog text)
 * are checked with memcmp.  The vector loops stop where a load would pass
 * the end; the tail is done by the scalar loop, so no byte outside
 * p[0..n) is ever read.
 */
#include <string.h>

#include "agent/parse/prefilter.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

static const struct {
	const char *s;
	size_t len;
} needles[] = {
    {"SYSERR(", 7},
    {"sendmail", 8},
    {"sm-", 3},
    {"postfix", 7},
};
#define NNEEDLES (sizeof(needles) / sizeof(needles[0]))
#define MAXLEN 8

/* confirm - does a needle start at p[i] (with n bytes available)? */
static int
confirm(const char *p, size_t i, size_t n)
{
	for (size_t k = 0; k < NNEEDLES; k++)
		if (i + needles[k].len <= n &&
		    memcmp(p + i, needles[k].s, needles[k].len) == 0)
			return 1;
	return 0;
}

static size_t
find_scalar(const char *p, size_t n, size_t from)
{
	for (size_t i = from; i < n; i++) {
		char c = p[i];
		if ((c == 'S' || c == 's' || c == 'p') && confirm(p, i, n))
			return i;
	}
	return n;
}

#ifdef HAVE_X86
static size_t
find_sse2(const char *p, size_t n)
{
	const __m128i cS = _mm_set1_epi8('S'), cs = _mm_set1_epi8('s'),
	              cp = _mm_set1_epi8('p'), cparen = _mm_set1_epi8('('),
	              cl = _mm_set1_epi8('l'), cdash = _mm_set1_epi8('-'),
	              cx = _mm_set1_epi8('x');
	size_t i = 0;

	for (; i + 16 + MAXLEN <= n; i += 16) {
		__m128i b0 = _mm_loadu_si128((const __m128i *)(p + i));
		__m128i b2 = _mm_loadu_si128((const __m128i *)(p + i + 2));
		__m128i b6 = _mm_loadu_si128((const __m128i *)(p + i + 6));
		__m128i b7 = _mm_loadu_si128((const __m128i *)(p + i + 7));
		__m128i fs = _mm_cmpeq_epi8(b0, cs);
		__m128i m = _mm_or_si128(
		    _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(b0, cS),
		                               _mm_cmpeq_epi8(b6, cparen)),
		                 _mm_and_si128(fs, _mm_cmpeq_epi8(b7, cl))),
		    _mm_or_si128(_mm_and_si128(fs, _mm_cmpeq_epi8(b2, cdash)),
		                 _mm_and_si128(_mm_cmpeq_epi8(b0, cp),
		                               _mm_cmpeq_epi8(b6, cx))));
		unsigned mask = (unsigned)_mm_movemask_epi8(m);
		while (mask) {
			size_t pos = i + (size_t)__builtin_ctz(mask);
			if (confirm(p, pos, n))
				return pos;
			mask &= mask - 1;
		}
	}
	return find_scalar(p, n, i);
}

/* mask_avx2 - candidate positions p[0..32) for the four needles. */
__attribute__((target("avx2"))) static inline unsigned
mask_avx2(const char *p)
{
	const __m256i b0 = _mm256_loadu_si256((const __m256i *)p);
	const __m256i b2 = _mm256_loadu_si256((const __m256i *)(p + 2));
	const __m256i b6 = _mm256_loadu_si256((const __m256i *)(p + 6));
	const __m256i b7 = _mm256_loadu_si256((const __m256i *)(p + 7));
	const __m256i fs = _mm256_cmpeq_epi8(b0, _mm256_set1_epi8('s'));
	__m256i m = _mm256_or_si256(
	    _mm256_or_si256(
	        _mm256_and_si256(_mm256_cmpeq_epi8(b0, _mm256_set1_epi8('S')),
	                         _mm256_cmpeq_epi8(b6, _mm256_set1_epi8('('))),
	        _mm256_and_si256(fs,
	                         _mm256_cmpeq_epi8(b7, _mm256_set1_epi8('l')))),
	    _mm256_or_si256(
	        _mm256_and_si256(fs,
	                         _mm256_cmpeq_epi8(b2, _mm256_set1_epi8('-'))),
	        _mm256_and_si256(
	            _mm256_cmpeq_epi8(b0, _mm256_set1_epi8('p')),
	            _mm256_cmpeq_epi8(b6, _mm256_set1_epi8('x')))));
	return (unsigned)_mm256_movemask_epi8(m);
}

__attribute__((target("avx2"))) static size_t
find_avx2(const char *p, size_t n)
{
	size_t i = 0;

	/* 64 bytes a round: one branch for both halves */
	for (; i + 64 + MAXLEN <= n; i += 64) {
		unsigned long long mask =
		    mask_avx2(p + i) | (unsigned long long)mask_avx2(p + i + 32)
		                           << 32;
		while (mask) {
			size_t pos = i + (size_t)__builtin_ctzll(mask);
			if (confirm(p, pos, n))
				return pos;
			mask &= mask - 1;
		}
	}
	for (; i + 32 + MAXLEN <= n; i += 32) {
		unsigned mask = mask_avx2(p + i);
		while (mask) {
			size_t pos = i + (size_t)__builtin_ctz(mask);
			if (confirm(p, pos, n))
				return pos;
			mask &= mask - 1;
		}
	}
	return find_scalar(p, n, i);
}
#endif

static size_t
find_scalar0(const char *p, size_t n)
{
	return find_scalar(p, n, 0);
}

static size_t (*impl)(const char *, size_t);
static const char *impl_name = "scalar";

static void
choose(void)
{
	impl = find_scalar0;
	impl_name = "scalar";
#ifdef HAVE_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2")) {
		impl = find_avx2;
		impl_name = "avx2";
	} else if (__builtin_cpu_supports("sse2")) {
		impl = find_sse2;
		impl_name = "sse2";
	}
#endif
}

size_t
prefilter_find(const char *p, size_t n)
{
	if (impl == NULL)
		choose();
	return impl(p, n);
}

int
prefilter_use(const char *name)
{
	if (strcmp(name, "scalar") == 0) {
		impl = find_scalar0;
		impl_name = "scalar";
		return 0;
	}
#ifdef HAVE_X86
	__builtin_cpu_init();
	if (strcmp(name, "sse2") == 0 && __builtin_cpu_supports("sse2")) {
		impl = find_sse2;
		impl_name = "sse2";
		return 0;
	}
	if (strcmp(name, "avx2") == 0 && __builtin_cpu_supports("avx2")) {
		impl = find_avx2;
		impl_name = "avx2";
		return 0;
	}
#endif
	return -1;
}

const char *
prefilter_name(void)
{
	if (impl == NULL)
		choose();
	return impl_name;
}
