/*
 * migrate.h - schema versions: which version a database carries (the
 * meta row schema_version), and bringing it forward at start, one step
 * per transaction, to SCHEMA_VERSION.  A database newer than this
 * collector is refused.  The logic is the same for every backend; a
 * backend gives its connection as a struct migrate_conn and its steps
 * (migrate_sqlite.c; PostgreSQL's first version is SCHEMA_VERSION).
 *
 * A new version: raise SCHEMA_VERSION, change schema/collector.sql (and
 * the PostgreSQL schema), and add the step from the previous version in
 * schema/migrations/ (sqlite-NNNN.sql: ALTERs and data fixes; new
 * tables, indexes and triggers come from the schema file, run after the
 * steps).  A column added to an existing table during an unreleased
 * version belongs to that version's step.
 */
#ifndef SPOOLWATCH_MIGRATE_H
#define SPOOLWATCH_MIGRATE_H

#include <stddef.h>

#define SCHEMA_VERSION 2

struct migrate_conn {
	void *db;
	/* exec - run a script of statements; -1 and err on error */
	int (*exec)(void *db, const char *sql, char *err, size_t errlen);
	/* has_table - 1 if the table exists, 0 if not, -1 and err */
	int (*has_table)(void *db, const char *name, char *err, size_t errlen);
	/* version - the meta value schema_version: 1 and *v, 0 when the row
	 * is absent, -1 and err (the meta table exists when called) */
	int (*version)(void *db, long long *v, char *err, size_t errlen);
	const char *begin;  /* starts a step's transaction (and its lock) */
	const char *schema; /* the current schema, idempotent */
	/* steps[i] goes from version first + i to first + i + 1 */
	const char *const *steps;
	int first; /* the oldest version this backend can have */
};

/*
 * migrate_run - create (empty database) or bring forward to
 * SCHEMA_VERSION; *from is the version found (0: new).  -1 and err: an
 * error (the database is left at the last completed step) or a version
 * newer than SCHEMA_VERSION (nothing changed).
 */
int migrate_run(const struct migrate_conn *c, long long *from, char *err,
                size_t errlen);

/* migrate_detect - the version of a database (0: empty), in a running
 * transaction; -1 and err.  A database from before versions (no meta
 * row) is version 1 if it lacks the acks table (version 2's), else 2. */
int migrate_detect(const struct migrate_conn *c, long long *v, char *err,
                   size_t errlen);

#ifdef SQLITE_VERSION
/* migrate_sqlite - migrate_run on a SQLite connection (writer). */
int migrate_sqlite(sqlite3 *db, long long *from, char *err, size_t errlen);
#endif

#endif
