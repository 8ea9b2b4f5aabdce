/*
 * sql.h - the collector's one SQL interface, with two backends: SQLite
 * (sql_sqlite.c, the embedded default) and PostgreSQL through libpq
 * (sql_pg.c).  sql_open() picks the backend from the target: a
 * "postgresql://" or "postgres://" URI is PostgreSQL, anything else is
 * an SQLite file.
 *
 * The shape is the sqlite3 API the collector was written against: a
 * connection, statements prepared with placeholders ("?", "?NNN",
 * ":name"; PostgreSQL gets them as $n), bound by 1-based index, stepped
 * to SQL_ROW or SQL_DONE, read by 0-based column, reset and finalised.
 * Result and type codes have SQLite's values, so a backend error maps to
 * one of SQL_BUSY (retry: lock, serialization failure, deadlock),
 * SQL_UNAVAILABLE (the server is gone: 503 + Retry-After), SQL_FULL,
 * SQL_IOERR, SQL_NOMEM, SQL_CONSTRAINT (a duplicate) or SQL_ERROR.
 *
 * Converting an sqlite3 call site (sed -E, in this order; each rule is
 * one line):
 *   s|sqlite3_stmt|sql_stmt|g
 *   s|\bsqlite3 [*]|sql_db *|g
 *   s|sqlite3_int64|long long|g
 *   s|sqlite3_(bind_(int64|int|double|null|text|parameter_index)|step|
 *      reset|clear_bindings|finalize|column_(int64|int|double|text|
 *      bytes|type)|errmsg|errstr|errcode|changes)[(]|sql_\1(|g
 *   s|SQLITE_(OK|ROW|DONE|ERROR|BUSY|LOCKED|NOMEM|IOERR|FULL|
 *      CONSTRAINT|STATIC|TRANSIENT|INTEGER|FLOAT|TEXT|NULL)\b|SQL_\1|g
 *   s|#include <sqlite3.h>|#include "collector/store/sql.h"|
 * and with perl -0pi (statements over several lines):
 *   s/sqlite3_prepare_v2\(([^;]*?),\s*-1,\s*&([\w\->\[\].]+),
 *      \s*NULL\)/sql_prepare($1, 0, &$2)/gs
 *   s/sqlite3_exec\(([^;]*?),\s*NULL,\s*NULL,\s*NULL\)/
 *      sql_exec($1, NULL, 0)/gs
 *   s/sqlite3_close\(/sql_close(/g
 * then by hand: sqlite3_prepare_v3(..., SQLITE_PREPARE_PERSISTENT, ...)
 * becomes sql_prepare(db, q, SQL_PREPARE_PERSISTENT, &st) (or use
 * db_prepare), sqlite3_last_insert_rowid becomes "RETURNING id" in the
 * statement, "BEGIN IMMEDIATE" becomes sql_begin_write(db).  The SQL must be portable (see README, "Store backends"):
 * ON CONFLICT instead of INSERT OR REPLACE/IGNORE, coalesce, count(*)
 * FILTER (WHERE ...) instead of sum(boolean), "user" quoted, no rowid,
 * no PRAGMA, a parameter PostgreSQL cannot type from its context (in a
 * SELECT list, "? = ?", "? IS NULL") written CAST(? AS BIGINT) or
 * CAST(? AS TEXT), an upsert's DO UPDATE naming the table's own columns
 * as table.column; where the text must differ, sql_pick() chooses it.
 */
#ifndef SPOOLWATCH_SQL_H
#define SPOOLWATCH_SQL_H

#include <stddef.h>

typedef struct sql_db sql_db;
typedef struct sql_stmt sql_stmt;

/* Result codes (SQLite's primary codes, SQL_UNAVAILABLE is CANTOPEN). */
enum {
	SQL_OK = 0,
	SQL_ERROR = 1,
	SQL_BUSY = 5,
	SQL_LOCKED = 6,
	SQL_NOMEM = 7,
	SQL_IOERR = 10,
	SQL_FULL = 13,
	SQL_UNAVAILABLE = 14,
	SQL_CONSTRAINT = 19,
	SQL_MISUSE = 21,
	SQL_RANGE = 25,
	SQL_ROW = 100,
	SQL_DONE = 101
};

/* Column types (SQLite's fundamental types). */
enum { SQL_INTEGER = 1, SQL_FLOAT = 2, SQL_TEXT = 3, SQL_NULL = 5 };

enum sql_backend { SQL_SQLITE, SQL_PG };

/* How bound text lives: SQL_STATIC until the statement is reset,
 * SQL_TRANSIENT copied now, or a function that frees it when done. */
typedef void (*sql_destructor)(void *);
#define SQL_STATIC ((sql_destructor)0)
#define SQL_TRANSIENT ((sql_destructor)(-1))

/* sql_open flags. */
enum {
	SQL_OPEN_CREATE = 1, /* SQLite: create the file */
	SQL_OPEN_READ = 2    /* a reading connection (read_db on PostgreSQL) */
};

/* sql_prepare flags: kept for the connection's life (PostgreSQL: a
 * named server-side statement, prepared once per connection). */
enum { SQL_PREPARE_PERSISTENT = 1, SQL_PREPARE_DEFERRED = 2 };
/* SQL_PREPARE_DEFERRED (with PERSISTENT): a statement whose rows and
 * sql_changes() the caller does not use (an INSERT, UPDATE or DELETE
 * without RETURNING).  PostgreSQL sends it in pipeline mode without
 * waiting: sql_step answers SQL_DONE at once, and its error (if any)
 * comes from the next statement that is not deferred, or sql_flush.
 * SQLite runs it as any other. */

/* sql_global_init - process-wide settings, before any connection
 * (SQLite: no memory statistics, one mutex less per allocation). */
void sql_global_init(void);

/* sql_is_pg_target - 1 if target is a PostgreSQL URI. */
int sql_is_pg_target(const char *target);

/* sql_redact - target as it may be logged: a PostgreSQL URI's password
 * (user:PASSWORD@, password=...) replaced by "***". */
void sql_redact(const char *target, char *out, size_t outlen);

/*
 * sql_open - a connection to target (an SQLite path or a PostgreSQL
 * URI); password (or NULL) is PostgreSQL's password parameter.  SQL_OK
 * and *db, or an error code with a reason in err (never the password).
 */
int sql_open(const char *target, const char *password, int flags,
             sql_db **db, char *err, size_t errlen);
void sql_close(sql_db *db);
enum sql_backend sql_backend(const sql_db *db);

/* sql_pick - the text for db's backend. */
const char *sql_pick(const sql_db *db, const char *sqlite_text,
                     const char *pg_text);

/* sql_exec - run sql (one or more statements, no parameters). */
int sql_exec(sql_db *db, const char *sql, char *err, size_t errlen);

/* Transactions: sql_begin_write takes the write lock at once (SQLite
 * BEGIN IMMEDIATE; PostgreSQL BEGIN and a transaction-level advisory
 * lock that serialises the collectors' writers).  ORDER BY on a column
 * that may be NULL sorts differently (SQLite: NULL first ascending;
 * PostgreSQL: last): say NULLS FIRST/LAST or sort on coalesce(). */
int sql_begin(sql_db *db);
int sql_begin_write(sql_db *db);
/* sql_begin_write_within - sql_begin_write if its lock is granted
 * within ms milliseconds (at least 1), else SQL_BUSY and no transaction:
 * for periodic work (retention, the notifier's scan) that can wait a
 * round.  PostgreSQL: the writers' lock under lock_timeout.  While an
 * exclusive request waits, every batch that asks for the lock shared
 * after it waits too, behind whichever batch holds it; a batch that
 * itself waits on another collector (a host's lock) would hold all of
 * them up for as long.  The bound keeps that to ms, while a request
 * that never queued (pg_try_advisory_xact_lock) would find the
 * lock held shared at any moment of a busy fleet's ingest and never be
 * granted.  SQLite: sql_begin_write. */
int sql_begin_write_within(sql_db *db, unsigned ms);
/* sql_begin_write_keys - a write transaction that writes the rows of
 * keys[0..n) only (the host names of an ingest batch; NULLs skipped),
 * besides the aggregates' rows of its own part.  SQLite: as
 * sql_begin_write (one writer).  PostgreSQL: BEGIN, the writers' lock
 * shared (sql_begin_write's transactions exclude all of these), one
 * transaction-level lock per key taken in key order (so two such
 * transactions wait on each other only for a key they share, and never
 * deadlock), and a part of the aggregates no other such transaction
 * holds (schema/collector.pg.sql, agg_part()). */
int sql_begin_write_keys(sql_db *db, const char *const *keys, size_t n);
/* sql_flush - the results of the deferred statements sent so far:
 * SQL_OK, or the first one's error (the transaction is then aborted). */
int sql_flush(sql_db *db);
/* sql_begin_read - a read transaction whose statements all see one
 * snapshot (PostgreSQL: REPEATABLE READ, READ ONLY). */
int sql_begin_read(sql_db *db);
int sql_commit(sql_db *db);
int sql_rollback(sql_db *db);
int sql_in_transaction(sql_db *db);

/*
 * sql_release - after a request: reset every statement of db still
 * holding a result and end an open transaction, so the connection holds
 * no snapshot between requests.  Returns how many it had to end.
 */
int sql_release(sql_db *db);

/* sql_healthy - 0 when the connection works (PostgreSQL: reconnects
 * when it was lost, with a bounded back-off), else an error code with a
 * reason in err. */
int sql_healthy(sql_db *db, char *err, size_t errlen);

int sql_prepare(sql_db *db, const char *sql, int flags, sql_stmt **st);
int sql_bind_int64(sql_stmt *st, int i, long long v);
int sql_bind_int(sql_stmt *st, int i, int v);
int sql_bind_double(sql_stmt *st, int i, double v);
int sql_bind_null(sql_stmt *st, int i);
int sql_bind_text(sql_stmt *st, int i, const char *s, int n,
                  sql_destructor d);
int sql_bind_parameter_index(sql_stmt *st, const char *name);
int sql_step(sql_stmt *st);
int sql_reset(sql_stmt *st);
int sql_clear_bindings(sql_stmt *st);
int sql_finalize(sql_stmt *st);

long long sql_column_int64(sql_stmt *st, int i);
int sql_column_int(sql_stmt *st, int i);
double sql_column_double(sql_stmt *st, int i);
const unsigned char *sql_column_text(sql_stmt *st, int i);
int sql_column_bytes(sql_stmt *st, int i);
int sql_column_type(sql_stmt *st, int i);

/* Rows the last INSERT, UPDATE or DELETE changed. */
long long sql_changes(sql_db *db);
const char *sql_errmsg(sql_db *db);
int sql_errcode(sql_db *db);
const char *sql_errstr(int rc);

/* sql_retryable - the error is worth a retry later (503). */
int sql_retryable(int rc);

#endif
