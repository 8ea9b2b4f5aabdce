/*
 * api.h - the read API: GET endpoints answered from a reading
 * connection.  The HTTP layer (http.c) passes the path and a function to
 * look up query arguments; the answer is a status and a JSON body (the
 * SPEC's error shape for errors).
 */
#ifndef SPOOLWATCH_API_H
#define SPOOLWATCH_API_H

#include <stddef.h>

#include <jansson.h>
#include <sqlite3.h>

#define API_LIMIT_DEFAULT 100
#define API_LIMIT_MAX 1000

struct api_req {
	sqlite3 *db;
	long long now;
	long long stale_after;
	const char *(*arg)(void *cls, const char *key);
	void *cls;
};

struct api_answer {
	int status;
	json_t *body; /* owned by the answer */
};

/* api_error - fill ans (no body yet) with {"error": {"code", "message"}}. */
void api_error(struct api_answer *ans, int status, const char *code,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * api_get - answer path (already known to start with "/api/v1/").
 * Returns 0 if path names a read endpoint (ans filled), -1 if not.
 */
int api_get(struct api_req *rq, const char *path, struct api_answer *ans);

/* The endpoints, also called directly by the tests. */
void api_summary(struct api_req *rq, struct api_answer *ans);
void api_hosts(struct api_req *rq, struct api_answer *ans);
void api_host(struct api_req *rq, const char *name, struct api_answer *ans);
void api_findings(struct api_req *rq, struct api_answer *ans);
void api_events(struct api_req *rq, struct api_answer *ans);
void api_mail(struct api_req *rq, struct api_answer *ans);

#endif
