/*
 * strbuf.h - growable byte buffer with a hard maximum (curl's dynbuf).
 *
 * The content is always NUL-terminated (the NUL is not counted in len) so
 * it can be handed to C string functions.  An append that would pass the
 * buffer's max fails with -1 and errno E2BIG and leaves the content as it
 * was; nothing is silently truncated.  The buffer owns its memory;
 * strbuf_steal() hands it over and leaves the buffer empty.
 */
#ifndef SPOOLWATCH_STRBUF_H
#define SPOOLWATCH_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf;  /* NUL-terminated; NULL until the first append */
	size_t len; /* bytes of content */
	size_t cap; /* bytes allocated */
	size_t max; /* hard limit on len */
};

/* Named caps, kept together so limits are reviewed in one place. */
#define STRBUF_MAX_REPORT (64u << 20) /* a report's JSON */

void strbuf_init(struct strbuf *sb, size_t max);
int strbuf_append(struct strbuf *sb, const void *p, size_t n);
int strbuf_appends(struct strbuf *sb, const char *s);
int strbuf_appendc(struct strbuf *sb, char c);
int strbuf_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *strbuf_str(const struct strbuf *sb);
char *strbuf_steal(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);

#endif
