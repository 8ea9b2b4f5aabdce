-- pg-0005.sql - PostgreSQL schema version 4 to version 5.  Run by
-- collector/store/migrate.c in one transaction, after which the current
-- schema/collector.pg.sql (idempotent) creates what is new: views,
-- functions, triggers and indexes.  Version 5 holds several changes of
-- one release: each is a block of its own below, under a comment naming
-- it, that creates its tables and columns and fills them from the
-- version 4 rows (schema/migrations/sqlite-0005.sql has the same blocks
-- for SQLite).

-- labels6: the summary's aggregates per label, per-writer parts as the
-- fleet-wide ones (label_fleet_part, label_findings_part,
-- label_incidents_part, label_sigs_part, label_cron_part), filled from
-- the version 4 rows into part 0; their views, the trigger functions'
-- new statements, host_labels_move and the index event_sigs_host come
-- from schema/collector.pg.sql.
CREATE TABLE label_fleet_part (
	key		text COLLATE "C" NOT NULL,
	value		text COLLATE "C" NOT NULL,
	part		bigint NOT NULL,
	hosts		bigint NOT NULL,
	queued		bigint NOT NULL,
	unread		bigint NOT NULL,
	hosts_with_queued bigint NOT NULL,
	mta_down	bigint NOT NULL,
	PRIMARY KEY (key, value, part)
);
CREATE TABLE label_findings_part (
	key		text COLLATE "C" NOT NULL,
	value		text COLLATE "C" NOT NULL,
	code		text COLLATE "C" NOT NULL,
	severity	text COLLATE "C" NOT NULL,
	part		bigint NOT NULL,
	hosts		bigint NOT NULL,
	symptoms	bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (key, value, code, severity, part)
);
CREATE TABLE label_incidents_part (
	key		text COLLATE "C" NOT NULL,
	value		text COLLATE "C" NOT NULL,
	severity	text COLLATE "C" NOT NULL,	-- '': every severity
	part		bigint NOT NULL,
	causes		bigint NOT NULL,
	hosts		bigint NOT NULL,
	PRIMARY KEY (key, value, severity, part)
);
CREATE TABLE label_sigs_part (
	key		text COLLATE "C" NOT NULL,
	value		text COLLATE "C" NOT NULL,
	signature	text COLLATE "C" NOT NULL,
	part		bigint NOT NULL,
	kind		text COLLATE "C",
	hosts		bigint NOT NULL,
	count		bigint NOT NULL,
	last_ts		bigint,
	PRIMARY KEY (key, value, signature, part)
);
CREATE TABLE label_cron_part (
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
INSERT INTO label_fleet_part (key, value, part, hosts, queued, unread,
    hosts_with_queued, mta_down)
SELECT l.key, l.value, 0, count(*), sum(h.queued_total), sum(h.unread_total),
    count(*) FILTER (WHERE h.queued_total > 0), sum(h.mta_down)
FROM host_labels l JOIN hosts h ON h.id = l.host_id GROUP BY l.key, l.value;
INSERT INTO label_findings_part (key, value, code, severity, part, hosts,
    symptoms)
SELECT l.key, l.value, f.code, f.severity, 0, count(DISTINCT f.host_id),
    sum(f.symptom)
FROM findings f JOIN host_labels l ON l.host_id = f.host_id
WHERE f.resolved_at IS NULL GROUP BY l.key, l.value, f.code, f.severity;
INSERT INTO label_incidents_part (key, value, severity, part, causes, hosts)
SELECT l.key, l.value, i.severity, 0, sum(i.causes), count(*)
FROM incident_hosts i JOIN host_labels l ON l.host_id = i.host_id
GROUP BY l.key, l.value, i.severity;
INSERT INTO label_sigs_part (key, value, signature, part, kind, hosts, count,
    last_ts)
SELECT l.key, l.value, e.signature, 0, min(e.kind), count(*), sum(e.count),
    max(e.last_ts)
FROM event_sigs e JOIN host_labels l ON l.host_id = e.host_id
GROUP BY l.key, l.value, e.signature;
INSERT INTO label_cron_part (key, value, command, part, hosts, inbox, unread,
    queued)
SELECT l.key, l.value, m.command, 0, count(*), sum(m.inbox), sum(m.unread),
    sum(m.queued)
FROM mail_cron m JOIN host_labels l ON l.host_id = m.host_id
GROUP BY l.key, l.value, m.command;
-- end of labels6

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

-- A code's findings by host (lists6: findings?code=&label=): the index
-- findings_code_host only, which collector.pg.sql creates.
