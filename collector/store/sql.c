/*
 * sql.c - the backend-neutral half of sql.h: choosing the backend from
 * the target, and passing each call to the connection's backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/store/sql_impl.h"
#include "common/xalloc.h"

int
sql_is_pg_target(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 ||
	       strncmp(target, "postgres://", 11) == 0;
}

void
sql_redact(const char *target, char *out, size_t outlen)
{
	const char *auth, *at, *colon, *slash, *pw;
	size_t n;

	snprintf(out, outlen, "%s", target);
	if (!sql_is_pg_target(target))
		return;
	auth = strstr(target, "//") + 2;
	slash = auth + strcspn(auth, "/?");
	at = memchr(auth, '@', (size_t)(slash - auth));
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon) /* user:password@ */
		snprintf(out, outlen, "%.*s***%s", (int)(colon + 1 - target),
		         target, at);
	if ((pw = strstr(out, "password=")) != NULL) {
		char *copy = xstrdup(out);
		size_t at9 = (size_t)(pw - out) + 9;
		n = strcspn(copy + at9, "&");
		snprintf(out, outlen, "%.*s***%s", (int)at9, copy,
		         copy + at9 + n);
		free(copy);
	}
}

int
sql_open(const char *target, const char *password, int flags, sql_db **db,
         char *err, size_t errlen)
{
	*db = NULL;
	if (sql_is_pg_target(target))
		return sql_pg_open(target, password, flags, db, err, errlen);
	return sql_sqlite_open(target, flags, db, err, errlen);
}

void
sql_close(sql_db *db)
{
	if (db)
		db->ops->close(db);
}

enum sql_backend
sql_backend(const sql_db *db)
{
	return db->ops->backend;
}

const char *
sql_pick(const sql_db *db, const char *sqlite_text, const char *pg_text)
{
	return db->ops->backend == SQL_PG ? pg_text : sqlite_text;
}

int
sql_exec(sql_db *db, const char *sql, char *err, size_t errlen)
{
	return db->ops->exec(db, sql, err, errlen);
}

int
sql_begin(sql_db *db)
{
	char err[8];

	return db->ops->exec(db, "BEGIN", err, sizeof(err));
}

int
sql_begin_read(sql_db *db)
{
	char err[8];

	return db->ops->exec(db,
	                     sql_pick(db, "BEGIN",
	                              "BEGIN ISOLATION LEVEL REPEATABLE READ "
	                              "READ ONLY"),
	                     err, sizeof(err));
}

int
sql_begin_write(sql_db *db)
{
	return db->ops->begin_write(db);
}

int
sql_begin_write_within(sql_db *db, unsigned ms)
{
	return db->ops->begin_write_within(db, ms ? ms : 1);
}

int
sql_begin_write_keys(sql_db *db, const char *const *keys, size_t n)
{
	return db->ops->begin_write_keys(db, keys, n);
}

int
sql_flush(sql_db *db)
{
	return db->ops->flush(db);
}

int
sql_commit(sql_db *db)
{
	char err[8];

	return db->ops->exec(db, "COMMIT", err, sizeof(err));
}

int
sql_rollback(sql_db *db)
{
	char err[8];

	return db->ops->exec(db, "ROLLBACK", err, sizeof(err));
}

int
sql_in_transaction(sql_db *db)
{
	return db->ops->in_transaction(db);
}

int
sql_release(sql_db *db)
{
	return db->ops->release(db);
}

int
sql_healthy(sql_db *db, char *err, size_t errlen)
{
	return db->ops->healthy(db, err, errlen);
}

int
sql_prepare(sql_db *db, const char *sql, int flags, sql_stmt **st)
{
	*st = NULL;
	return db->ops->prepare(db, sql, flags, st);
}

int
sql_bind_int64(sql_stmt *st, int i, long long v)
{
	return st->db->ops->bind_int64(st, i, v);
}

int
sql_bind_int(sql_stmt *st, int i, int v)
{
	return st->db->ops->bind_int64(st, i, v);
}

int
sql_bind_double(sql_stmt *st, int i, double v)
{
	return st->db->ops->bind_double(st, i, v);
}

int
sql_bind_null(sql_stmt *st, int i)
{
	return st->db->ops->bind_null(st, i);
}

int
sql_bind_text(sql_stmt *st, int i, const char *s, int n, sql_destructor d)
{
	return st->db->ops->bind_text(st, i, s, n, d);
}

int
sql_bind_parameter_index(sql_stmt *st, const char *name)
{
	return st->db->ops->bind_parameter_index(st, name);
}

int
sql_step(sql_stmt *st)
{
	return st->db->ops->step(st);
}

int
sql_reset(sql_stmt *st)
{
	return st ? st->db->ops->reset(st) : SQL_OK;
}

int
sql_clear_bindings(sql_stmt *st)
{
	return st->db->ops->clear_bindings(st);
}

int
sql_finalize(sql_stmt *st)
{
	return st ? st->db->ops->finalize(st) : SQL_OK;
}

long long
sql_column_int64(sql_stmt *st, int i)
{
	return st->db->ops->column_int64(st, i);
}

int
sql_column_int(sql_stmt *st, int i)
{
	return (int)st->db->ops->column_int64(st, i);
}

double
sql_column_double(sql_stmt *st, int i)
{
	return st->db->ops->column_double(st, i);
}

const unsigned char *
sql_column_text(sql_stmt *st, int i)
{
	return st->db->ops->column_text(st, i);
}

int
sql_column_bytes(sql_stmt *st, int i)
{
	return st->db->ops->column_bytes(st, i);
}

int
sql_column_type(sql_stmt *st, int i)
{
	return st->db->ops->column_type(st, i);
}

long long
sql_changes(sql_db *db)
{
	return db->ops->changes(db);
}

const char *
sql_errmsg(sql_db *db)
{
	return db ? db->ops->errmsg(db) : "no connection";
}

int
sql_errcode(sql_db *db)
{
	return db->ops->errcode(db);
}

const char *
sql_errstr(int rc)
{
	switch (rc) {
	case SQL_OK: return "not an error";
	case SQL_BUSY: return "database is busy (retry)";
	case SQL_LOCKED: return "database table is locked";
	case SQL_NOMEM: return "out of memory";
	case SQL_IOERR: return "disk I/O error";
	case SQL_FULL: return "database or disk is full";
	case SQL_UNAVAILABLE: return "database unavailable";
	case SQL_CONSTRAINT: return "constraint failed";
	case SQL_MISUSE: return "bad use of the database interface";
	case SQL_RANGE: return "parameter index out of range";
	case SQL_ROW: return "another row available";
	case SQL_DONE: return "no more rows available";
	default: return "SQL error";
	}
}

int
sql_retryable(int rc)
{
	return rc == SQL_FULL || rc == SQL_IOERR || rc == SQL_BUSY ||
	       rc == SQL_LOCKED || rc == SQL_NOMEM || rc == SQL_UNAVAILABLE;
}
