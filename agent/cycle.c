/*
 * cycle.c - helpers shared by the collectors of one cycle: --root paths,
 * errors[] and findings[] entries, safe JSON strings from host bytes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agent/cycle.h"
#include "agent/limits.h"
#include "common/fsutil.h"
#include "common/strbuf.h"

int
cycle_path(struct cycle *c, char *out, size_t n, const char *hostpath)
{
	if (root_path(out, n, c->root, hostpath) == -1) {
		cycle_error(c, hostpath, "path too long or not absolute");
		return -1;
	}
	return 0;
}

void
cycle_error(struct cycle *c, const char *source, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(
	    c->errors,
	    json_pack("{s:o, s:o}", "source",
	              json_str_safe(source, strlen(source), AGENT_MAX_HOST_STR),
	              "error", json_str_safe(msg, strlen(msg), sizeof(msg))));
}

void
cycle_finding(struct cycle *c, const char *code, const char *severity,
              const char *subject, json_t *evidence, const char *remedy,
              const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(
	    c->findings,
	    json_pack(
	        "{s:s, s:s, s:o, s:o, s:o, s:o}", "code", code, "severity",
	        severity, "subject",
	        json_str_safe(subject, strlen(subject), AGENT_MAX_HOST_STR),
	        "message", json_str_safe(msg, strlen(msg), sizeof(msg)),
	        "evidence", evidence ? evidence : json_object(), "remedy",
	        json_str_safe(remedy ? remedy : "", remedy ? strlen(remedy) : 0,
	                      AGENT_MAX_HOST_STR)));
}

json_t *
cycle_find_finding(struct cycle *c, const char *code, const char *subject)
{
	size_t i;
	json_t *f;

	json_array_foreach(c->findings, i, f)
	{
		const char *fc = json_string_value(json_object_get(f, "code"));
		const char *fs =
		    json_string_value(json_object_get(f, "subject"));
		if (fc && strcmp(fc, code) == 0 &&
		    (subject == NULL || (fs && strcmp(fs, subject) == 0)))
			return f;
	}
	return NULL;
}

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

json_t *
json_str_safe(const char *p, size_t n, size_t max)
{
	const unsigned char *s = (const unsigned char *)p;
	struct strbuf sb;
	json_t *j;
	size_t i = 0;

	strbuf_init(&sb, max + 8);
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
