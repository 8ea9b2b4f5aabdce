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
    /* cron's tags (CRON, CROND, cron, crond) */
    {"CRON", 4},
    {"cron", 4},
    /* the small relays: nullmailer-send, msmtp, sSMTP, dma */
    {"nullmail", 8},
    {"msmtp", 5},
    {"SMTP[", 5},
    {"dma[", 4},
};
#define NNEEDLES (sizeof(needles) / sizeof(needles[0]))
#define MAXLEN 8

/* confirm - does a needle start at p[i] (with n bytes available)? */
static int
confirm(const char *p, size_t i, size_t n)
{
	for (size_t k = 0; k < NNEEDLES; k++)
		if (needles[k].s[0] == p[i] && i + needles[k].len <= n &&
		    memcmp(p + i, needles[k].s, needles[k].len) == 0)
			return 1;
	return 0;
}

/* is_first - can a needle start with c? */
static int
is_first(char c)
{
	for (size_t k = 0; k < NNEEDLES; k++)
		if (needles[k].s[0] == c)
			return 1;
	return 0;
}

/* first[c]: some needle starts with c; set by init_first() before any
 * implementation runs (choose(), prefilter_use()) */
static unsigned char first[256];

static void
init_first(void)
{
	for (int c = 0; c < 256; c++)
		first[c] = (unsigned char)is_first((char)c);
}

static size_t
find_scalar(const char *p, size_t n, size_t from)
{
	for (size_t i = from; i < n; i++)
		if (first[(unsigned char)p[i]] && confirm(p, i, n))
			return i;
	return n;
}

#ifdef HAVE_X86
/* mask_sse2 - candidate positions p[0..16): a needle's first byte there
 * and its last byte len - 1 further on.  One load per distance. */
static inline unsigned
mask_sse2(const char *p)
{
	__m128i b[MAXLEN], m = _mm_setzero_si128();

	for (size_t d = 0; d < MAXLEN; d++)
		b[d] = _mm_loadu_si128((const __m128i *)(p + d));
#pragma GCC unroll 16
	for (size_t k = 0; k < NNEEDLES; k++) {
		size_t l = needles[k].len - 1;
		m = _mm_or_si128(
		    m,
		    _mm_and_si128(
		        _mm_cmpeq_epi8(b[0], _mm_set1_epi8(needles[k].s[0])),
		        _mm_cmpeq_epi8(b[l], _mm_set1_epi8(needles[k].s[l]))));
	}
	return (unsigned)_mm_movemask_epi8(m);
}

static size_t
find_sse2(const char *p, size_t n)
{
	size_t i = 0;

	for (; i + 16 + MAXLEN <= n; i += 16) {
		unsigned mask = mask_sse2(p + i);
		while (mask) {
			size_t pos = i + (size_t)__builtin_ctz(mask);
			if (confirm(p, pos, n))
				return pos;
			mask &= mask - 1;
		}
	}
	return find_scalar(p, n, i);
}

/*
 * mask_avx2 - anchor positions p[0..32): every needle is reduced to an
 * anchor byte and one later byte, on loads shared by all of them, with
 * the anchors case-folded (x | 0x20) so that one compare serves several:
 *   's' (folded): SYSERR( ('(' at +6), sendmail ('l' at +7), sm- ('-' at
 *                 +2), SMTP[ and msmtp's "smtp" ('p' folded at +3),
 *                 postfix's s at its offset 2 ('x' at +4)
 *   'c' (folded): CRON, cron ('n' folded at +3)
 *   'd': dma[ ('[' at +3);  'n': nullmail ('l' at +7)
 * 24 vector operations on 6 loads for 32 positions; an anchor is a needle
 * start or, for msmtp and postfix, 1 or 2 bytes into one (confirm_at()).
 */
__attribute__((target("avx2"))) static inline unsigned
mask_avx2(const char *p)
{
	const __m256i fold = _mm256_set1_epi8(0x20);
	const __m256i b0 = _mm256_loadu_si256((const __m256i *)p);
	const __m256i b2 = _mm256_loadu_si256((const __m256i *)(p + 2));
	const __m256i b3 = _mm256_loadu_si256((const __m256i *)(p + 3));
	const __m256i b4 = _mm256_loadu_si256((const __m256i *)(p + 4));
	const __m256i b6 = _mm256_loadu_si256((const __m256i *)(p + 6));
	const __m256i b7 = _mm256_loadu_si256((const __m256i *)(p + 7));
	const __m256i f0 = _mm256_or_si256(b0, fold);
	const __m256i f3 = _mm256_or_si256(b3, fold);
	const __m256i l7 = _mm256_cmpeq_epi8(b7, _mm256_set1_epi8('l'));
	__m256i s_next = _mm256_or_si256(
	    _mm256_or_si256(_mm256_cmpeq_epi8(b6, _mm256_set1_epi8('(')), l7),
	    _mm256_or_si256(
	        _mm256_or_si256(_mm256_cmpeq_epi8(b2, _mm256_set1_epi8('-')),
	                        _mm256_cmpeq_epi8(f3, _mm256_set1_epi8('p'))),
	        _mm256_cmpeq_epi8(b4, _mm256_set1_epi8('x'))));
	__m256i m = _mm256_and_si256(
	    _mm256_cmpeq_epi8(f0, _mm256_set1_epi8('s')), s_next);

	m = _mm256_or_si256(
	    m, _mm256_and_si256(_mm256_cmpeq_epi8(f0, _mm256_set1_epi8('c')),
	                        _mm256_cmpeq_epi8(f3, _mm256_set1_epi8('n'))));
	m = _mm256_or_si256(
	    m, _mm256_and_si256(_mm256_cmpeq_epi8(b0, _mm256_set1_epi8('d')),
	                        _mm256_cmpeq_epi8(b3, _mm256_set1_epi8('['))));
	m = _mm256_or_si256(
	    m, _mm256_and_si256(_mm256_cmpeq_epi8(b0, _mm256_set1_epi8('n')),
	                        l7));
	return (unsigned)_mm256_movemask_epi8(m);
}

/* confirm_at - the start of a needle anchored at p[a] (at a, or 1 or 2
 * bytes before it: msmtp's and postfix's s), or n */
static size_t
confirm_at(const char *p, size_t a, size_t n)
{
	if (a >= 2 && p[a - 2] == 'p' && confirm(p, a - 2, n))
		return a - 2;
	if (a >= 1 && p[a - 1] == 'm' && confirm(p, a - 1, n))
		return a - 1;
	return confirm(p, a, n) ? a : n;
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
			size_t at = confirm_at(
			    p, i + (size_t)__builtin_ctzll(mask), n);
			if (at < n)
				return at;
			mask &= mask - 1;
		}
	}
	for (; i + 32 + MAXLEN <= n; i += 32) {
		unsigned mask = mask_avx2(p + i);
		while (mask) {
			size_t at =
			    confirm_at(p, i + (size_t)__builtin_ctz(mask), n);
			if (at < n)
				return at;
			mask &= mask - 1;
		}
	}
	/* a needle starting up to 2 bytes before i has its anchor at i or
	 * later, not yet looked at: the scalar loop starts there */
	return find_scalar(p, n, i >= 2 ? i - 2 : 0);
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
	init_first();
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
	init_first();
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
