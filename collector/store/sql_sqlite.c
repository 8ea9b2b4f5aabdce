/*
 * sql_sqlite.c - the SQLite backend of sql.h: each call is the sqlite3
 * call of the same name (the result codes are SQLite's own).
 */
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "collector/limits.h"
#include "collector/store/sql_impl.h"
#include "common/xalloc.h"

_Static_assert(SQL_BUSY == SQLITE_BUSY && SQL_FULL == SQLITE_FULL &&
                   SQL_CONSTRAINT == SQLITE_CONSTRAINT &&
                   SQL_ROW == SQLITE_ROW && SQL_DONE == SQLITE_DONE &&
                   SQL_UNAVAILABLE == SQLITE_CANTOPEN &&
                   SQL_NULL == SQLITE_NULL && SQL_TEXT == SQLITE_TEXT &&
                   SQL_INTEGER == SQLITE_INTEGER && SQL_FLOAT == SQLITE_FLOAT,
               "sql.h codes are SQLite's");

struct lite_db {
	struct sql_db head;
	sqlite3 *db;
};

struct lite_stmt {
	struct sql_stmt head;
	sqlite3_stmt *st;
};

#define DB(d) (((struct lite_db *)(d))->db)
#define ST(s) (((struct lite_stmt *)(s))->st)

/* code - SQLite's extended code to its primary one. */
static int
code(int rc)
{
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? rc : rc & 0xff;
}

static void
l_close(sql_db *d)
{
	sqlite3_close_v2(DB(d));
	free(d);
}

static int
l_exec(sql_db *d, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(DB(d), sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		snprintf(err, errlen, "database: %s",
		         msg ? msg : sqlite3_errmsg(DB(d)));
	sqlite3_free(msg);
	return code(rc);
}

static int
l_begin_write(sql_db *d)
{
	return code(sqlite3_exec(DB(d), "BEGIN IMMEDIATE", NULL, NULL, NULL));
}

static int
l_begin_write_within(sql_db *d, unsigned ms)
{
	(void)ms; /* the busy timeout's wait, as for every writer */
	return l_begin_write(d);
}

static int
l_begin_write_keys(sql_db *d, const char *const *keys, size_t n)
{
	(void)keys;
	(void)n;
	return l_begin_write(d);
}

static int
l_flush(sql_db *d)
{
	(void)d;
	return SQL_OK;
}

static int
l_in_transaction(sql_db *d)
{
	return !sqlite3_get_autocommit(DB(d));
}

static int
l_release(sql_db *d)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	while ((st = sqlite3_next_stmt(DB(d), st)) != NULL)
		if (sqlite3_stmt_busy(st)) {
			sqlite3_reset(st);
			n++;
		}
	if (!sqlite3_get_autocommit(DB(d))) {
		sqlite3_exec(DB(d), "ROLLBACK", NULL, NULL, NULL);
		n++;
	}
	return n;
}

static int
l_healthy(sql_db *d, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(DB(d), "SELECT count(*) FROM meta", -1, &st,
	                        NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return SQL_OK;
	snprintf(err, errlen, "%s", sqlite3_errmsg(DB(d)));
	return code(rc);
}

static int
l_prepare(sql_db *d, const char *sql, int flags, sql_stmt **out)
{
	sqlite3_stmt *st = NULL;
	struct lite_stmt *ls;
	int rc = sqlite3_prepare_v3(
	    DB(d), sql, -1,
	    (flags & SQL_PREPARE_PERSISTENT) ? SQLITE_PREPARE_PERSISTENT : 0,
	    &st, NULL);

	if (rc != SQLITE_OK)
		return code(rc);
	ls = xcalloc(1, sizeof(*ls));
	ls->head.db = d;
	ls->st = st;
	*out = &ls->head;
	return SQL_OK;
}

static int
l_bind_int64(sql_stmt *s, int i, long long v)
{
	return code(sqlite3_bind_int64(ST(s), i, v));
}

static int
l_bind_double(sql_stmt *s, int i, double v)
{
	return code(sqlite3_bind_double(ST(s), i, v));
}

static int
l_bind_null(sql_stmt *s, int i)
{
	return code(sqlite3_bind_null(ST(s), i));
}

static int
l_bind_text(sql_stmt *s, int i, const char *t, int n, sql_destructor d)
{
	return code(sqlite3_bind_text(ST(s), i, t, n, d));
}

static int
l_bind_parameter_index(sql_stmt *s, const char *name)
{
	return sqlite3_bind_parameter_index(ST(s), name);
}

static int
l_step(sql_stmt *s)
{
	return code(sqlite3_step(ST(s)));
}

static int
l_reset(sql_stmt *s)
{
	return code(sqlite3_reset(ST(s)));
}

static int
l_clear_bindings(sql_stmt *s)
{
	return code(sqlite3_clear_bindings(ST(s)));
}

static int
l_finalize(sql_stmt *s)
{
	int rc = sqlite3_finalize(ST(s));

	free(s);
	return code(rc);
}

static long long
l_column_int64(sql_stmt *s, int i)
{
	return sqlite3_column_int64(ST(s), i);
}

static double
l_column_double(sql_stmt *s, int i)
{
	return sqlite3_column_double(ST(s), i);
}

static const unsigned char *
l_column_text(sql_stmt *s, int i)
{
	return sqlite3_column_text(ST(s), i);
}

static int
l_column_bytes(sql_stmt *s, int i)
{
	return sqlite3_column_bytes(ST(s), i);
}

static int
l_column_type(sql_stmt *s, int i)
{
	return sqlite3_column_type(ST(s), i);
}

static long long
l_changes(sql_db *d)
{
	return sqlite3_changes64(DB(d));
}

static const char *
l_errmsg(sql_db *d)
{
	return sqlite3_errmsg(DB(d));
}

static int
l_errcode(sql_db *d)
{
	return code(sqlite3_errcode(DB(d)));
}

static const struct sql_ops lite_ops = {
    .backend = SQL_SQLITE,
    .close = l_close,
    .exec = l_exec,
    .begin_write = l_begin_write,
    .begin_write_within = l_begin_write_within,
    .begin_write_keys = l_begin_write_keys,
    .flush = l_flush,
    .in_transaction = l_in_transaction,
    .release = l_release,
    .healthy = l_healthy,
    .prepare = l_prepare,
    .bind_int64 = l_bind_int64,
    .bind_double = l_bind_double,
    .bind_null = l_bind_null,
    .bind_text = l_bind_text,
    .bind_parameter_index = l_bind_parameter_index,
    .step = l_step,
    .reset = l_reset,
    .clear_bindings = l_clear_bindings,
    .finalize = l_finalize,
    .column_int64 = l_column_int64,
    .column_double = l_column_double,
    .column_text = l_column_text,
    .column_bytes = l_column_bytes,
    .column_type = l_column_type,
    .changes = l_changes,
    .errmsg = l_errmsg,
    .errcode = l_errcode,
};

void
sql_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int
sql_sqlite_open(const char *path, int flags, sql_db **out, char *err,
                size_t errlen)
{
	sqlite3 *db = NULL;
	struct lite_db *ld;
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;

	if (flags & SQL_OPEN_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if ((rc = sqlite3_open_v2(path, &db, oflags, NULL)) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		         db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return rc == SQLITE_OK ? SQL_ERROR : code(rc);
	}
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db, 1);
	ld = xcalloc(1, sizeof(*ld));
	ld->head.ops = &lite_ops;
	ld->db = db;
	*out = &ld->head;
	return SQL_OK;
}
