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
