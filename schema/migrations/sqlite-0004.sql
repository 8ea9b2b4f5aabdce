-- sqlite-0004.sql - SQLite schema version 3 to version 4.  Run by
-- collector/store/migrate.c in one transaction, after which the current
-- schema/collector.sql (idempotent) creates the indexes and triggers
-- that are new.  Version 4 made PostgreSQL's incident_counts a kept
-- aggregate (schema/migrations/pg-0004.sql); SQLite's was a table kept
-- by its triggers already, and its tables and columns are as in
-- version 3: the step is the version number only, so that both backends
-- count versions alike.
SELECT 1;
