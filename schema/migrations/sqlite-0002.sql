-- sqlite-0002.sql - SQLite schema version 1 (the collector of round one)
-- to version 2.  Run by collector/store/migrate.c in one transaction,
-- after which the current schema/collector.sql (idempotent) creates the
-- indexes and triggers that are new or were dropped here.  A step leaves
-- every table and column as the version has them (a later step may alter
-- them); indexes and triggers come from the schema file.
-- The step's C part (migrate.c) then sets filesystems.mail_fs of the
-- stored rows (collector/store/mailfs.c says which can fill with mail).

-- which report is the newest (store.c): collected_at, never later than
-- its arrival
ALTER TABLE hosts ADD COLUMN state_order INTEGER NOT NULL DEFAULT -1;
UPDATE hosts SET state_order = min(collected_at, last_seen);

-- the summary's fullest filesystems count only those that can fill with
-- mail
ALTER TABLE filesystems ADD COLUMN mail_fs INTEGER NOT NULL DEFAULT 1;
DROP INDEX IF EXISTS filesystems_pct;

-- cron mail: inbox (in the mailbox) next to unread; version 1 counted the
-- unread ones only, the best value of inbox until the host reports again
DROP TRIGGER IF EXISTS mail_cron_ins;
DROP TRIGGER IF EXISTS mail_cron_del;
DROP TRIGGER IF EXISTS mail_cron_upd;
DROP INDEX IF EXISTS cron_fleet_size;
ALTER TABLE mail_cron ADD COLUMN inbox INTEGER NOT NULL DEFAULT 0;
UPDATE mail_cron SET inbox = unread;
ALTER TABLE cron_fleet ADD COLUMN inbox INTEGER NOT NULL DEFAULT 0;
UPDATE cron_fleet SET inbox = coalesce((SELECT sum(m.inbox) FROM mail_cron m
    WHERE m.command = cron_fleet.command), 0);

-- new tables of version 2 (as in schema/collector.sql)
-- Acknowledgements (POST /api/v1/findings/{id}/ack): at most one per
-- (host, code, subject), so that it outlives the occurrence it was made
-- on.  It applies to the occurrence finding_id while that one is open
-- (until NULL), or to any occurrence until `until`; severity and hosts
-- (open hosts of the code then) tell when the evidence got worse.
CREATE TABLE IF NOT EXISTS acks (
	host_id		INTEGER NOT NULL,
	code		TEXT NOT NULL,
	subject		TEXT NOT NULL,
	finding_id	INTEGER NOT NULL,
	by		TEXT NOT NULL,
	reason		TEXT NOT NULL,
	at		INTEGER NOT NULL,
	until		INTEGER,
	severity	TEXT NOT NULL,
	hosts		INTEGER NOT NULL,
	PRIMARY KEY (host_id, code, subject)
) WITHOUT ROWID;

-- Notifications (collector/notify/): per finding occurrence and target
-- ('alertmanager', 'webhook') what was queued, so that a restart neither
-- forgets a resolve nor repeats an open.
CREATE TABLE IF NOT EXISTS notify_state (
	finding_id	INTEGER NOT NULL,
	target		TEXT NOT NULL,
	fired_at	INTEGER NOT NULL,	-- first notification queued
	last_sent	INTEGER NOT NULL,	-- last open one queued
	silenced	INTEGER NOT NULL DEFAULT 0,	-- an ack held it back
	PRIMARY KEY (finding_id, target)
) WITHOUT ROWID;

-- The durable outbox: a row leaves only when the receiver answered 2xx
-- (or after [notify] max_age).  body is the JSON as it is sent (for
-- Alertmanager: one alert, endsAt set when sent).
CREATE TABLE IF NOT EXISTS notify_queue (
	id		INTEGER PRIMARY KEY,
	target		TEXT NOT NULL,
	finding_id	INTEGER NOT NULL,
	event		TEXT NOT NULL,		-- opened, still_open, resolved
	delivery	TEXT NOT NULL,		-- UUID, X-Spoolwatch-Delivery
	body		TEXT NOT NULL,
	created		INTEGER NOT NULL,
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_at		INTEGER NOT NULL,
	last_error	TEXT
);
-- the next report of every host rewrites its state tables (spools,
-- filesystems, mail_*) with version 2's values
UPDATE host_state SET hash = 0;
