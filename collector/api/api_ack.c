/*
 * api_ack.c - acknowledging findings (see api_ack.h).
 *
 * The ack is kept per (host, code, subject), one at most: a new one
 * replaces the old.  It records who (the admin token's name), why, when,
 * until when, and the evidence then (the finding's severity, the hosts
 * with the code open), against which ack.h tells whether it got worse.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "collector/api/api.h"
#include "collector/api/api_ack.h"
#include "collector/store/ack.h"
#include "collector/store/db.h"
#include "common/timeutil.h"

#define ACK_PREFIX "/api/v1/findings/"
#define ACK_SUFFIX "/ack"

int
ack_path_id(const char *path, const char **id, size_t *idlen)
{
	size_t pl = strlen(ACK_PREFIX), n;
	const char *p, *slash;

	if (strncmp(path, ACK_PREFIX, pl) != 0)
		return 0;
	p = path + pl;
	slash = strchr(p, '/');
	if (slash == NULL || slash == p || strcmp(slash, ACK_SUFFIX) != 0)
		return 0;
	n = (size_t)(slash - p);
	*id = p;
	*idlen = n;
	return 1;
}

/* parse_id - a decimal finding id 1..2^63-1 of the path; -1 if not. */
static long long
parse_id(const char *s)
{
	long long v = 0;

	if (*s == '\0' || *s == '/')
		return -1;
	for (; *s && *s != '/'; s++) {
		if (*s < '0' || *s > '9' || v > (0x7fffffffffffffffLL - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > 0 ? v : -1;
}

/* finding_answer - 200 with finding id as the API shows it (its ack
 * as it holds now), 404 if there is none. */
static void
finding_answer(sql_db *db, long long id, struct api_answer *ans)
{
	sql_stmt *st = NULL;
	int rc;

	if (sql_prepare(db, API_FINDING_COLS " WHERE f.id = ?1", 0, &st) != SQL_OK) {
		api_db_error(ans, sql_errmsg(db));
		return;
	}
	sql_bind_int64(st, 1, id);
	rc = sql_step(st);
	if (rc == SQL_ROW) {
		ans->status = 200;
		ans->body = api_finding_json(st, 1);
	} else if (rc == SQL_DONE) {
		api_error(ans, 404, "not_found", "no finding %lld", id);
	} else {
		api_db_error(ans, sql_errmsg(db));
	}
	sql_finalize(st);
}

/* finding_open - 1 if finding id is open. */
static int
finding_open(sql_db *db, long long id)
{
	sql_stmt *q = NULL;
	int open = 0;

	if (sql_prepare(db,
	                       "SELECT resolved_at IS NULL FROM findings "
	                       "WHERE id = ?1", 0, &q) == SQL_OK) {
		sql_bind_int64(q, 1, id);
		open =
		    sql_step(q) == SQL_ROW && sql_column_int(q, 0);
	}
	sql_finalize(q);
	return open;
}

/* exec_ack - run sql with ?1 = id and, when by is set, ?2 by, ?3
 * reason, ?4 now, ?5 until (NULL when 0); SQL_OK or the error. */
static int
exec_ack(sql_db *db, const char *sql, long long id, const char *by,
         const char *reason, long long now, long long until)
{
	sql_stmt *st = NULL;
	int rc;

	if ((rc = sql_prepare(db, sql, 0, &st)) != SQL_OK)
		return rc;
	sql_bind_int64(st, 1, id);
	if (by) {
		sql_bind_text(st, 2, by, -1, SQL_STATIC);
		sql_bind_text(st, 3, reason, -1, SQL_STATIC);
		sql_bind_int64(st, 4, now);
		if (until > 0)
			sql_bind_int64(st, 5, until);
	}
	rc = sql_step(st);
	sql_finalize(st);
	return rc == SQL_DONE ? SQL_OK : rc;
}

/* read_body - reason and until (0: none) of a POST body; -1 with a 400. */
static int
read_body(const struct ack_req *rq, long long now, const char **reason,
          long long *until, json_t **doc, struct api_answer *ans)
{
	json_error_t je;
	json_t *r, *u;
	time_t t;

	*doc = NULL;
	if (rq->body == NULL || rq->len == 0) {
		api_error(ans, 400, "bad_request",
		          "the body must be {\"reason\": \"...\", \"until\": "
		          "RFC 3339 or null}");
		return -1;
	}
	if (rq->len > ACK_BODY_MAX) {
		api_error(ans, 400, "bad_request", "body over %d bytes",
		          ACK_BODY_MAX);
		return -1;
	}
	*doc = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
	if (*doc == NULL || !json_is_object(*doc)) {
		api_error(ans, 400, "bad_request",
		          "body: not a JSON object%s%s", *doc ? "" : ": ",
		          *doc ? "" : je.text);
		return -1;
	}
	r = json_object_get(*doc, "reason");
	u = json_object_get(*doc, "until");
	if (!json_is_string(r) || json_string_length(r) == 0 ||
	    json_string_length(r) > ACK_REASON_MAX ||
	    strlen(json_string_value(r)) != json_string_length(r)) {
		api_error(ans, 400, "bad_request",
		          "reason: a non-empty string of at most %d bytes is "
		          "required",
		          ACK_REASON_MAX);
		return -1;
	}
	*reason = json_string_value(r);
	*until = 0;
	if (u == NULL || json_is_null(u))
		return 0;
	if (!json_is_string(u) ||
	    rfc3339_parse(json_string_value(u), json_string_length(u), &t) ==
	        -1) {
		api_error(ans, 400, "bad_request",
		          "until: expected an RFC 3339 time or null");
		return -1;
	}
	if ((long long)t <= now) {
		api_error(ans, 400, "bad_request", "until: lies in the past");
		return -1;
	}
	*until = (long long)t;
	return 0;
}

void
api_ack(const struct ack_req *rq, struct api_answer *ans)
{
	static const char put_sql[] =
	    "INSERT INTO acks (host_id, code, subject, finding_id, by, "
	    "reason, at, until, severity, hosts) SELECT f.host_id, f.code, "
	    "f.subject, f.id, CAST(?2 AS TEXT), CAST(?3 AS TEXT), "
	    "CAST(?4 AS BIGINT), CAST(?5 AS BIGINT), f.severity, "
	    "max(" ACK_HOSTS_SQL ", 1) FROM findings f WHERE f.id = ?1 "
	    "ON CONFLICT (host_id, code, subject) DO UPDATE SET "
	    "finding_id = excluded.finding_id, by = excluded.by, "
	    "reason = excluded.reason, at = excluded.at, "
	    "until = excluded.until, severity = excluded.severity, "
	    "hosts = excluded.hosts";
	static const char del_sql[] =
	    "DELETE FROM acks WHERE (host_id, code, subject) IN (SELECT "
	    "host_id, code, subject FROM findings WHERE id = ?1)";
	long long id = parse_id(rq->id), now = (long long)time(NULL), until;
	const char *reason = NULL;
	json_t *doc = NULL;
	int rc;

	if (id < 0) {
		api_error(ans, 400, "bad_request",
		          "finding id: expected a positive integer");
		return;
	}
	finding_answer(rq->db, id, ans);
	if (ans->status != 200)
		return;
	json_decref(ans->body);
	ans->body = NULL;
	if (rq->remove) {
		rc = exec_ack(rq->db, del_sql, id, NULL, NULL, 0, 0);
	} else {
		const char *st;
		if (read_body(rq, now, &reason, &until, &doc, ans) == -1) {
			json_decref(doc);
			return;
		}
		/* an ack without until holds only while this occurrence is
		 * open: on a resolved one it would never hold */
		if (until == 0 && !finding_open(rq->db, id)) {
			json_decref(doc);
			api_error(
			    ans, 400, "bad_request",
			    "finding %lld is resolved: an acknowledgement "
			    "of its reopening needs until",
			    id);
			return;
		}
		st = rq->by && *rq->by ? rq->by : "admin";
		rc = exec_ack(rq->db, put_sql, id, st, reason, now, until);
		json_decref(doc);
	}
	if (rc != SQL_OK) {
		api_db_error(ans, sql_errmsg(rq->db));
		return;
	}
	finding_answer(rq->db, id, ans);
}
