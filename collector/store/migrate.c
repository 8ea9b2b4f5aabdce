/*
 * migrate.c - schema versions and forward migration (see migrate.h).
 */
#include <stdio.h>

#include "collector/store/migrate.h"

int
migrate_detect(const struct migrate_conn *c, long long *v, char *err,
               size_t errlen)
{
	int rc;

	if ((rc = c->has_table(c->db, "meta", err, errlen)) != 1) {
		*v = 0;
		return rc;
	}
	if ((rc = c->version(c->db, v, err, errlen)) != 0)
		return rc == 1 ? 0 : -1;
	/* from before schema versions */
	if ((rc = c->has_table(c->db, "hosts", err, errlen)) == -1)
		return -1;
	if (rc == 0) {
		*v = 0;
		return 0;
	}
	if ((rc = c->has_table(c->db, "acks", err, errlen)) == -1)
		return -1;
	*v = rc ? 2 : 1;
	return 0;
}

/* set_version - the meta row, in the running transaction. */
static int
set_version(const struct migrate_conn *c, long long v, char *err,
            size_t errlen)
{
	char sql[192];

	snprintf(sql, sizeof(sql),
	         "INSERT INTO meta (key, value) VALUES ('schema_version', "
	         "'%lld') ON CONFLICT (key) DO UPDATE SET value = "
	         "excluded.value",
	         v);
	return c->exec(c->db, sql, err, errlen);
}

/* fail - roll back, keep the first error. */
static int
fail(const struct migrate_conn *c)
{
	char ignored[64];

	c->exec(c->db, "ROLLBACK", ignored, sizeof(ignored));
	return -1;
}

int
migrate_run(const struct migrate_conn *c, long long *from, char *err,
            size_t errlen)
{
	long long v;

	if (c->exec(c->db, c->begin, err, errlen) == -1)
		return -1;
	if (migrate_detect(c, &v, err, errlen) == -1)
		return fail(c);
	*from = v;
	if (v > SCHEMA_VERSION) {
		snprintf(err, errlen,
		         "the database has schema version %lld, newer than "
		         "this collector's (%d): run a newer collector",
		         v, SCHEMA_VERSION);
		return fail(c);
	}
	if (v != 0 && v < c->first) {
		snprintf(err, errlen,
		         "the database has schema version %lld, older than any "
		         "this backend had (%d)",
		         v, c->first);
		return fail(c);
	}
	if (v == 0)
		v = SCHEMA_VERSION; /* new: the schema as it is */
	while (v < SCHEMA_VERSION) {
		if (c->exec(c->db, c->steps[v - c->first], err, errlen) == -1 ||
		    set_version(c, v + 1, err, errlen) == -1 ||
		    c->exec(c->db, "COMMIT", err, errlen) == -1 ||
		    c->exec(c->db, c->begin, err, errlen) == -1)
			return fail(c);
		v++;
	}
	if (c->exec(c->db, c->schema, err, errlen) == -1 ||
	    set_version(c, v, err, errlen) == -1 ||
	    c->exec(c->db, "COMMIT", err, errlen) == -1)
		return fail(c);
	return 0;
}
