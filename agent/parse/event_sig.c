/*
 * event_sig.c - event signatures (normalised text) and line ids.
 *
 *   SYSERR(root): collect: Cannot write ./dfu1F1K2am007134 (bfcommit,
 *   uid=51, gid=51): Permission denied
 * becomes
 *   sendmail: SYSERR(root): collect: Cannot write ./df<id> (bfcommit,
 *   uid=N, gid=N): Permission denied
 *
 * so a million such lines are one group.  No allocation.
 */
#include <stdio.h>
#include <string.h>

#include "agent/parse/event_sig.h"
#include "agent/parse/exim_spool.h"
#include "common/hash.h"

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
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
	memcpy(o->p + o->len, s, l);
	o->len += l;
	o->p[o->len] = '\0';
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* run - normalise one maximal run of letters and digits. */
static void
run(struct out *o, const char *r, size_t l)
{
	size_t digits = 0, alpha = 0;

	for (size_t i = 0; i < l; i++) {
		if (is_digit(r[i]))
			digits++;
		else
			alpha++;
	}
	if (alpha == 0) {
		puts_(o, "N");
		return;
	}
	if (l > 2 && r[0] == '0' && (r[1] == 'x' || r[1] == 'X')) {
		size_t i = 2;
		while (i < l && is_hex(r[i]))
			i++;
		if (i == l) {
			puts_(o, "0xN");
			return;
		}
	}
	if (l >= 8 && digits > 0) {
		/* queue file names: df/qf/xf/tf/hf/Qf + queue id */
		if (l >= 10 && r[1] == 'f' && strchr("dqxthQ", r[0]) != NULL)
			put(o, r, 2);
		puts_(o, "<id>");
		return;
	}
	put(o, r, l);
}

size_t
event_normalise(const char *text, size_t len, char *out, size_t n)
{
	struct out o = {out, n, 0};
	size_t i = 0;

	if (n == 0)
		return 0;
	out[0] = '\0';
	while (i < len && o.len + 1 < n) {
		/* an Exim message id ("1xYK3d-0002Kh-1p", 4.97's longer
		 * form): three runs joined by '-', one id */
		if ((i == 0 ||
		     !(is_digit(text[i - 1]) || is_alpha(text[i - 1]))) &&
		    ((len - i >= 16 && exim_id_valid(text + i, 16) &&
		      (len - i == 16 ||
		       !(is_digit(text[i + 16]) || is_alpha(text[i + 16])))) ||
		     (len - i >= 23 && exim_id_valid(text + i, 23) &&
		      (len - i == 23 ||
		       !(is_digit(text[i + 23]) || is_alpha(text[i + 23])))))) {
			size_t l = len - i >= 23 && exim_id_valid(text + i, 23)
			               ? 23
			               : 16;
			puts_(&o, "<id>");
			i += l;
			continue;
		}
		if (is_digit(text[i]) || is_alpha(text[i])) {
			size_t s = i;
			while (i < len &&
			       (is_digit(text[i]) || is_alpha(text[i])))
				i++;
			run(&o, text + s, i - s);
		} else {
			put(&o, text + i, 1);
			i++;
		}
	}
	return o.len;
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
	if ((ev->kind == SL_DEFERRED || ev->kind == SL_BOUNCED) &&
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
	snprintf(out, EVENT_ID_LEN, "%016llx%016llx", a, b);
}
