-- pg-0004.sql - PostgreSQL schema version 3 to version 4.  Run by
-- collector/store/migrate.c in one transaction, after which the current
-- schema/collector.pg.sql (idempotent) creates what is new: views,
-- functions, triggers and indexes.
--
-- incident_counts (the open causes by severity, and the hosts with one)
-- was a view counting the open causes on every read: 140-250 ms over
-- 100,000 hosts.  From version 4 it is kept by triggers as
-- finding_counts is: incident_hosts holds each host's open causes per
-- severity (and '' for all of them), written under the host's lock, so
-- that a host's count leaving or reaching 0 moves the hosts column;
-- incident_counts_part holds the per-writer delta rows (agg_part()) and
-- the view incident_counts sums them.  Both are filled here from the
-- open causes.

DROP VIEW IF EXISTS incident_counts;
-- the view's index of the open causes by severity and host: no reader
-- left, one index less for every finding written
DROP INDEX IF EXISTS findings_open_causes;

CREATE TABLE incident_hosts (
	host_id		bigint NOT NULL,
	severity	text COLLATE "C" NOT NULL,	-- '': every severity
	causes		bigint NOT NULL,
	PRIMARY KEY (host_id, severity)
);
INSERT INTO incident_hosts (host_id, severity, causes)
SELECT host_id, severity, count(*) FROM findings
WHERE resolved_at IS NULL AND symptom = 0 GROUP BY host_id, severity
UNION ALL
SELECT host_id, '', count(*) FROM findings
WHERE resolved_at IS NULL AND symptom = 0 GROUP BY host_id;

CREATE TABLE incident_counts_part (
	severity	text COLLATE "C" NOT NULL,
	part		bigint NOT NULL,
	causes		bigint NOT NULL,
	hosts		bigint NOT NULL,
	PRIMARY KEY (severity, part)
);
INSERT INTO incident_counts_part (severity, part, causes, hosts)
SELECT severity, 0, sum(causes), count(*) FROM incident_hosts
GROUP BY severity;

-- fleet_part.hosts: the hosts stored (a count(*) of the hosts read them
-- all), the whole count in part 0
ALTER TABLE fleet_part ADD COLUMN hosts bigint NOT NULL DEFAULT 0;
UPDATE fleet_part SET hosts = (SELECT count(*) FROM hosts) WHERE part = 0;
INSERT INTO fleet_part (part, queued, unread, hosts_with_queued, hosts)
SELECT 0, 0, 0, 0, count(*) FROM hosts
HAVING NOT EXISTS (SELECT 1 FROM fleet_part WHERE part = 0);
