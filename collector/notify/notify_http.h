/*
 * notify_http.h - the notifier's HTTP client: one libcurl handle, kept
 * alive between requests, POSTing JSON with extra headers.  A request
 * is bounded by the timeout and given up as soon as *stop is set; the
 * answer's body is read and dropped (at most NOTIFY_ANSWER_MAX bytes).
 */
#ifndef SPOOLWATCH_NOTIFY_HTTP_H
#define SPOOLWATCH_NOTIFY_HTTP_H

#include <stdatomic.h>
#include <stddef.h>

struct notify_http;

struct notify_http *notify_http_new(long long timeout_s, atomic_int *stop);
void notify_http_free(struct notify_http *h);

/*
 * notify_http_post - POST len bytes of JSON at body to url with the
 * NULL-terminated "Name: value" headers.  The HTTP status, or 0 when no
 * answer came (err says why: refused, timed out, stopped ...).
 */
long notify_http_post(struct notify_http *h, const char *url, const char *body,
                      size_t len, const char *const *headers, char *err,
                      size_t errlen);

#endif
