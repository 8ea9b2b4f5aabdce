-- sqlite-0003.sql - SQLite schema version 2 to version 3.  Run by
-- collector/store/migrate.c in one transaction, after which the current
-- schema/collector.sql (idempotent) creates the indexes and triggers
-- that are new.  Version 3 changed PostgreSQL's aggregates (per-writer
-- delta rows, schema/migrations/pg-0003.sql); SQLite, one writer, keeps
-- its tables and columns as in version 2.
SELECT 1;
