/*
 * event_sig.c - event signatures (normalised text) and line ids.
 *
 *   SYSERR(root): collect: Cannot write ./dfu1F1K2am007134 (bfcommit,
 *   uid=51, gid=51): Permission denied
 * becomes
 *   sendmail: SYSERR(root): collect: Cannot write ./df<id> (bfcommit,
 *   uid=N, gid=N): Permission denied
 *
 * so a million such lines are one group.  Host names ("host7.example.net")
 * become "host" and mail addresses ("u7@example.net") "addr", so
 *   collect: I/O error on connection from host7.example.net,
 *   from=<u7@example.net>
 * is "collect: I/O error on connection from host, from=<addr>" for every
 * host and sender.  No allocation.
 */
#include <string.h>

#include "agent/parse/event_sig.h"
#include "agent/parse/exim_spool.h"
#include "common/copy_short.h"
#include "common/hash.h"

static inline int
is_digit(int c)
{
	return (unsigned)(c - '0') < 10;
}

static inline int
is_alpha(int c)
{
	return (unsigned)((c | 0x20) - 'a') < 26;
}

static int
is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

struct out {
	char *p;
	size_t n, len;
};

static void
put(struct out *o, const char *s, size_t l)
{
	if (o->len + 1 >= o->n)
		return;
	if (l > o->n - 1 - o->len)
		l = o->n - 1 - o->len;
	copy_short(o->p + o->len, s, l);
	o->len += l;
	o->p[o->len] = '\0';
}

/* put1 - put() of the one byte c */
static void
put1(struct out *o, char c)
{
	if (o->len + 1 >= o->n)
		return;
	o->p[o->len++] = c;
	o->p[o->len] = '\0';
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* run - normalise one maximal run of letters and digits; in_path: it is
 * a path component (after a '/'), whose short words stay as they are
 * ("/var/spool/exim4"). */
static void
run(struct out *o, const char *r, size_t l, int in_path)
{
	size_t digits = 0, alpha = 0;

	for (size_t i = 0; i < l; i++) {
		if (is_digit(r[i]))
			digits++;
		else
			alpha++;
	}
	if (alpha == 0) {
		put(o, "N", 1);
		return;
	}
	if (l > 2 && r[0] == '0' && (r[1] == 'x' || r[1] == 'X')) {
		size_t i = 2;
		while (i < l && is_hex(r[i]))
			i++;
		if (i == l) {
			put(o, "0xN", 3);
			return;
		}
	}
	if (l >= 8 && digits > 0) {
		/* queue file names: df/qf/xf/tf/hf/Qf + queue id */
		if (l >= 10 && r[1] == 'f' && strchr("dqxthQ", r[0]) != NULL)
			put(o, r, 2);
		put(o, "<id>", 4);
		return;
	}
	if (in_path || digits == 0) {
		put(o, r, l);
		return;
	}
	/* a short word with digits ("host12", "u7"): digits become N */
	for (size_t i = 0; i < l;) {
		size_t s = i;

		while (i < l && !is_digit(r[i]))
			i++;
		put(o, r + s, i - s);
		if (i == l)
			break;
		while (i < l && is_digit(r[i]))
			i++;
		put(o, "N", 1);
	}
}

static inline int
is_host_char(int c)
{
	return is_digit(c) || is_alpha(c) || c == '-' || c == '.';
}

static inline int
is_local_char(int c)
{
	return is_digit(c) || is_alpha(c) || c == '.' || c == '+' || c == '-' ||
	       c == '_' || c == '=';
}

static inline int
is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

/* address - length of "local@domain" at t (local part and a domain with
 * a dot), or 0. */
static size_t
address(const char *t, size_t len)
{
	size_t i = 0, at, dots = 0;

	while (i < len && is_local_char(t[i]))
		i++;
	if (i == 0 || i >= len || t[i] != '@')
		return 0;
	at = ++i;
	while (i < len && is_host_char(t[i]))
		dots += t[i++] == '.';
	while (i > at && (t[i - 1] == '.' || t[i - 1] == '-'))
		i--;
	return i > at && dots > 0 ? i : 0;
}

/* host_name - length of a host name at t: three or more labels ending in
 * an alphabetic one ("host7.example.net"), or two before '[' ("mx.example
 * [192.0.2.1]"); 0 for anything else ("sendmail.cf", "./dfXXX"). */
static size_t
host_name(const char *t, size_t len)
{
	size_t i = 0, dots = 0, last = 0, letters = 0;

	while (i < len && is_host_char(t[i])) {
		if (t[i] == '.') {
			dots++;
			last = i + 1;
		}
		letters += is_alpha(t[i]);
		i++;
	}
	while (i > 0 && (t[i - 1] == '.' || t[i - 1] == '-'))
		i--;
	if (letters == 0 || last == 0 || last >= i)
		return 0;
	for (size_t k = last; k < i; k++)
		if (!is_alpha(t[k]))
			return 0;
	if (i - last < 2)
		return 0;
	if (dots >= 2 || (dots == 1 && i < len && t[i] == '['))
		return i;
	return 0;
}

/* token_start - whether position i can begin an address or host name
 * (not inside a word or a path). */
static int
token_start(const char *text, size_t i)
{
	int c = i ? (unsigned char)text[i - 1] : ' ';
	return !(is_host_char(c) || c == '/' || c == '_' || c == '@' ||
	         c == '+' || c == '=');
}

/* exim_id_at - the length of the Exim message id at text + i (16, or
 * 23 for 4.97's longer form), not inside a word; 0 if there is none.
 * Both forms have their first '-' at 6: looked at first, as most
 * positions have none. */
static size_t
exim_id_at(const char *text, size_t len, size_t i)
{
	size_t left = len - i;

	if (left < 16 || text[i + 6] != '-' || (i > 0 && is_alnum(text[i - 1])))
		return 0;
	if (left >= 23 && exim_id_valid(text + i, 23) &&
	    (left == 23 || !is_alnum(text[i + 23])))
		return 23;
	if (exim_id_valid(text + i, 16) &&
	    (left == 16 || !is_alnum(text[i + 16])))
		return 16;
	return 0;
}

/* name_at - the length of the address or host name (token_start(),
 * alphanumeric) at t, "addr" or "host" in *what; 0 for neither.  One
 * scan over the local part's bytes tells whether either can be there:
 * an address needs '@' right after them, a host name a '.' among them
 * (its bytes are a subset). */
static size_t
name_at(const char *t, size_t len, const char **what)
{
	size_t j = 0, l;
	int dot = 0;

	while (j < len && is_local_char(t[j]))
		dot |= t[j++] == '.';
	if (j < len && t[j] == '@' && (l = address(t, len)) > 0) {
		*what = "addr";
		return l;
	}
	if (dot && (l = host_name(t, len)) > 0) {
		*what = "host";
		return l;
	}
	return 0;
}

size_t
event_normalise(const char *text, size_t len, char *out, size_t n)
{
	struct out o = {out, n, 0};
	size_t i = 0, l;

	if (n == 0)
		return 0;
	out[0] = '\0';
	while (i < len && o.len + 1 < n) {
		/* an Exim message id ("1xYK3d-0002Kh-1p", 4.97's longer
		 * form): three runs joined by '-', one id */
		const char *what;

		if ((l = exim_id_at(text, len, i)) > 0) {
			put(&o, "<id>", 4);
			i += l;
			continue;
		}
		if (is_alnum(text[i]) && token_start(text, i) &&
		    (l = name_at(text + i, len - i, &what)) > 0) {
			put(&o, what, 4); /* "addr", "host" */
			i += l;
			continue;
		}
		if (is_digit(text[i]) || is_alpha(text[i])) {
			size_t s = i;
			while (i < len &&
			       (is_digit(text[i]) || is_alpha(text[i])))
				i++;
			run(&o, text + s, i - s, s > 0 && text[s - 1] == '/');
		} else {
			put1(&o, text[i]);
			i++;
		}
	}
	return o.len;
}

/* check_action_sig - a cleanup header/body-check action ("warning:
 * header Subject: <any subject> from ...") is grouped by its class and
 * header name only: "warning: header Subject:", "warning: body".  0 if
 * the event is not one. */
static int
check_action_sig(const struct sl_event *ev, struct out *o)
{
	const char *m = ev->message.p, *e, *name;

	if (ev->kind != SL_OTHER || ev->stage.p == NULL || m == NULL ||
	    ev->stage.p != m + 9 || memcmp(m, "warning: ", 9) != 0)
		return 0;
	e = m + ev->message.n;
	name = ev->stage.p + ev->stage.n;
	if (ev->stage.n > 4 && name < e) { /* *header: the header's name */
		const char *c = memchr(name, ':', (size_t)(e - name));
		if (c != NULL && c - name <= 80)
			name = c + 1;
	}
	put(o, m, (size_t)(name - m));
	return 1;
}

size_t
event_signature(const struct sl_event *ev, char *out, size_t n)
{
	struct out o = {out, n, 0};
	struct sl_span t = ev->message;
	int postfix =
	    ev->program.n >= 7 && memcmp(ev->program.p, "postfix", 7) == 0;

	if (n == 0)
		return 0;
	out[0] = '\0';
	if (ev->program.p != NULL)
		put(&o, ev->program.p, ev->program.n);
	else
		puts_(&o, "-");
	puts_(&o, ": ");
	if (check_action_sig(ev, &o))
		return o.len;
	if ((ev->kind == SL_DEFERRED || ev->kind == SL_BOUNCED ||
	     ev->kind == SL_OTHER) &&
	    ev->stat.p != NULL) {
		puts_(&o, postfix ? "status=" : "stat=");
		t = ev->stat;
	}
	o.len += event_normalise(t.p ? t.p : "", t.p ? t.n : 0, out + o.len,
	                         n - o.len);
	return o.len;
}

unsigned long long
event_hash64(const char *p, size_t len)
{
	return hash_fnv1a(HASH_FNV1A_BASIS, p, len);
}

/* put_hex64 - v as 16 lower-case hex digits (what "%016llx" writes,
 * without printf's cost for every event) */
static void
put_hex64(char *out, unsigned long long v)
{
	static const char digit[] = "0123456789abcdef";

	for (int i = 15; i >= 0; i--) {
		out[i] = digit[v & 0xf];
		v >>= 4;
	}
}

void
event_id(const char *line, size_t len, char out[EVENT_ID_LEN])
{
	unsigned long long a = event_hash64(line, len);
	/* second hash: other basis, length mixed in, bytes read backwards
	 * through a different fold so the two are independent enough */
	unsigned long long b = 0x84222325cbf29ce4ULL ^ (unsigned long long)len;
	for (size_t i = len; i > 0; i--) {
		b ^= (unsigned char)line[i - 1];
		b *= HASH_FNV1A_PRIME;
		b ^= b >> 29;
	}
	put_hex64(out, a);
	put_hex64(out + 16, b);
	out[32] = '\0';
}
