/*
 * query.c - the query builder (see query.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/limits.h"
#include "collector/api/query.h"
#include "common/xalloc.h"

void
qb_init(struct qb *q, const char *select)
{
	memset(q, 0, sizeof(*q));
	strbuf_init(&q->sql, API_SQL_MAX);
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

sql_stmt *
qb_prepare(struct qb *q, sql_db *db, char *err, size_t el)
{
	sql_stmt *st = NULL;

	if (sql_prepare(db, strbuf_str(&q->sql), 0, &st) !=
	    SQL_OK) {
		snprintf(err, el, "database: %s", sql_errmsg(db));
		return NULL;
	}
	for (int i = 0; i < q->nbind; i++) {
		if (q->b[i].is_text)
			sql_bind_text(st, i + 1, q->b[i].s, -1,
			                  SQL_TRANSIENT);
		else
			sql_bind_int64(st, i + 1, q->b[i].i);
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
