/*
 * migrate.h - schema versions: which version a database carries (the
 * meta row schema_version), and bringing it forward at start, one step
 * per transaction, to SCHEMA_VERSION; a database newer than this
 * collector is refused.  Both backends: SQLite's first version is 1
 * (round one's collector, before the meta row), PostgreSQL's is 2.
 *
 * A new version: raise SCHEMA_VERSION, change schema/collector.sql and
 * schema/collector.pg.sql, and add the step from the previous version to
 * each backend's list in migrate.c (schema/migrations/BACKEND-NNNN.sql,
 * embedded by migrate_steps.c).  A step leaves every table and column as
 * the new version has them (new tables included: a later step may alter
 * them); new or changed indexes and triggers come from the schema file,
 * which runs after the steps (it is idempotent).  A column that an
 * unreleased version gains belongs to that version's step: for version
 * 5, schema/migrations/sqlite-0005.sql and pg-0005.sql.
 */
#ifndef SPOOLWATCH_MIGRATE_H
#define SPOOLWATCH_MIGRATE_H

#include <stddef.h>

#include "collector/store/sql.h"

#define SCHEMA_VERSION 5

/* The steps' SQL (schema/migrations/), NUL-terminated. */
extern const char migrate_sqlite_0002[];
extern const char migrate_sqlite_0003[];
extern const char migrate_sqlite_0004[];
extern const char migrate_sqlite_0005[];
extern const char migrate_pg_0003[];
extern const char migrate_pg_0004[];
extern const char migrate_pg_0005[];

/*
 * migrate - create the schema (empty database) or bring it forward to
 * SCHEMA_VERSION, on db's writer connection; *from is the version found
 * (0: new).  -1 and err: an error (the database stays at the last
 * completed step) or a version this collector cannot take (newer than
 * SCHEMA_VERSION, or older than the backend ever had; nothing changed).
 */
int migrate(sql_db *db, long long *from, char *err, size_t errlen);

/* migrate_version - the version of db (0: empty), read in the running
 * transaction; -1 and err.  A database from before the meta row is
 * version 1 if it lacks the acks table (version 2's), else 2. */
int migrate_version(sql_db *db, long long *v, char *err, size_t errlen);

#endif
