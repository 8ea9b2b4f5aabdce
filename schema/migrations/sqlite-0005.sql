-- sqlite-0005.sql - SQLite schema version 4 to version 5.  Run by
-- collector/store/migrate.c in one transaction, after which the current
-- schema/collector.sql (idempotent) creates the indexes and triggers
-- that are new.  Version 5 holds several changes of one release: each
-- is a block of its own below, under a comment naming it, that creates
-- its tables and columns and fills them from the version 4 rows
-- (schema/migrations/pg-0005.sql has the same blocks for PostgreSQL).
SELECT 1;

-- Label curves (lists6: /api/v1/history?label=): label_history, per
-- label and minute the sum over the label's hosts of each host's largest
-- point of the minute, for the four fleet metrics; filled from the
-- version 4 history under the hosts' labels of now.  Its index and the
-- trigger that keeps it come with collector.sql.  host_labels as in
-- collector.sql, for a database from before labels (version 1).
CREATE TABLE IF NOT EXISTS host_labels (
	host_id		INTEGER NOT NULL,
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	PRIMARY KEY (host_id, key)
) WITHOUT ROWID;
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

-- Mail per label and cron command (lists6: /api/v1/mail?label=):
-- label_cron, the cron_fleet of each label's hosts, filled from
-- mail_cron and host_labels; the triggers that keep it come with
-- collector.sql.
CREATE TABLE IF NOT EXISTS label_cron (
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	command		TEXT NOT NULL,
	hosts		INTEGER NOT NULL,
	inbox		INTEGER NOT NULL,
	unread		INTEGER NOT NULL,
	queued		INTEGER NOT NULL,
	PRIMARY KEY (key, value, command)
) WITHOUT ROWID;
-- filled anew (a database written by this version's schema file
-- without its version number has them already)
DELETE FROM label_cron;
INSERT INTO label_cron (key, value, command, hosts, inbox, unread, queued)
SELECT hl.key, hl.value, m.command, count(*), sum(m.inbox), sum(m.unread),
    sum(m.queued)
FROM mail_cron m JOIN host_labels hl ON hl.host_id = m.host_id
GROUP BY hl.key, hl.value, m.command;

-- A code's findings by host (lists6: findings?code=&label=): the index
-- findings_code_host only, which collector.sql creates.
