/*
 * query.h - building a SELECT from fixed fragments and bound parameters
 * (never from request text).  The read API's endpoints use it; it knows
 * nothing of requests or answers.
 */
#ifndef SPOOLWATCH_QUERY_H
#define SPOOLWATCH_QUERY_H

#include <stddef.h>

#include "collector/store/sql.h"

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
sql_stmt *qb_prepare(struct qb *q, sql_db *db, char *err, size_t el);
void qb_free(struct qb *q);

#endif
