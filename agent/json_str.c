/*
 * json_str.c - JSON strings from bytes read off the host (see
 * json_str.h).
 */
#include <stdio.h>

#include "agent/json_str.h"
#include "common/strbuf.h"

/* utf8_len - length of the valid UTF-8 sequence at p, 0 if invalid. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* plain_len - the bytes at s (at most n) before the first that is not
 * printable ASCII, tab or newline: what goes into the string as it is. */
static size_t
plain_len(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n &&
	       ((s[i] >= 0x20 && s[i] < 0x7f) || s[i] == '\t' || s[i] == '\n'))
		i++;
	return i;
}

json_t *
json_str_safe(const char *p, size_t n, size_t max)
{
	const unsigned char *s = (const unsigned char *)p;
	struct strbuf sb;
	json_t *j;
	size_t i = plain_len(s, n < max ? n : max);

	/* most values are plain ASCII: copied once, with no UTF-8 check */
	if (i == n || i == max) {
		j = i > 0 ? json_stringn_nocheck(p, i) : NULL;
		return j ? j : json_string("");
	}
	strbuf_init(&sb, max + 8);
	strbuf_append(&sb, s, i);
	while (i < n && sb.len < max) {
		size_t l = utf8_len(s + i, n - i);
		if (l == 1 && s[i] >= 0x20 && s[i] != 0x7f) {
			strbuf_appendc(&sb, (char)s[i]);
		} else if (l == 1 && (s[i] == '\t' || s[i] == '\n')) {
			/* JSON carries these itself; a mail excerpt keeps its
			 * lines */
			strbuf_appendc(&sb, (char)s[i]);
		} else if (l > 1) {
			if (sb.len + l > max)
				break;
			strbuf_append(&sb, s + i, l);
		} else {
			char esc[8];
			snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
			if (strbuf_appends(&sb, esc) == -1)
				break;
			l = 1;
		}
		i += l;
	}
	j = json_stringn(strbuf_str(&sb), sb.len);
	strbuf_free(&sb);
	return j ? j : json_string("");
}
