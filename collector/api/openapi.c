/*
 * openapi.c - the API's description, schema/openapi.json, embedded in the
 * binary at build time (the assembler's .incbin, as schema.c embeds the
 * SQL schema; the Makefile makes this object depend on the .json file),
 * and its route: the file is the one source of the description and is
 * served byte for byte.
 */
#include <string.h>

#include "collector/api/openapi.h"
#include "collector/http/http_call.h"
#include "collector/http/http_reply.h"
#include "common/xalloc.h"

extern const char collector_openapi_json[];
extern const char collector_openapi_json_end[];

__asm__(".section .rodata\n"
        ".global collector_openapi_json\n"
        ".global collector_openapi_json_end\n"
        ".type collector_openapi_json, @object\n"
        ".balign 16\n"
        "collector_openapi_json:\n"
        ".incbin \"schema/openapi.json\"\n"
        "collector_openapi_json_end:\n"
        ".size collector_openapi_json, . - collector_openapi_json\n"
        ".previous\n");

enum MHD_Result
openapi_serve(struct http_call *call)
{
	size_t len =
	    (size_t)(collector_openapi_json_end - collector_openapi_json);
	char *body = xmalloc(len);

	call->rq->responded = 1;
	memcpy(body, collector_openapi_json, len);
	return send_body(call->c, 200, "application/json", body, len, NULL,
	                 NULL);
}
