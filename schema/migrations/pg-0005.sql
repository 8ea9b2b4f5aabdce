-- pg-0005.sql - PostgreSQL schema version 4 to version 5.  Run by
-- collector/store/migrate.c in one transaction, after which the current
-- schema/collector.pg.sql (idempotent) creates what is new: views,
-- functions, triggers and indexes.  Version 5 holds several changes of
-- one release: each is a block of its own below, under a comment naming
-- it, that creates its tables and columns and fills them from the
-- version 4 rows (schema/migrations/sqlite-0005.sql has the same blocks
-- for SQLite).
SELECT 1;

-- Label curves (lists6: /api/v1/history?label=): label_history_kept, per
-- label and minute the sum over the label's hosts of each host's largest
-- point of the minute, for the four fleet metrics; filled from the
-- version 4 history under the hosts' labels of now.  label_history_part,
-- the view label_history, the index and the trigger that keeps them
-- come with collector.pg.sql.
CREATE TABLE IF NOT EXISTS label_history_kept (
	key		text COLLATE "C" NOT NULL,
	value		text COLLATE "C" NOT NULL,
	metric		text COLLATE "C" NOT NULL,
	subject		text COLLATE "C" NOT NULL,
	ts		bigint NOT NULL,
	total		double precision NOT NULL,
	PRIMARY KEY (key, value, metric, subject, ts)
);
-- filled anew (a database written by this version's schema file
-- without its version number has them already)
DELETE FROM label_history_kept;
INSERT INTO label_history_kept (key, value, metric, subject, ts, total)
SELECT hl.key, hl.value, h.metric, h.subject, h.minute, sum(h.m)
FROM (SELECT host_id, metric, subject, ts - ts % 60 AS minute,
        max(value) AS m
    FROM history WHERE value IS NOT NULL AND metric IN ('queued_total',
        'unread_total', 'syserr', 'open_findings')
    GROUP BY host_id, metric, subject, minute) h
JOIN host_labels hl ON hl.host_id = h.host_id
GROUP BY hl.key, hl.value, h.metric, h.subject, h.minute;

-- Mail per label and cron command (lists6: /api/v1/mail?label=):
-- label_cron_part, the cron_fleet of each label's hosts as part 0,
-- filled from mail_cron and host_labels; the view label_cron and the
-- triggers that keep it come with collector.pg.sql.
CREATE TABLE IF NOT EXISTS label_cron_part (
	key		text COLLATE "C" NOT NULL,
	value		text COLLATE "C" NOT NULL,
	command		text COLLATE "C" NOT NULL,
	part		bigint NOT NULL,
	hosts		bigint NOT NULL,
	inbox		bigint NOT NULL,
	unread		bigint NOT NULL,
	queued		bigint NOT NULL,
	PRIMARY KEY (key, value, command, part)
);
-- filled anew (a database written by this version's schema file
-- without its version number has them already)
DELETE FROM label_cron_part;
INSERT INTO label_cron_part (key, value, command, part, hosts, inbox,
    unread, queued)
SELECT hl.key, hl.value, m.command, 0, count(*), sum(m.inbox),
    sum(m.unread), sum(m.queued)
FROM mail_cron m JOIN host_labels hl ON hl.host_id = m.host_id
GROUP BY hl.key, hl.value, m.command;

-- A code's findings by host (lists6: findings?code=&label=): the index
-- findings_code_host only, which collector.pg.sql creates.
