#!/bin/sh
# pg_schema.sh - schema versions on PostgreSQL (collector/store/migrate.c):
# a new database gets the current schema and meta schema_version 5; a
# restart keeps it; a version 2 database (PostgreSQL's first,
# tests/data/schema/v2.pg.sql) with data migrates to 5, and so does a
# version 3 one (tests/data/schema/v3.pg.sql, incident_counts then a
# view, from version 4 kept by triggers, as the hosts' count) and a
# version 4 one (v4.pg.sql, two labelled hosts: the summary scoped to
# each label serves its host's share): its tables,
# columns, views, functions, triggers and indexes are then those of a new
# database and it serves its data (the aggregates moved to per-writer
# parts); two collectors starting at once on
# a new database both come up (the migration is serialised); a database
# of a newer version is refused at start with a clear message and left
# as it was; one older than PostgreSQL's first version is refused too.
# Its version 2 database holds hand-made rows, not what a collector stored
# from valid reports: its answers are about migration and are not held to
# schema/openapi.json.
unset SPOOLWATCH_RECORD_API
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"
. "$(dirname "$0")/pg_lib.inc"

T=$(e2e_tmp)
check "a PostgreSQL server" pg_start
pg_createdb v
q() { pg_sql v "$1"; }
mkdir -p "$T/a" "$T/b" "$T/c"
check "a collector on a new database" start_collector "$T/a" "db = $(pg_url v)"
check_eq "meta schema_version is 5" \
    "$(q "SELECT value FROM meta WHERE key = 'schema_version'")" 5
stop_collector
check "restart on it" start_collector "$T/a" "db = $(pg_url v)"
check_eq "still version 5, one meta row" \
    "$(q "SELECT count(*) || ' ' || max(value) FROM meta WHERE key = 'schema_version'")" "1 5"
stop_collector

# pg_shape DB: every table's and view's columns (type, not null, default),
# every index, trigger and function of the public schema, sorted
pg_shape() {
	pg_sql "$1" "SELECT s FROM (
SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type ||
    ' ' || is_nullable || ' ' || coalesce(column_default, '') ||
    ' ' || coalesce(collation_name, '') AS s
FROM information_schema.columns WHERE table_schema = 'public'
UNION ALL SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes
WHERE schemaname = 'public'
UNION ALL SELECT 'view ' || viewname || ': ' || definition FROM pg_views
WHERE schemaname = 'public'
UNION ALL SELECT 'trigger ' || tgname || ': ' || pg_get_triggerdef(t.oid)
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND NOT t.tgisinternal
UNION ALL SELECT 'function ' || p.proname || ': ' || md5(pg_get_functiondef(p.oid))
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public') x ORDER BY s"
}

# --- version 2 (PostgreSQL's first) to 5 --------------------------------------
now=$(date +%s)
pg_createdb two
check "a version 2 database" sh -c "psql -X -q -v ON_ERROR_STOP=1 -h '$PGDIR' -p '$PGPORT' -U postgres -d two -1 -f '$DATA/schema/v2.pg.sql' >/dev/null"
check "... with data" pg_sql two "
INSERT INTO meta (key, value) VALUES ('schema_version', '2');
INSERT INTO hosts (id, name, first_seen, last_seen, collected_at,
    state_order, interval_s, reports, last_report_id, mta_kind,
    mta_running, mta_listening, queued_total, unread_total, open_critical)
VALUES (1, 'two1', $now - 3600, $now - 60, $now - 70, $now - 70, 60, 1,
    '33333333-3333-4333-8333-333333333331', 'postfix', 1, 1, 5, 2, 1),
    (2, 'two2', $now - 3600, $now - 60, $now - 70, $now - 70, 60, 1,
    '33333333-3333-4333-8333-333333333332', 'postfix', 1, 1, 3, 0, 0);
INSERT INTO host_state (host_id, hash, state) VALUES (1, 79, '{}'),
    (2, 80, '{}');
INSERT INTO reports (report_id, host_id, collected_at, received_at, events,
    findings) VALUES
    ('33333333-3333-4333-8333-333333333331', 1, $now - 70, $now - 60, 1, 1),
    ('33333333-3333-4333-8333-333333333332', 2, $now - 70, $now - 60, 0, 0);
INSERT INTO mail_cron (host_id, command, \"user\", inbox, unread, queued,
    last_ts, subject) VALUES (1, '/usr/local/bin/report.sh', 'root', 2, 2,
    5, $now - 200, 'Cron <root@two1> /usr/local/bin/report.sh');
INSERT INTO event_sigs (signature, host_id, kind, count, last_ts) VALUES
    ('sig-b', 1, 'syserr', 4, $now - 140), ('sig-b', 2, 'syserr', 1, $now - 100);
INSERT INTO findings (host_id, code, subject, severity, message, evidence,
    remedy, first_seen, last_seen, last_report) VALUES
    (1, 'queue.deferred_high', 'postfix', 'critical', 'many deferred',
    '{}', 'postqueue -f', $now - 130, $now - 70, 1);
"
mkdir -p "$T/two" "$T/new"
check "a collector on it" start_collector "$T/two" "db = $(pg_url two)"
check "it says it migrated from 2" \
    grep -q "schema version 2 migrated to 5" "$T/two/collector.log"
check_eq "summary served" "$(get "$T/sum2" /api/v1/summary)" 200
check_eq "... its aggregates as stored in version 2" \
    "$(jq -r '[.mail.queued_total, .mail.hosts_with_queued, .mail.top_cron_commands[0].messages, .findings[0].hosts, .syserr_top[0].hosts, .syserr_top[0].count] | map(tostring) | join(" ")' "$T/sum2")" \
    "8 2 7 1 2 5"
stop_collector
check_eq "meta schema_version is 5" \
    "$(pg_sql two "SELECT value FROM meta WHERE key = 'schema_version'")" 5
check_eq "the old aggregate rows are part 0" \
    "$(pg_sql two "SELECT (SELECT count(*) FROM fleet_part WHERE part = 0) || ' ' || (SELECT count(*) FROM sig_fleet_part WHERE part = 0)")" "1 1"
pg_createdb new
check "a collector on a new database" start_collector "$T/new" "db = $(pg_url new)"
stop_collector
pg_shape two >"$T/two.shape"
pg_shape new >"$T/new.shape"
check "version 2 migrated: as a new database" diff -u "$T/new.shape" "$T/two.shape"

# --- version 3 to 5 --------------------------------------------------------
# two hosts' open causes (one a symptom, not counted), hand-made as v3's
# collector stored them: incident_counts was a view over them
pg_createdb three
check "a version 3 database" sh -c "psql -X -q -v ON_ERROR_STOP=1 -h '$PGDIR' -p '$PGPORT' -U postgres -d three -1 -f '$DATA/schema/v3.pg.sql' >/dev/null"
check "... with data" pg_sql three "
INSERT INTO meta (key, value) VALUES ('schema_version', '3');
INSERT INTO hosts (id, name, first_seen, last_seen, collected_at,
    state_order, interval_s, reports, last_report_id, mta_kind,
    mta_running, mta_listening, queued_total, unread_total, open_critical,
    open_warning)
VALUES (1, 'three1', $now - 3600, $now - 60, $now - 70, $now - 70, 60, 1,
    '44444444-4444-4444-8444-444444444441', 'postfix', 1, 1, 5, 2, 1, 1),
    (2, 'three2', $now - 3600, $now - 60, $now - 70, $now - 70, 60, 1,
    '44444444-4444-4444-8444-444444444442', 'postfix', 1, 1, 3, 0, 0, 1);
INSERT INTO host_state (host_id, hash, state) VALUES (1, 81, '{}'),
    (2, 82, '{}');
INSERT INTO findings (host_id, code, subject, severity, message, evidence,
    remedy, first_seen, last_seen, last_report, cause_code, cause_subject,
    symptom) VALUES
    (1, 'queue.deferred_high', 'postfix', 'critical', 'many deferred',
    '{}', 'postqueue -f', $now - 130, $now - 70, 1, NULL, NULL, 0),
    (1, 'queue.growth', 'postfix', 'warning', 'growing', '{}', '',
    $now - 130, $now - 70, 1, 'queue.deferred_high', 'postfix', 1),
    (2, 'queue.growth', 'postfix', 'warning', 'growing', '{}', '',
    $now - 130, $now - 70, 1, NULL, NULL, 0);
"
mkdir -p "$T/three"
check "a collector on it" start_collector "$T/three" "db = $(pg_url three)"
check "it says it migrated from 3" \
    grep -q "schema version 3 migrated to 5" "$T/three/collector.log"
check_eq "summary served" "$(get "$T/sum3" /api/v1/summary)" 200
check_eq "... its open causes, kept from version 4" \
    "$(jq -r '.incidents | [.open, .hosts, .by_severity.critical.open, .by_severity.critical.hosts, .by_severity.warning.open, .by_severity.warning.hosts] | map(tostring) | join(" ")' "$T/sum3")" \
    "2 2 1 1 1 1"
check_eq "... and its hosts, counted from version 4" \
    "$(jq -r '.hosts.total' "$T/sum3") $(pg_sql three "SELECT hosts FROM fleet")" "2 2"
stop_collector
check_eq "meta schema_version is 5" \
    "$(pg_sql three "SELECT value FROM meta WHERE key = 'schema_version'")" 5
check_eq "incident_counts is a table's sum now" \
    "$(pg_sql three "SELECT count(*) FROM incident_hosts") $(pg_sql three "SELECT count(*) FROM incident_counts_part")" "4 3"
pg_shape three >"$T/three.shape"
check "version 3 migrated: as a new database" diff -u "$T/new.shape" "$T/three.shape"

# --- version 4 to 5 --------------------------------------------------------
# two hosts, one labelled env:prod and one env:dev, each with an open
# cause, hand-made as v4's collector stored them
pg_createdb four
check "a version 4 database" sh -c "psql -X -q -v ON_ERROR_STOP=1 -h '$PGDIR' -p '$PGPORT' -U postgres -d four -1 -f '$DATA/schema/v4.pg.sql' >/dev/null"
check "... with data" pg_sql four "
INSERT INTO meta (key, value) VALUES ('schema_version', '4');
INSERT INTO hosts (id, name, first_seen, last_seen, collected_at,
    state_order, interval_s, reports, last_report_id, mta_kind,
    mta_running, mta_listening, queued_total, unread_total, open_critical,
    open_warning, labels)
VALUES (1, 'four1', $now - 3600, $now - 60, $now - 70, $now - 70, 60, 1,
    '55555555-5555-4555-8555-555555555551', 'postfix', 1, 1, 7, 1, 1, 0,
    '{\"env\":\"prod\"}'),
    (2, 'four2', $now - 3600, $now - 60, $now - 70, $now - 70, 60, 1,
    '55555555-5555-4555-8555-555555555552', 'postfix', 1, 1, 2, 0, 0, 1,
    '{\"env\":\"dev\"}');
INSERT INTO host_labels (host_id, key, value) VALUES (1, 'env', 'prod'),
    (2, 'env', 'dev');
INSERT INTO host_state (host_id, hash, state) VALUES (1, 83, '{}'),
    (2, 84, '{}');
INSERT INTO findings (host_id, code, subject, severity, message, evidence,
    remedy, first_seen, last_seen, last_report, cause_code, cause_subject,
    symptom) VALUES
    (1, 'queue.deferred_high', 'postfix', 'critical', 'many deferred',
    '{}', 'postqueue -f', $now - 130, $now - 70, 1, NULL, NULL, 0),
    (2, 'queue.growth', 'postfix', 'warning', 'growing', '{}', '',
    $now - 130, $now - 70, 1, NULL, NULL, 0);
"
mkdir -p "$T/four"
check "a collector on it" start_collector "$T/four" "db = $(pg_url four)"
check "it says it migrated from 4" \
    grep -q "schema version 4 migrated to 5" "$T/four/collector.log"
check_eq "summary served" "$(get "$T/sum4" /api/v1/summary)" 200
check_eq "... as stored in version 4" \
    "$(jq -r '[.hosts.total, .mail.queued_total, .incidents.open, .incidents.by_severity.critical.open, .incidents.by_severity.warning.open] | map(tostring) | join(" ")' "$T/sum4")" \
    "2 9 2 1 1"
check_eq "summary for env:prod" \
    "$(get "$T/sum4p" '/api/v1/summary?label=env:prod')" 200
check_eq "... the prod host's alone" \
    "$(jq -r '[.hosts.total, .mail.queued_total, .incidents.open, .incidents.by_severity.critical.open] | map(tostring) | join(" ")' "$T/sum4p")" \
    "1 7 1 1"
check_eq "summary for env:dev" \
    "$(get "$T/sum4d" '/api/v1/summary?label=env:dev')" 200
check_eq "... the dev host's alone" \
    "$(jq -r '[.hosts.total, .mail.queued_total, .incidents.open, .incidents.by_severity.warning.open] | map(tostring) | join(" ")' "$T/sum4d")" \
    "1 2 1 1"
stop_collector
check_eq "meta schema_version is 5" \
    "$(pg_sql four "SELECT value FROM meta WHERE key = 'schema_version'")" 5
pg_shape four >"$T/four.shape"
check "version 4 migrated: as a new database" diff -u "$T/new.shape" "$T/four.shape"

# two at once on a new database
pg_createdb w
start_collector "$T/b" "db = $(pg_url w)" &
j1=$!
start_collector "$T/c" "db = $(pg_url w)" &
j2=$!
wait $j1; r1=$?
wait $j2; r2=$?
check_eq "two collectors starting at once on a new database both answer" "$r1 $r2" "0 0"
check_eq "... one schema, version 5" \
    "$(pg_sql w "SELECT value FROM meta WHERE key = 'schema_version'")" 5
# (their pids live in the subshells: stop them by port)
for d in b c; do
	pkill_port=$(sed -n 's/^listen = 127.0.0.1://p' "$T/$d/collector.conf")
	pid=$(ss -Htlnp "sport = :$pkill_port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)
	[ -n "$pid" ] && kill "$pid"
done

# newer than this collector
q "UPDATE meta SET value = '6' WHERE key = 'schema_version'"
q "SELECT count(*) FROM hosts" >"$T/before"
check "a newer database: the collector refuses to start" \
    sh -c "! '$COLLECTOR' --db '$(pg_url v)' --listen 127.0.0.1:$(free_port) >'$T/n.log' 2>&1"
check "it says why" \
    grep -q "schema version 6, newer than this collector's (5)" "$T/n.log"
check_eq "the version is left as it was" \
    "$(q "SELECT value FROM meta WHERE key = 'schema_version'")" 6
# older than PostgreSQL ever had
q "UPDATE meta SET value = '1' WHERE key = 'schema_version'"
check "version 1 on PostgreSQL: refused" \
    sh -c "! '$COLLECTOR' --db '$(pg_url v)' --listen 127.0.0.1:$(free_port) >'$T/o.log' 2>&1"
check "it says why" grep -q "older than any this backend had (2)" "$T/o.log"
