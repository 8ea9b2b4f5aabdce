/*
 * http_reply.c - the collector's HTTP answers (see http_reply.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "collector/api/api_req.h"
#include "collector/http/http_reply.h"
#include "collector/api/metrics.h"
#include "common/xalloc.h"

/* no framing (clickjacking), no <base> or form target elsewhere */
#define CSP                                                                    \
	"default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "        \
	"form-action 'self'"

/* send_body - answer body (len bytes, freed here) of ctype with the
 * headers every API answer has, and header: value when header is set. */
enum MHD_Result
send_body(struct MHD_Connection *c, int status, const char *ctype, char *body,
          size_t len, const char *header, const char *value)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (header)
		MHD_add_response_header(r, header, value);
	if (status == 401)
		MHD_add_response_header(r, "WWW-Authenticate",
		                        "Bearer realm=\"spoolwatch\"");
	ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	metrics_request(status);
	return ret;
}

enum MHD_Result
send_json(struct MHD_Connection *c, int status, json_t *body,
          const char *header, const char *value)
{
	size_t len = json_dumpb(body, NULL, 0, JSON_COMPACT);
	char *buf = xmalloc(len + 1);

	json_dumpb(body, buf, len, JSON_COMPACT);
	buf[len] = '\n';
	json_decref(body);
	return send_body(c, status, "application/json", buf, len + 1, header,
	                 value);
}

json_t *
error_json(const char *code, const char *msg)
{
	return api_error_body(code, msg);
}

/* send_error - the error shape; Retry-After: retry_after when set. */
enum MHD_Result
send_error(struct MHD_Connection *c, int status, const char *code,
           const char *msg, const char *retry_after)
{
	return send_json(c, status, error_json(code, msg),
	                 retry_after ? "Retry-After" : NULL, retry_after);
}

/* send_not_allowed - 405 with the methods the path takes in Allow. */
enum MHD_Result
send_not_allowed(struct MHD_Connection *c, const char *method,
                 const char *allow)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s is not allowed here; use %s", method,
	         allow);
	return send_json(c, 405, error_json("method_not_allowed", msg), "Allow",
	                 allow);
}

enum MHD_Result
send_asset(struct MHD_Connection *c, const struct dashboard_asset *a)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(a->len, (void *)a->body,
	                                    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", a->content_type);
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	metrics_request(200);
	return ret;
}
