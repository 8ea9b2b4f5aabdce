/*
 * qf.c - sendmail qf control file parser (see qf.h and formats.md 1.4).
 *
 * One pass over the lines, no allocation: the line ends are found a
 * 64-byte block at a time (nl_scan), each line is classed by its first
 * byte, and only the records struct qf_msg keeps are read further; their
 * values are copied into its fixed fields, cut at their size.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "agent/parse/qf.h"
#include "common/copy_short.h"

/* What a line is, by its first byte (qf_action): bad (no record type,
 * also an empty line), a continuation line, a record sendmail writes or
 * still reads (legacy D E L G Y) that is not kept, or one of each type
 * struct qf_msg keeps.  Dense, so that a line costs one jump. */
enum qf_act {
	QA_BAD,
	QA_CONT,
	QA_KNOWN, /* from here on: known record types */
	QA_V,
	QA_T,
	QA_K,
	QA_N,
	QA_S,
	QA_DFDIR,
	QA_QUAR,
	QA_M,
	QA_R,
	QA_H,
	QA_END
};
#define K(c) [(unsigned char)(c)] = QA_KNOWN
static const unsigned char qf_action[256] = {
    [' '] = QA_CONT, ['\t'] = QA_CONT, ['V'] = QA_V, ['T'] = QA_T,
    ['K'] = QA_K,    ['N'] = QA_N,     ['S'] = QA_S, ['d'] = QA_DFDIR,
    ['q'] = QA_QUAR, ['M'] = QA_M,     ['R'] = QA_R, ['H'] = QA_H,
    ['.'] = QA_END,  K('P'),           K('I'),       K('B'),
    K('F'),          K('$'),           K('Z'),       K('A'),
    K('!'),          K('C'),           K('Q'),       K('r'),
    K('D'),          K('E'),           K('L'),       K('G'),
    K('Y'),
};
#undef K

void
qf_str_add(struct qf_str *f, const char *p, size_t n)
{
	size_t room = sizeof(f->s) - f->len;

	if (n > room) {
		n = room;
		f->cut = 1;
	}
	copy_short(f->s + f->len, p, n);
	f->len += n;
}

void
qf_str_set(struct qf_str *f, const char *p, size_t n)
{
	f->len = 0;
	f->cut = 0;
	qf_str_add(f, p, n);
}

void
qf_addr_set(struct qf_addr *a, const char *p, size_t n)
{
	if (n > sizeof(a->s))
		n = sizeof(a->s);
	copy_short(a->s, p, n);
	a->len = n;
}

/*
 * digits8 - the value of the eight bytes at p if they are all decimal
 * digits, else -1: one word test and three multiplies (a qf file's T
 * and K are ten digits, a digit a loop step cost a tenth of the parse).
 * Little-endian only: -1 elsewhere, where num goes a digit at a time.
 */
static inline long long
digits8(const char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t hi = 0xf0f0f0f0f0f0f0f0ULL;
	uint64_t w;

	memcpy(&w, p, 8);
	/* each byte 0x30..0x39: high nibble 3, and 3 again after +6 */
	if (((w & hi) | (((w + 0x0606060606060606ULL) & hi) >> 4)) !=
	    0x3333333333333333ULL)
		return -1;
	w -= 0x3030303030303030ULL;
	w = w * 10 + (w >> 8); /* pairs of digits, the first one low */
	w = (((w & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32))) +
	     (((w >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32)))) >>
	    32;
	return (long long)w;
#else
	(void)p;
	return -1;
#endif
}

/* num - a decimal number filling p[0..n) (blanks around allowed), or -1
 * (also past 922337203685477579 before a digit: as a digit at a time) */
static long long
num(const char *p, size_t n)
{
	long long v = 0, d8;
	size_t i = 0, digits = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	/* eight digits at a step while none of them could overflow */
	while (n - i >= 8 && v <= 92233720367LL && (d8 = digits8(p + i)) >= 0) {
		v = v * 100000000 + d8;
		i += 8;
		digits += 8;
	}
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++, digits++) {
		if (v > (0x7fffffffffffffffLL - 9) / 10)
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return (digits > 0 && i == n) ? v : -1;
}

static size_t
skip_blanks(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i;
}

/* name_is - whether p[0..n) is the lower-case ASCII name lc, in any
 * case (strncasecmp's locale lookup cost more than the compare) */
static int
name_is(const char *p, size_t n, const char *lc)
{
	size_t i = 0;

	for (; i < n && lc[i] != '\0'; i++)
		if ((p[i] | 0x20) != lc[i])
			return 0;
	return i == n && lc[i] == '\0';
}

/* The state of one pass over a qf file's lines. */
struct qf_pass {
	struct qf_msg *m;
	const char *pend_m; /* M waiting for its recipient */
	size_t pend_n;
	struct qf_str *cont; /* H field continuation lines go to */
	int seen_s;          /* an S record was seen (M is per recipient) */
	size_t nknown;       /* lines with a known record type */
};

/* rec_rcpt - R<flags>:<address>; old files have no flags.  A pending M
 * (after S) is this recipient's status. */
static void
rec_rcpt(struct qf_pass *ps, const char *v, size_t n)
{
	struct qf_msg *m = ps->m;
	size_t f = 0;

	while (f < n && v[f] >= 'A' && v[f] <= 'Z')
		f++;
	if (f < n && v[f] == ':')
		f++;
	else
		f = 0;
	if (m->nrcpt < QF_MAX_RCPT)
		qf_addr_set(&m->rcpt[m->nrcpt], v + f, n - f);
	m->nrcpt++;
	if (ps->pend_m && m->rcpt_status.len == 0)
		qf_str_set(&m->rcpt_status, ps->pend_m, ps->pend_n);
	ps->pend_m = NULL;
}

/* rec_header - H?cond?Name: value (old files: HName: v); Subject and
 * From are kept, the first of each with a value, and take the
 * continuation lines that follow.  The name is told by where its colon
 * would be (a byte each), then by its letters, in any case. */
static void
rec_header(struct qf_pass *ps, const char *v, size_t n)
{
	struct qf_msg *m = ps->m;
	struct qf_str *dst = NULL;
	size_t i = 0, s = 0;

	if (n > 0 && v[0] == '?') {
		for (i = 1; i < n && v[i] != '?'; i++)
			;
		if (i == n)
			return;
		i++;
	}
	if (n - i >= 5 && v[i + 4] == ':') {
		if (m->from.len == 0 && name_is(v + i, 4, "from"))
			dst = &m->from;
		s = i + 5;
	} else if (n - i >= 8 && v[i + 7] == ':') {
		if (m->subject.len == 0 && name_is(v + i, 7, "subject"))
			dst = &m->subject;
		s = i + 8;
	}
	if (dst == NULL)
		return;
	s += skip_blanks(v + s, n - s);
	qf_str_set(dst, v + s, n - s);
	ps->cont = dst;
}

/* line_value_end - the end of the line at p that ends at nl (NULL: at
 * end), without its '\r' (a file that went through a DOS editor); only
 * asked for a line whose first byte is neither */
static inline const char *
line_value_end(const char *p, const char *nl, const char *end)
{
	const char *le = nl ? nl : end;

	return le > p + 1 && le[-1] == '\r' ? le - 1 : le;
}

/* rec_line - the line at p of action a that ends at nl (NULL: at end;
 * one byte or more); 1 when it is the final ".".  Where the line's value
 * ends ('\r' and '\n' not in it) is only worked out for a line that is
 * read. */
static inline int
rec_line(struct qf_pass *ps, unsigned a, const char *p, const char *nl,
         const char *end)
{
	struct qf_msg *m = ps->m;
	const char *v = p + 1;
	size_t n;
	long long ver;

	if (a <= QA_KNOWN ||
	    (a == QA_H && m->subject.len != 0 && m->from.len != 0)) {
		/* not read: most records are headers, and once Subject
		 * and From are kept the others are not looked at */
		if (a != QA_CONT || ps->cont == NULL) {
			ps->cont = NULL;
			return 0;
		}
	}
	n = (size_t)(line_value_end(p, nl, end) - v);
	switch (a) {
	case QA_CONT:
		/* continuation: only H records have them */
		qf_str_add(ps->cont, p, n + 1);
		return 0;
	case QA_H:
		ps->cont = NULL;
		rec_header(ps, v, n);
		return 0;
	case QA_V:
		ver = num(v, n);
		m->version = ver <= 0x7fff ? (int)ver : -1;
		break;
	case QA_T:
		m->created = num(v, n);
		break;
	case QA_K:
		m->last_try = num(v, n);
		break;
	case QA_N:
		m->tries = num(v, n);
		break;
	case QA_S:
		qf_addr_set(&m->sender, v, n);
		ps->seen_s = 1;
		break;
	case QA_DFDIR:
		qf_str_set(&m->df_dir, v, n);
		break;
	case QA_QUAR:
		qf_str_set(&m->quarantine, v, n);
		break;
	case QA_M:
		if (!ps->seen_s) {
			qf_str_set(&m->env_status, v, n);
		} else {
			ps->pend_m = v;
			ps->pend_n = n;
		}
		break;
	case QA_R:
		rec_rcpt(ps, v, n);
		break;
	case QA_END:
		if (n == 0)
			return 1;
		break;
	default: /* bad, or a record not kept */
		break;
	}
	ps->cont = NULL;
	return 0;
}

/*
 * The lines of a buffer, found a 64-byte block at a time: nl_mask
 * gives a bit for every '\n' of a block (SSE2; elsewhere eight bytes a
 * step, exact), nl_next takes them in order.  A qf line is about 25
 * bytes: one mask serves two or three lines, and no line ends in a
 * loop of its own (the branch at each line end it took was most of the
 * parse on a full queue).
 */
#define NL_BLOCK 64
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define NL_BE 1
#else
#define NL_BE 0
#endif

struct nl_scan {
	const char *buf;
	size_t len, off; /* off: the block the mask is of */
	uint64_t mask;   /* its newlines not taken yet */
};

/* nl_mask64 - the newlines of the 64 bytes at p */
static inline uint64_t
nl_mask64(const char *p)
{
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');
	__m128i b0 = _mm_loadu_si128((const __m128i *)p);
	__m128i b1 = _mm_loadu_si128((const __m128i *)(p + 16));
	__m128i b2 = _mm_loadu_si128((const __m128i *)(p + 32));
	__m128i b3 = _mm_loadu_si128((const __m128i *)(p + 48));
	uint64_t m0 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b0, nl));
	uint64_t m1 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b1, nl));
	uint64_t m2 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b2, nl));
	uint64_t m3 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b3, nl));

	return m0 | m1 << 16 | m2 << 32 | m3 << 48;
#else
	const uint64_t ones = 0x0101010101010101ULL, low7 = ones * 0x7f;
	uint64_t mask = 0;

	for (int k = 0; k < NL_BLOCK / 8; k++) {
		uint64_t w, hi, bits = 0;

		memcpy(&w, p + 8 * k, 8);
		w ^= ones * '\n';
		/* the high bit of each byte that is zero, and only those */
		hi = ~(((w & low7) + low7) | w | low7);
		/* byte b of w is byte b of p on a little-endian machine,
		 * byte 7 - b on a big-endian one */
		for (int b = 0; b < 8; b++)
			bits |= ((hi >> (8 * b + 7)) & 1)
			        << (NL_BE ? 7 - b : b);
		mask |= bits << (8 * k);
	}
	return mask;
#endif
}

/* nl_mask - the newlines of the block at off: the last one (fewer than
 * 64 bytes) as the end of the buffer's last 64 bytes, or padded when
 * the buffer is shorter; never read past the buffer */
static inline uint64_t
nl_mask(const char *buf, size_t len, size_t off)
{
	size_t avail = len - off;
	char tail[NL_BLOCK];

	if (avail >= NL_BLOCK)
		return nl_mask64(buf + off);
	if (len >= NL_BLOCK)
		return nl_mask64(buf + len - NL_BLOCK) >> (NL_BLOCK - avail);
	memset(tail, 0, sizeof(tail));
	memcpy(tail, buf, len);
	return nl_mask64(tail);
}

static void
nl_init(struct nl_scan *s, const char *buf, size_t len)
{
	s->buf = buf;
	s->len = len;
	s->off = 0;
	s->mask = nl_mask(buf, len, 0);
}

/* nl_next - the next '\n' of the buffer, or NULL */
static inline const char *
nl_next(struct nl_scan *s)
{
	const char *nl;

	while (s->mask == 0) {
		s->off += NL_BLOCK;
		if (s->off >= s->len)
			return NULL;
		s->mask = nl_mask(s->buf, s->len, s->off);
	}
	nl = s->buf + s->off + __builtin_ctzll(s->mask);
	s->mask &= s->mask - 1;
	return nl;
}

/* qf_reset - m emptied: every count and length 0 (the value bytes past
 * a length are never read, so they are not cleared: a qf_msg is 9 KiB) */
static void
qf_reset(struct qf_msg *m)
{
	struct qf_str *f[] = {&m->subject,     &m->from,       &m->env_status,
	                      &m->rcpt_status, &m->quarantine, &m->df_dir};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		f[i]->len = 0, f[i]->cut = 0;
	m->sender.len = 0;
	m->nrcpt = m->nlines = m->nbad = 0;
	m->complete = 0;
}

/*
 * qf_lines - every line of buf[0..len), up to the final ".": counted and
 * classed by its first byte (qf_action), the continuation lines of a kept
 * header added to it, the records of a kept type parsed.
 */
static void
qf_lines(struct qf_pass *ps, const char *buf, size_t len)
{
	struct qf_msg *m = ps->m;
	const char *p = buf, *end = buf + len;
	size_t nlines = 0, nbad = 0, nknown = 0; /* kept in registers */
	struct nl_scan s;

	nl_init(&s, buf, len);
	while (p < end) {
		unsigned a = qf_action[(unsigned char)*p];
		const char *nl = nl_next(&s);

		/* an empty line (its first byte '\n', or '\r' before it)
		 * is a bad one: no table entry */
		nlines++;
		nbad += a == QA_BAD;
		nknown += a >= QA_KNOWN;
		if (rec_line(ps, a, p, nl, end)) {
			m->complete = 1;
			break;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	m->nlines = nlines;
	m->nbad = nbad;
	ps->nknown = nknown;
}

int
qf_parse(const char *buf, size_t len, struct qf_msg *m, char *err,
         size_t errlen)
{
	struct qf_pass ps = {.m = m};

	qf_reset(m);
	m->version = -1;
	m->created = m->last_try = m->tries = -1;
	if (len == 0) {
		snprintf(err, errlen, "empty file");
		return -1;
	}
	qf_lines(&ps, buf, len);
	if (m->created < 0 && m->nrcpt == 0 && m->sender.len == 0) {
		snprintf(err, errlen,
		         "not a qf file: no T, S or R record in %zu lines",
		         m->nlines);
		return -1;
	}
	if (m->nbad > ps.nknown) {
		snprintf(
		    err, errlen,
		    "not a qf file: %zu of %zu lines have no known record type",
		    m->nbad, m->nlines);
		return -1;
	}
	return 0;
}

const struct qf_str *
qf_status(const struct qf_msg *m)
{
	return m->rcpt_status.len > 0 ? &m->rcpt_status : &m->env_status;
}
