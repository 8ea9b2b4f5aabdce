-- bigdb_extra.sql - what the read benchmark's data set adds to the rows
-- of loadgen's bigdb (SQLite) and pg_bigdb.sql (PostgreSQL), the same
-- SQL for both (sqlite3 with .parameter set, psql with -v): the hosts'
-- labels (env: prod a half, staging a third, dev a sixth; dc: dc1 to
-- dc10), a symptom folded under its cause on some hosts, a day
-- of hourly curves per host (queued_total, unread_total) and a week of
-- the fleet's minute curves (beside any the collector wrote).  Parameters: hosts, now (epoch seconds).
UPDATE hosts SET labels = '{"dc":"dc' || (id % 10 + 1) || '","env":"'
    || CASE WHEN id % 6 < 3 THEN 'prod' WHEN id % 6 < 5 THEN 'staging'
    ELSE 'dev' END || '"}';
INSERT INTO host_labels (host_id, key, value)
SELECT id, 'dc', 'dc' || (id % 10 + 1) FROM hosts;
INSERT INTO host_labels (host_id, key, value)
SELECT id, 'env', CASE WHEN id % 6 < 3 THEN 'prod' WHEN id % 6 < 5
    THEN 'staging' ELSE 'dev' END FROM hosts;
-- log.syserr under mta.down where a host has both open
UPDATE findings SET symptom = 1, cause_code = 'mta.down',
    cause_subject = '/var/spool/clientmqueue'
WHERE code = 'log.syserr' AND host_id % 10 = 3
    AND resolved_at IS NULL AND host_id IN (SELECT host_id FROM findings
    WHERE code = 'mta.down' AND resolved_at IS NULL);
WITH RECURSIVE h(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM h
    WHERE value < :hosts),
k(value) AS (SELECT 0 UNION ALL SELECT value + 1 FROM k WHERE value < 23)
INSERT INTO history (host_id, metric, subject, ts, value)
SELECT h.value, 'queued_total', '', :now - 3600 * k.value,
    (h.value + k.value) % 7
FROM h, k;
WITH RECURSIVE h(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM h
    WHERE value < :hosts),
k(value) AS (SELECT 0 UNION ALL SELECT value + 1 FROM k WHERE value < 23)
INSERT INTO history (host_id, metric, subject, ts, value)
SELECT h.value, 'unread_total', '', :now - 3600 * k.value,
    (h.value * 3 + k.value) % 13 * 10
FROM h, k;
WITH RECURSIVE m(value) AS (SELECT 0 UNION ALL SELECT value + 1 FROM m
    WHERE value < 7 * 1440 - 1)
INSERT INTO fleet_history (metric, subject, ts, value)
SELECT 'queued_total', '', (:now / 60 - m.value) * 60, 300000 + m.value % 97
FROM m WHERE true ON CONFLICT DO NOTHING;
WITH RECURSIVE m(value) AS (SELECT 0 UNION ALL SELECT value + 1 FROM m
    WHERE value < 7 * 1440 - 1)
INSERT INTO fleet_history (metric, subject, ts, value)
SELECT 'unread_total', '', (:now / 60 - m.value) * 60, 650000 + m.value % 89
FROM m WHERE true ON CONFLICT DO NOTHING;
WITH RECURSIVE m(value) AS (SELECT 0 UNION ALL SELECT value + 1 FROM m
    WHERE value < 7 * 1440 - 1)
INSERT INTO fleet_history (metric, subject, ts, value)
SELECT 'open_findings', 'critical', (:now / 60 - m.value) * 60,
    50000 + m.value % 31
FROM m WHERE true ON CONFLICT DO NOTHING;
