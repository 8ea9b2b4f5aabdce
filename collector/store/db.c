/*
 * db.c - opening the database, the schema, per-thread readers, binding
 * and column helpers.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/store/db.h"
#include "collector/store/migrate.h"
#include "collector/limits.h"
#include "common/jsonutil.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

static int
exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite: %s",
		         msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Columns that tables of an older database get before the schema runs
 * (CREATE TABLE IF NOT EXISTS leaves an existing table as it is). */
static const char *const added_columns[][3] = {
    {"findings", "cause_code", "TEXT"},
    {"findings", "cause_subject", "TEXT"},
    {"findings", "symptom", "INTEGER NOT NULL DEFAULT 0"},
    {"finding_counts", "symptoms", "INTEGER NOT NULL DEFAULT 0"},
};

/* add_columns - each added column to its table where the table exists
 * without it; 0, or -1 and a reason. */
static int
add_columns(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char sql[256];

	for (size_t i = 0; i < sizeof(added_columns) / sizeof(added_columns[0]);
	     i++) {
		int missing = 0;

		if (sqlite3_prepare_v2(
		        db,
		        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type "
		        "= "
		        "'table' AND name = ?1) AND NOT EXISTS (SELECT 1 FROM "
		        "pragma_table_info(?1) WHERE name = ?2)",
		        -1, &st, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
			return -1;
		}
		sqlite3_bind_text(st, 1, added_columns[i][0], -1,
		                  SQLITE_STATIC);
		sqlite3_bind_text(st, 2, added_columns[i][1], -1,
		                  SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			missing = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		if (!missing)
			continue;
		snprintf(sql, sizeof(sql), "ALTER TABLE %s ADD COLUMN %s %s",
		         added_columns[i][0], added_columns[i][1],
		         added_columns[i][2]);
		if (exec(db, sql, err, errlen) == -1)
			return -1;
	}
	return 0;
}

void
db_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* open_conn - a read-write connection (more_flags: SQLITE_OPEN_CREATE)
 * with the busy timeout and extended result codes; NULL and a reason. */
static sqlite3 *
open_conn(const char *path, int more_flags, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | more_flags;

	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		         db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db, 1);
	return db;
}

sqlite3 *
db_open(const char *path, int writer, const char *synchronous,
        long long cache_bytes, char *err, size_t errlen)
{
	sqlite3 *db;
	char sql[256];

	if ((db = open_conn(path, writer ? SQLITE_OPEN_CREATE : 0, err,
	                    errlen)) == NULL)
		return NULL;
	if (writer) {
		snprintf(sql, sizeof(sql),
		         "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; "
		         "PRAGMA cache_size=-%lld; PRAGMA temp_store=MEMORY; "
		         "PRAGMA foreign_keys=OFF;",
		         strcmp(synchronous, "normal") == 0 ? "NORMAL" : "FULL",
		         cache_bytes / 1024);
		if (exec(db, sql, err, errlen) == -1 ||
		    add_columns(db, err, errlen) == -1 ||
		    exec(db, collector_schema_sql, err, errlen) == -1 ||
		    db_migrate(db, err, errlen) == -1) {
			sqlite3_close(db);
			return NULL;
		}
	} else {
		snprintf(sql, sizeof(sql),
		         "PRAGMA query_only=1; PRAGMA cache_size=-%d;",
		         DB_READER_CACHE_KIB);
		if (exec(db, sql, err, errlen) == -1) {
			sqlite3_close(db);
			return NULL;
		}
	}
	return db;
}

sqlite3 *
db_open_rw(const char *path, char *err, size_t errlen)
{
	return open_conn(path, 0, err, errlen);
}

/* Readers: one per thread, listed so that shutdown can close them. */
static pthread_mutex_t readers_mu = PTHREAD_MUTEX_INITIALIZER;
static sqlite3 **readers;
static size_t nreaders;
static char *reader_path;
static _Thread_local sqlite3 *my_reader;

void
db_reader_init(const char *path)
{
	free(reader_path);
	reader_path = xstrdup(path);
}

sqlite3 *
db_reader(char *err, size_t errlen)
{
	sqlite3 *db;

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
		sqlite3_close_v2(readers[i]);
	free(readers);
	readers = NULL;
	nreaders = 0;
	free(reader_path);
	reader_path = NULL;
	pthread_mutex_unlock(&readers_mu);
	my_reader = NULL;
}

int
db_reader_release(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	while ((st = sqlite3_next_stmt(db, st)) != NULL)
		if (sqlite3_stmt_busy(st)) {
			sqlite3_reset(st);
			n++;
		}
	if (!sqlite3_get_autocommit(db)) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		n++;
	}
	return n;
}

sqlite3_stmt *
db_prepare(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	                       NULL) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
		return NULL;
	}
	return st;
}

void
db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void
db_bind_jstr(sqlite3_stmt *st, int i, json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);

	/* SQLITE_STATIC: the report outlives the statement's use (every
	 * statement is reset right after it ran), so no copy is needed */
	if (json_is_string(x))
		sqlite3_bind_text(st, i, json_string_value(x),
		                  (int)json_string_length(x), SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

void
db_bind_jint(sqlite3_stmt *st, int i, json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);

	if (json_is_integer(x))
		sqlite3_bind_int64(st, i, json_integer_value(x));
	else
		sqlite3_bind_null(st, i);
}

void
db_bind_jbool(sqlite3_stmt *st, int i, json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);

	if (json_is_boolean(x))
		sqlite3_bind_int(st, i, json_is_true(x));
	else
		sqlite3_bind_null(st, i);
}

void
db_bind_jreal(sqlite3_stmt *st, int i, json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);

	if (json_is_number(x))
		sqlite3_bind_double(st, i, json_number_value(x));
	else
		sqlite3_bind_null(st, i);
}

void
db_bind_jts(sqlite3_stmt *st, int i, json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);
	time_t t;

	if (json_is_string(x) &&
	    rfc3339_parse(json_string_value(x), json_string_length(x), &t) == 0)
		sqlite3_bind_int64(st, i, (sqlite3_int64)t);
	else
		sqlite3_bind_null(st, i);
}

json_t *
db_col_str(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	return json_stringn((const char *)sqlite3_column_text(st, i),
	                    (size_t)sqlite3_column_bytes(st, i));
}

json_t *
db_col_int(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(st, i));
}

json_t *
db_col_bool(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	return json_boolean(sqlite3_column_int(st, i));
}

json_t *
db_col_time(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	return jsonutil_ts(sqlite3_column_int64(st, i));
}

json_t *
db_col_json(sqlite3_stmt *st, int i)
{
	json_t *j;

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	j = json_loadb((const char *)sqlite3_column_text(st, i),
	               (size_t)sqlite3_column_bytes(st, i), JSON_DECODE_ANY,
	               NULL);
	return j ? j : json_null();
}
