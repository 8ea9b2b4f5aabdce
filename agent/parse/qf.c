/*
 * qf.c - sendmail qf control file parser (see qf.h and formats.md 1.4).
 *
 * One pass over the lines, no allocation: values are copied into the
 * fixed fields of struct qf_msg, cut at their size.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent/parse/qf.h"

/* Record types sendmail writes or still reads (legacy D E L G Y), as a
 * table by the line's first byte. */
#define T(c) [(unsigned char)(c)] = 1
static const unsigned char qf_known[256] = {
    T('V'), T('T'), T('K'), T('N'), T('P'), T('d'), T('I'), T('B'), T('q'),
    T('M'), T('F'), T('$'), T('S'), T('Z'), T('A'), T('!'), T('C'), T('Q'),
    T('r'), T('R'), T('H'), T('.'), T('D'), T('E'), T('L'), T('G'), T('Y'),
};
#undef T

void
qf_str_add(struct qf_str *f, const char *p, size_t n)
{
	size_t room = sizeof(f->s) - f->len;

	if (n > room) {
		n = room;
		f->cut = 1;
	}
	memcpy(f->s + f->len, p, n);
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
	memcpy(a->s, p, n);
	a->len = n;
}

/* num - a decimal number filling p[0..n) (blanks around allowed), or -1 */
static long long
num(const char *p, size_t n)
{
	long long v = 0;
	size_t i = 0, digits = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
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
 * From are kept, and take the continuation lines that follow. */
static void
rec_header(struct qf_pass *ps, const char *v, size_t n)
{
	struct qf_msg *m = ps->m;
	struct qf_str *dst = NULL;
	const char *c;
	size_t i = 0, colon, s;

	if (n > 0 && v[0] == '?') {
		const char *q = memchr(v + 1, '?', n - 1);
		if (q == NULL)
			return;
		i = (size_t)(q - v) + 1;
	}
	/* only Subject and From are kept: look no further at the others */
	if (i + 4 >= n || (v[i] | 0x20) != (v[i + 4] == ':' ? 'f' : 's'))
		return;
	if ((c = memchr(v + i, ':', n - i)) == NULL)
		return;
	colon = (size_t)(c - v);
	if (name_is(v + i, colon - i, "subject") && m->subject.len == 0)
		dst = &m->subject;
	else if (name_is(v + i, colon - i, "from") && m->from.len == 0)
		dst = &m->from;
	if (dst == NULL)
		return;
	s = colon + 1;
	s += skip_blanks(v + s, n - s);
	qf_str_set(dst, v + s, n - s);
	ps->cont = dst;
}

/* rec_record - one record of a known type t with value v[0..n). */
static void
rec_record(struct qf_pass *ps, char t, const char *v, size_t n)
{
	struct qf_msg *m = ps->m;
	long long ver;

	switch (t) {
	case 'V':
		ver = num(v, n);
		m->version = ver <= 0x7fff ? (int)ver : -1;
		break;
	case 'T':
		m->created = num(v, n);
		break;
	case 'K':
		m->last_try = num(v, n);
		break;
	case 'N':
		m->tries = num(v, n);
		break;
	case 'S':
		qf_addr_set(&m->sender, v, n);
		ps->seen_s = 1;
		break;
	case 'd':
		qf_str_set(&m->df_dir, v, n);
		break;
	case 'q':
		qf_str_set(&m->quarantine, v, n);
		break;
	case 'M':
		if (!ps->seen_s) {
			qf_str_set(&m->env_status, v, n);
		} else {
			ps->pend_m = v;
			ps->pend_n = n;
		}
		break;
	case 'R':
		rec_rcpt(ps, v, n);
		break;
	case 'H':
		rec_header(ps, v, n);
		break;
	case '.':
		if (n == 0)
			m->complete = 1;
		break;
	default:
		break;
	}
}

/* qf_line - one line p[0..le) (without its line end). */
static void
qf_line(struct qf_pass *ps, const char *p, const char *le)
{
	const char *v = p + 1;
	size_t n = le > v ? (size_t)(le - v) : 0;

	ps->m->nlines++;
	if (le == p) {
		/* an empty line is not a record */
		ps->m->nbad++;
		ps->cont = NULL;
	} else if (*p == ' ' || *p == '\t') {
		/* continuation: only H records have them */
		if (ps->cont)
			qf_str_add(ps->cont, p, (size_t)(le - p));
	} else if (!qf_known[(unsigned char)*p]) {
		ps->m->nbad++;
		ps->cont = NULL;
	} else {
		ps->nknown++;
		ps->cont = NULL;
		rec_record(ps, *p, v, n);
	}
}

/*
 * line_end - the first '\n' of p[0..end), or NULL.  Eight bytes a step,
 * inline: a qf line is about 25 bytes, and musl's memchr (the static
 * agent) goes a byte at a time to an 8-byte boundary and again inside
 * the word that holds the match (a fifth of the static agent's user time
 * on a full queue); glibc's is as fast.  The lowest byte flagged by the
 * zero-byte test is exact, so on a little-endian machine it is the first
 * newline.
 */
static const char *
line_end(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ULL, nl = ones * '\n';

	for (; end - p >= 8; p += 8) {
		uint64_t w, t;

		memcpy(&w, p, 8);
		w ^= nl;
		t = (w - ones) & ~w & (ones << 7);
		if (t != 0)
			return p + (__builtin_ctzll(t) >> 3);
	}
	for (; p < end; p++)
		if (*p == '\n')
			return p;
	return NULL;
#else
	return memchr(p, '\n', (size_t)(end - p));
#endif
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

int
qf_parse(const char *buf, size_t len, struct qf_msg *m, char *err,
         size_t errlen)
{
	const char *p = buf, *end = buf + len;
	struct qf_pass ps = {.m = m};

	qf_reset(m);
	m->version = -1;
	m->created = m->last_try = m->tries = -1;
	if (len == 0) {
		snprintf(err, errlen, "empty file");
		return -1;
	}
	while (p < end && !m->complete) {
		const char *nl = line_end(p, end);
		const char *le = nl ? nl : end;

		if (le > p && le[-1] == '\r')
			le--;
		qf_line(&ps, p, le);
		p = nl ? nl + 1 : end;
	}
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
