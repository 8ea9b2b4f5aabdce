/*
 * prefilter.c - the skip search for the lines worth parsing (see
 * prefilter.h).
 *
 * A wanted line shows one of these in its bytes: its tag, which always
 * follows a blank in every header form header() reads (" postfix",
 * " sendmail", " sm-", " nullmailer", " msmtp", " ssmtp", " sSMTP",
 * " dma", " CRON", " cron", " /usr/sbin/cron": the starts of every name
 * program_class() knows), "SYSERR(" or a NUL.  So the text is searched
 * for those needles only, as grep searches for its own, and the bytes
 * between two hits are never looked at again: no line end is searched
 * for in a line without a hit.  At a hit the line around it is found
 * (its start backward from the hit, its end forward) and judged as
 * before: by its tag (sl_tag_class()) and by any "SYSERR(" or NUL in it.
 *
 * The vector search is Teddy-style: every needle has a fingerprint of
 * its first four bytes (" pos", " sen", " sm-", " ssm", " sSM", " nul",
 * " msm", " dma", " /us", " CRO", " cro", "SYSE") in one of 8 buckets (a
 * bit of a byte); for each of the four positions two 16-entry tables
 * (pshufb) give the buckets whose byte there has the low and the high
 * nibble of the text's byte.  A position where the four positions'
 * buckets meet (AND) is a candidate, confirmed by comparing the needle
 * itself (hit_at()); a NUL is one compare.  AVX2 does 64 bytes a round
 * in two 32-byte halves, SSSE3 in four 16-byte quarters; plain SSE2 (no
 * pshufb) takes a blank followed by the first byte of a tag, "SYSE" and
 * NUL as its candidates.  The loops stop where a load would pass the end;
 * the rest is the scalar loop's, so no byte outside p[0..n) is read.
 */
#include <stdint.h>
#include <string.h>

#include "agent/parse/prefilter.h"
#include "agent/parse/syslog_parse.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

enum hit {
	HIT_NONE = 0,
	HIT_TAG,   /* a blank and the start of a known program's name */
	HIT_FORCE, /* "SYSERR(" or a NUL: the line is parsed */
};

#define SYSERR_LEN 7 /* "SYSERR(" */

/* starts_with - does p[0..m) start with lit (l bytes)? */
static inline int
starts_with(const char *p, size_t m, const char *lit, size_t l)
{
	return m >= l && memcmp(p, lit, l) == 0;
}

#define LIT(s) s, sizeof(s) - 1

/* tag_at - can a program name that program_class() knows start at t
 * (m bytes left)?  Its first bytes are one of the names it looks for. */
static int
tag_at(const char *t, size_t m)
{
	if (m < 3)
		return 0;
	switch (t[0]) {
	case 'p':
		return starts_with(t, m, LIT("postfix"));
	case 's':
		return starts_with(t, m, LIT("sendmail")) ||
		       starts_with(t, m, LIT("sm-")) ||
		       starts_with(t, m, LIT("ssmtp")) ||
		       starts_with(t, m, LIT("sSMTP"));
	case 'n':
		return starts_with(t, m, LIT("nullmailer"));
	case 'm':
		return starts_with(t, m, LIT("msmtp"));
	case 'd':
		return starts_with(t, m, LIT("dma"));
	case 'C':
		return starts_with(t, m, LIT("CRON"));
	case 'c':
		return starts_with(t, m, LIT("cron"));
	case '/':
		return starts_with(t, m, LIT("/usr/sbin/cron"));
	default:
		return 0;
	}
}

/* hit_at - is p[q] (p[0..n)) where a needle starts, and which kind? */
static inline enum hit
hit_at(const char *p, size_t q, size_t n)
{
	switch (p[q]) {
	case '\0':
		return HIT_FORCE;
	case 'S':
		return starts_with(p + q, n - q, LIT("SYSERR(")) ? HIT_FORCE
		                                                 : HIT_NONE;
	case ' ':
		return tag_at(p + q + 1, n - q - 1) ? HIT_TAG : HIT_NONE;
	default:
		return HIT_NONE;
	}
}

/* hit_scalar - the first hit at or after i in p[0..n) (*h its kind), or
 * n: every byte compared */
static size_t
hit_scalar(const char *p, size_t i, size_t n, enum hit *h)
{
	for (; i < n; i++) {
		char c = p[i];
		if ((c == ' ' || c == 'S' || c == '\0') &&
		    (*h = hit_at(p, i, n)) != HIT_NONE)
			return i;
	}
	return n;
}

#ifdef HAVE_X86
/* The fingerprints: the first four bytes of each needle and its bucket
 * (needles that share a bucket share the tables' bit: a few more
 * candidates, each confirmed by hit_at()). */
static const struct {
	char fp[4];
	unsigned char bucket;
} fingerprints[] = {
    {" pos", 0}, {" sen", 1}, {" sm-", 2}, {" ssm", 2}, {" sSM", 2},
    {" nul", 3}, {" msm", 3}, {" dma", 4}, {" /us", 4}, {" CRO", 5},
    {" cro", 6}, {"SYSE", 7},
};

/* The nibble tables, for position j: lo[j][x] has the bit of every
 * bucket with a needle whose byte j has the low nibble x, hi[j][x] the
 * same for the high nibble; each twice (the two lanes of AVX2). */
static struct {
	_Alignas(32) unsigned char lo[4][32];
	_Alignas(32) unsigned char hi[4][32];
} tab;

static void
tables_init(void)
{
	memset(&tab, 0, sizeof(tab));
	for (size_t k = 0; k < sizeof(fingerprints) / sizeof(fingerprints[0]);
	     k++) {
		unsigned char bit =
		    (unsigned char)(1u << fingerprints[k].bucket);
		for (int j = 0; j < 4; j++) {
			unsigned char b = (unsigned char)fingerprints[k].fp[j];
			for (int lane = 0; lane < 32; lane += 16) {
				tab.lo[j][lane + (b & 15)] |= bit;
				tab.hi[j][lane + (b >> 4)] |= bit;
			}
		}
	}
}

/*
 * The loop of the vector implementations over the candidate masks of
 * 64-byte rounds at p + c (ROUND(p + c, t) reads p[c..c+67); t: the
 * tables, loaded once); each candidate confirmed in order.
 */
#define HIT_LOOP(ROUND, T)                                                     \
	do {                                                                   \
		size_t c = i;                                                  \
		for (; c + 64 + 3 <= n; c += 64) {                             \
			for (uint64_t m = ROUND(p + c, T); m; m &= m - 1) {    \
				size_t q = c + (size_t)__builtin_ctzll(m);     \
				if ((*h = hit_at(p, q, n)) != HIT_NONE)        \
					return q;                              \
			}                                                      \
		}                                                              \
		return hit_scalar(p, c, n, h);                                 \
	} while (0)

/* sse2_16 - the candidates of p[0..16): a blank before a tag's first
 * byte, "SYSE", a NUL (reads p[0..19)) */
static inline unsigned
sse2_16(const char *p)
{
	const __m128i x0 = _mm_loadu_si128((const __m128i *)p);
	const __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 1));
	const __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 2));
	const __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 3));
#define LEAD(c) _mm_cmpeq_epi8(x1, _mm_set1_epi8(c))
	const __m128i lead = _mm_or_si128(
	    _mm_or_si128(_mm_or_si128(LEAD('p'), LEAD('s')),
	                 _mm_or_si128(LEAD('n'), LEAD('m'))),
	    _mm_or_si128(_mm_or_si128(LEAD('d'), LEAD('C')),
	                 _mm_or_si128(LEAD('c'), LEAD('/'))));
#undef LEAD
	__m128i t, s;

	t = _mm_and_si128(_mm_cmpeq_epi8(x0, _mm_set1_epi8(' ')), lead);
	s = _mm_and_si128(
	    _mm_and_si128(_mm_cmpeq_epi8(x0, _mm_set1_epi8('S')),
	                  _mm_cmpeq_epi8(x1, _mm_set1_epi8('Y'))),
	    _mm_and_si128(_mm_cmpeq_epi8(x2, _mm_set1_epi8('S')),
	                  _mm_cmpeq_epi8(x3, _mm_set1_epi8('E'))));
	t = _mm_or_si128(_mm_or_si128(t, s),
	                 _mm_cmpeq_epi8(x0, _mm_setzero_si128()));
	return (unsigned)_mm_movemask_epi8(t);
}

static inline uint64_t
round_sse2(const char *p, const void *unused)
{
	(void)unused;
	return (uint64_t)sse2_16(p) | (uint64_t)sse2_16(p + 16) << 16 |
	       (uint64_t)sse2_16(p + 32) << 32 |
	       (uint64_t)sse2_16(p + 48) << 48;
}

static size_t
hit_sse2(const char *p, size_t i, size_t n, enum hit *h)
{
	HIT_LOOP(round_sse2, NULL);
}

/* The tables in registers: lo[j], hi[j] for the four positions. */
struct tab128 {
	__m128i lo[4], hi[4];
};
struct tab256 {
	__m256i lo[4], hi[4];
};

/* the buckets of position j's bytes x (16 of them) */
#define BUCKETS128(t, j, x, nib)                                               \
	_mm_and_si128(                                                         \
	    _mm_shuffle_epi8((t)->lo[j], _mm_and_si128(x, nib)),               \
	    _mm_shuffle_epi8((t)->hi[j],                                       \
	                     _mm_and_si128(_mm_srli_epi16(x, 4), nib)))
#define BUCKETS256(t, j, x, nib)                                               \
	_mm256_and_si256(                                                      \
	    _mm256_shuffle_epi8((t)->lo[j], _mm256_and_si256(x, nib)),         \
	    _mm256_shuffle_epi8((t)->hi[j],                                    \
	                        _mm256_and_si256(_mm256_srli_epi16(x, 4), nib)))

/* ssse3_16 - the Teddy candidates of p[0..16) (reads p[0..19)) */
__attribute__((target("ssse3"), always_inline)) static inline unsigned
ssse3_16(const char *p, const struct tab128 *t)
{
	const __m128i nib = _mm_set1_epi8(15), z = _mm_setzero_si128();
	const __m128i x0 = _mm_loadu_si128((const __m128i *)p);
	const __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 1));
	const __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 2));
	const __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 3));
	const __m128i acc =
	    _mm_and_si128(_mm_and_si128(BUCKETS128(t, 0, x0, nib),
	                                BUCKETS128(t, 1, x1, nib)),
	                  _mm_and_si128(BUCKETS128(t, 2, x2, nib),
	                                BUCKETS128(t, 3, x3, nib)));

	return (~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(acc, z)) &
	        0xffffu) |
	       (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x0, z));
}

__attribute__((target("ssse3"), always_inline)) static inline uint64_t
round_ssse3(const char *p, const struct tab128 *t)
{
	return (uint64_t)ssse3_16(p, t) | (uint64_t)ssse3_16(p + 16, t) << 16 |
	       (uint64_t)ssse3_16(p + 32, t) << 32 |
	       (uint64_t)ssse3_16(p + 48, t) << 48;
}

__attribute__((target("ssse3"))) static size_t
hit_ssse3(const char *p, size_t i, size_t n, enum hit *h)
{
	struct tab128 t;

	for (int j = 0; j < 4; j++) {
		t.lo[j] = _mm_load_si128((const __m128i *)tab.lo[j]);
		t.hi[j] = _mm_load_si128((const __m128i *)tab.hi[j]);
	}
	HIT_LOOP(round_ssse3, &t);
}

/* avx2_32 - the Teddy candidates of p[0..32) (reads p[0..35)) */
__attribute__((target("avx2"), always_inline)) static inline uint32_t
avx2_32(const char *p, const struct tab256 *t)
{
	const __m256i nib = _mm256_set1_epi8(15), z = _mm256_setzero_si256();
	const __m256i x0 = _mm256_loadu_si256((const __m256i *)p);
	const __m256i x1 = _mm256_loadu_si256((const __m256i *)(p + 1));
	const __m256i x2 = _mm256_loadu_si256((const __m256i *)(p + 2));
	const __m256i x3 = _mm256_loadu_si256((const __m256i *)(p + 3));
	const __m256i acc =
	    _mm256_and_si256(_mm256_and_si256(BUCKETS256(t, 0, x0, nib),
	                                      BUCKETS256(t, 1, x1, nib)),
	                     _mm256_and_si256(BUCKETS256(t, 2, x2, nib),
	                                      BUCKETS256(t, 3, x3, nib)));

	return ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(acc, z)) |
	       (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x0, z));
}

__attribute__((target("avx2"), always_inline)) static inline uint64_t
round_avx2(const char *p, const struct tab256 *t)
{
	return (uint64_t)avx2_32(p, t) | (uint64_t)avx2_32(p + 32, t) << 32;
}

__attribute__((target("avx2"))) static size_t
hit_avx2(const char *p, size_t i, size_t n, enum hit *h)
{
	struct tab256 t;

	for (int j = 0; j < 4; j++) {
		t.lo[j] = _mm256_load_si256((const __m256i *)tab.lo[j]);
		t.hi[j] = _mm256_load_si256((const __m256i *)tab.hi[j]);
	}
	HIT_LOOP(round_avx2, &t);
}
#endif

/* line_end - the first '\n' in p[i..n), or n */
static size_t
line_end(const char *p, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n');

	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(p + i)), lf));
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	for (; i < n; i++)
		if (p[i] == '\n')
			return i;
	return n;
}

/* line_start - the byte after the last '\n' in p[from..i), or from */
static size_t
line_start(const char *p, size_t from, size_t i)
{
#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n');

	for (; i >= from + 16; i -= 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(p + i - 16)), lf));
		if (m)
			return i - 16 + (size_t)(31 - __builtin_clz(m)) + 1;
	}
#endif
	for (; i > from; i--)
		if (p[i - 1] == '\n')
			return i;
	return from;
}

static size_t (*impl)(const char *, size_t, size_t, enum hit *);
static const char *impl_name = "scalar";

/* forced_in - is there a "SYSERR(" or NUL in p[i..le)? */
static int
forced_in(const char *p, size_t i, size_t le)
{
	enum hit h = HIT_NONE;

	while ((i = impl(p, i, le, &h)) < le) {
		if (h == HIT_FORCE)
			return 1;
		i++;
	}
	return 0;
}

/* tag_judge - the class of a line by its tag alone (no NUL, no
 * "SYSERR(" in it) */
static enum pf_class
tag_judge(const char *p, size_t n)
{
	switch (sl_tag_class(p, n)) {
	case SL_TAG_MAIL:
		return PF_PARSE;
	case SL_TAG_CRON:
		return PF_CRON;
	default:
		return PF_SKIP;
	}
}

static void
choose(void)
{
	impl = hit_scalar;
	impl_name = "scalar";
#ifdef HAVE_X86
	tables_init();
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2")) {
		impl = hit_avx2;
		impl_name = "avx2";
	} else if (__builtin_cpu_supports("ssse3")) {
		impl = hit_ssse3;
		impl_name = "ssse3";
	} else if (__builtin_cpu_supports("sse2")) {
		impl = hit_sse2;
		impl_name = "sse2";
	}
#endif
}

size_t
prefilter_next(const char *p, size_t n, size_t max_line, size_t *end,
               enum pf_class *cls)
{
	size_t from = 0;

	if (impl == NULL)
		choose();
	while (from < n) {
		enum hit h = HIT_NONE;
		size_t q = impl(p, from, n, &h), ls, le;
		enum pf_class c = PF_PARSE;

		if (q >= n)
			break;
		ls = line_start(p, from, q);
		le = line_end(p, q, n);
		if (h == HIT_TAG) {
			c = tag_judge(p + ls,
			              le - ls < max_line ? le - ls : max_line);
			if (c != PF_PARSE && forced_in(p, q + 1, le))
				c = PF_PARSE;
		}
		if (c != PF_SKIP) {
			*end = le;
			*cls = c;
			return ls;
		}
		from = le + 1;
	}
	*end = n;
	*cls = PF_SKIP;
	return n;
}

int
prefilter_use(const char *name)
{
	if (impl == NULL)
		choose();
	if (strcmp(name, "scalar") == 0) {
		impl = hit_scalar;
		impl_name = "scalar";
		return 0;
	}
#ifdef HAVE_X86
	if (strcmp(name, "sse2") == 0 && __builtin_cpu_supports("sse2")) {
		impl = hit_sse2;
		impl_name = "sse2";
		return 0;
	}
	if (strcmp(name, "ssse3") == 0 && __builtin_cpu_supports("ssse3")) {
		impl = hit_ssse3;
		impl_name = "ssse3";
		return 0;
	}
	if (strcmp(name, "avx2") == 0 && __builtin_cpu_supports("avx2")) {
		impl = hit_avx2;
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
