/*
 * migrate_sqlite.c - the SQLite side of schema versions (migrate.h): the
 * connection's operations and the steps of schema/migrations/sqlite-*.sql,
 * embedded like the schema (.incbin; the Makefile makes this object
 * depend on them).
 */
#include <stdio.h>

#include <sqlite3.h>

#include "collector/store/db.h"
#include "collector/store/mailfs.h"
#include "collector/store/migrate.h"

__asm__(".section .rodata\n"
        ".global migrate_sqlite_0002\n"
        ".type migrate_sqlite_0002, @object\n"
        ".balign 16\n"
        "migrate_sqlite_0002:\n"
        ".incbin \"schema/migrations/sqlite-0002.sql\"\n"
        ".byte 0\n"
        ".size migrate_sqlite_0002, . - migrate_sqlite_0002\n"
        ".previous\n");
extern const char migrate_sqlite_0002[];

static const char *const steps[] = {migrate_sqlite_0002};
_Static_assert(1 + sizeof(steps) / sizeof(steps[0]) == SCHEMA_VERSION,
               "one SQLite step per version after the first");

static int
op_exec(void *db, const char *sql, char *err, size_t errlen)
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

/* one_row - step a one-parameter query: 1 row (*out = column 0), 0 none */
static int
one_row(sqlite3 *db, const char *sql, const char *param, long long *out,
        char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, sql, err, errlen)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int
op_has_table(void *db, const char *name, char *err, size_t errlen)
{
	long long one;

	return one_row(db,
	               "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
	               "name = ?1",
	               name, &one, err, errlen);
}

static int
op_version(void *db, long long *v, char *err, size_t errlen)
{
	return one_row(db,
	               "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?1",
	               "schema_version", v, err, errlen);
}

/* mailfs_can_fill(fstype, mount) for the steps. */
static void
fn_mailfs(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int(
	    ctx, mailfs_can_fill((const char *)sqlite3_value_text(argv[0]),
	                         (const char *)sqlite3_value_text(argv[1])));
}

int
migrate_sqlite(sqlite3 *db, long long *from, char *err, size_t errlen)
{
	const struct migrate_conn c = {
	    .db = db,
	    .exec = op_exec,
	    .has_table = op_has_table,
	    .version = op_version,
	    .begin = "BEGIN IMMEDIATE",
	    .schema = collector_schema_sql,
	    .steps = steps,
	    .first = 1,
	};

	if (sqlite3_create_function(db, "mailfs_can_fill", 2,
	                            SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                            fn_mailfs, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
		return -1;
	}
	return migrate_run(&c, from, err, errlen);
}
