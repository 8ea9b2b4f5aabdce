/*
 * journal_entry.c - the journalctl JSON line decoder and the syslog-form
 * line it gives (see journal_entry.h).
 *
 * A bounded, single pass over the object: keys are matched against the
 * few fields kept, every other value is skipped without decoding.  Each
 * kept field has its own region of the scratch buffer, so a long
 * MESSAGE can never crowd out the cursor.  Malformed input (unterminated
 * strings, nesting, bad escapes) makes the whole line -1; nothing is
 * read outside (p, n).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent/parse/bytes.h"
#include "agent/parse/journal_entry.h"
#include "common/hex.h"

#define DEPTH_MAX 4 /* the object, an array, an array of bytes */

enum { K_CURSOR, K_IDENT, K_COMM, K_PID, K_SPID, K_HOST, K_MSG, K_NKEPT };

/* scratch regions: offset and size of each kept field */
static const struct {
	const char *key;
	size_t off, size;
} kept[K_NKEPT] = {
    [K_CURSOR] = {"__CURSOR", 0, JOURNAL_CURSOR_MAX},
    [K_IDENT] = {"SYSLOG_IDENTIFIER", 512, 256},
    [K_COMM] = {"_COMM", 768, 64},
    [K_PID] = {"_PID", 832, 32},
    [K_SPID] = {"SYSLOG_PID", 864, 32},
    [K_HOST] = {"_HOSTNAME", 896, 256},
    [K_MSG] = {"MESSAGE", 1152, 0}, /* the rest */
};
#define MSG_OFF 1152
#define SCRATCH_MIN (MSG_OFF + 1024)

struct scan {
	const char *p;
	size_t n, i;
};

static void
ws(struct scan *s)
{
	while (s->i < s->n && (s->p[s->i] == ' ' || s->p[s->i] == '\t' ||
	                       s->p[s->i] == '\n' || s->p[s->i] == '\r'))
		s->i++;
}

/* hex4 - the value of the 4 hex digits at s->p[i..], -1 if not */
static long
hex4(const struct scan *s, size_t i)
{
	unsigned char b[2];

	if (i + 4 > s->n || hex_decode(s->p + i, 4, b, sizeof(b)) != 2)
		return -1;
	return (long)b[0] << 8 | b[1];
}

/* put - append one byte to out if there is room, else note the cut */
static void
put(char *out, size_t cap, size_t *len, int *cut, char c)
{
	if (*len < cap)
		out[(*len)++] = c;
	else
		*cut = 1;
}

static void
put_utf8(char *out, size_t cap, size_t *len, int *cut, unsigned long cp)
{
	if (cp < 0x80) {
		put(out, cap, len, cut, (char)cp);
	} else if (cp < 0x800) {
		put(out, cap, len, cut, (char)(0xc0 | (cp >> 6)));
		put(out, cap, len, cut, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		put(out, cap, len, cut, (char)(0xe0 | (cp >> 12)));
		put(out, cap, len, cut, (char)(0x80 | ((cp >> 6) & 0x3f)));
		put(out, cap, len, cut, (char)(0x80 | (cp & 0x3f)));
	} else {
		put(out, cap, len, cut, (char)(0xf0 | (cp >> 18)));
		put(out, cap, len, cut, (char)(0x80 | ((cp >> 12) & 0x3f)));
		put(out, cap, len, cut, (char)(0x80 | ((cp >> 6) & 0x3f)));
		put(out, cap, len, cut, (char)(0x80 | (cp & 0x3f)));
	}
}

/*
 * string - the string starting at s->p[s->i] == '"', decoded into out
 * (cap bytes; out NULL: only skipped).  0, -1 if malformed.
 */
static int
string(struct scan *s, char *out, size_t cap, size_t *len, int *cut)
{
	size_t l = 0;
	int c0 = 0;

	if (s->i >= s->n || s->p[s->i] != '"')
		return -1;
	s->i++;
	for (;;) {
		const char *q, *bs;
		size_t run;
		char c;

		if (s->i >= s->n)
			return -1;
		/* a run of plain bytes up to the next quote or backslash */
		q = memchr(s->p + s->i, '"', s->n - s->i);
		if (q == NULL)
			return -1;
		bs = memchr(s->p + s->i, '\\', (size_t)(q - (s->p + s->i)));
		run = (size_t)((bs ? bs : q) - (s->p + s->i));
		if (out != NULL) {
			size_t take = run < cap - l ? run : cap - l;
			memcpy(out + l, s->p + s->i, take);
			l += take;
			if (take < run)
				c0 = 1;
		}
		s->i += run;
		if (bs == NULL) {
			s->i++; /* the closing quote */
			break;
		}
		if (s->i + 1 >= s->n)
			return -1;
		c = s->p[s->i + 1];
		s->i += 2;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		case 'u': {
			long cp = hex4(s, s->i), lo;
			if (cp < 0)
				return -1;
			s->i += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && s->i + 1 < s->n &&
			    s->p[s->i] == '\\' && s->p[s->i + 1] == 'u' &&
			    (lo = hex4(s, s->i + 2)) >= 0xdc00 &&
			    lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				s->i += 6;
			} else if (cp >= 0xd800 && cp <= 0xdfff) {
				cp = 0xfffd; /* a lone surrogate */
			}
			if (out != NULL)
				put_utf8(out, cap, &l, &c0, (unsigned long)cp);
			continue;
		}
		default:
			return -1;
		}
		if (out != NULL)
			put(out, cap, &l, &c0, c);
	}
	if (out != NULL) {
		*len = l;
		*cut = c0;
	}
	return 0;
}

/* scalar - a number, true, false or null: skipped.  0, -1 if empty. */
static int
scalar(struct scan *s)
{
	size_t start = s->i;

	while (s->i < s->n) {
		char c = s->p[s->i];
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    c == '-' || c == '+' || c == '.' || c == 'E')
			s->i++;
		else
			break;
	}
	return s->i > start ? 0 : -1;
}

/* byte_number - one element of a byte array: 0..255.  -1 if not. */
static int
byte_number(struct scan *s)
{
	int v = 0;
	size_t start = s->i;

	while (s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9' &&
	       s->i - start < 4) {
		v = v * 10 + (s->p[s->i] - '0');
		s->i++;
	}
	if (s->i == start || v > 255)
		return -1;
	return v;
}

/*
 * value - skip one value, or decode it into out when out is set: a
 * string, an array of byte values, or the first of an array of those.
 * *got is set when something was decoded.
 */
static int
value(struct scan *s, int depth, char *out, size_t cap, size_t *len, int *cut,
      int *got)
{
	ws(s);
	if (s->i >= s->n)
		return -1;
	if (s->p[s->i] == '"') {
		if (string(s, out, cap, len, cut) == -1)
			return -1;
		if (out != NULL)
			*got = 1;
		return 0;
	}
	if (s->p[s->i] != '[')
		return s->p[s->i] == '{' ? -1 : scalar(s);
	if (depth >= DEPTH_MAX)
		return -1;
	s->i++;
	ws(s);
	if (s->i < s->n && s->p[s->i] == ']') {
		s->i++;
		return 0;
	}
	/* an array of bytes: decode them all */
	if (out != NULL && s->i < s->n && s->p[s->i] >= '0' &&
	    s->p[s->i] <= '9') {
		size_t l = 0;
		int c0 = 0;
		for (;;) {
			int b;
			ws(s);
			if ((b = byte_number(s)) < 0)
				return -1;
			put(out, cap, &l, &c0, (char)b);
			ws(s);
			if (s->i >= s->n)
				return -1;
			if (s->p[s->i] == ']')
				break;
			if (s->p[s->i] != ',')
				return -1;
			s->i++;
		}
		s->i++;
		*len = l;
		*cut = c0;
		*got = 1;
		return 0;
	}
	/* several values: the first one is kept */
	for (int first = 1;; first = 0) {
		if (value(s, depth + 1, first ? out : NULL, cap, len, cut,
		          got) == -1)
			return -1;
		ws(s);
		if (s->i >= s->n)
			return -1;
		if (s->p[s->i] == ']')
			break;
		if (s->p[s->i] != ',')
			return -1;
		s->i++;
	}
	s->i++;
	return 0;
}

static int
which_key(const char *k, size_t kl)
{
	for (int f = 0; f < K_NKEPT; f++)
		if (strlen(kept[f].key) == kl &&
		    memcmp(kept[f].key, k, kl) == 0)
			return f;
	return -1;
}

static long long
parse_us(const char *p, size_t n)
{
	long long v = 0;

	if (n == 0 || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

int
journal_entry_parse(const char *p, size_t n, struct journal_entry *e,
                    char *scratch, size_t scratchlen)
{
	struct scan s = {p, n, 0};
	struct sl_span got[K_NKEPT];
	int cuts[K_NKEPT];
	char key[64], ts[32];

	memset(e, 0, sizeof(*e));
	memset(got, 0, sizeof(got));
	memset(cuts, 0, sizeof(cuts));
	e->realtime_us = -1;
	if (scratchlen < SCRATCH_MIN)
		return -1;
	ws(&s);
	if (s.i >= s.n || s.p[s.i] != '{')
		return -1;
	s.i++;
	ws(&s);
	if (s.i < s.n && s.p[s.i] == '}')
		return 0;
	for (;;) {
		size_t kl = 0, vl = 0;
		int kcut = 0, vcut = 0, have = 0, f;
		char *out = NULL;
		size_t cap = 0;

		ws(&s);
		if (string(&s, key, sizeof(key), &kl, &kcut) == -1)
			return -1;
		ws(&s);
		if (s.i >= s.n || s.p[s.i] != ':')
			return -1;
		s.i++;
		f = kcut ? -1 : which_key(key, kl);
		if (!kcut && kl == 20 &&
		    memcmp(key, "__REALTIME_TIMESTAMP", 20) == 0) {
			out = ts;
			cap = sizeof(ts);
		} else if (f >= 0 && got[f].p == NULL) {
			out = scratch + kept[f].off;
			cap = f == K_MSG ? scratchlen - MSG_OFF : kept[f].size;
		}
		if (value(&s, 1, out, cap, &vl, &vcut, &have) == -1)
			return -1;
		if (have && out == ts) {
			e->realtime_us = vcut ? -1 : parse_us(ts, vl);
		} else if (have) {
			got[f] = (struct sl_span){out, vl};
			cuts[f] = vcut;
		}
		ws(&s);
		if (s.i >= s.n)
			return -1;
		if (s.p[s.i] == '}')
			break;
		if (s.p[s.i] != ',')
			return -1;
		s.i++;
	}
	s.i++;
	ws(&s);
	if (s.i != s.n)
		return -1;
	/* a cut cursor would name another entry: better none */
	if (!cuts[K_CURSOR])
		e->cursor = got[K_CURSOR];
	e->ident = got[K_IDENT];
	e->comm = got[K_COMM];
	e->pid = got[K_SPID].p ? got[K_SPID] : got[K_PID];
	e->hostname = got[K_HOST];
	e->message = got[K_MSG];
	e->message_cut = cuts[K_MSG];
	return 0;
}

struct sl_span
journal_entry_program(const struct journal_entry *e)
{
	if (e->ident.p != NULL && e->ident.n > 0)
		return e->ident;
	if (e->comm.p != NULL && e->comm.n > 0)
		return e->comm;
	return (struct sl_span){NULL, 0};
}

int
journal_mail_program(const char *p, size_t n)
{
	static const char *const exact[] = {
	    "sendmail", "exim",    "exim4",     "msmtp", "dma",
	    "ssmtp",    "sSMTP",   "cron",      "CRON",  "crond",
	    "CROND",    "postfix", "nullmailer"};

	if (p == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (bytes_is(p, n, exact[i]))
			return 1;
	if (bytes_starts(p, n, "sm-") || bytes_starts(p, n, "nullmailer-"))
		return 1;
	/* postfix/smtp, postfix-out/qmgr (multi-instance) */
	return bytes_starts(p, n, "postfix") && memchr(p, '/', n) != NULL;
}

/* clean - bytes of a host or tag: no blanks or control characters */
static size_t
clean(char *out, size_t room, struct sl_span s, size_t max)
{
	size_t l = s.n < max ? s.n : max;

	if (l > room)
		l = room;
	for (size_t i = 0; i < l; i++) {
		unsigned char c = (unsigned char)s.p[i];
		out[i] =
		    (c <= ' ' || c == 0x7f || c == '[' || c == ']' || c == ':')
		        ? '_'
		        : (char)c;
	}
	return l;
}

size_t
journal_entry_line(const struct journal_entry *e, char *out, size_t outlen)
{
	struct sl_span prog = journal_entry_program(e);
	struct tm tm;
	time_t sec;
	size_t l, mn;
	int w;

	if (outlen < 64 || e->realtime_us < 0 || prog.p == NULL)
		return 0;
	sec = (time_t)(e->realtime_us / 1000000);
	if (sec > (time_t)253402300799LL || gmtime_r(&sec, &tm) == NULL)
		return 0;
	w = snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ ",
	             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	             tm.tm_min, tm.tm_sec, (int)(e->realtime_us % 1000000));
	if (w < 0 || (size_t)w >= outlen)
		return 0;
	l = (size_t)w;
	outlen--; /* room for the NUL */
	if (e->hostname.p != NULL && e->hostname.n > 0 && l + 2 < outlen) {
		l += clean(out + l, outlen - l - 1, e->hostname, 255);
		out[l++] = ' ';
	}
	l += clean(out + l, outlen - l, prog, 255);
	if (e->pid.p != NULL && e->pid.n > 0 && l + 3 < outlen) {
		out[l++] = '[';
		l += clean(out + l, outlen - l - 1, e->pid, 32);
		out[l++] = ']';
	}
	if (l + 2 <= outlen) {
		out[l++] = ':';
		out[l++] = ' ';
	}
	mn = e->message.p != NULL ? e->message.n : 0;
	while (mn > 0 &&
	       (e->message.p[mn - 1] == '\n' || e->message.p[mn - 1] == '\r'))
		mn--;
	for (size_t i = 0; i < mn; i++) {
		unsigned char c = (unsigned char)e->message.p[i];
		if (c < 0x20) { /* rsyslog's "#012" */
			if (l + 4 > outlen)
				break;
			out[l++] = '#';
			out[l++] = (char)('0' + ((c >> 6) & 7));
			out[l++] = (char)('0' + ((c >> 3) & 7));
			out[l++] = (char)('0' + (c & 7));
		} else {
			if (l + 1 > outlen)
				break;
			out[l++] = (char)c;
		}
	}
	out[l] = '\0';
	return l;
}
