/*
 * api_req.h - one read API request and its answer, and what every
 * endpoint (api_*.c) shares to read one: the query arguments (limit,
 * cursor, timestamps, enumerations), the error shape, and list_page(),
 * which runs a list query and answers one keyset page.  The HTTP layer
 * fills an api_req and sends the api_answer; endpoints know no HTTP.
 */
#ifndef SPOOLWATCH_API_REQ_H
#define SPOOLWATCH_API_REQ_H

#include <stddef.h>

#include <jansson.h>
#include <sqlite3.h>

#include "collector/limits.h"
#include "collector/api/query.h"

struct api_req {
	sqlite3 *db;
	long long now;
	long long stale_after;
	const char *(*arg)(void *cls, const char *key); /* NULL: absent */
	void *cls;
	const char *param; /* the path segment a route took ({name}), or NULL */
	/* every value of a repeated argument (label=): the count, the
	 * first max of them into out; NULL: none */
	size_t (*args)(void *cls, const char *key, const char **out,
	               size_t max);
};

struct api_answer {
	int status;
	json_t *body; /* owned by the answer */
	/* instead of body: text (malloc'd, owned) of len bytes, type its
	 * Content-Type */
	char *text;
	size_t len;
	const char *type;
};

/* The enumerations the filters accept, NULL-terminated. */

/* api_error_body - {"error": {"code", "message"}}; never NULL: a message
 * that is not UTF-8 has its non-ASCII bytes shown as '?'. */
json_t *api_error_body(const char *code, const char *msg);
/* api_error - fill ans (no body yet) with {"error": {"code", "message"}}. */
void api_error(struct api_answer *ans, int status, const char *code,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* api_db_error - 503 database_unavailable with err. */
void api_db_error(struct api_answer *ans, const char *err);
/* api_bad_cursor - 400: the cursor is not one this endpoint returned. */
void api_bad_cursor(struct api_answer *ans);

/* list_args - limit (default API_LIMIT_DEFAULT, capped at API_LIMIT_MAX)
 * and the decimal cursor (0: none; cursor NULL: the caller reads its
 * own).  -1 with a 400. */
int list_args(struct api_req *rq, struct api_answer *ans, long *limit,
              long long *cursor);
/* time_arg - an RFC 3339 query argument; 1 found, 0 absent, -1 400. */
int time_arg(struct api_req *rq, struct api_answer *ans, const char *key,
             long long *out);
/* enum_arg - argument key, if given, one of values; 0, or -1 with a 400
 * whose message is "key: expected <expected>". */
int enum_arg(struct api_req *rq, struct api_answer *ans, const char *key,
             const char *const *values, const char *expected);
/* label_args - the label= arguments into lf; 0, or -1 with a 400. */
int label_args(struct api_req *rq, struct api_answer *ans,
               struct label_filter *lf);
/* like_escape - s with %, _ and \ escaped for LIKE ... ESCAPE '\'. */
char *like_escape(const char *s);
/* id_cursor - a decimal id as a cursor string. */
json_t *id_cursor(long long id);

/*
 * list_page - the shared end of every list endpoint: bind LIMIT limit + 1,
 * prepare, let item() build each of the first limit rows, and when one
 * more row exists let cursor() make next_cursor from the last item (item
 * may keep in ctx what the cursor needs).  Answers the page
 * {"items", "next_cursor"} or the database error; frees qb.
 */
void list_page(struct api_req *rq, struct api_answer *ans, struct qb *qb,
               long limit, json_t *(*item)(sqlite3_stmt *st, void *ctx),
               json_t *(*cursor)(const json_t *last, void *ctx), void *ctx);

#endif
