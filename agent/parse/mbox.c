/*
 * mbox.c - streaming mbox parser (see mbox.h for the rules it follows).
 *
 * The buffer holds [base, base + have) of the file; pos is the parse
 * position.  Headers are taken line by line (memfind_byte()); bodies
 * are skipped with memfind_lit() for "\nFrom ", so the cost per body
 * byte is that of the search; header values are copied with
 * copy_short().  A refill keeps up to 8 bytes before pos so that the
 * "empty line before From" test can look behind a buffer boundary.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "agent/parse/cronmail.h"
#include "agent/parse/mbox.h"
#include "common/copy_short.h"
#include "common/memfind.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

#define LOOKBEHIND 8

enum mbox_state { ST_FROM, ST_HDR, ST_BODY, ST_JUNK };
enum mbox_field { F_NONE, F_SUBJECT, F_FROM, F_DATE };

struct scan {
	int fd;
	char *buf;
	size_t have, pos;
	long long base; /* file offset of buf[0] */
	long long end;
	int eof;
	enum mbox_state st;
	enum mbox_field cont; /* field a continuation line extends */
	int in_msg;
	int cl_checked, cl_ok;
	char from_line[MBOX_DATE]; /* parsed only if there is no Date: */
	size_t from_line_len;
	long long junk_start;
	struct mbox_msg m;
	char *err;
	size_t errlen;
	int settled; /* mbox_scan's arguments */
	const struct mbox_budget *budget;
	unsigned long reads; /* preads of the scan so far */
	int timed_out;
	mbox_msg_fn fn;
	void *arg;
	struct mbox_result *res;
};

/* ---------------------------------------------------------------- dates */

/* month_of - 0-based month of a token (any case), or -1. */
static int
month_of(const char *p, size_t n)
{
	return n == 3 ? month_from_abbr(p, 1) - 1 : -1;
}

/* next_token - the next run of non-blank, non-comma bytes after *i. */
static int
next_token(const char *s, size_t n, size_t *i, const char **tok, size_t *tl)
{
	while (*i < n && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == ',' ||
	                  s[*i] == '\r' || s[*i] == '\n'))
		(*i)++;
	if (*i >= n)
		return 0;
	*tok = s + *i;
	while (*i < n && s[*i] != ' ' && s[*i] != '\t' && s[*i] != ',' &&
	       s[*i] != '\r' && s[*i] != '\n')
		(*i)++;
	*tl = (size_t)(s + *i - *tok);
	return 1;
}

static int
tok_num(const char *t, size_t n, int *out)
{
	int v;

	if (n == 0 || n > 4 || (v = time_digits(t, n)) < 0)
		return -1;
	*out = v;
	return 0;
}

/* hms - "HH:MM" or "HH:MM:SS" */
static int
hms(const char *t, size_t n, struct tm *tm)
{
	int h, mi, se = 0;

	if (n == 5 && t[2] == ':') {
		if (tok_num(t, 2, &h) || tok_num(t + 3, 2, &mi))
			return -1;
	} else if (n == 8 && t[2] == ':' && t[5] == ':') {
		if (tok_num(t, 2, &h) || tok_num(t + 3, 2, &mi) ||
		    tok_num(t + 6, 2, &se))
			return -1;
	} else {
		return -1;
	}
	if (h > 23 || mi > 59 || se > 60)
		return -1;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = se;
	return 0;
}

static time_t
make_utc(struct tm *tm, int year)
{
	if (year < 70 && year >= 0)
		year += 2000;
	else if (year < 100)
		year += 1900;
	if (year < 1970 || year > 9999 || tm->tm_mday < 1 || tm->tm_mday > 31)
		return -1;
	return (time_t)(days_from_civil(year, (unsigned)tm->tm_mon + 1,
	                                (unsigned)tm->tm_mday) *
	                    86400 +
	                tm->tm_hour * 3600 + tm->tm_min * 60 + tm->tm_sec);
}

/* zone_offset - seconds east of UTC for a zone token, 0 if unknown. */
static long
zone_offset(const char *t, size_t n)
{
	static const struct {
		const char *name;
		int hours;
	} zones[] = {{"GMT", 0},  {"UT", 0},   {"UTC", 0},  {"Z", 0},
	             {"EST", -5}, {"EDT", -4}, {"CST", -6}, {"CDT", -5},
	             {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};

	if (n == 5 && (t[0] == '+' || t[0] == '-')) {
		int hh, mm;
		if (tok_num(t + 1, 2, &hh) || tok_num(t + 3, 2, &mm) ||
		    hh > 23 || mm > 59)
			return 0;
		return (t[0] == '-' ? -1 : 1) * (hh * 3600L + mm * 60L);
	}
	if (n > 3)
		return 0;
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if ((zones[i].name[0] | 0x20) == (t[0] | 0x20) &&
		    strlen(zones[i].name) == n &&
		    strncasecmp(zones[i].name, t, n) == 0)
			return zones[i].hours * 3600L;
	return 0;
}

time_t
mbox_date_rfc2822(const char *s, size_t n)
{
	struct tm tm;
	const char *t;
	size_t i = 0, tl;
	int day, year, mon;
	time_t r;

	memset(&tm, 0, sizeof(tm));
	if (!next_token(s, n, &i, &t, &tl))
		return -1;
	if (tl == 3 && t[0] >= 'A' && !(t[0] >= '0' && t[0] <= '9') &&
	    !next_token(s, n, &i, &t, &tl)) /* weekday */
		return -1;
	if (tok_num(t, tl, &day) || day < 1 || day > 31)
		return -1;
	tm.tm_mday = day;
	if (!next_token(s, n, &i, &t, &tl) || (mon = month_of(t, tl)) < 0)
		return -1;
	tm.tm_mon = mon;
	if (!next_token(s, n, &i, &t, &tl) || tok_num(t, tl, &year))
		return -1;
	if (!next_token(s, n, &i, &t, &tl) || hms(t, tl, &tm))
		return -1;
	if ((r = make_utc(&tm, year)) == -1)
		return -1;
	if (next_token(s, n, &i, &t, &tl))
		r -= zone_offset(t, tl);
	return r;
}

time_t
mbox_date_from_line(const char *s, size_t n)
{
	const char *t;
	size_t i = 0, tl;

	/* find "Mon DD HH:MM[:SS] [zone] YYYY" anywhere after the sender */
	while (next_token(s, n, &i, &t, &tl)) {
		struct tm tm;
		size_t j = i;
		const char *u;
		size_t ul;
		int mon = month_of(t, tl), day, year;

		if (mon < 0)
			continue;
		memset(&tm, 0, sizeof(tm));
		tm.tm_mon = mon;
		if (!next_token(s, n, &j, &u, &ul) || tok_num(u, ul, &day))
			continue;
		tm.tm_mday = day;
		if (!next_token(s, n, &j, &u, &ul) || hms(u, ul, &tm))
			continue;
		if (!next_token(s, n, &j, &u, &ul))
			continue;
		if (tok_num(u, ul, &year) || ul != 4) {
			/* a zone between time and year */
			if (!next_token(s, n, &j, &u, &ul) ||
			    tok_num(u, ul, &year) || ul != 4)
				continue;
		}
		return make_utc(&tm, year);
	}
	return -1;
}

/* ---------------------------------------------------------------- buffer */

/* refill - read more of the range; >0 bytes read, 0 at the end of the
 * range or when the buffer has no room, -1 on error (err set). */
static int
refill(struct scan *s)
{
	size_t keep = s->pos < LOOKBEHIND ? s->pos : LOOKBEHIND;
	size_t drop = s->pos - keep, room;
	long long want;
	ssize_t r;

	if (drop > 0) {
		memmove(s->buf, s->buf + drop, s->have - drop);
		s->base += (long long)drop;
		s->have -= drop;
		s->pos -= drop;
	}
	want = s->end - (s->base + (long long)s->have);
	if (want <= 0) {
		s->eof = 1;
		return 0;
	}
	room = MBOX_BUF - s->have;
	if (room == 0)
		return 0;
	if ((long long)room > want)
		room = (size_t)want;
	/* the time budget, asked once per read (after the first) */
	if (s->reads++ > 0 && s->budget != NULL && s->budget->deadline_ms > 0 &&
	    s->budget->clock_ms() >= s->budget->deadline_ms) {
		s->timed_out = 1;
		snprintf(s->err, s->errlen,
		         "time budget used up at offset %lld",
		         s->base + (long long)s->have);
		return -1;
	}
	do
		r = pread(s->fd, s->buf + s->have, room,
		          (off_t)(s->base + (long long)s->have));
	while (r == -1 && errno == EINTR);
	if (r < 0) {
		snprintf(s->err, s->errlen, "read at offset %lld: %s",
		         s->base + (long long)s->have, strerror(errno));
		return -1;
	}
	if (r == 0) {
		/* the file shrank under us: end of what can be read */
		s->end = s->base + (long long)s->have;
		s->eof = 1;
		return 0;
	}
	s->have += (size_t)r;
	return 1;
}

enum line_kind { L_ERR = -1, L_NONE, L_FULL, L_LONG, L_LAST };

/*
 * get_line - the line at pos: L_FULL (ends with \n, not counted in *n),
 * L_LONG (no \n within a full buffer: *n is the prefix), L_LAST (bytes
 * at the end of the range without \n), L_NONE (nothing left).
 */
static enum line_kind
get_line(struct scan *s, const char **p, size_t *n)
{
	for (;;) {
		const char *nl =
		    memfind_byte(s->buf + s->pos, s->have - s->pos, '\n');
		int r;

		if (nl) {
			*p = s->buf + s->pos;
			*n = (size_t)(nl - *p);
			return L_FULL;
		}
		if (!s->eof) {
			if ((r = refill(s)) < 0)
				return L_ERR;
			if (r > 0)
				continue;
			if (!s->eof) {
				*p = s->buf + s->pos;
				*n = s->have - s->pos;
				return L_LONG;
			}
		}
		if (s->have > s->pos) {
			*p = s->buf + s->pos;
			*n = s->have - s->pos;
			return L_LAST;
		}
		return L_NONE;
	}
}

/* skip_line - move pos past the next \n (or to the end); -1 on error. */
static int
skip_line(struct scan *s)
{
	for (;;) {
		const char *nl =
		    memfind_byte(s->buf + s->pos, s->have - s->pos, '\n');
		int r;

		if (nl) {
			s->pos = (size_t)(nl - s->buf) + 1;
			return 0;
		}
		s->pos = s->have;
		if ((r = refill(s)) < 0)
			return -1;
		if (r == 0 && s->eof)
			return 0;
	}
}

/* ---------------------------------------------------------------- messages */

static void
field_add(char *dst, size_t *len, size_t size, const char *p, size_t n)
{
	if (n > size - *len)
		n = size - *len;
	copy_short(dst + *len, p, n); /* per message: no "rep movsq" */
	*len += n;
}

static void
msg_begin(struct scan *s, const char *line, size_t n)
{
	struct mbox_msg *m = &s->m;

	/* no memset: this runs once per message on multi-GiB mailboxes */
	m->start = s->base + (long long)s->pos;
	m->len = 0;
	m->ts = -1;
	m->seen_read = m->seen_old = m->cron_env = m->auto_submitted = 0;
	m->cron_user[0] = '\0';
	m->subject_len = m->from_len = m->date_len = 0;
	m->content_length = -1;
	m->body_start = -1;
	m->cut_lines = 0;
	s->from_line_len = n < sizeof(s->from_line) ? n : sizeof(s->from_line);
	copy_short(s->from_line, line, s->from_line_len); /* see field_add */
	s->in_msg = 1;
	s->cont = F_NONE;
	s->cl_checked = s->cl_ok = 0;
}

/* unquote - drop one '>' from lines that read ">+From " (mboxo/rd). */
static size_t
unquote(char *p, size_t n)
{
	size_t r = 0, w = 0;
	int bol = 1;

	while (r < n) {
		if (bol && p[r] == '>') {
			size_t k = r;
			while (k < n && p[k] == '>')
				k++;
			if (n - k >= 5 && memcmp(p + k, "From ", 5) == 0)
				r++;
		}
		bol = p[r] == '\n';
		p[w++] = p[r++];
	}
	return w;
}

size_t
mbox_excerpt(int fd, long long body_start, long long body_len, char *out,
             size_t size)
{
	size_t want = body_len < (long long)size ? (size_t)body_len : size;
	ssize_t r;

	if (body_start < 0 || body_len <= 0 || size == 0)
		return 0;
	do
		r = pread(fd, out, want, (off_t)body_start);
	while (r == -1 && errno == EINTR);
	if (r <= 0)
		return 0;
	/* drop the empty line that separates it from the next message */
	want = (size_t)r;
	if ((long long)want == body_len && want > 0 && out[want - 1] == '\n') {
		want--;
		if (want > 0 && out[want - 1] == '\r')
			want--;
	}
	return unquote(out, want);
}

static void
msg_end(struct scan *s, long long end, mbox_msg_fn fn, void *arg,
        struct mbox_result *res)
{
	struct mbox_msg *m = &s->m;

	m->len = end - m->start;
	m->ts = m->date_len ? mbox_date_rfc2822(m->date, m->date_len) : -1;
	if (m->ts == -1)
		m->ts = mbox_date_from_line(s->from_line, s->from_line_len);
	res->messages++;
	res->cut_lines += m->cut_lines;
	s->in_msg = 0;
	fn(m, arg);
}

/* name_len - length of the header name at p if the line is "Name:...",
 * else 0.  Costs the name's length, not the line's. */
static size_t
name_len(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == ':')
			return i;
		if (c <= ' ' || c == 0x7f)
			return 0;
	}
	return 0;
}

/* name_is - the name p[0..nl) is lname (lower case letters and '-'). */
static int
name_is(const char *p, size_t nl, const char *lname, size_t len)
{
	if (nl != len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((p[i] | 0x20) != lname[i])
			return 0;
	return 1;
}

/* continuation - a folded line of the header being captured. */
static void
continuation(struct scan *s, const char *p, size_t n)
{
	struct mbox_msg *m = &s->m;

	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (s->cont == F_SUBJECT)
		field_add(m->subject, &m->subject_len, sizeof(m->subject), p,
		          n);
	else if (s->cont == F_FROM)
		field_add(m->from, &m->from_len, sizeof(m->from), p, n);
	else if (s->cont == F_DATE)
		field_add(m->date, &m->date_len, sizeof(m->date), p, n);
}

/* header - one "Name: value" line (or the prefix of a too long one);
 * nl is the length of the name. */
static void
header(struct scan *s, const char *p, size_t n, size_t nl)
{
	struct mbox_msg *m = &s->m;
	size_t v = nl + 1;

	s->cont = F_NONE;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	while (v < n && (p[v] == ' ' || p[v] == '\t'))
		v++;
	if (v > n)
		v = n;
	switch (p[0] | 0x20) {
	case 's':
		if (name_is(p, nl, "subject", 7) && m->subject_len == 0) {
			field_add(m->subject, &m->subject_len,
			          sizeof(m->subject), p + v, n - v);
			s->cont = F_SUBJECT;
		} else if (name_is(p, nl, "status", 6)) {
			for (size_t i = v; i < n; i++) {
				if (p[i] == 'R')
					m->seen_read = 1;
				else if (p[i] == 'O')
					m->seen_old = 1;
			}
		}
		break;
	case 'f':
		if (name_is(p, nl, "from", 4) && m->from_len == 0) {
			field_add(m->from, &m->from_len, sizeof(m->from), p + v,
			          n - v);
			s->cont = F_FROM;
		}
		break;
	case 'd':
		if (name_is(p, nl, "date", 4) && m->date_len == 0) {
			field_add(m->date, &m->date_len, sizeof(m->date), p + v,
			          n - v);
			s->cont = F_DATE;
		}
		break;
	case 'x':
		if (name_is(p, nl, "x-cron-env", 10)) {
			m->cron_env = 1;
			if (m->cron_user[0] == '\0')
				cron_env_user(p + v, n - v, m->cron_user);
		}
		break;
	case 'a':
		if (name_is(p, nl, "auto-submitted", 14))
			m->auto_submitted = 1;
		break;
	case 'c':
		if (name_is(p, nl, "content-length", 14)) {
			long long cl = 0;
			size_t i = v, d = 0;
			for (; i < n && p[i] >= '0' && p[i] <= '9' && d < 18;
			     i++, d++)
				cl = cl * 10 + (p[i] - '0');
			while (i < n && (p[i] == ' ' || p[i] == '\t'))
				i++;
			m->content_length = (d > 0 && i == n) ? cl : -1;
		}
		break;
	default:
		break;
	}
}

/*
 * cl_consistent - does the message's Content-Length end at a boundary:
 * the end of the range, or an optional empty line and a "From " line?
 */
static int
cl_consistent(struct scan *s)
{
	struct mbox_msg *m = &s->m;
	long long q;
	char b[8];
	ssize_t r;

	if (s->cl_checked)
		return s->cl_ok;
	s->cl_checked = 1;
	s->cl_ok = 0;
	if (m->content_length < 0 || m->body_start < 0)
		return 0;
	q = m->body_start + m->content_length;
	if (q == s->end || q + 1 == s->end) {
		s->cl_ok = 1;
		return 1;
	}
	if (q > s->end)
		return 0;
	r = pread(s->fd, b, sizeof(b), (off_t)q);
	if (r <= 0)
		return 0;
	if ((r >= 5 && memcmp(b, "From ", 5) == 0) ||
	    (r >= 6 && memcmp(b, "\nFrom ", 6) == 0) ||
	    (r >= 7 && memcmp(b, "\r\nFrom ", 7) == 0))
		s->cl_ok = 1;
	return s->cl_ok;
}

/* at_end - the range ended inside a message: hand it over if complete. */
static void
at_end(struct scan *s, int settled, mbox_msg_fn fn, void *arg,
       struct mbox_result *res)
{
	struct mbox_msg *m = &s->m;
	const char *b = s->buf;
	size_t h = s->have;
	int done = settled > 0;

	if (s->st == ST_BODY && settled == 0) {
		if (h >= 2 && b[h - 1] == '\n' &&
		    (b[h - 2] == '\n' ||
		     (h >= 3 && b[h - 2] == '\r' && b[h - 3] == '\n')))
			done = 1;
		if (m->content_length >= 0 &&
		    (m->body_start + m->content_length == s->end ||
		     m->body_start + m->content_length + 1 == s->end))
			done = 1;
	}
	if (done) {
		msg_end(s, s->end, fn, arg, res);
		res->end = s->end;
	} else {
		res->end = m->start;
		res->pending = 1;
		s->in_msg = 0;
	}
}

/* What one step of the scan left to do. */
enum scan_step {
	SS_FAIL = -1, /* a read error; err is set */
	SS_MORE,      /* go on in the (new) state */
	SS_DONE,      /* the range is finished */
};

/* finish_range - the range ended inside a message (see at_end). */
static enum scan_step
finish_range(struct scan *s)
{
	s->pos = s->have;
	at_end(s, s->settled, s->fn, s->arg, s->res);
	return SS_DONE;
}

/* scan_from - ST_FROM: a "From " line starts a message; anything else
 * starts junk. */
static enum scan_step
scan_from(struct scan *s)
{
	const char *p;
	size_t n;
	enum line_kind k = get_line(s, &p, &n);

	if (k == L_ERR)
		return SS_FAIL;
	if (k == L_NONE) {
		s->res->end = s->end;
		return SS_DONE;
	}
	if (n < 5 || memcmp(p, "From ", 5) != 0) {
		s->st = ST_JUNK;
		s->junk_start = s->base + (long long)s->pos;
		return SS_MORE;
	}
	msg_begin(s, p, n);
	s->st = ST_HDR;
	if (k == L_LAST)
		return finish_range(s);
	if (k == L_FULL)
		s->pos += n + 1;
	else if (skip_line(s) == -1)
		return SS_FAIL;
	return SS_MORE;
}

/* scan_header - ST_HDR: one header line, a continuation, or the empty
 * line (or non-header) where the body starts. */
static enum scan_step
scan_header(struct scan *s)
{
	const char *p;
	size_t n, nl;
	enum line_kind k = get_line(s, &p, &n);

	if (k == L_ERR)
		return SS_FAIL;
	if (k == L_NONE || k == L_LAST) {
		if (k == L_LAST && n > 0) {
			nl = name_len(p, n);
			if (p[0] == ' ' || p[0] == '\t')
				continuation(s, p, n);
			else if (nl > 0)
				header(s, p, n, nl);
		}
		return finish_range(s);
	}
	if (n == 0 || (n == 1 && p[0] == '\r')) {
		s->pos += n + 1;
		s->st = ST_BODY;
		s->m.body_start = s->base + (long long)s->pos;
		return SS_MORE;
	}
	if (p[0] == ' ' || p[0] == '\t') {
		continuation(s, p, n);
	} else if ((nl = name_len(p, n)) == 0) {
		/* not a header: the body starts here */
		s->st = ST_BODY;
		s->m.body_start = s->base + (long long)s->pos;
		return SS_MORE;
	} else {
		header(s, p, n, nl);
	}
	if (k == L_FULL) {
		s->pos += n + 1;
		return SS_MORE;
	}
	s->m.cut_lines++;
	return skip_line(s) == -1 ? SS_FAIL : SS_MORE;
}

/*
 * next_from - the "\nFrom " in the buffer that ends the body or junk, or
 * NULL.  In a body it must follow an empty line and not lie inside a
 * consistent Content-Length.
 */
static const char *
next_from(struct scan *s)
{
	size_t from = s->pos > 0 ? s->pos - 1 : 0;

	while (from < s->have) {
		const char *c =
		    memfind_lit(s->buf + from, s->have - from, "\nFrom ", 6);
		size_t i;

		if (c == NULL)
			return NULL;
		i = (size_t)(c - s->buf);
		if (s->st == ST_JUNK)
			return c;
		if (((i >= 1 && s->buf[i - 1] == '\n') ||
		     (i >= 2 && s->buf[i - 1] == '\r' &&
		      s->buf[i - 2] == '\n')) &&
		    !(s->m.content_length >= 0 &&
		      s->base + (long long)i + 1 <
		          s->m.body_start + s->m.content_length &&
		      cl_consistent(s)))
			return c;
		from = i + 1;
	}
	return NULL;
}

/* scan_body - ST_BODY or ST_JUNK: look for the next "From ". */
static enum scan_step
scan_body(struct scan *s)
{
	const char *hit = next_from(s);

	if (hit) {
		size_t i = (size_t)(hit - s->buf) + 1;
		if (s->st == ST_JUNK)
			s->res->junk += s->base + (long long)i - s->junk_start;
		else
			msg_end(s, s->base + (long long)i, s->fn, s->arg,
			        s->res);
		s->pos = i;
		s->st = ST_FROM;
		return SS_MORE;
	}
	if (s->have >= 7 && s->have - 7 > s->pos)
		s->pos = s->have - 7;
	if (!s->eof) {
		int r = refill(s);
		if (r < 0)
			return SS_FAIL;
		if (r > 0 || !s->eof)
			return SS_MORE;
	}
	/* end of the range */
	if (s->st == ST_JUNK) {
		s->res->junk += s->end - s->junk_start;
		s->res->end = s->end;
		return SS_DONE;
	}
	at_end(s, s->settled, s->fn, s->arg, s->res);
	return SS_DONE;
}

int
mbox_scan(int fd, long long start, long long end, int settled, mbox_msg_fn fn,
          void *arg, struct mbox_result *res, char *err, size_t errlen)
{
	return mbox_scan_until(fd, start, end, settled, NULL, fn, arg, res, err,
	                       errlen);
}

int
mbox_scan_until(int fd, long long start, long long end, int settled,
                const struct mbox_budget *b, mbox_msg_fn fn, void *arg,
                struct mbox_result *res, char *err, size_t errlen)
{
	struct scan s;
	enum scan_step step;

	memset(res, 0, sizeof(*res));
	res->end = start;
	if (end <= start)
		return 0;
	memset(&s, 0, sizeof(s));
	s.fd = fd;
	s.buf = xmalloc(MBOX_BUF);
	s.base = start;
	s.end = end;
	s.st = ST_FROM;
	s.err = err;
	s.errlen = errlen;
	s.settled = settled;
	s.budget = b;
	s.fn = fn;
	s.arg = arg;
	s.res = res;

	do {
		if (s.st == ST_FROM)
			step = scan_from(&s);
		else if (s.st == ST_HDR)
			step = scan_header(&s);
		else
			step = scan_body(&s);
	} while (step == SS_MORE);
	if (step == SS_FAIL) {
		if (s.in_msg)
			res->end = s.m.start;
		else if (s.st == ST_JUNK)
			res->end = s.junk_start;
		else
			res->end = s.base + (long long)s.pos;
	}
	free(s.buf);
	if (step == SS_FAIL && s.timed_out) {
		res->timed_out = 1;
		return 0;
	}
	return step == SS_FAIL ? -1 : 0;
}
