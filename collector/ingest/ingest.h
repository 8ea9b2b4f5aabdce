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
struct req;

/* ingest_serve - the route's serve function: called once the body is
 * complete, then again after the writer resumed the connection. */
enum MHD_Result ingest_serve(struct http_call *call);
/* ingest_decode_job - the decoder's work (decoder.h; arg: the
 * http_server): decode and validate rq's body, then hand the report to
 * the writer, or resume rq with the refusal. */
void ingest_decode_job(struct req *rq, void *arg);

#endif
