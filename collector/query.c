/*
 * query.c - query building and shared list arguments (see query.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collector/query.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

void
qb_init(struct qb *q, const char *select)
{
	memset(q, 0, sizeof(*q));
	strbuf_init(&q->sql, 1 << 16);
	strbuf_appends(&q->sql, select);
}

void
qb_where(struct qb *q, const char *cond)
{
	strbuf_appends(&q->sql, q->nwhere++ ? " AND " : " WHERE ");
	strbuf_appends(&q->sql, cond);
}

void
qb_text(struct qb *q, const char *s)
{
	if (q->nbind >= QB_MAXBIND)
		return;
	q->b[q->nbind].is_text = 1;
	q->b[q->nbind].s = xstrdup(s);
	q->nbind++;
}

void
qb_int(struct qb *q, long long v)
{
	if (q->nbind >= QB_MAXBIND)
		return;
	q->b[q->nbind].is_text = 0;
	q->b[q->nbind].i = v;
	q->nbind++;
}

void
qb_tail(struct qb *q, const char *tail)
{
	strbuf_appends(&q->sql, " ");
	strbuf_appends(&q->sql, tail);
}

sqlite3_stmt *
qb_prepare(struct qb *q, sqlite3 *db, char *err, size_t el)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, strbuf_str(&q->sql), -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(err, el, "sqlite: %s", sqlite3_errmsg(db));
		return NULL;
	}
	for (int i = 0; i < q->nbind; i++) {
		if (q->b[i].is_text)
			sqlite3_bind_text(st, i + 1, q->b[i].s, -1,
			                  SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(st, i + 1, q->b[i].i);
	}
	return st;
}

void
qb_free(struct qb *q)
{
	for (int i = 0; i < q->nbind; i++)
		if (q->b[i].is_text)
			free(q->b[i].s);
	strbuf_free(&q->sql);
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
			api_error(
			    ans, 400, "bad_request",
			    "cursor: not a cursor this endpoint returned");
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
one_of(const char *s, const char *const *values)
{
	for (; *values; values++)
		if (strcmp(s, *values) == 0)
			return 1;
	return 0;
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
