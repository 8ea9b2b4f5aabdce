/*
 * query.h - building a SELECT from fixed fragments and bound parameters
 * (never from request text), and the list arguments every endpoint shares
 * (limit, cursor).
 */
#ifndef SPOOLWATCH_QUERY_H
#define SPOOLWATCH_QUERY_H

#include <stddef.h>

#include <sqlite3.h>

#include "collector/api.h"
#include "common/strbuf.h"

#define QB_MAXBIND 16

struct qb {
	struct strbuf sql;
	int nwhere;
	int nbind;
	struct {
		int is_text;
		long long i;
		char *s;
	} b[QB_MAXBIND];
};

void qb_init(struct qb *q, const char *select);
/* qb_where - add "AND cond"; cond holds one '?' per bound value that
 * follows with qb_text/qb_int (in order). */
void qb_where(struct qb *q, const char *cond);
void qb_text(struct qb *q, const char *s);
void qb_int(struct qb *q, long long v);
void qb_tail(struct qb *q, const char *tail);
/* qb_prepare - prepare and bind; NULL with err. */
sqlite3_stmt *qb_prepare(struct qb *q, sqlite3 *db, char *err, size_t el);
void qb_free(struct qb *q);

/* list_args - limit (default 100, at most 1000) and the decimal cursor
 * (0: none; cursor NULL: the caller reads its own).  -1 with a 400. */
int list_args(struct api_req *rq, struct api_answer *ans, long *limit,
              long long *cursor);
/* time_arg - an RFC 3339 query argument; 1 found, 0 absent, -1 400. */
int time_arg(struct api_req *rq, struct api_answer *ans, const char *key,
             long long *out);
/* one_of - 1 if s is one of the NULL-terminated values. */
int one_of(const char *s, const char *const *values);
/* like_escape - s with %, _ and \ escaped for LIKE ... ESCAPE '\'. */
char *like_escape(const char *s);

#endif
