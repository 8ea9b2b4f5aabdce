/*
 * strbuf.c - growable byte buffer with a hard maximum.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/xalloc.h"

void
strbuf_init(struct strbuf *sb, size_t max)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
	sb->max = max;
}

/* grow - make room for n more bytes plus the NUL, doubling. */
static int
grow(struct strbuf *sb, size_t n)
{
	size_t need, cap;

	if (n > sb->max || sb->len > sb->max - n) {
		errno = E2BIG;
		return -1;
	}
	need = sb->len + n + 1;
	if (need <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	if (cap > sb->max + 1)
		cap = sb->max + 1;
	sb->buf = xrealloc(sb->buf, cap);
	sb->cap = cap;
	return 0;
}

int
strbuf_append(struct strbuf *sb, const void *p, size_t n)
{
	if (grow(sb, n) == -1)
		return -1;
	if (n)
		memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

int
strbuf_appends(struct strbuf *sb, const char *s)
{
	return strbuf_append(sb, s, strlen(s));
}

int
strbuf_appendc(struct strbuf *sb, char c)
{
	return strbuf_append(sb, &c, 1);
}

int
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if (grow(sb, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}

const char *
strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

char *
strbuf_steal(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void
strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}
