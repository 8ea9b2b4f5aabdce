/*
 * api_mail.c - GET /api/v1/mail: queued and unread mail grouped by cron
 * command, fleet wide (the cron_fleet aggregate) or for one host
 * (mail_cron), most messages first, with the totals of the same scope.
 * The cursor is "<messages>.<hex command>" of the last item.  With one
 * label= the rows come from label_cron (cron_fleet per label, kept at
 * ingest); with several they are summed over the hosts that have all of
 * them (mail_cron).  The totals of one label are its label_fleet row's,
 * of several summed over their hosts (hosts).
 */
#include <stdlib.h>
#include <string.h>

#include "collector/api/api.h"
#include "collector/store/db.h"
#include "collector/api/query.h"
#include "common/hex.h"
#include "common/xalloc.h"

/* mail_hosts - the hosts (of lf's labels) with most mail of command. */
static json_t *
mail_hosts(sql_db *db, const char *command, const struct label_filter *lf)
{
	char err[256];
	sql_stmt *st;
	struct qb qb;
	json_t *a = json_array();

	qb_init(&qb, "SELECT h.name FROM mail_cron m JOIN hosts h ON "
	             "h.id = m.host_id");
	qb_where(&qb, "m.command = ?");
	qb_text(&qb, command);
	qb_labels(&qb, "m.host_id", lf);
	qb_tail(&qb, "ORDER BY m.inbox + m.queued DESC, h.name LIMIT ?");
	qb_int(&qb, API_MAIL_EXAMPLES);
	st = qb_prepare(&qb, db, err, sizeof(err));
	qb_free(&qb);
	if (st == NULL)
		return a;
	while (sql_step(st) == SQL_ROW)
		json_array_append_new(a, db_col_str(st, 0));
	sql_finalize(st);
	return a;
}

struct mail_ctx {
	sql_db *db;
	int by_host;     /* rows of mail_cron for one host */
	const char *cmd; /* the command filter, if any */
	const struct label_filter *lf;
};

/* mail_row - one cron command: per host with its latest mail, or fleet
 * wide with example hosts when a command is asked for. */
static json_t *
mail_row(sql_stmt *st, void *ctx)
{
	const struct mail_ctx *mc = ctx;
	json_t *o =
	    json_pack("{s:o,s:I,s:I,s:I,s:I}", "command", db_col_str(st, 0),
	              "hosts", (json_int_t)sql_column_int64(st, 1),
	              "messages", (json_int_t)sql_column_int64(st, 4),
	              "unread", (json_int_t)sql_column_int64(st, 2),
	              "queued", (json_int_t)sql_column_int64(st, 3));

	if (mc->by_host) {
		json_object_set_new(o, "user", db_col_str(st, 5));
		json_object_set_new(o, "last_ts", db_col_time(st, 6));
		json_object_set_new(o, "subject", db_col_str(st, 7));
		json_object_set_new(o, "excerpt", db_col_str(st, 8));
	} else if (mc->cmd && *mc->cmd) {
		json_object_set_new(o, "host_examples",
		                    mail_hosts(mc->db, mc->cmd, mc->lf));
	}
	return o;
}

/* mail_cursor - "<messages>.<hex command>" of the last item. */
static json_t *
mail_cursor(const json_t *last, void *ctx)
{
	char *h =
	    hex_encode_str(json_string_value(json_object_get(last, "command")));
	char *c = xasprintf(
	    "%lld.%s",
	    (long long)json_integer_value(json_object_get(last, "messages")),
	    h);
	json_t *j = json_string(c);

	(void)ctx;
	free(c);
	free(h);
	return j;
}

/* mail_cursor_arg - the cursor argument: *after (NULL: none, else to
 * free) and *after_n; -1 with a 400. */
static int
mail_cursor_arg(struct api_req *rq, struct api_answer *ans, char **after,
                long long *after_n)
{
	const char *cur = rq->arg(rq->cls, "cursor");
	char *dot, *end;

	*after = NULL;
	*after_n = 0;
	if (cur == NULL || *cur == '\0')
		return 0;
	dot = strchr(cur, '.');
	*after_n = strtoll(cur, &end, 10);
	if (dot == NULL || end != dot || *after_n < 0 ||
	    (*after = hex_decode_str(dot + 1)) == NULL) {
		api_bad_cursor(ans);
		return -1;
	}
	return 0;
}

/* mail_totals - the totals of the scope (one host, one label's
 * label_fleet row, the hosts of several labels, or the fleet aggregate)
 * into ans->body. */
static void
mail_totals(struct api_req *rq, const char *host,
            const struct label_filter *lf, struct api_answer *ans)
{
	char err[256];
	sql_stmt *st;
	struct qb qb;

	if (!host && lf->n == 1) {
		/* one label: its hosts' totals as kept at ingest */
		qb_init(&qb, "SELECT coalesce(sum(queued), 0), "
		             "coalesce(sum(unread), 0), "
		             "coalesce(sum(hosts_with_queued), 0), 1 "
		             "FROM label_fleet");
		qb_where(&qb, "key = ?");
		qb_text(&qb, lf->l[0].key);
		qb_where(&qb, "value = ?");
		qb_text(&qb, lf->l[0].value);
	} else if (host || lf->n) {
		qb_init(&qb, "SELECT coalesce(sum(queued_total), 0), "
		             "coalesce(sum(unread_total), 0), coalesce(sum("
		             "CASE WHEN queued_total > 0 THEN 1 ELSE 0 END), 0), "
		             "count(*) FROM hosts h");
		if (host) {
			qb_where(&qb, "h.name = ?");
			qb_text(&qb, host);
		}
		qb_labels(&qb, "h.id", lf);
	} else {
		qb_init(&qb, "SELECT queued, unread, hosts_with_queued, 1 "
		             "FROM fleet WHERE id = 1");
	}
	st = qb_prepare(&qb, rq->db, err, sizeof(err));
	qb_free(&qb);
	if (st == NULL)
		return;
	/* no such host (count 0): no totals, as without labels */
	if (sql_step(st) == SQL_ROW &&
	    (!host || sql_column_int64(st, 3) > 0))
		json_object_set_new(
		    ans->body, "totals",
		    json_pack("{s:I,s:I,s:I}", "queued_total",
		              (json_int_t)sql_column_int64(st, 0),
		              "unread_total",
		              (json_int_t)sql_column_int64(st, 1),
		              "hosts_with_queued",
		              (json_int_t)sql_column_int64(st, 2)));
	sql_finalize(st);
}

/* mail_from - the rows' source: one host's mail_cron, the fleet's
 * cron_fleet, one label's label_cron, or mail_cron summed per command
 * over the hosts of several labels. */
static void
mail_from(struct qb *qb, const char *host, const struct label_filter *lf)
{
	if (host) {
		qb_init(qb, "SELECT m.command, 1, m.unread, m.queued, "
		            "m.inbox + m.queued AS msgs, m.user, m.last_ts, "
		            "m.subject, m.excerpt FROM mail_cron m");
		qb_where(qb, "m.host_id = (SELECT id FROM hosts WHERE "
		             "name = ?)");
		qb_text(qb, host);
		qb_labels(qb, "m.host_id", lf);
		return;
	}
	if (lf->n == 0) {
		qb_init(qb, "SELECT m.command, m.hosts, m.unread, m.queued, "
		            "m.inbox + m.queued AS msgs, NULL, NULL, NULL, NULL "
		            "FROM cron_fleet m");
		return;
	}
	if (lf->n == 1) {
		qb_init(qb,
		        "SELECT m.command, m.hosts, m.unread, m.queued, "
		        "m.inbox + m.queued AS msgs, NULL, NULL, NULL, NULL "
		        "FROM label_cron m");
		qb_where(qb, "m.key = ?");
		qb_text(qb, lf->l[0].key);
		qb_where(qb, "m.value = ?");
		qb_text(qb, lf->l[0].value);
		return;
	}
	qb_init(qb, "SELECT m.command, m.hosts, m.unread, m.queued, "
	            "m.inbox + m.queued AS msgs, NULL, NULL, NULL, NULL FROM "
	            "(SELECT command, count(*) AS hosts, sum(inbox) AS inbox, "
	            "sum(unread) AS unread, sum(queued) AS queued "
	            "FROM mail_cron");
	qb_labels(qb, "host_id", lf);
	qb_tail(qb, "GROUP BY command) m");
	qb_end_where(qb);
}

void
api_mail(struct api_req *rq, struct api_answer *ans)
{
	const char *host = rq->arg(rq->cls, "host");
	const char *cmd = rq->arg(rq->cls, "command");
	char *after;
	long long after_n;
	struct label_filter lf;
	struct qb qb;
	long limit;
	int by_host = host && *host;
	struct mail_ctx mc = {rq->db, by_host, cmd, &lf};

	if (list_args(rq, ans, &limit, NULL) == -1 ||
	    label_args(rq, ans, &lf) == -1 ||
	    mail_cursor_arg(rq, ans, &after, &after_n) == -1)
		return;
	mail_from(&qb, by_host ? host : NULL, &lf);
	if (cmd && *cmd) {
		qb_where(&qb, "m.command = ?");
		qb_text(&qb, cmd);
	}
	if (after) {
		qb_where(&qb, "(m.inbox + m.queued < ? OR (m.inbox + "
		              "m.queued = ? AND m.command > ?))");
		qb_int(&qb, after_n);
		qb_int(&qb, after_n);
		qb_text(&qb, after);
		free(after);
	}
	qb_tail(&qb, "ORDER BY msgs DESC, m.command LIMIT ?");
	list_page(rq, ans, &qb, limit, mail_row, mail_cursor, &mc);
	if (ans->status == 200)
		mail_totals(rq, by_host ? host : NULL, &lf, ans);
}
