-- sqlite-0005.sql - SQLite schema version 4 to version 5.  Run by
-- collector/store/migrate.c in one transaction, after which the current
-- schema/collector.sql (idempotent) creates the indexes and triggers
-- that are new.  Version 5 holds several changes of one release: each
-- is a block of its own below, under a comment naming it, that creates
-- its tables and columns and fills them from the version 4 rows
-- (schema/migrations/pg-0005.sql has the same blocks for PostgreSQL).

-- Label summary: the summary's aggregates per label (label_fleet,
-- label_findings, label_incidents, label_sigs, label_cron), filled from
-- the version 4 rows; the triggers that keep them are those of the
-- fleet-wide aggregates, dropped here so that schema/collector.sql
-- creates them anew with the label statements (and host_labels' own).
-- host_labels is version 2's, but a database from version 1 meets it
-- first here (the schema file creates it after the steps): as there.
CREATE TABLE IF NOT EXISTS host_labels (
	host_id		INTEGER NOT NULL,
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	PRIMARY KEY (host_id, key)
) WITHOUT ROWID;
CREATE TABLE label_fleet (
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	hosts		INTEGER NOT NULL,
	queued		INTEGER NOT NULL,
	unread		INTEGER NOT NULL,
	hosts_with_queued INTEGER NOT NULL,
	mta_down	INTEGER NOT NULL,
	PRIMARY KEY (key, value)
) WITHOUT ROWID;
CREATE TABLE label_findings (
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	code		TEXT NOT NULL,
	severity	TEXT NOT NULL,
	hosts		INTEGER NOT NULL,
	symptoms	INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (key, value, code, severity)
) WITHOUT ROWID;
CREATE TABLE label_incidents (
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	severity	TEXT NOT NULL,
	causes		INTEGER NOT NULL,
	hosts		INTEGER NOT NULL,
	PRIMARY KEY (key, value, severity)
) WITHOUT ROWID;
CREATE TABLE label_sigs (
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	signature	TEXT NOT NULL,
	kind		TEXT,
	hosts		INTEGER NOT NULL,
	count		INTEGER NOT NULL,
	last_ts		INTEGER,
	PRIMARY KEY (key, value, signature)
) WITHOUT ROWID;
CREATE TABLE label_cron (
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	command		TEXT NOT NULL,
	hosts		INTEGER NOT NULL,
	inbox		INTEGER NOT NULL,
	unread		INTEGER NOT NULL,
	queued		INTEGER NOT NULL,
	PRIMARY KEY (key, value, command)
) WITHOUT ROWID;
INSERT INTO label_fleet (key, value, hosts, queued, unread,
    hosts_with_queued, mta_down)
SELECT l.key, l.value, count(*), sum(h.queued_total), sum(h.unread_total),
    sum(h.queued_total > 0), sum(h.mta_down)
FROM host_labels l JOIN hosts h ON h.id = l.host_id GROUP BY l.key, l.value;
INSERT INTO label_findings (key, value, code, severity, hosts, symptoms)
SELECT l.key, l.value, f.code, f.severity, count(DISTINCT f.host_id),
    sum(f.symptom)
FROM findings f JOIN host_labels l ON l.host_id = f.host_id
WHERE f.resolved_at IS NULL GROUP BY l.key, l.value, f.code, f.severity;
INSERT INTO label_incidents (key, value, severity, causes, hosts)
SELECT l.key, l.value, f.severity, count(*), count(DISTINCT f.host_id)
FROM findings f JOIN host_labels l ON l.host_id = f.host_id
WHERE f.resolved_at IS NULL AND f.symptom = 0
GROUP BY l.key, l.value, f.severity
UNION ALL
SELECT l.key, l.value, '', count(*), count(DISTINCT f.host_id)
FROM findings f JOIN host_labels l ON l.host_id = f.host_id
WHERE f.resolved_at IS NULL AND f.symptom = 0
GROUP BY l.key, l.value;
INSERT INTO label_sigs (key, value, signature, kind, hosts, count, last_ts)
SELECT l.key, l.value, e.signature, min(e.kind), count(*), sum(e.count),
    max(e.last_ts)
FROM event_sigs e JOIN host_labels l ON l.host_id = e.host_id
GROUP BY l.key, l.value, e.signature;
INSERT INTO label_cron (key, value, command, hosts, inbox, unread, queued)
SELECT l.key, l.value, m.command, count(*), sum(m.inbox), sum(m.unread),
    sum(m.queued)
FROM mail_cron m JOIN host_labels l ON l.host_id = m.host_id
GROUP BY l.key, l.value, m.command;
DROP TRIGGER IF EXISTS mail_cron_ins;
DROP TRIGGER IF EXISTS mail_cron_del;
DROP TRIGGER IF EXISTS mail_cron_upd;
DROP TRIGGER IF EXISTS event_sigs_ins;
DROP TRIGGER IF EXISTS event_sigs_upd;
DROP TRIGGER IF EXISTS event_sigs_del;
DROP TRIGGER IF EXISTS findings_open;
DROP TRIGGER IF EXISTS findings_resolve;
DROP TRIGGER IF EXISTS findings_severity;
DROP TRIGGER IF EXISTS incidents_in;
DROP TRIGGER IF EXISTS incidents_out;
DROP TRIGGER IF EXISTS incidents_back;
DROP TRIGGER IF EXISTS incidents_gone;
DROP TRIGGER IF EXISTS hosts_mail_ins;
DROP TRIGGER IF EXISTS hosts_mail_upd;
DROP TRIGGER IF EXISTS hosts_mail_del;
-- end of the label summary's block

-- Grouped remedies (GET /api/v1/remedies, issue 18): each (code,
-- remedy) of an open finding once, a row per open finding with a remedy
-- and its host's name, the hosts per group and severity ('' every
-- severity); collector.sql then adds their indexes and the triggers that
-- keep them.
-- (host_labels: made by the label summary's block above when missing)
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

-- Label curves (/api/v1/history?label=): label_history, per
-- label and minute the sum over the label's hosts of each host's largest
-- point of the minute, for the four fleet metrics; filled from the
-- version 4 history under the hosts' labels of now.  Its index and the
-- trigger that keeps it come with collector.sql.
CREATE TABLE IF NOT EXISTS label_history (
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	metric		TEXT NOT NULL,
	subject		TEXT NOT NULL,
	ts		INTEGER NOT NULL,
	total		REAL NOT NULL,
	PRIMARY KEY (key, value, metric, subject, ts)
) WITHOUT ROWID;
-- filled anew (a database written by this version's schema file
-- without its version number has them already)
DELETE FROM label_history;
INSERT INTO label_history (key, value, metric, subject, ts, total)
SELECT hl.key, hl.value, h.metric, h.subject, h.minute, sum(h.m)
FROM (SELECT host_id, metric, subject, ts - ts % 60 AS minute,
        max(value) AS m
    FROM history WHERE value IS NOT NULL AND metric IN ('queued_total',
        'unread_total', 'syserr', 'open_findings')
    GROUP BY host_id, metric, subject, minute) h
JOIN host_labels hl ON hl.host_id = h.host_id
GROUP BY hl.key, hl.value, h.metric, h.subject, h.minute;

-- A code's findings by host (findings?code=&label=): an index of
-- PostgreSQL's only (pg-0005.sql); nothing here.
