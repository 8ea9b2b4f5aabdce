-- sqlite-0003.sql - SQLite schema version 2 to version 3.  Run by
-- collector/store/migrate.c in one transaction, after which the current
-- schema/collector.sql (idempotent) creates the indexes and triggers
-- that are new.  Version 3 changed PostgreSQL's aggregates (per-writer
-- delta rows, schema/migrations/pg-0003.sql); SQLite, one writer, keeps
-- its aggregate tables as in version 2.

-- What a notification fired with: its re-sends and its resolve carry
-- the same labels (collector/notify/notify_scan.c); the notifications of
-- version 2 have none (the host's labels stand in).
ALTER TABLE notify_state ADD COLUMN labels TEXT;
-- the read API's lists and the summary (also in collector.sql)
CREATE INDEX IF NOT EXISTS findings_host ON findings (host_id, id);
CREATE INDEX IF NOT EXISTS findings_code ON findings (code, id);
CREATE INDEX IF NOT EXISTS hosts_mta_down_seen ON hosts (last_seen DESC, name)
    WHERE mta_down = 1;
