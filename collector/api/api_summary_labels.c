/*
 * api_summary_labels.c - the summary of the hosts that have the labels of
 * label=, and the summary's groups by one label (group_by=label:KEY).
 * One label: its counts from the per-label aggregates kept at ingest
 * (label_fleet, label_findings, label_incidents, label_sigs, label_cron;
 * schema version 5), its top lists either by the list's order index with
 * a probe of the label per row or from the label's hosts, whichever the
 * label's size and the fleet's counts make cheaper.  Several labels: every
 * part from the base tables through host_labels.
 */
#include <stdio.h>
#include <string.h>

#include "collector/api/api_summary.h"
#include "collector/store/db.h"

/* One scoped read: its request, filters and the first error. */
struct scope {
	struct api_req *rq;
	const struct label_filter *lf;
	char *err;
	size_t el;
	int failed;
};

/* run_rows - row() of every row of qb (freed) as an array. */
static json_t *
run_rows(struct scope *sc, struct qb *qb, json_t *(*row)(sql_stmt *st))
{
	sql_stmt *st = sc->failed
	                       ? NULL
	                       : qb_prepare(qb, sc->rq->db, sc->err, sc->el);
	json_t *a = json_array();
	int rc;

	qb_free(qb);
	if (st == NULL) {
		sc->failed = 1;
		return a;
	}
	while ((rc = sql_step(st)) == SQL_ROW)
		json_array_append_new(a, row(st));
	if (rc != SQL_DONE) {
		snprintf(sc->err, sc->el, "database: %s",
		         sql_errmsg(sc->rq->db));
		sc->failed = 1;
	}
	sql_finalize(st);
	return a;
}

/* run_ints - the first row of qb (freed) as n integers (zeros if none). */
static void
run_ints(struct scope *sc, struct qb *qb, long long *v, int n)
{
	sql_stmt *st = sc->failed
	                       ? NULL
	                       : qb_prepare(qb, sc->rq->db, sc->err, sc->el);
	int rc;

	qb_free(qb);
	for (int i = 0; i < n; i++)
		v[i] = 0;
	if (st == NULL) {
		sc->failed = 1;
		return;
	}
	if ((rc = sql_step(st)) == SQL_ROW)
		for (int i = 0; i < n; i++)
			v[i] = sql_column_int64(st, i);
	else if (rc != SQL_DONE) {
		snprintf(sc->err, sc->el, "database: %s",
		         sql_errmsg(sc->rq->db));
		sc->failed = 1;
	}
	sql_finalize(st);
}

static long long
cutoff(const struct scope *sc)
{
	return sc->rq->now - sc->rq->stale_after;
}

static json_t *
scoped_hosts(struct scope *sc)
{
	struct qb qb;
	long long n[2];
	json_t *silent;

	qb_init(&qb, "SELECT count(*), coalesce(sum(CASE WHEN h.last_seen < "
	             "? THEN 1 ELSE 0 END), 0) FROM hosts h");
	qb_int(&qb, cutoff(sc));
	qb_labels(&qb, "h.id", sc->lf);
	run_ints(sc, &qb, n, 2);
	qb_init(&qb, "SELECT h.name, h.last_seen FROM hosts h");
	qb_where(&qb, "h.last_seen < ?");
	qb_int(&qb, cutoff(sc));
	qb_labels(&qb, "h.id", sc->lf);
	qb_tail(&qb, "ORDER BY h.last_seen DESC, h.name LIMIT ?");
	qb_int(&qb, API_TOP_N);
	silent = run_rows(sc, &qb, silent_row);
	return json_pack("{s:I,s:I,s:I,s:o}", "total", (json_int_t)n[0],
	                 "reporting", (json_int_t)(n[0] - n[1]), "stale",
	                 (json_int_t)n[1], "silent", silent);
}

static json_t *
scoped_findings(struct scope *sc)
{
	struct qb qb;

	qb_init(&qb, "SELECT f.code, f.severity, count(DISTINCT f.host_id), "
	             "coalesce(sum(f.symptom), 0) FROM findings f");
	qb_where(&qb, "f.resolved_at IS NULL");
	qb_labels(&qb, "f.host_id", sc->lf);
	qb_tail(&qb, "GROUP BY f.code, f.severity ORDER BY 3 DESC, f.code, "
	             "f.severity");
	return run_rows(sc, &qb, finding_row);
}

/* scoped_incidents - the summary's incidents over the hosts in scope: the
 * open causes (findings that are no symptom), on how many hosts, and
 * both per severity, as incident_counts gives them fleet-wide.  One pass
 * over the causes, grouped by host (not a count(DISTINCT) per
 * severity): per host its causes of each severity, then per severity
 * their sum and the hosts that have any. */
#define SEV_N(s) "sum(CASE WHEN f.severity = '" s "' THEN 1 ELSE 0 END)"
#define SEV_SUMS(s) "coalesce(sum(" s "), 0), coalesce(sum(CASE WHEN " s \
	" > 0 THEN 1 ELSE 0 END), 0)"
static json_t *
scoped_incidents(struct scope *sc)
{
	static const char *const sevs[] = {"critical", "warning", "info"};
	json_t *by = json_object();
	long long n[8];
	struct qb qb;

	qb_init(&qb, "SELECT coalesce(sum(n), 0), count(*), " SEV_SUMS("c")
	             ", " SEV_SUMS("w") ", " SEV_SUMS("i") " FROM (SELECT "
	             "f.host_id, count(*) AS n, " SEV_N("critical") " AS c, "
	             SEV_N("warning") " AS w, " SEV_N("info") " AS i FROM "
	             "findings f");
	qb_where(&qb, "f.resolved_at IS NULL AND f.symptom = 0");
	qb_labels(&qb, "f.host_id", sc->lf);
	qb_tail(&qb, "GROUP BY f.host_id) t");
	run_ints(sc, &qb, n, 8);
	for (size_t i = 0; i < sizeof(sevs) / sizeof(sevs[0]); i++)
		json_object_set_new(by, sevs[i],
		                    json_pack("{s:I,s:I}", "open",
		                              (json_int_t)n[2 + 2 * i], "hosts",
		                              (json_int_t)n[3 + 2 * i]));
	return json_pack("{s:I,s:I,s:o}", "open", (json_int_t)n[0], "hosts",
	                 (json_int_t)n[1], "by_severity", by);
}

static json_t *
scoped_syserr(struct scope *sc)
{
	struct qb qb;

	qb_init(&qb, "SELECT s.signature, count(*), sum(s.count), "
	             "max(coalesce(s.last_ts, 0)) FROM event_sigs s");
	qb_where(&qb, "s.kind = 'syserr'");
	/* "+": not through the key (signature, host_id), which SQLite
	 * would probe once per signature and labelled host (9 s for half
	 * of 100,000 hosts; the scan 0.5 s) */
	qb_labels(&qb, "+s.host_id", sc->lf);
	qb_tail(&qb, "GROUP BY s.signature ORDER BY 2 DESC, 3 DESC, "
	             "s.signature LIMIT ?");
	qb_int(&qb, API_TOP_N);
	return run_rows(sc, &qb, syserr_row);
}

static json_t *
scoped_inodes(struct scope *sc)
{
	struct qb qb;

	qb_init(&qb, "SELECT h.name, f.mount, f.inodes_used_pct FROM "
	             "filesystems f JOIN hosts h ON h.id = f.host_id");
	qb_where(&qb, "f.mail_fs = 1 AND f.inodes_used_pct IS NOT NULL");
	qb_labels(&qb, "f.host_id", sc->lf);
	qb_tail(&qb, "ORDER BY f.inodes_used_pct DESC, h.name, f.mount "
	             "LIMIT ?");
	qb_int(&qb, API_TOP_N);
	return run_rows(sc, &qb, inodes_row);
}

static json_t *
scoped_mail(struct scope *sc)
{
	struct qb qb;
	long long n[3];
	json_t *top;

	qb_init(&qb, "SELECT coalesce(sum(h.queued_total), 0), "
	             "coalesce(sum(h.unread_total), 0), coalesce(sum(CASE "
	             "WHEN h.queued_total > 0 THEN 1 ELSE 0 END), 0) "
	             "FROM hosts h");
	qb_labels(&qb, "h.id", sc->lf);
	run_ints(sc, &qb, n, 3);
	qb_init(&qb, "SELECT m.command, count(*), sum(m.inbox + m.queued) "
	             "FROM mail_cron m");
	qb_labels(&qb, "m.host_id", sc->lf);
	qb_tail(&qb, "GROUP BY m.command ORDER BY 3 DESC, m.command LIMIT ?");
	qb_int(&qb, API_TOP_N);
	top = run_rows(sc, &qb, cron_row);
	return json_pack("{s:I,s:I,s:I,s:o}", "queued_total", (json_int_t)n[0],
	                 "unread_total", (json_int_t)n[1], "hosts_with_queued",
	                 (json_int_t)n[2], "top_cron_commands", top);
}

static json_t *
scoped_mta(struct scope *sc)
{
	struct qb qb;
	long long n;

	qb_init(&qb, "SELECT count(*) FROM hosts h");
	qb_where(&qb, "h.mta_down = 1");
	qb_labels(&qb, "h.id", sc->lf);
	run_ints(sc, &qb, &n, 1);
	qb_init(&qb, "SELECT h.name FROM hosts h");
	qb_where(&qb, "h.mta_down = 1");
	qb_labels(&qb, "h.id", sc->lf);
	qb_tail(&qb, "ORDER BY h.last_seen DESC, h.name LIMIT ?");
	qb_int(&qb, API_TOP_N);
	return json_pack("{s:I,s:o}", "hosts", (json_int_t)n, "examples",
	                 run_rows(sc, &qb, name_row));
}

/* --- one label: its aggregates --------------------------------------------- */

/* label_key - "WHERE key = ? AND value = ?" of the label. */
static void
label_key(struct qb *qb, const struct scope *sc)
{
	qb_where(qb, "key = ? AND value = ?");
	qb_text(qb, sc->lf->l[0].key);
	qb_text(qb, sc->lf->l[0].value);
}

/* label_rows - probe (1): the hosts of a list walked in its index's
 * order, each probed for the label; else the label's hosts. */
static void
label_rows(struct qb *qb, const char *host_col, const struct scope *sc,
           int probe)
{
	if (probe)
		qb_labels_probe(qb, host_col, sc->lf);
	else
		qb_labels(qb, host_col, sc->lf);
}

/* fleet_count - an integer of the fleet's summary o (o.a.b). */
static long long
fleet_count(json_t *o, const char *a, const char *b)
{
	return json_integer_value(json_object_get(json_object_get(o, a), b));
}

/* The label's row of label_fleet (zeros: no host has it). */
enum { LF_HOSTS, LF_QUEUED, LF_UNREAD, LF_HWQ, LF_MTA, LF_N };

/* label_hosts - total from the aggregate; stale and silent by the hosts
 * seen last before the cutoff (hosts_last_seen), or from the label's
 * hosts when those are fewer than the fleet's stale ones. */
static json_t *
label_hosts(struct scope *sc, const long long *lf, long long fleet_stale)
{
	int probe = fleet_stale <= lf[LF_HOSTS];
	struct qb qb;
	long long stale;
	json_t *silent;

	qb_init(&qb, "SELECT count(*) FROM hosts h");
	qb_where(&qb, "h.last_seen < ?");
	qb_int(&qb, cutoff(sc));
	label_rows(&qb, "h.id", sc, probe);
	run_ints(sc, &qb, &stale, 1);
	qb_init(&qb, "SELECT h.name, h.last_seen FROM hosts h");
	qb_where(&qb, "h.last_seen < ?");
	qb_int(&qb, cutoff(sc));
	label_rows(&qb, "h.id", sc, probe);
	qb_tail(&qb, "ORDER BY h.last_seen DESC, h.name LIMIT ?");
	qb_int(&qb, API_TOP_N);
	silent = run_rows(sc, &qb, silent_row);
	return json_pack("{s:I,s:I,s:I,s:o}", "total",
	                 (json_int_t)lf[LF_HOSTS], "reporting",
	                 (json_int_t)(lf[LF_HOSTS] - stale), "stale",
	                 (json_int_t)stale, "silent", silent);
}

static json_t *
label_findings(struct scope *sc)
{
	struct qb qb;

	qb_init(&qb, "SELECT code, severity, hosts, symptoms FROM "
	             "label_findings");
	label_key(&qb, sc);
	qb_where(&qb, "hosts > 0");
	qb_tail(&qb, "ORDER BY hosts DESC, code, severity");
	return run_rows(sc, &qb, finding_row);
}

static json_t *
label_incidents(struct scope *sc)
{
	struct qb qb;
	sql_stmt *st;
	json_t *o;
	int rc;

	qb_init(&qb, "SELECT severity, causes, hosts FROM label_incidents");
	label_key(&qb, sc);
	st = sc->failed ? NULL : qb_prepare(&qb, sc->rq->db, sc->err, sc->el);
	qb_free(&qb);
	if (st == NULL)
		sc->failed = 1;
	o = incidents_rows(st, &rc);
	if (st && rc != SQL_DONE) {
		snprintf(sc->err, sc->el, "database: %s",
		         sql_errmsg(sc->rq->db));
		sc->failed = 1;
	}
	sql_finalize(st);
	return o;
}

static json_t *
label_syserr(struct scope *sc)
{
	struct qb qb;

	qb_init(&qb, "SELECT signature, hosts, count, coalesce(last_ts, 0) "
	             "FROM label_sigs");
	label_key(&qb, sc);
	qb_where(&qb, "kind = 'syserr'");
	qb_tail(&qb, "ORDER BY hosts DESC, count DESC, signature LIMIT ?");
	qb_int(&qb, API_TOP_N);
	return run_rows(sc, &qb, syserr_row);
}

/* label_inodes - the fullest mail filesystems: by filesystems_mail_pct,
 * probing each row's host, when the label is large enough that the
 * walk meets API_TOP_N of its hosts soon (it reads about API_TOP_N *
 * fleet / label rows; the label's hosts' rows are label rows), else
 * from the label's hosts. */
static json_t *
label_inodes(struct scope *sc, long long label, long long fleet)
{
	struct qb qb;

	qb_init(&qb, "SELECT h.name, f.mount, f.inodes_used_pct FROM "
	             "filesystems f JOIN hosts h ON h.id = f.host_id");
	qb_where(&qb, "f.mail_fs = 1 AND f.inodes_used_pct IS NOT NULL");
	label_rows(&qb, "f.host_id", sc, label * label >= API_TOP_N * fleet);
	qb_tail(&qb, "ORDER BY f.inodes_used_pct DESC, h.name, f.mount "
	             "LIMIT ?");
	qb_int(&qb, API_TOP_N);
	return run_rows(sc, &qb, inodes_row);
}

static json_t *
label_mail(struct scope *sc, const long long *lf)
{
	struct qb qb;

	qb_init(&qb, "SELECT command, hosts, inbox + queued FROM label_cron");
	label_key(&qb, sc);
	qb_tail(&qb, "ORDER BY inbox + queued DESC, command LIMIT ?");
	qb_int(&qb, API_TOP_N);
	return json_pack("{s:I,s:I,s:I,s:o}", "queued_total",
	                 (json_int_t)lf[LF_QUEUED], "unread_total",
	                 (json_int_t)lf[LF_UNREAD], "hosts_with_queued",
	                 (json_int_t)lf[LF_HWQ], "top_cron_commands",
	                 run_rows(sc, &qb, cron_row));
}

/* label_mta - the count from the aggregate; the examples by the hosts
 * with the MTA down (hosts_mta_down_seen) probed, or from the label's
 * hosts when those are fewer. */
static json_t *
label_mta(struct scope *sc, const long long *lf, long long fleet_down)
{
	struct qb qb;

	qb_init(&qb, "SELECT h.name FROM hosts h");
	qb_where(&qb, "h.mta_down = 1");
	label_rows(&qb, "h.id", sc, fleet_down <= lf[LF_HOSTS]);
	qb_tail(&qb, "ORDER BY h.last_seen DESC, h.name LIMIT ?");
	qb_int(&qb, API_TOP_N);
	return json_pack("{s:I,s:o}", "hosts", (json_int_t)lf[LF_MTA],
	                 "examples", run_rows(sc, &qb, name_row));
}

static int
label_summary(struct scope *sc, json_t *o)
{
	long long lf[LF_N];
	long long fleet = fleet_count(o, "hosts", "total");
	long long stale = fleet_count(o, "hosts", "stale");
	long long down = fleet_count(o, "mta_down", "hosts");
	struct qb qb;

	qb_init(&qb, "SELECT hosts, queued, unread, hosts_with_queued, "
	             "mta_down FROM label_fleet");
	label_key(&qb, sc);
	run_ints(sc, &qb, lf, LF_N);
	json_object_set_new(o, "hosts", label_hosts(sc, lf, stale));
	json_object_set_new(o, "findings", label_findings(sc));
	json_object_set_new(o, "incidents", label_incidents(sc));
	json_object_set_new(o, "syserr_top", label_syserr(sc));
	json_object_set_new(o, "inodes_top",
	                    label_inodes(sc, lf[LF_HOSTS], fleet));
	json_object_set_new(o, "mail", label_mail(sc, lf));
	json_object_set_new(o, "mta_down", label_mta(sc, lf, down));
	return sc->failed ? -1 : 0;
}

int
summary_scope(struct api_req *rq, const struct label_filter *lf, json_t *o,
              char *err, size_t el)
{
	struct scope sc = {rq, lf, err, el, 0};

	if (lf->n == 1)
		return label_summary(&sc, o);
	json_object_set_new(o, "hosts", scoped_hosts(&sc));
	json_object_set_new(o, "findings", scoped_findings(&sc));
	json_object_set_new(o, "incidents", scoped_incidents(&sc));
	json_object_set_new(o, "syserr_top", scoped_syserr(&sc));
	json_object_set_new(o, "inodes_top", scoped_inodes(&sc));
	json_object_set_new(o, "mail", scoped_mail(&sc));
	json_object_set_new(o, "mta_down", scoped_mta(&sc));
	return sc.failed ? -1 : 0;
}

int
group_by_arg(struct api_req *rq, struct api_answer *ans,
             char key[LABEL_KEY_MAX + 1], const char **out)
{
	const char *g = rq->arg(rq->cls, "group_by");

	*out = NULL;
	if (g == NULL)
		return 0;
	if (strncmp(g, "label:", 6) != 0 ||
	    !label_key_ok(g + 6, strlen(g + 6))) {
		api_error(ans, 400, "bad_request",
		          "group_by: expected label:KEY (KEY a label name "
		          "[A-Za-z_][A-Za-z0-9_]{0,62})");
		return -1;
	}
	memcpy(key, g + 6, strlen(g + 6) + 1);
	*out = key;
	return 0;
}

static json_t *
group_row(sql_stmt *st)
{
	return json_pack("{s:o,s:I,s:I,s:I,s:I,s:I,s:[]}", "value",
	                 db_col_str(st, 0), "hosts",
	                 (json_int_t)sql_column_int64(st, 1), "stale",
	                 (json_int_t)sql_column_int64(st, 2), "mta_down",
	                 (json_int_t)sql_column_int64(st, 3),
	                 "queued_total",
	                 (json_int_t)sql_column_int64(st, 4),
	                 "unread_total",
	                 (json_int_t)sql_column_int64(st, 5), "findings");
}

/* group_of - the group of groups whose value is that of column 0. */
static json_t *
group_of(json_t *groups, sql_stmt *st)
{
	size_t i;
	json_t *g;
	int null = sql_column_type(st, 0) == SQL_NULL;
	const char *v = (const char *)sql_column_text(st, 0);

	json_array_foreach(groups, i, g)
	{
		json_t *gv = json_object_get(g, "value");
		if (null ? json_is_null(gv)
		         : json_is_string(gv) &&
		               strcmp(json_string_value(gv), v) == 0)
			return g;
	}
	return NULL;
}

/* group_findings - each group's open findings per code and severity. */
static void
group_findings(struct scope *sc, json_t *groups, const char *key)
{
	struct qb qb;
	sql_stmt *st;
	int rc;

	qb_init(&qb, "SELECT l.value, f.code, f.severity, count(DISTINCT "
	             "f.host_id), coalesce(sum(f.symptom), 0) FROM findings f "
	             "LEFT JOIN host_labels l ON "
	             "l.host_id = f.host_id AND l.key = ?");
	qb_text(&qb, key);
	qb_where(&qb, "f.resolved_at IS NULL");
	qb_labels(&qb, "f.host_id", sc->lf);
	qb_tail(&qb, "GROUP BY l.value, f.code, f.severity ORDER BY 4 DESC, "
	             "f.code, f.severity");
	st = qb_prepare(&qb, sc->rq->db, sc->err, sc->el);
	qb_free(&qb);
	if (st == NULL) {
		sc->failed = 1;
		return;
	}
	while ((rc = sql_step(st)) == SQL_ROW) {
		json_t *g = group_of(groups, st);
		if (g)
			json_array_append_new(
			    json_object_get(g, "findings"),
			    json_pack("{s:o,s:o,s:I,s:I}", "code",
			              db_col_str(st, 1), "severity",
			              db_col_str(st, 2), "hosts",
			              (json_int_t)sql_column_int64(st, 3),
			              "symptoms",
			              (json_int_t)sql_column_int64(st, 4)));
	}
	if (rc != SQL_DONE) {
		snprintf(sc->err, sc->el, "database: %s",
		         sql_errmsg(sc->rq->db));
		sc->failed = 1;
	}
	sql_finalize(st);
}

json_t *
summary_groups(struct api_req *rq, const struct label_filter *lf,
               const char *key, char *err, size_t el)
{
	struct scope sc = {rq, lf, err, el, 0};
	struct qb qb;
	json_t *groups;

	qb_init(&qb, "SELECT l.value, count(*), coalesce(sum(CASE WHEN "
	             "h.last_seen < ? THEN 1 ELSE 0 END), 0), "
	             "coalesce(sum(h.mta_down), 0), coalesce(sum("
	             "h.queued_total), 0), coalesce(sum(h.unread_total), 0) "
	             "FROM hosts h LEFT JOIN host_labels l ON l.host_id = "
	             "h.id AND l.key = ?");
	qb_int(&qb, cutoff(&sc));
	qb_text(&qb, key);
	qb_labels(&qb, "h.id", lf);
	qb_tail(&qb, "GROUP BY l.value ORDER BY 2 DESC, l.value IS NULL, "
	             "l.value LIMIT ?");
	qb_int(&qb, API_GROUPS_MAX);
	groups = run_rows(&sc, &qb, group_row);
	if (!sc.failed)
		group_findings(&sc, groups, key);
	if (sc.failed) {
		json_decref(groups);
		return NULL;
	}
	return groups;
}
