-- pg-0005.sql - PostgreSQL schema version 4 to version 5.  Run by
-- collector/store/migrate.c in one transaction, after which the current
-- schema/collector.pg.sql (idempotent) creates what is new: views,
-- functions, triggers and indexes.  Version 5 holds several changes of
-- one release: each is a block of its own below, under a comment naming
-- it, that creates its tables and columns and fills them from the
-- version 4 rows (schema/migrations/sqlite-0005.sql has the same blocks
-- for SQLite).
SELECT 1;
