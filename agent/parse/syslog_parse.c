/*
 * syslog_parse.c - syslog header and sendmail/postfix event parser.
 *
 * A real line it reads (RHEL 5, the incident in SPEC.md):
 *
 *   Feb 15 09:20:02 host1 sendmail[7134]: u1F1K2am007134: SYSERR(root):
 *   collect: Cannot write ./dfu1F1K2am007134 (bfcommit, uid=51, gid=51):
 *   Permission denied
 *
 * Everything is a bounded walk over (p, n) with memfind; there is
 * no allocation and no regex.  Lines that are not from a sendmail or
 * postfix program (and carry no "SYSERR(") stop right after the header.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "agent/parse/cron_log.h"
#include "agent/parse/prefilter.h"
#include "agent/parse/relay_log.h"
#include "agent/parse/syslog_parse.h"
#include "common/memfind.h"
#include "common/report_schema.h"
#include "common/timeutil.h"

#define SPAN_EMPTY ((struct sl_span){NULL, 0})
/* the small steps of a line's path, inlined into their one or two
 * callers: a call each (saved registers, the stack guard) cost as much
 * as the step */
#define ALWAYS_INLINE __attribute__((always_inline))

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* find_byte - the index of the first c in p[i..n), or n */
static inline size_t
find_byte(const char *p, size_t n, size_t i, char c)
{
	const char *q = i < n ? memfind_byte(p + i, n - i, c) : NULL;

	return q ? (size_t)(q - p) : n;
}

/* starts - p[0..n) starts with lit: inline, so that a literal's length
 * and compare are known where it is called */
static inline ALWAYS_INLINE int
starts(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n >= l && memcmp(p, lit, l) == 0;
}

static inline ALWAYS_INLINE int
span_starts(struct sl_span s, const char *lit)
{
	return s.p != NULL && starts(s.p, s.n, lit);
}

_Static_assert(SL_OTHER - SL_SYSERR + 1 == REPORT_SCHEMA_NKINDS,
               "enum sl_kind follows report_schema_kinds");

const char *
sl_kind_name(enum sl_kind k)
{
	if (k < SL_SYSERR || k > SL_OTHER)
		return "none";
	return report_schema_kinds[k - SL_SYSERR];
}

/* --- time ---------------------------------------------------------------- */

void
sl_clock_init(struct sl_clock *clk, time_t anchor)
{
	struct tm a;

	memset(clk, 0, sizeof(*clk));
	clk->anchor = anchor;
	if (localtime_r(&anchor, &a) != NULL) {
		clk->a_year = a.tm_year + 1900;
		clk->a_mon = a.tm_mon + 1;
		clk->a_mday = a.tm_mday;
	} else {
		clk->a_year = 1970;
		clk->a_mon = 1;
		clk->a_mday = 1;
	}
}

time_t
sl_local_time(struct sl_clock *clk, int year, int mon, int mday, int hour,
              int min, int sec)
{
	if (mon < 1 || mon > 12 || mday < 1 ||
	    mday > days_in_month(year, mon) || hour < 0 || hour > 23 ||
	    min < 0 || min > 59 || sec < 0 || sec > 60)
		return (time_t)-1;
	if (clk->c_year != year || clk->c_mon != mon || clk->c_mday != mday ||
	    clk->c_hour != hour) {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = year - 1900;
		tm.tm_mon = mon - 1;
		tm.tm_mday = mday;
		tm.tm_hour = hour;
		tm.tm_isdst = -1;
		clk->c_base = mktime(&tm);
		if (clk->c_base == (time_t)-1)
			return (time_t)-1;
		clk->c_year = year;
		clk->c_mon = mon;
		clk->c_mday = mday;
		clk->c_hour = hour;
	}
	return clk->c_base + min * 60 + sec;
}

/* infer_year - the latest year (the anchor's next one, for a January
 * line read on Dec 31 with a clock a little behind, down to 8 years back,
 * for Feb 29) that puts the stamp no later than a day after the anchor.
 * *first: the year was the first one tried (whatever the minute and
 * second, the same years are tried in the same order). */
static time_t
infer_year(struct sl_clock *clk, int mon, int mday, int h, int mi, int s,
           int *first)
{
	int k0 = clk->a_mon == 12 && mon == 1 ? -1 : 0;
	/* a date more than a day after the anchor's in the anchor's year
	 * is last year's: known without asking mktime (which would thrash
	 * the one-hour cache between the two years on every line) */
	int later = mon > clk->a_mon + 1 ||
	            (mon == clk->a_mon + 1 && mday > 1) ||
	            (mon == clk->a_mon && mday > clk->a_mday + 1);

	*first = 1;
	for (int k = k0; k <= 8; k++) {
		time_t t;
		if (k == 0 && later)
			continue;
		/* next year's January 1st only: within a day of Dec 31 */
		if (k == -1 && (clk->a_mday != 31 || mday != 1))
			continue;
		t = sl_local_time(clk, clk->a_year - k, mon, mday, h, mi, s);
		if (t != (time_t)-1 && t <= clk->anchor + 86400)
			return t;
		*first = 0;
	}
	return (time_t)-1;
}

/* two_digits - the number "00".."99" at p, or -1 (time_digits() of 2,
 * inline: a cron log converts a stamp a line) */
static inline int
two_digits(const char *p)
{
	unsigned a = (unsigned char)p[0] - '0', b = (unsigned char)p[1] - '0';

	return a < 10 && b < 10 ? (int)(a * 10 + b) : -1;
}

/* same_key - p[0..l) equal to the hour key k (8 <= l <= 12): the first 8
 * bytes at once, not a memcmp call a line */
static inline int
same_key(const char *p, const char *k, size_t l)
{
	uint64_t a, b;

	memcpy(&a, p, 8);
	memcpy(&b, k, 8);
	if (a != b)
		return 0;
	for (size_t j = 8; j < l; j++)
		if (p[j] != k[j])
			return 0;
	return 1;
}

/* trad_stamp - "Feb 15 09:20:02" / "Jun  5 ..." / "Mar 7 ..." at p;
 * bytes used, or 0.  With clk NULL only the shape is checked (the bytes
 * a valid stamp of that shape would use; no time is set).  A stamp of
 * the hour before (clk->h_key) takes that hour's epoch: its year is
 * known when the first year tried took every minute of the hour. */
static size_t
trad_stamp(const char *p, size_t n, struct sl_clock *clk, time_t *ts)
{
	size_t i = 4, key;
	int mon, day, h, mi, s, first;

	if (n < 14 || p[3] != ' ')
		return 0;
	while (i < n && p[i] == ' ')
		i++;
	if (i + 10 > n || !is_digit(p[i]))
		return 0;
	day = is_digit(p[i + 1]) ? 2 : 1;
	i += (size_t)day;
	if (i + 9 > n || p[i] != ' ' || p[i + 3] != ':' || p[i + 6] != ':')
		return 0;
	if (clk == NULL)
		return i + 9;
	mi = two_digits(p + i + 4);
	s = two_digits(p + i + 7);
	key = i + 3; /* "Feb 15 09": 8 or 9 bytes */
	if (clk->h_len == key && mi >= 0 && mi <= 59 && s >= 0 && s <= 60 &&
	    same_key(p, clk->h_key, key)) {
		*ts = clk->h_base + mi * 60 + s;
		return i + 9;
	}
	if ((mon = month_from_abbr(p, 0)) == 0)
		return 0;
	day = day == 2 ? time_digits(p + i - 2, 2) : p[i - 1] - '0';
	h = time_digits(p + i + 1, 2);
	if (h < 0 || mi < 0 || s < 0)
		return 0;
	if ((*ts = infer_year(clk, mon, day, h, mi, s, &first)) == (time_t)-1)
		return 0;
	if (first && key <= sizeof(clk->h_key) &&
	    *ts - (mi * 60 + s) + 3600 <= clk->anchor + 86400) {
		memcpy(clk->h_key, p, key);
		clk->h_len = key;
		clk->h_base = *ts - (mi * 60 + s);
	}
	return i + 9;
}

/* iso_stamp - "2023-07-29T04:15:01.889064+02:00" (RFC 3339) or
 * "2005-06-21 16:55:09" (local); bytes used, or 0.  With clk NULL only
 * the shape is checked, as in trad_stamp(). */
static size_t
iso_stamp(const char *p, size_t n, struct sl_clock *clk, time_t *ts)
{
	size_t len;
	struct civil c;
	int utc;

	if (n < 19 || p[4] != '-' || p[7] != '-')
		return 0;
	len = find_byte(p, n, 0, ' ');
	if (len > 19)
		return clk == NULL || rfc3339_parse(p, len, ts) == 0 ? len : 0;
	if (len != 10 || p[10] != ' ' || p[13] != ':' || p[16] != ':')
		return 0;
	utc = n >= 23 && (memcmp(p + 19, " UTC", 4) == 0 ||
	                  memcmp(p + 19, " GMT", 4) == 0);
	if (clk == NULL)
		return utc ? 23 : 19;
	if (civil_parse(p, &c) == -1 || c.year < 1970)
		return 0;
	if (utc) {
		if (!civil_valid(&c))
			return 0;
		*ts = civil_to_time(&c);
		return 23;
	}
	if ((*ts = sl_local_time(clk, c.year, c.month, c.day, c.hour, c.min,
	                         c.sec)) == (time_t)-1)
		return 0;
	return 19;
}

static size_t
skip_spaces(const char *p, size_t n, size_t i)
{
	while (i < n && p[i] == ' ')
		i++;
	return i;
}

/* Where a header's stamp is, for converting it after the walk: at the
 * offset at (the line being n bytes), RFC 5424's token of len bytes or a
 * traditional / ISO one. */
struct stamp {
	size_t at, len, n;
	int rfc5424;
};

/* The spans of a header (as in struct sl_event) and its stamp. */
struct head {
	struct sl_span host, program, pid, message;
	struct stamp st;
};

/* tag - "prog[pid]:" / "prog:" / "prog" at p[i..]; sets program and pid,
 * returns the index of the message. */
static inline ALWAYS_INLINE size_t
parse_tag(const char *p, size_t n, size_t i, struct head *h)
{
	size_t end, tend, br;

#ifdef __SSE2__
	/* most tags end within 32 bytes: their ' ' and '[' found by the
	 * same two loads */
	uint32_t ms = 0, mb = 0;

	if (n - i >= 32) {
		const __m128i a = _mm_loadu_si128((const __m128i *)(p + i)),
		              b = _mm_loadu_si128(
		                  (const __m128i *)(p + i + 16)),
		              sp = _mm_set1_epi8(' '), ob = _mm_set1_epi8('[');

		ms = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, sp)) |
		     (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, sp)) << 16;
		mb = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, ob)) |
		     (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, ob)) << 16;
	}
	if (ms != 0) {
		end = i + (size_t)__builtin_ctz(ms);
		tend = end > i && p[end - 1] == ':' ? end - 1 : end;
		mb &= (uint32_t)((1ull << (tend - i)) - 1);
		br = mb ? i + (size_t)__builtin_ctz(mb) : tend;
	} else
#endif
	{
		end = find_byte(p, n, i, ' ');
		tend = end > i && p[end - 1] == ':' ? end - 1 : end;
		/* searched 16 bytes a step, past tend if the line goes on
		 * (a '[' found after it is none) */
		br = find_byte(p, tend - i < 32 && n - i >= 32 ? i + 32 : tend,
		               i, '[');
	}
	if (br < tend && tend > i && p[tend - 1] == ']') {
		h->program = (struct sl_span){p + i, br - i};
		h->pid = (struct sl_span){p + br + 1, tend - 1 - (br + 1)};
	} else {
		h->program = (struct sl_span){p + i, tend - i};
	}
	i = end < n ? end + 1 : n;
	/* Solaris: "sendmail[123]: [ID 801593 mail.info] msg" */
	if (starts(p + i, n - i, "[ID ")) {
		const char *cl = memchr(p + i, ']', n - i);
		if (cl)
			i = skip_spaces(p, n, (size_t)(cl - p) + 1);
	}
	return i;
}

static size_t
token_end(const char *p, size_t n, size_t i)
{
	return find_byte(p, n, i, ' ');
}

/* rfc5424 - "TS HOST APP PROCID MSGID SD MSG" after "<PRI>1 ". */
static int
rfc5424(const char *p, size_t n, size_t i, struct head *h)
{
	size_t e;
	struct sl_span f[4];

	e = token_end(p, n, i);
	h->st = (struct stamp){i, e - i, n, 1};
	for (int k = 0; k < 4; k++) { /* HOST APP PROCID MSGID */
		if (e >= n)
			return -1;
		i = e + 1;
		e = token_end(p, n, i);
		f[k] = (struct sl_span){p + i, e - i};
		if (e - i == 1 && p[i] == '-')
			f[k] = SPAN_EMPTY;
	}
	h->host = f[0];
	h->program = f[1];
	h->pid = f[2];
	if (e >= n)
		return -1;
	i = e + 1;
	if (i < n && p[i] == '-') {
		i++;
	} else {
		/* structured data: [id k="v" ...][...]; '\]' escapes */
		while (i < n && p[i] == '[') {
			int quoted = 0;
			for (i++; i < n; i++) {
				if (p[i] == '\\' && i + 1 < n)
					i++;
				else if (p[i] == '"')
					quoted = !quoted;
				else if (p[i] == ']' && !quoted)
					break;
			}
			if (i >= n)
				return -1;
			i++;
		}
	}
	if (i < n && p[i] == ' ')
		i++;
	if (n - i >= 3 && memcmp(p + i, "\xef\xbb\xbf", 3) == 0)
		i += 3;
	h->message = (struct sl_span){p + i, n - i};
	return 0;
}

/*
 * quick_tag - where header() would find the tag of a line in one of the
 * two common forms, "Feb 15 09:20:02 host tag" and "2026-12-01T10:00:00
 * .123456+00:00 host tag" (a host or none, single spaces), by the same
 * rules; 0 for any other line (header() then decides).  *host is where
 * the host starts (the tag's start when there is none).
 */
static inline ALWAYS_INLINE size_t
quick_tag(const char *p, size_t n, size_t *host)
{
	size_t i = 0, e;

	if (n < 24)
		return 0;
	if (((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[3] == ' ' &&
	    (p[4] == ' ' || is_digit(p[4])) && is_digit(p[5]) && p[6] == ' ' &&
	    p[9] == ':' && p[12] == ':' && p[15] == ' ') {
		i = 16; /* trad_stamp(): 15 bytes */
	} else if (is_digit(p[0]) && p[4] == '-' && p[7] == '-' &&
	           p[10] == 'T') {
		while (i < n && p[i] != ' ')
			i++;
		if (i <= 19 || i >= n) /* iso_stamp(): more than 19 */
			return 0;
		i++;
	} else {
		return 0;
	}
	if (i >= n || p[i] == ' ' || p[i] == '<')
		return 0;
	if ((e = find_byte(p, n, i, ' ')) >= n)
		return 0;
	if (p[e - 1] == ':') { /* no host: the first token is the tag */
		*host = i;
		return i;
	}
	if (e + 1 >= n || p[e + 1] == ' ')
		return 0;
	*host = i;
	return e + 1;
}

/* quick_head - the header of line p[0..n) (no trailing CR/LF) whose
 * host starts at hs and tag at t (quick_tag()): the stamp at the start,
 * the host (if any) before the tag */
static inline ALWAYS_INLINE void
quick_head(const char *p, size_t n, size_t hs, size_t t, struct head *h)
{
	size_t i;

	h->host = SPAN_EMPTY;
	h->program = SPAN_EMPTY;
	h->pid = SPAN_EMPTY;
	h->st = (struct stamp){0, 0, n, 0};
	if (hs < t)
		h->host = (struct sl_span){p + hs, t - 1 - hs};
	i = parse_tag(p, n, t, h);
	h->message = (struct sl_span){p + i, n - i};
}

/*
 * header - the walk over a line's header: where its stamp is (*st; the
 * stamp's shape is checked, not its value) and the host, tag and message
 * spans.  0, or -1 when the line has no header of a known shape; a line
 * it accepts may still have an impossible stamp (stamp_time()).
 */
static int
header(const char *p, size_t n, struct head *h)
{
	size_t i = 0, used, hs;
	int bracket = 0;
	time_t unused;

	h->host = SPAN_EMPTY;
	h->program = SPAN_EMPTY;
	h->pid = SPAN_EMPTY;
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	/* the common forms: quick_tag() found the tag by the rules below */
	if ((used = quick_tag(p, n, &hs)) != 0) {
		quick_head(p, n, hs, used, h);
		return 0;
	}
	if (n > 0 && p[0] == '<') { /* <PRI> */
		size_t j = 1;
		while (j < n && j < 5 && is_digit(p[j]))
			j++;
		if (j == 1 || j >= n || p[j] != '>')
			return -1;
		j++;
		if (j + 1 < n && p[j] == '1' && p[j + 1] == ' ')
			return rfc5424(p, n, j + 2, h);
		i = j;
	}
	if (i < n && p[i] == '[') {
		bracket = 1;
		i++;
	}
	h->st = (struct stamp){i, 0, n, 0};
	if (n - i >= 5 && is_digit(p[i]) && p[i + 4] == '-')
		used = iso_stamp(p + i, n - i, NULL, &unused);
	else
		used = trad_stamp(p + i, n - i, NULL, &unused);
	if (used == 0)
		return -1;
	i += used;
	if (bracket) {
		if (i >= n || p[i] != ']')
			return -1;
		i++;
	}
	if (i >= n || p[i] != ' ')
		return -1;
	i = skip_spaces(p, n, i);
	/* BSD syslogd -v / -vv: "<4.3>" or "<auth.info>" */
	if (i < n && p[i] == '<') {
		size_t e = token_end(p, n, i);
		if (p[e - 1] == '>')
			i = skip_spaces(p, n, e);
	}
	if (i >= n)
		return -1;
	/* host, unless the first token is already the tag ("prog[1]:") */
	{
		size_t e = token_end(p, n, i);
		if (p[e - 1] != ':') {
			h->host = (struct sl_span){p + i, e - i};
			i = skip_spaces(p, n, e);
			if (i >= n)
				return -1;
		}
	}
	i = parse_tag(p, n, i, h);
	h->message = (struct sl_span){p + i, n - i};
	return 0;
}

/* stamp_time - the time of the stamp header() found; -1 if it is no
 * possible time (or one before 1970 or past 9999, which no report can
 * hold). */
static int
stamp_time(const char *p, const struct stamp *st, struct sl_clock *clk,
           time_t *ts)
{
	const char *s = p + st->at;
	size_t m = st->n - st->at;

	if (st->rfc5424) {
		if (st->len == 1 && s[0] == '-') {
			*ts = clk->anchor; /* NILVALUE: when it was read */
			return 0;
		}
		if (rfc3339_parse(s, st->len, ts) == -1)
			return -1;
	} else if (m >= 5 && is_digit(s[0]) && s[4] == '-') {
		if (iso_stamp(s, m, clk, ts) == 0)
			return -1;
	} else if (trad_stamp(s, m, clk, ts) == 0) {
		return -1;
	}
	return *ts < 0 || *ts > (time_t)253402300799LL ? -1 : 0;
}

/* unparsed - ev as for a line with no header */
static inline ALWAYS_INLINE void
unparsed(struct sl_event *ev)
{
	/* field by field: a memset of the whole event (rep stos) was a
	 * tenth of a delivered mail line's parse */
	/* one store per field: a chain (a = b = EMPTY) reads b back with
	 * a 16-byte load of two 8-byte stores, a stalled forward each */
	const struct sl_span e = SPAN_EMPTY;

	ev->kind = SL_NONE;
	ev->ts = 0;
	ev->host = e;
	ev->program = e;
	ev->pid = e;
	ev->queue_id = e;
	ev->message = e;
	ev->user = e;
	ev->stage = e;
	ev->errno_text = e;
	ev->path = e;
	ev->to = e;
	ev->relay = e;
	ev->dsn = e;
	ev->stat = e;
	ev->uid = -1;
	ev->gid = -1;
	ev->euid = -1;
	ev->repeat = 0;
}

/* from_head - ev with the spans of a header walk */
static void
from_head(struct sl_event *ev, const struct head *h)
{
	unparsed(ev);
	ev->host = h->host;
	ev->program = h->program;
	ev->pid = h->pid;
	ev->message = h->message;
}

int
sl_parse_header(const char *p, size_t n, struct sl_clock *clk,
                struct sl_event *ev)
{
	struct head h;
	time_t ts;

	if (header(p, n, &h) == -1 || stamp_time(p, &h.st, clk, &ts) == -1) {
		unparsed(ev);
		return -1;
	}
	from_head(ev, &h);
	ev->ts = ts;
	return 0;
}

/* --- fields -------------------------------------------------------------- */

/* field_end - end of a "key=value" value at v: the next ", word=" or the
 * end of the text. */
static const char *
field_end(const char *v, const char *end)
{
	const char *q = v;

	while ((q = memchr(q, ',', (size_t)(end - q))) != NULL) {
		const char *k = q + 1;
		if (k < end && *k == ' ') {
			k++;
			while (k < end &&
			       ((*k >= 'a' && *k <= 'z') || *k == '_'))
				k++;
			if (k > q + 2 && k < end && *k == '=')
				return q;
		}
		q++;
	}
	return end;
}

/* field - the value of key ("to=") at the start of the text or after
 * ", "; rest_of_line takes everything to the end. */
static struct sl_span
field(struct sl_span t, const char *key, int rest_of_line)
{
	size_t kl = strlen(key);
	const char *end = t.p + t.n, *q = t.p;

	while (q < end) {
		const char *hit = memfind_lit(q, (size_t)(end - q), key, kl);
		if (hit == NULL)
			break;
		if (hit == t.p ||
		    (hit - t.p >= 2 && hit[-1] == ' ' && hit[-2] == ',')) {
			const char *v = hit + kl;
			const char *ve = rest_of_line ? end : field_end(v, end);
			return (struct sl_span){v, (size_t)(ve - v)};
		}
		q = hit + 1;
	}
	return SPAN_EMPTY;
}

static const char *const errno_texts[] = {
    "Permission denied",
    "No such file or directory",
    "No space left on device",
    "Disk quota exceeded",
    "Disc quota exceeded",
    "Read-only file system",
    "Input/output error",
    "Too many open files",
    "Operation not permitted",
    "Not a directory",
    "Is a directory",
    "File exists",
    "Broken pipe",
    "Connection refused",
    "Connection timed out",
    "Operation timed out",
    "Connection reset by peer",
    "Address already in use",
    "Cannot allocate memory",
    "Resource temporarily unavailable",
    "No such device or address",
    "Bad file descriptor",
    "Stale file handle",
    "Stale NFS file handle",
    "Too many links",
    "File name too long",
    "Invalid argument",
    "Interrupted system call",
    "Network is unreachable",
    "No route to host",
    "Host is down",
    "Device or resource busy",
    "Text file busy",
    "File too large",
    "Too many levels of symbolic links",
    "Structure needs cleaning",
    "No buffer space available",
    "Resource deadlock avoided",
    "Identifier removed",
    "No locks available",
    "Function not implemented",
    "Value too large for defined data type",
};

/* errno_suffix - the strerror text ending t (after ": "), if any. */
static struct sl_span
errno_suffix(struct sl_span t)
{
	for (size_t k = 0; k < sizeof(errno_texts) / sizeof(errno_texts[0]);
	     k++) {
		size_t l = strlen(errno_texts[k]);
		if (t.n >= l + 2 &&
		    memcmp(t.p + t.n - l, errno_texts[k], l) == 0 &&
		    t.p[t.n - l - 2] == ':' && t.p[t.n - l - 1] == ' ')
			return (struct sl_span){t.p + t.n - l, l};
	}
	return SPAN_EMPTY;
}

/* path_in - the first path: a token starting with "/" or "./" after a
 * blank, '(', '=' or '<', or the word after "file " / "directory ". */
static struct sl_span
path_in(struct sl_span t)
{
	const char *p = t.p, *end = t.p + t.n;

	for (const char *q = p; q < end; q++) {
		int start = 0;
		if (*q == '/' || (*q == '.' && q + 1 < end && q[1] == '/'))
			start = q == p || q[-1] == ' ' || q[-1] == '(' ||
			        q[-1] == '=' || q[-1] == '<';
		else if (q + 5 < end && memcmp(q, "file ", 5) == 0 &&
		         (q == p || q[-1] == ' '))
			start = 2;
		if (start == 0)
			continue;
		if (start == 2)
			q += 5;
		const char *e = q;
		while (e < end && *e != ' ' && *e != ',' && *e != ')' &&
		       *e != '"' && *e != '>' &&
		       !(*e == ':' && (e + 1 == end || e[1] == ' ')))
			e++;
		if (start == 2 && memchr(q, '/', (size_t)(e - q)) == NULL) {
			q = e - 1 < q ? q : e - 1;
			continue;
		}
		if (e > q)
			return (struct sl_span){q, (size_t)(e - q)};
	}
	return SPAN_EMPTY;
}

/* id_after - the number after "key" at each hit whose previous byte is
 * not a letter, digit or '/' (so "uid=" skips "euid=" and "u/gid="). */
static long
id_after(struct sl_span t, const char *key)
{
	size_t kl = strlen(key);
	const char *end = t.p + t.n, *q = t.p;

	while (q < end) {
		const char *hit = memfind_lit(q, (size_t)(end - q), key, kl);
		if (hit == NULL)
			return -1;
		q = hit + kl;
		if (hit > t.p && (is_alnum(hit[-1]) || hit[-1] == '/'))
			continue;
		if (q < end && is_digit(*q)) {
			long v = 0;
			while (q < end && is_digit(*q) && v < 100000000)
				v = v * 10 + (*q++ - '0');
			return v;
		}
	}
	return -1;
}

/* detail - stage, errno text, path and ids of an error text. */
static void
detail(struct sl_span t, struct sl_event *ev)
{
	size_t i = 0;

	while (i < t.n && ((t.p[i] >= 'a' && t.p[i] <= 'z') || t.p[i] == '_'))
		i++;
	if (i > 0 && i + 1 < t.n && t.p[i] == ':' && t.p[i + 1] == ' ')
		ev->stage = (struct sl_span){t.p, i};
	ev->errno_text = errno_suffix(t);
	ev->path = path_in(t);
	ev->uid = id_after(t, "uid=");
	ev->gid = id_after(t, "gid=");
	ev->euid = id_after(t, "euid=");
}

/* queue_id - "u1F1K2am007134: ", "u1F1K2am007134[2]: ", "NOQUEUE: ":
 * sets *qid and returns the bytes to skip, or 0 (*qid untouched). */
static inline ALWAYS_INLINE size_t
queue_id(struct sl_span m, struct sl_span *qid)
{
	size_t i = 0, e;
	int digit = 0, upper = 0;

	if (starts(m.p, m.n, "NOQUEUE: ")) {
		*qid = SPAN_EMPTY;
		return 9;
	}
	/* at most 25 characters can make an id: the walk stops there;
	 * the classes without a branch each, the first 16 at once */
#ifdef __SSE2__
	if (m.n >= 16) {
		const __m128i x = _mm_loadu_si128((const __m128i *)m.p);
#define IN(lo, hi)                                                             \
	_mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8((char)((lo)-1))),        \
	              _mm_cmpgt_epi8(_mm_set1_epi8((char)((hi) + 1)), x))
		const __m128i d = IN('0', '9'), u = IN('A', 'Z');
		const __m128i l = IN('a', 'z');
#undef IN
		unsigned am = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_or_si128(d, u), l));
		unsigned run = (unsigned)__builtin_ctz(~am | 0x10000u);
		unsigned below = (1u << run) - 1;

		digit = ((unsigned)_mm_movemask_epi8(d) & below) != 0;
		upper = ((unsigned)_mm_movemask_epi8(u) & below) != 0;
		i = run;
	}
#endif
	for (; i < m.n && i <= 24; i++) {
		unsigned c = (unsigned char)m.p[i];
		int d = c - '0' < 10u, u = c - 'A' < 26u, l = c - 'a' < 26u;
		if (!(d | u | l))
			break;
		digit |= d;
		upper |= u;
	}
	e = i;
	if (i < 5 || i > 24 || !(digit || upper))
		return 0;
	if (i < m.n && m.p[i] == '[') { /* split line: qid[1]: */
		while (++i < m.n && is_digit(m.p[i]))
			;
		if (i >= m.n || m.p[i] != ']')
			return 0;
		i++;
	}
	if (i + 1 >= m.n || m.p[i] != ':' || m.p[i + 1] != ' ')
		return 0;
	*qid = (struct sl_span){m.p, e};
	return i + 2;
}

static struct sl_span
after(struct sl_span s, size_t k)
{
	return (struct sl_span){s.p + k, s.n - k};
}

static inline ALWAYS_INLINE int
contains(struct sl_span s, const char *lit)
{
	return memfind_lit(s.p, s.n, lit, strlen(lit)) != NULL;
}

/* sender_event - is a sendmail sender's line ("from=...", after the
 * queue id) an event?  None of the forms sendmail_event() knows starts
 * so: only "low on space" in it makes one */
static inline ALWAYS_INLINE int
sender_event(struct sl_span m)
{
	return contains(m, "low on space");
}

/* rest_after - what follows the first sep (", key=") in m to its end:
 * field(m, "key=", 1) when m does not start with "key=" */
static inline ALWAYS_INLINE struct sl_span
rest_after(struct sl_span m, const char *sep, size_t l)
{
	const char *st = memfind_lit(m.p, m.n, sep, l);

	if (st == NULL)
		return SPAN_EMPTY;
	st += l;
	return (struct sl_span){st, (size_t)(m.p + m.n - st)};
}

/* to_stat - the stat of a sendmail recipient's line m ("to=...", after
 * the queue id): field(m, "stat=", 1) */
static inline ALWAYS_INLINE struct sl_span
to_stat(struct sl_span m)
{
	return rest_after(m, ", stat=", 7);
}

/* delivered - a recipient's line of this stat is no event: none, or
 * delivered, queued or quarantined */
static inline ALWAYS_INLINE int
delivered(struct sl_span stat)
{
	return stat.p == NULL || span_starts(stat, "Sent") ||
	       span_starts(stat, "queued") || span_starts(stat, "quarantined");
}

static enum sl_kind
sendmail_event(struct sl_event *ev)
{
	struct sl_span m = ev->message, t;

	m = after(m, queue_id(m, &ev->queue_id));
	ev->message = m;
	if (starts(m.p, m.n, "SYSERR(")) {
		const char *cl = memchr(m.p, ')', m.n);
		if (cl == NULL)
			return SL_NONE;
		ev->user = (struct sl_span){m.p + 7, (size_t)(cl - m.p) - 7};
		t = after(m, (size_t)(cl - m.p) + 1);
		if (t.n >= 2 && t.p[0] == ':' && t.p[1] == ' ')
			t = after(t, 2);
		detail(t, ev);
		return SL_SYSERR;
	}
	if (starts(m.p, m.n, "from=")) {
		if (!sender_event(m))
			return SL_NONE;
		detail(m, ev);
		return SL_OTHER;
	}
	if (starts(m.p, m.n, "to=")) {
		/* stat= first: a delivered line (most of them) is no event,
		 * and needs none of the other fields */
		ev->stat = to_stat(m);
		if (delivered(ev->stat)) {
			ev->stat = SPAN_EMPTY;
			return SL_NONE;
		}
		ev->to = field(m, "to=", 0);
		ev->relay = field(m, "relay=", 0);
		ev->dsn = field(m, "dsn=", 0);
		if (span_starts(ev->stat, "Deferred") ||
		    span_starts(ev->dsn, "4."))
			return SL_DEFERRED;
		return SL_BOUNCED;
	}
	if (contains(m, "low on space") ||
	    starts(m.p, m.n, "dangerous permissions=") ||
	    starts(m.p, m.n, "Losing ./") ||
	    starts(m.p, m.n, "bogus queue file") ||
	    starts(m.p, m.n, "Out of disk space") ||
	    (starts(m.p, m.n, "WorkList for ") && contains(m, "maxed out"))) {
		detail(m, ev);
		return SL_OTHER;
	}
	return SL_NONE;
}

/* check_action - the class word of a cleanup header/body-check
 * "warning" action after the queue id ("warning: header Subject: ... from
 * local; from=<...>"), or an empty span. */
static struct sl_span
check_action(struct sl_span m)
{
	static const char *const cls[] = {"header ", "body ", "mime-header ",
	                                  "nested-header "};
	struct sl_span r;

	if (!starts(m.p, m.n, "warning: "))
		return SPAN_EMPTY;
	r = after(m, 9);
	for (size_t k = 0; k < sizeof(cls) / sizeof(cls[0]); k++)
		if (starts(r.p, r.n, cls[k]) && contains(r, "; from=<"))
			return (struct sl_span){r.p, strlen(cls[k]) - 1};
	return SPAN_EMPTY;
}

/* status_kind - what a postfix delivery's status makes of its line:
 * deferred, bounced or expired, an address-verification probe's
 * "undeliverable" (SL_OTHER); SL_NONE for the others ("sent") */
static inline ALWAYS_INLINE enum sl_kind
status_kind(struct sl_span st)
{
	if (span_starts(st, "deferred") || span_starts(st, "SOFTBOUNCE"))
		return SL_DEFERRED;
	if (span_starts(st, "bounced") || span_starts(st, "expired"))
		return SL_BOUNCED;
	if (span_starts(st, "undeliverable"))
		return SL_OTHER;
	return SL_NONE;
}

/* postfix_no_event - postfix_event() is SL_NONE for message m: a line
 * with a queue id whose text after it starts "to=" or "from=" (so no
 * warning, fatal, panic or check action) with no status, or one that is
 * no event; 0: not known */
static inline ALWAYS_INLINE int
postfix_no_event(struct sl_span m)
{
	struct sl_span qid;
	size_t ql;

	if (starts(m.p, m.n, "warning: ") || starts(m.p, m.n, "fatal: ") ||
	    starts(m.p, m.n, "panic: ") || (ql = queue_id(m, &qid)) == 0)
		return 0;
	m = after(m, ql);
	if (!starts(m.p, m.n, "to=") && !starts(m.p, m.n, "from="))
		return 0;
	return status_kind(rest_after(m, ", status=", 9)) == SL_NONE;
}

static enum sl_kind
postfix_event(struct sl_event *ev)
{
	static const struct {
		const char *lit;
		enum sl_kind kind;
	} sev[] = {
	    {"warning: ", SL_WARNING},
	    {"fatal: ", SL_FATAL},
	    {"panic: ", SL_PANIC},
	};
	struct sl_span m = ev->message, st;
	enum sl_kind kind;

	for (int pass = 0; pass < 2; pass++) {
		struct sl_span act = check_action(m);
		if (pass == 1 && act.p != NULL) {
			ev->stage = act;
			ev->message = m;
			return SL_OTHER;
		}
		for (size_t k = 0; k < 3; k++) {
			if (starts(m.p, m.n, sev[k].lit)) {
				detail(after(m, strlen(sev[k].lit)), ev);
				ev->message = m;
				return sev[k].kind;
			}
		}
		if (pass == 0)
			m = after(m, queue_id(m, &ev->queue_id));
	}
	ev->message = m;
	st = field(m, "status=", 1);
	if (st.p == NULL)
		return SL_NONE;
	ev->stat = st;
	ev->to = field(m, "to=", 0);
	ev->relay = field(m, "relay=", 0);
	ev->dsn = field(m, "dsn=", 0);
	kind = status_kind(st);
	if (kind == SL_OTHER) /* verify probe */
		ev->stage = (struct sl_span){st.p, 13};
	return kind;
}

/* cron_event - cron's complaint that a job's output could not be mailed
 * (cron_log.h) is queue trouble of a kind: SL_OTHER, the complaint as
 * its stat; its CMD lines are no events. */
static enum sl_kind
cron_event(struct sl_event *ev)
{
	struct cron_line_info li;
	enum cron_line k = cron_log_parse(ev->message.p, ev->message.n, &li);

	if (k != CRONL_NO_MTA && k != CRONL_MAIL_FAILED)
		return SL_NONE;
	ev->user = li.user;
	ev->stat = ev->message;
	return SL_OTHER;
}

/* repeat_count - "N times" at m: N (at most 10^9), and the bytes used;
 * 0 if m does not start with that. */
static long
repeat_count(struct sl_span m, size_t *used)
{
	size_t i = 0;
	long v = 0;

	while (i < m.n && is_digit(m.p[i]) && v < 1000000000L)
		v = v * 10 + (m.p[i++] - '0');
	if (i == 0 || i >= m.n || !starts(m.p + i, m.n - i, " times"))
		return 0;
	*used = i + 6;
	return v;
}

/* rsyslog_repeat - "message repeated N times: [ msg]": ev->repeat = N and
 * ev->message = msg. */
static void
rsyslog_repeat(struct sl_event *ev)
{
	static const char lit[] = "message repeated ";
	struct sl_span m = ev->message;
	size_t used;
	long v;

	if (!starts(m.p, m.n, lit))
		return;
	m = after(m, sizeof(lit) - 1);
	if ((v = repeat_count(m, &used)) == 0)
		return;
	m = after(m, used);
	if (!starts(m.p, m.n, ": [") || m.p[m.n - 1] != ']')
		return;
	m = (struct sl_span){m.p + 3, m.n - 4};
	if (m.n > 0 && m.p[0] == ' ')
		m = after(m, 1);
	ev->message = m;
	ev->repeat = v;
}

long
sl_last_repeated(const char *p, size_t n, struct sl_clock *clk)
{
	static const char lit[] = "last message repeated ";
	struct sl_event ev;
	const char *hit;
	struct sl_span m;
	size_t used;

	if (sl_parse_header(p, n, clk, &ev) == -1)
		return 0;
	/* with a host the tag is "last"; without one "last" is read as the
	 * host: the text from "last " on must be the whole rest */
	hit = ev.program.p;
	if (ev.host.p != NULL && ev.host.n == 4 &&
	    memcmp(ev.host.p, "last", 4) == 0)
		hit = ev.host.p;
	if (hit == NULL)
		return 0;
	m = (struct sl_span){hit, (size_t)(ev.message.p + ev.message.n - hit)};
	if (!starts(m.p, m.n, lit))
		return 0;
	m = after(m, sizeof(lit) - 1);
	if (repeat_count(m, &used) == 0 || used != m.n)
		return 0;
	return repeat_count(m, &used);
}

/* program_class - what sl_parse_line() does with a line of this tag */
static enum sl_tag
program_class(struct sl_span prog)
{
	if (prog.p == NULL || prog.n == 0)
		return SL_TAG_NONE;
	/* sendmail and postfix, a mail log's commonest, by two words */
	if ((prog.n >= 8 && sl_tag_le(prog.p) == sl_tag_le("send") &&
	     sl_tag_le(prog.p + 4) == sl_tag_le("mail")) ||
	    (prog.n >= 7 && sl_tag_le(prog.p) == sl_tag_le("post") &&
	     sl_tag_le(prog.p + 3) == sl_tag_le("tfix")))
		return SL_TAG_MAIL;
	/* cron first: its CMD lines are the commonest of the known tags */
	if (cron_log_program(prog.p, prog.n))
		return SL_TAG_CRON;
	if (span_starts(prog, "postfix") || span_starts(prog, "sendmail") ||
	    span_starts(prog, "sm-") ||
	    relay_log_program(prog.p, prog.n) != RELAY_NONE)
		return SL_TAG_MAIL;
	return SL_TAG_NONE;
}

/* off - span s of line p as an offset and a length */
static inline ALWAYS_INLINE void
off(const char *p, struct sl_span s, uint32_t *o, uint32_t *l)
{
	*o = s.p ? (uint32_t)(s.p - p) : UINT32_MAX;
	*l = s.p ? (uint32_t)s.n : 0;
}

/* span_at - the span at offset o (length l) of line p */
static inline ALWAYS_INLINE struct sl_span
span_at(const char *p, uint32_t o, uint32_t l)
{
	return o == UINT32_MAX ? SPAN_EMPTY : (struct sl_span){p + o, l};
}

/* head_save - *hd from a header walk of line p */
static inline ALWAYS_INLINE void
head_save(const char *p, const struct head *h, enum sl_tag tag,
          struct sl_head *hd)
{
	uint32_t unused;

	hd->valid = 1;
	hd->tag = (uint32_t)tag;
	hd->n = (uint32_t)h->st.n;
	off(p, h->host, &hd->host, &hd->host_n);
	off(p, h->program, &hd->prog, &hd->prog_n);
	off(p, h->pid, &hd->pid, &hd->pid_n);
	off(p, h->message, &hd->msg, &unused);
	hd->st_at = (uint32_t)h->st.at;
	hd->st_len = (uint32_t)h->st.len;
	hd->st_rfc5424 = (uint32_t)h->st.rfc5424;
}

/* tag_class - sl_tag_class() with the header walk in *h (set unless
 * SL_TAG_NONE) */
static inline ALWAYS_INLINE enum sl_tag
tag_class(const char *p, size_t n, struct head *h)
{
	size_t hs, t;

	/* most lines: a tag of no known program, told by its first bytes;
	 * the others: the tag where header() finds it */
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if ((t = quick_tag(p, n, &hs)) != 0) {
		if (t + 4 <= n && !sl_tag_may_be_wanted(p + t))
			return SL_TAG_NONE;
		quick_head(p, n, hs, t, h);
	} else if (header(p, n, h) == -1) {
		return SL_TAG_NONE;
	}
	return program_class(h->program);
}

enum sl_tag
sl_tag_class(const char *p, size_t n)
{
	struct head h;

	return tag_class(p, n, &h);
}

/* class_head_walked - sl_tag_class_head() of a line of no common form */
static __attribute__((noinline)) enum sl_tag
class_head_walked(const char *p, size_t n, struct sl_head *hd)
{
	struct head h;
	enum sl_tag tag = tag_class(p, n, &h);

	if (tag != SL_TAG_NONE && n < UINT32_MAX)
		head_save(p, &h, tag, hd);
	return tag;
}

/* class_quick - sl_tag_class_head() of a line of a common form (m bytes
 * without its CR/LF, n with them), its host at hs and its tag at t */
static inline ALWAYS_INLINE enum sl_tag
class_quick(const char *p, size_t m, size_t n, size_t hs, size_t t,
            struct sl_head *hd)
{
	struct head q; /* never leaves this frame: kept in registers */
	enum sl_tag tag;

	quick_head(p, m, hs, t, &q);
	tag = program_class(q.program);
	if (tag != SL_TAG_NONE && n < UINT32_MAX)
		head_save(p, &q, tag, hd);
	return tag;
}

enum sl_tag
sl_tag_class_head(const char *p, size_t n, struct sl_head *hd)
{
	size_t hs, t, m = n;

	hd->valid = 0;
	while (m > 0 && (p[m - 1] == '\n' || p[m - 1] == '\r'))
		m--;
	/* the common forms here, tag_class()'s first rule, the others
	 * walked */
	if ((t = quick_tag(p, m, &hs)) == 0)
		return class_head_walked(p, n, hd);
	if (t + 4 <= m && !sl_tag_may_be_wanted(p + t))
		return SL_TAG_NONE;
	return class_quick(p, m, n, hs, t, hd);
}

enum sl_tag
sl_tag_class_at(const char *p, size_t n, size_t tag_at, struct sl_head *hd)
{
	size_t m = n;

	hd->valid = 0;
	while (m > 0 && (p[m - 1] == '\n' || p[m - 1] == '\r'))
		m--;
	if (tag_at < 18 || tag_at >= m) /* quick_tag() would not have it */
		return sl_tag_class_head(p, n, hd);
	return class_quick(p, m, n, 16, tag_at, hd);
}

int
sl_cron_cmd(const char *p, size_t n, struct sl_clock *clk)
{
	return sl_cron_cmd_head(p, n, NULL, clk);
}

int
sl_cron_cmd_head(const char *p, size_t n, const struct sl_head *hd,
                 struct sl_clock *clk)
{
	struct head h;
	time_t ts;

	if (hd != NULL && hd->valid) {
		/* the message's shape first, the stamp only for a CMD line;
		 * no header is rebuilt */
		const struct stamp st = {hd->st_at, hd->st_len, hd->n,
		                         (int)hd->st_rfc5424};

		return hd->tag == SL_TAG_CRON &&
		       cron_log_is_cmd(p + hd->msg, hd->n - hd->msg) &&
		       stamp_time(p, &st, clk, &ts) == 0;
	}
	if (header(p, n, &h) == -1 ||
	    !cron_log_program(h.program.p, h.program.n))
		return 0;
	return cron_log_is_cmd(h.message.p, h.message.n) &&
	       stamp_time(p, &h.st, clk, &ts) == 0;
}

int
sl_head_no_event(const char *p, const struct sl_head *hd)
{
	struct sl_span m, prog, qid;

	if (hd == NULL || !hd->valid || hd->tag != SL_TAG_MAIL ||
	    hd->prog == UINT32_MAX)
		return 0;
	prog = span_at(p, hd->prog, hd->prog_n);
	m = (struct sl_span){p + hd->msg, hd->n - hd->msg};
	/* sendmail's and postfix's lines as sl_parse_line_head() reads them
	 * (it makes no time of a mail line that is no event), a
	 * repeat-reduced one left to it */
	if (starts(m.p, m.n, "message repeated "))
		return 0;
	if (span_starts(prog, "postfix"))
		return postfix_no_event(m);
	if (!(span_starts(prog, "sendmail") || span_starts(prog, "sm-")))
		return 0;
	m = after(m, queue_id(m, &qid));
	if (starts(m.p, m.n, "from="))
		return !sender_event(m);
	if (starts(m.p, m.n, "to="))
		return delivered(to_stat(m));
	return 0;
}

enum sl_kind
sl_parse_line(const char *p, size_t n, struct sl_clock *clk,
              struct sl_event *ev)
{
	return sl_parse_line_head(p, n, NULL, clk, ev);
}

enum sl_kind
sl_parse_line_head(const char *p, size_t n, const struct sl_head *hd,
                   struct sl_clock *clk, struct sl_event *ev)
{
	struct sl_span prog;
	struct head h;
	enum sl_tag tag;

	if (hd != NULL && hd->valid) {
		/* straight into ev: a copy through a struct head was a
		 * stalled load (a 16-byte read of two 8-byte stores) */
		unparsed(ev);
		ev->host = span_at(p, hd->host, hd->host_n);
		ev->program = span_at(p, hd->prog, hd->prog_n);
		ev->pid = span_at(p, hd->pid, hd->pid_n);
		ev->message = (struct sl_span){p + hd->msg, hd->n - hd->msg};
		h.st = (struct stamp){hd->st_at, hd->st_len, hd->n,
		                      (int)hd->st_rfc5424};
	} else if (header(p, n, &h) == -1) {
		unparsed(ev);
		return SL_NONE;
	} else {
		from_head(ev, &h);
	}
	rsyslog_repeat(ev);
	prog = ev->program;
	/* the tag's class as sl_tag_class_head() found it */
	tag = hd != NULL && hd->valid ? (enum sl_tag)hd->tag
	                              : program_class(prog);
	if (span_starts(prog, "postfix"))
		ev->kind = postfix_event(ev);
	else if (span_starts(prog, "sendmail") || span_starts(prog, "sm-"))
		ev->kind = sendmail_event(ev);
	else if (tag == SL_TAG_MAIL)
		ev->kind = relay_log_event(ev);
	else if (tag == SL_TAG_CRON)
		ev->kind = cron_event(ev);
	else if (contains(ev->message, "SYSERR("))
		ev->kind = sendmail_event(ev);
	else
		ev->kind = SL_NONE;
	/* the stamp is converted only for what is used: an event, and the
	 * cron lines the caller feeds to cron_lost (a delivered mail's
	 * line, most of a mail log, needs no time) */
	if ((ev->kind != SL_NONE || tag == SL_TAG_CRON) &&
	    stamp_time(p, &h.st, clk, &ev->ts) == -1) {
		unparsed(ev);
		ev->kind = SL_NONE;
	}
	return ev->kind;
}
