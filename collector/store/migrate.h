/*
 * migrate.h - columns that schema/collector.sql gained after a database
 * was made: CREATE TABLE IF NOT EXISTS leaves an old table as it is, so
 * each such column is added here when it is missing.
 */
#ifndef SPOOLWATCH_MIGRATE_H
#define SPOOLWATCH_MIGRATE_H

#include <stddef.h>

#include <sqlite3.h>

/* db_migrate - add every missing column of the table in migrate.c; 0, or
 * -1 with err. */
int db_migrate(sqlite3 *db, char *err, size_t errlen);

#endif
