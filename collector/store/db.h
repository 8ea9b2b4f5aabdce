/*
 * db.h - the collector's database connections (SQLite or PostgreSQL,
 * through sql.h): opening with the backend's settings (SQLite: WAL, busy
 * timeout, cache), creating the schema, small binding helpers.
 *
 * One connection writes (collector/writer.c); every HTTP worker thread
 * reads through its own connection (db_reader()), so readers never wait
 * for the writer (SQLite: WAL; PostgreSQL: MVCC, or a replica).
 */
#ifndef SPOOLWATCH_DB_H
#define SPOOLWATCH_DB_H

#include <stddef.h>

#include <jansson.h>

#include "collector/store/sql.h"

/* The schema texts (schema/collector.sql, schema/collector.pg.sql),
 * NUL-terminated. */
extern const char collector_schema_sql[];
extern const char collector_schema_pg_sql[];

/* db_global_init - process-wide SQLite settings (before any connection):
 * no memory statistics (one mutex less per allocation). */
void db_global_init(void);

/* db_set_password - the PostgreSQL password every later connection
 * passes (NULL: none, or what the URI or libpq's environment says);
 * the text is copied. */
void db_set_password(const char *password);

/*
 * db_open - open (create if writer) target, an SQLite path or a
 * PostgreSQL URI.  writer: the schema and, on SQLite, WAL, synchronous
 * ("full"/"normal") and cache_bytes.  NULL and a reason on error.
 */
sql_db *db_open(const char *target, int writer, const char *synchronous,
                long long cache_bytes, char *err, size_t errlen);

/* db_open_rw - a writable connection to an existing database, with the
 * busy timeout (acknowledgements, the notifier); NULL and a reason. */
sql_db *db_open_rw(const char *target, char *err, size_t errlen);

/* db_reader_init - remember the target readers open (the database, or
 * read_db's replica); db_reader - this thread's reading connection
 * (opened on first use); db_readers_close - close them all (after the
 * HTTP threads are gone). */
void db_reader_init(const char *target);
sql_db *db_reader(char *err, size_t errlen);
void db_readers_close(void);

/*
 * db_reader_release - after a request: reset every statement of db that
 * is still stepping and end an open transaction, so the connection holds
 * no read snapshot between requests (in WAL mode a statement left mid
 * result keeps its snapshot, and the next request on that thread would
 * not see reports committed since).  Returns how many it had to end.
 */
int db_reader_release(sql_db *db);

/* db_prepare - prepare (persistent) or set err ("sqlite: ..."). */
sql_stmt *db_prepare(sql_db *db, const char *sql, char *err,
                         size_t errlen);

/* Bind helpers: a json string/integer/bool/number member, or NULL.  A
 * string is bound without a copy: reset the statement before the JSON
 * value goes away. */
void db_bind_jstr(sql_stmt *st, int i, json_t *o, const char *key);
void db_bind_jint(sql_stmt *st, int i, json_t *o, const char *key);
void db_bind_jbool(sql_stmt *st, int i, json_t *o, const char *key);
void db_bind_jreal(sql_stmt *st, int i, json_t *o, const char *key);
void db_bind_jts(sql_stmt *st, int i, json_t *o, const char *key);
void db_bind_text(sql_stmt *st, int i, const char *s);

/* Column helpers for building answers. */
json_t *db_col_str(sql_stmt *st, int i);  /* string or null */
json_t *db_col_int(sql_stmt *st, int i);  /* integer or null */
json_t *db_col_bool(sql_stmt *st, int i); /* true/false or null */
json_t *db_col_time(sql_stmt *st, int i); /* RFC 3339 or null */
json_t *db_col_json(sql_stmt *st, int i); /* parsed text or null */

#endif
