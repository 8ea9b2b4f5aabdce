/*
 * json_out.c - a report's JSON text to a stdio stream (see json_out.h):
 * jansson's layout (its indentation, separators, key order and escapes)
 * written straight into one 32 KiB block.  A string that is all ASCII,
 * nearly every one of a report, is copied in runs between the bytes that
 * need an escape; anything else is handed to jansson.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/json_out.h"
#include "common/copy_short.h"
#include "common/xalloc.h"

#define OUT_BLOCK (32u << 10)
#define OUT_DEPTH 1000 /* deeper is a loop: jansson refuses one too */

/* the flags written here; with any other, the dump is jansson's (so is
 * JSON_PRESERVE_ORDER, which jansson before 2.8 honoured by sorting) */
#define OUT_FLAGS                                                              \
	(JSON_MAX_INDENT | JSON_COMPACT | JSON_ENSURE_ASCII |                  \
	 JSON_ENCODE_ANY | JSON_REAL_PRECISION(31))

/* a key's length: keys may hold a NUL from jansson 2.14 on */
#if JANSSON_VERSION_HEX >= 0x020e00
#define KEY_LEN(it) json_object_iter_key_len(it)
#else
#define KEY_LEN(it) strlen(json_object_iter_key(it))
#endif

struct out {
	FILE *f;
	size_t flags, indent, len;
	int err;
	char *b; /* OUT_BLOCK bytes */
};

static void
flush(struct out *o)
{
	if (o->len > 0 && !o->err && fwrite(o->b, 1, o->len, o->f) != o->len)
		o->err = 1;
	o->len = 0;
}

static void
put(struct out *o, const char *p, size_t n)
{
	if (n > OUT_BLOCK - o->len)
		flush(o);
	if (n > OUT_BLOCK) {
		if (!o->err && fwrite(p, 1, n, o->f) != n)
			o->err = 1;
		return;
	}
	copy_short(o->b + o->len, p, n);
	o->len += n;
}

/* put_cb - put() as a jansson dump callback */
static int
put_cb(const char *p, size_t n, void *arg)
{
	put(arg, p, n);
	return 0;
}

/* by_jansson - one value (string, real) as jansson writes it */
static int
by_jansson(struct out *o, const json_t *v)
{
	return json_dump_callback(v, put_cb, o, o->flags | JSON_ENCODE_ANY);
}

/* indent - what jansson writes before an item at depth: a newline and
 * the indentation, or with none the space after a ',' (space) unless
 * compact */
static void
indent(struct out *o, size_t depth, int space)
{
	static const char blank[] = "                                ";
	size_t n = depth * o->indent;

	if (o->indent == 0) {
		if (space && !(o->flags & JSON_COMPACT))
			put(o, " ", 1);
		return;
	}
	put(o, "\n", 1);
	while (n > 0) {
		size_t m = n < sizeof(blank) - 1 ? n : sizeof(blank) - 1;
		put(o, blank, m);
		n -= m;
	}
}

/* ascii - whether the n bytes at s are all below 0x80 */
static int
ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* plain_len - the bytes at s (at most n) that go out as they are: up to
 * the first control, quote, backslash or byte past ASCII */
static size_t
plain_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (unsigned char)s[i] >= 0x20 &&
	       (unsigned char)s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
		i++;
	return i;
}

/* put_ascii - the quoted string of the n ASCII bytes at s, escaped as
 * jansson does: \\ \" \b \f \n \r \t, other controls \u00XX */
static void
put_ascii(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t from = 0;

	put(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = {'\\', 'u', '0', '0', 0, 0};
		size_t el = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(o, s + from, i - from);
		from = i + 1;
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			el = 6;
			break;
		}
		put(o, esc, el);
	}
	put(o, s + from, n - from);
	put(o, "\"", 1);
}

/* put_string - a string value or key: one scan and a copy when nothing
 * in it needs care (nearly always), put_ascii() when it has escapes,
 * jansson when a byte is past ASCII; -1 when jansson fails */
static int
put_string(struct out *o, const json_t *v, const char *p, size_t n)
{
	size_t i = plain_len(p, n);

	if (i == n) {
		put(o, "\"", 1);
		put(o, p, n);
		put(o, "\"", 1);
		return 0;
	}
	if (!ascii(p + i, n - i))
		return by_jansson(o, v);
	put_ascii(o, p, n);
	return 0;
}

/* put_key - an object's key; like jansson, a key it cannot write
 * (invalid UTF-8) does not fail the dump */
static void
put_key(struct out *o, const char *k, size_t n)
{
	json_t *s;

	if (ascii(k, n)) {
		put_ascii(o, k, n);
		return;
	}
	if ((s = json_stringn_nocheck(k, n)) == NULL) {
		o->err = 1;
		return;
	}
	by_jansson(o, s);
	json_decref(s);
}

static void
put_integer(struct out *o, json_int_t v)
{
	char d[24];
	size_t i = sizeof(d);
	unsigned long long u =
	    v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		d[--i] = '-';
	put(o, d + i, sizeof(d) - i);
}

static int value(struct out *o, const json_t *v, size_t depth);

static int
array(struct out *o, const json_t *a, size_t depth)
{
	size_t n = json_array_size(a);

	put(o, "[", 1);
	if (n == 0) {
		put(o, "]", 1);
		return 0;
	}
	indent(o, depth + 1, 0);
	for (size_t i = 0; i < n; i++) {
		if (value(o, json_array_get(a, i), depth + 1) == -1)
			return -1;
		if (i + 1 < n) {
			put(o, ",", 1);
			indent(o, depth + 1, 1);
		} else {
			indent(o, depth, 0);
		}
	}
	put(o, "]", 1);
	return 0;
}

static int
object(struct out *o, const json_t *obj, size_t depth)
{
	int compact = (o->flags & JSON_COMPACT) != 0;
	void *it = json_object_iter((json_t *)obj);

	put(o, "{", 1);
	if (it == NULL) {
		put(o, "}", 1);
		return 0;
	}
	indent(o, depth + 1, 0);
	while (it != NULL) {
		void *next = json_object_iter_next((json_t *)obj, it);

		put_key(o, json_object_iter_key(it), KEY_LEN(it));
		put(o, ": ", compact ? 1 : 2);
		if (value(o, json_object_iter_value(it), depth + 1) == -1)
			return -1;
		if (next != NULL) {
			put(o, ",", 1);
			indent(o, depth + 1, 1);
		} else {
			indent(o, depth, 0);
		}
		it = next;
	}
	put(o, "}", 1);
	return 0;
}

static int
value(struct out *o, const json_t *v, size_t depth)
{
	if (v == NULL || depth > OUT_DEPTH)
		return -1;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return object(o, v, depth);
	case JSON_ARRAY:
		return array(o, v, depth);
	case JSON_STRING:
		return put_string(o, v, json_string_value(v),
		                  json_string_length(v));
	case JSON_INTEGER:
		put_integer(o, json_integer_value(v));
		return 0;
	case JSON_REAL:
		return by_jansson(o, v);
	case JSON_TRUE:
		put(o, "true", 4);
		return 0;
	case JSON_FALSE:
		put(o, "false", 5);
		return 0;
	case JSON_NULL:
		put(o, "null", 4);
		return 0;
	}
	return -1;
}

int
json_out_dumpf(const json_t *json, FILE *f, size_t flags)
{
	struct out o;
	int rc;

	if ((flags & ~(size_t)OUT_FLAGS) != 0)
		return json_dumpf(json, f, flags);
	if (!(flags & JSON_ENCODE_ANY) && !json_is_object(json) &&
	    !json_is_array(json))
		return -1;
	o.f = f;
	o.flags = flags;
	o.indent = flags & JSON_MAX_INDENT;
	o.len = 0;
	o.err = 0;
	o.b = xmalloc(OUT_BLOCK);
	rc = value(&o, json, 0);
	flush(&o);
	free(o.b);
	return rc == -1 || o.err ? -1 : 0;
}
