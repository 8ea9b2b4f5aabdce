/*
 * prefilter.c - the per-line scan (see prefilter.h).
 *
 * A 64-byte round yields one bit mask, its marks: the line ends ('\n')
 * and the bytes that may force a line, a NUL or a 'Y' (the rarest byte
 * of "SYSERR(", uncommon in ordinary text; one with "S" before it and
 * "SERR(" after is confirmed with memcmp).  The rounds of a block of
 * PF_BLOCK bytes write its marks into an array first; its lines are then
 * judged one after another, most by the header template of the lines
 * before them, the others by header_at().  The vector loops stop where a
 * load would pass the end; the tail is done by the scalar loop, so no
 * byte outside p[0..n) is ever read.
 */
#include <stdint.h>
#include <string.h>

#include "agent/parse/prefilter.h"
#include "agent/parse/syslog_parse.h"
#include "common/memfind.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

#define SYSERR_LEN 7 /* "SYSERR(" */

/* judge - the class of the line p[ls..le) of the scan, and its header
 * (sl_tag_class_head(); sl_tag_class_at() when tag_at, where the header
 * template put the tag, is not 0) */
static enum pf_class
judge(const struct pf_scan *s, size_t ls, size_t le, int forced,
      unsigned tag_at, struct sl_head *hd)
{
	size_t n = le - ls;

	hd->valid = 0;
	if (forced)
		return PF_FORCED;
	if (n > s->max_line)
		n = s->max_line;
	switch (tag_at ? sl_tag_class_at(s->p + ls, n, tag_at, hd)
	               : sl_tag_class_head(s->p + ls, n, hd)) {
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
emit(const struct pf_scan *s, size_t ls, size_t le, int forced, unsigned tag_at,
     struct pf_line *out)
{
	if ((out->cls = judge(s, ls, le, forced, tag_at, &out->head)) ==
	    PF_SKIP)
		return 0;
	out->start = ls;
	out->end = le;
	return 1;
}

#ifdef HAVE_X86
/* the bytes header_at() and skip_plain() may read at a line's start */
#define SCREEN_READ 48

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
 * header_at - where sl_tag_class()'s first rule (quick_tag()) finds the
 * tag of the line q[0..len) when it holds: a traditional stamp, then a
 * host of under 16 bytes or none, single spaces, a tag of 4 bytes or
 * more; 0 when it does not (sl_tag_class() must decide).  The line is
 * SL_TAG_NONE when the tag is no known program's
 * (sl_tag_may_be_wanted()).  The same tests, without a branch each: on
 * a mix of line types every branch of them was a jump mispredicted now
 * and then.  SCREEN_READ bytes must be readable at q (past the line: the
 * tests keep to len).
 */
__attribute__((always_inline)) static inline unsigned
header_at(const char *q, size_t len)
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
	return (unsigned)ok * (unsigned)t;
}

/*
 * The header of the lines before, as a template: the bytes of its stamp
 * that change slowest (the month, the tens of the day, the separators:
 * SHAPE_STAMP) and of its host with the space after it, up to the tag at
 * tag_at (18 to 32: a host of 1 to 15 bytes).
 */
#define SHAPE_STAMP 0x925fu /* bytes 0-4, 6, 9, 12, 15 of the stamp */

static void
shape_learn(struct pf_scan *s, const char *q, unsigned tag_at)
{
	/* header_at()'s last test, len >= t + 4, and its first, len >= 24
	 * (len: the line's length up to max_line), for the template's t */
	size_t need = tag_at + 4 > 24 ? tag_at + 4 : 24;

	memcpy(s->shape, q, 32);
	s->tag_at = tag_at;
	s->shape_want = SHAPE_STAMP | ((1u << (tag_at - 16)) - 1) << 16;
	s->shape_need = s->max_line >= need ? need : SIZE_MAX;
}
#endif

/* forces - is p[i] (n bytes available) a NUL or the start of "SYSERR("? */
static int
forces(const char *p, size_t i, size_t n)
{
	return p[i] == '\0' || (p[i] == 'S' && n - i >= SYSERR_LEN &&
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
			if (emit(s, ls, c, forced, 0, out)) {
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
	return s->ls < n && emit(s, s->ls, n, s->forced, 0, out);
}

#ifdef HAVE_X86
/* The lowest set bit of m, or 63 when m is 0 (no branch, no undefined
 * ctz of 0: an entry written past a round's last mark is never read). */
#define LOW_BIT(m) ((unsigned)__builtin_ctzll((m) | (1ull << 63)))

/* FLATTEN - the marks of mask m of the round at offset off into s->ends
 * from ne on: two written whatever their number, more only for a round
 * of short lines */
#define FLATTEN(POPCOUNT, m, off)                                              \
	do {                                                                   \
		uint64_t fm = (m);                                             \
		unsigned cnt = (unsigned)POPCOUNT(fm);                         \
		s->ends[ne] = (uint16_t)((off) + LOW_BIT(fm));                 \
		fm &= fm - 1;                                                  \
		s->ends[ne + 1] = (uint16_t)((off) + LOW_BIT(fm));             \
		fm &= fm - 1;                                                  \
		if (cnt > 2)                                                   \
			for (unsigned k = ne + 2; fm; fm &= fm - 1)            \
				s->ends[k++] =                                 \
				    (uint16_t)((off) + LOW_BIT(fm));           \
		ne += cnt;                                                     \
	} while (0)

/*
 * The fill of both vector implementations: the marks of 64-byte rounds
 * (ROUND: the bit mask of the '\n', NUL and 'Y' bytes), from s->c on, up
 * to PF_BLOCK bytes or the last round whose loads stay inside the
 * buffer, go into s->ends.  Four rounds without a mark (inside a long
 * line) write nothing; on ordinary lines every four rounds have one, so
 * that branch is as predictable.  0 when not even one round fits: the
 * tail is left to step_scalar().
 */
#define SCAN_FILL(ROUND, POPCOUNT)                                             \
	do {                                                                   \
		const char *p = s->p;                                          \
		const size_t n = s->n, base = s->c;                            \
		size_t c = base, end = base + PF_BLOCK;                        \
		unsigned ne = 0;                                               \
		if (c + 64 > n)                                                \
			return 0;                                              \
		for (; c + 256 <= end && c + 256 <= n; c += 256) {             \
			uint64_t m0 = ROUND(p + c), m1 = ROUND(p + c + 64);    \
			uint64_t m2 = ROUND(p + c + 128);                      \
			uint64_t m3 = ROUND(p + c + 192);                      \
			unsigned off = (unsigned)(c - base);                   \
			if ((m0 | m1 | m2 | m3) == 0)                          \
				continue;                                      \
			FLATTEN(POPCOUNT, m0, off);                            \
			FLATTEN(POPCOUNT, m1, off + 64);                       \
			FLATTEN(POPCOUNT, m2, off + 128);                      \
			FLATTEN(POPCOUNT, m3, off + 192);                      \
		}                                                              \
		for (; c < end && c + 64 <= n; c += 64)                        \
			FLATTEN(POPCOUNT, ROUND(p + c), (unsigned)(c - base)); \
		s->base = base;                                                \
		s->c = c;                                                      \
		s->ne = ne;                                                    \
		s->ei = 0;                                                     \
		return 1;                                                      \
	} while (0)

/* round_sse2 - the marks of p[0..64), four loads of 16 */
static inline uint64_t
round_sse2(const char *p)
{
	const __m128i lf = _mm_set1_epi8('\n'), y = _mm_set1_epi8('Y'),
	              z = _mm_setzero_si128();
	uint64_t m = 0;

	for (int k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(
		         _mm_or_si128(_mm_cmpeq_epi8(x, lf),
		                      _mm_or_si128(_mm_cmpeq_epi8(x, y),
		                                   _mm_cmpeq_epi8(x, z))))
		     << (16 * k);
	}
	return m;
}

static int
fill_sse2(struct pf_scan *s)
{
	SCAN_FILL(round_sse2, __builtin_popcountll);
}

/* round_avx2 - the marks of p[0..64), two loads of 32, each byte looked
 * up by its low nibble in a table holding '\n', NUL and 'Y' at theirs
 * (and at every other a byte of another low nibble): equal to its entry
 * only if it is one of the three (a byte of 0x80 or more looks up 0) */
__attribute__((target("avx2"))) static inline uint64_t
round_avx2(const char *p)
{
	const __m256i tab = _mm256_setr_epi8(
	    0, 2, 3, 4, 5, 6, 7, 8, 9, 'Y', '\n', 12, 13, 14, 15, 0x11, 0, 2, 3,
	    4, 5, 6, 7, 8, 9, 'Y', '\n', 12, 13, 14, 15, 0x11);
	const __m256i x0 = _mm256_loadu_si256((const __m256i *)p);
	const __m256i x1 = _mm256_loadu_si256((const __m256i *)(p + 32));

	return (uint64_t)(unsigned)_mm256_movemask_epi8(
	           _mm256_cmpeq_epi8(_mm256_shuffle_epi8(tab, x0), x0)) |
	       (uint64_t)(unsigned)_mm256_movemask_epi8(
	           _mm256_cmpeq_epi8(_mm256_shuffle_epi8(tab, x1), x1))
	           << 32;
}

/* every CPU with AVX2 has POPCNT */
__attribute__((target("avx2,popcnt"))) static int
fill_avx2(struct pf_scan *s)
{
	SCAN_FILL(round_avx2, __builtin_popcountll);
}

/*
 * skip_plain - from mark ei on, the lines skipped by the header template
 * alone: a line end, with no NUL or "SYSERR(" before it in the line (the
 * caller's forced is 0 at ei), the template's stamp bytes, a digit as
 * the day's units, its host and a tag of 4 bytes or more after it, which
 * sl_tag_may_be_wanted() refuses.  header_at() would find that tag at
 * tag_at, as it did on the line the template came from (every test it
 * made of that line holds for this one), without finding the host's
 * end.  One loop with none of step_blocks()'s state live.  Returns the
 * first other mark's index (ne: none); *ls is the start of its line,
 * and *shaped 1 when that line has the template's header and only its
 * tag may be wanted (step_blocks() hands it out by tag_at).
 */
__attribute__((always_inline)) static inline unsigned
skip_plain(const struct pf_scan *s, unsigned ei, unsigned ne, size_t *ls,
           unsigned tag_at, __m128i stamp, __m128i host, int *shaped)
{
	const char *p = s->p;
	const size_t n = s->n, base = s->base, need = s->shape_need;
	const uint32_t want = s->shape_want;
	size_t l0 = *ls;

	for (; ei < ne; ei++) {
		const size_t le = base + s->ends[ei];
		const unsigned char *q = (const unsigned char *)p + l0;
		uint32_t m;

		if ((p[le] != '\n') | (l0 + SCREEN_READ > n) | (le - l0 < need))
			break;
		m = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
		        _mm_loadu_si128((const __m128i *)q), stamp)) |
		    (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
		        _mm_loadu_si128((const __m128i *)(q + 16)), host))
		        << 16;
		if (((m & want) != want) | !digit(q[5]) | (q[tag_at] == ' '))
			break;
		if (sl_tag_may_be_wanted((const char *)q + tag_at)) {
			*shaped = 1;
			break;
		}
		l0 = le + 1;
	}
	*ls = l0;
	return ei;
}

/* handed_out - step_blocks()'s state after it handed out the line that
 * ends at mark ei (the next one starts at ls): 1 */
static inline int
handed_out(struct pf_scan *s, unsigned misses, size_t ls, unsigned ei)
{
	s->misses = misses;
	s->ls = ls;
	s->ei = ei + 1;
	s->forced = 0;
	return 1;
}

/*
 * step_blocks - the lines of the filled blocks, judged one after another
 * (the step of both vector implementations).  A mark that is not a line
 * end forces the line it is in when it is a NUL or the 'Y' of "SYSERR("
 * (confirmed here: rare in ordinary text).  Most lines are judged by the
 * tag where the header template puts it (skip_plain(), in a loop of its
 * own until a line is wanted or is not the template's), the others by
 * the tag where header_at() finds it, by sl_tag_may_be_wanted() before
 * any call.  The
 * template is learnt from the first line header_at() knows the header
 * of, and again when 9 lines in a row have another.
 */
static int
step_blocks(struct pf_scan *s, struct pf_line *out)
{
	const char *p = s->p;
	const size_t n = s->n, max_line = s->max_line;

	for (;;) {
		size_t base = s->base, ls = s->ls;
		unsigned ei = s->ei, ne = s->ne;
		unsigned tag_at = s->tag_at, misses = s->misses;
		__m128i stamp = _mm_loadu_si128((const __m128i *)s->shape);
		__m128i host =
		    _mm_loadu_si128((const __m128i *)(s->shape + 16));
		int forced = s->forced;

		for (; ei < ne; ei++) {
			if (!forced && tag_at) {
				unsigned e0 = ei;
				int shaped = 0;

				ei = skip_plain(s, ei, ne, &ls, tag_at, stamp,
				                host, &shaped);
				if (ei != e0 || shaped)
					misses = 0;
				if (ei == ne)
					break;
				if (shaped) {
					size_t le = base + s->ends[ei], l0 = ls;

					ls = le + 1;
					if (emit(s, l0, le, 0, tag_at, out))
						return handed_out(s, 0, ls, ei);
					continue;
				}
			}
			size_t le = base + s->ends[ei], l0 = ls, ll = le - ls;
			int fo = forced;

			if (p[le] !=
			    '\n') { /* a NUL, or "SYSERR(" by its 'Y' */
				forced |= p[le] == '\0' ||
				          (le > 0 && forces(p, le - 1, n));
				continue;
			}
			ls = le + 1;
			forced = 0;
			if (!fo && l0 + SCREEN_READ <= n) {
				size_t len = ll < max_line ? ll : max_line;
				unsigned t;

				/* no template yet, or skip_plain() found
				 * this line does not have its header */
				if ((t = header_at(p + l0, len)) >= 18 &&
				    t <= 32 && (tag_at == 0 || ++misses > 8)) {
					shape_learn(s, p + l0, t);
					tag_at = t;
					stamp = _mm_loadu_si128(
					    (const __m128i *)s->shape);
					host = _mm_loadu_si128(
					    (const __m128i *)(s->shape + 16));
					misses = 0;
				}
				if (t != 0 && !sl_tag_may_be_wanted(p + l0 + t))
					continue;
			}
			if (emit(s, l0, le, fo, 0, out))
				return handed_out(s, misses, ls, ei);
		}
		s->misses = misses;
		s->ls = ls;
		s->forced = forced;
		s->ei = s->ne = 0;
		if (!s->fill(s)) {
			/* a "SYSERR(" whose 'S' ends the rounds has its 'Y'
			 * in the tail, which looks for an 'S' from c on */
			if (s->c > 0 && forces(p, s->c - 1, n))
				s->forced = 1;
			s->tail = 1;
			return step_scalar(s, out);
		}
	}
}
#endif

/* the vector fill in use, or NULL: the scalar scan */
static int (*impl)(struct pf_scan *);
static const char *impl_name;

/* use - the implementation named (fill NULL: the scalar scan); the
 * searches of the parse (memfind) take the same width */
static void
use(int (*fill)(struct pf_scan *), const char *name, int width)
{
	impl = fill;
	impl_name = name;
	memfind_use(width);
}

static void
choose(void)
{
	use(NULL, "scalar", 0);
#ifdef HAVE_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"))
		use(fill_avx2, "avx2", 32);
	else if (__builtin_cpu_supports("sse2"))
		use(fill_sse2, "sse2", 16);
#endif
}

void
prefilter_start(struct pf_scan *s, const char *p, size_t n, size_t max_line)
{
	if (impl_name == NULL)
		choose();
	s->p = p;
	s->n = n;
	s->max_line = max_line;
	s->fill = impl;
	s->tag_at = s->shape_want = s->misses = 0;
	s->shape_need = SIZE_MAX;
	memset(s->shape, 0, sizeof(s->shape));
	s->done = 0;
	prefilter_seek(s, 0);
}

int
prefilter_step(struct pf_scan *s, struct pf_line *out)
{
#ifdef HAVE_X86
	if (!s->tail)
		return step_blocks(s, out);
#endif
	return step_scalar(s, out);
}

void
prefilter_seek(struct pf_scan *s, size_t pos)
{
	s->c = s->base = s->ls = pos;
	s->ne = s->ei = 0;
	s->forced = 0;
	s->tail = s->fill == NULL;
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
		use(NULL, "scalar", 0);
		return 0;
	}
#ifdef HAVE_X86
	__builtin_cpu_init();
	if (strcmp(name, "sse2") == 0 && __builtin_cpu_supports("sse2")) {
		use(fill_sse2, "sse2", 16);
		return 0;
	}
	if (strcmp(name, "avx2") == 0 && __builtin_cpu_supports("avx2") &&
	    __builtin_cpu_supports("popcnt")) {
		use(fill_avx2, "avx2", 32);
		return 0;
	}
#endif
	return -1;
}

const char *
prefilter_name(void)
{
	if (impl_name == NULL)
		choose();
	return impl_name;
}
