/*
 * http.h - the collector's HTTP server (libmicrohttpd): the route table
 * (route.h) and what each route serves - reports (ingest.h: decoding,
 * handing them to the writer and answering once committed) after the
 * token (token.h) and body limits, the read API endpoints (api.h),
 * /metrics, /healthz and the dashboard's assets - answered through
 * http_reply.h.
 */
#ifndef SPOOLWATCH_HTTP_H
#define SPOOLWATCH_HTTP_H

#include <stddef.h>

#include "collector/collector_config.h"
#include "collector/store/writer.h"

struct http_server;

/* http_start - listen per cfg; NULL and a reason on error. */
struct http_server *http_start(const struct collector_config *cfg,
                               struct writer *w, char *err, size_t errlen);
/* http_quiesce - stop accepting new connections. */
void http_quiesce(struct http_server *s);
/* http_wait_idle - wait up to ms for open connections to finish. */
void http_wait_idle(struct http_server *s, int ms);
/* http_stop - close every connection and free. */
void http_stop(struct http_server *s);

#endif
