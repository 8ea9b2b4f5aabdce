/*
 * api_findings.c - GET /api/v1/findings: findings of the fleet, newest
 * first, keyset-paginated by id; filters code, severity, state, host,
 * acked (an acknowledgement holds, ack.h), role (cause: not folded under
 * an open cause of its host, symptom: folded, findings.symptom), label
 * (the host's).
 * Also the shape of one finding, which the host endpoint shows too.
 */
#include <string.h>

#include "collector/api/api.h"
#include "collector/store/ack.h"
#include "collector/store/db.h"
#include "collector/api/query.h"
#include "common/report_schema.h"

json_t *
api_ack_json(sql_stmt *st, int i)
{
	if (sql_column_type(st, i) == SQL_NULL)
		return json_null();
	return json_pack("{s:o,s:o,s:o,s:o}", "by", db_col_str(st, i),
	                 "reason", db_col_str(st, i + 1), "at",
	                 db_col_time(st, i + 2), "until",
	                 db_col_time(st, i + 3));
}

json_t *
api_cause_json(sql_stmt *st, int i)
{
	if (sql_column_type(st, i) == SQL_NULL ||
	    sql_column_type(st, i + 1) == SQL_NULL)
		return json_null();
	return json_pack("{s:o,s:o}", "code", db_col_str(st, i), "subject",
	                 db_col_str(st, i + 1));
}

json_t *
api_finding_json(sql_stmt *st, int with_host)
{
	json_t *o = json_pack(
	    "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s}", "code",
	    db_col_str(st, 1), "subject", db_col_str(st, 2), "severity",
	    db_col_str(st, 3), "message", db_col_str(st, 4), "evidence",
	    db_col_json(st, 5), "remedy", db_col_str(st, 6), "first_seen",
	    db_col_time(st, 7), "last_seen", db_col_time(st, 8), "resolved_at",
	    db_col_time(st, 9), "id", json_integer(sql_column_int64(st, 0)),
	    "state",
	    sql_column_type(st, 9) == SQL_NULL ? "open" : "resolved");
	if (with_host)
		json_object_set_new(o, "host", db_col_str(st, 10));
	json_object_set_new(o, "ack", api_ack_json(st, 11));
	json_object_set_new(o, "caused_by", api_cause_json(st, 15));
	return o;
}

/* findings_row - one finding; ctx keeps its id for the cursor. */
static json_t *
findings_row(sql_stmt *st, void *ctx)
{
	*(long long *)ctx = sql_column_int64(st, 0);
	return api_finding_json(st, 1);
}

static json_t *
findings_cursor(const json_t *last, void *ctx)
{
	(void)last;
	return id_cursor(*(long long *)ctx);
}

int
finding_filter_args(struct api_req *rq, struct api_answer *ans,
                    struct label_filter *lf)
{
	static const char *const states[] = {"open", "resolved", NULL};
	static const char *const bools[] = {"true", "false", NULL};
	static const char *const roles[] = {"cause", "symptom", NULL};

	if (enum_arg(rq, ans, "severity", report_schema_severities,
	             "info, warning or critical") == -1 ||
	    enum_arg(rq, ans, "state", states, "open or resolved") == -1 ||
	    enum_arg(rq, ans, "acked", bools, "true or false") == -1 ||
	    enum_arg(rq, ans, "role", roles, "cause or symptom") == -1)
		return -1;
	return label_args(rq, ans, lf);
}

void
finding_filter_where(struct api_req *rq, struct qb *qb,
                     const struct label_filter *lf)
{
	const char *code = rq->arg(rq->cls, "code");
	const char *sev = rq->arg(rq->cls, "severity");
	const char *state = rq->arg(rq->cls, "state");
	const char *host = rq->arg(rq->cls, "host");
	const char *acked = rq->arg(rq->cls, "acked");
	const char *role = rq->arg(rq->cls, "role");

	if (code && *code) {
		qb_where(qb, "f.code = ?");
		qb_text(qb, code);
	}
	if (sev && *sev) {
		qb_where(qb, "f.severity = ?");
		qb_text(qb, sev);
	}
	if (state && *state)
		qb_where(qb, strcmp(state, "open") == 0
		                 ? "f.resolved_at IS NULL"
		                 : "f.resolved_at IS NOT NULL");
	if (host && *host) {
		qb_where(qb, "f.host_id = (SELECT id FROM hosts WHERE "
		             "name = ?)");
		qb_text(qb, host);
	}
	if (acked && *acked)
		qb_where(qb, strcmp(acked, "true") == 0 ? "a.by IS NOT NULL"
		                                        : "a.by IS NULL");
	if (role && *role)
		qb_where(qb, strcmp(role, "symptom") == 0 ? "f.symptom = 1"
		                                          : "f.symptom = 0");
	qb_labels_probe(qb, "f.host_id", lf);
}

/*
 * The page first, its acknowledgements then: without an acked= filter
 * the page does not depend on acks, and joining them after the LIMIT
 * lets PostgreSQL walk the id index for the page instead of hashing
 * every finding (its planner prices ACK_HOLDS's count per candidate
 * row).  The same rows in the same order as API_FINDING_COLS gives.
 */
#define FINDING_PAGE_OUTER                                                     \
	"SELECT f.id, f.code, f.subject, f.severity, f.message, f.evidence, "  \
	"f.remedy, f.first_seen, f.last_seen, f.resolved_at, f.name, "         \
	"a.by, a.reason, a.at, a.until, f.cause_code, f.cause_subject FROM ("
#define FINDING_PAGE_INNER                                                     \
	"SELECT f.id, f.code, f.subject, f.severity, f.message, f.evidence, "  \
	"f.remedy, f.first_seen, f.last_seen, f.resolved_at, h.name, "         \
	"f.cause_code, f.cause_subject, f.host_id "                            \
	"FROM findings f JOIN hosts h ON h.id = f.host_id"
#define FINDING_PAGE_ACKS                                                      \
	") f LEFT JOIN acks a ON " ACK_HOLDS " ORDER BY f.id DESC"

/*
 * With label= and code= (and no acked=), on PostgreSQL: the ids of the
 * code's findings on the label's hosts as one set (MATERIALIZED: joined
 * as a whole, by findings_code_host and host_labels_kv, never probed in
 * id order), the page's ids from it, then their rows, when
 * label_walk_pays says the walk would not do.  Probing the code's
 * findings newest first stops early only when the label's hosts hold
 * many of the newest: for a code mostly elsewhere it probed them all
 * (12,800 label probes for a page of env:dev's mta.down); the set costs
 * the label's hosts plus the code's findings, whatever their order.
 */
#define FINDING_SET_INNER                                                      \
	"SELECT f.id, f.code, f.subject, f.severity, f.message, f.evidence, "  \
	"f.remedy, f.first_seen, f.last_seen, f.resolved_at, h.name, "         \
	"f.cause_code, f.cause_subject, f.host_id "                            \
	"FROM (SELECT id FROM m ORDER BY id DESC LIMIT ?) p "                  \
	"JOIN findings f ON f.id = p.id JOIN hosts h ON h.id = f.host_id "     \
	"ORDER BY f.id DESC"

/* findings_set_page - close the set m (after the cursor's bound) and
 * read the page from it. */
static void
findings_set_page(struct qb *qb, long long cursor)
{
	if (cursor) {
		qb_where(qb, "f.id < ?");
		qb_int(qb, cursor);
	}
	qb_tail(qb,
	        ") " FINDING_PAGE_OUTER FINDING_SET_INNER FINDING_PAGE_ACKS);
}

/* findings_set_query - the label= and code= page into qb (cursor: the
 * last id of the page before, or 0). */
static void
findings_set_query(struct api_req *rq, struct qb *qb,
                   const struct label_filter *lf, long long cursor)
{
	static const struct label_filter none;

	qb_init(qb, "WITH m AS MATERIALIZED (SELECT f.id FROM findings f");
	qb_labels_join(qb, "f.host_id", lf);
	finding_filter_where(rq, qb, &none);
	findings_set_page(qb, cursor);
}

/* The newest findings of a label= and code= page that label_walk_pays
 * probes before it decides. */
#define LABEL_WINDOW 1000

/*
 * label_walk_pays - whether walking the code's findings newest first
 * with a label probe each fills the page (limit) within its first
 * LABEL_WINDOW candidates, or the code has fewer: then the walk is
 * cheaper than the set (a half-fleet label fills it after ~200 probes);
 * else the label's hosts hold few of the newest and the set is taken.
 * 1, 0, or -1 when the store failed (the set then, which is right
 * whatever the order).
 */
static int
label_walk_pays(struct api_req *rq, const struct label_filter *lf,
                long long cursor, long limit)
{
	static const struct label_filter none;
	char err[256];
	struct qb qb;
	sql_stmt *st;
	int pays = -1;

	qb_init(&qb, "SELECT count(*), count(*) FILTER (WHERE TRUE");
	qb.nwhere = 1; /* the probes are ANDed to the TRUE */
	qb_labels_probe(&qb, "w.host_id", lf);
	qb_tail(&qb, ") FROM (SELECT f.host_id FROM findings f");
	qb_end_where(&qb);
	finding_filter_where(rq, &qb, &none);
	if (cursor) {
		qb_where(&qb, "f.id < ?");
		qb_int(&qb, cursor);
	}
	qb_tail(&qb, "ORDER BY f.id DESC LIMIT ?) w");
	qb_int(&qb, LABEL_WINDOW);
	st = qb_prepare(&qb, rq->db, err, sizeof(err));
	qb_free(&qb);
	if (st == NULL)
		return -1;
	if (sql_step(st) == SQL_ROW)
		pays = sql_column_int64(st, 0) < LABEL_WINDOW ||
		       sql_column_int64(st, 1) > limit;
	sql_finalize(st);
	return pays;
}

/* findings_acked_query - the acked=true page into qb: the findings an
 * acknowledgement holds for, found from the acks (a few) as a set, then
 * the page as above; walking the ids newest first read every finding
 * when none or few were acknowledged. */
static void
findings_acked_query(struct api_req *rq, struct qb *qb,
                     const struct label_filter *lf, long long cursor)
{
	/* CROSS JOIN: SQLite keeps that order (acks first, whatever its
	 * statistics say of an empty or new acks table); PostgreSQL plans
	 * it as any join */
	qb_init(qb, "WITH m AS MATERIALIZED (SELECT f.id FROM acks a "
	            "CROSS JOIN findings f");
	qb_where(qb, ACK_HOLDS);
	finding_filter_where(rq, qb, lf);
	findings_set_page(qb, cursor);
}

void
api_findings(struct api_req *rq, struct api_answer *ans)
{
	const char *acked = rq->arg(rq->cls, "acked");
	const char *code = rq->arg(rq->cls, "code");
	int page_first = acked == NULL || *acked == '\0';
	struct label_filter lf;
	struct qb qb;
	long limit;
	long long cursor, last = 0;

	if (list_args(rq, ans, &limit, &cursor) == -1 ||
	    finding_filter_args(rq, ans, &lf) == -1)
		return;
	/* the set of label= and code= on PostgreSQL only: SQLite has no
	 * merge join, its set costs a probe per finding of the code (25,000
	 * for mta.down over 100,000 hosts) where its walk in id order
	 * stops once the page is full, so at most as many */
	int label_set = page_first && lf.n > 0 && code && *code &&
	                sql_backend(rq->db) == SQL_PG &&
	                label_walk_pays(rq, &lf, cursor, limit) != 1;

	if (label_set || (acked && strcmp(acked, "true") == 0)) {
		if (page_first)
			findings_set_query(rq, &qb, &lf, cursor);
		else
			findings_acked_query(rq, &qb, &lf, cursor);
		list_page(rq, ans, &qb, limit, findings_row, findings_cursor,
		          &last);
		return;
	}
	qb_init(&qb, page_first ? FINDING_PAGE_OUTER FINDING_PAGE_INNER
	                        : API_FINDING_COLS);
	finding_filter_where(rq, &qb, &lf);
	if (cursor) {
		qb_where(&qb, "f.id < ?");
		qb_int(&qb, cursor);
	}
	qb_tail(&qb, "ORDER BY f.id DESC LIMIT ?");
	if (page_first)
		qb_tail(&qb, FINDING_PAGE_ACKS);
	list_page(rq, ans, &qb, limit, findings_row, findings_cursor, &last);
}
