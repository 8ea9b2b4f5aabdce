/*
 * openapi.h - GET /api/v1/openapi.json: the OpenAPI 3.1 description of
 * the collector's HTTP API (schema/openapi.json, compiled in).
 */
#ifndef SPOOLWATCH_OPENAPI_H
#define SPOOLWATCH_OPENAPI_H

#include <microhttpd.h>

struct http_call;

/* openapi_serve - answer the description (application/json). */
enum MHD_Result openapi_serve(struct http_call *call);

#endif
