#!/bin/sh
# collector_migrate.sh - schema versions (collector/store/migrate.c):
#  - a database made by the version 1 schema (tests/data/schema/v1.sql,
#    round one's collector) with data in it migrates at start: its
#    tables, columns, indexes and triggers are then those of a new
#    database, its meta row says 5, and the collector serves its data
#    (hosts, summary: the tmpfs no longer among the fullest filesystems,
#    cron mail with its inbox) and takes new reports for its hosts;
#  - the same from version 2 (tests/data/schema/v2.sql, the second
#    round's schema), 3 (v3.sql) and 4 (v4.sql, two labelled hosts: the
#    summary scoped to each label serves its host's share) with data;
#  - a restart does not migrate again;
#  - a database of a newer version than the collector knows: refused at
#    start with a clear message, and left as it was;
#  - a step that fails leaves the database at version 1.
# (pg_schema.sh does PostgreSQL's versions 2, 3 and 4 to 5.)
# Its databases hold hand-made round-one rows (an empty state, a bare
# event), not what a collector stored from valid reports: its answers are
# about migration and are not held to schema/openapi.json.
unset SPOOLWATCH_RECORD_API
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
now=$(date +%s)

# sqlq DB SQL: the rows, one per line, columns joined by '|'.
sqlq() {
	python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
for r in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in r))' "$1" "$2"
}

# shape DB: every table's columns (name, type, not null, default), every
# index and trigger, sorted (ALTER TABLE adds columns at the end)
shape() {
	python3 - "$1" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
out = []
for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
    for r in c.execute("SELECT name, type, \"notnull\", dflt_value, pk "
                       "FROM pragma_table_info(?)", (t,)):
        out.append("column %s.%s %s" % (t, r[0], r[1:]))
for r in c.execute("SELECT type, name, tbl_name FROM sqlite_master "
                   "WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"):
    out.append("%s %s on %s" % r)
for r in c.execute("SELECT name, sql FROM sqlite_master WHERE "
                   "type IN ('index', 'trigger') AND sql IS NOT NULL"):
    out.append("sql %s: %s" % (r[0], " ".join(r[1].split())))
print("\n".join(sorted(out)))
PY
}

# v1db FILE: the version 1 schema with two hosts' worth of data
v1db() {
	sqlite3 "$1" <"$DATA/schema/v1.sql" || return 1
	sqlite3 "$1" <<SQL
INSERT INTO hosts (id, name, os, kernel, agent_version, first_seen,
    last_seen, collected_at, interval_s, reports, last_report_id, mta_kind,
    mta_running, mta_listening, mta_down, queued_total, unread_total,
    open_critical, open_warning, open_info)
VALUES (1, 'old1', 'Debian 12', '6.1.0', '0.1.0', $now - 3600, $now - 60,
    $now - 70, 60, 2, '11111111-1111-4111-8111-111111111112', 'postfix',
    1, 1, 0, 4, 3, 1, 0, 0),
    (2, 'old2', 'Debian 12', '6.1.0', '0.1.0', $now - 3600, $now - 60,
    $now - 30, 60, 1, '22222222-2222-4222-8222-222222222221', 'postfix',
    1, 1, 0, 0, 0, 0, 0, 0);
INSERT INTO host_state (host_id, hash, state) VALUES (1, 77, '{}'),
    (2, 78, '{}');
INSERT INTO reports (report_id, host_id, collected_at, received_at, events,
    findings) VALUES
    ('11111111-1111-4111-8111-111111111111', 1, $now - 130, $now - 120, 1, 1),
    ('11111111-1111-4111-8111-111111111112', 1, $now - 70, $now - 60, 0, 1),
    ('22222222-2222-4222-8222-222222222221', 2, $now - 30, $now - 60, 0, 0);
INSERT INTO filesystems (host_id, mount, device, fstype, inodes_total,
    inodes_used, inodes_free, inodes_used_pct, bytes_total, bytes_free)
VALUES (1, '/', '/dev/sda1', 'ext4', 1000, 910, 90, 91.0, 10000, 100),
    (1, '/run', 'tmpfs', 'tmpfs', 1000, 990, 10, 99.0, 1000, 10),
    (2, '/', '/dev/sda1', 'ext4', 1000, 100, 900, 10.0, 10000, 9000);
INSERT INTO mail_cron (host_id, command, user, unread, queued, last_ts,
    subject) VALUES (1, '/usr/local/bin/backup.sh', 'root', 3, 4,
    $now - 200, 'Cron <root@old1> /usr/local/bin/backup.sh');
INSERT INTO events (host_id, eid, ts, kind, signature, data) VALUES
    (1, 'e1', $now - 140, 'syserr', 'sig-a', '{"kind":"syserr"}');
INSERT INTO findings (host_id, code, subject, severity, message, evidence,
    remedy, first_seen, last_seen, last_report) VALUES
    (1, 'queue.deferred_high', 'postfix', 'critical', 'many deferred',
    '{}', 'postqueue -f', $now - 130, $now - 70, 2);
SQL
}

# --- version 1 to 2 --------------------------------------------------------
mkdir -p "$T/m" "$T/fresh"
check "a version 1 database with data" v1db "$T/m/c.db"
check_eq "version 1 has no schema_version row" \
    "$(sqlq "$T/m/c.db" "SELECT count(*) FROM meta")" 0
check "the collector starts on it" start_collector "$T/m"
check "it says it migrated" \
    grep -q "schema version 1 migrated to 5" "$T/m/collector.log"
stop_collector
check_eq "meta schema_version is 5" \
    "$(sqlq "$T/m/c.db" "SELECT value FROM meta WHERE key = 'schema_version'")" 5
check_eq "integrity_check" "$(sqlq "$T/m/c.db" 'PRAGMA integrity_check')" ok
check "a new database" start_collector "$T/fresh"
stop_collector
check_eq "a new database is version 5" \
    "$(sqlq "$T/fresh/c.db" "SELECT value FROM meta WHERE key = 'schema_version'")" 5
shape "$T/m/c.db" >"$T/m.shape"
shape "$T/fresh/c.db" >"$T/fresh.shape"
check "tables, columns, indexes and triggers as in a new database" \
    diff -u "$T/fresh.shape" "$T/m.shape"
check_eq "state_order from collected_at, never after arrival" \
    "$(sqlq "$T/m/c.db" "SELECT group_concat(o, ',') FROM (SELECT state_order - $now AS o FROM hosts ORDER BY id)")" \
    "-70,-60"
check_eq "mail_fs: the tmpfs cannot fill with mail" \
    "$(sqlq "$T/m/c.db" "SELECT group_concat(m, ',') FROM (SELECT mount || '=' || mail_fs AS m FROM filesystems WHERE host_id = 1 ORDER BY mount)")" \
    "/=1,/run=0"
check_eq "the cron mail's inbox" \
    "$(sqlq "$T/m/c.db" "SELECT inbox || ' ' || hosts || ' ' || unread || ' ' || queued FROM cron_fleet")" \
    "3 1 3 4"
check_eq "the open finding is a cause: incident_counts filled from it" \
    "$(sqlq "$T/m/c.db" "SELECT group_concat(severity || '=' || causes || '/' || hosts, ',') FROM (SELECT * FROM incident_counts ORDER BY severity)")" \
    "=1/1,critical=1/1"
check_eq "labels and causes start empty" \
    "$(sqlq "$T/m/c.db" "SELECT count(labels) + count(cause_code) + sum(symptom) FROM hosts, findings")" 0
check_eq "the state tables are rewritten by the next report" \
    "$(sqlq "$T/m/c.db" "SELECT group_concat(hash, ',') FROM host_state")" "0,0"

# the migrated database, served
mkdir -p "$T/s"
cp "$T/m/c.db" "$T/s/c.db"
: >"$T/m/collector.log"
check "restart on the migrated database" start_collector "$T/m"
check "no second migration" sh -c "! grep -q migrated '$T/m/collector.log'"
check_eq "hosts served" "$(get "$T/hosts" /api/v1/hosts)" 200
check_eq "both hosts listed" \
    "$(jq -r '[.items[].name] | sort | join(",")' "$T/hosts")" "old1,old2"
check_eq "host detail served" "$(get "$T/old1" /api/v1/hosts/old1)" 200
check_eq "its open finding" \
    "$(jq -r '[.open_findings[].code] | join(",")' "$T/old1")" queue.deferred_high
check_eq "summary served" "$(get "$T/sum" /api/v1/summary)" 200
check_eq "fullest filesystems leave the tmpfs out" \
    "$(jq -r '[.inodes_top[] | .host + ":" + .mount] | join(",")' "$T/sum")" \
    "old1:/,old2:/"
check_eq "the cron command counts inbox + queued" \
    "$(jq -r '.mail.top_cron_commands[0] | .command + " " + (.messages | tostring)' "$T/sum")" \
    "/usr/local/bin/backup.sh 7"
# a new report of an old host replaces its state
fresh_report "$T/r.json"
jq '.host.name = "old1"' "$T/r.json" >"$T/r1.json"
check_eq "a new report of a migrated host: 200" \
    "$(post "$T/out" "$T/r1.json")" 200
get "$T/old1b" /api/v1/hosts/old1 >/dev/null
check_eq "its state is the new report's" \
    "$(jq -r .last_report_id "$T/old1b")" "$(jq -r .report_id "$T/r1.json")"
jq '.report_id = "11111111-1111-4111-8111-111111111111" | .host.name = "old1"' \
    "$T/r.json" >"$T/dup.json"
check_eq "an old report again: 200" "$(post "$T/out" "$T/dup.json")" 200
check_eq "answered duplicate:true" "$(jq -r .duplicate "$T/out")" true
stop_collector

# --- version 2 to 5 --------------------------------------------------------
# v2db FILE: the version 2 schema (meta row 2) with a host's data
v2db() {
	sqlite3 "$1" <"$DATA/schema/v2.sql" || return 1
	sqlite3 "$1" <<SQL
INSERT INTO meta (key, value) VALUES ('schema_version', '2');
INSERT INTO hosts (id, name, os, kernel, agent_version, first_seen,
    last_seen, collected_at, state_order, interval_s, reports,
    last_report_id, mta_kind, mta_running, mta_listening, mta_down,
    queued_total, unread_total, open_critical, open_warning, open_info,
    labels)
VALUES (1, 'two1', 'Debian 12', '6.1.0', '0.2.0', $now - 3600, $now - 60,
    $now - 70, $now - 70, 60, 1, '33333333-3333-4333-8333-333333333331',
    'postfix', 1, 1, 0, 5, 2, 1, 0, 0, '{"env":"prod"}');
INSERT INTO host_labels (host_id, key, value) VALUES (1, 'env', 'prod');
INSERT INTO host_state (host_id, hash, state) VALUES (1, 79, '{}');
INSERT INTO reports (report_id, host_id, collected_at, received_at, events,
    findings) VALUES
    ('33333333-3333-4333-8333-333333333331', 1, $now - 70, $now - 60, 1, 1);
INSERT INTO filesystems (host_id, mount, device, fstype, inodes_total,
    inodes_used, inodes_free, inodes_used_pct, bytes_total, bytes_free,
    mail_fs)
VALUES (1, '/', '/dev/sda1', 'ext4', 1000, 920, 80, 92.0, 10000, 100, 1);
INSERT INTO mail_cron (host_id, command, user, inbox, unread, queued,
    last_ts, subject) VALUES (1, '/usr/local/bin/report.sh', 'root', 2, 2,
    5, $now - 200, 'Cron <root@two1> /usr/local/bin/report.sh');
INSERT INTO events (host_id, eid, ts, kind, signature, data) VALUES
    (1, 'e1', $now - 140, 'syserr', 'sig-b', '{"kind":"syserr"}');
INSERT INTO event_sigs (signature, host_id, kind, count, last_ts) VALUES
    ('sig-b', 1, 'syserr', 1, $now - 140);
INSERT INTO findings (host_id, code, subject, severity, message, evidence,
    remedy, first_seen, last_seen, last_report) VALUES
    (1, 'queue.deferred_high', 'postfix', 'critical', 'many deferred',
    '{}', 'postqueue -f', $now - 130, $now - 70, 1);
SQL
}

mkdir -p "$T/v2"
check "a version 2 database with data" v2db "$T/v2/c.db"
check "the collector starts on it" start_collector "$T/v2"
check "it says it migrated from 2" \
    grep -q "schema version 2 migrated to 5" "$T/v2/collector.log"
check_eq "its summary: the host's queue, cron mail and finding" \
    "$(get "$T/v2sum" /api/v1/summary)" 200
check_eq "... as stored in version 2" \
    "$(jq -r '[.mail.queued_total, .mail.top_cron_commands[0].messages, .findings[0].hosts, .syserr_top[0].hosts] | map(tostring) | join(" ")' "$T/v2sum")" \
    "5 7 1 1"
stop_collector
check_eq "meta schema_version is 5" \
    "$(sqlq "$T/v2/c.db" "SELECT value FROM meta WHERE key = 'schema_version'")" 5
check_eq "integrity_check" "$(sqlq "$T/v2/c.db" 'PRAGMA integrity_check')" ok
shape "$T/v2/c.db" >"$T/v2.shape"
check "version 2 migrated: tables, columns, indexes and triggers as new" \
    diff -u "$T/fresh.shape" "$T/v2.shape"

# --- version 3 to 5 --------------------------------------------------------
# v3db FILE: the version 3 schema (meta row 3) with a host's data, an open
# cause among it
v3db() {
	sqlite3 "$1" <"$DATA/schema/v3.sql" || return 1
	sqlite3 "$1" <<SQL
INSERT INTO meta (key, value) VALUES ('schema_version', '3');
INSERT INTO hosts (id, name, os, kernel, agent_version, first_seen,
    last_seen, collected_at, state_order, interval_s, reports,
    last_report_id, mta_kind, mta_running, mta_listening, mta_down,
    queued_total, unread_total, open_critical, open_warning, open_info,
    labels)
VALUES (1, 'three1', 'Debian 12', '6.1.0', '0.3.0', $now - 3600,
    $now - 60, $now - 70, $now - 70, 60, 1,
    '44444444-4444-4444-8444-444444444441', 'postfix', 1, 1, 0, 6, 1, 1,
    1, 0, '{"env":"prod"}');
INSERT INTO host_labels (host_id, key, value) VALUES (1, 'env', 'prod');
INSERT INTO host_state (host_id, hash, state) VALUES (1, 80, '{}');
INSERT INTO reports (report_id, host_id, collected_at, received_at, events,
    findings) VALUES
    ('44444444-4444-4444-8444-444444444441', 1, $now - 70, $now - 60, 0, 2);
INSERT INTO findings (host_id, code, subject, severity, message, evidence,
    remedy, first_seen, last_seen, last_report, cause_code, cause_subject,
    symptom) VALUES
    (1, 'queue.deferred_high', 'postfix', 'critical', 'many deferred',
    '{}', 'postqueue -f', $now - 130, $now - 70, 1, NULL, NULL, 0),
    (1, 'queue.growth', 'postfix', 'warning', 'growing', '{}', '',
    $now - 130, $now - 70, 1, 'queue.deferred_high', 'postfix', 1);
SQL
}

mkdir -p "$T/v3"
check "a version 3 database with data" v3db "$T/v3/c.db"
check "the collector starts on it" start_collector "$T/v3"
check "it says it migrated from 3" \
    grep -q "schema version 3 migrated to 5" "$T/v3/collector.log"
check_eq "its summary: the host's queue and its open cause" \
    "$(get "$T/v3sum" /api/v1/summary)" 200
check_eq "... as stored in version 3" \
    "$(jq -r '[.mail.queued_total, .incidents.open, .incidents.hosts, .incidents.by_severity.critical.open] | map(tostring) | join(" ")' "$T/v3sum")" \
    "6 1 1 1"
stop_collector
check_eq "meta schema_version is 5" \
    "$(sqlq "$T/v3/c.db" "SELECT value FROM meta WHERE key = 'schema_version'")" 5
check_eq "integrity_check" "$(sqlq "$T/v3/c.db" 'PRAGMA integrity_check')" ok
shape "$T/v3/c.db" >"$T/v3.shape"
check "version 3 migrated: tables, columns, indexes and triggers as new" \
    diff -u "$T/fresh.shape" "$T/v3.shape"

# --- version 4 to 5 --------------------------------------------------------
# v4db FILE: the version 4 schema (meta row 4) with two hosts' data, one
# labelled env:prod and one env:dev, each with an open cause
v4db() {
	sqlite3 "$1" <"$DATA/schema/v4.sql" || return 1
	sqlite3 "$1" <<SQL
INSERT INTO meta (key, value) VALUES ('schema_version', '4');
INSERT INTO hosts (id, name, os, kernel, agent_version, first_seen,
    last_seen, collected_at, state_order, interval_s, reports,
    last_report_id, mta_kind, mta_running, mta_listening, mta_down,
    queued_total, unread_total, open_critical, open_warning, open_info,
    labels)
VALUES (1, 'four1', 'Debian 12', '6.1.0', '0.4.0', $now - 3600,
    $now - 60, $now - 70, $now - 70, 60, 1,
    '55555555-5555-4555-8555-555555555551', 'postfix', 1, 1, 0, 7, 1, 1,
    0, 0, '{"env":"prod"}'),
    (2, 'four2', 'Debian 12', '6.1.0', '0.4.0', $now - 3600,
    $now - 60, $now - 70, $now - 70, 60, 1,
    '55555555-5555-4555-8555-555555555552', 'postfix', 1, 1, 0, 2, 0, 0,
    1, 0, '{"env":"dev"}');
INSERT INTO host_labels (host_id, key, value) VALUES (1, 'env', 'prod'),
    (2, 'env', 'dev');
INSERT INTO host_state (host_id, hash, state) VALUES (1, 83, '{}'),
    (2, 84, '{}');
INSERT INTO reports (report_id, host_id, collected_at, received_at, events,
    findings) VALUES
    ('55555555-5555-4555-8555-555555555551', 1, $now - 70, $now - 60, 0, 1),
    ('55555555-5555-4555-8555-555555555552', 2, $now - 70, $now - 60, 0, 1);
INSERT INTO findings (host_id, code, subject, severity, message, evidence,
    remedy, first_seen, last_seen, last_report, cause_code, cause_subject,
    symptom) VALUES
    (1, 'queue.deferred_high', 'postfix', 'critical', 'many deferred',
    '{}', 'postqueue -f', $now - 130, $now - 70, 1, NULL, NULL, 0),
    (2, 'queue.growth', 'postfix', 'warning', 'growing', '{}', '',
    $now - 130, $now - 70, 1, NULL, NULL, 0);
SQL
}

mkdir -p "$T/v4"
check "a version 4 database with data" v4db "$T/v4/c.db"
check "the collector starts on it" start_collector "$T/v4"
check "it says it migrated from 4" \
    grep -q "schema version 4 migrated to 5" "$T/v4/collector.log"
check_eq "its summary" "$(get "$T/v4sum" /api/v1/summary)" 200
check_eq "... as stored in version 4" \
    "$(jq -r '[.hosts.total, .mail.queued_total, .incidents.open, .incidents.by_severity.critical.open, .incidents.by_severity.warning.open] | map(tostring) | join(" ")' "$T/v4sum")" \
    "2 9 2 1 1"
check_eq "its summary for env:prod" \
    "$(get "$T/v4prod" '/api/v1/summary?label=env:prod')" 200
check_eq "... the prod host's alone" \
    "$(jq -r '[.hosts.total, .mail.queued_total, .incidents.open, .incidents.by_severity.critical.open] | map(tostring) | join(" ")' "$T/v4prod")" \
    "1 7 1 1"
check_eq "its summary for env:dev" \
    "$(get "$T/v4dev" '/api/v1/summary?label=env:dev')" 200
check_eq "... the dev host's alone" \
    "$(jq -r '[.hosts.total, .mail.queued_total, .incidents.open, .incidents.by_severity.warning.open] | map(tostring) | join(" ")' "$T/v4dev")" \
    "1 2 1 1"
stop_collector
check_eq "meta schema_version is 5" \
    "$(sqlq "$T/v4/c.db" "SELECT value FROM meta WHERE key = 'schema_version'")" 5
check_eq "integrity_check" "$(sqlq "$T/v4/c.db" 'PRAGMA integrity_check')" ok
shape "$T/v4/c.db" >"$T/v4.shape"
check "version 4 migrated: tables, columns, indexes and triggers as new" \
    diff -u "$T/fresh.shape" "$T/v4.shape"

# --- newer than known ---------------------------------------------------------
mkdir -p "$T/n"
cp "$T/s/c.db" "$T/n/c.db"
sqlite3 "$T/n/c.db" "UPDATE meta SET value = '6' WHERE key = 'schema_version'"
cp "$T/n/c.db" "$T/n/before.db"
check "a newer database: the collector refuses to start" \
    sh -c "! '$COLLECTOR' --db '$T/n/c.db' --listen 127.0.0.1:$(free_port) >'$T/n/log' 2>&1"
check "it says why" \
    grep -q "schema version 6, newer than this collector's (5)" "$T/n/log"
check "the database is unchanged" cmp -s "$T/n/c.db" "$T/n/before.db"

# --- a failing step changes nothing -----------------------------------------------
mkdir -p "$T/f"
v1db "$T/f/c.db"
# a column of version 2 already there: the step's ALTER TABLE fails
sqlite3 "$T/f/c.db" "ALTER TABLE mail_cron ADD COLUMN inbox INTEGER"
check "a failing step: the collector does not start" \
    sh -c "! '$COLLECTOR' --db '$T/f/c.db' --listen 127.0.0.1:$(free_port) >'$T/f/log' 2>&1"
check "it names the error" grep -q "duplicate column name: inbox" "$T/f/log"
check_eq "still version 1: no meta row, no state_order" \
    "$(sqlq "$T/f/c.db" "SELECT (SELECT count(*) FROM meta) || ' ' || (SELECT count(*) FROM pragma_table_info('hosts') WHERE name = 'state_order')")" \
    "0 0"
