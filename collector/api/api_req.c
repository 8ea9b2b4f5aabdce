/*
 * api_req.c - arguments, errors and list pages of the read API (see
 * api_req.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api/api_req.h"
#include "common/timeutil.h"
#include "common/report_schema.h"
#include "common/xalloc.h"

json_t *
api_error_body(const char *code, const char *msg)
{
	json_t *o =
	    json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
	char safe[API_MSG_MAX];
	size_t i;

	if (o != NULL)
		return o;
	/* not UTF-8 (a name from the path, a cut sequence): the bytes
	 * outside ASCII become '?', so the answer is never empty */
	for (i = 0; msg[i] && i < sizeof(safe) - 1; i++)
		safe[i] = (unsigned char)msg[i] < 0x80 ? msg[i] : '?';
	safe[i] = '\0';
	return json_pack("{s:{s:s,s:s}}", "error", "code", code, "message",
	                 safe);
}

void
api_error(struct api_answer *ans, int status, const char *code, const char *fmt,
          ...)
{
	char msg[API_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ans->status = status;
	ans->body = api_error_body(code, msg);
}

void
api_db_error(struct api_answer *ans, const char *err)
{
	api_error(ans, 503, "database_unavailable", "%s", err);
}

void
api_bad_cursor(struct api_answer *ans)
{
	api_error(ans, 400, "bad_request",
	          "cursor: not a cursor this endpoint returned");
}

static int
parse_pos(const char *s, long long *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return (*end || errno) ? -1 : 0;
}

int
list_args(struct api_req *rq, struct api_answer *ans, long *limit,
          long long *cursor)
{
	const char *l = rq->arg(rq->cls, "limit");
	const char *c = rq->arg(rq->cls, "cursor");
	long long v;

	*limit = API_LIMIT_DEFAULT;
	if (cursor)
		*cursor = 0;
	if (l) {
		if (parse_pos(l, &v) == -1 || v < 1) {
			api_error(ans, 400, "bad_request",
			          "limit: expected an integer from 1 to %d",
			          API_LIMIT_MAX);
			return -1;
		}
		*limit = v > API_LIMIT_MAX ? API_LIMIT_MAX : (long)v;
	}
	if (cursor && c && *c) {
		if (parse_pos(c, &v) == -1 || v < 1) {
			api_bad_cursor(ans);
			return -1;
		}
		*cursor = v;
	}
	return 0;
}

int
time_arg(struct api_req *rq, struct api_answer *ans, const char *key,
         long long *out)
{
	const char *s = rq->arg(rq->cls, key);
	time_t t;

	if (s == NULL || *s == '\0')
		return 0;
	if (rfc3339_parse(s, strlen(s), &t) == -1) {
		api_error(ans, 400, "bad_request",
		          "%s: expected an RFC 3339 timestamp", key);
		return -1;
	}
	*out = (long long)t;
	return 1;
}

int
enum_arg(struct api_req *rq, struct api_answer *ans, const char *key,
         const char *const *values, const char *expected)
{
	const char *s = rq->arg(rq->cls, key);

	if (s == NULL || *s == '\0' || report_schema_find(values, s) >= 0)
		return 0;
	api_error(ans, 400, "bad_request", "%s: expected %s", key, expected);
	return -1;
}

int
label_args(struct api_req *rq, struct api_answer *ans, struct label_filter *lf)
{
	const char *v[API_LABEL_FILTERS];
	char err[API_MSG_MAX];
	size_t n = rq->args ? rq->args(rq->cls, "label", v, API_LABEL_FILTERS)
	                    : 0;

	if (label_filter_parse(v, n, lf, err, sizeof(err)) == 0)
		return 0;
	api_error(ans, 400, "bad_request", "%s", err);
	return -1;
}

char *
like_escape(const char *s)
{
	char *out = xmalloc(strlen(s) * 2 + 1), *p = out;

	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p = '\0';
	return out;
}

json_t *
id_cursor(long long id)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", id);
	return json_string(buf);
}

void
list_page(struct api_req *rq, struct api_answer *ans, struct qb *qb, long limit,
          json_t *(*item)(sqlite3_stmt *st, void *ctx),
          json_t *(*cursor)(const json_t *last, void *ctx), void *ctx)
{
	char err[256];
	sqlite3_stmt *st;
	json_t *items, *next = NULL;
	long n = 0;
	int rc;

	qb_int(qb, limit + 1);
	st = qb_prepare(qb, rq->db, err, sizeof(err));
	qb_free(qb);
	if (st == NULL) {
		api_db_error(ans, err);
		return;
	}
	items = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			next = cursor(
			    json_array_get(items, json_array_size(items) - 1),
			    ctx);
			break;
		}
		json_array_append_new(items, item(st, ctx));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		json_decref(items);
		json_decref(next);
		api_db_error(ans, sqlite3_errmsg(rq->db));
		return;
	}
	ans->status = 200;
	ans->body = json_pack("{s:o,s:o}", "items", items, "next_cursor",
	                      next ? next : json_null());
}
