/*
 * exim_spool.c - Exim -H and -D spool file parser (see exim_spool.h).
 *
 * One pass over the bytes with memchr, no allocation: the envelope part
 * is lines, the header part is length-prefixed records that may hold
 * newlines of their own.  A real header record (Exim 4.96):
 *
 *   052  Subject: Cron <root@host1> /usr/local/bin/backup.sh
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent/parse/exim_spool.h"

#define EXIM_MAX_RCPT_COUNT 16384 /* Exim's own sanity bound */

struct cursor {
	const char *p, *end;
};

/* next_line - the next line (without its "\n") in *l, *n; 0, or -1 at the
 * end of the buffer. */
static int
next_line(struct cursor *c, const char **l, size_t *n)
{
	const char *nl;

	if (c->p >= c->end)
		return -1;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	*l = c->p;
	*n = (size_t)((nl ? nl : c->end) - c->p);
	c->p = nl ? nl + 1 : c->end;
	return 0;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_b62(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* number - the decimal number at p (at most n bytes); its end in *stop.
 * -1 when there is no digit or it overflows. */
static long long
number(const char *p, size_t n, size_t *stop)
{
	long long v = 0;
	size_t i = 0;

	*stop = 0;
	for (; i < n && is_digit(p[i]); i++) {
		if (v > (0x7fffffffffffffffLL - 9) / 10)
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*stop = i;
	return i > 0 ? v : -1;
}

/* whole_number - a number that fills p[0..n) exactly, or -1 */
static long long
whole_number(const char *p, size_t n)
{
	size_t stop;
	long long v = number(p, n, &stop);
	return stop == n ? v : -1;
}

static void
addr_set(struct qf_addr *a, const char *p, size_t n)
{
	if (n > sizeof(a->s))
		n = sizeof(a->s);
	memcpy(a->s, p, n);
	a->len = n;
}

static int
runs_b62(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_b62(p[i]))
			return 0;
	return 1;
}

int
exim_id_valid(const char *p, size_t n)
{
	if (n == 16)
		return p[6] == '-' && p[13] == '-' && runs_b62(p, 6) &&
		       runs_b62(p + 7, 6) && runs_b62(p + 14, 2);
	if (n == 23)
		return p[6] == '-' && p[18] == '-' && runs_b62(p, 6) &&
		       runs_b62(p + 7, 11) && runs_b62(p + 19, 4);
	return 0;
}

enum exim_file
exim_file_kind(const char *name, size_t n, size_t *idlen)
{
	size_t id = n >= 2 ? n - 2 : 0;

	if (n < 2 || name[id] != '-' || !exim_id_valid(name, id))
		return EXIM_FILE_OTHER;
	if (idlen)
		*idlen = id;
	switch (name[n - 1]) {
	case 'H':
		return EXIM_FILE_H;
	case 'D':
		return EXIM_FILE_D;
	case 'J':
		return EXIM_FILE_J;
	case 'T':
		return EXIM_FILE_T;
	default:
		return EXIM_FILE_OTHER;
	}
}

/* name_line - whether l[0..n) is "ID-<kind>" with a valid id; the id's
 * length in *idlen. */
static int
name_line(const char *l, size_t n, char kind, size_t *idlen)
{
	if (n < 3 || l[n - 1] != kind || l[n - 2] != '-' ||
	    !exim_id_valid(l, n - 2))
		return 0;
	*idlen = n - 2;
	return 1;
}

/* option - one "-name [value]" line (the leading "-" removed) */
static void
option(struct exim_msg *m, const char *v, size_t n)
{
	const char *sp = memchr(v, ' ', n);
	size_t kn = sp ? (size_t)(sp - v) : n;
	const char *val = sp ? sp + 1 : v + n;
	size_t vn = (size_t)(v + n - val);

#define IS(lit) (kn == sizeof(lit) - 1 && memcmp(v, lit, kn) == 0)
	if (IS("frozen"))
		m->frozen_since = whole_number(val, vn) >= 0
		                      ? whole_number(val, vn)
		                      : 0; /* frozen, time unreadable */
	else if (IS("manual_thaw"))
		m->manual_thaw = 1;
	else if (IS("local"))
		m->local = 1;
	else if (IS("body_linecount"))
		m->body_lines = whole_number(val, vn);
#undef IS
}

/*
 * rcpt_address - the address part of a recipient line.  Exim 4 appends
 * "<orcpt> <len>,<dsn flags> <errors_to> <len>,<pno>#<bits>" (read from
 * the right, each part only when its bit is set), older ones " <pno>" or
 * " <n>,<pno>,<n>".  Returns the address length (0: no sane address).
 */
static size_t
rcpt_address(const char *l, size_t n)
{
	size_t e = n, i;

	while (e > 0 && is_digit(l[e - 1]))
		e--;
	if (e == n || e == 0)
		return n; /* no trailing number: the whole line */
	if (l[e - 1] == '#') {
		long long bits = whole_number(l + e, n - e);
		e--; /* at the '#' */
		for (int part = 1; part <= 2; part++) {
			size_t s, stop;
			long long len;
			if (!(bits & part))
				continue;
			s = e;
			while (s > 0 && (is_digit(l[s - 1]) ||
			                 l[s - 1] == ',' || l[s - 1] == '-'))
				s--;
			len = number(l + s, e - s, &stop);
			/* l[s-1] is the blank before "len,"; the value
			 * (len bytes) and one more blank come before it */
			if (len < 0 || s == 0 || l[s - 1] != ' ' ||
			    (size_t)len + 1 > s - 1)
				return 0;
			e = s - 1 - (size_t)len;
			if (e == 0 || l[e - 1] != ' ')
				return 0;
			e--;
		}
		return e;
	}
	/* early Exim 4 " <pno>", Exim 3 " <n>,<pno>,<n>" */
	i = e;
	while (i > 0 && (is_digit(l[i - 1]) || l[i - 1] == ','))
		i--;
	if (i > 0 && l[i - 1] == ' ')
		return i - 1;
	return n;
}

/* tree_node - one "YN address" line of the non-recipients tree; 0 or -1 */
static int
tree_node(const char *l, size_t n, int *left, int *right)
{
	if (n < 3 || (l[0] != 'Y' && l[0] != 'N') ||
	    (l[1] != 'Y' && l[1] != 'N') || l[2] != ' ')
		return -1;
	*left = l[0] == 'Y';
	*right = l[1] == 'Y';
	return 0;
}

/* header - one header record; sets subject/from from the text */
static void
header(struct exim_msg *m, char flag, const char *t, size_t n)
{
	struct qf_str *dst = NULL;
	size_t s;

	if (flag == '*')
		return; /* deleted or rewritten: not sent */
	if (n >= 8 && strncasecmp(t, "Subject:", 8) == 0 &&
	    m->subject.len == 0) {
		dst = &m->subject;
		s = 8;
	} else if (n >= 5 && strncasecmp(t, "From:", 5) == 0 &&
	           m->from.len == 0) {
		dst = &m->from;
		s = 5;
	} else {
		return;
	}
	while (s < n && (t[s] == ' ' || t[s] == '\t'))
		s++;
	dst->len = 0;
	dst->cut = 0;
	for (; s < n; s++) {
		if (t[s] == '\n' || t[s] == '\r')
			continue; /* unfold: the blank after it stays */
		if (dst->len == sizeof(dst->s)) {
			dst->cut = 1;
			break;
		}
		dst->s[dst->len++] = t[s];
	}
}

/* headers - the length-prefixed records after the empty line */
static void
headers(struct exim_msg *m, struct cursor *c)
{
	while (c->p < c->end) {
		size_t left = (size_t)(c->end - c->p), stop;
		long long len = number(c->p, left < 12 ? left : 12, &stop);
		char flag;

		/* NNN, the flag, one blank, then len bytes of text */
		if (len < 0 || stop + 2 > left || c->p[stop + 1] != ' ')
			return;
		flag = c->p[stop];
		c->p += stop + 2;
		if ((unsigned long long)len > (size_t)(c->end - c->p))
			return;
		header(m, flag, c->p, (size_t)len);
		if (flag != '*')
			m->hdr_size += len;
		m->nheaders++;
		c->p += len;
	}
	m->complete = 1;
}

static int
bad(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "not an Exim -H file: %s", why);
	return -1;
}

int
exim_hdr_parse(const char *buf, size_t len, struct exim_msg *m, char *err,
               size_t errlen)
{
	struct cursor c = {buf, buf + len};
	const char *l, *sp;
	size_t n, idlen, stop, pending, i;
	/* delivered addresses kept for comparison: spans into buf */
	const char *dp[EXIM_TREE_KEEP];
	size_t dn[EXIM_TREE_KEEP], nkept = 0;
	long long v, count;

	memset(m, 0, sizeof(*m));
	m->uid = m->gid = m->received = m->frozen_since = m->body_lines = -1;
	if (len == 0)
		return bad(err, errlen, "empty file");
	if (next_line(&c, &l, &n) < 0 || !name_line(l, n, 'H', &idlen))
		return bad(err, errlen, "the first line is not ID-H");
	memcpy(m->id, l, idlen);
	m->id[idlen] = '\0';

	/* login uid gid (the login may hold blanks: numbers from the end) */
	if (next_line(&c, &l, &n) < 0)
		return bad(err, errlen, "no caller line");
	sp = n > 0 ? memrchr(l, ' ', n) : NULL;
	if (sp) {
		const char *sp2 =
		    sp > l ? memrchr(l, ' ', (size_t)(sp - l)) : NULL;
		m->gid = whole_number(sp + 1, (size_t)(l + n - sp - 1));
		if (sp2) {
			m->uid = whole_number(sp2 + 1, (size_t)(sp - sp2 - 1));
			addr_set(&m->login, l, (size_t)(sp2 - l));
		}
	}
	if (m->uid < 0 || m->gid < 0)
		return bad(err, errlen,
		           "the caller line is not 'login uid gid'");

	if (next_line(&c, &l, &n) < 0 || n < 2 || l[0] != '<' ||
	    l[n - 1] != '>')
		return bad(err, errlen, "the sender line is not <address>");
	addr_set(&m->sender, l + 1, n - 2);
	m->bounce = n == 2;

	if (next_line(&c, &l, &n) < 0 || (v = number(l, n, &stop)) < 0 ||
	    stop >= n || l[stop] != ' ')
		return bad(err, errlen, "no 'time warnings' line");
	m->received = v;
	m->warnings = whole_number(l + stop + 1, n - stop - 1);
	if (m->warnings < 0)
		return bad(err, errlen, "no 'time warnings' line");

	/* options, up to the tree */
	for (;;) {
		if (next_line(&c, &l, &n) < 0)
			return bad(err, errlen, "it ends in the options");
		if (n == 0 || l[0] != '-')
			break;
		option(m, l + 1, n - 1);
	}

	/* the non-recipients tree: each node says how many follow it */
	if (!(n == 2 && l[0] == 'X' && l[1] == 'X')) {
		pending = 1;
		for (;;) {
			int left, right;
			if (tree_node(l, n, &left, &right) < 0)
				return bad(err, errlen,
				           "a broken non-recipients tree");
			if (nkept < EXIM_TREE_KEEP) {
				dp[nkept] = l + 3;
				dn[nkept++] = n - 3;
			}
			m->ndelivered++;
			pending = pending - 1 + (size_t)left + (size_t)right;
			if (pending == 0)
				break;
			if (next_line(&c, &l, &n) < 0)
				return bad(
				    err, errlen,
				    "it ends in the non-recipients tree");
		}
	}

	if (next_line(&c, &l, &n) < 0 || (count = whole_number(l, n)) < 0 ||
	    count > EXIM_MAX_RCPT_COUNT)
		return bad(err, errlen, "no recipient count");
	m->nrcpt = (size_t)count;
	for (i = 0; i < m->nrcpt; i++) {
		size_t an;
		int done = 0;
		if (next_line(&c, &l, &n) < 0 || n == 0)
			return bad(err, errlen,
			           "fewer recipients than counted");
		an = rcpt_address(l, n);
		if (an == 0)
			return bad(err, errlen, "a broken recipient line");
		for (size_t k = 0; k < nkept && !done; k++)
			done = dn[k] == an && memcmp(dp[k], l, an) == 0;
		if (!done)
			m->npending++;
		if (i < QF_MAX_RCPT) {
			addr_set(&m->rcpt[i].addr, l, an);
			m->rcpt[i].delivered = done;
		}
	}
	if (next_line(&c, &l, &n) < 0 || n != 0)
		return bad(err, errlen, "no empty line after the recipients");
	headers(m, &c);
	return 0;
}

long long
exim_data_start(const char *buf, size_t len, const char *id)
{
	const char *nl = memchr(buf, '\n', len);
	size_t idlen;

	if (nl == NULL || !name_line(buf, (size_t)(nl - buf), 'D', &idlen))
		return -1;
	if (id && (strlen(id) != idlen || memcmp(buf, id, idlen) != 0))
		return -1;
	return (long long)(nl - buf) + 1;
}

long long
exim_msg_size(const struct exim_msg *m, long long dsize)
{
	long long first = (long long)strlen(m->id) + 3; /* "ID-D\n" */

	if (dsize < first)
		return -1;
	return m->hdr_size + 1 + (dsize - first);
}
