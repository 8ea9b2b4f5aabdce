/*
 * sql_pg.c - the PostgreSQL backend of sql.h, through libpq.
 *
 * A statement's SQL is translated once ("?", "?NNN" and ":name" become
 * $n, outside quotes and comments).  A persistent statement is prepared
 * on the server (PQprepare) the first time its SQL text runs on a
 * connection and then run with PQexecPrepared (the server-side statement
 * stays for the connection's life, found again by its text); any other
 * runs with PQexecParams.
 * Parameters and results travel as text, so integers stay integers and
 * doubles are printed with 17 digits (they come back as the same
 * double).  A result is read row by row from the PGresult.
 *
 * The connection is re-established by itself: after it broke, a call
 * returns SQL_UNAVAILABLE, and the next call at least a back-off later
 * (100 ms doubling to DB_PG_BACKOFF_MAX_MS) tries PQreset; a new
 * connection prepares its statements again (the generation counter).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collector/store/sql_impl.h"

/* make static (musl) bundles no libpq: SQLite only there */
#if defined(SPOOLWATCH_STATIC) || defined(SPOOLWATCH_NO_PG)

int
sql_pg_open(const char *uri, const char *password, int flags, sql_db **db,
            char *err, size_t errlen)
{
	(void)uri;
	(void)password;
	(void)flags;
	*db = NULL;
	snprintf(err, errlen, "this collector was built without PostgreSQL "
	                      "support (libpq); use an SQLite file");
	return SQL_ERROR;
}

#else

#include <libpq-fe.h>

#include "collector/limits.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

/* The writers' advisory lock: exclusive for sql_begin_write (schema
 * steps, the notifier, retention), shared for an ingest batch
 * (sql_begin_write_keys), which also takes one lock per host name in
 * the space PG_KEY_LOCKS and claims an aggregates' part in PG_PART_LOCKS
 * (two-int advisory keys: a space apart from the bigint ones). */
#define PG_WRITER_LOCK "7364726c6f636b"
#define PG_KEY_LOCKS "1937205297"  /* 'swh1' */
#define PG_PART_LOCKS "1937207345" /* 'swp1' */
#define PG_PARTS "64"

struct pg_param {
	const char *val; /* NULL: SQL NULL */
	char *owned;     /* freed by destructor (or free) when replaced */
	sql_destructor destroy;
	char *buf; /* reused copy for SQL_TRANSIENT and counted text */
	size_t cap;
	char num[32];
};

struct pg_stmt {
	struct sql_stmt head;
	struct pg_stmt *prev, *next; /* the connection's statements */
	char *sql;                   /* translated */
	int nparams;
	char **names; /* [i]: ":name" of $i+1, or NULL */
	int persistent;
	int deferred; /* SQL_PREPARE_DEFERRED: sent in pipeline mode */
	int named; /* index into the connection's named statements */
	struct pg_param *p;
	const char **values;
	PGresult *res;
	int row, nrows;
	int done; /* ran to SQL_DONE: the next step runs it again */
};

struct pg_db {
	struct sql_db head;
	PGconn *conn;
	unsigned gen;
	unsigned next_name;
	long long changes;
	int errcode;
	char errmsg[512];
	int64_t retry_at_ms;
	int backoff_ms;
	int in_tx;   /* the server said: inside a transaction */
	int tx_lost; /* the connection broke inside one (see tx_gate) */
	struct pg_stmt *stmts;
	/* server-side statements, one per SQL text, kept for the
	 * connection's life: a persistent statement prepared again (a read
	 * endpoint does so per request) is found here, not prepared anew */
	struct pg_named {
		char *sql;
		char name[16];
		unsigned gen; /* d->gen + 1 when prepared on this connection */
	} *named;
	size_t nnamed;
	int piped; /* deferred statements sent, results not yet read */
	/* the transaction's first deferred error: what a later statement's
	 * "current transaction is aborted" stands for (store.c may not
	 * check every statement's error, it did not need to before) */
	int pipe_code;
	char pipe_err[512];
	char *keys; /* sql_begin_write_keys' text[] parameter, reused */
	size_t keys_cap;
};

#define PDB(d) ((struct pg_db *)(d))
#define PST(s) ((struct pg_stmt *)(s))
#define SDB(s) PDB((s)->head.db)

/* set_err - remember code and message (one line, no trailing newline). */
static int
set_err(struct pg_db *d, int code, const char *msg)
{
	size_t n;

	d->errcode = code;
	snprintf(d->errmsg, sizeof(d->errmsg), "%s", msg ? msg : "error");
	n = strlen(d->errmsg);
	while (n > 0 && (d->errmsg[n - 1] == '\n' || d->errmsg[n - 1] == ' '))
		d->errmsg[--n] = '\0';
	/* one line: libpq's continuation lines are "\n\t..." */
	for (char *c = d->errmsg, *o = d->errmsg;; c++) {
		if (*c == '\n' || *c == '\t') {
			if (o > d->errmsg && o[-1] != ' ')
				*o++ = ' ';
			continue;
		}
		if ((*o++ = *c) == '\0')
			break;
	}
	return code;
}

/* state_code - an SQLSTATE to a result code. */
static int
state_code(const char *st)
{
	if (st == NULL)
		return SQL_ERROR;
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 ||
	    strcmp(st, "55P03") == 0)
		return SQL_BUSY;
	if (strncmp(st, "23", 2) == 0)
		return SQL_CONSTRAINT;
	if (strcmp(st, "53100") == 0)
		return SQL_FULL;
	if (strcmp(st, "53200") == 0)
		return SQL_NOMEM;
	if (strncmp(st, "08", 2) == 0 || strcmp(st, "53300") == 0 ||
	    strcmp(st, "57P01") == 0 || strcmp(st, "57P02") == 0 ||
	    strcmp(st, "57P03") == 0)
		return SQL_UNAVAILABLE;
	if (strncmp(st, "58", 2) == 0)
		return SQL_IOERR;
	return SQL_ERROR;
}

/* result_err - the error of res (or of the connection). */
static int
result_err(struct pg_db *d, PGresult *res)
{
	const char *msg = res ? PQresultErrorMessage(res) : NULL;
	const char *st;
	int code = state_code(res ? PQresultErrorField(res, PG_DIAG_SQLSTATE)
	                          : NULL);

	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(d->conn);
	if (d->pipe_err[0] && res &&
	    (st = PQresultErrorField(res, PG_DIAG_SQLSTATE)) != NULL &&
	    strcmp(st, "25P02") == 0) {
		code = d->pipe_code;
		msg = d->pipe_err;
	}
	if (PQstatus(d->conn) != CONNECTION_OK) {
		code = SQL_UNAVAILABLE;
		if (d->retry_at_ms == 0)
			d->retry_at_ms = time_mono_ms();
		if (d->in_tx)
			d->tx_lost = 1;
		d->in_tx = 0;
	} else {
		d->in_tx = PQtransactionStatus(d->conn) != PQTRANS_IDLE;
	}
	return set_err(d, code, msg);
}

/*
 * ensure_conn - SQL_OK when the connection works; after a loss, try a
 * reset once the back-off has passed.
 */
static int
ensure_conn(struct pg_db *d)
{
	int64_t now;

	if (PQstatus(d->conn) == CONNECTION_OK)
		return SQL_OK;
	if (d->in_tx)
		d->tx_lost = 1;
	d->in_tx = 0;
	now = time_mono_ms();
	if (now < d->retry_at_ms)
		return d->errcode == SQL_UNAVAILABLE
		           ? SQL_UNAVAILABLE
		           : set_err(d, SQL_UNAVAILABLE,
		                     "postgresql: connection lost");
	d->piped = 0; /* their results went with the connection */
	PQreset(d->conn);
	if (PQstatus(d->conn) == CONNECTION_OK) {
		d->gen++;
		d->backoff_ms = 0;
		d->retry_at_ms = 0;
		return SQL_OK;
	}
	d->backoff_ms = d->backoff_ms ? d->backoff_ms * 2 : 100;
	if (d->backoff_ms > DB_PG_BACKOFF_MAX_MS)
		d->backoff_ms = DB_PG_BACKOFF_MAX_MS;
	d->retry_at_ms = now + d->backoff_ms;
	return set_err(d, SQL_UNAVAILABLE, PQerrorMessage(d->conn));
}

/* run_result - check a PGresult from exec or a statement; records the
 * changed rows.  Takes res unless it returns SQL_ROW (kept by caller). */
static int
check_result(struct pg_db *d, PGresult *res)
{
	ExecStatusType t = PQresultStatus(res);

	if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK) {
		const char *n = PQcmdTuples(res);
		d->in_tx = PQtransactionStatus(d->conn) != PQTRANS_IDLE;
		d->changes = *n ? strtoll(n, NULL, 10) : 0;
		d->errcode = SQL_OK;
		return SQL_OK;
	}
	return result_err(d, res);
}

/* is_word - sql starts with word (any case) followed by the end, ';' or
 * a blank. */
static int
is_word(const char *sql, const char *word)
{
	size_t n = strlen(word);

	return strncasecmp(sql, word, n) == 0 &&
	       (sql[n] == '\0' || sql[n] == ';' || sql[n] == ' ');
}

/*
 * tx_gate - after the connection broke inside a transaction, nothing may
 * run on a new connection as if it were still that transaction (a COMMIT
 * there would "succeed" with nothing in it): every statement fails until
 * the caller ends the transaction.  ROLLBACK then succeeds (it is gone),
 * COMMIT fails (nothing was committed).  -1: run sql normally.
 */
static int
tx_gate(struct pg_db *d, const char *sql)
{
	if (!d->tx_lost)
		return -1;
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	if (is_word(sql, "BEGIN")) { /* a new one: the old one is over */
		d->tx_lost = 0;
		return -1;
	}
	if (is_word(sql, "ROLLBACK") &&
	    strncasecmp(sql + 8, " TO", 3) != 0) {
		d->tx_lost = 0;
		d->errcode = SQL_OK;
		return SQL_OK;
	}
	if (is_word(sql, "COMMIT") || is_word(sql, "END"))
		d->tx_lost = 0;
	return set_err(d, SQL_UNAVAILABLE,
	               "postgresql: the connection was lost inside the "
	               "transaction; nothing of it was committed");
}

static void
p_finalize_all(struct pg_db *d);

static void
p_close(sql_db *db)
{
	struct pg_db *d = PDB(db);

	p_finalize_all(d);
	PQfinish(d->conn);
	for (size_t i = 0; i < d->nnamed; i++)
		free(d->named[i].sql);
	free(d->named);
	free(d->keys);
	free(d);
}

/*
 * drain - after PQpipelineSync: read the results of the d->piped
 * deferred statements and, when last is not NULL, of the one statement
 * sent after them (*last, the caller's), up to the sync; leave pipeline
 * mode.  SQL_OK or the first error (its message kept).
 */
static int
drain(struct pg_db *d, PGresult **last)
{
	int want = d->piped + (last != NULL), got = 0, nulls = 0, rc = SQL_OK;
	PGresult *res;

	if (last)
		*last = NULL;
	d->piped = 0;
	for (;;) {
		ExecStatusType t;

		if ((res = PQgetResult(d->conn)) == NULL) {
			/* one NULL ends each statement's results */
			if (++nulls < 2 && PQstatus(d->conn) == CONNECTION_OK)
				continue;
			return rc != SQL_OK ? rc : result_err(d, NULL);
		}
		nulls = 0;
		t = PQresultStatus(res);
		if (t == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		got++;
		if (t == PGRES_FATAL_ERROR && rc == SQL_OK) {
			rc = result_err(d, res);
			if (d->pipe_err[0] == '\0') {
				d->pipe_code = rc;
				snprintf(d->pipe_err, sizeof(d->pipe_err), "%s",
				         d->errmsg);
			}
		} else if (last && got == want && t != PGRES_PIPELINE_ABORTED) {
			PQclear(*last);
			*last = res;
			continue;
		}
		PQclear(res);
	}
	if (PQexitPipelineMode(d->conn) != 1 && rc == SQL_OK)
		rc = set_err(d, SQL_ERROR, PQerrorMessage(d->conn));
	if (rc != SQL_OK && last) {
		PQclear(*last);
		*last = NULL;
	}
	return rc;
}

/* flush - the deferred statements' results (see sql.h, sql_flush). */
static int
flush(struct pg_db *d)
{
	if (d->piped == 0)
		return SQL_OK;
	if (PQpipelineSync(d->conn) != 1) {
		d->piped = 0;
		return result_err(d, NULL);
	}
	return drain(d, NULL);
}

static int
p_flush(sql_db *db)
{
	return flush(PDB(db));
}

static int
p_exec(sql_db *db, const char *sql, char *err, size_t errlen)
{
	struct pg_db *d = PDB(db);
	PGresult *res;
	int rc;

	/* PQexec is not allowed in pipeline mode; a ROLLBACK runs even
	 * after a failed deferred statement */
	rc = flush(d);
	if (is_word(sql, "ROLLBACK") || is_word(sql, "BEGIN"))
		d->pipe_err[0] = '\0';
	else if (rc != SQL_OK) {
		if (err)
			snprintf(err, errlen, "postgresql: %s", d->errmsg);
		return rc;
	}

	if ((rc = tx_gate(d, sql)) != -1 || (rc = ensure_conn(d)) != SQL_OK) {
		if (rc != SQL_OK && err)
			snprintf(err, errlen, "postgresql: %s", d->errmsg);
		return rc;
	}
	res = PQexec(d->conn, sql);
	rc = check_result(d, res);
	PQclear(res);
	if (rc != SQL_OK && err)
		snprintf(err, errlen, "postgresql: %s", d->errmsg);
	return rc;
}

static int
p_begin_write(sql_db *db)
{
	return p_exec(db, "BEGIN; SELECT pg_advisory_xact_lock(x'" PG_WRITER_LOCK
	                  "'::bigint)",
	              NULL, 0);
}

/* p_begin_write_within - a lock not granted within lock_timeout fails
 * with 55P03 (SQL_BUSY); the server's own lock_timeout applies again to
 * the rest of the transaction */
static int
p_begin_write_within(sql_db *db, unsigned ms)
{
	char sql[256];
	int rc;

	snprintf(sql, sizeof(sql),
	         "BEGIN; SET LOCAL lock_timeout = %u; "
	         "SELECT pg_advisory_xact_lock(x'" PG_WRITER_LOCK "'::bigint); "
	         "SET LOCAL lock_timeout TO DEFAULT",
	         ms);
	if ((rc = p_exec(db, sql, NULL, 0)) != SQL_OK)
		p_exec(db, "ROLLBACK", NULL, 0);
	return rc;
}

/* key_array - keys as a text[] literal ({"a","b\\"c"}) in *buf. */
static const char *
key_array(char **buf, size_t *cap, const char *const *keys, size_t n)
{
	size_t need = 3, o = 0;

	for (size_t i = 0; i < n; i++)
		if (keys[i])
			need += 2 * strlen(keys[i]) + 3;
	if (need > *cap) {
		*buf = xrealloc(*buf, need);
		*cap = need;
	}
	(*buf)[o++] = '{';
	for (size_t i = 0; i < n; i++) {
		if (keys[i] == NULL)
			continue;
		if (o > 1)
			(*buf)[o++] = ',';
		(*buf)[o++] = '"';
		for (const char *c = keys[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				(*buf)[o++] = '\\';
			(*buf)[o++] = *c;
		}
		(*buf)[o++] = '"';
	}
	(*buf)[o++] = '}';
	(*buf)[o] = '\0';
	return *buf;
}

static int
p_begin_write_keys(sql_db *db, const char *const *keys, size_t n)
{
	struct pg_db *d = PDB(db);
	const char *param;
	PGresult *res;
	int rc;

	/* part: the first free of 0..PG_PARTS-1 (none free: agg_part()'s
	 * fallback) */
	rc = p_exec(
	    db,
	    "BEGIN; SELECT pg_advisory_xact_lock_shared(x'" PG_WRITER_LOCK
	    "'::bigint); SELECT set_config('spoolwatch.part', "
	    "coalesce((SELECT CAST(i AS text) FROM generate_series(0, " PG_PARTS
	    " - 1) i WHERE pg_try_advisory_xact_lock(" PG_PART_LOCKS
	    ", i) LIMIT 1), ''), true)",
	    NULL, 0);
	if (rc != SQL_OK || n == 0)
		return rc;
	param = key_array(&d->keys, &d->keys_cap, keys, n);
	res = PQexecParams(d->conn,
	                   "SELECT count(pg_advisory_xact_lock(" PG_KEY_LOCKS
	                   ", k)) FROM "
	                   "(SELECT DISTINCT hashtext(n) AS k FROM "
	                   "unnest(CAST($1 AS text[])) n "
	                   "ORDER BY 1) s",
	                   1, NULL, &param, NULL, NULL, 0);
	rc = check_result(d, res);
	PQclear(res);
	return rc;
}

static int
p_in_transaction(sql_db *db)
{
	PGTransactionStatusType t = PQtransactionStatus(PDB(db)->conn);

	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR ||
	       t == PQTRANS_ACTIVE;
}

static int
p_release(sql_db *db)
{
	struct pg_db *d = PDB(db);
	int n = 0;

	for (struct pg_stmt *s = d->stmts; s; s = s->next)
		if (s->res) {
			PQclear(s->res);
			s->res = NULL;
			s->done = 0;
			n++;
		}
	if (p_in_transaction(db)) {
		p_exec(db, "ROLLBACK", NULL, 0);
		n++;
	}
	return n;
}

static int
p_healthy(sql_db *db, char *err, size_t errlen)
{
	int rc = p_exec(db, "SELECT 1", NULL, 0);

	if (rc != SQL_OK)
		snprintf(err, errlen, "%s", PDB(db)->errmsg);
	return rc;
}

/* put_num - "$v" at o; its length. */
static int
put_num(char *o, long v)
{
	return snprintf(o, 8, "$%ld", v);
}

/*
 * translate - SQLite's placeholders to $n in a copy of sql: "?NNN" is
 * $NNN, "?" the next after the largest so far, ":name" one number per
 * name.  Quotes, identifiers in double quotes, comments and "::" casts
 * are copied as they are.  -1 on a bad number.
 */
static int
translate(struct pg_stmt *s, const char *sql)
{
	size_t n = strlen(sql);
	/* "?" (1 byte) becomes at most "$32766" (6 bytes) */
	char *out = xmalloc(n * 6 + 1), *o = out;
	int max = 0, names_cap = 0;
	const char *c = sql;

	while (*c) {
		if (*c == '\'' || *c == '"') {
			char q = *c;
			*o++ = *c++;
			while (*c && *c != q)
				*o++ = *c++;
			if (*c)
				*o++ = *c++;
		} else if (c[0] == '-' && c[1] == '-') {
			while (*c && *c != '\n')
				*o++ = *c++;
		} else if (*c == '?') {
			long v = 0;
			c++;
			if (*c >= '0' && *c <= '9') {
				while (*c >= '0' && *c <= '9' && v < 100000)
					v = v * 10 + (*c++ - '0');
				if (v < 1 || v > 32766) {
					free(out);
					return -1;
				}
			} else {
				v = max + 1;
			}
			if (v > max)
				max = (int)v;
			o += put_num(o, v);
		} else if (*c == ':' && c[1] == ':') {
			*o++ = *c++;
			*o++ = *c++;
		} else if (*c == ':' &&
		           ((c[1] >= 'a' && c[1] <= 'z') ||
		            (c[1] >= 'A' && c[1] <= 'Z') || c[1] == '_')) {
			const char *e = c + 1;
			int idx = 0;
			while ((*e >= 'a' && *e <= 'z') ||
			       (*e >= 'A' && *e <= 'Z') ||
			       (*e >= '0' && *e <= '9') || *e == '_')
				e++;
			for (int i = 0; i < max && i < names_cap; i++)
				if (s->names[i] &&
				    strlen(s->names[i]) == (size_t)(e - c) &&
				    memcmp(s->names[i], c, (size_t)(e - c)) ==
				        0)
					idx = i + 1;
			if (idx == 0) {
				idx = ++max;
				if (idx > names_cap) {
					int nc = idx + 8;
					s->names = xrealloc(
					    s->names, (size_t)nc * sizeof(char *));
					memset(s->names + names_cap, 0,
					       (size_t)(nc - names_cap) *
					           sizeof(char *));
					names_cap = nc;
				}
				s->names[idx - 1] = xstrndup(c, (size_t)(e - c));
			}
			o += put_num(o, idx);
			c = e;
		} else {
			*o++ = *c++;
		}
	}
	*o = '\0';
	s->sql = out;
	s->nparams = max;
	if (s->names && names_cap < max) {
		s->names = xrealloc(s->names, (size_t)max * sizeof(char *));
		memset(s->names + names_cap, 0,
		       (size_t)(max - names_cap) * sizeof(char *));
	} else if (s->names == NULL && max > 0) {
		s->names = xcalloc((size_t)max, sizeof(char *));
	}
	return 0;
}

/* named_find - the named statement of sql (translated), added if new. */
static int
named_find(struct pg_db *d, const char *sql)
{
	for (size_t i = 0; i < d->nnamed; i++)
		if (strcmp(d->named[i].sql, sql) == 0)
			return (int)i;
	d->named = xrealloc(d->named, (d->nnamed + 1) * sizeof(*d->named));
	d->named[d->nnamed].sql = xstrdup(sql);
	snprintf(d->named[d->nnamed].name, sizeof(d->named[0].name), "sw%u",
	         ++d->next_name);
	d->named[d->nnamed].gen = 0;
	return (int)d->nnamed++;
}

static int
p_prepare(sql_db *db, const char *sql, int flags, sql_stmt **out)
{
	struct pg_db *d = PDB(db);
	struct pg_stmt *s = xcalloc(1, sizeof(*s));

	s->head.db = db;
	if (translate(s, sql) == -1) {
		free(s->names);
		free(s);
		return set_err(d, SQL_RANGE, "bad parameter number");
	}
	s->persistent = (flags & SQL_PREPARE_PERSISTENT) != 0;
	s->deferred = s->persistent && (flags & SQL_PREPARE_DEFERRED) != 0;
	if (s->persistent)
		s->named = named_find(d, s->sql);
	if (s->nparams > 0) {
		s->p = xcalloc((size_t)s->nparams, sizeof(*s->p));
		s->values = xcalloc((size_t)s->nparams, sizeof(*s->values));
	}
	s->next = d->stmts;
	if (d->stmts)
		d->stmts->prev = s;
	d->stmts = s;
	*out = &s->head;
	return SQL_OK;
}

/* param - the i-th (1-based) parameter with its old value dropped. */
static struct pg_param *
param(struct pg_stmt *s, int i)
{
	struct pg_param *p;

	if (i < 1 || i > s->nparams)
		return NULL;
	p = &s->p[i - 1];
	if (p->owned) {
		p->destroy(p->owned);
		p->owned = NULL;
	}
	p->val = NULL;
	return p;
}

static int
p_bind_int64(sql_stmt *st, int i, long long v)
{
	struct pg_param *p = param(PST(st), i);

	if (p == NULL)
		return SQL_RANGE;
	snprintf(p->num, sizeof(p->num), "%lld", v);
	p->val = p->num;
	return SQL_OK;
}

static int
p_bind_double(sql_stmt *st, int i, double v)
{
	struct pg_param *p = param(PST(st), i);

	if (p == NULL)
		return SQL_RANGE;
	snprintf(p->num, sizeof(p->num), "%.17g", v);
	p->val = p->num;
	return SQL_OK;
}

static int
p_bind_null(sql_stmt *st, int i)
{
	return param(PST(st), i) ? SQL_OK : SQL_RANGE;
}

/* utf8_len - the length of the UTF-8 sequence at t (at most left
 * bytes), 0 if it is not one (or a NUL, which text cannot hold). */
static size_t
utf8_len(const unsigned char *t, size_t left)
{
	size_t n;
	unsigned c = t[0], min;

	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000;
	else
		return 0;
	if (n > left)
		return 0;
	c &= 0x3f >> (n - 1);
	for (size_t i = 1; i < n; i++) {
		if ((t[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (t[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

/* utf8_ok - len bytes of t are UTF-8 text without NUL. */
static int
utf8_ok(const char *t, size_t len)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t i = 0, k;

	while (i < len) {
		if (u[i] >= 0x20 && u[i] < 0x80) { /* the common case */
			i++;
			continue;
		}
		if ((k = utf8_len(u + i, len - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/*
 * copy - len bytes of t into p's reused buffer, as text PostgreSQL
 * takes: a NUL or a byte that is no UTF-8 becomes U+FFFD (SQLite stores
 * any bytes; only read API arguments from a URL can carry such bytes,
 * and they then match nothing stored, as on SQLite).
 */
static void
copy(struct pg_param *p, const char *t, size_t len)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t need = len * 3 + 1, o = 0, k;

	if (need > p->cap) {
		p->cap = need > 64 ? need : 64;
		p->buf = xrealloc(p->buf, p->cap);
	}
	for (size_t i = 0; i < len; i += k) {
		if ((k = utf8_len(u + i, len - i)) == 0) {
			memcpy(p->buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			k = 1;
			continue;
		}
		memcpy(p->buf + o, t + i, k);
		o += k;
	}
	p->buf[o] = '\0';
	p->val = p->buf;
}

static int
p_bind_text(sql_stmt *st, int i, const char *t, int n, sql_destructor d)
{
	struct pg_param *p = param(PST(st), i);
	size_t len;

	if (p == NULL) {
		if (t && d != SQL_STATIC && d != SQL_TRANSIENT)
			d((void *)t);
		return SQL_RANGE;
	}
	if (t == NULL)
		return SQL_OK;
	len = n < 0 ? strlen(t) : (size_t)n;
	/* a text parameter ends at its NUL: counted text, text to copy and
	 * text PostgreSQL would refuse go through the buffer */
	if (d == SQL_TRANSIENT || n >= 0 || !utf8_ok(t, len)) {
		copy(p, t, len);
		if (d != SQL_STATIC && d != SQL_TRANSIENT)
			d((void *)t);
		return SQL_OK;
	}
	p->val = t;
	if (d != SQL_STATIC) {
		p->owned = (char *)t;
		p->destroy = d;
	}
	return SQL_OK;
}

static int
p_bind_parameter_index(sql_stmt *st, const char *name)
{
	struct pg_stmt *s = PST(st);

	for (int i = 0; s->names && i < s->nparams; i++)
		if (s->names[i] && strcmp(s->names[i], name) == 0)
			return i + 1;
	return 0;
}

/*
 * pipe_send - s (its values set) in pipeline mode: a deferred one is
 * sent and not waited for (no rows); any other goes after the deferred
 * ones, with a sync, and its result is read after theirs.
 */
static int
pipe_send(struct pg_stmt *s)
{
	struct pg_db *d = SDB(s);
	PGresult *res;
	int ok, rc;

	if (d->piped == 0 && PQenterPipelineMode(d->conn) != 1)
		return set_err(d, SQL_ERROR, PQerrorMessage(d->conn));
	if (s->persistent)
		ok = PQsendQueryPrepared(d->conn, d->named[s->named].name,
		                         s->nparams, s->values, NULL, NULL, 0);
	else
		ok = PQsendQueryParams(d->conn, s->sql, s->nparams, NULL,
		                       s->values, NULL, NULL, 0);
	s->row = -1;
	s->nrows = 0;
	if (ok != 1) {
		if (d->piped)
			flush(d);
		else
			PQexitPipelineMode(d->conn);
		return result_err(d, NULL);
	}
	if (s->deferred) {
		d->piped++;
		return SQL_OK;
	}
	if (PQpipelineSync(d->conn) != 1) {
		d->piped = 0;
		return result_err(d, NULL);
	}
	if ((rc = drain(d, &res)) != SQL_OK)
		return rc;
	if (res == NULL)
		return set_err(d, SQL_ERROR, "postgresql: no result");
	if ((rc = check_result(d, res)) != SQL_OK) {
		PQclear(res);
		return rc;
	}
	s->res = res;
	s->nrows = PQresultStatus(res) == PGRES_TUPLES_OK ? PQntuples(res) : 0;
	return SQL_OK;
}

/* execute - run s on the server; its result in s->res. */
static int
execute(struct pg_stmt *s)
{
	struct pg_db *d = SDB(s);
	PGresult *res;
	int rc;

	if ((rc = tx_gate(d, s->sql)) != -1) {
		s->row = -1;
		s->nrows = 0;
		return rc;
	}
	if ((rc = ensure_conn(d)) != SQL_OK)
		return rc;
	/* a statement to prepare, or a ROLLBACK (it must run even after a
	 * failed deferred statement): the pipeline first */
	if (d->piped &&
	    ((s->persistent && d->named[s->named].gen != d->gen + 1) ||
	     is_word(s->sql, "ROLLBACK")) &&
	    (rc = flush(d)) != SQL_OK && !is_word(s->sql, "ROLLBACK"))
		return rc;
	if (is_word(s->sql, "ROLLBACK"))
		d->pipe_err[0] = '\0';
	if (s->persistent && d->named[s->named].gen != d->gen + 1) {
		res = PQprepare(d->conn, d->named[s->named].name, s->sql,
		                s->nparams, NULL);
		rc = check_result(d, res);
		PQclear(res);
		if (rc != SQL_OK)
			return rc;
		d->named[s->named].gen = d->gen + 1;
	}
	for (int i = 0; i < s->nparams; i++)
		s->values[i] = s->p[i].val;
	if (s->deferred || d->piped)
		return pipe_send(s);
	if (s->persistent)
		res = PQexecPrepared(d->conn, d->named[s->named].name,
		                     s->nparams, s->values, NULL, NULL, 0);
	else
		res = PQexecParams(d->conn, s->sql, s->nparams, NULL,
		                   s->values, NULL, NULL, 0);
	if ((rc = check_result(d, res)) != SQL_OK) {
		PQclear(res);
		return rc;
	}
	s->res = res;
	s->row = -1;
	s->nrows = PQresultStatus(res) == PGRES_TUPLES_OK ? PQntuples(res) : 0;
	return SQL_OK;
}

static int
p_step(sql_stmt *st)
{
	struct pg_stmt *s = PST(st);
	int rc;

	if (s->done) { /* SQLite runs a finished statement again */
		PQclear(s->res);
		s->res = NULL;
		s->done = 0;
	}
	if (s->res == NULL && (rc = execute(s)) != SQL_OK)
		return rc;
	if (++s->row < s->nrows)
		return SQL_ROW;
	s->done = 1;
	return SQL_DONE;
}

static int
p_reset(sql_stmt *st)
{
	struct pg_stmt *s = PST(st);

	PQclear(s->res);
	s->res = NULL;
	s->done = 0;
	return SQL_OK;
}

static int
p_clear_bindings(sql_stmt *st)
{
	struct pg_stmt *s = PST(st);

	for (int i = 1; i <= s->nparams; i++)
		param(s, i);
	return SQL_OK;
}

static void
stmt_free(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		if (s->p[i].owned)
			s->p[i].destroy(s->p[i].owned);
		free(s->p[i].buf);
		free(s->names[i]);
	}
	PQclear(s->res);
	free(s->p);
	free(s->values);
	free(s->names);
	free(s->sql);
	free(s);
}

static int
p_finalize(sql_stmt *st)
{
	struct pg_stmt *s = PST(st);
	struct pg_db *d = SDB(s);

	if (s->prev)
		s->prev->next = s->next;
	else
		d->stmts = s->next;
	if (s->next)
		s->next->prev = s->prev;
	stmt_free(s); /* its server-side statement stays (named) */
	return SQL_OK;
}

static void
p_finalize_all(struct pg_db *d)
{
	while (d->stmts) {
		struct pg_stmt *s = d->stmts;
		d->stmts = s->next;
		stmt_free(s);
	}
}

/* value - the text of column i of the current row, or NULL. */
static const char *
value(struct pg_stmt *s, int i)
{
	if (s->res == NULL || s->row < 0 || s->row >= s->nrows || i < 0 ||
	    i >= PQnfields(s->res) || PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static long long
p_column_int64(sql_stmt *st, int i)
{
	const char *v = value(PST(st), i);

	if (v == NULL)
		return 0;
	if (*v == 't' || *v == 'f') /* boolean */
		return *v == 't';
	if (strpbrk(v, ".eE")) /* numeric or float: truncated, as SQLite */
		return (long long)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

static double
p_column_double(sql_stmt *st, int i)
{
	const char *v = value(PST(st), i);

	if (v == NULL)
		return 0;
	if (*v == 't' || *v == 'f')
		return *v == 't';
	return strtod(v, NULL);
}

static const unsigned char *
p_column_text(sql_stmt *st, int i)
{
	return (const unsigned char *)value(PST(st), i);
}

static int
p_column_bytes(sql_stmt *st, int i)
{
	struct pg_stmt *s = PST(st);

	return value(s, i) ? PQgetlength(s->res, s->row, i) : 0;
}

static int
p_column_type(sql_stmt *st, int i)
{
	struct pg_stmt *s = PST(st);
	const char *v = value(s, i);

	if (v == NULL)
		return SQL_NULL;
	switch (PQftype(s->res, i)) {
	case 16: /* bool */
	case 20: /* int8 */
	case 21: /* int2 */
	case 23: /* int4 */
	case 26: /* oid */
		return SQL_INTEGER;
	case 700: /* float4 */
	case 701: /* float8 */
		return SQL_FLOAT;
	case 1700: /* numeric: sum() of integers stays an integer */
		return strpbrk(v, ".eE") ? SQL_FLOAT : SQL_INTEGER;
	default:
		return SQL_TEXT;
	}
}

static long long
p_changes(sql_db *db)
{
	return PDB(db)->changes;
}

static const char *
p_errmsg(sql_db *db)
{
	return PDB(db)->errcode == SQL_OK ? "not an error" : PDB(db)->errmsg;
}

static int
p_errcode(sql_db *db)
{
	return PDB(db)->errcode;
}

static const struct sql_ops pg_ops = {
    .backend = SQL_PG,
    .close = p_close,
    .exec = p_exec,
    .begin_write = p_begin_write,
    .begin_write_within = p_begin_write_within,
    .begin_write_keys = p_begin_write_keys,
    .flush = p_flush,
    .in_transaction = p_in_transaction,
    .release = p_release,
    .healthy = p_healthy,
    .prepare = p_prepare,
    .bind_int64 = p_bind_int64,
    .bind_double = p_bind_double,
    .bind_null = p_bind_null,
    .bind_text = p_bind_text,
    .bind_parameter_index = p_bind_parameter_index,
    .step = p_step,
    .reset = p_reset,
    .clear_bindings = p_clear_bindings,
    .finalize = p_finalize,
    .column_int64 = p_column_int64,
    .column_double = p_column_double,
    .column_text = p_column_text,
    .column_bytes = p_column_bytes,
    .column_type = p_column_type,
    .changes = p_changes,
    .errmsg = p_errmsg,
    .errcode = p_errcode,
};

/* quiet - the server's notices ("already exists, skipping") are not
 * the collector's to print. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

int
sql_pg_open(const char *uri, const char *password, int flags, sql_db **out,
            char *err, size_t errlen)
{
	/* defaults first: what the URI says overrides them, and the
	 * password file overrides the URI */
	const char *keys[] = {"connect_timeout", "fallback_application_name",
	                      "options", "dbname", "password", NULL};
	const char *vals[] = {DB_PG_CONNECT_TIMEOUT_S, "spoolwatch-collector",
	                      (flags & SQL_OPEN_READ)
	                          ? "-c default_transaction_read_only=on"
	                          : "",
	                      uri, password, NULL};
	struct pg_db *d;
	PGconn *conn;

	if (password == NULL)
		keys[4] = NULL;
	conn = PQconnectdbParams(keys, vals, 1);
	if (conn == NULL) {
		snprintf(err, errlen, "postgresql: out of memory");
		return SQL_NOMEM;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		struct pg_db tmp = {.conn = conn};
		set_err(&tmp, SQL_UNAVAILABLE, PQerrorMessage(conn));
		snprintf(err, errlen, "postgresql: %s", tmp.errmsg);
		PQfinish(conn);
		return SQL_UNAVAILABLE;
	}
	PQsetNoticeProcessor(conn, quiet, NULL);
	d = xcalloc(1, sizeof(*d));
	d->head.ops = &pg_ops;
	d->conn = conn;
	*out = &d->head;
	return SQL_OK;
}

#endif
