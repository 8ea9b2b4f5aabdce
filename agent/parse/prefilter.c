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

/* judge - the class of the line p[ls..le) of the scan, and its header
 * (sl_tag_class_head()) */
static enum pf_class
judge(const struct pf_scan *s, size_t ls, size_t le, int forced,
      struct sl_head *hd)
{
	size_t n = le - ls;

	hd->valid = 0;
	if (forced)
		return PF_FORCED;
	switch (sl_tag_class_head(s->p + ls, n < s->max_line ? n : s->max_line,
	                          hd)) {
	case SL_TAG_MAIL:
		return PF_PARSE;
	case SL_TAG_CRON:
		return PF_CRON;
	default:
		return PF_SKIP;
	}
}

/* emit - *out for the line p[ls..le) unless it is PF_SKIP: 1, else 0 */
static int
emit(const struct pf_scan *s, size_t ls, size_t le, int forced,
     struct pf_line *out)
{
	if ((out->cls = judge(s, ls, le, forced, &out->head)) == PF_SKIP)
		return 0;
	out->start = ls;
	out->end = le;
	return 1;
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
	     (u[9] == ':') & (u[12] == ':') & (u[15] == ' ') & (u[16] != ' ') &
	     (u[16] != '<') & (e < 32) & (e < len);
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

/* step_scalar - the scan byte by byte from s->c on (the vector rounds'
 * tail, or all of a scalar scan) */
static int
step_scalar(struct pf_scan *s, struct pf_line *out)
{
	const char *p = s->p;
	const size_t n = s->n;

	for (size_t c = s->c; c < n; c++) {
		if (p[c] == '\n') {
			size_t ls = s->ls;
			int forced = s->forced;

			s->ls = c + 1;
			s->forced = 0;
			if (emit(s, ls, c, forced, out)) {
				s->c = c + 1;
				return 1;
			}
		} else if (!s->forced && forces(p, c, n)) {
			s->forced = 1;
		}
	}
	s->c = n;
	if (s->done)
		return 0;
	s->done = 1;
	return s->ls < n && emit(s, s->ls, n, s->forced, out);
}

static int
step_scalar_all(struct pf_scan *s, struct pf_line *out)
{
	return step_scalar(s, out);
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
 * The step of both vector implementations, on the masks of 64-byte
 * rounds (ROUND sets nl and f), the round being read kept in the scan
 * between steps (in locals while stepping).  A line's forced bits are
 * those before its end; the ones after the last end of a round belong
 * to the line still being read.  Most lines are judged by screen()
 * alone.
 */
#define SCAN_STEP(ROUND)                                                       \
	do {                                                                   \
		const char *p = s->p;                                          \
		const size_t n = s->n, max_line = s->max_line;                 \
		size_t c = s->c, rc = s->rc, ls = s->ls;                       \
		uint64_t nl = s->nl, f = s->f;                                 \
		int forced = s->forced;                                        \
		for (;;) {                                                     \
			for (; nl; nl &= nl - 1) {                             \
				unsigned b = (unsigned)__builtin_ctzll(nl);    \
				uint64_t below = (1ull << b) - 1;              \
				size_t le = rc + b, l0 = ls, ll = le - ls;     \
				int fo = forced | ((f & below) != 0);          \
				f &= ~below;                                   \
				ls = le + 1;                                   \
				forced = 0;                                    \
				if (!fo && l0 + SCREEN_READ <= n &&            \
				    screen(p + l0,                             \
				           ll < max_line ? ll : max_line))     \
					continue;                              \
				if (emit(s, l0, le, fo, out)) {                \
					s->c = c;                              \
					s->rc = rc;                            \
					s->ls = ls;                            \
					s->nl = nl & (nl - 1);                 \
					s->f = f;                              \
					s->forced = 0;                         \
					return 1;                              \
				}                                              \
			}                                                      \
			forced |= f != 0;                                      \
			f = 0;                                                 \
			if (c + 64 + SYSERR_LEN - 1 > n)                       \
				break;                                         \
			ROUND(p + c, &nl, &f);                                 \
			if (f)                                                 \
				f = confirm(p, c, f, n);                       \
			rc = c;                                                \
			c += 64;                                               \
		}                                                              \
		s->c = c;                                                      \
		s->ls = ls;                                                    \
		s->nl = s->f = 0;                                              \
		s->forced = forced;                                            \
		s->tail = 1;                                                   \
		return step_scalar(s, out);                                    \
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

static int
step_sse2(struct pf_scan *s, struct pf_line *out)
{
	SCAN_STEP(round_sse2);
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

__attribute__((target("avx2"))) static int
step_avx2(struct pf_scan *s, struct pf_line *out)
{
	SCAN_STEP(round_avx2);
}
#endif

static int (*impl)(struct pf_scan *, struct pf_line *);
static const char *impl_name = "scalar";

static void
choose(void)
{
	impl = step_scalar_all;
	impl_name = "scalar";
#ifdef HAVE_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2")) {
		impl = step_avx2;
		impl_name = "avx2";
	} else if (__builtin_cpu_supports("sse2")) {
		impl = step_sse2;
		impl_name = "sse2";
	}
#endif
}

void
prefilter_start(struct pf_scan *s, const char *p, size_t n, size_t max_line)
{
	if (impl == NULL)
		choose();
	s->p = p;
	s->n = n;
	s->max_line = max_line;
	s->c = s->rc = s->ls = 0;
	s->nl = s->f = 0;
	s->forced = 0;
	s->tail = impl == step_scalar_all;
	s->done = 0;
	s->next = impl;
}

int
prefilter_step(struct pf_scan *s, struct pf_line *out)
{
	return s->tail ? step_scalar(s, out) : s->next(s, out);
}

void
prefilter_seek(struct pf_scan *s, size_t pos)
{
	s->c = s->ls = pos;
	s->nl = s->f = 0;
	s->forced = 0;
}

size_t
prefilter_next(const char *p, size_t n, size_t max_line, size_t *end,
               enum pf_class *cls)
{
	struct pf_scan s;
	struct pf_line l;

	prefilter_start(&s, p, n, max_line);
	if (!prefilter_step(&s, &l)) {
		*end = n;
		*cls = PF_SKIP;
		return n;
	}
	*end = l.end;
	*cls = l.cls;
	return l.start;
}

int
prefilter_use(const char *name)
{
	if (strcmp(name, "scalar") == 0) {
		impl = step_scalar_all;
		impl_name = "scalar";
		return 0;
	}
#ifdef HAVE_X86
	__builtin_cpu_init();
	if (strcmp(name, "sse2") == 0 && __builtin_cpu_supports("sse2")) {
		impl = step_sse2;
		impl_name = "sse2";
		return 0;
	}
	if (strcmp(name, "avx2") == 0 && __builtin_cpu_supports("avx2")) {
		impl = step_avx2;
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
