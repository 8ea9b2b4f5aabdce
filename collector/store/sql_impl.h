/*
 * sql_impl.h - what a backend of sql.h provides: its operations table,
 * and the head that its connection and statement structs start with.
 * Only sql.c, sql_sqlite.c and sql_pg.c include this.
 */
#ifndef SPOOLWATCH_SQL_IMPL_H
#define SPOOLWATCH_SQL_IMPL_H

#include "collector/store/sql.h"

struct sql_ops {
	enum sql_backend backend;
	void (*close)(sql_db *db);
	int (*exec)(sql_db *db, const char *sql, char *err, size_t errlen);
	int (*begin_write)(sql_db *db);
	int (*begin_write_within)(sql_db *db, unsigned ms);
	int (*begin_write_keys)(sql_db *db, const char *const *keys, size_t n);
	int (*flush)(sql_db *db);
	int (*in_transaction)(sql_db *db);
	int (*release)(sql_db *db);
	int (*healthy)(sql_db *db, char *err, size_t errlen);
	int (*prepare)(sql_db *db, const char *sql, int flags, sql_stmt **st);
	int (*bind_int64)(sql_stmt *st, int i, long long v);
	int (*bind_double)(sql_stmt *st, int i, double v);
	int (*bind_null)(sql_stmt *st, int i);
	int (*bind_text)(sql_stmt *st, int i, const char *s, int n,
	                 sql_destructor d);
	int (*bind_parameter_index)(sql_stmt *st, const char *name);
	int (*step)(sql_stmt *st);
	int (*reset)(sql_stmt *st);
	int (*clear_bindings)(sql_stmt *st);
	int (*finalize)(sql_stmt *st);
	long long (*column_int64)(sql_stmt *st, int i);
	double (*column_double)(sql_stmt *st, int i);
	const unsigned char *(*column_text)(sql_stmt *st, int i);
	int (*column_bytes)(sql_stmt *st, int i);
	int (*column_type)(sql_stmt *st, int i);
	long long (*changes)(sql_db *db);
	const char *(*errmsg)(sql_db *db);
	int (*errcode)(sql_db *db);
};

/* The first member of every backend's connection and statement. */
struct sql_db {
	const struct sql_ops *ops;
};
struct sql_stmt {
	sql_db *db;
};

/* Backend entry points (sql.c's sql_open calls the one that fits). */
int sql_sqlite_open(const char *path, int flags, sql_db **db, char *err,
                    size_t errlen);
int sql_pg_open(const char *uri, const char *password, int flags,
                sql_db **db, char *err, size_t errlen);

#endif
