/*
 * ingest.h - the report route, POST /api/v1/reports: the received body
 * decoded and validated, handed to the writer, and the agent answered
 * once the writer committed it (200 with report_id and duplicate), or
 * 400/413/415 for a bad body, 503 + Retry-After when the writer is full
 * or the disk fails.
 */
#ifndef SPOOLWATCH_INGEST_H
#define SPOOLWATCH_INGEST_H

#include <microhttpd.h>

struct http_call;

/* ingest_serve - the route's serve function: called once the body is
 * complete, then again after the writer resumed the connection. */
enum MHD_Result ingest_serve(struct http_call *call);

#endif
