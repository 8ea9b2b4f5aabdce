/*
 * migrate.c - the columns added to existing tables (see migrate.h).  A
 * column is listed here with its declaration as in collector.sql.
 */
#include <stdio.h>

#include "collector/store/migrate.h"

static const struct {
	const char *table, *column, *decl;
} added[] = {
    {"hosts", "labels", "TEXT"},
};

/* has_column - 1 if table has column, 0 if not, -1 on an error. */
static int
has_column(sqlite3 *db, const char *table, const char *column)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db,
	                       "SELECT 1 FROM pragma_table_info(?1) "
	                       "WHERE name = ?2",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
db_migrate(sqlite3 *db, char *err, size_t errlen)
{
	char sql[256];

	for (size_t i = 0; i < sizeof(added) / sizeof(added[0]); i++) {
		int has = has_column(db, added[i].table, added[i].column);
		if (has == 1)
			continue;
		snprintf(sql, sizeof(sql), "ALTER TABLE %s ADD COLUMN %s %s",
		         added[i].table, added[i].column, added[i].decl);
		if (has == -1 ||
		    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "sqlite: adding %s.%s: %s",
			         added[i].table, added[i].column,
			         sqlite3_errmsg(db));
			return -1;
		}
	}
	return 0;
}
