/*
 * route.h - the collector's routing: one table of {method, path, access,
 * handler} rows (http.c holds it) and the lookup of a request in it.  A
 * path that exists with other methods is answered 405 with an Allow
 * header built from the rows that take it; any other path 404.
 */
#ifndef SPOOLWATCH_ROUTE_H
#define SPOOLWATCH_ROUTE_H

#include <stddef.h>

#include <microhttpd.h>

#include "collector/api/api_req.h"

struct http_call; /* one request being answered (http.c) */

enum route_access {
	ROUTE_OPEN,   /* anyone */
	ROUTE_READ,   /* a read token, when read_tokens is set */
	ROUTE_INGEST, /* an ingest token, when ingest_tokens is set */
};

struct route {
	const char *method; /* "GET" (answers HEAD too) or "POST" (a body) */
	/* path: exact, or ending in "{}": that prefix and one more non-empty
	 * segment without '/' (the route's param); NULL: owns() says */
	const char *path;
	int (*owns)(const char *path);
	enum route_access access;
	enum MHD_Result (*serve)(struct http_call *call);
	/* for serve functions that run a read API endpoint */
	void (*api)(struct api_req *rq, struct api_answer *ans);
};

/* The Allow header of one path is at most this long. */
#define ROUTE_ALLOW_MAX 64

/*
 * route_find - the row of table (ended by a row whose serve is NULL) that
 * answers method on path.  NULL if none; then allow holds the methods
 * the path takes ("GET, HEAD", "POST"), or "" if no row takes it.
 */
const struct route *route_find(const struct route *table, const char *method,
                               const char *path, char *allow, size_t allowlen);

/* route_param - the segment r's "{}" took from path, or NULL. */
const char *route_param(const struct route *r, const char *path);

#endif
