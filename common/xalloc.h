/*
 * xalloc.h - allocation that either succeeds or does not return.
 *
 * The agent and collector are daemons: running out of memory is not a
 * condition they can report usefully, so these abort via fatalx().  Growth
 * driven by input is capped by the callers (see strbuf.h), never here.
 */
#ifndef SPOOLWATCH_XALLOC_H
#define SPOOLWATCH_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
