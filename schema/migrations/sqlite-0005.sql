-- sqlite-0005.sql - SQLite schema version 4 to version 5.  Run by
-- collector/store/migrate.c in one transaction, after which the current
-- schema/collector.sql (idempotent) creates the indexes and triggers
-- that are new.  Version 5 holds several changes of one release: each
-- is a block of its own below, under a comment naming it, that creates
-- its tables and columns and fills them from the version 4 rows
-- (schema/migrations/pg-0005.sql has the same blocks for PostgreSQL).
SELECT 1;

-- Grouped remedies (GET /api/v1/remedies, issue 18): each (code,
-- remedy) of an open finding once, a row per open finding with a remedy
-- and its host's name, the hosts per group and severity ('' every
-- severity); collector.sql then adds their indexes and the triggers that
-- keep them.
-- (a database from version 1 has no host_labels yet: the schema file
-- made it, as this, after the steps)
CREATE TABLE IF NOT EXISTS host_labels (
	host_id		INTEGER NOT NULL,
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	PRIMARY KEY (host_id, key)
) WITHOUT ROWID;
CREATE TABLE remedies (
	id		INTEGER PRIMARY KEY,
	code		TEXT NOT NULL,
	remedy		TEXT NOT NULL,
	UNIQUE (code, remedy)
);
CREATE TABLE remedy_findings (
	finding_id	INTEGER PRIMARY KEY,
	remedy_id	INTEGER NOT NULL,
	severity	TEXT NOT NULL,
	host_id		INTEGER NOT NULL,
	name		TEXT NOT NULL
);
CREATE TABLE remedy_counts (
	remedy_id	INTEGER NOT NULL,
	severity	TEXT NOT NULL,
	hosts		INTEGER NOT NULL,
	PRIMARY KEY (remedy_id, severity)
) WITHOUT ROWID;
CREATE TABLE remedy_label_hosts (
	remedy_id	INTEGER NOT NULL,
	severity	TEXT NOT NULL,
	host_id		INTEGER NOT NULL,
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	name		TEXT NOT NULL,
	PRIMARY KEY (remedy_id, severity, host_id, key)
) WITHOUT ROWID;
INSERT INTO remedies (code, remedy)
SELECT code, remedy FROM findings
WHERE resolved_at IS NULL AND remedy <> '' GROUP BY code, remedy
ORDER BY min(id);
INSERT INTO remedy_findings (finding_id, remedy_id, severity, host_id, name)
SELECT f.id, r.id, f.severity, f.host_id, h.name
FROM findings f JOIN remedies r ON r.code = f.code AND r.remedy = f.remedy
JOIN hosts h ON h.id = f.host_id
WHERE f.resolved_at IS NULL AND f.remedy <> '';
INSERT INTO remedy_counts (remedy_id, severity, hosts)
SELECT remedy_id, '', count(DISTINCT host_id) FROM remedy_findings
GROUP BY remedy_id
UNION ALL
SELECT remedy_id, severity, count(DISTINCT host_id) FROM remedy_findings
GROUP BY remedy_id, severity;
INSERT INTO remedy_label_hosts (remedy_id, severity, host_id, key, value,
    name)
SELECT e.remedy_id, e.severity, e.host_id, l.key, l.value, e.name
FROM remedy_findings e JOIN host_labels l ON l.host_id = e.host_id
UNION
SELECT e.remedy_id, '', e.host_id, l.key, l.value, e.name
FROM remedy_findings e JOIN host_labels l ON l.host_id = e.host_id;
CREATE TABLE remedy_label_counts (
	remedy_id	INTEGER NOT NULL,
	severity	TEXT NOT NULL,
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	hosts		INTEGER NOT NULL,
	PRIMARY KEY (remedy_id, severity, key, value)
) WITHOUT ROWID;
INSERT INTO remedy_label_counts (remedy_id, severity, key, value, hosts)
SELECT remedy_id, severity, key, value, count(*) FROM remedy_label_hosts
GROUP BY remedy_id, severity, key, value;
