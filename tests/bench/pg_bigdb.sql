-- pg_bigdb.sql - the read benchmark's data set on PostgreSQL, the same
-- rows as loadgen's bigdb writes into SQLite (tests/bench/loadgen.c), made
-- with INSERT ... SELECT generate_series, then bigdb_extra.sql (labels,
-- symptoms, curves) as on SQLite.  psql variables: hosts, events, now
-- (epoch seconds).  Run on a database the collector created (its
-- schema, trigger functions keep the aggregates).
\set ON_ERROR_STOP 1
BEGIN;
-- the row triggers that keep fleet, cron_fleet and sig_fleet would update
-- the same few rows hundreds of thousands of times in one transaction (a
-- chain of row versions walked at every update): off for the load, the
-- aggregates computed once at the end instead
ALTER TABLE hosts DISABLE TRIGGER hosts_fleet_ins;
ALTER TABLE mail_cron DISABLE TRIGGER mail_cron_fleet;
ALTER TABLE event_sigs DISABLE TRIGGER event_sigs_fleet;
INSERT INTO hosts (id, name, os, kernel, agent_version, first_seen,
    last_seen, collected_at, state_order, interval_s, reports,
    last_report_id, mta_kind, mta_running, mta_listening, mta_down,
    queued_total, unread_total, open_critical, open_warning, open_info)
SELECT i, 'host' || lpad(i::text, 6, '0') || '.example.com', 'RHEL 5',
    '2.6.18', '0.1.0', :now - 86400 * 30,
    CASE WHEN i % 100 <> 0 THEN :now - i % 60 ELSE :now - 86400 END,
    CASE WHEN i % 100 <> 0 THEN :now - i % 60 ELSE :now - 86400 END,
    CASE WHEN i % 100 <> 0 THEN :now - i % 60 ELSE :now - 86400 END,
    60, 1000, 'x', 'sendmail', (i % 50 <> 0)::int, (i % 50 <> 0)::int,
    (i % 50 = 0)::int, i % 7, i % 13 * 10, (i % 4 > 0)::int,
    CASE WHEN i % 4 > 1 THEN i % 4 - 1 ELSE 0 END, 0
FROM generate_series(1, :hosts) i;
SELECT setval(pg_get_serial_sequence('hosts', 'id'), :hosts);
INSERT INTO host_state (host_id, hash, state)
SELECT i, i, '{"spools":[],"filesystems":[],"mta":{"kind":"sendmail",'
    || '"daemon_running":' || CASE WHEN i % 50 = 0 THEN 'false' ELSE 'true'
    END || '},"mail":null,"errors":[]}'
FROM generate_series(1, :hosts) i;
INSERT INTO findings (host_id, code, subject, severity, message, evidence,
    remedy, first_seen, last_seen, last_report)
SELECT i, (ARRAY['spool.permissions', 'spool.not_writable_by_mta',
    'fs.inodes_high', 'mta.down', 'log.syserr', 'mail.unread_root',
    'spool.bloated_dir', 'mail.undelivered'])[(i + k) % 8 + 1],
    '/var/spool/clientmqueue', (ARRAY['critical', 'warning', 'info'])[k % 3 + 1],
    'm', '{}', 'r', :now - (i % 1000) * 3600, :now - i % 60, 1
FROM generate_series(1, :hosts) i, generate_series(0, 2) k WHERE k < i % 4;
INSERT INTO filesystems (host_id, mount, device, fstype, inodes_total,
    inodes_used, inodes_free, inodes_used_pct, bytes_total, bytes_free)
SELECT i, CASE WHEN k = 1 THEN '/var' ELSE '/' END, '/dev/sda1', 'ext3',
    1000000, (i * 7919 + k) % 999999, 1000000 - (i * 7919 + k) % 999999,
    ((i * 7919 + k) % 999999) / 10000.0, 1, 1
FROM generate_series(1, :hosts) i, generate_series(0, 1) k;
INSERT INTO mail_cron (host_id, command, "user", unread, queued, last_ts)
SELECT i, '/usr/local/bin/job' || ((i * (k + 3)) % 500) || '.sh', 'root',
    i % 17, k, :now - i % 3600
FROM generate_series(1, :hosts) i, generate_series(0, 1) k
ON CONFLICT DO NOTHING;
INSERT INTO event_sigs (signature, host_id, kind, count, last_ts)
SELECT 'SYSERR(root): signature ' || ((i * (k + 1)) % 200)
    || ': Permission denied', i, 'syserr', 1 + i % 40, :now - i % 3600
FROM generate_series(1, :hosts) i, generate_series(0, 2) k
ON CONFLICT DO NOTHING;
-- the aggregates are delta rows per writer (schema version 3; fleet's
-- hosts from version 4): the whole set is part 0
DELETE FROM fleet_part;
INSERT INTO fleet_part (part, queued, unread, hosts_with_queued, hosts)
SELECT 0, coalesce(sum(queued_total), 0), coalesce(sum(unread_total), 0),
    count(*) FILTER (WHERE queued_total > 0), count(*) FROM hosts;
DELETE FROM cron_fleet_part;
INSERT INTO cron_fleet_part (command, part, hosts, inbox, unread, queued)
SELECT command, 0, count(*), sum(inbox), sum(unread), sum(queued)
FROM mail_cron GROUP BY command;
DELETE FROM sig_fleet_part;
INSERT INTO sig_fleet_part (signature, part, kind, hosts, count, last_ts)
SELECT signature, 0, min(kind), count(*), sum(count), max(last_ts)
FROM event_sigs GROUP BY signature;
ALTER TABLE hosts ENABLE TRIGGER hosts_fleet_ins;
ALTER TABLE mail_cron ENABLE TRIGGER mail_cron_fleet;
ALTER TABLE event_sigs ENABLE TRIGGER event_sigs_fleet;
COMMIT;
-- events without their indexes, then the indexes (much faster)
CREATE TEMP TABLE ev_idx AS SELECT indexname, indexdef FROM pg_indexes
    WHERE tablename = 'events' AND indexname NOT IN
    (SELECT conname FROM pg_constraint);
SELECT format('DROP INDEX %I', indexname) FROM ev_idx \gexec
INSERT INTO events (host_id, eid, ts, kind, signature, data)
SELECT 1 + (e * 7919) % :hosts, lpad(to_hex(e), 16, '0'),
    :now - (:events - e) % (7 * 86400), 'syserr',
    'SYSERR(root): signature ' || e % 200 || ': Permission denied',
    '{"id":"' || lpad(to_hex(e), 16, '0') || '","kind":"syserr",'
    || '"program":"sendmail","message":"SYSERR(root): signature ' || e % 200
    || ': Permission denied","raw":"Feb 15 09:20:02 host sendmail[7134]: '
    || 'SYSERR(root): signature ' || e % 200 || ': Permission denied"}'
FROM generate_series(0::bigint, :events - 1) e;
SELECT indexdef FROM ev_idx \gexec
-- labels, symptoms, curves: the same SQL adds them to SQLite's set
\ir bigdb_extra.sql
VACUUM ANALYZE;
