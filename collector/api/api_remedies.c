/*
 * api_remedies.c - GET /api/v1/remedies: the open findings grouped by
 * code and remedy, each with the hosts it applies to, so that one fix can
 * be run across the fleet (the collector never runs it).  Filters as for
 * findings (code, severity, host, acked, label); only open findings with
 * a remedy count.  Paged by code, then the first finding id of each
 * remedy: the cursor is "<hex code>.<that id>" of the last item.
 * format=inventory answers the same page as an Ansible INI inventory, one group
 * per remedy.  Read from the aggregates of schema version 5 (below).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api/api.h"
#include "collector/store/db.h"
#include "collector/api/query.h"
#include "common/hex.h"
#include "common/jsonutil.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

/*
 * Two ways to a page, the same answer (schema version 5, collector.sql:
 * remedies, remedy_findings, remedy_counts, remedy_label_hosts).
 * Without acked=, host= or role=, the page comes from the aggregates:
 * the groups and their host counts are remedy_counts' rows (label=: the
 * count of the group's rows of remedy_label_hosts with the first label;
 * further labels and severity= probed per row), a group's first finding
 * and highest severity the first rows of remedy_findings' indexes that
 * pass the filters; nothing is grouped.  With acked=, host= or role=,
 * the open findings of remedy_findings under the filters are grouped.
 * Either way a group's hosts come in name order from an index
 * (remedy_findings, or remedy_label_hosts under label=), as far as the
 * page needs them.
 */
#define SEV_RANK(x) ACK_SEV_RANK(x)

/* the page by grouping the filtered open findings: columns code,
 * remedy, rank, hosts, first finding id, remedy id */
#define ROWS_SELECT                                                            \
	"SELECT m.code, m.remedy, max(" SEV_RANK("e.severity") "), "           \
	"count(DISTINCT e.host_id), min(e.finding_id), m.id "
#define ROWS_FROM                                                              \
	"FROM remedy_findings e JOIN remedies m ON m.id = e.remedy_id"
/* acked= and role= read the finding and its acknowledgement */
#define ROWS_FINDING                                                           \
	" JOIN findings f ON f.id = e.finding_id LEFT JOIN acks a ON " ACK_HOLDS
/* acked=true: from the acknowledgements (few) to their open findings
 * (SQLite's CROSS JOIN keeps that order; PostgreSQL's has no ON) */
#define ROWS_ACKED(join)                                                       \
	"FROM acks a " join " findings f ON " ACK_HOLDS " " join                \
	" remedy_findings e ON e.finding_id = f.id " join " remedies m ON "     \
	"m.id = e.remedy_id"
/* no acknowledgement holds for row e of group m: a probe of acks by
 * host and code, which finds nothing for most rows.  A scalar subquery
 * in a CASE: as NOT EXISTS, PostgreSQL anti-joins every row of the group
 * and sorts them, and it prices "(subquery) IS NULL" as passing 1 row in
 * 200, so sorts them too, instead of walking the index as far as the
 * page needs (a CASE passes half). */
#define UNHELD_E                                                               \
	"CASE WHEN (SELECT 1 FROM acks a WHERE a.host_id = e.host_id AND "     \
	"a.code = m.code AND EXISTS (SELECT 1 FROM findings f WHERE f.id = "   \
	"e.finding_id AND " ACK_HOLDS ") LIMIT 1) IS NULL THEN true ELSE "     \
	"false END"

struct remedies_ctx {
	struct api_req *rq;
	const struct label_filter *lf;
	int grouped;       /* the page by ROWS_*, not from the aggregates */
	int failed;
	long long last_id; /* the first finding id of the last row */
};

static const char *
arg(const struct remedies_ctx *c, const char *name)
{
	const char *v = c->rq->arg(c->rq->cls, name);

	return v && *v ? v : NULL;
}

/* needs_finding - 1 if a filter reads the finding itself */
static int
needs_finding(const struct remedies_ctx *c)
{
	return arg(c, "acked") != NULL || arg(c, "role") != NULL;
}

/* label_probes - " AND EXISTS (host col has label i)" for labels from..n-1 */
static void
label_probes(struct qb *qb, const char *col, const struct label_filter *lf,
             int from)
{
	for (int i = from; i < lf->n; i++) {
		qb_tail(qb, "AND EXISTS (SELECT 1 FROM host_labels hl WHERE "
		            "hl.host_id =");
		qb_tail(qb, col);
		qb_tail(qb, "AND hl.key = ? AND hl.value = ?)");
		qb_text(qb, lf->l[i].key);
		qb_text(qb, lf->l[i].value);
	}
}

/* label_rows - remedy_label_hosts l of group gid and severity sev
 * (fragments: '' is every severity) with the first label, the others
 * probed per row; gid and sev bind nothing, the labels do. */
static void
label_rows(struct qb *qb, const char *gid, const char *sev,
           const struct label_filter *lf)
{
	qb_tail(qb, "FROM remedy_label_hosts l WHERE l.remedy_id =");
	qb_tail(qb, gid);
	qb_tail(qb, "AND l.severity =");
	qb_tail(qb, sev);
	qb_tail(qb, "AND l.key = ? AND l.value = ?");
	qb_text(qb, lf->l[0].key);
	qb_text(qb, lf->l[0].value);
	label_probes(qb, "l.host_id", lf, 1);
}

/* rows_where - the filters on remedy_findings e (and findings f). */
static void
rows_where(struct remedies_ctx *c, struct qb *qb)
{
	const char *sev = arg(c, "severity"), *host = arg(c, "host");
	const char *acked = arg(c, "acked"), *role = arg(c, "role");

	if (sev) {
		qb_where(qb, "e.severity = ?");
		qb_text(qb, sev);
	}
	if (host) {
		qb_where(qb, "e.host_id = (SELECT id FROM hosts WHERE "
		             "name = ?)");
		qb_text(qb, host);
	}
	if (acked)
		qb_where(qb, strcmp(acked, "true") == 0 ? "a.by IS NOT NULL"
		                                        : "a.by IS NULL");
	if (role)
		qb_where(qb, strcmp(role, "symptom") == 0 ? "f.symptom = 1"
		                                          : "f.symptom = 0");
	qb_labels_probe(qb, "e.host_id", c->lf);
}

/* rows_from - the FROM of the grouped path */
static void
rows_from(struct remedies_ctx *c, struct qb *qb)
{
	const char *acked = arg(c, "acked");

	if (acked && strcmp(acked, "true") == 0)
		qb_tail(qb, sql_pick(c->rq->db, ROWS_ACKED("CROSS JOIN"),
		                     ROWS_ACKED("JOIN")));
	else if (needs_finding(c))
		qb_tail(qb, ROWS_FROM ROWS_FINDING);
	else
		qb_tail(qb, ROWS_FROM);
}

/* hosts_query - the names of group id's hosts under the filters, in
 * name order, at most API_REMEDY_HOSTS */
static void
hosts_query(struct remedies_ctx *c, struct qb *qb, long long id)
{
	const char *sev = arg(c, "severity");

	if (!c->grouped && c->lf->n > 0) {
		/* the binds in the order of their '?': the group, the
		 * severity, the labels (label_rows) */
		qb_init(qb, "SELECT l.name");
		qb_int(qb, id);
		qb_text(qb, sev ? sev : "");
		label_rows(qb, "?", "?", c->lf);
		qb_tail(qb, "ORDER BY l.name LIMIT ?");
	} else if (!c->grouped && arg(c, "acked")) {
		/* acked=false: the rows no acknowledgement holds for */
		qb_init(qb, "SELECT DISTINCT e.name FROM remedy_findings e JOIN "
		            "remedies m ON m.id = e.remedy_id");
		qb_where(qb, "e.remedy_id = ?");
		qb_int(qb, id);
		if (sev) {
			qb_where(qb, "e.severity = ?");
			qb_text(qb, sev);
		}
		qb_where(qb, UNHELD_E);
		qb_tail(qb, "ORDER BY e.name LIMIT ?");
	} else {
		qb_init(qb, "SELECT DISTINCT e.name");
		rows_from(c, qb);
		qb_where(qb, "e.remedy_id = ?");
		qb_int(qb, id);
		rows_where(c, qb);
		qb_tail(qb, "ORDER BY e.name LIMIT ?");
	}
	qb_int(qb, API_REMEDY_HOSTS);
}

/* remedy_hosts - the names (at most API_REMEDY_HOSTS) of the hosts with an
 * open finding of remedy id under the same filters. */
static json_t *
remedy_hosts(struct remedies_ctx *c, long long id)
{
	char err[256];
	struct qb qb;
	sql_stmt *st;
	json_t *a = json_array();
	int rc;

	hosts_query(c, &qb, id);
	st = qb_prepare(&qb, c->rq->db, err, sizeof(err));
	qb_free(&qb);
	if (st == NULL) {
		c->failed = 1;
		return a;
	}
	while ((rc = sql_step(st)) == SQL_ROW)
		json_array_append_new(a, db_col_str(st, 0));
	if (rc != SQL_DONE)
		c->failed = 1;
	sql_finalize(st);
	return a;
}

/* remedies_row - one remedy; the context keeps its first finding id. */
static json_t *
remedies_row(sql_stmt *st, void *ctx)
{
	static const char *const sev[] = {"info", "info", "warning",
	                                  "critical"};
	struct remedies_ctx *c = ctx;
	const char *code = (const char *)sql_column_text(st, 0);
	const char *remedy = (const char *)sql_column_text(st, 1);
	int rank = sql_column_int(st, 2);

	c->last_id = sql_column_int64(st, 4);

	return json_pack("{s:s,s:s,s:s,s:o,s:I}", "code", code, "severity",
	                 sev[rank < 0 || rank > 3 ? 0 : rank], "remedy", remedy,
	                 "hosts", remedy_hosts(c, sql_column_int64(st, 5)),
	                 "count", (json_int_t)sql_column_int64(st, 3));
}

static json_t *
remedies_cursor(const json_t *last, void *ctx)
{
	const struct remedies_ctx *c = ctx;
	char *hc = hex_encode_str(jsonutil_str(last, "code", ""));
	char *s = xasprintf("%s.%lld", hc, c->last_id);
	json_t *j = json_string(s);

	free(s);
	free(hc);
	return j;
}

/* remedies_cursor_arg - the cursor into code (NULL: none) and id. */
static int
remedies_cursor_arg(struct api_req *rq, struct api_answer *ans, char **code,
                    long long *id)
{
	const char *cur = rq->arg(rq->cls, "cursor");
	const char *dot = cur ? strchr(cur, '.') : NULL;
	char *hc, *end;

	*code = NULL;
	*id = 0;
	if (cur == NULL || *cur == '\0')
		return 0;
	if (dot != NULL && dot > cur && dot[1] >= '0' && dot[1] <= '9') {
		*id = strtoll(dot + 1, &end, 10);
		hc = xasprintf("%.*s", (int)(dot - cur), cur);
		*code = *end == '\0' && *id > 0 ? hex_decode_str(hc) : NULL;
		free(hc);
	}
	if (*code == NULL) {
		api_bad_cursor(ans);
		return -1;
	}
	return 0;
}

/* inventory_name_ok - 1 if a host name can stand as it is on a line of
 * an INI inventory (a name from a report could carry blanks, '=' or a
 * newline and so add hosts, variables or groups). */
static int
inventory_name_ok(const char *s)
{
	if (*s == '\0' || *s == '-' || *s == '.')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' ||
		      *s == '_'))
			return 0;
	return 1;
}

/* comment_text - s on one comment line: control characters as blanks. */
static int
comment_text(struct strbuf *b, const char *s)
{
	int bad = 0;

	for (; *s; s++)
		bad |= strbuf_appendc(
		    b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
	return bad;
}

/* group_name - "code_N": the code with its '.' as '_', N counting the
 * remedies of that code on this page from 1. */
static int
group_name(struct strbuf *b, const char *code, int n)
{
	int bad = 0;

	for (const char *p = code; *p; p++)
		bad |= strbuf_appendc(b, (*p >= 'a' && *p <= 'z') ||
		                                 (*p >= '0' && *p <= '9')
		                             ? *p
		                             : '_');
	return bad | strbuf_printf(b, "_%d", n);
}

/* inventory_item - one remedy's group; -1 if the text is too large. */
static int
inventory_item(struct strbuf *b, json_t *it, int n)
{
	const char *code = jsonutil_str(it, "code", "");
	json_t *hosts = json_object_get(it, "hosts"), *h;
	size_t k, left = 0;
	int bad = strbuf_appends(b, "\n[");

	bad |= group_name(b, code, n);
	bad |= strbuf_printf(b, "]\n# %s (%s, %lld hosts): ", code,
	                     jsonutil_str(it, "severity", ""),
	                     jsonutil_int(it, "count", 0));
	bad |= comment_text(b, jsonutil_str(it, "remedy", ""));
	bad |= strbuf_appendc(b, '\n');
	json_array_foreach(hosts, k, h)
	{
		if (inventory_name_ok(json_string_value(h)))
			bad |= strbuf_printf(b, "%s\n", json_string_value(h));
		else
			left++;
	}
	if (left)
		bad |= strbuf_printf(b,
		                     "# %zu hosts left out: their names are "
		                     "not inventory host names\n",
		                     left);
	if (jsonutil_int(it, "count", 0) > (long long)json_array_size(hosts))
		bad |= strbuf_printf(b, "# only the first %d hosts listed\n",
		                     API_REMEDY_HOSTS);
	return bad;
}

/* inventory - the page (ans->body) as an Ansible INI inventory. */
static void
inventory(struct api_answer *ans, long long now)
{
	json_t *items = json_object_get(ans->body, "items"), *it;
	json_t *next = json_object_get(ans->body, "next_cursor");
	json_t *t = jsonutil_ts(now);
	const char *prev = "";
	struct strbuf b;
	size_t i;
	int n = 0, bad;

	strbuf_init(&b, API_TEXT_MAX);
	bad = strbuf_printf(&b,
	                    "# spoolwatch remedies of open findings, %s\n"
	                    "# one group per remedy; the collector runs "
	                    "nothing\n",
	                    json_is_string(t) ? json_string_value(t) : "");
	json_decref(t);
	json_array_foreach(items, i, it)
	{
		const char *code = jsonutil_str(it, "code", "");
		n = strcmp(code, prev) == 0 ? n + 1 : 1;
		prev = code;
		bad |= inventory_item(&b, it, n);
	}
	if (json_is_string(next))
		bad |= strbuf_printf(&b, "\n# more remedies: cursor=%s\n",
		                     json_string_value(next));
	json_decref(ans->body);
	ans->body = NULL;
	if (bad) {
		strbuf_free(&b);
		api_error(
		    ans, 413, "too_large",
		    "the inventory is larger than %u bytes: ask for fewer "
		    "remedies (limit=)",
		    API_TEXT_MAX);
		return;
	}
	ans->len = b.len;
	ans->text = strbuf_steal(&b);
	ans->type = "text/plain; charset=utf-8";
}

/* row_probe - the filters a row e of group m must pass on the
 * aggregates' path: the labels, or (acked=false) no acknowledgement */
static void
row_probe(struct remedies_ctx *c, struct qb *qb)
{
	label_probes(qb, "e.host_id", c->lf, 0);
	if (arg(c, "acked"))
		qb_tail(qb, "AND " UNHELD_E);
}

/* counts_page - the page's query from the aggregates: code, remedy,
 * rank, hosts, first finding id, remedy id per group.  g0: the groups
 * and their counts; g: the highest severity and first finding of those
 * with hosts (each walked in an index's order until a row passes). */
static void
counts_page(struct remedies_ctx *c, struct qb *qb, const char *acode,
            long long aid)
{
	const char *code = arg(c, "code"), *sev = arg(c, "severity");
	const struct label_filter *lf = c->lf;

	qb_init(qb, "WITH g0 AS MATERIALIZED (SELECT m.code, m.remedy, m.id, "
	            "c.severity AS sev,");
	if (lf->n == 1) {
		qb_tail(qb, "coalesce((SELECT k.hosts FROM remedy_label_counts "
		            "k WHERE k.remedy_id = m.id AND k.severity = "
		            "c.severity AND k.key = ? AND k.value = ?), 0)");
		qb_text(qb, lf->l[0].key);
		qb_text(qb, lf->l[0].value);
	} else if (lf->n > 1) {
		qb_tail(qb, "(SELECT count(*)");
		label_rows(qb, "m.id", "c.severity", lf);
		qb_tail(qb, ")");
	} else if (arg(c, "acked")) {
		/* acked=false: less the hosts whose every finding of the
		 * group (and severity) an acknowledgement holds for */
		/* CROSS JOIN: SQLite starts from the acks (few), not from
		 * the group's rows */
		qb_tail(qb, "c.hosts - (SELECT count(*) FROM (SELECT e.name "
		            "FROM acks a CROSS JOIN findings f CROSS JOIN "
		            "remedy_findings e WHERE " ACK_HOLDS " AND "
		            "e.finding_id = f.id AND e.remedy_id = m.id");
		if (sev)
			qb_tail(qb, "AND e.severity = c.severity");
		qb_tail(qb, "GROUP BY e.name HAVING count(*) = (SELECT "
		            "count(*) FROM remedy_findings w WHERE w.remedy_id = "
		            "m.id AND w.name = e.name");
		if (sev)
			qb_tail(qb, "AND w.severity = c.severity");
		qb_tail(qb, ")) z)");
	} else {
		qb_tail(qb, "c.hosts");
	}
	qb_tail(qb, "AS hosts FROM remedy_counts c JOIN remedies m ON "
	            "m.id = c.remedy_id");
	qb_where(qb, "c.severity = ?");
	qb_text(qb, sev ? sev : "");
	qb_where(qb, "c.hosts > 0");
	if (code) {
		qb_where(qb, "m.code = ?");
		qb_text(qb, code);
	}
	qb_end_where(qb);
	qb_tail(qb, "), g AS MATERIALIZED (SELECT m.code, m.remedy, m.id, "
	            "m.hosts,");
	if (sev) {
		qb_tail(qb, SEV_RANK("m.sev"));
	} else if (lf->n == 1) {
		qb_tail(qb, "(SELECT max(" SEV_RANK("k.severity") ") FROM "
		            "remedy_label_counts k WHERE k.remedy_id = m.id AND "
		            "k.severity <> '' AND k.key = ? AND k.value = ? AND "
		            "k.hosts > 0)");
		qb_text(qb, lf->l[0].key);
		qb_text(qb, lf->l[0].value);
	} else {
		/* the highest severity of the group that a host under the
		 * filters has */
		qb_tail(qb, "(SELECT max(" SEV_RANK("x.severity") ") FROM "
		            "remedy_counts x WHERE x.remedy_id = m.id AND "
		            "x.severity <> '' AND x.hosts > 0");
		if (lf->n > 0 || arg(c, "acked")) {
			/* LIMIT 1: walked in index order until one passes
			 * (as EXISTS, PostgreSQL hashes every row of it) */
			qb_tail(qb, "AND (SELECT e.finding_id FROM "
			            "remedy_findings e WHERE e.remedy_id = m.id "
			            "AND e.severity = x.severity");
			row_probe(c, qb);
			qb_tail(qb, "ORDER BY e.name LIMIT 1) IS NOT NULL");
		}
		qb_tail(qb, ")");
	}
	qb_tail(qb, "AS rnk, (SELECT e.finding_id FROM remedy_findings e "
	            "WHERE e.remedy_id = m.id");
	if (sev)
		qb_tail(qb, "AND e.severity = m.sev");
	row_probe(c, qb);
	qb_tail(qb, "ORDER BY e.finding_id LIMIT 1) AS first FROM g0 m");
	qb_where(qb, "m.hosts > 0");
	qb_end_where(qb);
	qb_tail(qb, ") SELECT g.code, g.remedy, g.rnk, g.hosts, g.first, g.id "
	            "FROM g");
	if (acode) {
		qb_where(qb, "(g.code > ? OR (g.code = ? AND g.first > ?))");
		qb_text(qb, acode);
		qb_text(qb, acode);
		qb_int(qb, aid);
	}
	qb_tail(qb, "ORDER BY g.code, g.first LIMIT ?");
}

/* rows_page - the page's query grouping the filtered open findings */
static void
rows_page(struct remedies_ctx *c, struct qb *qb, const char *acode,
          long long aid)
{
	const char *code = arg(c, "code");

	qb_init(qb, ROWS_SELECT);
	rows_from(c, qb);
	if (code) {
		qb_where(qb, "m.code = ?");
		qb_text(qb, code);
	}
	rows_where(c, qb);
	qb_tail(qb, "GROUP BY m.id, m.code, m.remedy");
	if (acode) {
		qb_tail(qb, "HAVING m.code > ? OR (m.code = ? AND "
		            "min(e.finding_id) > ?)");
		qb_text(qb, acode);
		qb_text(qb, acode);
		qb_int(qb, aid);
	}
	qb_tail(qb, "ORDER BY m.code, min(e.finding_id) LIMIT ?");
}

void
api_remedies(struct api_req *rq, struct api_answer *ans)
{
	static const char *const formats[] = {"json", "inventory", NULL};
	const char *format = rq->arg(rq->cls, "format");
	struct label_filter lf;
	struct remedies_ctx c = {rq, &lf, 0, 0, 0};
	const char *state;
	char *acode;
	long long aid;
	struct qb qb;
	long limit;

	if (list_args(rq, ans, &limit, NULL) == -1 ||
	    enum_arg(rq, ans, "format", formats, "json or inventory") == -1 ||
	    finding_filter_args(rq, ans, &lf) == -1 ||
	    remedies_cursor_arg(rq, ans, &acode, &aid) == -1)
		return;
	state = arg(&c, "state");
	if (state && strcmp(state, "resolved") == 0) {
		/* only open findings count */
		free(acode);
		ans->status = 200;
		ans->body = json_pack("{s:[],s:n}", "items", "next_cursor");
	} else {
		/* acked=false alone probes each row (acks are few) */
		c.grouped = arg(&c, "host") || arg(&c, "role") ||
		            (arg(&c, "acked") &&
		             (lf.n > 0 || strcmp(arg(&c, "acked"), "true") == 0));
		if (c.grouped)
			rows_page(&c, &qb, acode, aid);
		else
			counts_page(&c, &qb, acode, aid);
		free(acode);
		list_page(rq, ans, &qb, limit, remedies_row, remedies_cursor,
		          &c);
	}
	if (ans->status == 200 && c.failed) {
		json_decref(ans->body);
		ans->body = NULL;
		api_db_error(ans, sql_errmsg(rq->db));
		return;
	}
	if (ans->status == 200 && format && strcmp(format, "inventory") == 0)
		inventory(ans, rq->now);
}
