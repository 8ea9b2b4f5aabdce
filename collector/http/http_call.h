/*
 * http_call.h - one request as the HTTP layer keeps it, from the first
 * call of the access handler to its completion, and what a route's serve
 * function gets.  Shared by http.c (the server, bodies, routing) and the
 * files that serve a route (ingest.c); nothing else needs it.
 */
#ifndef SPOOLWATCH_HTTP_CALL_H
#define SPOOLWATCH_HTTP_CALL_H

#include <stdatomic.h>
#include <stdint.h>

#include <microhttpd.h>

#include "collector/collector_config.h"
#include "collector/http/route.h"
#include "collector/store/writer.h"
#include "common/strbuf.h"

struct http_server {
	struct MHD_Daemon *d;
	const struct collector_config *cfg;
	struct writer *w;
	struct decoder *dec; /* decodes report bodies (ingest/decoder.h) */
	char *tls_cert, *tls_key;
	int listen_fd;         /* after quiesce; closed by http_stop */
	atomic_llong inflight; /* request body bytes held, all requests */
};

/* Why a request line is refused (struct req's uri_refused). */
enum { URI_TOO_MANY_ARGS = 1, URI_TOO_LONG };
/* struct req's refused when the writer's queue is full or stopping
 * (otherwise a decode_status, validate.h). */
enum { REFUSE_OVERLOADED = -1 };

/* One request, from its first call of the access handler to completed(). */
struct req {
	int begun;                 /* request_begin ran */
	int uri_refused;           /* URI_TOO_*: 414 */
	const struct route *route; /* the row that answers it */
	struct strbuf body;        /* of a POST route */
	int too_large;
	int overloaded; /* max_inflight was full: the body is dropped, 503 */
	long long held; /* bytes of body counted in inflight */
	int responded;
	int64_t start_ms; /* first byte of the request */
	int64_t last_ms;  /* last body byte */
	int submitted; /* handed to the decoder (ingest.c) */
	atomic_int done; /* the answer is known: resumed */
	struct MHD_Connection *conn;
	int gzip;               /* Content-Encoding: gzip */
	struct req *decode_next; /* the decoder's queue */
	int refused;            /* a decode_status, or REFUSE_OVERLOADED */
	char why[512];          /* the refusal's message */
	struct ingest_job job;
	char report_id[64];
};

/* What a route's serve function gets: one call of the access handler. */
struct http_call {
	struct http_server *s;
	struct MHD_Connection *c;
	struct req *rq;
	const char *url;
};

/* http_body_free - drop a request's body and its share of max_inflight. */
void http_body_free(struct http_server *s, struct req *rq);
/* send_overloaded - 503 overloaded: max_inflight body bytes are held. */
enum MHD_Result send_overloaded(struct MHD_Connection *c);

#endif
