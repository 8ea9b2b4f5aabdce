/*
 * http_reply.h - the collector's HTTP answers (libmicrohttpd): JSON bodies
 * and the SPEC's error shape with the headers every API answer carries
 * (nosniff, no-store, WWW-Authenticate on 401), 405 with its Allow
 * header, and the dashboard's assets with their security headers.  Each
 * answer is counted by status class (metrics_request).
 */
#ifndef SPOOLWATCH_HTTP_REPLY_H
#define SPOOLWATCH_HTTP_REPLY_H

#include <stddef.h>

#include <jansson.h>
#include <microhttpd.h>

#include "collector/web/dashboard.h"

/* send_body - answer body (len bytes, freed here) of ctype, with
 * header: value when header is set. */
enum MHD_Result send_body(struct MHD_Connection *c, int status,
                          const char *ctype, char *body, size_t len,
                          const char *header, const char *value);
/* send_json - body (a reference taken) as one line of compact JSON. */
enum MHD_Result send_json(struct MHD_Connection *c, int status, json_t *body,
                          const char *header, const char *value);
/* error_json - {"error": {"code", "message"}}. */
json_t *error_json(const char *code, const char *msg);
/* send_error - the error shape; Retry-After: retry_after when set. */
enum MHD_Result send_error(struct MHD_Connection *c, int status,
                           const char *code, const char *msg,
                           const char *retry_after);
/* send_not_allowed - 405 with the methods the path takes in Allow. */
enum MHD_Result send_not_allowed(struct MHD_Connection *c, const char *method,
                                 const char *allow);
/* send_asset - a dashboard asset (200, its content type, CSP). */
enum MHD_Result send_asset(struct MHD_Connection *c,
                           const struct dashboard_asset *a);

#endif
