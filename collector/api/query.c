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

void
qb_end_where(struct qb *q)
{
	q->nwhere = 0;
}

int
label_filter_parse(const char *const *vals, size_t n, struct label_filter *lf,
                   char *err, size_t el)
{
	lf->n = 0;
	if (n > API_LABEL_FILTERS) {
		snprintf(err, el, "label: at most %d label= arguments",
		         API_LABEL_FILTERS);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(vals[i], ':');
		size_t kl = colon ? (size_t)(colon - vals[i]) : 0;

		if (*vals[i] == '\0')
			continue; /* label= empty: no filter, as for the others */
		if (colon == NULL || !label_key_ok(vals[i], kl) ||
		    !label_value_ok(colon + 1, strlen(colon + 1))) {
			snprintf(err, el,
			         "label: expected KEY:VALUE (KEY a label name "
			         "[A-Za-z_][A-Za-z0-9_]{0,62}, VALUE 1 to %d "
			         "characters)",
			         LABEL_VALUE_MAX);
			return -1;
		}
		memcpy(lf->l[lf->n].key, vals[i], kl);
		lf->l[lf->n].key[kl] = '\0';
		lf->l[lf->n].value = colon + 1;
		lf->n++;
	}
	return 0;
}

void
qb_labels(struct qb *q, const char *host_col, const struct label_filter *lf)
{
	for (int i = 0; i < lf->n; i++) {
		qb_where(q, host_col);
		strbuf_appends(&q->sql, " IN (SELECT host_id FROM host_labels "
		                        "WHERE key = ? AND value = ?)");
		qb_text(q, lf->l[i].key);
		qb_text(q, lf->l[i].value);
	}
}

void
qb_labels_probe(struct qb *q, const char *host_col,
                const struct label_filter *lf)
{
	for (int i = 0; i < lf->n; i++) {
		qb_where(q, "EXISTS (SELECT 1 FROM host_labels hl WHERE "
		            "hl.host_id = ");
		strbuf_appends(&q->sql, host_col);
		strbuf_appends(&q->sql, " AND hl.key = ? AND hl.value = ?)");
		qb_text(q, lf->l[i].key);
		qb_text(q, lf->l[i].value);
	}
}

void
qb_labels_join(struct qb *q, const char *host_col,
               const struct label_filter *lf)
{
	for (int i = 0; i < lf->n; i++) {
		char alias[16];

		snprintf(alias, sizeof(alias), "l%d", i);
		strbuf_appends(&q->sql, " JOIN host_labels ");
		strbuf_appends(&q->sql, alias);
		strbuf_appends(&q->sql, " ON ");
		strbuf_appends(&q->sql, alias);
		strbuf_appends(&q->sql, ".host_id = ");
		strbuf_appends(&q->sql, host_col);
		strbuf_appends(&q->sql, " AND ");
		strbuf_appends(&q->sql, alias);
		strbuf_appends(&q->sql, ".key = ? AND ");
		strbuf_appends(&q->sql, alias);
		strbuf_appends(&q->sql, ".value = ?");
		qb_text(q, lf->l[i].key);
		qb_text(q, lf->l[i].value);
	}
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
