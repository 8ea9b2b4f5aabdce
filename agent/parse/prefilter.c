/*
 * prefilter.c - the per-line scan (see prefilter.h).
 *
 * A 64-byte round yields two bit masks: the line ends ('\n') and the
 * "forced" positions, a NUL or an 'S' with a '(' six bytes on (the
 * first and last byte of "SYSERR(", confirmed with memcmp: rare in
 * ordinary text).  Every line end then costs a bit scan and the judging
 * of that line's tag.  The vector loops stop where a load would pass the
 * end; the tail is done by the scalar loop, so no byte outside p[0..n)
 * is ever read.
 */
#include <stdint.h>
#include <string.h>

#include "agent/parse/prefilter.h"
#include "agent/parse/syslog_parse.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

#define SYSERR_LEN 7 /* "SYSERR(" */

/* judge - the class of the line p[ls..le) */
static enum pf_class
judge(const char *p, size_t ls, size_t le, int forced, size_t max_line)
{
	size_t n = le - ls;

	if (forced)
		return PF_FORCED;
	switch (sl_tag_class(p + ls, n < max_line ? n : max_line)) {
	case SL_TAG_MAIL:
		return PF_PARSE;
	case SL_TAG_CRON:
		return PF_CRON;
	default:
		return PF_SKIP;
	}
}

#ifdef HAVE_X86
#define SCREEN_READ 48 /* bytes screen() may read from a line's start */

static inline int
alpha(unsigned c)
{
	return (c | 0x20) - 'a' < 26u;
}

static inline int
digit(unsigned c)
{
	return c - '0' < 10u;
}

/*
 * screen - 1 if the line q[0..len) is SL_TAG_NONE for sl_tag_class() by
 * its first rule (quick_tag(), sl_tag_may_be_wanted()): a traditional
 * stamp, then a host of under 16 bytes or none, single spaces, and a tag
 * no known program starts like; 0 when sl_tag_class() must decide.  The
 * same tests, without a branch each: on a mix of line types every
 * branch of them was a jump mispredicted now and then.  SCREEN_READ
 * bytes must be readable at q (past the line: the tests keep to len).
 */
__attribute__((always_inline)) static inline int
screen(const char *q, size_t len)
{
	const unsigned char *u = (const unsigned char *)q;
	unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(q + 16)), _mm_set1_epi8(' ')));
	size_t e = 16 + (size_t)__builtin_ctz(m | 0x10000u), t;
	int ok, nohost;

	ok = (len >= 24) & alpha(u[0]) & (u[3] == ' ') &
	     ((u[4] == ' ') | digit(u[4])) & digit(u[5]) & (u[6] == ' ') &
	     (u[9] == ':') & (u[12] == ':') & (u[15] == ' ') &
	     (u[16] != ' ') & (u[16] != '<') & (e < 32) & (e < len);
	nohost = u[e - 1] == ':';
	t = nohost ? 16 : e + 1;
	ok &= nohost | ((e + 1 < len) & (u[e + 1] != ' '));
	ok &= t + 4 <= len;
	return ok & !sl_tag_may_be_wanted(q + t);
}
#endif

/* forces - is p[i] (n bytes available) a NUL or the start of "SYSERR("? */
static int
forces(const char *p, size_t i, size_t n)
{
	return p[i] == '\0' ||
	       (p[i] == 'S' && n - i >= SYSERR_LEN &&
	        memcmp(p + i, "SYSERR(", SYSERR_LEN) == 0);
}

/* scan_scalar - the scan from c on, the line being read having started
 * at ls (forced: a NUL or "SYSERR(" already seen in it) */
static size_t
scan_scalar(const char *p, size_t n, size_t c, size_t ls, int forced,
            size_t max_line, size_t *end, enum pf_class *cls)
{
	for (; c < n; c++) {
		if (p[c] == '\n') {
			if ((*cls = judge(p, ls, c, forced, max_line)) !=
			    PF_SKIP) {
				*end = c;
				return ls;
			}
			ls = c + 1;
			forced = 0;
		} else if (!forced && forces(p, c, n)) {
			forced = 1;
		}
	}
	*end = n;
	if (ls < n && (*cls = judge(p, ls, n, forced, max_line)) != PF_SKIP)
		return ls;
	*cls = PF_SKIP;
	return n;
}

static size_t
next_scalar(const char *p, size_t n, size_t max_line, size_t *end,
            enum pf_class *cls)
{
	return scan_scalar(p, n, 0, 0, 0, max_line, end, cls);
}

#ifdef HAVE_X86
/* confirm - the forced bits of the round at p + c that are real: a NUL,
 * or "SYSERR(" (the round's loads reach c + 70 <= n) */
static uint64_t
confirm(const char *p, size_t c, uint64_t f, size_t n)
{
	uint64_t keep = 0;

	for (uint64_t m = f; m; m &= m - 1) {
		unsigned b = (unsigned)__builtin_ctzll(m);
		if (forces(p, c + b, n))
			keep |= 1ull << b;
	}
	return keep;
}

/*
 * The loop of both vector implementations, on the masks of one 64-byte
 * round at p + c (ROUND sets nl and f).  A line's forced bits are those
 * before its end; the ones after the last end of a round belong to the
 * line still being read.
 */
#define SCAN_LOOP(ROUND)                                                       \
	do {                                                                   \
		size_t c = 0, ls = 0;                                          \
		int forced = 0;                                                \
		for (; c + 64 + SYSERR_LEN - 1 <= n; c += 64) {                \
			uint64_t nl, f;                                        \
			ROUND(p + c, &nl, &f);                                 \
			if (f)                                                 \
				f = confirm(p, c, f, n);                       \
			for (; nl; nl &= nl - 1) {                             \
				unsigned b = (unsigned)__builtin_ctzll(nl);    \
				uint64_t below = (1ull << b) - 1;              \
				size_t ll = c + b - ls;                        \
				forced |= (f & below) != 0;                    \
				f &= ~below;                                   \
				if (!forced && ls + SCREEN_READ <= n &&        \
				    screen(p + ls,                             \
				           ll < max_line ? ll : max_line)) {   \
					ls = c + b + 1;                        \
					continue;                              \
				}                                              \
				if ((*cls = judge(p, ls, c + b, forced,        \
				                  max_line)) != PF_SKIP) {     \
					*end = c + b;                          \
					return ls;                             \
				}                                              \
				ls = c + b + 1;                                \
				forced = 0;                                    \
			}                                                      \
			forced |= f != 0;                                      \
		}                                                              \
		return scan_scalar(p, n, c, ls, forced, max_line, end, cls);   \
	} while (0)

/* round_sse2 - the masks of p[0..64), four loads of 16 and four at +6 */
static inline void
round_sse2(const char *p, uint64_t *nl, uint64_t *f)
{
	const __m128i lf = _mm_set1_epi8('\n'), s = _mm_set1_epi8('S'),
	              par = _mm_set1_epi8('('), z = _mm_setzero_si128();
	uint64_t a = 0, b = 0;

	for (int k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
		__m128i y = _mm_loadu_si128((const __m128i *)(p + 16 * k + 6));
		__m128i m = _mm_or_si128(
		    _mm_and_si128(_mm_cmpeq_epi8(x, s), _mm_cmpeq_epi8(y, par)),
		    _mm_cmpeq_epi8(x, z));
		a |= (uint64_t)(unsigned)_mm_movemask_epi8(
		         _mm_cmpeq_epi8(x, lf))
		     << (16 * k);
		b |= (uint64_t)(unsigned)_mm_movemask_epi8(m) << (16 * k);
	}
	*nl = a;
	*f = b;
}

static size_t
next_sse2(const char *p, size_t n, size_t max_line, size_t *end,
          enum pf_class *cls)
{
	SCAN_LOOP(round_sse2);
}

/* round_avx2 - the masks of p[0..64), two loads of 32 and two at +6 */
__attribute__((target("avx2"))) static inline void
round_avx2(const char *p, uint64_t *nl, uint64_t *f)
{
	const __m256i lf = _mm256_set1_epi8('\n'), s = _mm256_set1_epi8('S'),
	              par = _mm256_set1_epi8('('), z = _mm256_setzero_si256();
	const __m256i x0 = _mm256_loadu_si256((const __m256i *)p);
	const __m256i x1 = _mm256_loadu_si256((const __m256i *)(p + 32));
	const __m256i y0 = _mm256_loadu_si256((const __m256i *)(p + 6));
	const __m256i y1 = _mm256_loadu_si256((const __m256i *)(p + 38));
	const __m256i f0 = _mm256_or_si256(
	    _mm256_and_si256(_mm256_cmpeq_epi8(x0, s),
	                     _mm256_cmpeq_epi8(y0, par)),
	    _mm256_cmpeq_epi8(x0, z));
	const __m256i f1 = _mm256_or_si256(
	    _mm256_and_si256(_mm256_cmpeq_epi8(x1, s),
	                     _mm256_cmpeq_epi8(y1, par)),
	    _mm256_cmpeq_epi8(x1, z));

	*nl = (uint64_t)(unsigned)_mm256_movemask_epi8(
	          _mm256_cmpeq_epi8(x0, lf)) |
	      (uint64_t)(unsigned)_mm256_movemask_epi8(
	          _mm256_cmpeq_epi8(x1, lf))
	          << 32;
	*f = (uint64_t)(unsigned)_mm256_movemask_epi8(f0) |
	     (uint64_t)(unsigned)_mm256_movemask_epi8(f1) << 32;
}

__attribute__((target("avx2"))) static size_t
next_avx2(const char *p, size_t n, size_t max_line, size_t *end,
          enum pf_class *cls)
{
	SCAN_LOOP(round_avx2);
}
#endif

static size_t (*impl)(const char *, size_t, size_t, size_t *,
                      enum pf_class *);
static const char *impl_name = "scalar";

static void
choose(void)
{
	impl = next_scalar;
	impl_name = "scalar";
#ifdef HAVE_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2")) {
		impl = next_avx2;
		impl_name = "avx2";
	} else if (__builtin_cpu_supports("sse2")) {
		impl = next_sse2;
		impl_name = "sse2";
	}
#endif
}

size_t
prefilter_next(const char *p, size_t n, size_t max_line, size_t *end,
               enum pf_class *cls)
{
	if (impl == NULL)
		choose();
	return impl(p, n, max_line, end, cls);
}

int
prefilter_use(const char *name)
{
	if (strcmp(name, "scalar") == 0) {
		impl = next_scalar;
		impl_name = "scalar";
		return 0;
	}
#ifdef HAVE_X86
	__builtin_cpu_init();
	if (strcmp(name, "sse2") == 0 && __builtin_cpu_supports("sse2")) {
		impl = next_sse2;
		impl_name = "sse2";
		return 0;
	}
	if (strcmp(name, "avx2") == 0 && __builtin_cpu_supports("avx2")) {
		impl = next_avx2;
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
