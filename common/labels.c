/*
 * labels.c - what a host label is, and the agent.conf text of a host's
 * labels (see labels.h).
 */
#include <stdio.h>
#include <string.h>

#include "common/labels.h"

int
label_key_ok(const char *k, size_t n)
{
	if (n == 0 || n > LABEL_KEY_MAX ||
	    (n >= 2 && k[0] == '_' && k[1] == '_'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];
		int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		            c == '_';
		if (!alpha && (i == 0 || c < '0' || c > '9'))
			return 0;
	}
	return 1;
}

/* utf8_next - the code point at s[*i] (valid, shortest form, no
 * surrogates), *i moved past it; -1 if the bytes are not UTF-8. */
static long
utf8_next(const unsigned char *s, size_t n, size_t *i)
{
	unsigned char c = s[*i];
	size_t len;
	long cp, min;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, cp = c & 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, cp = c & 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return -1;
	if (n - *i < len)
		return -1;
	for (size_t k = 1; k < len; k++) {
		if ((s[*i + k] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[*i + k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*i += len;
	return cp;
}

int
label_value_ok(const char *v, size_t n)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t i = 0, chars = 0;

	if (n == 0)
		return 0;
	while (i < n) {
		long cp = utf8_next(s, n, &i);
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			return 0; /* not UTF-8, or a control character */
		if (++chars > LABEL_VALUE_MAX)
			return 0;
	}
	return 1;
}

const char *
labels_check(const json_t *o, const char **key)
{
	const char *k;
	json_t *v;

	*key = NULL;
	if (!json_is_object(o))
		return "expected an object";
	if (json_object_size(o) > LABELS_MAX)
		return "more than 32 labels";
	json_object_foreach((json_t *)o, k, v)
	{
		*key = k;
		if (!label_key_ok(k, strlen(k)))
			return "a label key is [A-Za-z_][A-Za-z0-9_]{0,62} "
			       "and does not start with __";
		if (!json_is_string(v))
			return "a label value is a string";
		if (!label_value_ok(json_string_value(v),
		                    json_string_length(v)))
			return "a label value is 1 to 128 characters of "
			       "UTF-8 without control characters";
	}
	*key = NULL;
	return NULL;
}

/* trim - [*b, *e) without blanks at either end. */
static void
trim(const char **b, const char **e)
{
	while (*b < *e && (**b == ' ' || **b == '\t'))
		(*b)++;
	while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

/* add_pair - the pair [b, e) into o; -1 with why. */
static int
add_pair(json_t *o, const char *b, const char *e, char *why, size_t wl)
{
	const char *eq = memchr(b, '=', (size_t)(e - b));
	const char *kb = b, *ke = eq, *vb = eq ? eq + 1 : NULL, *ve = e;
	char key[LABEL_KEY_MAX + 1];

	if (eq == NULL) {
		snprintf(why, wl, "labels: '%.*s' is not KEY=VALUE",
		         (int)(e - b > 80 ? 80 : e - b), b);
		return -1;
	}
	trim(&kb, &ke);
	trim(&vb, &ve);
	if (!label_key_ok(kb, (size_t)(ke - kb))) {
		snprintf(why, wl,
		         "labels: key '%.*s': expected [A-Za-z_][A-Za-z0-9_]"
		         "{0,62}, not starting with __",
		         (int)(ke - kb > 80 ? 80 : ke - kb), kb);
		return -1;
	}
	memcpy(key, kb, (size_t)(ke - kb));
	key[ke - kb] = '\0';
	if (!label_value_ok(vb, (size_t)(ve - vb))) {
		snprintf(why, wl,
		         "labels: %s: the value must be 1 to 128 characters of "
		         "UTF-8 without control characters",
		         key);
		return -1;
	}
	if (json_object_get(o, key)) {
		snprintf(why, wl, "labels: %s is given twice", key);
		return -1;
	}
	if (json_object_size(o) >= LABELS_MAX) {
		snprintf(why, wl, "labels: more than %d labels", LABELS_MAX);
		return -1;
	}
	json_object_set_new(o, key, json_stringn(vb, (size_t)(ve - vb)));
	return 0;
}

json_t *
labels_parse(const char *text, char *why, size_t whylen)
{
	json_t *o = json_object();
	const char *p = text, *end = text + strlen(text);

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma ? comma : end, *b = p, *te = e;

		trim(&b, &te);
		if (b == te) {
			if (comma || p != text) {
				snprintf(why, whylen,
				         "labels: an empty pair (two commas, "
				         "or one at an end)");
				json_decref(o);
				return NULL;
			}
		} else if (add_pair(o, b, te, why, whylen) == -1) {
			json_decref(o);
			return NULL;
		}
		p = comma ? comma + 1 : end;
		if (comma && p == end) {
			snprintf(why, whylen,
			         "labels: an empty pair (two commas, or one "
			         "at an end)");
			json_decref(o);
			return NULL;
		}
	}
	return o;
}
