/*
 * exim_log.c - Exim main log / paniclog / msglog line parser (see
 * exim_log.h).
 *
 * A real line it reads (Exim 4.96, tests/data/exim/real-4.96/mainlog):
 *
 *   2026-12-01 09:22:06 1xYK3q-0003B1-1l == ops@example.net R=smarthost
 *   T=remote_smtp defer (111): Connection refused
 *
 * Bounded walks over (p, n) with memchr/memfind; no allocation, no regex.
 */
#include <string.h>
#include <strings.h>

#include "agent/parse/exim_log.h"
#include "agent/parse/exim_spool.h"
#include "common/memfind.h"
#include "common/timeutil.h"

#define SPAN_EMPTY ((struct sl_span){NULL, 0})

static const char exim_program[] = "exim";

/* strerror texts Exim appends to spool, log and delivery errors */
static const char *const errno_texts[] = {
    "Permission denied",       "No space left on device",
    "Read-only file system",   "No such file or directory",
    "Disk quota exceeded",     "Too many open files",
    "Operation not permitted", "Is a directory",
    "Not a directory",         "Input/output error",
    "Connection refused",      "Connection timed out",
    "Network is unreachable",  "No route to host",
};

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
starts(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n >= l && memcmp(p, lit, l) == 0;
}

static int
contains(struct sl_span s, const char *lit)
{
	return s.p != NULL && memfind_lit(s.p, s.n, lit, strlen(lit)) != NULL;
}

size_t
exim_stamp(const char *p, size_t n, struct sl_clock *clk, time_t *ts)
{
	struct civil cv;
	size_t used = 19;

	if (n < 19 || p[4] != '-' || p[7] != '-' || p[10] != ' ' ||
	    p[13] != ':' || p[16] != ':' || civil_parse(p, &cv) == -1 ||
	    cv.year < 1970 || !civil_valid(&cv))
		return 0;
	if (used + 4 <= n && p[used] == '.' &&
	    time_digits(p + used + 1, 3) >= 0)
		used += 4; /* +millisec */
	if (used + 6 <= n && p[used] == ' ' &&
	    (p[used + 1] == '+' || p[used + 1] == '-') &&
	    time_digits(p + used + 2, 4) >= 0) {
		/* log_timezone: the zone is given, no guessing */
		int z = time_digits(p + used + 2, 4);
		long off = (z / 100) * 3600L + (z % 100) * 60L;
		*ts = civil_to_time(&cv) - (p[used + 1] == '+' ? off : -off);
		return used + 6;
	}
	*ts = sl_local_time(clk, cv.year, cv.month, cv.day, cv.hour, cv.min,
	                    cv.sec);
	return *ts == (time_t)-1 ? 0 : used;
}

/* token - the run of non-blanks at p[i..n) */
static struct sl_span
token(const char *p, size_t n, size_t i)
{
	size_t e = i;
	while (e < n && p[e] != ' ')
		e++;
	return (struct sl_span){p + i, e - i};
}

/* field - the value of " KEY=" in t (up to the next blank, or up to the
 * ':' that ends the field list of a "**" line) */
static struct sl_span
field(struct sl_span t, const char *key)
{
	size_t kl = strlen(key);
	const char *p = t.p, *end = t.p + t.n;

	while (p && p < end) {
		const char *hit = memfind_lit(p, (size_t)(end - p), key, kl);
		if (hit == NULL)
			break;
		if (hit > t.p && hit[-1] == ' ') {
			const char *v = hit + kl, *e = v;
			while (e < end && *e != ' ' &&
			       !(*e == ':' && (e + 1 == end || e[1] == ' ')))
				e++;
			return (struct sl_span){v, (size_t)(e - v)};
		}
		p = hit + 1;
	}
	return SPAN_EMPTY;
}

/* errno_in - the strerror text in t that ends it or is followed by ":" */
static struct sl_span
errno_in(struct sl_span t)
{
	for (size_t k = 0; k < sizeof(errno_texts) / sizeof(errno_texts[0]);
	     k++) {
		size_t l = strlen(errno_texts[k]);
		const char *p = t.p, *end = t.p + t.n;
		while (p < end) {
			const char *hit = memfind_lit(p, (size_t)(end - p),
			                              errno_texts[k], l);
			if (hit == NULL)
				break;
			if (hit - t.p >= 2 && hit[-2] == ':' &&
			    hit[-1] == ' ' && (hit + l == end || hit[l] == ':'))
				return (struct sl_span){hit, l};
			p = hit + 1;
		}
	}
	return SPAN_EMPTY;
}

/* path_in - the first absolute path in t, quotes and a final ':' cut */
static struct sl_span
path_in(struct sl_span t)
{
	const char *end = t.p + t.n;

	for (const char *q = t.p; q < end; q++) {
		const char *e;
		if (*q != '/' || !(q == t.p || q[-1] == ' ' || q[-1] == '"'))
			continue;
		e = q;
		while (e < end && *e != ' ' && *e != '"' &&
		       !(*e == ':' && (e + 1 == end || e[1] == ' ')))
			e++;
		return (struct sl_span){q, (size_t)(e - q)};
	}
	return SPAN_EMPTY;
}

/* number_after - the number after "key" in t, -1 if absent */
static long
number_after(struct sl_span t, const char *key)
{
	const char *hit = t.p ? memfind_lit(t.p, t.n, key, strlen(key)) : NULL;
	const char *end = t.p + t.n, *v;
	long x = 0;

	if (hit == NULL)
		return -1;
	v = hit + strlen(key);
	if (v >= end || !is_digit(*v))
		return -1;
	for (; v < end && is_digit(*v) && x < 100000000L; v++)
		x = x * 10 + (*v - '0');
	return x;
}

/* after_colon - the text after the first ": " at or after from */
static struct sl_span
after_colon(struct sl_span t, const char *from)
{
	const char *end = t.p + t.n;

	for (const char *q = from; q + 1 < end; q++)
		if (q[0] == ':' && q[1] == ' ')
			return (struct sl_span){q + 2, (size_t)(end - q - 2)};
	return SPAN_EMPTY;
}

/* delivery_fields - R=, T=, H= and the reason of a "==" or "**" line */
static void
delivery_fields(struct exim_line *x, struct sl_span rest)
{
	const char *d = memfind_lit(rest.p, rest.n, " defer (", 8);
	const char *end = rest.p + rest.n;

	x->router = field(rest, "R=");
	x->transport = field(rest, "T=");
	x->ev.relay = field(rest, "H=");
	if (d) {
		const char *c = d + 8, *close;
		int neg = 0;
		if (c < end && *c == '-') {
			neg = 1;
			c++;
		}
		close = memchr(c, ')', (size_t)(end - c));
		if (close && close > c) {
			long v = 0;
			const char *q = c;
			for (; q < close && is_digit(*q) && v < 100000L; q++)
				v = v * 10 + (*q - '0');
			if (q == close) {
				x->code = neg ? -v : v;
				x->has_code = 1;
			}
			x->ev.stat = after_colon(rest, close);
		}
	}
	if (x->ev.stat.p == NULL)
		x->ev.stat = after_colon(rest, x->addr.p + x->addr.n - 1);
	if (x->ev.stat.p == NULL)
		x->ev.stat = rest;
}

static int
retry_wait(struct sl_span t)
{
	return contains(t, "etry time not reached") ||
	       contains(t, "etry time not yet reached");
}

/* classify - the text after stamp, pid and id */
static void
classify(struct exim_line *x, struct sl_span rest, int panic)
{
	struct sl_event *ev = &x->ev;
	const char *p = rest.p;
	size_t n = rest.n;

	ev->errno_text = errno_in(rest);
	ev->path = path_in(rest);
	ev->euid = number_after(rest, "euid=");
	ev->gid = number_after(rest, "egid=");
	if (n >= 3 && p[2] == ' ' &&
	    (starts(p, n, "<=") || starts(p, n, "=>") || starts(p, n, "->") ||
	     starts(p, n, ">>") || starts(p, n, "*>") || starts(p, n, "==") ||
	     starts(p, n, "**"))) {
		struct sl_span r = {p + 3, n - 3};
		x->addr = token(p, n, 3);
		if (x->addr.n > 0 && x->addr.p[x->addr.n - 1] == ':')
			x->addr.n--;
		ev->to = x->addr;
		if (p[0] == '<') {
			x->op = EXIM_OP_ARRIVAL;
		} else if (p[0] == '=' && p[1] == '=') {
			x->op = EXIM_OP_DEFER;
			ev->kind = SL_DEFERRED;
			delivery_fields(x, r);
			x->retry_wait = retry_wait(ev->stat);
		} else if (p[0] == '*' && p[1] == '*') {
			x->op = EXIM_OP_FAIL;
			ev->kind = SL_BOUNCED;
			delivery_fields(x, r);
		} else {
			x->op = EXIM_OP_DELIVERY;
			x->router = field(r, "R=");
			x->transport = field(r, "T=");
			ev->relay = field(r, "H=");
		}
		if (x->op != EXIM_OP_DEFER && x->op != EXIM_OP_FAIL)
			ev->errno_text = ev->path = SPAN_EMPTY;
	} else if (n == 9 && memcmp(p, "Completed", 9) == 0) {
		x->op = EXIM_OP_COMPLETED;
	} else if ((n == 6 || (n > 6 && p[6] == ' ')) &&
	           memcmp(p, "Frozen", 6) == 0) {
		x->op = EXIM_OP_FROZEN;
		ev->kind = SL_WARNING;
		ev->stage = (struct sl_span){p, 6};
	} else if (starts(p, n, "Message is frozen")) {
		x->op = EXIM_OP_FROZEN;
		x->repeat = 1;
	} else if (retry_wait(rest)) {
		x->op = EXIM_OP_DEFER;
		x->retry_wait = 1;
		ev->kind = SL_DEFERRED;
		ev->stat = rest;
	} else if (contains(rest, "spool") &&
	           (ev->errno_text.p != NULL || contains(rest, "rror"))) {
		/* "Failed to create spool file ...: Permission denied",
		 * "spool file write error while delivering: ..." */
		x->op = EXIM_OP_SPOOL;
		ev->kind = SL_OTHER;
		ev->stage = (struct sl_span){"spool", 5};
	} else if (contains(rest, "configuration error") ||
	           contains(rest, "could not open panic log") ||
	           (ev->errno_text.p != NULL &&
	            (starts(p, n, "Cannot ") || starts(p, n, "cannot ") ||
	             starts(p, n, "Failed ") || starts(p, n, "failed ") ||
	             starts(p, n, "Unable ") || starts(p, n, "unable ")))) {
		x->op = EXIM_OP_ERROR;
		ev->kind = SL_FATAL;
	}
	if (panic) {
		x->op = EXIM_OP_PANIC;
		ev->kind = SL_PANIC;
	}
}

enum sl_kind
exim_log_parse(const char *p, size_t n, struct sl_clock *clk, int panic,
               struct exim_line *x)
{
	struct sl_event *ev = &x->ev;
	size_t i, used;

	memset(x, 0, sizeof(*x));
	ev->uid = ev->gid = ev->euid = -1;
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	ev->program = (struct sl_span){exim_program, sizeof(exim_program) - 1};
	used = exim_stamp(p, n, clk, &ev->ts);
	if (used == 0 && panic) {
		x->continuation = 1;
		ev->message = (struct sl_span){p, n};
		return SL_NONE;
	}
	i = used;
	while (i < n && p[i] == ' ')
		i++;
	if (i < n && p[i] == '[') { /* log_selector +pid */
		size_t e = i + 1;
		while (e < n && is_digit(p[e]))
			e++;
		if (e < n && p[e] == ']' && e > i + 1) {
			ev->pid = (struct sl_span){p + i + 1, e - i - 1};
			i = e + 1;
			while (i < n && p[i] == ' ')
				i++;
		}
	}
	{
		struct sl_span id = token(p, n, i);
		if (exim_id_valid(id.p, id.n)) {
			ev->queue_id = id;
			i += id.n;
			while (i < n && p[i] == ' ')
				i++;
		}
	}
	ev->message = (struct sl_span){p + i, n - i};
	classify(x, ev->message, panic);
	return ev->kind;
}

/* msglog_reason - the error of one msglog line (after its stamp), or 0 */
static int
msglog_reason(struct sl_span t, struct exim_msglog *out)
{
	const char *d = memfind_lit(t.p, t.n, " defer (", 8);

	if (starts(t.p, t.n, "routing failed for ")) {
		struct sl_span r = {t.p + 19, t.n - 19};
		struct sl_span a = token(r.p, r.n, 0);
		if (a.n > 0 && a.p[a.n - 1] == ':')
			a.n--;
		out->addr = a;
		out->reason = after_colon(r, r.p);
		out->fail = 1;
		return out->reason.p != NULL;
	}
	if (starts(t.p, t.n, "** ")) {
		struct exim_line x;
		memset(&x, 0, sizeof(x));
		x.addr = token(t.p, t.n, 3);
		delivery_fields(&x, (struct sl_span){t.p + 3, t.n - 3});
		out->addr = x.addr;
		if (out->addr.n > 0 && out->addr.p[out->addr.n - 1] == ':')
			out->addr.n--;
		out->reason = x.ev.stat;
		out->fail = 1;
		return 1;
	}
	if (d) {
		const char *close = memchr(d, ')', (size_t)(t.p + t.n - d));
		out->addr = token(t.p, t.n, 0);
		out->reason = close ? after_colon(t, close) : SPAN_EMPTY;
		out->fail = 0;
		return out->reason.p != NULL;
	}
	return 0;
}

int
exim_msglog_parse(const char *buf, size_t len, struct sl_clock *clk,
                  struct exim_msglog *out)
{
	const char *p = buf, *end = buf + len;
	int found = 0;

	memset(out, 0, sizeof(*out));
	out->ts = -1;
	while (p < end) {
		const char *nl = memfind_byte(p, (size_t)(end - p), '\n');
		size_t n = (size_t)((nl ? nl : end) - p);
		time_t ts;
		size_t used;

		out->lines++;
		if (starts(p, n, "*** Frozen")) {
			struct sl_span r = {p + 10, n - 10};
			out->frozen = 1;
			out->frozen_note = SPAN_EMPTY;
			if (r.n > 3 && r.p[0] == ' ' && r.p[1] == '(' &&
			    r.p[r.n - 1] == ')')
				out->frozen_note =
				    (struct sl_span){r.p + 2, r.n - 3};
			found = 1;
		} else if ((used = exim_stamp(p, n, clk, &ts)) > 0) {
			struct sl_span t = {p + used, n - used};
			struct exim_msglog cur = *out;
			while (t.n > 0 && t.p[0] == ' ') {
				t.p++;
				t.n--;
			}
			if (msglog_reason(t, &cur)) {
				*out = cur;
				out->ts = ts;
				out->retry_wait = retry_wait(out->reason);
				if (!out->retry_wait)
					out->cause = out->reason;
				out->frozen =
				    0; /* tried again after a freeze */
				found = 1;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return found ? 0 : -1;
}
