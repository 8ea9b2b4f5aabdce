-- collector.sql - the spoolwatch collector's SQLite schema.
--
-- The collector embeds this file (collector/schema.c) and runs it on every
-- start; every statement is idempotent.  Times are epoch seconds (UTC).
-- Integer keys everywhere: a host name is stored once, in hosts.
--
-- Write path per report (one writer thread, many reports per
-- transaction): reports (idempotency), hosts (latest state; its labels
-- also in host_labels), host_state,
-- spools and filesystems and mail_* (latest state, replaced when it
-- changed), events (deduplicated
-- on host + event id), event_groups, event_sigs (per host and signature),
-- history (curves), fleet_history (fleet curves), findings (lifecycle).  Fleet-wide aggregates that the
-- summary needs are kept by triggers (sig_fleet, cron_fleet) so the
-- summary never scans events.

CREATE TABLE IF NOT EXISTS meta (
	key	TEXT PRIMARY KEY,
	value	TEXT
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS hosts (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	os		TEXT,
	kernel		TEXT,
	agent_version	TEXT,
	first_seen	INTEGER NOT NULL,	-- first report received
	last_seen	INTEGER NOT NULL,	-- last report received
	collected_at	INTEGER NOT NULL,	-- collected_at of the latest state
	-- which report is the newest: its collected_at, but never later
	-- than when it was received (a clock a day ahead freezes nothing)
	state_order	INTEGER NOT NULL DEFAULT -1,
	interval_s	INTEGER,
	reports		INTEGER NOT NULL DEFAULT 0,
	last_report_id	TEXT,
	mta_kind	TEXT,
	mta_running	INTEGER,		-- NULL: unknown
	mta_listening	INTEGER,
	mta_down	INTEGER NOT NULL DEFAULT 0,
	queued_total	INTEGER NOT NULL DEFAULT 0,
	unread_total	INTEGER NOT NULL DEFAULT 0,
	open_critical	INTEGER NOT NULL DEFAULT 0,
	open_warning	INTEGER NOT NULL DEFAULT 0,
	open_info	INTEGER NOT NULL DEFAULT 0,
	-- host.labels of the newest report: a JSON object, keys sorted
	-- (NULL on a database from before labels, until the next report)
	labels		TEXT
);
CREATE INDEX IF NOT EXISTS hosts_last_seen ON hosts (last_seen);
CREATE INDEX IF NOT EXISTS hosts_mta_down ON hosts (mta_down) WHERE mta_down = 1;
-- the summary's hosts with the MTA down, most recently seen first
CREATE INDEX IF NOT EXISTS hosts_mta_down_seen ON hosts (last_seen DESC, name)
    WHERE mta_down = 1;

-- A host's labels, one row per label, rewritten with hosts.labels when
-- that changes: label=KEY:VALUE finds its hosts by host_labels_kv.
CREATE TABLE IF NOT EXISTS host_labels (
	host_id		INTEGER NOT NULL,
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	PRIMARY KEY (host_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS host_labels_kv
    ON host_labels (key, value, host_id);

-- The summary's aggregates per label (schema version 5;
-- schema/migrations/sqlite-0005.sql): for every (key, value) of
-- host_labels what the fleet-wide ones count (fleet, finding_counts,
-- incident_counts, sig_fleet, cron_fleet) over the hosts with that
-- label, so that summary?label=KEY:VALUE reads them as the fleet's.
-- The triggers that keep the fleet-wide ones add the same deltas to each
-- label of the host; those of host_labels (below) move a host's whole
-- share when its labels change (store.c deletes and inserts its rows).
-- label_sigs.last_ts, like sig_fleet's, is the newest seen.
CREATE TABLE IF NOT EXISTS label_fleet (
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	hosts		INTEGER NOT NULL,
	queued		INTEGER NOT NULL,
	unread		INTEGER NOT NULL,
	hosts_with_queued INTEGER NOT NULL,
	mta_down	INTEGER NOT NULL,
	PRIMARY KEY (key, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS label_findings (
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	code		TEXT NOT NULL,
	severity	TEXT NOT NULL,
	hosts		INTEGER NOT NULL,
	symptoms	INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (key, value, code, severity)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS label_incidents (
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	severity	TEXT NOT NULL,	-- '': every severity
	causes		INTEGER NOT NULL,
	hosts		INTEGER NOT NULL,
	PRIMARY KEY (key, value, severity)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS label_sigs (
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	signature	TEXT NOT NULL,
	kind		TEXT,
	hosts		INTEGER NOT NULL,
	count		INTEGER NOT NULL,
	last_ts		INTEGER,
	PRIMARY KEY (key, value, signature)
) WITHOUT ROWID;
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

-- The latest {spools, filesystems, mta, mail, errors} of a host as the
-- agent sent them, and a hash of that text: a report whose state did not
-- change rewrites neither this row nor the spools, filesystems and mail
-- tables below.
CREATE TABLE IF NOT EXISTS host_state (
	host_id		INTEGER PRIMARY KEY,
	hash		INTEGER NOT NULL,
	state		TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS reports (
	id		INTEGER PRIMARY KEY,
	report_id	TEXT NOT NULL UNIQUE,
	host_id		INTEGER NOT NULL,
	collected_at	INTEGER NOT NULL,
	received_at	INTEGER NOT NULL,
	events		INTEGER NOT NULL,
	findings	INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS spools (
	host_id		INTEGER NOT NULL,
	path		TEXT NOT NULL,
	role		TEXT,
	present		INTEGER,
	owner		TEXT,
	grp		TEXT,
	mode		TEXT,
	entries		INTEGER,
	orphans		INTEGER,
	oldest_age_s	INTEGER,
	dir_size_bytes	INTEGER,
	ok		INTEGER,
	PRIMARY KEY (host_id, path)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS filesystems (
	host_id		INTEGER NOT NULL,
	mount		TEXT NOT NULL,
	device		TEXT,
	fstype		TEXT,
	inodes_total	INTEGER,
	inodes_used	INTEGER,
	inodes_free	INTEGER,
	inodes_used_pct	REAL,
	bytes_total	INTEGER,
	bytes_free	INTEGER,
	mail_fs		INTEGER NOT NULL DEFAULT 1,	-- can fill with mail (mailfs.c)
	PRIMARY KEY (host_id, mount)
) WITHOUT ROWID;
-- The summary's fullest filesystems: only those that can fill with mail.
CREATE INDEX IF NOT EXISTS filesystems_mail_pct ON filesystems
    (inodes_used_pct) WHERE mail_fs = 1;

CREATE TABLE IF NOT EXISTS mailboxes (
	host_id		INTEGER NOT NULL,
	user		TEXT NOT NULL,
	path		TEXT NOT NULL,
	messages	INTEGER,
	unread		INTEGER,
	bytes		INTEGER,
	oldest_ts	INTEGER,
	newest_ts	INTEGER,
	PRIMARY KEY (host_id, user, path)
) WITHOUT ROWID;

-- Mail per cron command on a host: unread cron mail in mailboxes plus
-- queued messages whose cron_command is known.
CREATE TABLE IF NOT EXISTS mail_cron (
	host_id		INTEGER NOT NULL,
	command		TEXT NOT NULL,
	user		TEXT,
	inbox		INTEGER NOT NULL DEFAULT 0,	-- its mail in the mailbox
	unread		INTEGER NOT NULL DEFAULT 0,	-- of which unread
	queued		INTEGER NOT NULL DEFAULT 0,	-- its mail in a queue
	last_ts		INTEGER,
	subject		TEXT,
	excerpt		TEXT,
	PRIMARY KEY (host_id, command)
) WITHOUT ROWID;
-- /api/v1/mail?command= and the hosts behind a fleet-wide command.
CREATE INDEX IF NOT EXISTS mail_cron_command ON mail_cron (command);

CREATE TABLE IF NOT EXISTS mail_queued (
	host_id		INTEGER NOT NULL,
	queue		TEXT NOT NULL,
	qid		TEXT NOT NULL,
	sender		TEXT,
	rcpt		TEXT,			-- JSON array
	subject		TEXT,
	created_ts	INTEGER,
	tries		INTEGER,
	status		TEXT,
	cron_command	TEXT,
	PRIMARY KEY (host_id, queue, qid)
) WITHOUT ROWID;

-- Fleet totals per cron command, kept by the triggers below.
CREATE TABLE IF NOT EXISTS cron_fleet (
	command		TEXT PRIMARY KEY,
	hosts		INTEGER NOT NULL,
	inbox		INTEGER NOT NULL DEFAULT 0,
	unread		INTEGER NOT NULL,
	queued		INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cron_fleet_size ON cron_fleet (inbox + queued);

CREATE TRIGGER IF NOT EXISTS mail_cron_ins AFTER INSERT ON mail_cron BEGIN
	INSERT INTO cron_fleet (command, hosts, inbox, unread, queued)
	VALUES (new.command, 1, new.inbox, new.unread, new.queued)
	ON CONFLICT (command) DO UPDATE SET hosts = hosts + 1,
	    inbox = inbox + excluded.inbox, unread = unread + excluded.unread,
	    queued = queued + excluded.queued;
	INSERT INTO label_cron (key, value, command, hosts, inbox, unread,
	    queued)
	SELECT key, value, new.command, 1, new.inbox, new.unread, new.queued
	FROM host_labels WHERE host_id = new.host_id
	ON CONFLICT (key, value, command) DO UPDATE SET hosts = hosts + 1,
	    inbox = inbox + excluded.inbox, unread = unread + excluded.unread,
	    queued = queued + excluded.queued;
END;
CREATE TRIGGER IF NOT EXISTS mail_cron_del AFTER DELETE ON mail_cron BEGIN
	UPDATE cron_fleet SET hosts = hosts - 1, inbox = inbox - old.inbox,
	    unread = unread - old.unread, queued = queued - old.queued
	WHERE command = old.command;
	DELETE FROM cron_fleet WHERE command = old.command AND hosts <= 0;
	UPDATE label_cron SET hosts = hosts - 1, inbox = inbox - old.inbox,
	    unread = unread - old.unread, queued = queued - old.queued
	WHERE (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = old.host_id) AND command = old.command;
	DELETE FROM label_cron WHERE (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = old.host_id) AND command = old.command
	    AND hosts <= 0;
END;
CREATE TRIGGER IF NOT EXISTS mail_cron_upd AFTER UPDATE OF inbox, unread,
    queued ON mail_cron BEGIN
	UPDATE cron_fleet SET inbox = inbox - old.inbox + new.inbox,
	    unread = unread - old.unread + new.unread,
	    queued = queued - old.queued + new.queued
	WHERE command = new.command;
	UPDATE label_cron SET inbox = inbox - old.inbox + new.inbox,
	    unread = unread - old.unread + new.unread,
	    queued = queued - old.queued + new.queued
	WHERE (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = new.host_id) AND command = new.command;
END;

-- Events: stored once per (host, event id).  data is the event's JSON.
CREATE TABLE IF NOT EXISTS events (
	id		INTEGER PRIMARY KEY,
	host_id		INTEGER NOT NULL,
	eid		TEXT NOT NULL,
	ts		INTEGER NOT NULL,
	kind		TEXT NOT NULL,
	signature	TEXT,
	data		TEXT NOT NULL,
	UNIQUE (host_id, eid)
);
-- The events API lists newest first by (ts, id); these serve its
-- since/until, signature and kind filters without a scan.
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
CREATE INDEX IF NOT EXISTS events_signature ON events (signature, ts);
CREATE INDEX IF NOT EXISTS events_kind ON events (kind, ts);

CREATE TABLE IF NOT EXISTS event_groups (
	id		INTEGER PRIMARY KEY,
	host_id		INTEGER NOT NULL,
	report		INTEGER NOT NULL,	-- reports.id
	signature	TEXT NOT NULL,
	kind		TEXT,
	count		INTEGER NOT NULL,
	first_ts	INTEGER,
	last_ts		INTEGER,
	example		TEXT
);

-- Per host and signature: how often, and when last (for syserr_top).
CREATE TABLE IF NOT EXISTS event_sigs (
	signature	TEXT NOT NULL,
	host_id		INTEGER NOT NULL,
	kind		TEXT,
	count		INTEGER NOT NULL,
	last_ts		INTEGER,
	PRIMARY KEY (signature, host_id)
) WITHOUT ROWID;
-- a host's signatures, for the move of its labels' share
CREATE INDEX IF NOT EXISTS event_sigs_host ON event_sigs (host_id);

CREATE TABLE IF NOT EXISTS sig_fleet (
	signature	TEXT PRIMARY KEY,
	kind		TEXT,
	hosts		INTEGER NOT NULL,
	count		INTEGER NOT NULL,
	last_ts		INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sig_fleet_hosts ON sig_fleet (kind, hosts);

CREATE TRIGGER IF NOT EXISTS event_sigs_ins AFTER INSERT ON event_sigs BEGIN
	INSERT INTO sig_fleet (signature, kind, hosts, count, last_ts)
	VALUES (new.signature, new.kind, 1, new.count, new.last_ts)
	ON CONFLICT (signature) DO UPDATE SET hosts = hosts + 1,
	    count = count + excluded.count,
	    last_ts = max(coalesce(last_ts, 0), coalesce(excluded.last_ts, 0));
	INSERT INTO label_sigs (key, value, signature, kind, hosts, count,
	    last_ts)
	SELECT key, value, new.signature, new.kind, 1, new.count, new.last_ts
	FROM host_labels WHERE host_id = new.host_id
	ON CONFLICT (key, value, signature) DO UPDATE SET hosts = hosts + 1,
	    count = count + excluded.count,
	    last_ts = max(coalesce(last_ts, 0), coalesce(excluded.last_ts, 0));
END;
CREATE TRIGGER IF NOT EXISTS event_sigs_upd AFTER UPDATE OF count
    ON event_sigs BEGIN
	UPDATE sig_fleet SET count = count - old.count + new.count,
	    last_ts = max(coalesce(last_ts, 0), coalesce(new.last_ts, 0))
	WHERE signature = new.signature;
	UPDATE label_sigs SET count = count - old.count + new.count,
	    last_ts = max(coalesce(last_ts, 0), coalesce(new.last_ts, 0))
	WHERE (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = new.host_id) AND signature = new.signature;
END;
CREATE TRIGGER IF NOT EXISTS event_sigs_del AFTER DELETE ON event_sigs BEGIN
	UPDATE sig_fleet SET hosts = hosts - 1, count = count - old.count
	WHERE signature = old.signature;
	DELETE FROM sig_fleet WHERE signature = old.signature AND hosts <= 0;
	UPDATE label_sigs SET hosts = hosts - 1, count = count - old.count
	WHERE (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = old.host_id) AND signature = old.signature;
	DELETE FROM label_sigs WHERE (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = old.host_id) AND signature = old.signature
	    AND hosts <= 0;
END;

-- Curves: inodes_used_pct per mount, spool entries per spool path,
-- queued and unread totals, syserr events per report interval, open
-- findings per severity (metric open_findings, subject the severity).
CREATE TABLE IF NOT EXISTS history (
	id		INTEGER PRIMARY KEY,
	host_id		INTEGER NOT NULL,
	metric		TEXT NOT NULL,
	subject		TEXT NOT NULL,
	ts		INTEGER NOT NULL,
	value		REAL
);
CREATE INDEX IF NOT EXISTS history_series
    ON history (host_id, metric, subject, ts);

-- Fleet-wide curves, one point per minute (ts: the minute's start, epoch
-- seconds): queued_total and unread_total sampled from fleet, and
-- open_findings per severity (subject) from finding_counts (open
-- (host, code) pairs), by the writer (collector/store/fleet_history.c);
-- syserr is the SYSERR lines of the reports received in that minute,
-- added by each report.  Retention as for history.
CREATE TABLE IF NOT EXISTS fleet_history (
	id		INTEGER PRIMARY KEY,
	metric		TEXT NOT NULL,
	subject		TEXT NOT NULL,
	ts		INTEGER NOT NULL,
	value		REAL NOT NULL,
	UNIQUE (metric, subject, ts)
);
CREATE INDEX IF NOT EXISTS fleet_history_ts ON fleet_history (ts);

-- Label curves (schema version 5, /api/v1/history?label=): per label
-- (key, value) and minute (ts: the minute's start), for the four fleet
-- metrics (queued_total, unread_total, syserr, open_findings per
-- severity), the sum over the hosts whose report carried that label of
-- each host's largest point of that minute.  Kept by history_label at
-- every history row (so a host counts under the labels it had when it
-- reported); retention as for history.
CREATE TABLE IF NOT EXISTS label_history (
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	metric		TEXT NOT NULL,
	subject		TEXT NOT NULL,
	ts		INTEGER NOT NULL,
	total		REAL NOT NULL,
	PRIMARY KEY (key, value, metric, subject, ts)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS label_history_ts ON label_history (ts);
-- a point adds what it raises its host's largest of the minute by (all
-- of it when it is the host's first of the minute) to each of the
-- host's labels; a host without labels skips the search for its largest
-- (it reads every point of the minute so far: a host that sends many
-- reports in one minute pays for each of them)
CREATE TRIGGER IF NOT EXISTS history_label AFTER INSERT ON history
WHEN new.value IS NOT NULL AND new.metric IN ('queued_total',
    'unread_total', 'syserr', 'open_findings') AND
    EXISTS (SELECT 1 FROM host_labels WHERE host_id = new.host_id) BEGIN
	INSERT INTO label_history (key, value, metric, subject, ts, total)
	SELECT hl.key, hl.value, new.metric, new.subject, new.ts - new.ts % 60,
	    d.delta
	FROM (SELECT CASE WHEN p.m IS NULL THEN new.value
	          WHEN new.value > p.m THEN new.value - p.m END AS delta
	      FROM (SELECT max(value) AS m FROM history
	          WHERE host_id = new.host_id AND metric = new.metric
	          AND subject = new.subject AND ts >= new.ts - new.ts % 60
	          AND ts < new.ts - new.ts % 60 + 60 AND id <> new.id) p) d,
	    host_labels hl
	WHERE d.delta IS NOT NULL AND hl.host_id = new.host_id
	ON CONFLICT (key, value, metric, subject, ts) DO UPDATE SET
	    total = total + excluded.total;
END;

-- Findings: one row per occurrence of (host, code, subject).  While open
-- (resolved_at NULL) there is exactly one; a report from that host that no
-- longer carries it resolves it; if it comes back, a new row opens.
CREATE TABLE IF NOT EXISTS findings (
	id		INTEGER PRIMARY KEY,
	host_id		INTEGER NOT NULL,
	code		TEXT NOT NULL,
	subject		TEXT NOT NULL,
	severity	TEXT NOT NULL,
	message		TEXT,
	evidence	TEXT,			-- JSON
	remedy		TEXT,
	first_seen	INTEGER NOT NULL,
	last_seen	INTEGER NOT NULL,
	last_report	INTEGER NOT NULL,	-- reports.id that last carried it
	resolved_at	INTEGER,
	-- caused_by as the report gave it (both NULL when it had none), and
	-- 1 when that cause was a finding of the same report, open with it,
	-- and no symptom itself (collector/store/incident.c)
	cause_code	TEXT,
	cause_subject	TEXT,
	symptom		INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS findings_open
    ON findings (host_id, code, subject) WHERE resolved_at IS NULL;
CREATE INDEX IF NOT EXISTS findings_open_code
    ON findings (code, severity, host_id) WHERE resolved_at IS NULL;
CREATE INDEX IF NOT EXISTS findings_resolved
    ON findings (resolved_at) WHERE resolved_at IS NOT NULL;
-- the read API's lists: a host's findings, a code's, newest first
CREATE INDEX IF NOT EXISTS findings_host ON findings (host_id, id);
CREATE INDEX IF NOT EXISTS findings_code ON findings (code, id);
-- (PostgreSQL also has findings_code_host (code, host_id, id), schema
-- version 5, for its merge join of findings?code=&label=; SQLite's
-- planner took it for that list's walk in id order and sorted all of a
-- code's findings: not here)

-- Open findings per (code, severity): how many distinct hosts, kept by
-- the triggers below so that the summary does not group the findings.
CREATE TABLE IF NOT EXISTS finding_counts (
	code		TEXT NOT NULL,
	severity	TEXT NOT NULL,
	hosts		INTEGER NOT NULL,
	symptoms	INTEGER NOT NULL DEFAULT 0,	-- open findings here that are symptoms
	PRIMARY KEY (code, severity)
) WITHOUT ROWID;

-- A host joins (code, severity) with its first open finding there ...
CREATE TRIGGER IF NOT EXISTS findings_open AFTER INSERT ON findings
    WHEN new.resolved_at IS NULL AND (SELECT count(*) FROM findings WHERE
	code = new.code AND severity = new.severity AND
	host_id = new.host_id AND resolved_at IS NULL) = 1 BEGIN
	INSERT INTO finding_counts (code, severity, hosts)
	VALUES (new.code, new.severity, 1)
	ON CONFLICT (code, severity) DO UPDATE SET hosts = hosts + 1;
	INSERT INTO label_findings (key, value, code, severity, hosts)
	SELECT key, value, new.code, new.severity, 1 FROM host_labels
	WHERE host_id = new.host_id
	ON CONFLICT (key, value, code, severity) DO UPDATE
	    SET hosts = hosts + 1;
END;
-- ... and leaves it when its last one there is resolved ...
CREATE TRIGGER IF NOT EXISTS findings_resolve AFTER UPDATE OF resolved_at
    ON findings WHEN old.resolved_at IS NULL AND new.resolved_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM findings WHERE code = old.code AND
	severity = old.severity AND host_id = old.host_id AND
	resolved_at IS NULL) BEGIN
	UPDATE finding_counts SET hosts = hosts - 1
	WHERE code = old.code AND severity = old.severity;
	UPDATE label_findings SET hosts = hosts - 1
	WHERE (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = old.host_id) AND code = old.code AND severity = old.severity;
END;
-- ... or when an open finding changes severity.
CREATE TRIGGER IF NOT EXISTS findings_severity AFTER UPDATE OF severity
    ON findings WHEN old.resolved_at IS NULL AND new.resolved_at IS NULL
    AND old.severity <> new.severity BEGIN
	UPDATE finding_counts SET hosts = hosts - 1
	WHERE code = old.code AND severity = old.severity AND NOT EXISTS (
	    SELECT 1 FROM findings WHERE code = old.code AND
	    severity = old.severity AND host_id = old.host_id AND
	    resolved_at IS NULL);
	INSERT INTO finding_counts (code, severity, hosts)
	SELECT new.code, new.severity, 1 WHERE (SELECT count(*) FROM findings
	    WHERE code = new.code AND severity = new.severity AND
	    host_id = new.host_id AND resolved_at IS NULL) = 1
	ON CONFLICT (code, severity) DO UPDATE SET hosts = hosts + 1;
	UPDATE label_findings SET hosts = hosts - 1
	WHERE (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = old.host_id) AND code = old.code AND severity = old.severity AND
	    NOT EXISTS (SELECT 1 FROM findings WHERE code = old.code AND
	    severity = old.severity AND host_id = old.host_id AND
	    resolved_at IS NULL);
	INSERT INTO label_findings (key, value, code, severity, hosts)
	SELECT key, value, new.code, new.severity, 1 FROM host_labels
	WHERE host_id = new.host_id AND (SELECT count(*) FROM findings
	    WHERE code = new.code AND severity = new.severity AND
	    host_id = new.host_id AND resolved_at IS NULL) = 1
	ON CONFLICT (key, value, code, severity) DO UPDATE
	    SET hosts = hosts + 1;
END;
-- Incidents: an open finding that is not a symptom is the cause of one
-- incident.  Per severity, how many causes are open and on how many
-- hosts; the row of severity '' counts every severity.  Kept by the
-- triggers below, each of which takes the old row out and puts the new
-- one in; finding_counts.symptoms counts the open symptoms per (code,
-- severity) the same way.
CREATE TABLE IF NOT EXISTS incident_counts (
	severity	TEXT PRIMARY KEY,
	causes		INTEGER NOT NULL,
	hosts		INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS incidents_in AFTER INSERT ON findings
    WHEN new.resolved_at IS NULL BEGIN
	INSERT INTO incident_counts (severity, causes, hosts)
	SELECT s.sev, 1, NOT EXISTS (SELECT 1 FROM findings WHERE
	    host_id = new.host_id AND resolved_at IS NULL AND symptom = 0 AND
	    id <> new.id AND (s.sev = '' OR severity = s.sev))
	FROM (SELECT new.severity AS sev UNION ALL SELECT '') s
	WHERE new.symptom = 0
	ON CONFLICT (severity) DO UPDATE SET causes = causes + 1,
	    hosts = hosts + excluded.hosts;
	INSERT INTO finding_counts (code, severity, hosts, symptoms)
	SELECT new.code, new.severity, 0, 1 WHERE new.symptom = 1
	ON CONFLICT (code, severity) DO UPDATE SET symptoms = symptoms + 1;
	INSERT INTO label_incidents (key, value, severity, causes, hosts)
	SELECT l.key, l.value, s.sev, 1, NOT EXISTS (SELECT 1 FROM findings
	    WHERE host_id = new.host_id AND resolved_at IS NULL AND
	    symptom = 0 AND id <> new.id AND (s.sev = '' OR severity = s.sev))
	FROM host_labels l, (SELECT new.severity AS sev UNION ALL SELECT '') s
	WHERE l.host_id = new.host_id AND new.symptom = 0
	ON CONFLICT (key, value, severity) DO UPDATE SET causes = causes + 1,
	    hosts = hosts + excluded.hosts;
	INSERT INTO label_findings (key, value, code, severity, hosts,
	    symptoms)
	SELECT key, value, new.code, new.severity, 0, 1 FROM host_labels
	WHERE host_id = new.host_id AND new.symptom = 1
	ON CONFLICT (key, value, code, severity) DO UPDATE
	    SET symptoms = symptoms + 1;
END;
CREATE TRIGGER IF NOT EXISTS incidents_out AFTER UPDATE OF resolved_at,
    severity, symptom ON findings WHEN old.resolved_at IS NULL BEGIN
	UPDATE incident_counts SET causes = causes - 1,
	    hosts = hosts - NOT EXISTS (SELECT 1 FROM findings WHERE
		host_id = old.host_id AND resolved_at IS NULL AND symptom = 0 AND
		id <> old.id AND (incident_counts.severity = '' OR
		severity = incident_counts.severity))
	WHERE old.symptom = 0 AND severity IN (old.severity, '');
	UPDATE finding_counts SET symptoms = symptoms - 1
	WHERE old.symptom = 1 AND code = old.code AND severity = old.severity;
	UPDATE label_incidents SET causes = causes - 1,
	    hosts = hosts - NOT EXISTS (SELECT 1 FROM findings WHERE
		host_id = old.host_id AND resolved_at IS NULL AND symptom = 0 AND
		id <> old.id AND (label_incidents.severity = '' OR
		severity = label_incidents.severity))
	WHERE old.symptom = 0 AND (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = old.host_id) AND severity IN (old.severity, '');
	UPDATE label_findings SET symptoms = symptoms - 1
	WHERE old.symptom = 1 AND (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = old.host_id) AND code = old.code AND
	    severity = old.severity;
END;
CREATE TRIGGER IF NOT EXISTS incidents_back AFTER UPDATE OF resolved_at,
    severity, symptom ON findings WHEN new.resolved_at IS NULL BEGIN
	INSERT INTO incident_counts (severity, causes, hosts)
	SELECT s.sev, 1, NOT EXISTS (SELECT 1 FROM findings WHERE
	    host_id = new.host_id AND resolved_at IS NULL AND symptom = 0 AND
	    id <> new.id AND (s.sev = '' OR severity = s.sev))
	FROM (SELECT new.severity AS sev UNION ALL SELECT '') s
	WHERE new.symptom = 0
	ON CONFLICT (severity) DO UPDATE SET causes = causes + 1,
	    hosts = hosts + excluded.hosts;
	INSERT INTO finding_counts (code, severity, hosts, symptoms)
	SELECT new.code, new.severity, 0, 1 WHERE new.symptom = 1
	ON CONFLICT (code, severity) DO UPDATE SET symptoms = symptoms + 1;
	INSERT INTO label_incidents (key, value, severity, causes, hosts)
	SELECT l.key, l.value, s.sev, 1, NOT EXISTS (SELECT 1 FROM findings
	    WHERE host_id = new.host_id AND resolved_at IS NULL AND
	    symptom = 0 AND id <> new.id AND (s.sev = '' OR severity = s.sev))
	FROM host_labels l, (SELECT new.severity AS sev UNION ALL SELECT '') s
	WHERE l.host_id = new.host_id AND new.symptom = 0
	ON CONFLICT (key, value, severity) DO UPDATE SET causes = causes + 1,
	    hosts = hosts + excluded.hosts;
	INSERT INTO label_findings (key, value, code, severity, hosts,
	    symptoms)
	SELECT key, value, new.code, new.severity, 0, 1 FROM host_labels
	WHERE host_id = new.host_id AND new.symptom = 1
	ON CONFLICT (key, value, code, severity) DO UPDATE
	    SET symptoms = symptoms + 1;
END;
CREATE TRIGGER IF NOT EXISTS incidents_gone AFTER DELETE ON findings
    WHEN old.resolved_at IS NULL BEGIN
	UPDATE incident_counts SET causes = causes - 1,
	    hosts = hosts - NOT EXISTS (SELECT 1 FROM findings WHERE
		host_id = old.host_id AND resolved_at IS NULL AND symptom = 0 AND
		(incident_counts.severity = '' OR
		severity = incident_counts.severity))
	WHERE old.symptom = 0 AND severity IN (old.severity, '');
	UPDATE finding_counts SET symptoms = symptoms - 1
	WHERE old.symptom = 1 AND code = old.code AND severity = old.severity;
	UPDATE label_incidents SET causes = causes - 1,
	    hosts = hosts - NOT EXISTS (SELECT 1 FROM findings WHERE
		host_id = old.host_id AND resolved_at IS NULL AND symptom = 0 AND
		(label_incidents.severity = '' OR
		severity = label_incidents.severity))
	WHERE old.symptom = 0 AND (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = old.host_id) AND severity IN (old.severity, '');
	UPDATE label_findings SET symptoms = symptoms - 1
	WHERE old.symptom = 1 AND (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = old.host_id) AND code = old.code AND
	    severity = old.severity;
END;

-- Filled once from the open findings if the table is new on an old
-- database (every finding a cause until its host reports again).
INSERT INTO incident_counts (severity, causes, hosts)
SELECT severity, count(*), count(DISTINCT host_id) FROM findings
WHERE resolved_at IS NULL AND symptom = 0 AND
    NOT EXISTS (SELECT 1 FROM incident_counts)
GROUP BY severity
UNION ALL
SELECT '', count(*), count(DISTINCT host_id) FROM findings
WHERE resolved_at IS NULL AND symptom = 0 AND
    NOT EXISTS (SELECT 1 FROM incident_counts)
HAVING count(*) > 0;

-- Filled once from the findings if the table is new on an old database.
INSERT INTO finding_counts (code, severity, hosts)
SELECT code, severity, count(DISTINCT host_id) FROM findings
WHERE resolved_at IS NULL AND NOT EXISTS (SELECT 1 FROM finding_counts)
GROUP BY code, severity;

-- Grouped remedies (GET /api/v1/remedies; schema version 5): each
-- (code, remedy) an open finding had, once (remedies, never deleted);
-- one row per open finding with a remedy (remedy_findings), with its
-- host's name, so that a group's hosts come from an index in name order
-- and its first finding is the index's first; per group and severity
-- the hosts with such a finding ('' every severity: remedy_counts).
-- Kept by the triggers below: a finding's row leaves when it resolves
-- or its severity or remedy changes, and comes back as it is now.
CREATE TABLE IF NOT EXISTS remedies (
	id		INTEGER PRIMARY KEY,
	code		TEXT NOT NULL,
	remedy		TEXT NOT NULL,
	UNIQUE (code, remedy)
);
CREATE TABLE IF NOT EXISTS remedy_findings (
	finding_id	INTEGER PRIMARY KEY,
	remedy_id	INTEGER NOT NULL,
	severity	TEXT NOT NULL,
	host_id		INTEGER NOT NULL,
	name		TEXT NOT NULL		-- hosts.name
);
CREATE INDEX IF NOT EXISTS remedy_findings_first
    ON remedy_findings (remedy_id, finding_id);
CREATE INDEX IF NOT EXISTS remedy_findings_names
    ON remedy_findings (remedy_id, name);
CREATE INDEX IF NOT EXISTS remedy_findings_sev_names
    ON remedy_findings (remedy_id, severity, name);
CREATE TABLE IF NOT EXISTS remedy_counts (
	remedy_id	INTEGER NOT NULL,
	severity	TEXT NOT NULL,		-- '': every severity
	hosts		INTEGER NOT NULL,
	PRIMARY KEY (remedy_id, severity)
) WITHOUT ROWID;
-- per group and severity ('' every severity), its hosts' labels
-- (label=KEY:VALUE: the group's hosts with it in name order, and how
-- many), kept with the host's membership and with host_labels
CREATE TABLE IF NOT EXISTS remedy_label_hosts (
	remedy_id	INTEGER NOT NULL,
	severity	TEXT NOT NULL,
	host_id		INTEGER NOT NULL,
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	name		TEXT NOT NULL,
	PRIMARY KEY (remedy_id, severity, host_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS remedy_label_hosts_names
    ON remedy_label_hosts (remedy_id, severity, key, value, name);
CREATE INDEX IF NOT EXISTS remedy_findings_host
    ON remedy_findings (host_id, remedy_id);
-- per group and label, the hosts (remedy_label_hosts' rows)
CREATE TABLE IF NOT EXISTS remedy_label_counts (
	remedy_id	INTEGER NOT NULL,
	severity	TEXT NOT NULL,
	key		TEXT NOT NULL,
	value		TEXT NOT NULL,
	hosts		INTEGER NOT NULL,
	PRIMARY KEY (remedy_id, severity, key, value)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS remedy_label_counts_in AFTER INSERT
    ON remedy_label_hosts BEGIN
	INSERT INTO remedy_label_counts (remedy_id, severity, key, value,
	    hosts)
	VALUES (new.remedy_id, new.severity, new.key, new.value, 1)
	ON CONFLICT (remedy_id, severity, key, value) DO UPDATE
	    SET hosts = hosts + 1;
END;
CREATE TRIGGER IF NOT EXISTS remedy_label_counts_out AFTER DELETE
    ON remedy_label_hosts BEGIN
	UPDATE remedy_label_counts SET hosts = hosts - 1
	WHERE remedy_id = old.remedy_id AND severity = old.severity AND
	    key = old.key AND value = old.value;
END;
CREATE TRIGGER IF NOT EXISTS remedy_label_counts_upd AFTER UPDATE OF value
    ON remedy_label_hosts WHEN old.value <> new.value BEGIN
	UPDATE remedy_label_counts SET hosts = hosts - 1
	WHERE remedy_id = old.remedy_id AND severity = old.severity AND
	    key = old.key AND value = old.value;
	INSERT INTO remedy_label_counts (remedy_id, severity, key, value,
	    hosts)
	VALUES (new.remedy_id, new.severity, new.key, new.value, 1)
	ON CONFLICT (remedy_id, severity, key, value) DO UPDATE
	    SET hosts = hosts + 1;
END;

CREATE TRIGGER IF NOT EXISTS remedies_open AFTER INSERT ON findings
    WHEN new.resolved_at IS NULL AND new.remedy <> '' BEGIN
	INSERT INTO remedies (code, remedy) VALUES (new.code, new.remedy)
	ON CONFLICT (code, remedy) DO NOTHING;
	INSERT INTO remedy_findings (finding_id, remedy_id, severity, host_id,
	    name)
	SELECT new.id, r.id, new.severity, new.host_id, h.name
	FROM remedies r, hosts h WHERE r.code = new.code AND
	    r.remedy = new.remedy AND h.id = new.host_id;
END;
-- one trigger (SQLite's order among triggers is not defined): out first
CREATE TRIGGER IF NOT EXISTS remedies_move AFTER UPDATE OF resolved_at,
    severity, remedy ON findings WHEN (old.resolved_at IS NULL AND
    old.remedy <> '' OR new.resolved_at IS NULL AND new.remedy <> '') AND
    (new.resolved_at IS NOT old.resolved_at OR
    new.severity <> old.severity OR new.remedy IS NOT old.remedy) BEGIN
	DELETE FROM remedy_findings WHERE finding_id = old.id;
	INSERT INTO remedies (code, remedy) SELECT new.code, new.remedy
	WHERE new.resolved_at IS NULL AND new.remedy <> ''
	ON CONFLICT (code, remedy) DO NOTHING;
	INSERT INTO remedy_findings (finding_id, remedy_id, severity, host_id,
	    name)
	SELECT new.id, r.id, new.severity, new.host_id, h.name
	FROM remedies r, hosts h WHERE new.resolved_at IS NULL AND
	    r.code = new.code AND r.remedy = new.remedy AND h.id = new.host_id;
END;
CREATE TRIGGER IF NOT EXISTS remedies_gone AFTER DELETE ON findings
    WHEN old.resolved_at IS NULL AND old.remedy <> '' BEGIN
	DELETE FROM remedy_findings WHERE finding_id = old.id;
END;
-- a host joins a group (and its severity) with its first finding there
-- and leaves it with its last
CREATE TRIGGER IF NOT EXISTS remedy_hosts_in AFTER INSERT ON remedy_findings
    BEGIN
	INSERT INTO remedy_counts (remedy_id, severity, hosts)
	SELECT new.remedy_id, '', 1 WHERE NOT EXISTS (SELECT 1 FROM
	    remedy_findings WHERE remedy_id = new.remedy_id AND
	    name = new.name AND finding_id <> new.finding_id)
	ON CONFLICT (remedy_id, severity) DO UPDATE SET hosts = hosts + 1;
	INSERT INTO remedy_counts (remedy_id, severity, hosts)
	SELECT new.remedy_id, new.severity, 1 WHERE NOT EXISTS (SELECT 1 FROM
	    remedy_findings WHERE remedy_id = new.remedy_id AND
	    severity = new.severity AND name = new.name AND
	    finding_id <> new.finding_id)
	ON CONFLICT (remedy_id, severity) DO UPDATE SET hosts = hosts + 1;
	-- the host's labels for the group and the severity (ignored where
	-- it had them)
	INSERT INTO remedy_label_hosts (remedy_id, severity, host_id, key,
	    value, name)
	SELECT new.remedy_id, s.sev, new.host_id, l.key, l.value, new.name
	FROM host_labels l, (SELECT '' AS sev UNION ALL
	    SELECT new.severity) s WHERE l.host_id = new.host_id
	ON CONFLICT (remedy_id, severity, host_id, key) DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS remedy_hosts_out AFTER DELETE ON remedy_findings
    BEGIN
	UPDATE remedy_counts SET hosts = hosts - 1
	WHERE remedy_id = old.remedy_id AND (severity = '' AND NOT EXISTS (
	    SELECT 1 FROM remedy_findings WHERE remedy_id = old.remedy_id AND
	    name = old.name) OR severity = old.severity AND NOT EXISTS (
	    SELECT 1 FROM remedy_findings WHERE remedy_id = old.remedy_id AND
	    severity = old.severity AND name = old.name));
	DELETE FROM remedy_label_hosts WHERE remedy_id = old.remedy_id AND
	    severity IN ('', old.severity) AND host_id = old.host_id AND
	    NOT EXISTS (SELECT 1 FROM remedy_findings WHERE
	    remedy_id = old.remedy_id AND name = old.name AND
	    (remedy_label_hosts.severity = '' OR
	    severity = remedy_label_hosts.severity));
END;
-- a host's labels are deleted and inserted again when they change
CREATE TRIGGER IF NOT EXISTS remedy_labels_in AFTER INSERT ON host_labels
    BEGIN
	INSERT INTO remedy_label_hosts (remedy_id, severity, host_id, key,
	    value, name)
	SELECT e.remedy_id, e.severity, new.host_id, new.key, new.value, e.name
	FROM remedy_findings e WHERE e.host_id = new.host_id
	UNION
	SELECT e.remedy_id, '', new.host_id, new.key, new.value, e.name
	FROM remedy_findings e WHERE e.host_id = new.host_id
	ON CONFLICT (remedy_id, severity, host_id, key) DO UPDATE SET
	    value = excluded.value;
END;
CREATE TRIGGER IF NOT EXISTS remedy_labels_out AFTER DELETE ON host_labels
    BEGIN
	DELETE FROM remedy_label_hosts WHERE (remedy_id, severity) IN (
	    SELECT remedy_id, severity FROM remedy_findings
	    WHERE host_id = old.host_id UNION
	    SELECT remedy_id, '' FROM remedy_findings
	    WHERE host_id = old.host_id) AND host_id = old.host_id AND
	    key = old.key;
END;
-- Fleet mail totals (one row), kept by triggers on hosts.
CREATE TABLE IF NOT EXISTS fleet (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	queued		INTEGER NOT NULL,
	unread		INTEGER NOT NULL,
	hosts_with_queued INTEGER NOT NULL
);
INSERT OR IGNORE INTO fleet (id, queued, unread, hosts_with_queued)
SELECT 1, coalesce(sum(queued_total), 0), coalesce(sum(unread_total), 0),
    coalesce(sum(queued_total > 0), 0) FROM hosts;
-- (and label_fleet, whose mta_down moves the fleet's not: the summary
-- counts the fleet's MTAs down by the partial index hosts_mta_down)
CREATE TRIGGER IF NOT EXISTS hosts_mail_ins AFTER INSERT ON hosts BEGIN
	UPDATE fleet SET queued = queued + new.queued_total,
	    unread = unread + new.unread_total,
	    hosts_with_queued = hosts_with_queued + (new.queued_total > 0)
	WHERE id = 1;
	UPDATE label_fleet SET hosts = hosts + 1,
	    queued = queued + new.queued_total,
	    unread = unread + new.unread_total,
	    hosts_with_queued = hosts_with_queued + (new.queued_total > 0),
	    mta_down = mta_down + new.mta_down
	WHERE (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = new.id);
END;
CREATE TRIGGER IF NOT EXISTS hosts_mail_upd AFTER UPDATE OF queued_total,
    unread_total, mta_down ON hosts WHEN old.queued_total <> new.queued_total
    OR old.unread_total <> new.unread_total OR old.mta_down <> new.mta_down
    BEGIN
	UPDATE fleet SET queued = queued - old.queued_total + new.queued_total,
	    unread = unread - old.unread_total + new.unread_total,
	    hosts_with_queued = hosts_with_queued - (old.queued_total > 0) +
		(new.queued_total > 0)
	WHERE id = 1 AND (old.queued_total <> new.queued_total OR
	    old.unread_total <> new.unread_total);
	UPDATE label_fleet SET
	    queued = queued - old.queued_total + new.queued_total,
	    unread = unread - old.unread_total + new.unread_total,
	    hosts_with_queued = hosts_with_queued - (old.queued_total > 0) +
		(new.queued_total > 0),
	    mta_down = mta_down - old.mta_down + new.mta_down
	WHERE (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = new.id);
END;
CREATE TRIGGER IF NOT EXISTS hosts_mail_del AFTER DELETE ON hosts BEGIN
	UPDATE fleet SET queued = queued - old.queued_total,
	    unread = unread - old.unread_total,
	    hosts_with_queued = hosts_with_queued - (old.queued_total > 0)
	WHERE id = 1;
	UPDATE label_fleet SET hosts = hosts - 1,
	    queued = queued - old.queued_total,
	    unread = unread - old.unread_total,
	    hosts_with_queued = hosts_with_queued - (old.queued_total > 0),
	    mta_down = mta_down - old.mta_down
	WHERE (key, value) IN (SELECT key, value FROM host_labels WHERE host_id = old.id);
END;

-- A label of a host in (out): the host's share of every label aggregate
-- moves into (out of) its (key, value).
CREATE TRIGGER IF NOT EXISTS host_labels_in AFTER INSERT ON host_labels
    BEGIN
	INSERT INTO label_fleet (key, value, hosts, queued, unread,
	    hosts_with_queued, mta_down)
	SELECT new.key, new.value, 1, queued_total, unread_total,
	    queued_total > 0, mta_down FROM hosts WHERE id = new.host_id
	ON CONFLICT (key, value) DO UPDATE SET hosts = hosts + 1,
	    queued = queued + excluded.queued,
	    unread = unread + excluded.unread,
	    hosts_with_queued = hosts_with_queued + excluded.hosts_with_queued,
	    mta_down = mta_down + excluded.mta_down;
	INSERT INTO label_findings (key, value, code, severity, hosts,
	    symptoms)
	SELECT new.key, new.value, code, severity, 1, sum(symptom)
	FROM findings WHERE host_id = new.host_id AND resolved_at IS NULL
	GROUP BY code, severity
	ON CONFLICT (key, value, code, severity) DO UPDATE
	    SET hosts = hosts + 1, symptoms = symptoms + excluded.symptoms;
	INSERT INTO label_incidents (key, value, severity, causes, hosts)
	SELECT new.key, new.value, sev, count(*), 1 FROM (
	    SELECT severity AS sev FROM findings WHERE host_id = new.host_id
	    AND resolved_at IS NULL AND symptom = 0
	    UNION ALL SELECT '' FROM findings WHERE host_id = new.host_id
	    AND resolved_at IS NULL AND symptom = 0)
	WHERE true GROUP BY sev
	ON CONFLICT (key, value, severity) DO UPDATE
	    SET causes = causes + excluded.causes, hosts = hosts + 1;
	INSERT INTO label_sigs (key, value, signature, kind, hosts, count,
	    last_ts)
	SELECT new.key, new.value, signature, kind, 1, count, last_ts
	FROM event_sigs WHERE host_id = new.host_id
	ON CONFLICT (key, value, signature) DO UPDATE SET hosts = hosts + 1,
	    count = count + excluded.count,
	    last_ts = max(coalesce(last_ts, 0), coalesce(excluded.last_ts, 0));
	INSERT INTO label_cron (key, value, command, hosts, inbox, unread,
	    queued)
	SELECT new.key, new.value, command, 1, inbox, unread, queued
	FROM mail_cron WHERE host_id = new.host_id
	ON CONFLICT (key, value, command) DO UPDATE SET hosts = hosts + 1,
	    inbox = inbox + excluded.inbox, unread = unread + excluded.unread,
	    queued = queued + excluded.queued;
END;
CREATE TRIGGER IF NOT EXISTS host_labels_out AFTER DELETE ON host_labels
    BEGIN
	UPDATE label_fleet SET hosts = label_fleet.hosts - 1,
	    queued = label_fleet.queued - h.queued_total,
	    unread = label_fleet.unread - h.unread_total,
	    hosts_with_queued = label_fleet.hosts_with_queued - (h.queued_total > 0),
	    mta_down = label_fleet.mta_down - h.mta_down
	FROM hosts h WHERE h.id = old.host_id AND key = old.key AND
	    value = old.value;
	DELETE FROM label_fleet WHERE key = old.key AND value = old.value AND
	    hosts <= 0;
	UPDATE label_findings SET hosts = label_findings.hosts - 1,
	    symptoms = label_findings.symptoms - x.symptoms
	FROM (SELECT code, severity, sum(symptom) AS symptoms FROM findings
	    WHERE host_id = old.host_id AND resolved_at IS NULL
	    GROUP BY code, severity) x
	WHERE key = old.key AND value = old.value AND
	    label_findings.code = x.code AND label_findings.severity = x.severity;
	UPDATE label_incidents SET causes = label_incidents.causes - x.causes,
	    hosts = label_incidents.hosts - 1
	FROM (SELECT sev, count(*) AS causes FROM (
	    SELECT severity AS sev FROM findings WHERE host_id = old.host_id
	    AND resolved_at IS NULL AND symptom = 0
	    UNION ALL SELECT '' FROM findings WHERE host_id = old.host_id
	    AND resolved_at IS NULL AND symptom = 0) GROUP BY sev) x
	WHERE key = old.key AND value = old.value AND
	    label_incidents.severity = x.sev;
	UPDATE label_sigs SET hosts = label_sigs.hosts - 1,
	    count = label_sigs.count - e.count
	FROM event_sigs e WHERE e.host_id = old.host_id AND key = old.key AND
	    value = old.value AND label_sigs.signature = e.signature;
	DELETE FROM label_sigs WHERE key = old.key AND value = old.value AND
	    hosts <= 0;
	UPDATE label_cron SET hosts = label_cron.hosts - 1,
	    inbox = label_cron.inbox - m.inbox,
	    unread = label_cron.unread - m.unread,
	    queued = label_cron.queued - m.queued
	FROM mail_cron m WHERE m.host_id = old.host_id AND key = old.key AND
	    value = old.value AND label_cron.command = m.command;
	DELETE FROM label_cron WHERE key = old.key AND value = old.value AND
	    hosts <= 0;
END;

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
	-- host.labels (JSON) it first fired with: its re-sends and its
	-- resolve carry them (NULL before schema version 3)
	labels		TEXT,
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
CREATE INDEX IF NOT EXISTS notify_queue_due ON notify_queue (target, next_at);
-- "anything of this finding still waiting?" (the scan, delivery order)
CREATE INDEX IF NOT EXISTS notify_queue_finding
    ON notify_queue (target, finding_id, id);
