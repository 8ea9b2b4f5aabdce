-- pg-0003.sql - PostgreSQL schema version 2 (its first) to version 3.
-- Run by collector/store/migrate.c in one transaction, after which the
-- current schema/collector.pg.sql (idempotent) creates what is new:
-- tables, views, functions, triggers and indexes.
--
-- The fleet-wide aggregates (fleet, cron_fleet, sig_fleet,
-- finding_counts) were one row per key, updated by every writer's
-- triggers: two collectors' transactions touching one key took turns.
-- From version 3 each is a table of delta rows per writer (*_part,
-- keyed by the key and part, distinct for concurrent ingest batches:
-- agg_part() in collector.pg.sql) and a view of the same name summing
-- them, so concurrent writers update different rows.  The old rows
-- become part 0.

CREATE TABLE fleet_part (
	part		bigint PRIMARY KEY,
	queued		bigint NOT NULL,
	unread		bigint NOT NULL,
	hosts_with_queued bigint NOT NULL
);
INSERT INTO fleet_part (part, queued, unread, hosts_with_queued)
SELECT 0, queued, unread, hosts_with_queued FROM fleet;
DROP TABLE fleet;

CREATE TABLE cron_fleet_part (
	command		text COLLATE "C" NOT NULL,
	part		bigint NOT NULL,
	hosts		bigint NOT NULL,
	inbox		bigint NOT NULL,
	unread		bigint NOT NULL,
	queued		bigint NOT NULL,
	PRIMARY KEY (command, part)
);
INSERT INTO cron_fleet_part (command, part, hosts, inbox, unread, queued)
SELECT command, 0, hosts, inbox, unread, queued FROM cron_fleet;
DROP TABLE cron_fleet;

CREATE TABLE sig_fleet_part (
	signature	text COLLATE "C" NOT NULL,
	part		bigint NOT NULL,
	kind		text COLLATE "C",
	hosts		bigint NOT NULL,
	count		bigint NOT NULL,
	last_ts		bigint,
	PRIMARY KEY (signature, part)
);
INSERT INTO sig_fleet_part (signature, part, kind, hosts, count, last_ts)
SELECT signature, 0, kind, hosts, count, last_ts FROM sig_fleet;
DROP TABLE sig_fleet;

CREATE TABLE finding_counts_part (
	code		text COLLATE "C" NOT NULL,
	severity	text COLLATE "C" NOT NULL,
	part		bigint NOT NULL,
	hosts		bigint NOT NULL,
	symptoms	bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (code, severity, part)
);
INSERT INTO finding_counts_part (code, severity, part, hosts, symptoms)
SELECT code, severity, 0, hosts, symptoms FROM finding_counts;
DROP TABLE finding_counts;

-- the running batch's SYSERR lines per minute, until its fleet sample
-- (collector.pg.sql says more)
CREATE TABLE fleet_syserr_part (
	part		bigint NOT NULL,
	ts		bigint NOT NULL,
	n		double precision NOT NULL,
	PRIMARY KEY (part, ts)
);

-- The read path.  What a notification fired with: its re-sends and its
-- resolve carry the same labels (collector/notify/notify_scan.c); the
-- notifications of version 2 have none (the host's labels stand in).
ALTER TABLE notify_state ADD COLUMN labels text COLLATE "C";
-- the read API's lists and the summary (also in collector.pg.sql)
CREATE INDEX IF NOT EXISTS findings_host ON findings (host_id, id);
CREATE INDEX IF NOT EXISTS findings_code ON findings (code, id);
CREATE INDEX IF NOT EXISTS findings_open_causes ON findings (severity, host_id)
    WHERE resolved_at IS NULL AND symptom = 0;
CREATE INDEX IF NOT EXISTS hosts_mta_down_seen ON hosts (last_seen DESC, name)
    WHERE mta_down = 1;
