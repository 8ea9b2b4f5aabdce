/*
 * query.h - building a SELECT from fixed fragments and bound parameters
 * (never from request text).  The read API's endpoints use it; it knows
 * nothing of requests or answers.
 */
#ifndef SPOOLWATCH_QUERY_H
#define SPOOLWATCH_QUERY_H

#include <stddef.h>

#include "collector/store/sql.h"

#include "collector/limits.h"
#include "common/labels.h"
#include "common/strbuf.h"

#define QB_MAXBIND 48

/* The label=KEY:VALUE filters of a request: every one must match. */
struct label_filter {
	int n;
	struct {
		char key[LABEL_KEY_MAX + 1];
		const char *value; /* into the argument, NUL-terminated */
	} l[API_LABEL_FILTERS];
};

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
/* qb_end_where - after qb_tail closed a subquery: the next qb_where
 * starts the outer WHERE. */
void qb_end_where(struct qb *q);
/*
 * label_filter_parse - n values of label= ("KEY:VALUE", split at the
 * first ':', key and value valid as labels.h says, at most
 * API_LABEL_FILTERS; an empty one is no filter, as an empty argument of
 * any other filter) into lf, pointing into vals; -1 with err.
 */
int label_filter_parse(const char *const *vals, size_t n,
                       struct label_filter *lf, char *err, size_t el);
/* qb_labels - "AND host_col IN (the hosts with that label)" for each of
 * lf's labels; host_col is a fixed fragment ("h.id", "f.host_id"). */
void qb_labels(struct qb *q, const char *host_col,
               const struct label_filter *lf);
/* qb_labels_probe - the same filter as a probe per row, "AND EXISTS (a
 * host_labels row of host_col with that label)": for the lists read in
 * an index's order, so that the store walks that index and probes each
 * row (SQLite otherwise drives from the label's hosts and sorts all
 * their rows: 22 s for the events of a sixth of 100,000 hosts). */
void qb_labels_probe(struct qb *q, const char *host_col,
                     const struct label_filter *lf);
/* qb_labels_join - the same filter as joins, " JOIN host_labels lN ON
 * lN.host_id = host_col AND lN.key = ? AND lN.value = ?" for each label,
 * before any qb_where: for a set of rows the store should join to the
 * label's hosts as a whole (a merge or hash join) rather than probe row
 * by row in an index's order, which reads a code's every finding when
 * few of the newest have the label. */
void qb_labels_join(struct qb *q, const char *host_col,
                    const struct label_filter *lf);
/* qb_prepare - prepare and bind; NULL with err. */
sql_stmt *qb_prepare(struct qb *q, sql_db *db, char *err, size_t el);
void qb_free(struct qb *q);

#endif
