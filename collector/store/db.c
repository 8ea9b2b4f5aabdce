/*
 * db.c - opening the database (either backend), the schema, per-thread
 * readers, binding and column helpers.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/store/db.h"
#include "collector/store/migrate.h"
#include "collector/limits.h"
#include "common/jsonutil.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

static char *db_password;

void
db_set_password(const char *password)
{
	if (db_password)
		memset(db_password, 0, strlen(db_password));
	free(db_password);
	db_password = password ? xstrdup(password) : NULL;
}

void
db_global_init(void)
{
	sql_global_init();
}

/* open_conn - a connection to target (flags: SQL_OPEN_*); NULL and a
 * reason. */
static sql_db *
open_conn(const char *target, int flags, char *err, size_t errlen)
{
	sql_db *db = NULL;

	if (sql_open(target, db_password, flags, &db, err, errlen) != SQL_OK)
		return NULL;
	return db;
}

/* sqlite_settings - the pragmas of an SQLite writer or reader. */
static int
sqlite_settings(sql_db *db, int writer, const char *synchronous,
                long long cache_bytes, char *err, size_t errlen)
{
	char sql[256];

	if (writer)
		snprintf(sql, sizeof(sql),
		         "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; "
		         "PRAGMA cache_size=-%lld; PRAGMA temp_store=MEMORY; "
		         "PRAGMA foreign_keys=OFF;",
		         strcmp(synchronous, "normal") == 0 ? "NORMAL" : "FULL",
		         cache_bytes / 1024);
	else
		snprintf(sql, sizeof(sql),
		         "PRAGMA query_only=1; PRAGMA cache_size=-%d;",
		         DB_READER_CACHE_KIB);
	return sql_exec(db, sql, err, errlen);
}

sql_db *
db_open(const char *target, int writer, const char *synchronous,
        long long cache_bytes, char *err, size_t errlen)
{
	sql_db *db;
	int pg = sql_is_pg_target(target), rc = SQL_OK;
	long long from = 0;

	if ((db = open_conn(target,
	                    writer ? SQL_OPEN_CREATE : SQL_OPEN_READ, err,
	                    errlen)) == NULL)
		return NULL;
	if (!pg)
		rc = sqlite_settings(db, writer, synchronous, cache_bytes, err,
		                     errlen);
	if (rc == SQL_OK && writer)
		rc = migrate(db, &from, err, errlen) == -1 ? SQL_ERROR : SQL_OK;
	if (rc != SQL_OK) {
		sql_close(db);
		return NULL;
	}
	if (writer && from != 0 && from < SCHEMA_VERSION)
		log_info("database: schema version %lld migrated to %d", from,
		         SCHEMA_VERSION);
	return db;
}

sql_db *
db_open_rw(const char *target, char *err, size_t errlen)
{
	return open_conn(target, 0, err, errlen);
}

/* Readers: one per thread, listed so that shutdown can close them. */
static pthread_mutex_t readers_mu = PTHREAD_MUTEX_INITIALIZER;
static sql_db **readers;
static size_t nreaders;
static char *reader_path;
static _Thread_local sql_db *my_reader;

void
db_reader_init(const char *target)
{
	free(reader_path);
	reader_path = xstrdup(target);
}

sql_db *
db_reader(char *err, size_t errlen)
{
	sql_db *db;

	if (my_reader)
		return my_reader;
	if ((db = db_open(reader_path, 0, NULL, 0, err, errlen)) == NULL)
		return NULL;
	pthread_mutex_lock(&readers_mu);
	readers = xrealloc(readers, (nreaders + 1) * sizeof(*readers));
	readers[nreaders++] = db;
	pthread_mutex_unlock(&readers_mu);
	my_reader = db;
	return db;
}

void
db_readers_close(void)
{
	pthread_mutex_lock(&readers_mu);
	for (size_t i = 0; i < nreaders; i++)
		sql_close(readers[i]);
	free(readers);
	readers = NULL;
	nreaders = 0;
	free(reader_path);
	reader_path = NULL;
	pthread_mutex_unlock(&readers_mu);
	my_reader = NULL;
}

int
db_reader_release(sql_db *db)
{
	return sql_release(db);
}

sql_stmt *
db_prepare(sql_db *db, const char *sql, char *err, size_t errlen)
{
	sql_stmt *st = NULL;

	if (sql_prepare(db, sql, SQL_PREPARE_PERSISTENT, &st) != SQL_OK) {
		snprintf(err, errlen, "%s: %s",
		         sql_pick(db, "sqlite", "postgresql"), sql_errmsg(db));
		return NULL;
	}
	return st;
}

void
db_bind_text(sql_stmt *st, int i, const char *s)
{
	if (s)
		sql_bind_text(st, i, s, -1, SQL_TRANSIENT);
	else
		sql_bind_null(st, i);
}

void
db_bind_jstr(sql_stmt *st, int i, json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);

	/* SQL_STATIC: the report outlives the statement's use (every
	 * statement is reset right after it ran), so no copy is needed */
	if (json_is_string(x))
		sql_bind_text(st, i, json_string_value(x),
		                  (int)json_string_length(x), SQL_STATIC);
	else
		sql_bind_null(st, i);
}

void
db_bind_jint(sql_stmt *st, int i, json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);

	if (json_is_integer(x))
		sql_bind_int64(st, i, json_integer_value(x));
	else
		sql_bind_null(st, i);
}

void
db_bind_jbool(sql_stmt *st, int i, json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);

	if (json_is_boolean(x))
		sql_bind_int(st, i, json_is_true(x));
	else
		sql_bind_null(st, i);
}

void
db_bind_jreal(sql_stmt *st, int i, json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);

	if (json_is_number(x))
		sql_bind_double(st, i, json_number_value(x));
	else
		sql_bind_null(st, i);
}

void
db_bind_jts(sql_stmt *st, int i, json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);
	time_t t;

	if (json_is_string(x) &&
	    rfc3339_parse(json_string_value(x), json_string_length(x), &t) == 0)
		sql_bind_int64(st, i, (long long)t);
	else
		sql_bind_null(st, i);
}

json_t *
db_col_str(sql_stmt *st, int i)
{
	if (sql_column_type(st, i) == SQL_NULL)
		return json_null();
	return json_stringn((const char *)sql_column_text(st, i),
	                    (size_t)sql_column_bytes(st, i));
}

json_t *
db_col_int(sql_stmt *st, int i)
{
	if (sql_column_type(st, i) == SQL_NULL)
		return json_null();
	return json_integer(sql_column_int64(st, i));
}

json_t *
db_col_bool(sql_stmt *st, int i)
{
	if (sql_column_type(st, i) == SQL_NULL)
		return json_null();
	return json_boolean(sql_column_int(st, i));
}

json_t *
db_col_time(sql_stmt *st, int i)
{
	if (sql_column_type(st, i) == SQL_NULL)
		return json_null();
	return jsonutil_ts(sql_column_int64(st, i));
}

json_t *
db_col_json(sql_stmt *st, int i)
{
	json_t *j;

	if (sql_column_type(st, i) == SQL_NULL)
		return json_null();
	j = json_loadb((const char *)sql_column_text(st, i),
	               (size_t)sql_column_bytes(st, i), JSON_DECODE_ANY,
	               NULL);
	return j ? j : json_null();
}
