/*
 * migrate.c - schema versions and forward migration (see migrate.h).
 */
#include <stdio.h>

#include "collector/store/db.h"
#include "collector/store/mailfs.h"
#include "collector/store/migrate.h"

/* One step: SQL, then (or NULL) what SQL cannot say. */
struct step {
	const char *sql;
	int (*fix)(sql_db *db, char *err, size_t errlen);
};

static int fix_mail_fs(sql_db *db, char *err, size_t errlen);

/* SQLite: steps[i] goes from version i + 1 to i + 2. */
static const struct step sqlite_steps[] = {
    {migrate_sqlite_0002, fix_mail_fs},
    {migrate_sqlite_0003, NULL},
    {migrate_sqlite_0004, NULL},
    {migrate_sqlite_0005, NULL},
};
_Static_assert(1 + sizeof(sqlite_steps) / sizeof(sqlite_steps[0]) ==
                   SCHEMA_VERSION,
               "one SQLite step per version after the first");
/* PostgreSQL: its first version is 2; pg_steps[i] goes from version
 * i + 2 to i + 3. */
#define PG_FIRST 2
static const struct step pg_steps[] = {
    {migrate_pg_0003, NULL},
    {migrate_pg_0004, NULL},
    {migrate_pg_0005, NULL},
};
_Static_assert(PG_FIRST + sizeof(pg_steps) / sizeof(pg_steps[0]) ==
                   SCHEMA_VERSION,
               "one PostgreSQL step per version after its first");

/* sqlerr - err from the connection's last error. */
static int
sqlerr(sql_db *db, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", sql_errmsg(db));
	return -1;
}

/* one_value - a one-parameter query: 1 and *out (column 0) for a row, 0
 * for none, -1 and err. */
static int
one_value(sql_db *db, const char *q, const char *param, long long *out,
          char *err, size_t errlen)
{
	sql_stmt *st;
	int rc;

	if (sql_prepare(db, q, 0, &st) != SQL_OK)
		return sqlerr(db, err, errlen);
	sql_bind_text(st, 1, param, -1, SQL_STATIC);
	rc = sql_step(st);
	if (rc == SQL_ROW)
		*out = sql_column_int64(st, 0);
	else if (rc != SQL_DONE)
		sqlerr(db, err, errlen);
	sql_finalize(st);
	return rc == SQL_ROW ? 1 : rc == SQL_DONE ? 0 : -1;
}

/* has_table - 1 if table name exists, 0 if not, -1 and err. */
static int
has_table(sql_db *db, const char *name, char *err, size_t errlen)
{
	long long one;

	return one_value(
	    db,
	    sql_pick(db,
	             "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
	             "name = ?1",
	             "SELECT 1 FROM pg_tables WHERE schemaname = "
	             "current_schema() AND tablename = ?1"),
	    name, &one, err, errlen);
}

int
migrate_version(sql_db *db, long long *v, char *err, size_t errlen)
{
	int rc;

	*v = 0;
	if ((rc = has_table(db, "meta", err, errlen)) != 1)
		return rc;
	rc = one_value(db,
	               "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?1",
	               "schema_version", v, err, errlen);
	if (rc != 0)
		return rc == 1 ? 0 : -1;
	/* from before schema versions */
	if ((rc = has_table(db, "hosts", err, errlen)) != 1)
		return rc;
	if ((rc = has_table(db, "acks", err, errlen)) == -1)
		return -1;
	*v = rc ? 2 : 1;
	return 0;
}

/* fix_mail_fs - version 2's filesystems.mail_fs of the stored rows. */
static int
fix_mail_fs(sql_db *db, char *err, size_t errlen)
{
	sql_stmt *sel, *upd;
	int rc;

	if (sql_prepare(db, "SELECT host_id, mount, fstype FROM filesystems", 0,
	                &sel) != SQL_OK)
		return sqlerr(db, err, errlen);
	if (sql_prepare(db,
	                "UPDATE filesystems SET mail_fs = 0 WHERE host_id = ?1 "
	                "AND mount = ?2",
	                0, &upd) != SQL_OK) {
		sql_finalize(sel);
		return sqlerr(db, err, errlen);
	}
	while ((rc = sql_step(sel)) == SQL_ROW) {
		const char *mount = (const char *)sql_column_text(sel, 1);

		if (mailfs_can_fill((const char *)sql_column_text(sel, 2),
		                    mount))
			continue;
		sql_bind_int64(upd, 1, sql_column_int64(sel, 0));
		sql_bind_text(upd, 2, mount, -1, SQL_STATIC);
		rc = sql_step(upd);
		sql_reset(upd);
		if (rc != SQL_DONE)
			break;
	}
	if (rc != SQL_DONE)
		sqlerr(db, err, errlen);
	sql_finalize(upd);
	sql_finalize(sel);
	return rc == SQL_DONE ? 0 : -1;
}

/* set_version - the meta row, in the running transaction. */
static int
set_version(sql_db *db, long long v, char *err, size_t errlen)
{
	char q[192];

	snprintf(q, sizeof(q),
	         "INSERT INTO meta (key, value) VALUES ('schema_version', "
	         "'%lld') ON CONFLICT (key) DO UPDATE SET value = "
	         "excluded.value",
	         v);
	return sql_exec(db, q, err, errlen) == SQL_OK ? 0 : -1;
}

/* begin - a write transaction (PostgreSQL: under the writers' lock, so
 * that collectors starting together migrate one after the other). */
static int
begin(sql_db *db, char *err, size_t errlen)
{
	return sql_begin_write(db) == SQL_OK ? 0 : sqlerr(db, err, errlen);
}

/* fail - roll back, keep the first error. */
static int
fail(sql_db *db)
{
	sql_rollback(db);
	return -1;
}

/* run_step - step s then the version it leads to, committed. */
static int
run_step(sql_db *db, const struct step *s, long long to, char *err,
         size_t errlen)
{
	if (sql_exec(db, s->sql, err, errlen) != SQL_OK ||
	    (s->fix && s->fix(db, err, errlen) == -1) ||
	    set_version(db, to, err, errlen) == -1)
		return -1;
	return sql_commit(db) == SQL_OK ? 0 : sqlerr(db, err, errlen);
}

int
migrate(sql_db *db, long long *from, char *err, size_t errlen)
{
	int pg = sql_backend(db) == SQL_PG;
	const struct step *steps = pg ? pg_steps : sqlite_steps;
	long long first = pg ? PG_FIRST : 1, v;

	if (begin(db, err, errlen) == -1)
		return -1;
	if (migrate_version(db, &v, err, errlen) == -1)
		return fail(db);
	*from = v;
	if (v > SCHEMA_VERSION) {
		snprintf(err, errlen,
		         "the database has schema version %lld, newer than "
		         "this collector's (%d): run a newer collector",
		         v, SCHEMA_VERSION);
		return fail(db);
	}
	if (v != 0 && v < first) {
		snprintf(err, errlen,
		         "the database has schema version %lld, older than any "
		         "this backend had (%lld)",
		         v, first);
		return fail(db);
	}
	if (v == 0)
		v = SCHEMA_VERSION; /* new: the schema as it is */
	for (; v < SCHEMA_VERSION; v++)
		if (run_step(db, &steps[v - first], v + 1, err, errlen) == -1 ||
		    begin(db, err, errlen) == -1)
			return fail(db);
	if (sql_exec(db, pg ? collector_schema_pg_sql : collector_schema_sql,
	             err, errlen) != SQL_OK ||
	    set_version(db, v, err, errlen) == -1)
		return fail(db);
	return sql_commit(db) == SQL_OK ? 0 : sqlerr(db, err, errlen);
}
